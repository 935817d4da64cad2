//! `AsyncPgConnection`: libpq's non-blocking protocol on the tokio reactor.
//!
//! The connection runs the same driver as the blocking one (`driver.rs`), with an `Io`
//! that waits on libpq's socket, registered once with tokio (`AsyncFd`): no thread per
//! query, no polling loop. While a request is in flight the driver is inside its
//! future; the connection holds a small state ([`Slot`]):
//!
//! - `Idle`: the driver is home; a request takes it.
//! - `Busy`: a request has it (the future that sent it polls for the answer).
//! - `Draining`: the future was dropped: a cancel request is sent to the server, and
//!   the next request first reads the abandoned one to its end, so that no answer is
//!   read as another request's.
//! - `Lost`: the driver is gone (a future leaked while it held it); every call fails.
//!
//! A transaction whose future was dropped is rolled back before the next request runs.

use super::driver::{Driver, Io, connection_lost};
use super::raw::{ConnectPoll, RawCancel, RawConnection, RawResult, parse_options};
use super::raw_socket::WatchedSocket;
use super::{
    Pg, PgRow, connect_options, default_connect_timeout, for_each_row, statement_timeout_sql,
};
use crate::conn::{
    AbandonedLevels, Async, AsyncConnection, Ending, Executor, Pending, Request, RowStream, Task,
    Work,
};
use crate::conn::{Levels, TransactionState, begin_level, end_level};
use crate::conn::{LimitOne, RowOf};
use crate::error::{Error, QueryResult};
use crate::query::{AsQuery, DecodeRow, Query, QueryFragment, SqlQuery};
use crate::types::BindValue;
use std::any::Any;
use std::ffi::CString;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::ControlFlow;
use std::os::fd::{OwnedFd, RawFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// An async connection to a PostgreSQL server, on tokio.
///
/// `establish` takes what [`PgConnection::establish`](super::PgConnection) takes (a
/// libpq URL or `key=value` string), resolves the host name without blocking, and
/// connects within the URL's `connect_timeout` (10 seconds unless it says otherwise).
/// Every statement a [`PgConnection`](super::PgConnection) runs, this one runs with
/// `.await`, with the same binary protocol and statement cache.
///
/// To bound how long a call may take, wrap it in `tokio::time::timeout`: a call that
/// runs out is cancelled on the server, and the connection stays usable.
pub struct AsyncPgConnection {
    slot: Slot,
    /// Cancels what the server runs for this connection, when a future is dropped.
    cancel: Option<Arc<RawCancel>>,
    abandoned: AbandonedLevels,
    /// How many transactions are open, as of the last answer.
    depth: u32,
    /// The driver's instrumentation, reached while the driver is away in a request.
    instruments: Arc<crate::instrument::Instruments>,
}

/// Where the driver is.
enum Slot {
    Idle(Box<Driver<Tokio>>),
    /// Between two batches of a stream's rows: the rest is still to be read.
    Streaming(Box<Driver<Tokio>>),
    Busy,
    Draining(Drain),
    Lost,
}

/// What finishes an abandoned request and gives the driver back.
type Drain = Pin<Box<dyn Future<Output = Option<Box<Driver<Tokio>>>> + Send>>;

/// A request in flight: the future that runs it, holding the driver.
#[doc(hidden)]
pub struct InFlight(Pin<Box<dyn Future<Output = Outcome> + Send>>);

impl std::fmt::Debug for InFlight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InFlight")
    }
}

/// The end of a request: the driver (when it still has one), the result, and the
/// results whose rows the caller takes.
struct Outcome {
    driver: Option<Box<Driver<Tokio>>>,
    result: QueryResult<usize>,
    results: Vec<RawResult>,
    /// The outcome of each statement of a pipeline.
    pipeline: Vec<QueryResult<RawResult>>,
}

impl std::fmt::Debug for AsyncPgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.slot {
            Slot::Idle(_) => "idle",
            Slot::Streaming(_) => "streaming",
            Slot::Busy => "busy",
            Slot::Draining(_) => "draining",
            Slot::Lost => "lost",
        };
        f.debug_struct("AsyncPgConnection")
            .field("state", &state)
            .field("transaction_depth", &self.depth)
            .finish_non_exhaustive()
    }
}

/// The async connection's `Io`: waits on the socket through the tokio reactor.
pub(super) struct Tokio {
    socket: WatchedSocket,
}

