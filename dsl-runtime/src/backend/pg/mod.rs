//! PostgreSQL, through the system libpq (`pq-sys`).
//!
//! Parameters and results travel in PostgreSQL's binary format. A statement whose SQL
//! text and parameter types were seen before on this connection runs as a named
//! prepared statement (`PQexecPrepared`); other statements, once the cache is full, run
//! as unnamed ones.

mod copy;
mod placeholders;
mod raw;
mod raw_copy;
mod types;

pub use types::PgArrayElements;

use super::{Backend, Dialect, private};
use crate::conn::{Connection, Row};
use crate::error::{Error, QueryResult};
use crate::query::BindSource;
use crate::types::{BindValue, DecodeError, SqlValue};
use raw::{Oid, ParamBuffers, ParamSink, Params, RawConnection, RawResult};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ffi::CString;
use std::ops::ControlFlow;
use types::{oid, type_name};

/// The PostgreSQL backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pg;

impl private::Sealed for Pg {}

impl Backend for Pg {
    const NAME: &'static str = "PostgreSQL";
    const DIALECT: Dialect = Dialect::Postgres;
}

/// How many prepared statements a connection keeps (see the SQLite backend's note).
const STATEMENT_CACHE_CAPACITY: usize = 256;

/// A connection to a PostgreSQL server.
///
/// `establish` takes a libpq connection string or URL, such as
/// `postgres://user:password@localhost:5432/dbname`. A connect timeout of 10 seconds
/// applies unless the URL sets `connect_timeout`.
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
    transaction_depth: u32,
}

impl std::fmt::Debug for PgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConnection")
            .field("prepared_statements", &self.prepared)
            .field("transaction_depth", &self.transaction_depth)
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
        result
    }

    /// Runs `sql` with `params`, preparing it once and then from the statement cache.
    fn run_params(&mut self, sql: &str, params: &Params<'_>) -> QueryResult<RawResult> {
        if self.is_broken() {
            return Err(Error::Connection(
                "the connection to PostgreSQL is lost; establish a new one".into(),
            ));
        }
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
        if let Some(known) = self.statements.get(sql) {
            let fits = |prepared: &[Oid]| {
                prepared.len() == types.len()
                    && prepared.iter().zip(types).all(|(p, t)| p == t || *t == 0)
            };
            if let Some(index) = known.iter().position(|s| fits(&s.types)) {
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
        if self.prepared >= STATEMENT_CACHE_CAPACITY {
            return Ok(None);
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
        // `DEALLOCATE` is not transactional: it runs inside an open transaction too,
        // but not in one that has failed (the statement is then left to the session).
        if !self.raw.in_failed_transaction() {
            let name = statement.name.to_string_lossy();
            self.raw
                .send_query(&c_sql(&format!("DEALLOCATE \"{name}\""))?)?;
            self.raw.finish()?;
        }
        Ok(())
    }
}

/// A statement prepared on the server.
struct Prepared {
    /// The parameter types it was prepared with.
    types: Vec<Oid>,
    name: CString,
}

fn c_sql(sql: &str) -> QueryResult<CString> {
    CString::new(sql).map_err(|_| Error::InvalidQuery("the SQL text contains a NUL byte".into()))
}

impl Connection for PgConnection {
    type Backend = Pg;
    type Row<'r> = PgRow<'r>;

    fn establish(url: &str) -> QueryResult<Self> {
        let mut conninfo = url.to_owned();
        if !url.contains("connect_timeout") {
            // URLs take options as query parameters, key=value strings as words.
            let is_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
            conninfo.push_str(match (is_url, url.contains('?')) {
                (true, true) => "&connect_timeout=10",
                (true, false) => "?connect_timeout=10",
                (false, _) => " connect_timeout=10",
            });
        }
        let raw = RawConnection::connect(&conninfo)?;
        let conn = PgConnection {
            raw,
            statements: FxHashMap::default(),
            prepared: 0,
            param_buffers: ParamBuffers::default(),
            next_name: 0,
            transaction_depth: 0,
        };
        // Text travels as UTF-8 whatever the server's default is.
        conn.raw.send_query(c"SET client_encoding = 'UTF8'")?;
        conn.raw.finish()?;
        Ok(conn)
    }

    fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        if self.is_broken() {
            return Err(Error::Connection(
                "the connection to PostgreSQL is lost; establish a new one".into(),
            ));
        }
        self.raw.send_query(&c_sql(sql)?)?;
        self.raw.finish().map(drop)
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

    fn transaction_depth(&mut self) -> &mut u32 {
        &mut self.transaction_depth
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
            // Narrowing loses precision, as the SQL type says.
            oid::FLOAT8 => Ok(f64::from_be_bytes(self.fixed()?) as f32),
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
