//! Transactions: `BEGIN`/`COMMIT`/`ROLLBACK`, with savepoints when nested; test
//! transactions that are never committed; and reruns of a transaction that failed
//! because of a concurrent one.

use super::Connection;
use crate::error::{DatabaseErrorKind, Error, QueryResult};
use crate::instrument::{Instrumented, Instruments, TransactionEventKind};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// The statement that opens an outermost transaction with the database's defaults.
pub(super) const BEGIN: &str = "BEGIN";

/// An error that says whether running the whole transaction again may succeed, for
/// [`Connection::transaction_with_retry`].
///
/// [`Error`] implements it: serialization failures, deadlocks and busy errors (SQLite's
/// "database is locked", PostgreSQL's `lock_not_available`) are worth a retry (another
/// transaction won a race), and so is a transaction rolled back because of one of them
/// ([`Error::TransactionRolledBack`]); every other error is not. An application's own
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
        match self {
            // A conflict that the closure swallowed still spoiled the transaction: running
            // it again may succeed all the same.
            Error::TransactionRolledBack {
                cause: Some(cause), ..
            } => cause.is_retryable(),
            _ => matches!(
                self.database_kind(),
                Some(
                    DatabaseErrorKind::SerializationFailure
                        | DatabaseErrorKind::Deadlock
                        | DatabaseErrorKind::Busy
                )
            ),
        }
    }
}

/// What a connection knows of the transactions open on it: how deeply they nest, how
/// an outermost one begins, and the first statement that failed in a way that ended
/// the open transaction (see [`Error::TransactionRolledBack`]).
#[doc(hidden)]
#[derive(Debug)]
pub struct TransactionState {
    /// How many transactions are open (nested ones are savepoints).
    pub(crate) depth: u32,
    /// The statement that opens an outermost transaction when none is given.
    pub(crate) begin: &'static str,
    failure: Option<Failure>,
}

/// A statement whose failure ended the open transaction, or its savepoint.
#[derive(Debug)]
struct Failure {
    /// The depth at which it ran: rolling back to a savepoint below it undoes it.
    depth: u32,
    error: Error,
    statement: String,
}

impl Default for TransactionState {
    fn default() -> Self {
        TransactionState {
            depth: 0,
            begin: BEGIN,
            failure: None,
        }
    }
}

impl TransactionState {
    /// Notes that `error`, from running `sql`, ended (PostgreSQL: aborted) the open
    /// transaction, as the backend has just asked the database. The first failure is
    /// the one that explains the others: later ones are not kept.
    pub(crate) fn record_failure(&mut self, error: &Error, sql: &str) {
        if self.depth > 0 && self.failure.is_none() {
            self.failure = Some(Failure {
                depth: self.depth,
                error: error.clone(),
                statement: sql.to_owned(),
            });
        }
    }

    /// The error that says the transaction (or only its savepoint) was rolled back,
    /// naming the statement that failed first when it is known.
    pub(crate) fn rolled_back(&self, savepoint: bool) -> Error {
        Error::TransactionRolledBack {
            cause: self.failure.as_ref().map(|f| Box::new(f.error.clone())),
            statement: self.failure.as_ref().map(|f| f.statement.clone()),
            savepoint,
        }
    }

    /// Forgets a failure inside a transaction or savepoint that is now closed.
    fn forget_failures_deeper_than(&mut self, depth: u32) {
        if self.failure.as_ref().is_some_and(|f| f.depth > depth) {
            self.failure = None;
        }
    }
}

/// The pause before running a failed transaction again: exponential in the number of
/// attempts so far, capped, with jitter so that transactions that failed together do
/// not all start over together.
pub(crate) fn backoff(failed_attempts: u32) -> Duration {
    const FIRST_MICROS: u64 = 2_000;
    const MAX_MICROS: u64 = 200_000;
    let doublings = failed_attempts.saturating_sub(1).min(16);
    let ceiling = (FIRST_MICROS << doublings).min(MAX_MICROS);
    // Half of it for sure, the other half at random.
    Duration::from_micros(ceiling / 2 + fastrand::u64(0..=ceiling / 2))
}

/// What a transaction's levels need of a connection: blocking and async connections
/// open and close transactions through the same code ([`begin_level`], [`end_level`]).
pub(crate) trait Levels {
    /// What the connection knows of its open transactions.
    fn state(&mut self) -> &mut TransactionState;
    /// Whether the database has ended the open transaction (see
    /// [`Connection::transaction_aborted`]).
    fn aborted(&self) -> bool;
    /// Runs a statement without parameters.
    fn exec(&mut self, sql: &str) -> impl Future<Output = QueryResult<()>> + Send;
    /// What watches the connection, told of each level that begins and ends.
    fn instruments(&self) -> &Arc<Instruments>;
}

/// A blocking connection's levels: each statement has run when its future is polled.
struct Blocking<'c, C>(&'c mut C);