impl Tokio {
    /// Registers `raw`'s socket with the reactor of the current tokio runtime.
    fn register(raw: &RawConnection) -> QueryResult<Self> {
        let fd = raw.socket().ok_or_else(connection_lost)?;
        Ok(Tokio {
            socket: watch(fd, Interest::READABLE | Interest::WRITABLE)?,
        })
    }

    /// The registration, made again if libpq has opened another socket.
    fn fd(&mut self, raw: &RawConnection) -> QueryResult<&AsyncFd<OwnedFd>> {
        let socket = raw.socket().ok_or_else(connection_lost)?;
        if socket != self.socket.of() {
            self.socket = watch(socket, Interest::READABLE | Interest::WRITABLE)?;
        }
        Ok(self.socket.fd())
    }
}

/// Watches a socket on the current runtime's reactor.
fn watch(fd: RawFd, interest: Interest) -> QueryResult<WatchedSocket> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(Error::Connection(
            "AsyncPgConnection must be used inside a tokio runtime".into(),
        ));
    }
    // The reactor panics on a runtime built without I/O (`enable_io`): report it instead.
    std::panic::catch_unwind(|| WatchedSocket::watch(fd, interest))
        .map_err(|_| {
            Error::Connection(
                "AsyncPgConnection needs a tokio runtime with I/O enabled (`enable_io` or \
                 `enable_all`)"
                    .into(),
            )
        })?
        .map_err(|e| Error::Connection(format!("cannot watch the connection's socket: {e}")))
}

fn io_lost(e: std::io::Error) -> Error {
    Error::Connection(format!("connection lost: {e}"))
}

impl Io for Tokio {
    async fn flushed(&mut self, raw: &mut RawConnection) -> QueryResult<()> {
        loop {
            if raw.flush()? {
                return Ok(());
            }
            let fd = self.fd(raw)?;
            let mut guard = fd
                .ready(Interest::READABLE | Interest::WRITABLE)
                .await
                .map_err(io_lost)?;
            let ready = guard.ready();
            // libpq asks to read what the server sends while it cannot send more.
            if ready.is_readable() && !raw.consume_input() {
                return Ok(()); // the next PQgetResult reports the failure
            }
            if raw.flush()? {
                return Ok(());
            }
            guard.clear_ready_matching(tokio::io::Ready::WRITABLE);
            if ready.is_readable() && !raw.socket_readable_now() {
                guard.clear_ready_matching(tokio::io::Ready::READABLE);
            }
        }
    }

    async fn result_ready(&mut self, raw: &mut RawConnection) -> QueryResult<()> {
        while raw.is_busy() {
            let fd = self.fd(raw)?;
            let mut guard = fd.readable().await.map_err(io_lost)?;
            if !raw.consume_input() {
                return Ok(()); // the next PQgetResult reports the failure
            }
            if raw.is_busy() && !raw.socket_readable_now() {
                guard.clear_ready();
            }
        }
        Ok(())
    }

    /// Forgets that the socket was readable. Its last read took in the request's end
    /// (ReadyForQuery), so what the reactor saw is read; left set, it would send the
    /// next request's first wait into a read that finds nothing and a check of the
    /// socket (two system calls per statement). Whatever the server sends later (the
    /// next answer, a notice, its closing) makes the socket readable anew.
    async fn request_done(&mut self, raw: &mut RawConnection) {
        let Ok(fd) = self.fd(raw) else {
            return;
        };
        std::future::poll_fn(|cx| {
            if let Poll::Ready(Ok(mut guard)) = fd.poll_read_ready(cx) {
                guard.clear_ready_matching(tokio::io::Ready::READABLE);
            }
            Poll::Ready(())
        })
        .await;
    }
}

/// A driver's levels, for transactions on the async connection.
struct AsyncLevels<'d>(&'d mut Driver<Tokio>);

impl Levels for AsyncLevels<'_> {
    fn state(&mut self) -> &mut TransactionState {
        &mut self.0.transaction
    }
    fn aborted(&self) -> bool {
        self.0.raw.in_failed_transaction()
    }
    fn exec(&mut self, sql: &str) -> impl Future<Output = QueryResult<()>> + Send {
        self.0.batch_execute(sql)
    }
    fn instruments(&self) -> &Arc<crate::instrument::Instruments> {
        &self.0.instruments
    }
}

