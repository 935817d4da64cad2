//! PostgreSQL, through the system libpq (`pq-sys`).
//!
//! Parameters and results travel in PostgreSQL's binary format. A statement whose SQL
//! text and parameter types were seen before on this connection runs as a named
//! prepared statement (`PQexecPrepared`); a full cache makes room by deallocating the
//! statement used longest ago. `COPY` is in `copy.rs`.

#[cfg(feature = "tokio")]
mod async_conn;
mod copy;
mod ddl;
mod driver;
mod placeholders;
mod raw;
mod raw_copy;
#[cfg(feature = "tokio")]
mod raw_socket;
mod types;

#[cfg(feature = "tokio")]
pub use async_conn::{AsyncPgConnection, Pipeline, PipelineResults, Queued};
pub use types::PgArrayElements;

use super::{Backend, private};
use crate::conn::block_on;
use crate::conn::{Connection, Row, TransactionState};
use crate::error::{Error, QueryResult};
use crate::query::BindSource;
use crate::types::{BindValue, DecodeError, SqlValue};
use driver::{Blocking, Driver};
use raw::{Oid, RawConnection, RawResult};
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
    const ALTERS_COLUMNS: bool = true;

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

    fn column_type(ty: crate::schema::ColumnType) -> Option<String> {
        ddl::column_type(ty)
    }

    fn numbered_key(ty: crate::schema::ColumnType) -> String {
        ddl::numbered_key(ty)
    }
}

/// A connection to a PostgreSQL server.
///
/// `establish` takes a libpq connection string or URL, such as
/// `postgres://user:password@localhost:5432/dbname`. A connect timeout of 10 seconds
/// applies unless the URL sets `connect_timeout` (or libpq's `PGCONNECT_TIMEOUT`
/// environment variable does).
///
/// `statement_cache=off` among the URL's parameters (or as a `key=value` word) is
/// quarry's own, not libpq's: every statement is then sent unnamed (`PQexecParams`,
/// binary parameters and results as always) instead of being prepared once and kept.
/// That is what PgBouncer before 1.21 in transaction mode needs, where a server
/// connection changes between transactions and named statements do not follow;
/// PgBouncer 1.21 and later with `max_prepared_statements` set keep them.
///
/// Two more limits can be set on an open connection: a statement timeout
/// ([`Connection::set_statement_timeout`], enforced by the server) and
/// a read timeout ([`set_read_timeout`](Self::set_read_timeout), for a server or network
/// that stops answering).
pub struct PgConnection {
    driver: Driver<Blocking>,
    /// When it was opened: a pool's maximum lifetime counts from here.
    opened: std::time::Instant,
}

impl std::fmt::Debug for PgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConnection")
            .field("prepared_statements", &self.driver.prepared)
            .field("transaction_depth", &self.driver.transaction.depth)
            .field("broken", &self.is_broken())
            .finish_non_exhaustive()
    }
}

impl PgConnection {
    /// Whether the connection to the server is lost (a terminated backend, a network
    /// failure). A broken connection answers every query with
    /// [`Error::Connection`]; open a new one.
    pub fn is_broken(&self) -> bool {
        self.driver.is_broken()
    }

    /// Whether the connection can be handed to its next user as it is: not lost, and
    /// no transaction open, neither quarry's nor one begun by hand (libpq's
    /// `PQtransactionStatus`, no round trip): the check a pool makes.
    #[cfg_attr(not(feature = "r2d2"), allow(dead_code))]
    pub(crate) fn is_reusable(&self) -> bool {
        !self.driver.is_broken() && self.driver.transaction.depth == 0 && self.driver.raw.is_idle()
    }

