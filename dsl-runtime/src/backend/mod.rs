//! Backends: the SQL dialect each database speaks, and its driver.
//!
//! The backend-neutral query tree renders through [`QueryFragment<DB>`](crate::query::QueryFragment)
//! for a backend `DB`; constructs that only one database supports implement it for that
//! backend alone, so using them with the other one does not compile.

#[cfg(feature = "postgres")]
pub mod pg;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// A database backend: its name, and how its SQL dialect differs where quarry renders
/// SQL. Backend-neutral code asks the backend through these items; it never matches on
/// which backend it is, so a new backend is a folder that fills in this list.
///
/// Sealed: quarry's backends are `Sqlite` and `Pg`.
pub trait Backend: private::Sealed + Sized + Copy + Default + 'static {
    /// The backend's name, for messages.
    const NAME: &'static str;

    /// The most bind parameters one statement may carry.
    const BIND_LIMIT: usize;

    /// What goes between a query and its `OFFSET` when it has no `LIMIT`
    /// (SQLite takes an `OFFSET` only after a `LIMIT`).
    #[doc(hidden)]
    const OFFSET_WITHOUT_LIMIT: &'static str;

    /// ` ESCAPE …` after a `LIKE` pattern, naming the backslash as its escape character.
    #[doc(hidden)]
    const LIKE_ESCAPE: &'static str;

    /// The SQL of the current date and time, as a `Timestamptz`.
    #[doc(hidden)]
    const CURRENT_TIMESTAMP: &'static str;

    /// Whether an `IN` list of values goes as one array parameter (`= ANY($1)`), so
    /// that lists of every length are one statement.
    #[doc(hidden)]
    const IN_LIST_AS_ARRAY: bool;

    /// Writes the placeholder of bind parameter `index` (counted from 1).
    #[doc(hidden)]
    fn write_placeholder(sql: &mut String, index: usize);

    /// The type to cast an operand of SQL type `ST` to when it is compared, for a
    /// backend whose stored form would compare otherwise (SQLite compares a `Numeric`
    /// stored as text as text).
    #[doc(hidden)]
    fn comparison_cast<ST: crate::types::SqlType>() -> Option<&'static str>;

    /// This backend's spelling of a piece of SQL the backends write differently (the
    /// name of a type in `CAST(… AS name)`, how a date part is extracted).
    #[doc(hidden)]
    fn spelled<S: crate::expr::Spelling>() -> &'static str;

    /// The name of SQL function `F` on this backend (`greatest` on PostgreSQL is `max`
    /// on SQLite).
    #[doc(hidden)]
    fn function_name<F: crate::expr::SqlFunction>() -> &'static str;

    /// Whether `ALTER TABLE` changes a column's type, nullability and default, and adds
    /// a foreign key, in place (SQLite has no such statements: its table must be
    /// rebuilt).
    #[doc(hidden)]
    const ALTERS_COLUMNS: bool;

    /// The type of a column of `ty` in `CREATE TABLE`; `None` where the backend has no
    /// such column (an array on SQLite).
    #[doc(hidden)]
    fn column_type(ty: crate::schema::ColumnType) -> Option<String>;

    /// What follows the name of an integer primary key that the database numbers
    /// (declared `= default` without its SQL).
    #[doc(hidden)]
    fn numbered_key(ty: crate::schema::ColumnType) -> String;
}

pub(crate) mod private {
    /// Only quarry's own backends implement [`Backend`](super::Backend).
    pub trait Sealed {}
}