/// Connects without blocking the runtime: the host name resolved by tokio, libpq's
/// connect driven on the reactor, within the connect timeout.
async fn connect(url: &str) -> QueryResult<AsyncPgConnection> {
    let (url, cache_statements) = super::quarry_options(url)?;
    let c_url = CString::new(url)
        .map_err(|_| Error::Connection("the connection URL contains a NUL byte".into()))?;
    let [host, hostaddr, port, timeout]: [Option<String>; 4] =
        parse_options(&c_url, &["host", "hostaddr", "port", "connect_timeout"])
            .map_err(Error::Connection)?
            .try_into()
            .map_err(|_| Error::Connection("libpq's options could not be read".into()))?;
    let mut options = connect_options(&c_url, default_connect_timeout());
    // libpq resolves a host name inside PQconnectStartParams, blocking; resolve it here.
    let resolved = match (host.as_deref(), hostaddr.as_deref()) {
        (Some(host), None | Some("")) if needs_lookup(host) => {
            let port = port
                .as_deref()
                .and_then(|p| p.parse::<u16>().ok())
                .unwrap_or(5432);
            let mut addresses = tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| Error::Connection(format!("cannot resolve `{host}`: {e}")))?;
            let address = addresses
                .next()
                .ok_or_else(|| Error::Connection(format!("`{host}` has no address")))?;
            Some(
                CString::new(address.ip().to_string())
                    .map_err(|_| Error::Connection("address".into()))?,
            )
        }
        _ => None,
    };
    if let Some(address) = &resolved {
        options.push((c"hostaddr", address.as_c_str()));
    }
    let seconds = timeout
        .as_deref()
        .and_then(|t| t.trim().parse::<u64>().ok())
        .or_else(|| {
            std::env::var("PGCONNECT_TIMEOUT")
                .ok()
                .and_then(|t| t.trim().parse().ok())
        })
        .unwrap_or(10);
    let raw = RawConnection::connect_start(&options)?;
    let connecting = drive_connect(raw);
    let raw = if seconds == 0 {
        connecting.await?
    } else {
        tokio::time::timeout(Duration::from_secs(seconds.max(2)), connecting)
            .await
            .map_err(|_| {
                Error::Connection(format!(
                    "could not connect to PostgreSQL within {} seconds (the connect timeout)",
                    seconds.max(2)
                ))
            })??
    };
    raw.set_nonblocking()?;
    let io = Tokio::register(&raw)?;
    let cancel = raw.cancel_handle().map(Arc::new);
    let mut driver = Driver::new(raw, io);
    driver.cache_statements = cache_statements;
    Ok(AsyncPgConnection {
        instruments: Arc::clone(&driver.instruments),
        slot: Slot::Idle(Box::new(driver)),
        cancel,
        abandoned: AbandonedLevels::default(),
        depth: 0,
    })
}

/// Whether `host` is a name to resolve: not a socket directory, an address or a list.
fn needs_lookup(host: &str) -> bool {
    !host.is_empty()
        && !host.starts_with('/')
        && !host.contains(',')
        && host.parse::<std::net::IpAddr>().is_err()
}

/// Steps libpq's connect, waiting on the socket between steps (libpq may open another
/// socket for each address it tries).
async fn drive_connect(raw: RawConnection) -> QueryResult<RawConnection> {
    loop {
        let interest = match raw.connect_poll() {
            ConnectPoll::Done => return Ok(raw),
            ConnectPoll::Failed => return Err(Error::Connection(raw.error_message())),
            ConnectPoll::Read => Interest::READABLE,
            ConnectPoll::Write => Interest::WRITABLE,
        };
        let socket = raw
            .socket()
            .ok_or_else(|| Error::Connection(raw.error_message()))?;
        let watched = watch(socket, interest)?;
        let _ready = watched.fd().ready(interest).await.map_err(io_lost)?;
    }
}

/// Runs `work` on the driver; the rows of a query go into `results`, the outcome of
/// each statement of a pipeline into `pipeline`.
async fn perform(
    driver: &mut Driver<Tokio>,
    work: Work,
    results: &mut Vec<RawResult>,
    pipeline: &mut Vec<QueryResult<RawResult>>,
) -> QueryResult<usize> {
    match work {
        Work::Run(request) => run_request(driver, &request, results).await,
        Work::Batch(sql) => driver.batch_execute(&sql).await.map(|()| 0),
        Work::Begin(begin) => begin_level(&mut AsyncLevels(driver), begin)
            .await
            .map(|depth| depth as usize),
        Work::End { depth, ending } => end_level(&mut AsyncLevels(driver), depth, ending)
            .await
            .map(|()| 0),
        Work::StatementTimeout(timeout) => {
            let sql = statement_timeout_sql(&driver.transaction, timeout)?;
            driver.batch_execute(&sql).await.map(|()| 0)
        }
        Work::Pipeline(requests) => run_pipeline(driver, requests, pipeline).await,
    }
}

