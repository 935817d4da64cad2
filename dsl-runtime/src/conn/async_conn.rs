//! Async connections: the same statements as the blocking ones, run with `.await`.
//!
//! An async connection does its I/O in the background of one request at a time: a
//! [`Work`] (statements with their values owned, or a transaction's `BEGIN`/`COMMIT`)
//! is sent, and its answer polled. The futures that users await ([`Pending`],
//! [`Perform`]) are small state machines over those two calls, so that one dropped
//! before its answer came hands its request back to the connection
//! (`Executor::abandon`): the connection finishes or cancels it before the
//! next request, and a transaction whose future was dropped is rolled back first. A
//! dropped future never leaves the connection inside a transaction nobody owns, nor
//! with an answer that the next request would read as its own.

use super::executor::{Mode, Request, Task};
use super::transaction::{Ending, RetryableError, backoff};
use super::{Executor, Row};
use crate::error::{Error, QueryResult};
use crate::query::DecodeRow;
use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

/// What an async connection is asked to do: one request at a time.
#[doc(hidden)]
#[derive(Debug)]
pub enum Work {
    /// Statements, their rows to the caller; more than one run in one transaction.
    Run(Request),
    /// SQL without parameters, any number of statements.
    Batch(String),
    /// Open a transaction (or a savepoint inside one); the answer is the depth it was
    /// opened at.
    Begin(Option<&'static str>),
    /// Close the level opened at `depth`.
    End { depth: u32, ending: Ending },
    /// Set the statement timeout.
    StatementTimeout(Option<Duration>),
    /// Independent statements in one round trip (PostgreSQL's pipeline mode).
    Pipeline(Vec<Request>),
}

/// A connection that runs quarry's statements asynchronously: every call of
/// `load`, `first`, `get_result(s)` and `execute` returns a future to `.await`.
///
/// Dropping such a future at any point is safe: the connection finishes (or, on
/// PostgreSQL, cancels) the statement in the background of its next use, and a
/// transaction whose future was dropped is rolled back before anything else runs.
/// [`is_idle`](Self::is_idle) tells, without a round trip, whether the connection
/// can be handed to someone else as it is.
pub trait AsyncConnection:
    Executor<Mode = Async> + crate::instrument::Instrumented + Send + Sized + 'static
{
    /// A result row while it is current (it borrows from the answer, not from the
    /// connection).
    type Row<'r>: Row;

    /// Opens a connection. The form of `url` depends on the backend.
    fn establish(url: &str) -> impl Future<Output = QueryResult<Self>> + Send;

    /// Whether the connection can be used, and handed to the next user, as it is:
    /// nothing in flight or left over from a dropped future, no transaction open, and
    /// the connection not lost. Answered without a round trip (the check a pool
    /// makes when a connection comes back).
    fn is_idle(&self) -> bool;

    /// Whether the connection is lost; a lost connection answers every call with
    /// [`Error::Connection`].
    fn is_broken(&self) -> bool;

    /// Sends `work`.
    #[doc(hidden)]
    fn send(&mut self, work: Work) -> Self::InFlight;

    /// Polls the answer to a request, handing each row it returns to `rows`; its
    /// value is the number of rows the statements changed (for [`Work::Begin`], the
    /// depth).
    #[doc(hidden)]
    fn poll_answer(
        &mut self,
        in_flight: &mut Self::InFlight,
        cx: &mut Context<'_>,
        rows: &mut dyn FnMut(&Self::Row<'_>) -> QueryResult<ControlFlow<()>>,
    ) -> Poll<QueryResult<usize>>;

    /// Starts a query whose rows [`poll_stream`](Self::poll_stream) reads in batches.
    #[doc(hidden)]
    fn open_stream(&mut self, request: Request) -> Self::Cursor;

    /// Polls the next batch of a query's rows, handing each to `rows`; `false` when the
    /// query has no more.
    #[doc(hidden)]
    fn poll_stream(
        &mut self,
        cursor: &mut Self::Cursor,
        cx: &mut Context<'_>,
        rows: &mut dyn FnMut(&Self::Row<'_>) -> QueryResult<()>,
    ) -> Poll<QueryResult<bool>>;

    /// The levels of transactions whose futures were dropped before they closed them.
    #[doc(hidden)]
    fn abandoned(&self) -> &AbandonedLevels;

    /// How many transactions are open, as far as the last answer told.
    #[doc(hidden)]
    fn transaction_depth(&self) -> u32;

    /// Runs one or more SQL statements separated by `;`, without bind parameters.
    fn batch_execute(&mut self, sql: &str) -> Perform<'_, Self> {
        Perform::new(self, Work::Batch(sql.to_owned()))
    }

    /// Sets how long one statement may run before it is stopped; `None` lifts the
    /// limit. As [`Connection::set_statement_timeout`](super::Connection::set_statement_timeout).
    fn set_statement_timeout(&mut self, timeout: Option<Duration>) -> Perform<'_, Self> {
        Perform::new(self, Work::StatementTimeout(timeout))
    }

    /// Runs `f` in a transaction: commits if it returns `Ok`, rolls back if it returns
    /// `Err`. A transaction inside a transaction is a savepoint.
    ///
    /// If the future is dropped before it ends (a timeout, a client gone, a panic in
    /// `f`), the transaction is rolled back before the connection runs anything else,
    /// and [`is_idle`](Self::is_idle) is false until then. As on blocking connections,
    /// a closure that returns `Ok` after the database rolled the transaction back gets
    /// [`Error::TransactionRolledBack`].
    fn transaction<T, E, F>(&mut self, f: F) -> impl Future<Output = Result<T, E>>
    where
        F: AsyncFnOnce(&mut Self) -> Result<T, E>,
        E: From<Error>,
    {
        run_transaction(self, None, f)
    }

    /// Like [`transaction`](Self::transaction), but runs the whole transaction again
    /// when it fails because of a concurrent one, at most `max_attempts` times in all,
    /// pausing between attempts (see
    /// [`Connection::transaction_with_retry`](super::Connection::transaction_with_retry)).
    fn transaction_with_retry<T, E, F>(
        &mut self,
        max_attempts: u32,
        mut f: F,
    ) -> impl Future<Output = Result<T, E>>
    where
        F: AsyncFnMut(&mut Self) -> Result<T, E>,
        E: From<Error> + RetryableError,
    {
        async move {
            if self.transaction_depth() > 0 {
                return run_transaction(self, None, async |conn: &mut Self| f(conn).await).await;
            }
            let mut attempt = 1;
            loop {
                let outcome =
                    run_transaction(self, None, async |conn: &mut Self| f(conn).await).await;
                match outcome {
                    Err(e) if attempt < max_attempts && e.is_retryable() => {
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                    }
                    outcome => return outcome,
                }
            }
        }
    }

    /// Opens a transaction that is never committed, for tests: everything the
    /// connection does from now on is rolled back when it is dropped.
    ///
    /// Fails if a transaction is already open on the connection.
    fn begin_test_transaction(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        async move {
            if self.transaction_depth() > 0 {
                return Err(Error::InvalidQuery(
                    "begin_test_transaction must be called before any transaction is open \
                     on the connection"
                        .into(),
                ));
            }
            Perform::new(self, Work::Begin(None)).await.map(drop)
        }
    }
}

/// Runs `f` between [`Work::Begin`] and [`Work::End`]; a guard marks the level
/// abandoned if the future is dropped in between.
async fn run_transaction<C, T, E, F>(
    conn: &mut C,
    begin: Option<&'static str>,
    f: F,
) -> Result<T, E>
where
    C: AsyncConnection,
    F: AsyncFnOnce(&mut C) -> Result<T, E>,
    E: From<Error>,
{
    // Armed before `BEGIN` is sent: a future dropped while `BEGIN` is in flight leaves
    // the level to roll back too (the connection rolls it back only if it was opened).
    let guard = LevelGuard {
        levels: conn.abandoned().clone(),
        level: conn.transaction_depth() + 1,
    };
    let opened = Perform::new(conn, Work::Begin(begin)).await;
    let depth = match opened.map(u32::try_from) {
        Ok(Ok(depth)) => depth,
        Ok(Err(_)) => {
            return Err(Error::InvalidQuery("transaction depth out of range".into()).into());
        }
        Err(e) => {
            // Nothing was opened.
            std::mem::forget(guard);
            return Err(e.into());
        }
    };
    let outcome = f(conn).await;
    let ending = match outcome {
        Ok(_) => Ending::Commit,
        Err(_) => Ending::Rollback,
    };
    let ended = Perform::new(conn, Work::End { depth, ending }).await;
    std::mem::forget(guard);
    match outcome {
        Ok(value) => ended.map(|_| value).map_err(E::from),
        Err(e) => Err(e),
    }
}

/// The calls of an async connection return futures ([`Pending`]).
#[derive(Debug, Clone, Copy)]
pub enum Async {}

impl super::executor::Sealed for Async {}

impl Mode for Async {
    type Output<'c, C: Executor + 'c, K: 'c, T: 'c> = Pending<'c, C, K, T>;
    type Rows<'c, C: Executor + 'c, R: DecodeRow + 'c> = RowStream<'c, C, R>;
}

/// The rows of a query on an async connection, read a batch at a time and decoded one
/// by one: what [`stream`](super::RunQueryDsl::stream) returns there, a
/// `futures::Stream` of `QueryResult<row>`.
///
/// Dropping it before its last row ends the query in the background of the
/// connection's next use.
#[must_use = "streams do nothing unless polled"]
pub struct RowStream<'c, C: Executor, R: DecodeRow> {
    conn: &'c mut C,
    /// The request, until the first poll sends it; its error, if rendering failed.
    request: Option<QueryResult<Request>>,
    /// The query in flight; `None` before the first poll and once it has ended.
    cursor: Option<C::Cursor>,
    rows: std::collections::VecDeque<QueryResult<R::Output>>,
    /// Reads a batch of rows into `rows`, taken where the connection is known to be
    /// async.
    read: ReadStep<C, R>,
}

