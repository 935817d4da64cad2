//! `AsyncSqliteConnection`: a SQLite database on a thread of its own.
//!
//! SQLite's calls block, so the connection lives on one dedicated worker thread, fed
//! by a channel; each request is answered on a oneshot channel, with the rows copied
//! out of SQLite's statement (they are decoded on the caller's side). The worker runs
//! the blocking [`SqliteConnection`], so every statement means exactly what it means
//! there. A future dropped before its answer came interrupts the statement the worker
//! is running (`sqlite3_interrupt`, safe from another thread); the requests after it
//! wait behind it on the channel, so none reads another's answer.

use super::raw::Interrupter;
use super::{Copied, OwnedCell, Sqlite, SqliteConnection, SqliteRow, SqliteValue};
use crate::conn::{
    AbandonedLevels, Async, AsyncConnection, Connection, Ending, Executor, Pending, Request, Row,
    RowStream, Task, Work, begin_blocking, end_blocking,
};
use crate::error::{Error, QueryResult};
use crate::query::{DecodeRow, QueryFragment};
use crate::types::BindValue;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// An async connection to a SQLite database, run on a worker thread of its own.
///
/// `establish` takes what [`SqliteConnection::establish`] takes (a path, `:memory:`, a
/// `file:` URI). Every statement a [`SqliteConnection`] runs, this one runs with
/// `.await`.
///
/// ```
/// # use quarry::prelude::*;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), quarry::Error> {
/// let mut conn = AsyncSqliteConnection::establish(":memory:").await?;
/// conn.batch_execute("CREATE TABLE t (x INTEGER)").await?;
/// let n: i64 = quarry::sql_query("SELECT 1 + 1").get_result(&mut conn).await?;
/// assert_eq!(n, 2);
/// # Ok(())
/// # }
/// ```
pub struct AsyncSqliteConnection {
    /// The worker's connection's instrumentation: its hook runs on the worker thread.
    instruments: Arc<crate::instrument::Instruments>,
    jobs: mpsc::Sender<Job>,
    interrupter: Interrupter,
    shared: Arc<Shared>,
    abandoned: AbandonedLevels,
    /// The `BEGIN` of an outermost transaction, when not the worker's default.
    begin: Option<&'static str>,
}

/// What the worker tells the connection without being asked.
#[derive(Debug, Default)]
struct Shared {
    /// Requests sent and not yet answered (abandoned ones included).
    pending: AtomicUsize,
    /// How many transactions are open on the worker's connection.
    depth: AtomicU32,
    /// Whether the worker is gone.
    gone: AtomicBool,
}

/// One request for the worker.
struct Job {
    work: Work,
    /// The lowest level of transaction whose future was dropped: rolled back first.
    recover: Option<u32>,
    reply: oneshot::Sender<Answer>,
    /// For a stream: where the rows go, a batch at a time, as they are read.
    batches: Option<tokio::sync::mpsc::Sender<OwnedRows>>,
    /// The caller's span, the parent of the spans of the job's statements.
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

/// How many rows a batch of a stream holds.
const STREAM_BATCH: usize = 256;

/// A query of [`AsyncSqliteConnection`] whose rows come a batch at a time.
#[doc(hidden)]
#[derive(Debug)]
pub struct Cursor {
    answer: Option<InFlight>,
    batches: tokio::sync::mpsc::Receiver<OwnedRows>,
}

/// A request the worker was sent: its answer to come.
#[doc(hidden)]
#[derive(Debug)]
pub struct InFlight(oneshot::Receiver<Answer>);

/// The worker's answer.
#[derive(Debug)]
struct Answer {
    result: QueryResult<usize>,
    rows: OwnedRows,
}

/// Rows copied out of a statement: `width` cells each.
#[derive(Debug, Default)]
struct OwnedRows {
    names: Vec<String>,
    width: usize,
    cells: Vec<OwnedCell>,
}

impl std::fmt::Debug for AsyncSqliteConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncSqliteConnection")
            .field("pending", &self.shared.pending.load(Ordering::Acquire))
            .field(
                "transaction_depth",
                &self.shared.depth.load(Ordering::Acquire),
            )
            .finish_non_exhaustive()
    }
}