/// Runs a pipeline's statements in one round trip; the outcome of each into `outcomes`.
async fn run_pipeline(
    driver: &mut Driver<Tokio>,
    requests: Vec<Request>,
    outcomes: &mut Vec<QueryResult<RawResult>>,
) -> QueryResult<usize> {
    let steps: Vec<_> = requests
        .into_iter()
        .map(Request::into_one)
        .collect::<QueryResult<_>>()?;
    let views: Vec<(&str, Vec<BindValue<'_>>)> = steps
        .iter()
        .map(|step| {
            (
                step.sql.as_str(),
                step.binds.iter().map(|b| b.as_bind()).collect(),
            )
        })
        .collect();
    *outcomes = driver.pipeline(&views).await?;
    Ok(0)
}

/// Runs a request's statements, more than one in one transaction.
async fn run_request(
    driver: &mut Driver<Tokio>,
    request: &Request,
    results: &mut Vec<RawResult>,
) -> QueryResult<usize> {
    if request.steps.len() <= 1 {
        return run_steps(driver, request, results).await;
    }
    let depth = begin_level(&mut AsyncLevels(driver), None).await?;
    match run_steps(driver, request, results).await {
        Ok(changed) => end_level(&mut AsyncLevels(driver), depth, Ending::Commit)
            .await
            .map(|()| changed),
        Err(e) => {
            results.clear();
            let _ = end_level(&mut AsyncLevels(driver), depth, Ending::Rollback).await;
            Err(e)
        }
    }
}

async fn run_steps(
    driver: &mut Driver<Tokio>,
    request: &Request,
    results: &mut Vec<RawResult>,
) -> QueryResult<usize> {
    let mut changed = 0;
    for step in &request.steps {
        let binds: Vec<BindValue<'_>> = step.binds.iter().map(|b| b.as_bind()).collect();
        let result = driver.run(&step.sql, &binds).await?;
        changed += result.affected_rows();
        if request.rows {
            results.push(result);
        }
    }
    Ok(changed)
}

/// The driver, once what holds it has let it go: at once when idle, after the
/// abandoned request when draining, after the rest of a stream left mid-way (leaked);
/// none when a request still holds it (its future leaked) or it is lost.
async fn take_driver(slot: Slot) -> Option<Box<Driver<Tokio>>> {
    match slot {
        Slot::Idle(driver) => Some(driver),
        Slot::Draining(drain) => drain.await,
        Slot::Streaming(mut driver) => {
            let _ = driver.drain().await;
            Some(driver)
        }
        Slot::Busy | Slot::Lost => None,
    }
}

/// The end of a batch of a stream's rows: the driver, and the rows or the error.
struct Batch {
    driver: Option<Box<Driver<Tokio>>>,
    rows: QueryResult<(Vec<RawResult>, bool)>,
}

/// How many rows a batch of a stream holds.
const STREAM_BATCH: usize = 256;

/// A query of [`AsyncPgConnection`] whose rows are read a batch at a time, in libpq's
/// single-row mode.
#[doc(hidden)]
pub struct Cursor {
    /// The query, until the first batch sends it.
    request: Option<Request>,
    /// The batch being read, holding the driver.
    batch: Option<Pin<Box<dyn Future<Output = Batch> + Send>>>,
    done: bool,
}

impl std::fmt::Debug for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cursor")
            .field("reading", &self.batch.is_some())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// Sends a stream's query and reads its first batch.
async fn first_batch(
    driver: &mut Driver<Tokio>,
    request: Request,
    recover_from: Option<u32>,
) -> QueryResult<(Vec<RawResult>, bool)> {
    recover(driver, recover_from).await?;
    let step = request.into_one()?;
    let binds: Vec<BindValue<'_>> = step.binds.iter().map(|b| b.as_bind()).collect();
    driver.start_rows(&step.sql, &binds).await?;
    let mut rows = Vec::with_capacity(STREAM_BATCH);
    let more = driver.next_rows(STREAM_BATCH, &mut rows).await?;
    Ok((rows, more))
}

impl AsyncPgConnection {
    /// Asks the server, off the runtime's threads, to cancel what it runs for this
    /// connection; the handle ends when the request is delivered.
    fn cancel_in_background(&self) -> Option<tokio::task::JoinHandle<Result<(), String>>> {
        match (&self.cancel, tokio::runtime::Handle::try_current()) {
            (Some(cancel), Ok(runtime)) => {
                let cancel = Arc::clone(cancel);
                Some(runtime.spawn_blocking(move || cancel.cancel()))
            }
            _ => None,
        }
    }
}

/// Rolls back the transaction levels from `level` up, whose futures were dropped.
async fn recover(driver: &mut Driver<Tokio>, level: Option<u32>) -> QueryResult<()> {
    match level {
        Some(level) if level >= 1 && driver.transaction.depth >= level => {
            end_level(&mut AsyncLevels(driver), level - 1, Ending::Rollback).await
        }
        _ => Ok(()),
    }
}

impl Executor for AsyncPgConnection {
    type Backend = Pg;
    type Mode = Async;
    type InFlight = InFlight;
    type Cursor = Cursor;

    fn stream<'c, R: DecodeRow + 'c, Q: QueryFragment<Pg> + ?Sized>(
        &'c mut self,
        query: &Q,
    ) -> RowStream<'c, Self, R> {
        RowStream::new(self, Request::of_query::<Pg, Q>(query))
    }

    fn close_stream(&mut self, cursor: Cursor) {
        if cursor.done {
            return;
        }
        let cancelled = self.cancel_in_background();
        let rest: Drain = match (cursor.batch, std::mem::replace(&mut self.slot, Slot::Busy)) {
            // A batch in flight holds the driver: it ends, then the rest is read.
            (Some(batch), _) => Box::pin(async move {
                let batch = batch.await;
                let mut driver = batch.driver?;
                if matches!(batch.rows, Ok((_, true))) {
                    let _ = driver.drain().await;
                }
                Some(driver)
            }),
            (None, Slot::Streaming(mut driver)) => Box::pin(async move {
                let _ = driver.drain().await;
                Some(driver)
            }),
            // Not started: nothing to end.
            (None, other) => {
                self.slot = other;
                return;
            }
        };
        self.slot = Slot::Draining(Box::pin(async move {
            if let Some(cancelled) = cancelled {
                let _ = cancelled.await;
            }
            rest.await
        }));
    }

    fn run<'c, K, T>(&'c mut self, task: K) -> Pending<'c, Self, K, T>
    where
        K: Task<Pg, Output = T> + 'c,
        T: 'c,
    {
        Pending::new(self, task)
    }

    fn abandon(&mut self, in_flight: InFlight) {
        // Ask the server to stop what it runs (PQcancel blocks: off the runtime's
        // threads), and have the next request first read this one to its end. The
        // drain waits for the cancel to be delivered, so that it cannot reach a later
        // statement.
        let cancelled = self.cancel_in_background();
        self.slot = Slot::Draining(Box::pin(async move {
            if let Some(cancelled) = cancelled {
                let _ = cancelled.await;
            }
            in_flight.0.await.driver
        }));
    }
}

