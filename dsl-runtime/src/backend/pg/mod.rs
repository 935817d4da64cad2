//! PostgreSQL, through the system libpq (`pq-sys`).
//!
//! Parameters and results travel in PostgreSQL's binary format. A statement whose SQL
//! text and parameter types were seen before on this connection runs as a named
//! prepared statement (`PQexecPrepared`); a full cache makes room by deallocating the
//! statement used longest ago. `COPY` is in `copy.rs`.

mod copy;
mod placeholders;
mod raw;
mod raw_copy;
mod types;

pub use types::PgArrayElements;

use super::{Backend, private};
use crate::conn::{Connection, Row, TransactionState};
use crate::error::{Error, QueryResult};
use crate::query::BindSource;
use crate::types::{BindValue, DecodeError, SqlValue};
use raw::{Oid, ParamBuffers, ParamSink, Params, RawConnection, RawResult};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::ops::ControlFlow;
use std::time::Duration;
use types::{oid, type_name};

/// The PostgreSQL backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pg;

impl private::Sealed for Pg {}

impl Backend for Pg {
    const NAME: &'static str = "PostgreSQL";
    // The wire protocol counts parameters in 16 bits.
    const BIND_LIMIT: usize = 65_535;
    const OFFSET_WITHOUT_LIMIT: &'static str = "";
    // The backslash is the default, named so that the SQL says what it means, and
    // written `E'\\'` so that it does not depend on `standard_conforming_strings`.
    const LIKE_ESCAPE: &'static str = " ESCAPE E'\\\\'";
    const CURRENT_TIMESTAMP: &'static str = "now()";
    const IN_LIST_AS_ARRAY: bool = true;

    #[inline]
    fn write_placeholder(sql: &mut String, index: usize) {
        sql.push('$');
        sql.push_str(itoa::Buffer::new().format(index));
    }

    fn comparison_cast<ST: crate::types::SqlType>() -> Option<&'static str> {
        None
    }

    fn spelled<S: crate::expr::Spelling>() -> &'static str {
        S::PG
    }

    fn function_name<F: crate::expr::SqlFunction>() -> &'static str {
        F::NAME
    }
}

/// How many prepared statements a connection keeps (see the SQLite backend's note).
const STATEMENT_CACHE_CAPACITY: usize = 256;

/// A connection to a PostgreSQL server.
///
/// `establish` takes a libpq connection string or URL, such as
/// `postgres://user:password@localhost:5432/dbname`. A connect timeout of 10 seconds
/// applies unless the URL sets `connect_timeout` (or libpq's `PGCONNECT_TIMEOUT`
/// environment variable does).
///
/// Two more limits can be set on an open connection: a statement timeout
/// ([`Connection::set_statement_timeout`], enforced by the server) and
/// a read timeout ([`set_read_timeout`](Self::set_read_timeout), for a server or network
/// that stops answering).
pub struct PgConnection {
    raw: RawConnection,
    /// Prepared statements by SQL text, then by parameter types.
    statements: FxHashMap<String, Vec<Prepared>>,
    /// How many statements are prepared.
    prepared: usize,
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
    transaction: TransactionState,
}

impl std::fmt::Debug for PgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConnection")
            .field("prepared_statements", &self.prepared)
            .field("transaction_depth", &self.transaction.depth)
            .field("broken", &self.is_broken())
            .finish_non_exhaustive()
    }
}

impl PgConnection {
    /// Whether the connection to the server is lost (a terminated backend, a network
    /// failure). A broken connection answers every query with
    /// [`Error::Connection`]; open a new one.
    pub fn is_broken(&self) -> bool {
        !self.raw.is_ok()
    }

