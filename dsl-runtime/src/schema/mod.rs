//! Creating and dropping the tables that `table!` declares, in each backend's dialect:
//! SQLAlchemy's `metadata.create_all(engine)` / `drop_all`, for tests and for small
//! applications that need no migrations.
//!
//! `table!` records what the database needs to create each table: the columns' types
//! and nullability, defaults with their SQL (`= default(0)`, `= default(now())`),
//! `unique` columns, foreign keys with their `on delete` action, and the table's
//! indexes (`#[index(a, b)]`, `#[unique(a, b)]`). [`create_all`] creates the tables
//! given, those referenced before those that reference them, with their indexes, in one
//! transaction; [`drop_all`] drops them in the opposite order. Both run on blocking and
//! async connections alike (`.await` the latter).
//!
//! ```
//! use quarry::prelude::*;
//!
//! quarry::table! {
//!     authors (id) {
//!         id -> Int4 = default,
//!         name -> Text unique,
//!         active -> Bool = default(true),
//!     }
//! }
//!
//! quarry::table! {
//!     #[index(author_id)]
//!     books (id) {
//!         id -> Int4 = default,
//!         author_id -> Int4 references authors on delete cascade,
//!         title -> Text,
//!         pages -> Nullable<Int4>,
//!     }
//! }
//!
//! let mut conn = SqliteConnection::establish(":memory:")?;
//! // In any order: `authors` is created first, as `books` references it.
//! quarry::schema::create_all(&mut conn, &[&books::table, &authors::table])?;
//!
//! quarry::insert_into(authors::table).values(authors::name.eq("Le Guin")).execute(&mut conn)?;
//! let active: bool = authors::table.select(authors::active).first(&mut conn)?;
//! assert!(active);
//!
//! quarry::schema::drop_all(&mut conn, &[&books::table, &authors::table])?;
//! # Ok::<(), quarry::Error>(())
//! ```
//!
//! What each backend is given ([`create_all_sql`] shows it): an integer primary key
//! declared `= default` becomes SQLite's `INTEGER PRIMARY KEY` (the rowid) and a
//! PostgreSQL identity column; `Bool` is `BOOLEAN` on both; timestamps, dates, times,
//! JSON and `Numeric` are `TEXT` on SQLite (the forms quarry writes and reads there),
//! a UUID a `BLOB`; arrays exist only on PostgreSQL, and creating a table with one on
//! SQLite is an error. A SQL type of your own is created as its `SqlType::NAME`.

use crate::backend::Backend;
use crate::conn::{Connection, Executor, Output, Request, Row, Task};
use crate::error::QueryResult;
use std::ops::ControlFlow;

mod diff;
mod render;

pub use diff::{SchemaDiff, diff};
pub use render::{create_all_sql, drop_all_sql};

/// A table whose declaration [`create_all`] and [`drop_all`] can read: every `table`
/// that `table!` declares.
pub trait Declared {
    /// What `table!` says about the table.
    fn declaration(&self) -> &'static TableDeclaration;
}

/// A table as `table!` declares it, for DDL.
#[derive(Debug, Clone, Copy)]
pub struct TableDeclaration {
    /// The table's SQL name.
    pub name: &'static str,
    /// Its columns, in declaration order.
    pub columns: &'static [ColumnDeclaration],
    /// The SQL names of the primary key's columns.
    pub primary_key: &'static [&'static str],
    /// `#[index(…)]` and `#[unique(…)]`.
    pub indexes: &'static [IndexDeclaration],
    /// `#[renamed_from = "…"]`: the name the table had, which [`diff`] renames.
    pub renamed_from: Option<&'static str>,
}

/// A column as `table!` declares it, for DDL.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDeclaration {
    /// The column's SQL name.
    pub name: &'static str,
    /// Its type (`Nullable<…>` taken off: see `nullable`).
    pub ty: ColumnType,
    /// Whether it is `Nullable<…>`.
    pub nullable: bool,
    /// Whether it is declared `= default`, with or without its SQL.
    pub has_default: bool,
    /// The default's SQL, when the declaration gives it: `= default(…)`.
    pub default: Option<DefaultValue>,
    /// Declared `unique`.
    pub unique: bool,
    /// Declared `references <table>`.
    pub references: Option<ForeignKey>,
    /// `#[renamed_from = "…"]`: the name the column had, which [`diff`] renames.
    pub renamed_from: Option<&'static str>,
}

/// A column's SQL type, for DDL: one of quarry's SQL types by its name (`"Int4"`), an
/// array of one, or a SQL type of the user's own.
// A struct, not an enum of the types: variants named `Int4` or `Text` would make rustc
// spell `quarry::types::Int4` in full in every error message that names the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnType {
    name: &'static str,
    array: bool,
    own: bool,
}