impl crate::instrument::Instrumented for AsyncPgConnection {
    fn instruments(&self) -> &Arc<crate::instrument::Instruments> {
        &self.instruments
    }
}

impl AsyncConnection for AsyncPgConnection {
    type Row<'r> = PgRow<'r>;
    fn establish(url: &str) -> impl Future<Output = QueryResult<Self>> + Send {
        let url = url.to_owned();
        async move { connect(&url).await }
    }

    fn is_idle(&self) -> bool {
        match &self.slot {
            Slot::Idle(driver) => {
                !driver.is_broken()
                    && driver.raw.is_idle()
                    && self.depth == 0
                    && !self.abandoned.any()
            }
            _ => false,
        }
    }

    fn is_broken(&self) -> bool {
        match &self.slot {
            Slot::Idle(driver) | Slot::Streaming(driver) => driver.is_broken(),
            Slot::Lost => true,
            Slot::Busy | Slot::Draining(_) => false,
        }
    }

    fn send(&mut self, work: Work) -> InFlight {
        let prior = std::mem::replace(&mut self.slot, Slot::Busy);
        let recover_from = self.abandoned.take();
        InFlight(Box::pin(async move {
            let driver = take_driver(prior).await;
            let Some(mut driver) = driver else {
                return Outcome {
                    driver: None,
                    result: Err(connection_lost()),
                    results: Vec::new(),
                    pipeline: Vec::new(),
                };
            };
            let mut results = Vec::new();
            let mut pipeline = Vec::new();
            let result = match recover(&mut driver, recover_from).await {
                Ok(()) => perform(&mut driver, work, &mut results, &mut pipeline).await,
                Err(e) => Err(e),
            };
            Outcome {
                driver: Some(driver),
                result,
                results,
                pipeline,
            }
        }))
    }