    /// How long ago the connection was opened.
    #[cfg_attr(not(feature = "r2d2"), allow(dead_code))]
    pub(crate) fn age(&self) -> Duration {
        self.opened.elapsed()
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
        self.driver.raw.set_read_timeout(timeout);
    }
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

/// Takes quarry's own option out of a connection URL or `key=value` string, before
/// libpq (which refuses options it does not know) reads the rest: whether statements
/// are cached (`statement_cache=on`, the default, or `off`).
fn quarry_options(url: &str) -> QueryResult<(String, bool)> {
    const KEY: &str = "statement_cache";
    let mut cache = true;
    let mut take = |word: &str| -> QueryResult<bool> {
        let Some(value) = word
            .strip_prefix(KEY)
            .and_then(|rest| rest.strip_prefix('='))
        else {
            return Ok(false);
        };
        cache = match value {
            "on" => true,
            "off" => false,
            other => {
                return Err(Error::Connection(format!(
                    "`{KEY}` in the connection URL must be `on` or `off`, not `{other}`"
                )));
            }
        };
        Ok(true)
    };
    let is_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let rest = if is_url {
        match url.split_once('?') {
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&') {
                    if !take(pair)? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_owned()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => url.to_owned(),
        }
    } else {
        let mut kept = Vec::new();
        for word in url.split_whitespace() {
            if !take(word)? {
                kept.push(word);
            }
        }
        if kept.len() == url.split_whitespace().count() {
            // Nothing taken: the text goes to libpq as it was, spacing and quotes kept.
            url.to_owned()
        } else {
            kept.join(" ")
        }
    };
    Ok((rest, cache))
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

/// A query of [`PgConnection`] whose rows are read a batch at a time, in libpq's
/// single-row mode.
#[doc(hidden)]
#[derive(Debug)]
pub struct PgCursor {
    done: bool,
}

/// How many rows a batch of a stream holds.
const STREAM_BATCH: usize = 256;

impl crate::instrument::Instrumented for PgConnection {
    fn instruments(&self) -> &std::sync::Arc<crate::instrument::Instruments> {
        &self.driver.instruments
    }
}

impl Connection for PgConnection {
    type Backend = Pg;
    type Row<'r> = PgRow<'r>;
    type Cursor = PgCursor;

    fn open_cursor(&mut self, request: crate::conn::Request) -> QueryResult<PgCursor> {
        let step = request.into_one()?;
        let binds: Vec<BindValue<'_>> = step.binds.iter().map(|b| b.as_bind()).collect();
        block_on(self.driver.start_rows(&step.sql, &binds))?;
        Ok(PgCursor { done: false })
    }

    fn cursor_rows<F>(&mut self, cursor: &mut PgCursor, mut f: F) -> QueryResult<bool>
    where
        F: FnMut(&PgRow<'_>) -> QueryResult<()>,
    {
        if cursor.done {
            return Ok(false);
        }
        let mut batch = Vec::with_capacity(STREAM_BATCH);
        let more = block_on(self.driver.next_rows(STREAM_BATCH, &mut batch));
        if !matches!(more, Ok(true)) {
            cursor.done = true;
        }
        let more = more?;
        for result in &batch {
            for_each_row(result, |row| f(row).map(|()| ControlFlow::Continue(())))?;
        }
        Ok(more)
    }

    fn close_cursor(&mut self, cursor: PgCursor) {
        if !cursor.done {
            // The rest of the rows is read and dropped; a failure here means the
            // connection is lost, which the next call reports.
            let _ = block_on(self.driver.drain());
        }
    }

    fn establish(url: &str) -> QueryResult<Self> {
        let (url, cache_statements) = quarry_options(url)?;
        let url = CString::new(url)
            .map_err(|_| Error::Connection("the connection URL contains a NUL byte".into()))?;
        let raw = RawConnection::connect(&connect_options(&url, default_connect_timeout()))?;
        let mut driver = Driver::new(raw, Blocking);
        driver.cache_statements = cache_statements;
        Ok(PgConnection {
            driver,
            opened: std::time::Instant::now(),
        })
    }

    /// PostgreSQL's `statement_timeout`, for this session: the server cancels the
    /// statement. Must be called outside a transaction, whose rollback would undo the
    /// `SET`. The URL can set it too, for every connection:
    /// `?options=-c%20statement_timeout%3D5000` (milliseconds).
    fn set_statement_timeout(&mut self, timeout: Option<Duration>) -> QueryResult<()> {
        let sql = statement_timeout_sql(&self.driver.transaction, timeout)?;
        self.batch_execute(&sql)
    }

    fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        block_on(self.driver.batch_execute(sql))
    }

    fn execute_sql(&mut self, sql: &str, binds: &[BindValue<'_>]) -> QueryResult<usize> {
        block_on(self.driver.run(sql, binds)).map(|res| res.affected_rows())
    }

    fn execute_bound<'a, B: BindSource<'a>>(&mut self, sql: &str, binds: &B) -> QueryResult<usize> {
        // Each value is encoded as it is given; there is no list of values to encode.
        let mut sink = self.driver.param_sink(binds.size_hint());
        binds.give(&mut sink);
        block_on(self.driver.run_with(sql, sink)).map(|res| res.affected_rows())
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[BindValue<'_>], f: F) -> QueryResult<()>
    where
        F: FnMut(&PgRow<'_>) -> QueryResult<ControlFlow<()>>,
    {
        let res = block_on(self.driver.run(sql, binds))?;
        for_each_row(&res, f)
    }

    fn transaction_state(&mut self) -> &mut TransactionState {
        &mut self.driver.transaction
    }

    fn transaction_aborted(&self) -> bool {
        self.driver.raw.in_failed_transaction()
    }
}

/// The `SET` that gives the session a statement timeout; refused inside a transaction,
/// whose rollback would undo it.
fn statement_timeout_sql(
    transaction: &TransactionState,
    timeout: Option<Duration>,
) -> QueryResult<String> {
    if transaction.depth > 0 {
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
    Ok(format!("SET statement_timeout = {millis}"))
}

/// Calls `f` with each row of `res` in turn, until it breaks.
fn for_each_row<F>(res: &RawResult, mut f: F) -> QueryResult<()>
where
    F: FnMut(&PgRow<'_>) -> QueryResult<ControlFlow<()>>,
{
    // Read once per result rather than once per value.
    let types: Vec<Oid> = (0..res.columns()).map(|col| res.column_type(col)).collect();
    for row in 0..res.rows() {
        let row = PgRow {
            res,
            row,
            types: &types,
        };
        if f(&row)?.is_break() {
            break;
        }
    }
    Ok(())
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
    use super::{DEFAULT_CONNECT_TIMEOUT, connect_options, quarry_options};

    #[test]
    fn statement_cache_is_taken_out_of_the_url() {
        let cases = [
            ("postgres://u@h/db", ("postgres://u@h/db", true)),
            (
                "postgres://u@h/db?statement_cache=off",
                ("postgres://u@h/db", false),
            ),
            (
                "postgresql://u@h/db?sslmode=disable&statement_cache=off&application_name=x",
                (
                    "postgresql://u@h/db?sslmode=disable&application_name=x",
                    false,
                ),
            ),
            (
                "postgres://u@h/db?statement_cache=on",
                ("postgres://u@h/db", true),
            ),
            (
                "host=h dbname=db statement_cache=off",
                ("host=h dbname=db", false),
            ),
            ("host=h  dbname='a b'", ("host=h  dbname='a b'", true)),
        ];
        for (url, (rest, cache)) in cases {
            let (got, got_cache) = quarry_options(url).unwrap();
            assert_eq!((got.as_str(), got_cache), (rest, cache), "{url}");
        }
        assert!(quarry_options("postgres://h/db?statement_cache=1").is_err());
    }

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