    /// Sets how long a call waits for the server's answer; `None` (the default) waits as
    /// long as it takes. When it runs out, the call fails with
    /// [`Error::Connection`] and the connection is given up
    /// ([`is_broken`](Self::is_broken)): what the server did with the statement is
    /// unknown, so open a new connection (a pool does this for you).
    ///
    /// This is for a server or network that stops answering; for statements that run too
    /// long, [`Connection::set_statement_timeout`] is the gentler limit,
    /// and the read timeout should be longer than it. It covers waiting for results;
    /// sending relies on TCP (add `tcp_user_timeout` to the URL to bound that too).
    pub fn set_read_timeout(&mut self, timeout: Option<Duration>) {
        self.raw.set_read_timeout(timeout);
    }

    /// Runs `sql` with `binds` and returns its result.
    fn run(&mut self, sql: &str, binds: &[BindValue<'_>]) -> QueryResult<RawResult> {
        let mut sink = ParamSink::new(std::mem::take(&mut self.param_buffers), binds.len());
        for value in binds {
            sink.push_ref(value)?;
        }
        self.run_with(sql, sink)
    }

    /// Runs `sql` with the parameters `sink` was given, and keeps their arrays for the
    /// next statement.
    fn run_with(&mut self, sql: &str, sink: ParamSink<'_>) -> QueryResult<RawResult> {
        let params = sink.finish()?;
        let result = self.run_params(sql, &params);
        self.param_buffers = params.into_buffers();
        self.note_failure(result, sql)
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

    /// Runs `sql` with `params`, preparing it once and then from the statement cache.
    fn run_params(&mut self, sql: &str, params: &Params<'_>) -> QueryResult<RawResult> {
        if self.is_broken() {
            return Err(connection_lost());
        }
        self.deallocate_pending()?;
        let result = match self.prepare_cached(sql, &params.types)? {
            Some(index) => {
                let result = self.run_prepared(sql, index, params);
                match result {
                    // The table changed shape since the statement was prepared. Outside a
                    // transaction, prepare it again and retry once; inside one, the
                    // transaction is aborted and only the caller can start over.
                    Err(Error::Database(e)) if e.sqlstate.as_deref() == Some("0A000") => {
                        self.forget(sql, index)?;
                        if !self.raw.is_idle() {
                            return Err(Error::Database(e));
                        }
                        let index = self.prepare_cached(sql, &params.types)?;
                        match index {
                            Some(index) => self.run_prepared(sql, index, params),
                            None => self.run_unnamed(sql, params),
                        }
                    }
                    other => other,
                }
            }
            None => self.run_unnamed(sql, params),
        }?;
        if result.is_empty_query() {
            return Err(Error::InvalidQuery(
                "the SQL text holds no statement".into(),
            ));
        }
        Ok(result)
    }

    fn run_prepared(&self, sql: &str, index: usize, params: &Params<'_>) -> QueryResult<RawResult> {
        let Some(statement) = self.statements.get(sql).and_then(|s| s.get(index)) else {
            return Err(Error::InvalidQuery("prepared statement not found".into()));
        };
        self.raw.send_query_prepared(&statement.name, params)?;
        self.raw.finish()
    }

    fn run_unnamed(&self, sql: &str, params: &Params<'_>) -> QueryResult<RawResult> {
        self.raw.send_query_params(&c_sql(sql)?, params)?;
        self.raw.finish()
    }

    /// The position, among the statements prepared for `sql`, of one that takes
    /// parameters of `types`, preparing it if needed; `None` when the cache is full.
    ///
    /// A NULL (type 0) fits a parameter of any type, so rows whose NULLs fall in
    /// different places share one statement once it is prepared with those parameters'
    /// types. A parameter prepared as type 0 has the type the server inferred, unknown
    /// here: it takes only NULLs.
    fn prepare_cached(&mut self, sql: &str, types: &[Oid]) -> QueryResult<Option<usize>> {
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
                self.forget(sql, index)?;
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
        if self.prepared + self.to_deallocate.len() >= STATEMENT_CACHE_CAPACITY {
            self.evict_least_recently_used()?;
            if self.prepared + self.to_deallocate.len() >= STATEMENT_CACHE_CAPACITY {
                // Inside a transaction the evicted statement still holds its place on
                // the server until the transaction ends.
                return Ok(None);
            }
        }
        let name = CString::new(format!("quarry_{}", self.next_name))
            .map_err(|_| Error::InvalidQuery("statement name".into()))?;
        self.raw.send_prepare(&name, &c_sql(sql)?, types)?;
        self.raw.finish()?;
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
    fn forget(&mut self, sql: &str, index: usize) -> QueryResult<()> {
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
        self.deallocate_pending()
    }

    /// Drops the statement that ran longest ago from the cache, to make room for a new
    /// one. A scan of the whole cache, but only when it is full and a statement it does
    /// not hold is prepared, which costs a round trip anyway.
    fn evict_least_recently_used(&mut self) -> QueryResult<()> {
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
            Some((sql, index)) => self.forget(&sql, index),
            None => Ok(()),
        }
    }

    /// Deallocates the statements dropped from the cache once no transaction is open.
    ///
    /// Inside a transaction they wait: a failed transaction refuses `DEALLOCATE`, and in
    /// one that has not failed, a `DEALLOCATE` that fails (a statement the session
    /// already dropped with `DEALLOCATE ALL` or `DISCARD`) would abort the user's work.
    /// Outside one, such a failure only means the statement is already gone.
    fn deallocate_pending(&mut self) -> QueryResult<()> {
        if self.to_deallocate.is_empty() || !self.raw.is_idle() {
            return Ok(());
        }
        let mut sql = String::new();
        for name in &self.to_deallocate {
            push_deallocate(&mut sql, name);
        }
        self.raw.send_query(&c_sql(&sql)?)?;
        if self.raw.finish().is_err() {
            if self.is_broken() {
                return Err(connection_lost());
            }
            // One failed `DEALLOCATE` skips the rest of the script: one at a time, so
            // each statement that still exists goes.
            for name in &self.to_deallocate {
                sql.clear();
                push_deallocate(&mut sql, name);
                self.raw.send_query(&c_sql(&sql)?)?;
                let _ = self.raw.finish();
            }
        }
        self.to_deallocate.clear();
        Ok(())
    }
}

/// What every call on a connection that is known to be lost returns.
fn connection_lost() -> Error {
    Error::Connection("the connection to PostgreSQL is lost; establish a new one".into())
}

fn push_deallocate(sql: &mut String, name: &CStr) {
    sql.push_str("DEALLOCATE \"");
    sql.push_str(&name.to_string_lossy());
    sql.push_str("\";");
}

/// Seconds that `establish` waits for a server when neither the URL nor
/// `PGCONNECT_TIMEOUT` says how long.
const DEFAULT_CONNECT_TIMEOUT: &CStr = c"10";

/// The default connect timeout, unless libpq's environment sets one (which libpq reads
/// only for options that are not given).
fn default_connect_timeout() -> Option<&'static CStr> {
    std::env::var_os("PGCONNECT_TIMEOUT")
        .is_none()
        .then_some(DEFAULT_CONNECT_TIMEOUT)
}

/// The options `establish` connects with: the default connect timeout first, then the
/// URL or `key=value` string as `dbname`, which libpq expands in its place, so that a
/// `connect_timeout` it holds overrides the default; last the client encoding, which
/// quarry needs whatever the URL says (text travels as UTF-8). Nothing is added to the
/// user's text, so no quoting or escaping in it can change what an added option means.
fn connect_options<'a>(
    url: &'a CStr,
    connect_timeout: Option<&'a CStr>,
) -> Vec<(&'a CStr, &'a CStr)> {
    let mut options = Vec::with_capacity(3);
    if let Some(timeout) = connect_timeout {
        options.push((c"connect_timeout", timeout));
    }
    options.push((c"dbname", url));
    options.push((c"client_encoding", c"UTF8"));
    options
}