    fn poll_answer(
        &mut self,
        in_flight: &mut InFlight,
        cx: &mut Context<'_>,
        rows: &mut dyn FnMut(&PgRow<'_>) -> QueryResult<ControlFlow<()>>,
    ) -> Poll<QueryResult<usize>> {
        let outcome = match in_flight.0.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(outcome) => outcome,
        };
        self.slot = match outcome.driver {
            Some(driver) => {
                self.depth = driver.transaction.depth;
                Slot::Idle(driver)
            }
            None => Slot::Lost,
        };
        let changed = match outcome.result {
            Ok(changed) => changed,
            Err(e) => return Poll::Ready(Err(e)),
        };
        for result in &outcome.results {
            if let Err(e) = for_each_row(result, &mut *rows) {
                return Poll::Ready(Err(e));
            }
        }
        Poll::Ready(Ok(changed))
    }

    fn open_stream(&mut self, request: Request) -> Cursor {
        Cursor {
            request: Some(request),
            batch: None,
            done: false,
        }
    }

    fn poll_stream(
        &mut self,
        cursor: &mut Cursor,
        cx: &mut Context<'_>,
        rows: &mut dyn FnMut(&PgRow<'_>) -> QueryResult<()>,
    ) -> Poll<QueryResult<bool>> {
        if cursor.done {
            return Poll::Ready(Ok(false));
        }
        let batch = match &mut cursor.batch {
            Some(batch) => batch,
            None => {
                let prior = std::mem::replace(&mut self.slot, Slot::Busy);
                let next: Pin<Box<dyn Future<Output = Batch> + Send>> = match cursor.request.take()
                {
                    Some(request) => {
                        let recover_from = self.abandoned.take();
                        Box::pin(async move {
                            let Some(mut driver) = take_driver(prior).await else {
                                return Batch {
                                    driver: None,
                                    rows: Err(connection_lost()),
                                };
                            };
                            let rows = first_batch(&mut driver, request, recover_from).await;
                            Batch {
                                driver: Some(driver),
                                rows,
                            }
                        })
                    }
                    None => Box::pin(async move {
                        let Slot::Streaming(mut driver) = prior else {
                            return Batch {
                                driver: take_driver(prior).await,
                                rows: Err(Error::InvalidQuery(
                                    "the stream's query is no longer on the connection".into(),
                                )),
                            };
                        };
                        let mut rows = Vec::with_capacity(STREAM_BATCH);
                        let more = driver.next_rows(STREAM_BATCH, &mut rows).await;
                        Batch {
                            driver: Some(driver),
                            rows: more.map(|more| (rows, more)),
                        }
                    }),
                };
                cursor.batch.insert(next)
            }
        };
        let outcome = match batch.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(outcome) => outcome,
        };
        cursor.batch = None;
        let more = matches!(outcome.rows, Ok((_, true)));
        self.slot = match outcome.driver {
            Some(driver) => {
                self.depth = driver.transaction.depth;
                if more {
                    Slot::Streaming(driver)
                } else {
                    Slot::Idle(driver)
                }
            }
            None => Slot::Lost,
        };
        if !more {
            cursor.done = true;
        }
        let (results, more) = match outcome.rows {
            Ok(rows) => rows,
            Err(e) => return Poll::Ready(Err(e)),
        };
        for result in &results {
            if let Err(e) =
                for_each_row(result, |row| rows(row).map(|()| ControlFlow::Continue(())))
            {
                return Poll::Ready(Err(e));
            }
        }
        Poll::Ready(Ok(more))
    }

    fn abandoned(&self) -> &AbandonedLevels {
        &self.abandoned
    }

    fn transaction_depth(&self) -> u32 {
        self.depth
    }
}

/// Queries to send together, in one round trip: what the closure of
/// [`AsyncPgConnection::pipeline`] receives. Each call queues one statement and returns
/// the handle of its result.
#[derive(Default)]
pub struct Pipeline {
    items: Vec<QueuedItem>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("statements", &self.items.len())
            .finish()
    }
}

