//! The PostgreSQL protocol as quarry speaks it, written once for the blocking and the
//! async connection: preparing statements once and running them from the cache,
//! binding parameters, reading results, noting the failure that aborted a transaction.
//!
//! Every round trip waits through an [`Io`]: the blocking connection's returns at once
//! (libpq waits inside its calls), the async connection's waits on the socket. The code
//! is `async` so that the async connection can suspend at those points; the blocking
//! connection runs it with `conn::block_on`, which never finds it waiting.

use super::placeholders;
use super::raw::{Oid, ParamBuffers, ParamSink, Params, RawConnection, RawResult};
use crate::conn::TransactionState;
use crate::error::{Error, QueryResult};
use crate::instrument::{Instruments, rows_of};
use crate::types::BindValue;
use rustc_hash::FxHashMap;
use std::ffi::{CStr, CString};
use std::future::Future;
use std::sync::Arc;

/// How many prepared statements a connection keeps (see the SQLite backend's note).
const STATEMENT_CACHE_CAPACITY: usize = 256;

/// How a connection waits for its socket.
pub(super) trait Io: Send {
    /// Waits until everything sent is on its way to the server.
    fn flushed(&mut self, raw: &mut RawConnection) -> impl Future<Output = QueryResult<()>> + Send;

    /// Waits until the next result of the request in flight can be read without
    /// blocking.
    fn result_ready(
        &mut self,
        raw: &mut RawConnection,
    ) -> impl Future<Output = QueryResult<()>> + Send;

    /// Called once a request has been read to its end (`PQgetResult` gave its last
    /// result): nothing more is to come for it.
    fn request_done(&mut self, raw: &mut RawConnection) -> impl Future<Output = ()> + Send;
}

/// The blocking connection's `Io`: libpq is in blocking mode, so a send returns once
/// it is flushed and `PQgetResult` waits; only a read timeout waits here.
pub(super) struct Blocking;

impl Io for Blocking {
    async fn flushed(&mut self, _raw: &mut RawConnection) -> QueryResult<()> {
        Ok(())
    }

    async fn result_ready(&mut self, raw: &mut RawConnection) -> QueryResult<()> {
        raw.wait_in_blocking_mode()
    }

    async fn request_done(&mut self, _raw: &mut RawConnection) {}
}

/// A connection's state and protocol: the handle, its statement cache, its
/// transactions.
pub(super) struct Driver<I> {
    /// Declared before `raw`, so that it is dropped first: the async `Io` deregisters
    /// the socket before libpq closes it.
    pub(super) io: I,
    pub(super) raw: RawConnection,
    /// Prepared statements by SQL text, then by parameter types.
    statements: FxHashMap<String, Vec<Prepared>>,
    /// How many statements are prepared.
    pub(super) prepared: usize,
    /// The parameter arrays of the last statement, kept so that the next one does not
    /// allocate them again.
    param_buffers: ParamBuffers,
    /// The number in the next statement's name.
    next_name: usize,
    /// How many times a statement was looked up in the cache: the clock by which the
    /// least recently used one is found.
    uses: u64,
    /// Statements dropped from the cache that the server still holds: a failed
    /// transaction refuses `DEALLOCATE`, so they are deallocated as soon as it has ended.
    /// Counted in the cache's capacity until then.
    to_deallocate: Vec<CString>,
    pub(super) transaction: TransactionState,
    /// The hook, threshold and counters that watch the statements (`quarry::instrument`).
    pub(super) instruments: Arc<Instruments>,
    /// Whether statements are prepared once and kept (named); `false` sends every one
    /// as an unnamed statement (`statement_cache=off` in the URL, for PgBouncer before
    /// 1.21 in transaction mode).
    pub(super) cache_statements: bool,
}

/// A statement prepared on the server.
struct Prepared {
    /// The parameter types it was prepared with.
    types: Vec<Oid>,
    name: CString,
    /// When it last ran, in the connection's count of statement runs.
    last_used: u64,
}

