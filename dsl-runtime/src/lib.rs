//! # quarry: SQL that the compiler checks
//!
//! Declare each table once with [`table!`]; queries built from it are checked against
//! the schema when your program compiles, then run on SQLite (embedded) or PostgreSQL.
//!
//! ```
//! use quarry::prelude::*;
//!
//! quarry::table! {
//!     users (id) {
//!         id -> Int4,
//!         name -> Text,
//!         hair_color -> Nullable<Text>,
//!     }
//! }
//!
//! let mut conn = SqliteConnection::establish(":memory:")?;
//! conn.batch_execute(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
//!      INSERT INTO users (name, hair_color) VALUES ('Ada', NULL), ('Grace', 'brown');",
//! )?;
//!
//! // Vec<(i32, String)>, no annotation needed.
//! let named = users::table
//!     .filter(users::hair_color.is_not_null())
//!     .select((users::id, users::name))
//!     .load(&mut conn)?;
//! assert_eq!(named, [(2, "Grace".to_owned())]);
//! # Ok::<(), quarry::Error>(())
//! ```
//!
//! ## Where to find things
//!
//! - [`table!`] declares a table; [`types`] holds the SQL types its columns use.
//! - [`prelude`] brings the query methods into scope: [`QueryDsl`](query::QueryDsl)
//!   (`select`, `filter`, `order_by`, …), the expression methods of [`expr`] (`eq`,
//!   `gt`, `like`, …) and [`RunQueryDsl`](conn::RunQueryDsl) (`load`, `first`, …).
//! - [`query`] holds the statements: joins (`inner_join`, `left_join`, `.on(…)`,
//!   [`alias!`]), grouping (`group_by`, `having`), subqueries and set operations,
//!   common table expressions ([`query::with`]), boxed queries built at run time
//!   (`into_boxed`), and [`sql_query`] for SQL written by hand; [`debug_query`] shows the
//!   SQL and binds a query sends.
//! - [`insert_into`], [`update`] and [`delete`] change data, with
//!   [`derive@Insertable`] and [`derive@AsChangeset`] structs, `returning`, and upserts
//!   (`on_conflict`, [`excluded`]); [`Connection::transaction`](conn::Connection::transaction)
//!   runs them atomically.
//! - [`expr`] also holds aggregates (`count`, `sum`, …), window functions, SQL functions,
//!   `case_when`, and [`sql_function!`] to declare more.
//! - [`conn`] defines connections; [`backend`] holds each database's driver.
//! - [`pool`] holds the connection pools (r2d2, deadpool, bb8) and their settings.
//! - [`migrate`] runs migrations, embedded with [`embed_migrations!`] or read from a
//!   folder; the `quarry` CLI (the `cli/` crate) runs them from the command line.
//! - [`Error`] is the one error type.
//!
//! ## Reading compile errors
//!
//! quarry's rules are traits, and each carries a message in schema terms. The most
//! common: "table `posts::table` is not in this query's FROM clause" (a column of a
//! table the query does not read), "expected a value or expression of SQL type `Int4`,
//! found `&str`" (a value of the wrong type), and "a column of SQL type `Text` cannot be
//! loaded into a Rust `i32`" (a struct field that does not match its column). The guide's
//! chapter "Reading compile errors" lists them all.
#![warn(missing_docs, unreachable_pub)]
// Library code never unwraps: data from the database or the user is an `Error`, not a panic.
#![warn(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

// Generated code names `::quarry`; this lets the crate's own tests use the macros.
#[cfg(test)]
#[allow(unused_extern_crates)] // used by the tests of optional features
extern crate self as quarry;

pub mod backend;
pub mod conn;
pub mod dsl;
mod error;
pub mod expr;
pub mod instrument;
pub mod migrate;
pub mod pool;
pub mod query;
pub mod relations;
pub mod schema;
pub mod types;

pub use error::{DatabaseError, DatabaseErrorKind, Error, OptionalExtension, QueryResult};
pub use expr::escape_like;
pub use query::{debug_query, delete, excluded, insert_into, sql_query, update};

/// Declares a table: a module with the table, one type per column, and the metadata
/// the query builder checks against.
///
/// ```
/// quarry::table! {
///     /// People who post.
///     users (id) {
///         id -> Int4,
///         name -> Text,
///         /// NULL when unknown.
///         hair_color -> Nullable<Text>,
///         #[sql_name = "type"]
///         kind -> Text,
///     }
/// }
/// ```
///
/// `id -> Int4 = default` marks a column the database fills when an insert leaves it
/// out; `user_id -> Int4 references users` records a foreign key. See the guide's
/// chapter "Declaring tables".
pub use quarry_macros::table;

/// Derives [`Selectable`](query::Selectable): the struct's fields load from the
/// columns of the same names (`#[quarry(table = users)]` on the struct,
/// `#[quarry(column = name)]` on a field to pick another column). Each field's type is
/// checked against its column's SQL type.
pub use quarry_macros::Selectable;

/// Derives [`InsertValues`](query::InsertValues): the struct, a `Vec` of it or a slice
/// of it go into `insert_into(table).values(…)`, with the same attributes as
/// [`Selectable`](derive@Selectable). Each field's type is checked against its column.
pub use quarry_macros::Insertable;