/// One queued statement: its request, and how its result becomes the caller's value.
struct QueuedItem {
    request: QueryResult<Request>,
    take: Box<dyn FnOnce(QueryResult<RawResult>) -> Box<dyn Any + Send> + Send>,
}

/// The handle of one statement's result in a [`Pipeline`]: the pipeline's output puts
/// a `QueryResult<T>` in its place.
#[derive(Debug)]
pub struct Queued<T> {
    index: usize,
    _result: PhantomData<fn() -> T>,
}

impl Pipeline {
    fn queue<T: Send + 'static>(
        &mut self,
        request: QueryResult<Request>,
        take: impl FnOnce(QueryResult<RawResult>) -> QueryResult<T> + Send + 'static,
    ) -> Queued<T> {
        self.items.push(QueuedItem {
            request,
            take: Box::new(move |result| Box::new(take(result))),
        });
        Queued {
            index: self.items.len() - 1,
            _result: PhantomData,
        }
    }

    /// Queues a query; its result is every row, as [`load`](crate::conn::RunQueryDsl::load) gives.
    pub fn load<Q>(&mut self, query: Q) -> Queued<Vec<RowOf<Q>>>
    where
        Q: AsQuery,
        Q::Query: QueryFragment<Pg>,
        RowOf<Q>: Send + 'static,
    {
        let request = Request::of_query::<Pg, _>(&query.into_query());
        self.queue(request, |result| {
            let mut rows = Vec::new();
            for_each_row(&result?, |row| {
                rows.push(<<Q::Query as Query>::Row as DecodeRow>::decode(
                    row, &mut 0,
                )?);
                Ok(ControlFlow::Continue(()))
            })?;
            Ok(rows)
        })
    }

    /// Queues a query with `LIMIT 1`; its result is the row, or [`Error::NotFound`].
    pub fn first<Q>(&mut self, query: Q) -> Queued<RowOf<Q>>
    where
        Q: LimitOne,
        <Q::Limited as AsQuery>::Query: QueryFragment<Pg>,
        RowOf<Q>: Send + 'static,
    {
        let request = Request::of_query::<Pg, _>(&query.limit_one().into_query());
        self.queue(request, |result| Self::first_row::<Q>(result))
    }

    /// Queues a query; its result is its first row, or [`Error::NotFound`], as
    /// [`get_result`](crate::conn::RunQueryDsl::get_result) gives (a `count()`, an
    /// aggregate).
    pub fn get_result<Q>(&mut self, query: Q) -> Queued<RowOf<Q>>
    where
        Q: AsQuery,
        Q::Query: QueryFragment<Pg>,
        RowOf<Q>: Send + 'static,
    {
        let request = Request::of_query::<Pg, _>(&query.into_query());
        self.queue(request, |result| Self::first_row::<Q>(result))
    }

    /// The first row of a result, decoded as `Q`'s rows are.
    fn first_row<Q: AsQuery>(result: QueryResult<RawResult>) -> QueryResult<RowOf<Q>> {
        let mut first = None;
        for_each_row(&result?, |row| {
            first = Some(<<Q::Query as Query>::Row as DecodeRow>::decode(
                row, &mut 0,
            )?);
            Ok(ControlFlow::Break(()))
        })?;
        first.ok_or(Error::NotFound)
    }

    /// Queues SQL written by hand; its result is the number of rows it changed.
    pub fn execute(&mut self, query: &SqlQuery) -> Queued<usize> {
        self.queue(Ok(query.to_request(false)), |result| {
            Ok(result?.affected_rows())
        })
    }
}

/// What a pipeline's closure returns: one [`Queued`] handle or a tuple of them. The
/// pipeline gives back the same shape with each handle's `QueryResult`.
pub trait PipelineResults {
    /// The results, in the shape of the handles.
    type Output;
    #[doc(hidden)]
    fn take(self, results: &mut [Option<Box<dyn Any + Send>>]) -> Self::Output;
}

impl<T: 'static> PipelineResults for Queued<T> {
    type Output = QueryResult<T>;

    fn take(self, results: &mut [Option<Box<dyn Any + Send>>]) -> QueryResult<T> {
        let missing = || Error::InvalidQuery("a pipeline's result was taken twice".into());
        let result = results
            .get_mut(self.index)
            .and_then(Option::take)
            .ok_or_else(missing)?;
        match result.downcast::<QueryResult<T>>() {
            Ok(result) => *result,
            Err(_) => Err(missing()),
        }
    }
}

