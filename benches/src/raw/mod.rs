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

/// Implements [`crate::Driver`] for a raw driver from its own methods of the same names,
/// which return the C API's errors as text: a failure panics with the driver's name and
/// the workload. `$handle` is the field whose `exec` runs setup SQL.
macro_rules! driver_from_methods {
    ($driver:ident, $handle:ident, $name:literal) => {
        impl crate::Driver for $driver {
            fn batch(&mut self, sql: &str) {
                self.$handle.exec(sql).expect(concat!($name, ": setup"));
            }

            fn select_users(&mut self) -> Vec<crate::data::User> {
                $driver::select_users(self).expect(concat!($name, ": select users"))
            }

            fn users_with_posts(&mut self) -> Vec<(crate::data::User, Option<crate::data::Post>)> {
                $driver::users_with_posts(self).expect(concat!($name, ": users left join posts"))
            }

            fn insert_users(&mut self, rows: &[crate::data::NewUser<'_>]) -> usize {
                $driver::insert_users(self, rows).expect(concat!($name, ": insert users"))
            }

            fn load_tree(&mut self) -> Vec<crate::data::UserTree> {
                $driver::load_tree(self).expect(concat!($name, ": load users, posts and comments"))
            }

            fn find_user(&mut self, id: i32) -> Option<crate::data::User> {
                $driver::find_user(self, id).expect(concat!($name, ": find user"))
            }
        }
    };
}
use driver_from_methods;

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