/// A statement prepared on the server.
struct Prepared {
    /// The parameter types it was prepared with.
    types: Vec<Oid>,
    name: CString,
    /// When it last ran, in the connection's count of statement runs.
    last_used: u64,
}

fn c_sql(sql: &str) -> QueryResult<CString> {
    CString::new(sql).map_err(|_| Error::InvalidQuery("the SQL text contains a NUL byte".into()))
}

impl Connection for PgConnection {
    type Backend = Pg;
    type Row<'r> = PgRow<'r>;

    fn establish(url: &str) -> QueryResult<Self> {
        let url = CString::new(url)
            .map_err(|_| Error::Connection("the connection URL contains a NUL byte".into()))?;
        let raw = RawConnection::connect(&connect_options(&url, default_connect_timeout()))?;
        Ok(PgConnection {
            raw,
            statements: FxHashMap::default(),
            prepared: 0,
            param_buffers: ParamBuffers::default(),
            next_name: 0,
            uses: 0,
            to_deallocate: Vec::new(),
            transaction: TransactionState::default(),
        })
    }

    /// PostgreSQL's `statement_timeout`, for this session: the server cancels the
    /// statement. Must be called outside a transaction, whose rollback would undo the
    /// `SET`. The URL can set it too, for every connection:
    /// `?options=-c%20statement_timeout%3D5000` (milliseconds).
    fn set_statement_timeout(&mut self, timeout: Option<Duration>) -> QueryResult<()> {
        if self.transaction.depth > 0 {
            return Err(Error::InvalidQuery(
                "set_statement_timeout must be called outside a transaction, whose \
                 rollback would undo it"
                    .into(),
            ));
        }
        // 0 is PostgreSQL's "no limit"; a limit rounds up to whole milliseconds, and at
        // least one, so that a tiny limit does not lift it.
        let millis = timeout.map_or(0, |t| {
            t.as_micros().div_ceil(1000).clamp(1, i32::MAX as u128)
        });
        self.batch_execute(&format!("SET statement_timeout = {millis}"))
    }

    fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        if self.is_broken() {
            return Err(connection_lost());
        }
        self.raw.send_query(&c_sql(sql)?)?;
        let result = self.raw.finish().map(drop);
        self.note_failure(result, sql)
    }

    fn execute_sql(&mut self, sql: &str, binds: &[BindValue<'_>]) -> QueryResult<usize> {
        self.run(sql, binds).map(|res| res.affected_rows())
    }

    fn execute_bound<'a, B: BindSource<'a>>(&mut self, sql: &str, binds: &B) -> QueryResult<usize> {
        // Each value is encoded as it is given; there is no list of values to encode.
        let mut sink = ParamSink::new(std::mem::take(&mut self.param_buffers), binds.size_hint());
        binds.give(&mut sink);
        self.run_with(sql, sink).map(|res| res.affected_rows())
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[BindValue<'_>], mut f: F) -> QueryResult<()>
    where
        F: FnMut(&PgRow<'_>) -> QueryResult<ControlFlow<()>>,
    {
        let res = self.run(sql, binds)?;
        // Read once per result rather than once per value.
        let types: Vec<Oid> = (0..res.columns()).map(|col| res.column_type(col)).collect();
        for row in 0..res.rows() {
            let row = PgRow {
                res: &res,
                row,
                types: &types,
            };
            if f(&row)?.is_break() {
                break;
            }
        }
        Ok(())
    }

    fn transaction_state(&mut self) -> &mut TransactionState {
        &mut self.transaction
    }

    fn transaction_aborted(&self) -> bool {
        self.raw.in_failed_transaction()
    }
}

/// One row of a PostgreSQL result.
pub struct PgRow<'r> {
    res: &'r RawResult,
    row: usize,
    /// The type of each column.
    types: &'r [Oid],
}

impl Row for PgRow<'_> {
    type Value<'v>
        = PgValue<'v>
    where
        Self: 'v;

    fn len(&self) -> usize {
        self.types.len()
    }

    #[inline]
    fn value(&self, idx: usize) -> Option<PgValue<'_>> {
        let oid = *self.types.get(idx)?;
        Some(PgValue {
            bytes: self.res.value(self.row, idx),
            oid,
        })
    }

    fn column_name(&self, idx: usize) -> Option<&str> {
        self.res.column_name(idx)
    }
}