/// Derives [`AsChangeset`](query::AsChangeset): the struct goes into
/// `update(target).set(…)`. A field written `Option<…>` is left unchanged when it is
/// `None`; with `#[quarry(treat_none_as_null = true)]` on the struct, `None` writes NULL.
pub use quarry_macros::AsChangeset;

/// Compiles a migrations folder into the program, as a
/// [`Migrations`](migrate::Migrations) value: `embed_migrations!("migrations")` reads
/// `migrations/<version>_<name>/{up.sql, down.sql}` beside the crate's `Cargo.toml`
/// (`embed_migrations!()` means `"migrations"`).
///
/// ```text
/// const MIGRATIONS: quarry::migrate::Migrations = quarry::embed_migrations!("migrations");
/// MIGRATIONS.run_pending(&mut conn)?;
/// ```
///
/// (The guide's chapter runs this for real; a doctest here has no migrations folder
/// beside it.)
///
/// A malformed folder is a compile error, and so is a script whose first line is
/// `-- quarry: no-transaction` but that holds more than one statement. Each file is
/// included with `include_str!`, so editing one rebuilds the crate; a new migration
/// folder is seen at the next build of the crate (a `build.rs` printing
/// `cargo:rerun-if-changed=migrations` makes that automatic). A crate that reaches
/// quarry through a re-export names it: `embed_migrations!("migrations", crate =
/// my_db::quarry)`. See [`migrate`] and the guide's chapter "Schema and migrations".
pub use quarry_migrate_macros::embed_migrations;

/// Everything needed to write and run queries: `use quarry::prelude::*;`.
///
/// It brings traits into scope (for their methods), the connection types and the
/// expression functions; it avoids generic names.
pub mod prelude {
    pub use crate::OptionalExtension as _;
    pub use crate::Selectable;
    #[cfg(all(feature = "tokio", feature = "postgres"))]
    pub use crate::backend::pg::AsyncPgConnection;
    #[cfg(feature = "postgres")]
    pub use crate::backend::pg::{Pg, PgConnection};
    #[cfg(all(feature = "tokio", feature = "sqlite"))]
    pub use crate::backend::sqlite::AsyncSqliteConnection;
    #[cfg(feature = "sqlite")]
    pub use crate::backend::sqlite::{Sqlite, SqliteConnection};
    #[cfg(feature = "tokio")]
    pub use crate::conn::AsyncConnection;
    pub use crate::conn::{Connection, ExecuteDsl, RunQueryDsl, SqlQueryDsl};
    pub use crate::expr::WindowFunction;
    pub use crate::expr::{BoolExpressionMethods, ExpressionMethods, TextExpressionMethods};
    #[cfg(feature = "postgres")]
    pub use crate::expr::{
        PgArrayExpressionMethods, PgJsonbExpressionMethods, PgTextExpressionMethods,
    };
    pub use crate::instrument::Instrumented as _;
    pub use crate::query::LockingDsl;
    pub use crate::query::Selectable;
    pub use crate::query::{CombineDsl, JoinOnDsl, QueryDsl};
    pub use crate::relations::{BelongingTo as _, GroupedBy as _, RelationDsl as _};
    pub use crate::{AsChangeset, Insertable};
}

/// What generated code refers to. Not a public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::backend::Backend;
    pub use crate::conn::Row;
    pub use crate::error::QueryResult;
    pub use crate::expr::{
        AsExpression, AsNullable, Binary, Eq, Expression, ExpressionMethods, SupportedBy, ValidIn,
    };
    pub use crate::expr::{NoGroupBy, Plain, ValidGrouping};
    pub use crate::query::SelectList;
    pub use crate::query::sql_query::from_row_by_name;
    pub use crate::query::{
        AsChangeset, BindSink, ChangesetFragment, ColumnOf, CompleteInsert, InsertRows,
        InsertValues, Omittable, Provides, Separator, bind_field, bind_option, push_field,
        walk_bound_row,
    };
    pub use crate::query::{
        Column, Contains, DecodeRow, FromRow, QueryFragment, QuerySource, Selectable, SqlWriter,
        SupportedColumns, Table, decode_value,
    };
    pub use crate::query::{JoinTarget, JoinTo};
    pub use crate::relations::{
        ByRelation, Direct, Field, Fields, Link, Many, One, OneForm, OptionForm, OptionalOne,
        Relation, RelationOn, Tree, VecForm, check_one_field, check_option_field, check_vec_field,
        relation_join,
    };
    pub use crate::schema;
    pub use crate::types;
    pub use crate::types::Nullability;

    /// What `embed_migrations!` expands to.
    pub mod migrate {
        pub use crate::migrate::{Migration, Migrations};
    }
    pub use crate::types::{FromSql, SqlType};
    pub use core::default::Default;
    pub use core::ops;

    /// The SQL operators behind `+ - * /` on numeric columns (`ops` holds Rust's traits).
    pub mod sql_ops {
        pub use crate::expr::{Add, Div, Mul, Sub};
    }
}