impl<C: Connection> Levels for Blocking<'_, C> {
    fn state(&mut self) -> &mut TransactionState {
        self.0.transaction_state()
    }
    fn aborted(&self) -> bool {
        self.0.transaction_aborted()
    }
    fn exec(&mut self, sql: &str) -> impl Future<Output = QueryResult<()>> + Send {
        std::future::ready(self.0.batch_execute(sql))
    }
    fn instruments(&self) -> &Arc<Instruments> {
        Instrumented::instruments(self.0)
    }
}

/// How the code inside a transaction ended.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It returned `Ok`: commit, unless the database ended the transaction.
    Commit,
    /// It returned an error or panicked: roll back.
    Rollback,
}

/// The statements that open, commit and roll back the level above `depth`: a
/// transaction (opened by `begin`, or the connection's default) at depth 0, a
/// savepoint above it.
fn level_statements(depth: u32, begin: &str) -> (String, String, String) {
    if depth == 0 {
        (begin.to_owned(), "COMMIT".to_owned(), "ROLLBACK".to_owned())
    } else {
        let name = format!("quarry_savepoint_{depth}");
        (
            format!("SAVEPOINT {name}"),
            format!("RELEASE SAVEPOINT {name}"),
            format!("ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}"),
        )
    }
}

/// Opens a transaction (or, inside one, a savepoint) and returns the depth it was
/// opened at, which [`end_level`] takes.
pub(crate) async fn begin_level<L: Levels>(conn: &mut L, begin: Option<&str>) -> QueryResult<u32> {
    let state = conn.state();
    let depth = state.depth;
    let (begin, ..) = level_statements(depth, begin.unwrap_or(state.begin));
    let control = conn.instruments().transaction_control();
    conn.exec(&begin).await?;
    drop(control);
    conn.state().depth = depth + 1;
    conn.instruments()
        .transaction(TransactionEventKind::Begin, depth + 1);
    Ok(depth)
}

/// Closes the level [`begin_level`] opened at `depth`: commits it or rolls it back.
///
/// A level whose code ended well but that the database has already rolled back (a
/// failed statement whose error was ignored) is rolled back and gives
/// [`Error::TransactionRolledBack`], never a commit that keeps nothing.
pub(crate) async fn end_level<L: Levels>(
    conn: &mut L,
    depth: u32,
    ending: Ending,
) -> QueryResult<()> {
    let (_, commit, rollback) = level_statements(depth, BEGIN);
    // Asked while the transaction is still open in quarry's eyes.
    let aborted = ending == Ending::Commit && conn.aborted();
    conn.state().depth = depth;
    let control = conn.instruments().transaction_control();
    let result = match ending {
        Ending::Commit if aborted => {
            let _ = conn.exec(&rollback).await;
            // PostgreSQL's rollback to the savepoint ends the abort, and the outer
            // transaction goes on; a transaction that SQLite rolled back itself is gone
            // at every level.
            let savepoint = depth > 0 && !conn.aborted();
            Err(conn.state().rolled_back(savepoint))
        }
        Ending::Commit => match conn.exec(&commit).await {
            Ok(()) => Ok(()),
            Err(e) => {
                // A failed COMMIT (for example a deferred constraint) leaves the
                // transaction open on some databases: close it before reporting.
                let _ = conn.exec(&rollback).await;
                Err(e)
            }
        },
        Ending::Rollback => {
            // If the rollback fails too (the database may already have ended the
            // transaction, as SQLite does for `INSERT OR ROLLBACK`), the error that
            // ended the code is still the one that explains what happened.
            let _ = conn.exec(&rollback).await;
            Ok(())
        }
    };
    drop(control);
    let kind = if ending == Ending::Commit && result.is_ok() {
        TransactionEventKind::Commit
    } else {
        TransactionEventKind::Rollback
    };
    conn.instruments().transaction(kind, depth + 1);
    // What failed inside is undone with it, unless the whole transaction is gone (SQLite
    // rolled it back under a savepoint): the outer levels must still report it.
    if !conn.aborted() {
        conn.state().forget_failures_deeper_than(depth);
    }
    result
}

/// Runs `f` inside a transaction opened by `begin` (the connection's default when
/// `None`), or inside a savepoint when a transaction is already open (`begin` is then
/// not used).
///
/// A closure that returns `Ok` after the database ended the transaction (a failed
/// statement whose error it ignored) gets [`Error::TransactionRolledBack`], never a
/// commit that keeps nothing.
pub(crate) fn run<C, T, E, F>(conn: &mut C, begin: Option<&str>, f: F) -> Result<T, E>
where
    C: Connection,
    F: FnOnce(&mut C) -> Result<T, E>,
    E: From<Error>,
{
    let depth = block_on(begin_level(&mut Blocking(conn), begin))?;
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(conn)));
    let ending = match outcome {
        Ok(Ok(_)) => Ending::Commit,
        _ => Ending::Rollback,
    };
    let ended = block_on(end_level(&mut Blocking(conn), depth, ending));
    match outcome {
        Ok(Ok(value)) => ended.map(|()| value).map_err(E::from),
        Ok(Err(e)) => Err(e),
        Err(panic) => panic::resume_unwind(panic),
    }
}