/// One value of a PostgreSQL row, in binary format.
#[derive(Clone, Copy)]
pub struct PgValue<'a> {
    bytes: Option<&'a [u8]>,
    oid: Oid,
}

impl<'a> PgValue<'a> {
    fn bytes(&self) -> Result<&'a [u8], DecodeError> {
        self.bytes.ok_or(DecodeError::UnexpectedNull)
    }

    fn wrong_type(&self) -> DecodeError {
        DecodeError::WrongType {
            found: type_name(self.oid),
        }
    }

    fn fixed<const N: usize>(&self) -> Result<[u8; N], DecodeError> {
        self.bytes()?
            .try_into()
            .map_err(|_| DecodeError::Invalid(format!("malformed {} value", type_name(self.oid))))
    }

    /// Any integer column, widened to i64; also a `numeric` that holds an integer (what
    /// `SUM` of an `int8` column returns).
    fn integer(&self) -> Result<i64, DecodeError> {
        match self.oid {
            oid::INT8 => Ok(i64::from_be_bytes(self.fixed()?)),
            oid::INT4 => Ok(i64::from(i32::from_be_bytes(self.fixed()?))),
            oid::INT2 => Ok(i64::from(i16::from_be_bytes(self.fixed()?))),
            oid::NUMERIC => types::numeric_i64(self.bytes()?),
            _ => Err(self.wrong_type_or_null()),
        }
    }

    /// [`DecodeError::UnexpectedNull`] for NULL, [`DecodeError::WrongType`] otherwise.
    fn wrong_type_or_null(&self) -> DecodeError {
        match self.bytes {
            None => DecodeError::UnexpectedNull,
            Some(_) => self.wrong_type(),
        }
    }

    /// The bytes of a value of type `expected`, or the error for another type.
    fn bytes_of(&self, expected: Oid) -> Result<&'a [u8], DecodeError> {
        if self.oid == expected {
            self.bytes()
        } else {
            Err(self.wrong_type_or_null())
        }
    }

    fn narrow<T: TryFrom<i64>>(&self) -> Result<T, DecodeError> {
        let v = self.integer()?;
        T::try_from(v).map_err(|_| DecodeError::OutOfRange {
            value: v.to_string(),
        })
    }
}

