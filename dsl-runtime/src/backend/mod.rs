//! Backends: the SQL dialect each database speaks, and its driver.
//!
//! The backend-neutral query tree renders through [`QueryFragment<DB>`](crate::query::QueryFragment)
//! for a backend `DB`; constructs that only one database supports implement it for that
//! backend alone, so using them with the other one does not compile.

#[cfg(feature = "postgres")]
pub mod pg;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// A database backend: its name and SQL dialect.
///
/// Sealed: quarry's backends are `Sqlite` and `Pg`.
pub trait Backend: private::Sealed + Sized + Copy + Default + 'static {
    /// The backend's name, for messages.
    const NAME: &'static str;
    /// How SQL is spelled for this backend.
    #[doc(hidden)]
    const DIALECT: Dialect;
}

/// The differences in spelling between the SQL dialects quarry renders.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `?` placeholders; `LIMIT -1` when only an offset is given.
    Sqlite,
    /// `$1, $2, …` placeholders.
    Postgres,
}

pub(crate) mod private {
    /// Only quarry's own backends implement [`Backend`](super::Backend).
    pub trait Sealed {}
}
