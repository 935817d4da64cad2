//! [`Error`]: everything that can go wrong when running a query.

use crate::conn::Row;
use crate::types::DecodeError;
use std::fmt;

/// Why a statement with several SQL statements in it is refused, on every backend.
pub(crate) const ONE_STATEMENT: &str =
    "only one statement may be run at a time by a query; use `batch_execute` for scripts";

/// A statement run with another number of values than it has parameters.
pub(crate) fn wrong_bind_count(expected: usize, given: usize) -> Error {
    Error::InvalidQuery(bind_count_message(expected, given))
}

/// Says that a statement has `expected` parameters but was given `given` values.
pub(crate) fn bind_count_message(expected: usize, given: usize) -> String {
    let values = if given == 1 {
        "value was"
    } else {
        "values were"
    };
    format!("the statement has {expected} bind parameters but {given} {values} given")
}

/// The result of running a query.
pub type QueryResult<T> = Result<T, Error>;

/// An error from quarry or from the database.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A query expected a row and found none (`get_result`, `first`, `find`).
    /// [`optional`](crate::OptionalExtension::optional) turns it into `None`.
    #[error("no row was found")]
    NotFound,

    /// The database rejected a statement.
    #[error(transparent)]
    Database(Box<DatabaseError>),

    /// A value of a result row could not be loaded into its Rust type.
    #[error("cannot load column `{column}` as {expected}: found {found}")]
    Decode {
        /// The column, as the database named it in the result.
        column: String,
        /// The SQL type the query expected.
        expected: &'static str,
        /// What the database sent instead.
        found: String,
    },

    /// The connection could not be opened, or was lost.
    #[error("connection error: {0}")]
    Connection(String),

    /// The query could not be sent as built (for example SQL text containing a NUL byte).
    #[error("invalid query: {0}")]
    InvalidQuery(String),

    /// A transaction's closure returned `Ok`, but the database had already rolled the
    /// transaction back because a statement inside it failed, so nothing it did was
    /// kept: PostgreSQL aborts a transaction at its first failed statement, and SQLite
    /// ends one itself for `OR ROLLBACK`, a full disk and a few other errors. On
    /// SQLite, statements run after that are refused with this error too, instead of
    /// running (and committing) outside any transaction.
    ///
    /// For a nested transaction on PostgreSQL, `savepoint` is `true`: only the
    /// savepoint was rolled back, and the transaction around it can go on.
    ///
    /// [`database_kind`](Error::database_kind) is `None` for it: the failed statement's
    /// kind is that of `cause`. It is retryable when `cause` is (a serialization
    /// failure that the closure ignored still calls for running the transaction again).
    #[error("{}", rolled_back_message(*savepoint, cause.as_deref(), statement.as_deref()))]
    TransactionRolledBack {
        /// The error of the first statement that failed, when the connection saw it.
        #[source]
        cause: Option<Box<Error>>,
        /// That statement's SQL text, when the connection saw it.
        statement: Option<String>,
        /// Whether only a savepoint (a nested transaction) was rolled back.
        savepoint: bool,
    },

    /// No pooled connection became free within the pool's checkout timeout
    /// ([`PoolConfig::checkout_timeout`](crate::pool::PoolConfig::checkout_timeout)):
    /// all `max_size` connections stayed in use. SQLAlchemy's `pool_timeout`.
    #[error(
        "no pooled connection became free within {waited:?}: all {max_size} connections \
         of the pool are in use (raise max_size, or hold connections for less time)"
    )]
    PoolTimeout {
        /// How long the checkout waited.
        waited: std::time::Duration,
        /// The pool's maximum size.
        max_size: u32,
    },

    /// A migration could not be loaded, checked or applied: see
    /// [`MigrationError`](crate::migrate::MigrationError).
    #[error(transparent)]
    Migration(Box<crate::migrate::MigrationError>),
}