type ReadStep<C, R> = fn(
    &mut C,
    &mut <C as Executor>::Cursor,
    &mut std::collections::VecDeque<QueryResult<<R as DecodeRow>::Output>>,
    &mut Context<'_>,
) -> Poll<QueryResult<bool>>;

fn read_batch<C: AsyncConnection, R: DecodeRow>(
    conn: &mut C,
    cursor: &mut C::Cursor,
    rows: &mut std::collections::VecDeque<QueryResult<R::Output>>,
    cx: &mut Context<'_>,
) -> Poll<QueryResult<bool>> {
    conn.poll_stream(cursor, cx, &mut |row| {
        rows.push_back(R::decode(row, &mut 0));
        Ok(())
    })
}

impl<'c, C: Executor, R: DecodeRow> RowStream<'c, C, R> {
    pub(crate) fn new(conn: &'c mut C, request: QueryResult<Request>) -> Self
    where
        C: AsyncConnection,
    {
        RowStream {
            conn,
            request: Some(request),
            cursor: None,
            rows: std::collections::VecDeque::new(),
            read: read_batch::<C, R>,
        }
    }
}

impl<C: Executor, R: DecodeRow> std::fmt::Debug for RowStream<'_, C, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream")
            .field("open", &self.cursor.is_some())
            .field("buffered", &self.rows.len())
            .finish_non_exhaustive()
    }
}