impl AsyncSqliteConnection {
    /// Sets how this connection's transactions begin from now on, as
    /// [`SqliteConnection::set_transaction_behavior`] does for a blocking connection:
    /// [`transaction`](AsyncConnection::transaction),
    /// [`transaction_with_retry`](AsyncConnection::transaction_with_retry) and
    /// [`begin_test_transaction`](AsyncConnection::begin_test_transaction). A connection
    /// whose transactions read and then write is best set to
    /// [`TransactionBehavior::Immediate`](crate::conn::TransactionBehavior::Immediate),
    /// so that concurrent writers wait for each other (up to the busy timeout) instead
    /// of failing with a busy error.
    ///
    /// ```
    /// use quarry::conn::TransactionBehavior;
    /// # use quarry::prelude::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), quarry::Error> {
    /// let mut conn = AsyncSqliteConnection::establish(":memory:").await?;
    /// conn.set_transaction_behavior(TransactionBehavior::Immediate);
    /// conn.transaction(async |tx| tx.batch_execute("CREATE TABLE t (x INTEGER)").await)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_transaction_behavior(&mut self, behavior: crate::conn::TransactionBehavior) {
        self.begin = Some(behavior.begin_sql());
    }

    /// Starts the worker on the connection `open` makes, on the worker's own thread.
    async fn start(url: String) -> QueryResult<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (opened, open) = oneshot::channel();
        let shared = Arc::new(Shared::default());
        let worker_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("quarry-sqlite".into())
            .spawn(move || {
                let mut conn = match SqliteConnection::establish(&url) {
                    Ok(conn) => conn,
                    Err(e) => {
                        let _ = opened.send(Err(e));
                        return;
                    }
                };
                let instruments = Arc::clone(&conn.instruments);
                if opened
                    .send(Ok((conn.raw.interrupter(), instruments)))
                    .is_err()
                {
                    return;
                }
                work(&mut conn, &queue, &worker_shared);
                worker_shared.gone.store(true, Ordering::Release);
            })
            .map_err(|e| {
                Error::Connection(format!("cannot start the SQLite worker thread: {e}"))
            })?;
        let (interrupter, instruments) = open.await.map_err(|_| worker_gone())??;
        Ok(AsyncSqliteConnection {
            instruments,
            jobs,
            interrupter,
            shared,
            abandoned: AbandonedLevels::default(),
            begin: None,
        })
    }
}

/// How long each side of the hop keeps checking for the other before it sleeps: the
/// worker for the next request after an answer, the caller for the answer after a
/// request. Waking a sleeping thread costs tens of microseconds on a busy machine,
/// where a short statement takes well under one; a few microseconds of checking find
/// most answers (and a loop's next request) without that cost, and sleeping after them
/// bounds what a slow statement wastes.
const SPIN: Duration = Duration::from_micros(20);

/// Calls `ready` until it gives a value or `SPIN` has passed, hinting the processor
/// between calls (the clock is read once every 64 of them). With one processor to run
/// on (as `taskset` may leave), the other side cannot answer while this one checks:
/// then `ready` is called once.
fn spin<T>(mut ready: impl FnMut() -> Option<T>) -> Option<T> {
    static SEVERAL_PROCESSORS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let several = *SEVERAL_PROCESSORS
        .get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1));
    if !several {
        return ready();
    }
    let start = Instant::now();
    loop {
        for _ in 0..64 {
            if let Some(value) = ready() {
                return Some(value);
            }
            std::hint::spin_loop();
        }
        if start.elapsed() >= SPIN {
            return None;
        }
    }
}

/// The next job: one that comes while the worker is still checking, or else the next
/// one after it has gone to sleep. `None` once the connection is dropped.
fn next_job(queue: &mpsc::Receiver<Job>) -> Option<Job> {
    let waiting = spin(|| match queue.try_recv() {
        Ok(job) => Some(Some(job)),
        Err(mpsc::TryRecvError::Empty) => None,
        Err(mpsc::TryRecvError::Disconnected) => Some(None),
    });
    match waiting {
        Some(job) => job,
        None => queue.recv().ok(),
    }
}