impl<I: Io> Driver<I> {
    pub(super) fn new(raw: RawConnection, io: I) -> Self {
        Driver {
            io,
            raw,
            statements: FxHashMap::default(),
            prepared: 0,
            param_buffers: ParamBuffers::default(),
            next_name: 0,
            uses: 0,
            to_deallocate: Vec::new(),
            transaction: TransactionState::default(),
            instruments: Instruments::new("postgresql"),
            cache_statements: true,
        }
    }

    /// Whether the connection to the server is lost.
    pub(super) fn is_broken(&self) -> bool {
        !self.raw.is_ok()
    }

    /// Waits for every result of the request just sent and returns the last one, or
    /// the first error.
    pub(super) async fn finish(&mut self) -> QueryResult<RawResult> {
        self.io.flushed(&mut self.raw).await?;
        let mut last = None;
        loop {
            self.io.result_ready(&mut self.raw).await?;
            match self.raw.get_result() {
                Some(result) => self.raw.take_result(result, &mut last)?,
                None => break,
            }
        }
        self.io.request_done(&mut self.raw).await;
        last.unwrap_or_else(|| Err(self.raw.send_error()))
    }

    /// Runs one or more statements without parameters (the simple protocol).
    pub(super) async fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        let probe = self.instruments.start(sql);
        let result = self.batch_execute_unwatched(sql).await;
        if let Some(probe) = probe {
            self.instruments
                .finish(probe, sql, result.as_ref().map(|()| None));
        }
        result
    }

    async fn batch_execute_unwatched(&mut self, sql: &str) -> QueryResult<()> {
        if self.is_broken() {
            return Err(connection_lost());
        }
        self.raw.send_query(&c_sql(sql)?)?;
        let result = self.finish().await.map(drop);
        self.note_failure(result, sql)
    }

    /// Runs `sql` with `binds` and returns its result.
    pub(super) async fn run(
        &mut self,
        sql: &str,
        binds: &[BindValue<'_>],
    ) -> QueryResult<RawResult> {
        let mut sink = ParamSink::new(std::mem::take(&mut self.param_buffers), binds.len());
        for value in binds {
            sink.push_ref(value)?;
        }
        self.run_with(sql, sink).await
    }

    /// A sink for the parameters of the next statement, in the kept arrays.
    pub(super) fn param_sink<'a>(&mut self, count: usize) -> ParamSink<'a> {
        ParamSink::new(std::mem::take(&mut self.param_buffers), count)
    }

    /// Runs `sql` with the parameters `sink` was given, and keeps their arrays for the
    /// next statement.
    pub(super) async fn run_with(
        &mut self,
        sql: &str,
        sink: ParamSink<'_>,
    ) -> QueryResult<RawResult> {
        let params = sink.finish()?;
        let probe = self.instruments.start(sql);
        let result = self.run_params(sql, &params).await;
        self.param_buffers = params.into_buffers();
        let result = self.note_failure(result, sql);
        if let Some(probe) = probe {
            self.instruments
                .finish(probe, sql, rows_of(&result, reported_rows));
        }
        result
    }

    /// Notes the error of a statement that aborted the open transaction, so that the
    /// transaction, when its closure returns `Ok`, reports why nothing was committed.
    fn note_failure<T>(&mut self, result: QueryResult<T>, sql: &str) -> QueryResult<T> {
        if let Err(e) = &result {
            if self.raw.in_failed_transaction() {
                self.transaction.record_failure(e, sql);
            }
        }
        result
    }

    /// Sends `sql` with `binds` so that its rows come one result each, read with
    /// [`next_rows`](Self::next_rows) (PostgreSQL sends them as it makes them; libpq
    /// keeps only what has not been read).
    pub(super) async fn start_rows(
        &mut self,
        sql: &str,
        binds: &[BindValue<'_>],
    ) -> QueryResult<()> {
        let mut sink = self.param_sink(binds.len());
        for value in binds {
            sink.push_ref(value)?;
        }
        let params = sink.finish()?;
        let probe = self.instruments.start(sql);
        let sent = self.send_params(sql, &params).await;
        self.param_buffers = params.into_buffers();
        if let Some(probe) = probe {
            // A stream's rows are read later: what is seen here is its sending.
            self.instruments
                .finish(probe, sql, sent.as_ref().map(|()| None));
        }
        sent?;
        if let Err(e) = self.raw.set_single_row_mode() {
            // The query is sent all the same: read it to its end before reporting.
            self.drain().await?;
            return Err(e);
        }
        self.io.flushed(&mut self.raw).await
    }

    /// Reads up to `max` rows of the query [`start_rows`](Self::start_rows) sent, each a
    /// result of one row, into `rows`; `false` once its last row has been read (the
    /// request is then complete).
    pub(super) async fn next_rows(
        &mut self,
        max: usize,
        rows: &mut Vec<RawResult>,
    ) -> QueryResult<bool> {
        while rows.len() < max {
            self.io.result_ready(&mut self.raw).await?;
            let Some(result) = self.raw.get_result() else {
                return Ok(false);
            };
            if result.is_single_row() {
                rows.push(result);
                continue;
            }
            // The end of the rows (a result of none), or an error: read the request to
            // its end and report the first error.
            let mut last = None;
            self.raw.take_result(result, &mut last)?;
            self.drain_into(&mut last).await?;
            let outcome = match last {
                Some(Err(e)) => Err(e),
                _ => Ok(false),
            };
            return self.note_failure(outcome, "a streamed query");
        }
        Ok(true)
    }

    /// Reads the request in flight to its end, discarding what it returns.
    pub(super) async fn drain(&mut self) -> QueryResult<()> {
        let mut last = None;
        self.drain_into(&mut last).await
    }

    async fn drain_into(&mut self, last: &mut Option<QueryResult<RawResult>>) -> QueryResult<()> {
        loop {
            self.io.result_ready(&mut self.raw).await?;
            match self.raw.get_result() {
                Some(result) => self.raw.take_result(result, last)?,
                None => return Ok(()),
            }
        }
    }

    /// Runs independent statements in one round trip (libpq's pipeline mode), each
    /// after a sync point of its own, so that one that fails does not affect the others.
    /// Their statements are prepared first (a round trip for each that the cache does
    /// not hold yet). The outcome of each, in order.
    #[cfg(feature = "tokio")]
    pub(super) async fn pipeline(
        &mut self,
        steps: &[(&str, Vec<BindValue<'_>>)],
    ) -> QueryResult<Vec<QueryResult<RawResult>>> {
        if self.is_broken() {
            return Err(connection_lost());
        }
        self.deallocate_pending().await?;
        let mut all = Vec::with_capacity(steps.len());
        for (sql, binds) in steps {
            let mut sink = self.param_sink(binds.len());
            for value in binds {
                sink.push_ref(value)?;
            }
            let params = sink.finish()?;
            let prepared = self.prepare_cached(sql, &params.types).await;
            // The name, not the position: preparing a later statement may move it.
            let name = self.note_failure(prepared, sql).map(|index| {
                index.and_then(|index| {
                    self.statements
                        .get(*sql)
                        .and_then(|s| s.get(index))
                        .map(|statement| statement.name.clone())
                })
            });
            all.push((name, params));
        }
        self.raw.enter_pipeline()?;
        let outcomes = self.run_pipelined(steps, &all).await;
        for (_, params) in all {
            self.param_buffers = params.into_buffers();
        }
        match outcomes {
            Ok(outcomes) => {
                self.raw.exit_pipeline()?;
                Ok(outcomes)
            }
            Err(e) => {
                // Results may be left unread in pipeline mode, where no later request
                // could run as it should: the connection is given up.
                if self.raw.exit_pipeline().is_err() {
                    self.raw.give_up();
                }
                Err(e)
            }
        }
    }

    /// Sends a pipeline's statements, each followed by a sync point, and reads the
    /// outcome of each.
    #[cfg(feature = "tokio")]
    async fn run_pipelined(
        &mut self,
        steps: &[(&str, Vec<BindValue<'_>>)],
        all: &[(QueryResult<Option<CString>>, Params<'_>)],
    ) -> QueryResult<Vec<QueryResult<RawResult>>> {
        let mut sent = Vec::with_capacity(steps.len());
        let mut probes = Vec::with_capacity(steps.len());
        for ((sql, _), (prepared, params)) in steps.iter().zip(all) {
            probes.push(self.instruments.start(sql));
            let outcome = match prepared {
                Ok(Some(name)) => self.raw.send_query_prepared(name, params),
                Ok(None) => c_sql(sql).and_then(|sql| self.raw.send_query_params(&sql, params)),
                Err(e) => Err(e.clone()),
            };
            let queued = outcome.is_ok();
            sent.push(outcome);
            if queued {
                self.raw.pipeline_sync()?;
            }
        }
        self.io.flushed(&mut self.raw).await?;
        let mut outcomes = Vec::with_capacity(steps.len());
        for (step, outcome) in sent.into_iter().enumerate() {
            if let Err(e) = outcome {
                if let Some(probe) = probes[step].take() {
                    self.instruments.finish(probe, steps[step].0, Err(&e));
                }
                outcomes.push(Err(e));
                continue;
            }
            // The statement's results, up to the end of its unit, then its sync point.
            let mut last = None;
            self.drain_into(&mut last).await?;
            loop {
                self.io.result_ready(&mut self.raw).await?;
                match self.raw.get_result() {
                    Some(result) if result.is_pipeline_sync() => break,
                    Some(result) => self.raw.take_result(result, &mut last)?,
                    None => {}
                }
            }
            let outcome = last.unwrap_or_else(|| Err(self.raw.send_error()));
            let outcome = self.note_failure(outcome, steps[step].0);
            if let Some(probe) = probes[step].take() {
                self.instruments
                    .finish(probe, steps[step].0, rows_of(&outcome, reported_rows));
            }
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Sends `sql` with `params` (prepared once, then from the statement cache)
    /// without waiting for its results.
    async fn send_params(&mut self, sql: &str, params: &Params<'_>) -> QueryResult<()> {
        if self.is_broken() {
            return Err(connection_lost());
        }
        self.deallocate_pending().await?;
        let prepared = self.prepare_cached(sql, &params.types).await;
        match self.note_failure(prepared, sql)? {
            Some(index) => {
                let Some(statement) = self.statements.get(sql).and_then(|s| s.get(index)) else {
                    return Err(Error::InvalidQuery("prepared statement not found".into()));
                };
                self.raw.send_query_prepared(&statement.name, params)
            }
            None => self.raw.send_query_params(&c_sql(sql)?, params),
        }
    }

    /// Runs `sql` with `params`, preparing it once and then from the statement cache.
    async fn run_params(&mut self, sql: &str, params: &Params<'_>) -> QueryResult<RawResult> {
        if self.is_broken() {
            return Err(connection_lost());
        }
        self.deallocate_pending().await?;
        let result = match self.prepare_cached(sql, &params.types).await? {
            Some(index) => {
                let result = self.run_prepared(sql, index, params).await;
                match result {
                    // The table changed shape since the statement was prepared. Outside a
                    // transaction, prepare it again and retry once; inside one, the
                    // transaction is aborted and only the caller can start over.
                    Err(Error::Database(e)) if e.sqlstate.as_deref() == Some("0A000") => {
                        self.forget(sql, index).await?;
                        if !self.raw.is_idle() {
                            return Err(Error::Database(e));
                        }
                        let index = self.prepare_cached(sql, &params.types).await?;
                        match index {
                            Some(index) => self.run_prepared(sql, index, params).await,
                            None => self.run_unnamed(sql, params).await,
                        }
                    }
                    other => other,
                }
            }
            None => self.run_unnamed(sql, params).await,
        }?;
        if result.is_empty_query() {
            return Err(Error::InvalidQuery(
                "the SQL text holds no statement".into(),
            ));
        }
        Ok(result)
    }

    async fn run_prepared(
        &mut self,
        sql: &str,
        index: usize,
        params: &Params<'_>,
    ) -> QueryResult<RawResult> {
        let Some(statement) = self.statements.get(sql).and_then(|s| s.get(index)) else {
            return Err(Error::InvalidQuery("prepared statement not found".into()));
        };
        self.raw.send_query_prepared(&statement.name, params)?;
        self.finish().await
    }

    async fn run_unnamed(&mut self, sql: &str, params: &Params<'_>) -> QueryResult<RawResult> {
        self.raw.send_query_params(&c_sql(sql)?, params)?;
        self.finish().await
    }

    /// The position, among the statements prepared for `sql`, of one that takes
    /// parameters of `types`, preparing it if needed; `None` when the cache is full.
    ///
    /// A NULL (type 0) fits a parameter of any type, so rows whose NULLs fall in
    /// different places share one statement once it is prepared with those parameters'
    /// types. A parameter prepared as type 0 has the type the server inferred, unknown
    /// here: it takes only NULLs.
    async fn prepare_cached(&mut self, sql: &str, types: &[Oid]) -> QueryResult<Option<usize>> {
        let mut merged = None;
        self.uses += 1;
        if let Some(known) = self.statements.get_mut(sql) {
            let fits = |prepared: &[Oid]| {
                prepared.len() == types.len()
                    && prepared.iter().zip(types).all(|(p, t)| p == t || *t == 0)
            };
            if let Some(index) = known.iter().position(|s| fits(&s.types)) {
                known[index].last_used = self.uses;
                return Ok(Some(index));
            }
            // A statement prepared for a NULL (type 0, "infer it") where this run has a
            // value, and otherwise the same: it is replaced by one prepared with the
            // types of both, so that runs whose NULLs fall in different places (the
            // chunks of a batch insert) keep sharing one statement, and its plan.
            let refines = |prepared: &[Oid]| {
                prepared.len() == types.len()
                    && prepared
                        .iter()
                        .zip(types)
                        .all(|(p, t)| p == t || *t == 0 || *p == 0)
            };
            if let Some(index) = known.iter().position(|s| refines(&s.types)) {
                let both: Vec<Oid> = known[index]
                    .types
                    .iter()
                    .zip(types)
                    .map(|(p, t)| if *p == 0 { *t } else { *p })
                    .collect();
                merged = Some(both);
                self.forget(sql, index).await?;
            }
        }
        let types = merged.as_deref().unwrap_or(types);
        // PostgreSQL would run a statement given more values than it uses, and refuse
        // one given fewer with a protocol error: check here, once per statement.
        let used = placeholders::highest_placeholder(sql);
        if used > types.len() {
            return Err(Error::InvalidQuery(format!(
                "parameter ${used} has no value: {}",
                crate::error::bind_count_message(used, types.len())
            )));
        }
        if used < types.len() {
            return Err(crate::error::wrong_bind_count(used, types.len()));
        }
        if !self.cache_statements {
            return Ok(None);
        }
        if self.prepared + self.to_deallocate.len() >= STATEMENT_CACHE_CAPACITY {
            self.evict_least_recently_used().await?;
            if self.prepared + self.to_deallocate.len() >= STATEMENT_CACHE_CAPACITY {
                // Inside a transaction the evicted statement still holds its place on
                // the server until the transaction ends.
                return Ok(None);
            }
        }
        let name = CString::new(format!("quarry_{}", self.next_name))
            .map_err(|_| Error::InvalidQuery("statement name".into()))?;
        self.raw.send_prepare(&name, &c_sql(sql)?, types)?;
        self.finish().await?;
        self.next_name += 1;
        self.prepared += 1;
        let known = self.statements.entry(sql.to_owned()).or_default();
        known.push(Prepared {
            types: types.to_vec(),
            name,
            last_used: self.uses,
        });
        Ok(Some(known.len() - 1))
    }

    /// Drops a prepared statement from the cache and from the server.
    async fn forget(&mut self, sql: &str, index: usize) -> QueryResult<()> {
        let Some(known) = self.statements.get_mut(sql) else {
            return Ok(());
        };
        if index >= known.len() {
            return Ok(());
        }
        let statement = known.remove(index);
        if known.is_empty() {
            self.statements.remove(sql);
        }
        self.prepared -= 1;
        self.to_deallocate.push(statement.name);
        self.deallocate_pending().await
    }

    /// Drops the statement that ran longest ago from the cache, to make room for a new
    /// one. A scan of the whole cache, but only when it is full and a statement it does
    /// not hold is prepared, which costs a round trip anyway.
    async fn evict_least_recently_used(&mut self) -> QueryResult<()> {
        let oldest = self
            .statements
            .iter()
            .flat_map(|(sql, known)| {
                known
                    .iter()
                    .enumerate()
                    .map(move |(index, s)| (s.last_used, sql, index))
            })
            .min_by_key(|&(last_used, ..)| last_used)
            .map(|(_, sql, index)| (sql.clone(), index));
        match oldest {
            Some((sql, index)) => self.forget(&sql, index).await,
            None => Ok(()),
        }
    }

    /// Deallocates the statements dropped from the cache once no transaction is open.
    ///
    /// Inside a transaction they wait: a failed transaction refuses `DEALLOCATE`, and in
    /// one that has not failed, a `DEALLOCATE` that fails (a statement the session
    /// already dropped with `DEALLOCATE ALL` or `DISCARD`) would abort the user's work.
    /// Outside one, such a failure only means the statement is already gone.
    async fn deallocate_pending(&mut self) -> QueryResult<()> {
        if self.to_deallocate.is_empty() || !self.raw.is_idle() {
            return Ok(());
        }
        let mut sql = String::new();
        for name in &self.to_deallocate {
            push_deallocate(&mut sql, name);
        }
        self.raw.send_query(&c_sql(&sql)?)?;
        if self.finish().await.is_err() {
            if self.is_broken() {
                return Err(connection_lost());
            }
            // One failed `DEALLOCATE` skips the rest of the script: one at a time, so
            // each statement that still exists goes.
            for index in 0..self.to_deallocate.len() {
                sql.clear();
                push_deallocate(&mut sql, &self.to_deallocate[index]);
                self.raw.send_query(&c_sql(&sql)?)?;
                let _ = self.finish().await;
            }
        }
        self.to_deallocate.clear();
        Ok(())
    }
}

/// The rows a statement returned, or for one that returns none, changed.
fn reported_rows(result: &RawResult) -> u64 {
    let rows = if result.status() == pq_sys::ExecStatusType::PGRES_TUPLES_OK {
        result.rows()
    } else {
        result.affected_rows()
    };
    rows as u64
}

/// What every call on a connection that is known to be lost returns.
pub(super) fn connection_lost() -> Error {
    Error::Connection("the connection to PostgreSQL is lost; establish a new one".into())
}

fn push_deallocate(sql: &mut String, name: &CStr) {
    sql.push_str("DEALLOCATE \"");
    sql.push_str(&name.to_string_lossy());
    sql.push_str("\";");
}

pub(super) fn c_sql(sql: &str) -> QueryResult<CString> {
    CString::new(sql).map_err(|_| Error::InvalidQuery("the SQL text contains a NUL byte".into()))
}
