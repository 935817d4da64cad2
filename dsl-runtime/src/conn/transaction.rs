//! Transactions: `BEGIN`/`COMMIT`/`ROLLBACK`, with savepoints when nested; test
//! transactions that are never committed; and reruns of a transaction that failed
//! because of a concurrent one.

use super::Connection;
use crate::error::{DatabaseErrorKind, Error};
use std::panic::{self, AssertUnwindSafe};

/// The statement that opens an outermost transaction with the database's defaults.
pub(super) const BEGIN: &str = "BEGIN";

/// An error that says whether running the whole transaction again may succeed, for
/// [`Connection::transaction_with_retry`].
///
/// [`Error`] implements it: serialization failures and deadlocks are worth a retry
/// (another transaction won a race), every other error is not. An application's own
/// error type implements it by asking the `quarry::Error` it wraps:
///
/// ```
/// use quarry::conn::RetryableError;
///
/// #[derive(Debug)]
/// enum AppError {
///     Db(quarry::Error),
///     OutOfStock,
/// }
///
/// impl From<quarry::Error> for AppError {
///     fn from(e: quarry::Error) -> Self {
///         AppError::Db(e)
///     }
/// }
///
/// impl RetryableError for AppError {
///     fn is_retryable(&self) -> bool {
///         matches!(self, AppError::Db(e) if e.is_retryable())
///     }
/// }
/// ```
pub trait RetryableError {
    /// Whether the transaction failed because of a concurrent one, so that running it
    /// again from the start may succeed.
    fn is_retryable(&self) -> bool;
}

impl RetryableError for Error {
    fn is_retryable(&self) -> bool {
        matches!(
            self.database_kind(),
            Some(DatabaseErrorKind::SerializationFailure | DatabaseErrorKind::Deadlock)
        )
    }
}

/// Runs `f` inside a transaction opened by `begin`, or inside a savepoint when a
/// transaction is already open (`begin` is then not used).
pub(crate) fn run<C, T, E, F>(conn: &mut C, begin: &str, f: F) -> Result<T, E>
where
    C: Connection,
    F: FnOnce(&mut C) -> Result<T, E>,
    E: From<Error>,
{
    let depth = *conn.transaction_depth();
    let (begin, commit, rollback) = if depth == 0 {
        (begin.to_owned(), "COMMIT".to_owned(), "ROLLBACK".to_owned())
    } else {
        let name = format!("quarry_savepoint_{depth}");
        (
            format!("SAVEPOINT {name}"),
            format!("RELEASE SAVEPOINT {name}"),
            format!("ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}"),
        )
    };
    conn.batch_execute(&begin)?;
    *conn.transaction_depth() = depth + 1;

    let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(conn)));
    *conn.transaction_depth() = depth;
    match outcome {
        Ok(Ok(value)) => match conn.batch_execute(&commit) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A failed COMMIT (for example a deferred constraint) leaves the
                // transaction open on some databases: close it before reporting.
                let _ = conn.batch_execute(&rollback);
                Err(e.into())
            }
        },
        Ok(Err(e)) => {
            // If the rollback fails too (the database may already have ended the
            // transaction, as SQLite does for `INSERT OR ROLLBACK`), the closure's error
            // is still the one that explains what happened.
            let _ = conn.batch_execute(&rollback);
            Err(e)
        }
        Err(panic) => {
            let _ = conn.batch_execute(&rollback);
            panic::resume_unwind(panic)
        }
    }
}

/// Like [`run`], but reruns the whole transaction, up to `max_attempts` times in all,
/// while it fails with an error that [`RetryableError::is_retryable`]. Inside an open
/// transaction `f` runs once, in a savepoint: the outer transaction is the one that
/// failed and only its caller can start it over.
pub(crate) fn run_with_retry<C, T, E, F>(
    conn: &mut C,
    begin: &str,
    max_attempts: u32,
    mut f: F,
) -> Result<T, E>
where
    C: Connection,
    F: FnMut(&mut C) -> Result<T, E>,
    E: From<Error> + RetryableError,
{
    if *conn.transaction_depth() > 0 {
        return run(conn, begin, f);
    }
    let mut attempt = 1;
    loop {
        match run(conn, begin, &mut f) {
            Err(e) if attempt < max_attempts && e.is_retryable() => attempt += 1,
            outcome => return outcome,
        }
    }
}

/// Opens a transaction that nothing commits: see
/// [`Connection::begin_test_transaction`].
pub(super) fn begin_test<C: Connection>(conn: &mut C) -> Result<(), Error> {
    if *conn.transaction_depth() > 0 {
        return Err(Error::InvalidQuery(
            "begin_test_transaction must be called before any transaction is open on \
             the connection"
                .into(),
        ));
    }
    conn.batch_execute(BEGIN)?;
    *conn.transaction_depth() = 1;
    Ok(())
}