/// The worker's loop: one job at a time, until the connection is dropped.
fn work(conn: &mut SqliteConnection, queue: &mpsc::Receiver<Job>, shared: &Shared) {
    while let Some(job) = next_job(queue) {
        #[cfg(feature = "tracing")]
        let _entered = job.span.enter();
        let mut rows = OwnedRows::default();
        let result = recover(conn, job.recover).and_then(|()| match (job.work, &job.batches) {
            (Work::Run(request), Some(batches)) => stream(conn, request, batches),
            (work, _) => run(conn, work, &mut rows),
        });
        shared
            .depth
            .store(conn.transaction_state().depth, Ordering::Release);
        // Counted as done before the caller can see the answer, so that a connection
        // whose last answer has arrived is idle. The caller may be gone (its future
        // dropped): the work is done all the same.
        shared.pending.fetch_sub(1, Ordering::AcqRel);
        let _ = job.reply.send(Answer { result, rows });
    }
}

/// Rolls back the transaction levels from `level` up, whose futures were dropped.
fn recover(conn: &mut SqliteConnection, level: Option<u32>) -> QueryResult<()> {
    match level {
        Some(level) if level >= 1 && conn.transaction_state().depth >= level => {
            end_blocking(conn, level - 1, Ending::Rollback)
        }
        _ => Ok(()),
    }
}

fn run(conn: &mut SqliteConnection, work: Work, rows: &mut OwnedRows) -> QueryResult<usize> {
    match work {
        Work::Run(request) => run_request(conn, &request, rows),
        Work::Batch(sql) => conn.batch_execute(&sql).map(|()| 0),
        Work::Begin(begin) => begin_blocking(conn, begin).map(|depth| depth as usize),
        Work::End { depth, ending } => end_blocking(conn, depth, ending).map(|()| 0),
        Work::StatementTimeout(timeout) => conn.set_statement_timeout(timeout).map(|()| 0),
        // Only `AsyncPgConnection` sends pipelines.
        Work::Pipeline(_) => Err(Error::InvalidQuery(
            "pipelines are PostgreSQL's: SQLite runs one statement at a time".into(),
        )),
    }
}

/// Reads the rows of a request's statement into batches sent to `batches`, which
/// holds a few at most: the worker waits while the caller is behind, and stops when it
/// is gone (its stream dropped).
fn stream(
    conn: &mut SqliteConnection,
    request: Request,
    batches: &tokio::sync::mpsc::Sender<OwnedRows>,
) -> QueryResult<usize> {
    let step = request.into_one()?;
    let binds: Vec<BindValue<'_>> = step.binds.iter().map(|b| b.as_bind()).collect();
    let mut batch = OwnedRows::default();
    let mut gone = false;
    conn.query_sql(&step.sql, &binds, |row| {
        batch.push(row);
        if batch.len() >= STREAM_BATCH && batches.blocking_send(std::mem::take(&mut batch)).is_err()
        {
            gone = true;
            return Ok(ControlFlow::Break(()));
        }
        Ok(ControlFlow::Continue(()))
    })?;
    if !gone && batch.len() > 0 {
        let _ = batches.blocking_send(batch);
    }
    Ok(0)
}

/// Runs a request's statements, more than one in one transaction.
fn run_request(
    conn: &mut SqliteConnection,
    request: &Request,
    rows: &mut OwnedRows,
) -> QueryResult<usize> {
    let mut all = |conn: &mut SqliteConnection| -> QueryResult<usize> {
        let mut changed = 0;
        for step in &request.steps {
            let binds: Vec<BindValue<'_>> = step.binds.iter().map(|b| b.as_bind()).collect();
            if request.rows {
                conn.query_sql(&step.sql, &binds, |row| {
                    rows.push(row);
                    Ok(ControlFlow::Continue(()))
                })?;
            } else {
                changed += conn.execute_sql(&step.sql, &binds)?;
            }
        }
        Ok(changed)
    };
    match request.steps.len() {
        0 | 1 => all(conn),
        _ => conn.transaction(all),
    }
}