/// The message of [`Error::TransactionRolledBack`].
fn rolled_back_message(savepoint: bool, cause: Option<&Error>, statement: Option<&str>) -> String {
    let what = if savepoint {
        "the savepoint (nested transaction) was rolled back because an earlier statement in it failed"
    } else {
        "the transaction was rolled back because an earlier statement failed"
    };
    let Some(cause) = cause else {
        return format!("{what} (or ended the transaction)");
    };
    let mut message = format!("{what}: {cause}");
    if let Some(sql) = statement {
        // A batch insert's SQL can be megabytes long: its start names it well enough.
        const SHOWN: usize = 200;
        let sql = sql.trim();
        match sql.char_indices().nth(SHOWN) {
            Some((end, _)) => message.push_str(&format!(", in `{}…`", &sql[..end])),
            None => message.push_str(&format!(", in `{sql}`")),
        }
    }
    message
}

impl Error {
    pub(crate) fn decode<R: Row>(
        row: &R,
        idx: usize,
        expected: &'static str,
        err: DecodeError,
    ) -> Error {
        let column = row
            .column_name(idx)
            .map_or_else(|| format!("#{}", idx + 1), str::to_owned);
        Error::Decode {
            column,
            expected,
            found: err.to_string(),
        }
    }

    /// The kind of database error, if this is one.
    pub fn database_kind(&self) -> Option<DatabaseErrorKind> {
        match self {
            Error::Database(e) => Some(e.kind),
            _ => None,
        }
    }
}

/// An error reported by the database, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DatabaseError {
    /// What kind of error it is.
    pub kind: DatabaseErrorKind,
    /// The database's message.
    pub message: String,
    /// The table concerned, when the database says.
    pub table: Option<String>,
    /// The column concerned, when the database says.
    pub column: Option<String>,
    /// The constraint violated, when the database says.
    pub constraint: Option<String>,
    /// The SQLSTATE code, on PostgreSQL.
    pub sqlstate: Option<String>,
    /// The database's detail message, when it gives one.
    pub detail: Option<String>,
}

impl DatabaseError {
    pub(crate) fn new(kind: DatabaseErrorKind, message: impl Into<String>) -> Self {
        DatabaseError {
            kind,
            message: message.into(),
            table: None,
            column: None,
            constraint: None,
            sqlstate: None,
            detail: None,
        }
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for DatabaseError {}

impl From<DatabaseError> for Error {
    fn from(e: DatabaseError) -> Self {
        Error::Database(Box::new(e))
    }
}

/// The kinds of database error an application may want to handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DatabaseErrorKind {
    /// A UNIQUE or PRIMARY KEY constraint was violated.
    UniqueViolation,
    /// A FOREIGN KEY constraint was violated.
    ForeignKeyViolation,
    /// A NOT NULL constraint was violated.
    NotNullViolation,
    /// A CHECK constraint was violated.
    CheckViolation,
    /// The transaction could not be serialized; retrying it may succeed.
    SerializationFailure,
    /// The transaction was chosen as a deadlock victim; retrying it may succeed.
    Deadlock,
    /// The statement is not valid SQL, or names something that does not exist.
    InvalidStatement,
    /// The database, a table or a row is locked by someone else: SQLite's busy and
    /// locked errors, PostgreSQL's `lock_not_available` (`NOWAIT`, `lock_timeout`).
    Busy,
    /// The statement was canceled before it finished: it ran past the connection's
    /// statement timeout, or was canceled or interrupted (PostgreSQL's
    /// `query_canceled`, SQLite's `SQLITE_INTERRUPT`).
    Canceled,
    /// Any other error.
    Other,
}

impl fmt::Display for DatabaseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DatabaseErrorKind::UniqueViolation => "unique violation",
            DatabaseErrorKind::ForeignKeyViolation => "foreign key violation",
            DatabaseErrorKind::NotNullViolation => "not-null violation",
            DatabaseErrorKind::CheckViolation => "check violation",
            DatabaseErrorKind::SerializationFailure => "serialization failure",
            DatabaseErrorKind::Deadlock => "deadlock",
            DatabaseErrorKind::InvalidStatement => "invalid statement",
            DatabaseErrorKind::Busy => "database busy",
            DatabaseErrorKind::Canceled => "statement canceled",
            DatabaseErrorKind::Other => "database error",
        })
    }
}

/// `.optional()` on a query result: no row becomes `Ok(None)`.
pub trait OptionalExtension<T> {
    /// `Ok(Some(v))` for a row, `Ok(None)` for [`Error::NotFound`], other errors as they are.
    fn optional(self) -> QueryResult<Option<T>>;
}

impl<T> OptionalExtension<T> for QueryResult<T> {
    fn optional(self) -> QueryResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