impl<'a> SqlValue<'a> for PgValue<'a> {
    type Elements = PgArrayElements<'a>;

    #[inline]
    fn is_null(&self) -> bool {
        self.bytes.is_none()
    }

    fn read_bool(&self) -> Result<bool, DecodeError> {
        match self.oid {
            oid::BOOL => Ok(self.fixed::<1>()?[0] != 0),
            _ => {
                self.bytes()?;
                Err(self.wrong_type())
            }
        }
    }

    fn read_i16(&self) -> Result<i16, DecodeError> {
        self.narrow()
    }

    #[inline]
    fn read_i32(&self) -> Result<i32, DecodeError> {
        match self.oid {
            oid::INT4 => Ok(i32::from_be_bytes(self.fixed()?)),
            _ => self.narrow(),
        }
    }

    #[inline]
    fn read_i64(&self) -> Result<i64, DecodeError> {
        self.integer()
    }

    fn read_f32(&self) -> Result<f32, DecodeError> {
        match self.oid {
            oid::FLOAT4 => Ok(f32::from_be_bytes(self.fixed()?)),
            oid::FLOAT8 => crate::types::narrow_to_f32(f64::from_be_bytes(self.fixed()?)),
            _ => {
                self.bytes()?;
                Err(self.wrong_type())
            }
        }
    }

    fn read_f64(&self) -> Result<f64, DecodeError> {
        match self.oid {
            oid::FLOAT8 => Ok(f64::from_be_bytes(self.fixed()?)),
            oid::FLOAT4 => Ok(f64::from(f32::from_be_bytes(self.fixed()?))),
            // What `AVG` and `SUM` return: the nearest float, as `numeric::float8` gives.
            oid::NUMERIC => {
                let text = types::numeric_text(self.bytes()?)?;
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(v),
                    _ => Err(DecodeError::OutOfRange { value: text }),
                }
            }
            _ => {
                self.bytes()?;
                Err(self.wrong_type())
            }
        }
    }

    #[inline]
    fn read_text(&self) -> Result<&'a str, DecodeError> {
        match self.oid {
            oid if types::is_text(oid) => {
                std::str::from_utf8(self.bytes()?).map_err(|_| DecodeError::InvalidUtf8)
            }
            _ => {
                self.bytes()?;
                Err(self.wrong_type())
            }
        }
    }

    fn read_blob(&self) -> Result<&'a [u8], DecodeError> {
        match self.oid {
            oid::BYTEA => self.bytes(),
            _ => {
                self.bytes()?;
                Err(self.wrong_type())
            }
        }
    }

    fn read_timestamp_micros(&self) -> Result<i64, DecodeError> {
        types::timestamp(self.bytes_of(oid::TIMESTAMP)?, "timestamp")
    }

    fn read_timestamptz_micros(&self) -> Result<i64, DecodeError> {
        types::timestamp(self.bytes_of(oid::TIMESTAMPTZ)?, "timestamptz")
    }

    fn read_date_days(&self) -> Result<i32, DecodeError> {
        types::date(self.bytes_of(oid::DATE)?)
    }

    fn read_time_micros(&self) -> Result<i64, DecodeError> {
        types::time(self.bytes_of(oid::TIME)?)
    }

    fn read_uuid(&self) -> Result<[u8; 16], DecodeError> {
        self.bytes_of(oid::UUID)?;
        self.fixed()
    }

    fn read_numeric(&self) -> Result<Cow<'a, str>, DecodeError> {
        match self.oid {
            oid::NUMERIC => types::numeric_text(self.bytes()?).map(Cow::Owned),
            // Integers are exact decimals too (`SUM` of an int4 column is an int8).
            oid::INT2 | oid::INT4 | oid::INT8 => Ok(Cow::Owned(self.integer()?.to_string())),
            _ => Err(self.wrong_type_or_null()),
        }
    }

    fn read_json(&self) -> Result<Cow<'a, str>, DecodeError> {
        let text = match self.oid {
            oid::JSON => self.bytes()?,
            oid::JSONB => types::jsonb(self.bytes()?)?,
            _ => return Err(self.wrong_type_or_null()),
        };
        std::str::from_utf8(text)
            .map(Cow::Borrowed)
            .map_err(|_| DecodeError::InvalidUtf8)
    }

    fn read_array(&self) -> Result<PgArrayElements<'a>, DecodeError> {
        if types::may_be_array(self.oid) {
            types::array(self.bytes()?)
        } else {
            Err(self.wrong_type_or_null())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_CONNECT_TIMEOUT, connect_options};

    #[test]
    fn the_url_comes_after_the_default_timeout_and_is_passed_whole() {
        // Neither the text `connect_timeout` in another option's value nor a trailing
        // backslash changes the options: the URL is one value, expanded by libpq.
        for url in [
            c"postgres://u@h/db?application_name=connect_timeout_test",
            c"host=h application_name=x\\",
            c"host=h connect_timeout=3",
        ] {
            let options = connect_options(url, Some(DEFAULT_CONNECT_TIMEOUT));
            assert_eq!(
                options,
                [
                    (c"connect_timeout", DEFAULT_CONNECT_TIMEOUT),
                    (c"dbname", url),
                    (c"client_encoding", c"UTF8"),
                ]
            );
        }
        let url = c"host=h";
        assert_eq!(
            connect_options(url, None),
            [(c"dbname", url), (c"client_encoding", c"UTF8")]
        );
    }
}