impl OwnedRows {
    fn push(&mut self, row: &SqliteRow<'_>) {
        if self.names.is_empty() && self.cells.is_empty() {
            self.width = row.len();
            self.names = (0..row.len())
                .map(|i| row.column_name(i).unwrap_or_default().to_owned())
                .collect();
        }
        self.cells.reserve(row.len());
        for i in 0..row.len() {
            self.cells
                .push(row.value(i).map_or(OwnedCell::Null, |v| v.to_owned_cell()));
        }
    }

    fn len(&self) -> usize {
        self.cells.len().checked_div(self.width).unwrap_or(0)
    }
}

/// A row the worker copied.
pub struct AsyncSqliteRow<'r> {
    rows: &'r OwnedRows,
    index: usize,
}

impl Row for AsyncSqliteRow<'_> {
    type Value<'v>
        = SqliteValue<'v, Copied<'v>>
    where
        Self: 'v;

    fn len(&self) -> usize {
        self.rows.width
    }

    fn value(&self, idx: usize) -> Option<SqliteValue<'_, Copied<'_>>> {
        if idx >= self.rows.width {
            return None;
        }
        let cell = self.rows.cells.get(self.index * self.rows.width + idx)?;
        Some(SqliteValue(Copied(cell), std::marker::PhantomData))
    }

    fn column_name(&self, idx: usize) -> Option<&str> {
        self.rows.names.get(idx).map(String::as_str)
    }
}

fn worker_gone() -> Error {
    Error::Connection("the SQLite worker thread is gone; establish a new connection".into())
}

impl Executor for AsyncSqliteConnection {
    type Backend = Sqlite;
    type Mode = Async;
    type InFlight = InFlight;
    type Cursor = Cursor;

    fn stream<'c, R: DecodeRow + 'c, Q: QueryFragment<Sqlite> + ?Sized>(
        &'c mut self,
        query: &Q,
    ) -> RowStream<'c, Self, R> {
        RowStream::new(self, Request::of_query::<Sqlite, Q>(query))
    }

    fn close_stream(&mut self, cursor: Cursor) {
        // The worker stops at its next batch, finding the receiver gone.
        drop(cursor.batches);
        if let Some(answer) = cursor.answer {
            self.abandon(answer);
        }
    }

    fn run<'c, K, T>(&'c mut self, task: K) -> Pending<'c, Self, K, T>
    where
        K: Task<Sqlite, Output = T> + 'c,
        T: 'c,
    {
        Pending::new(self, task)
    }

    fn abandon(&mut self, in_flight: InFlight) {
        // The worker may be running it: stop its statement. A request the worker has
        // not started yet is not interrupted (SQLite interrupts only what is running);
        // it runs to its end, and nobody reads its answer.
        drop(in_flight);
        if self.shared.pending.load(Ordering::Acquire) > 0 {
            self.interrupter.interrupt();
        }
    }
}

impl crate::instrument::Instrumented for AsyncSqliteConnection {
    fn instruments(&self) -> &Arc<crate::instrument::Instruments> {
        &self.instruments
    }
}

impl AsyncConnection for AsyncSqliteConnection {
    type Row<'r> = AsyncSqliteRow<'r>;
    fn establish(url: &str) -> impl Future<Output = QueryResult<Self>> + Send {
        Self::start(url.to_owned())
    }

    fn is_idle(&self) -> bool {
        self.shared.pending.load(Ordering::Acquire) == 0
            && self.shared.depth.load(Ordering::Acquire) == 0
            && !self.abandoned.any()
            && !self.is_broken()
    }

    fn is_broken(&self) -> bool {
        self.shared.gone.load(Ordering::Acquire)
    }