impl<C: AsyncConnection, R: DecodeRow> futures_core::Stream for RowStream<'_, C, R>
where
    R::Output: Unpin,
{
    type Item = QueryResult<R::Output>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(row) = this.rows.pop_front() {
                if row.is_err() {
                    // A row that does not decode ends the stream.
                    this.rows.clear();
                    if let Some(cursor) = this.cursor.take() {
                        this.conn.close_stream(cursor);
                    }
                }
                return Poll::Ready(Some(row));
            }
            if let Some(request) = this.request.take() {
                match request {
                    Ok(request) => this.cursor = Some(this.conn.open_stream(request)),
                    Err(e) => return Poll::Ready(Some(Err(e))),
                }
            }
            let Some(cursor) = this.cursor.as_mut() else {
                return Poll::Ready(None);
            };
            match (this.read)(this.conn, cursor, &mut this.rows, cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(true)) => {}
                Poll::Ready(Ok(false)) => this.cursor = None,
                Poll::Ready(Err(e)) => {
                    if let Some(cursor) = this.cursor.take() {
                        this.conn.close_stream(cursor);
                    }
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}

impl<C: Executor, R: DecodeRow> Drop for RowStream<'_, C, R> {
    fn drop(&mut self) {
        if let Some(cursor) = self.cursor.take() {
            self.conn.close_stream(cursor);
        }
    }
}

/// The lowest level of transaction (1 for the outermost) whose future was dropped
/// before it closed it, or none; shared with the guards of the open levels.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct AbandonedLevels(Arc<AtomicU32>);

impl AbandonedLevels {
    /// Takes the lowest abandoned level, leaving none.
    pub(crate) fn take(&self) -> Option<u32> {
        match self.0.swap(0, Ordering::AcqRel) {
            0 => None,
            level => Some(level),
        }
    }

    /// Whether a level was abandoned.
    pub(crate) fn any(&self) -> bool {
        self.0.load(Ordering::Acquire) != 0
    }

    fn mark(&self, level: u32) {
        let _ = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |lowest| {
                Some(if lowest == 0 {
                    level
                } else {
                    lowest.min(level)
                })
            });
    }
}

/// Marks its level abandoned when dropped: the transaction's future went away between
/// its `BEGIN` and its end (which forgets the guard).
struct LevelGuard {
    levels: AbandonedLevels,
    level: u32,
}

impl Drop for LevelGuard {
    fn drop(&mut self) {
        self.levels.mark(self.level);
    }
}

