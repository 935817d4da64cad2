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

use crate::data::{Comment, Post, User};
use std::ffi::c_int;
use std::fmt::Write as _;

/// The workloads' rows, read column by column from a raw driver's current row. Each
/// driver reads integers and text its own way; the rows are put together here.
trait ReadColumns {
    /// An `INTEGER NOT NULL` column.
    fn int(&self, at: c_int) -> Result<i32, String>;

    /// A `TEXT` column that may be NULL.
    fn nullable_text(&self, at: c_int) -> Result<Option<String>, String>;

    /// A `TEXT NOT NULL` column.
    fn text(&self, at: c_int) -> Result<String, String> {
        self.nullable_text(at)?
            .ok_or_else(|| format!("column {at}: unexpected NULL"))
    }

    /// A [`User`] from the three columns starting at `at`.
    fn user(&self, at: c_int) -> Result<User, String> {
        Ok(User {
            id: self.int(at)?,
            name: self.text(at + 1)?,
            hair_color: self.nullable_text(at + 2)?,
        })
    }

    /// A [`Post`] from the four columns starting at `at`.
    fn post(&self, at: c_int) -> Result<Post, String> {
        Ok(Post {
            id: self.int(at)?,
            user_id: self.int(at + 1)?,
            title: self.text(at + 2)?,
            body: self.nullable_text(at + 3)?,
        })
    }

    /// A [`Comment`] from the three columns starting at `at`.
    fn comment(&self, at: c_int) -> Result<Comment, String> {
        Ok(Comment {
            id: self.int(at)?,
            post_id: self.int(at + 1)?,
            text: self.text(at + 2)?,
        })
    }
}

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

/// Inserts `rows` with `insert_chunk`, `per_statement` rows at a time, in one
/// transaction (run with `exec`) when there are several chunks; returns the number of
/// rows inserted. The bulk-insert baseline of both backends.
fn insert_in_chunks<C, R>(
    conn: &mut C,
    rows: &[R],
    per_statement: usize,
    exec: fn(&C, &str) -> Result<(), String>,
    insert_chunk: fn(&mut C, &[R]) -> Result<usize, String>,
) -> Result<usize, String> {
    let transaction = rows.len() > per_statement;
    if transaction {
        exec(conn, "BEGIN")?;
    }
    let result = rows
        .chunks(per_statement)
        .try_fold(0, |total, chunk| Ok(total + insert_chunk(conn, chunk)?));
    if transaction {
        match &result {
            Ok(_) => exec(conn, "COMMIT")?,
            Err(_) => exec(conn, "ROLLBACK")?,
        }
    }
    result
}

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