    fn send(&mut self, work: Work) -> InFlight {
        let work = match work {
            Work::Begin(None) => Work::Begin(self.begin),
            work => work,
        };
        let (reply, answer) = oneshot::channel();
        let job = Job {
            work,
            recover: self.abandoned.take(),
            reply,
            batches: None,
            #[cfg(feature = "tracing")]
            span: tracing::Span::current(),
        };
        self.shared.pending.fetch_add(1, Ordering::AcqRel);
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            // The reply sender is dropped with the job: the answer reports the loss.
            self.shared.pending.fetch_sub(1, Ordering::AcqRel);
            self.shared.gone.store(true, Ordering::Release);
            drop(job);
        }
        InFlight(answer)
    }

    fn poll_answer(
        &mut self,
        in_flight: &mut InFlight,
        cx: &mut Context<'_>,
        rows: &mut dyn FnMut(&AsyncSqliteRow<'_>) -> QueryResult<ControlFlow<()>>,
    ) -> Poll<QueryResult<usize>> {
        // A short statement's answer comes within the spin, before a waker is even
        // registered: neither side then makes a system call.
        let answered = spin(|| match in_flight.0.try_recv() {
            Ok(answer) => Some(Ok(answer)),
            Err(oneshot::error::TryRecvError::Empty) => None,
            Err(oneshot::error::TryRecvError::Closed) => Some(Err(())),
        });
        let answered = match answered {
            Some(answered) => Poll::Ready(answered),
            None => Pin::new(&mut in_flight.0)
                .poll(cx)
                .map(|r| r.map_err(|_| ())),
        };
        let answer = match answered {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(answer)) => answer,
            Poll::Ready(Err(())) => {
                self.shared.gone.store(true, Ordering::Release);
                return Poll::Ready(Err(worker_gone()));
            }
        };
        let changed = match answer.result {
            Ok(changed) => changed,
            Err(e) => return Poll::Ready(Err(e)),
        };
        for index in 0..answer.rows.len() {
            let row = AsyncSqliteRow {
                rows: &answer.rows,
                index,
            };
            match rows(&row) {
                Ok(ControlFlow::Continue(())) => {}
                Ok(ControlFlow::Break(())) => break,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        Poll::Ready(Ok(changed))
    }

    fn open_stream(&mut self, request: Request) -> Cursor {
        let (reply, answer) = oneshot::channel();
        let (sender, batches) = tokio::sync::mpsc::channel(2);
        let job = Job {
            work: Work::Run(request),
            recover: self.abandoned.take(),
            reply,
            batches: Some(sender),
            #[cfg(feature = "tracing")]
            span: tracing::Span::current(),
        };
        self.shared.pending.fetch_add(1, Ordering::AcqRel);
        if self.jobs.send(job).is_err() {
            self.shared.pending.fetch_sub(1, Ordering::AcqRel);
            self.shared.gone.store(true, Ordering::Release);
        }
        Cursor {
            answer: Some(InFlight(answer)),
            batches,
        }
    }

    fn poll_stream(
        &mut self,
        cursor: &mut Cursor,
        cx: &mut Context<'_>,
        rows: &mut dyn FnMut(&AsyncSqliteRow<'_>) -> QueryResult<()>,
    ) -> Poll<QueryResult<bool>> {
        match cursor.batches.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(batch)) => {
                for index in 0..batch.len() {
                    let row = AsyncSqliteRow {
                        rows: &batch,
                        index,
                    };
                    if let Err(e) = rows(&row) {
                        return Poll::Ready(Err(e));
                    }
                }
                Poll::Ready(Ok(true))
            }
            // Every batch is in: the answer says whether the query ended well.
            Poll::Ready(None) => {
                let Some(answer) = cursor.answer.as_mut() else {
                    return Poll::Ready(Ok(false));
                };
                let outcome = self.poll_answer(answer, cx, &mut |_| Ok(ControlFlow::Continue(())));
                if outcome.is_ready() {
                    cursor.answer = None;
                }
                outcome.map(|result| result.map(|_| false))
            }
        }
    }

    fn abandoned(&self) -> &AbandonedLevels {
        &self.abandoned
    }

    fn transaction_depth(&self) -> u32 {
        self.shared.depth.load(Ordering::Acquire)
    }
}