/// Opens a level on a blocking connection (see [`begin_level`]).
#[cfg(feature = "tokio")]
pub(crate) fn begin_blocking<C: Connection>(conn: &mut C, begin: Option<&str>) -> QueryResult<u32> {
    block_on(begin_level(&mut Blocking(conn), begin))
}

/// Closes a level on a blocking connection (see [`end_level`]).
#[cfg(feature = "tokio")]
pub(crate) fn end_blocking<C: Connection>(
    conn: &mut C,
    depth: u32,
    ending: Ending,
) -> QueryResult<()> {
    block_on(end_level(&mut Blocking(conn), depth, ending))
}

/// Runs a transaction step of a blocking connection, whose futures are ready when
/// first polled.
pub(crate) fn block_on<T>(step: impl Future<Output = QueryResult<T>>) -> QueryResult<T> {
    match std::pin::pin!(step).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(outcome) => outcome,
        Poll::Pending => Err(Error::Connection(
            "a blocking call was asked to wait asynchronously".into(),
        )),
    }
}

/// Like [`run`], but reruns the whole transaction, up to `max_attempts` times in all,
/// while it fails with an error that [`RetryableError::is_retryable`], pausing a little
/// longer each time (see [`backoff`]). Inside an open transaction `f` runs once, in a
/// savepoint: the outer transaction is the one that failed and only its caller can
/// start it over.
pub(crate) fn run_with_retry<C, T, E, F>(
    conn: &mut C,
    begin: Option<&str>,
    max_attempts: u32,
    mut f: F,
) -> Result<T, E>
where
    C: Connection,
    F: FnMut(&mut C) -> Result<T, E>,
    E: From<Error> + RetryableError,
{
    if conn.transaction_state().depth > 0 {
        return run(conn, begin, f);
    }
    let mut attempt = 1;
    loop {
        match run(conn, begin, &mut f) {
            Err(e) if attempt < max_attempts && e.is_retryable() => {
                std::thread::sleep(backoff(attempt));
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Opens a transaction that nothing commits: see
/// [`Connection::begin_test_transaction`].
pub(super) fn begin_test<C: Connection>(conn: &mut C) -> Result<(), Error> {
    if conn.transaction_state().depth > 0 {
        return Err(Error::InvalidQuery(
            "begin_test_transaction must be called before any transaction is open on \
             the connection"
                .into(),
        ));
    }
    let begin = conn.transaction_state().begin;
    let control = conn.instruments().transaction_control();
    conn.batch_execute(begin)?;
    drop(control);
    conn.transaction_state().depth = 1;
    conn.instruments()
        .transaction(TransactionEventKind::Begin, 1);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{TransactionState, backoff};
    use crate::error::{DatabaseError, DatabaseErrorKind, Error};
    use std::time::Duration;

    #[test]
    fn pauses_grow_to_a_ceiling_and_keep_at_least_half_of_it() {
        for _ in 0..100 {
            let first = backoff(1);
            assert!(first >= Duration::from_millis(1) && first <= Duration::from_millis(2));
            let third = backoff(3);
            assert!(third >= Duration::from_millis(4) && third <= Duration::from_millis(8));
            let late = backoff(u32::MAX);
            assert!(late >= Duration::from_millis(100) && late <= Duration::from_millis(200));
        }
    }

    #[test]
    fn the_rolled_back_error_names_the_first_failure_and_its_statement() {
        let mut state = TransactionState {
            depth: 1,
            ..TransactionState::default()
        };
        assert_eq!(
            state.rolled_back(false).to_string(),
            "the transaction was rolled back because an earlier statement failed (or \
             ended the transaction)"
        );
        let long = format!("INSERT INTO t VALUES {}", "(1), ".repeat(100));
        let first = Error::from(DatabaseError::new(
            DatabaseErrorKind::UniqueViolation,
            "dup",
        ));
        state.record_failure(&first, &long);
        state.record_failure(&Error::NotFound, "SELECT 1");
        let shown: String = long.chars().take(200).collect();
        assert_eq!(
            state.rolled_back(true).to_string(),
            format!(
                "the savepoint (nested transaction) was rolled back because an earlier \
                 statement in it failed: unique violation: dup, in `{shown}…`"
            )
        );
        // Undone by rolling back to a savepoint below it, not by one above it.
        state.forget_failures_deeper_than(1);
        assert!(state.failure.is_some());
        state.forget_failures_deeper_than(0);
        assert!(state.failure.is_none());
    }
}