/// The future of a statement on an async connection: `load`, `first`,
/// `get_result(s)` or `execute`, awaiting its answer.
///
/// Dropping it before it is ready hands its request back to the connection, which
/// finishes it before the next one.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Pending<'c, C: Executor, K, T> {
    conn: &'c mut C,
    task: K,
    /// The task's methods, taken where the task is known to fit the connection, so
    /// that awaiting asks nothing more of it (a query that does not fit is one error,
    /// where it is run, not a second one at `.await`).
    steps: TaskSteps<C, K, T>,
    in_flight: Option<C::InFlight>,
    done: bool,
}

/// What [`Pending`] calls of its task.
struct TaskSteps<C: Executor, K, T> {
    request: fn(&mut K) -> QueryResult<Request>,
    /// Polls the answer, handing its rows to the task.
    poll: PollStep<C, K>,
    finish: fn(&mut K, usize) -> QueryResult<T>,
}

/// Polls the answer to a task's request, handing each row to the task.
type PollStep<C, K> = fn(
    &mut C,
    &mut <C as Executor>::InFlight,
    &mut K,
    &mut Context<'_>,
) -> Poll<QueryResult<usize>>;

/// Polls the answer to `task`'s request, handing each row to the task.
fn poll_task<C, K>(
    conn: &mut C,
    in_flight: &mut C::InFlight,
    task: &mut K,
    cx: &mut Context<'_>,
) -> Poll<QueryResult<usize>>
where
    C: AsyncConnection,
    K: Task<C::Backend>,
{
    conn.poll_answer(in_flight, cx, &mut |row| task.row(row))
}

impl<'c, C: Executor, K, T> Pending<'c, C, K, T> {
    pub(crate) fn new(conn: &'c mut C, task: K) -> Self
    where
        C: AsyncConnection,
        K: Task<C::Backend, Output = T>,
    {
        Pending {
            conn,
            task,
            steps: TaskSteps {
                request: K::request,
                poll: poll_task::<C, K>,
                finish: K::finish,
            },
            in_flight: None,
            done: false,
        }
    }
}

impl<C: Executor, K, T> std::fmt::Debug for Pending<'_, C, K, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("in_flight", &self.in_flight.is_some())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<C, K, T> Future for Pending<'_, C, K, T>
where
    C: AsyncConnection,
    K: Unpin,
{
    type Output = QueryResult<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(Err(polled_after_completion()));
        }
        let steps = &this.steps;
        let in_flight = match &mut this.in_flight {
            Some(in_flight) => in_flight,
            None => match (steps.request)(&mut this.task) {
                Ok(request) => this.in_flight.insert(this.conn.send(Work::Run(request))),
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Err(e));
                }
            },
        };
        let task = &mut this.task;
        let answer = (steps.poll)(this.conn, in_flight, task, cx);
        match answer {
            Poll::Pending => Poll::Pending,
            Poll::Ready(answer) => {
                this.in_flight = None;
                this.done = true;
                Poll::Ready(answer.and_then(|changed| (steps.finish)(task, changed)))
            }
        }
    }
}

impl<C: Executor, K, T> Drop for Pending<'_, C, K, T> {
    fn drop(&mut self) {
        if let Some(in_flight) = self.in_flight.take() {
            self.conn.abandon(in_flight);
        }
    }
}

/// The future of a connection call without rows (`batch_execute`, a transaction's
/// `BEGIN` or `COMMIT`); dropped early, it hands its request back as [`Pending`] does.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Perform<'c, C: AsyncConnection> {
    conn: &'c mut C,
    work: Option<Work>,
    in_flight: Option<C::InFlight>,
}

impl<'c, C: AsyncConnection> Perform<'c, C> {
    pub(crate) fn new(conn: &'c mut C, work: Work) -> Self {
        Perform {
            conn,
            work: Some(work),
            in_flight: None,
        }
    }
}

impl<C: AsyncConnection> std::fmt::Debug for Perform<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Perform")
            .field("work", &self.work)
            .field("in_flight", &self.in_flight.is_some())
            .finish_non_exhaustive()
    }
}

impl<C: AsyncConnection> Future for Perform<'_, C> {
    type Output = QueryResult<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let in_flight = match (&mut this.in_flight, this.work.take()) {
            (Some(in_flight), _) => in_flight,
            (None, Some(work)) => this.in_flight.insert(this.conn.send(work)),
            (None, None) => return Poll::Ready(Err(polled_after_completion())),
        };
        let answer = this
            .conn
            .poll_answer(in_flight, cx, &mut |_| Ok(ControlFlow::Continue(())));
        if answer.is_ready() {
            this.in_flight = None;
        }
        answer
    }
}

impl<C: AsyncConnection> Drop for Perform<'_, C> {
    fn drop(&mut self) {
        if let Some(in_flight) = self.in_flight.take() {
            self.conn.abandon(in_flight);
        }
    }
}

fn polled_after_completion() -> Error {
    Error::InvalidQuery("a quarry future was polled after it completed".into())
}