macro_rules! tuple_results {
    ($($name:ident),+) => {
        impl<$($name: PipelineResults),+> PipelineResults for ($($name,)+) {
            type Output = ($($name::Output,)+);

            #[allow(non_snake_case)]
            fn take(self, results: &mut [Option<Box<dyn Any + Send>>]) -> Self::Output {
                let ($($name,)+) = self;
                ($($name.take(results),)+)
            }
        }
    };
}

tuple_results!(A);
tuple_results!(A, B);
tuple_results!(A, B, C);
tuple_results!(A, B, C, D);
tuple_results!(A, B, C, D, E);
tuple_results!(A, B, C, D, E, F);
tuple_results!(A, B, C, D, E, F, G);
tuple_results!(A, B, C, D, E, F, G, H);

/// Hands an abandoned request back to the connection when the future that sent it is
/// dropped.
struct SentGuard<'c> {
    conn: &'c mut AsyncPgConnection,
    in_flight: Option<InFlight>,
}

impl Drop for SentGuard<'_> {
    fn drop(&mut self) {
        if let Some(in_flight) = self.in_flight.take() {
            self.conn.abandon(in_flight);
        }
    }
}

impl AsyncPgConnection {
    /// Sends independent queries together and waits for their results in one round
    /// trip (libpq's pipeline mode), instead of one round trip each. Each statement
    /// runs after a sync point of its own, so one that fails is reported for that one
    /// and the others run; outside a transaction each commits on its own.
    ///
    /// The closure queues the statements and returns their handles, one or a tuple;
    /// the result has the same shape, with each statement's `QueryResult`. The outer
    /// `QueryResult` fails only when the connection does.
    ///
    /// ```no_run
    /// # use quarry::prelude::*;
    /// # quarry::table! { users (id) { id -> Int4, name -> Text, } }
    /// # async fn run(conn: &mut AsyncPgConnection) -> Result<(), quarry::Error> {
    /// let (names, first, changed) = conn
    ///     .pipeline(|p| {
    ///         (
    ///             p.load(users::table.select(users::name)),
    ///             p.first(users::table.order_by(users::id).select(users::id)),
    ///             p.execute(&quarry::sql_query("UPDATE users SET name = name")),
    ///         )
    ///     })
    ///     .await?;
    /// let (names, first, changed) = (names?, first?, changed?);
    /// # let _ = (names, first, changed);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn pipeline<F, O>(&mut self, f: F) -> QueryResult<O::Output>
    where
        F: FnOnce(&mut Pipeline) -> O,
        O: PipelineResults,
    {
        let mut pipeline = Pipeline::default();
        let handles = f(&mut pipeline);
        let mut requests = Vec::with_capacity(pipeline.items.len());
        let mut takes = Vec::with_capacity(pipeline.items.len());
        let mut early = Vec::new();
        for (index, item) in pipeline.items.into_iter().enumerate() {
            match item.request {
                Ok(request) => {
                    requests.push(request);
                    takes.push((index, item.take));
                }
                // A statement that cannot even be written gets its error; the others run.
                Err(e) => early.push((index, (item.take)(Err(e)))),
            }
        }
        let mut results: Vec<Option<Box<dyn Any + Send>>> = std::iter::repeat_with(|| None)
            .take(takes.len() + early.len())
            .collect();
        for (index, result) in early {
            results[index] = Some(result);
        }
        if !requests.is_empty() {
            let in_flight = self.send(Work::Pipeline(requests));
            let mut guard = SentGuard {
                conn: self,
                in_flight: Some(in_flight),
            };
            let outcome = match guard.in_flight.as_mut() {
                Some(in_flight) => in_flight.0.as_mut().await,
                None => return Err(connection_lost()),
            };
            guard.in_flight = None;
            let conn = &mut *guard.conn;
            conn.slot = match outcome.driver {
                Some(driver) => {
                    conn.depth = driver.transaction.depth;
                    Slot::Idle(driver)
                }
                None => Slot::Lost,
            };
            outcome.result?;
            if outcome.pipeline.len() != takes.len() {
                return Err(Error::InvalidQuery(
                    "the pipeline returned another number of results than it sent".into(),
                ));
            }
            for ((index, take), result) in takes.into_iter().zip(outcome.pipeline) {
                results[index] = Some(take(result));
            }
        }
        Ok(handles.take(&mut results))
    }
}
