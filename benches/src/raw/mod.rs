//! The raw drivers, called directly: the baselines quarry is measured against. All of
//! this benchmark's unsafe code is here.
//!
//! Each file holds one backend: the bulk-insert connection (`Connection`) and the
//! [`crate::Driver`] of the workload suite (`RawSqlite`, `RawPg`), sharing one handle
//! type and its prepare, execute and error code.
#![allow(unsafe_code)] // FFI

#[cfg(test)]
mod check;
pub mod pg;
pub mod sqlite;

use std::fmt::Write as _;

/// `INSERT INTO users (name, hair_color) VALUES (?, ?), …` for `rows` rows, with `?`
/// placeholders, or `$1, $2, …` when `numbered`.
fn insert_users_sql(rows: usize, numbered: bool) -> String {
    let mut sql = String::with_capacity(48 + rows * 12);
    sql.push_str("INSERT INTO users (name, hair_color) VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        if numbered {
            let n = 2 * row + 1;
            // Writing to a `String` cannot fail.
            let _ = write!(sql, "(${n}, ${})", n + 1);
        } else {
            sql.push_str("(?, ?)");
        }
    }
    sql
}

#[cfg(test)]
mod tests {
    #[test]
    fn insert_sql_has_one_pair_of_parameters_per_row() {
        assert_eq!(
            super::insert_users_sql(2, false),
            "INSERT INTO users (name, hair_color) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(
            super::insert_users_sql(2, true),
            "INSERT INTO users (name, hair_color) VALUES ($1, $2), ($3, $4)"
        );
    }
}