impl ColumnType {
    /// One of quarry's SQL types, by its name in `quarry::types` (`"Int4"`).
    #[doc(hidden)]
    pub const fn builtin(name: &'static str) -> Self {
        ColumnType {
            name,
            array: false,
            own: false,
        }
    }

    /// A PostgreSQL array of `element`.
    #[doc(hidden)]
    pub const fn array_of(element: ColumnType) -> Self {
        ColumnType {
            array: true,
            ..element
        }
    }

    /// A SQL type of the user's own, created by its `SqlType::NAME`.
    #[doc(hidden)]
    pub const fn named(name: &'static str) -> Self {
        ColumnType {
            name,
            array: false,
            own: true,
        }
    }

    /// The type's name: quarry's (`"Int4"`), or the user's own type's.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// Whether it is an array of the type [`name`](Self::name) names.
    pub fn is_array(self) -> bool {
        self.array
    }

    /// Whether it is a SQL type of the user's own rather than one of quarry's.
    pub fn is_own(self) -> bool {
        self.own
    }

    /// Whether a value of the type is an integer (an identity column can be one).
    fn is_integer(self) -> bool {
        !self.array && !self.own && matches!(self.name, "Int2" | "Int4" | "Int8")
    }
}

/// A column default's SQL, as `= default(…)` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    /// A number, as written.
    Number(&'static str),
    /// A string, written as an SQL string literal.
    StringLiteral(&'static str),
    /// `true` or `false`.
    BoolLiteral(bool),
    /// `now()`: the backend's current timestamp.
    CurrentTimestamp,
    /// `current_date`.
    Today,
    /// `sql("…")`: SQL of the user's own, as written.
    Sql(&'static str),
}

/// A foreign key: `references <table>`, to that table's primary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referenced table's SQL name.
    pub table: &'static str,
    /// The referenced column's SQL name (the table's primary key).
    pub column: &'static str,
    /// `on delete …`, if declared.
    pub on_delete: Option<OnDelete>,
}

/// What deleting a referenced row does to the rows that reference it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// `on delete cascade`: they are deleted too.
    Cascade,
    /// `on delete set null`.
    SetNull,
    /// `on delete set default`.
    SetDefault,
    /// `on delete restrict`: the delete fails.
    Restrict,
    /// `on delete no action`: the delete fails at the end of the statement.
    NoAction,
}

/// An index of a table: `#[index(a, b)]`, or `#[unique(a, b)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexDeclaration {
    /// A unique constraint rather than a plain index.
    pub unique: bool,
    /// The SQL names of its columns, in order.
    pub columns: &'static [&'static str],
}

/// Creates `tables` with their indexes, in one transaction: each after the tables it
/// references (among those given; the others must exist already), in the order given
/// otherwise.
///
/// Fails, creating nothing, if a declaration cannot be created on the connection's
/// backend (an array on SQLite, `= default` on a column that is not an integer primary
/// key without its SQL), if the tables reference each other in a cycle, or if the
/// database refuses a statement (a table that exists already).
pub fn create_all<'c, C: Executor>(
    conn: &'c mut C,
    tables: &[&dyn Declared],
) -> Output<'c, C, Ddl, ()> {
    conn.run(Ddl::new(create_all_sql::<C::Backend>(tables)))
}

/// Drops `tables` (those that exist), in one transaction: each before the tables it
/// references.
pub fn drop_all<'c, C: Executor>(
    conn: &'c mut C,
    tables: &[&dyn Declared],
) -> Output<'c, C, Ddl, ()> {
    conn.run(Ddl::new(drop_all_sql::<C::Backend>(tables)))
}

/// The statements of [`create_all`] or [`drop_all`], run in one transaction.
#[doc(hidden)]
#[derive(Debug)]
pub struct Ddl {
    statements: QueryResult<Vec<String>>,
}

impl Ddl {
    fn new(statements: QueryResult<Vec<String>>) -> Self {
        Ddl { statements }
    }

    fn take(&mut self) -> QueryResult<Vec<String>> {
        std::mem::replace(&mut self.statements, Ok(Vec::new()))
    }
}

impl<DB: Backend> Task<DB> for Ddl {
    type Output = ();

    fn run<C: Connection<Backend = DB>>(mut self, conn: &mut C) -> QueryResult<()> {
        let statements = self.take()?;
        conn.transaction(|conn| {
            statements
                .iter()
                .try_for_each(|sql| conn.batch_execute(sql))
        })
    }

    fn request(&mut self) -> QueryResult<Request> {
        Ok(Request::statements(self.take()?))
    }

    fn row<R: Row>(&mut self, _row: &R) -> QueryResult<ControlFlow<()>> {
        Ok(ControlFlow::Continue(()))
    }

    fn finish(&mut self, _changed: usize) -> QueryResult<()> {
        Ok(())
    }
}
