//! SQLite, embedded through `libsqlite3-sys` (the bundled SQLite by default).
//!
//! Values are stored with SQLite's storage classes: `Bool` and the integer types as
//! INTEGER, `Float4`/`Float8` as REAL, `Text` as TEXT and `Binary` as BLOB. Loading
//! checks the storage class, so a TEXT value in an INTEGER column is an
//! [`Error::Decode`](crate::Error::Decode), never a silent conversion.
//!
//! The other SQL types are stored as SQLite users and SQLite's own functions expect:
//!
//! | SQL type | stored as | also read from |
//! |---|---|---|
//! | `Timestamp` | TEXT `YYYY-MM-DD HH:MM:SS[.ffffff]` | `T` for the space, fewer fraction digits, a `Z`/`±HH:MM` zone (converted to UTC), INTEGER Unix seconds |
//! | `Timestamptz` | TEXT in UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00` | as `Timestamp`; no zone means UTC |
//! | `Date` | TEXT `YYYY-MM-DD` | |
//! | `Time` | TEXT `HH:MM:SS[.ffffff]` | `HH:MM`, fewer fraction digits |
//! | `Uuid` | 16-byte BLOB | TEXT, hyphenated or 32 hex digits |
//! | `Numeric` | TEXT, the exact decimal (declare the column `TEXT`) | INTEGER, REAL |
//! | `Json`, `Jsonb` | TEXT | INTEGER, REAL |
//!
//! `Array` does not exist on SQLite: a query using one does not compile.

#[cfg(feature = "tokio")]
mod async_conn;
mod ddl;
mod raw;
mod types;

#[cfg(feature = "tokio")]
pub use async_conn::{AsyncSqliteConnection, AsyncSqliteRow};

use super::{Backend, private};
use crate::conn::{Connection, Request, Row, StatementKey, TransactionState};
use crate::error::QueryResult;
use crate::instrument::{Instrumented, Instruments, Probe, rows_of};
use crate::query::BindSource;
use crate::types::{BindValue, DecodeError, SqlValue};
use raw::{RawConnection, RawStatement, RawValue, Step, Storage};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ops::ControlFlow;
use std::sync::Arc;

/// The SQLite backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

impl private::Sealed for Sqlite {}

impl Backend for Sqlite {
    const NAME: &'static str = "SQLite";
    // SQLITE_MAX_VARIABLE_NUMBER is 32766 since SQLite 3.32.
    const BIND_LIMIT: usize = 32_766;
    // -1: no limit.
    const OFFSET_WITHOUT_LIMIT: &'static str = " LIMIT -1";
    // SQLite has no escape character unless one is named.
    const LIKE_ESCAPE: &'static str = " ESCAPE '\\'";
    const CURRENT_TIMESTAMP: &'static str = "CURRENT_TIMESTAMP";
    const IN_LIST_AS_ARRAY: bool = false;
    const ALTERS_COLUMNS: bool = false;

    #[inline]
    fn write_placeholder(sql: &mut String, _index: usize) {
        sql.push('?');
    }

    fn comparison_cast<ST: crate::types::SqlType>() -> Option<&'static str> {
        ST::SQLITE_COMPARE_AS
    }

    fn spelled<S: crate::expr::Spelling>() -> &'static str {
        S::SQLITE
    }

    fn function_name<F: crate::expr::SqlFunction>() -> &'static str {
        F::SQLITE_NAME
    }
    fn column_type(ty: crate::schema::ColumnType) -> Option<String> {
        ddl::column_type(ty)
    }

    fn numbered_key(ty: crate::schema::ColumnType) -> String {
        ddl::numbered_key(ty)
    }
}

/// How many prepared statements a connection keeps; past it, the least recently used
/// one makes room.
///
/// Statements are cached by their SQL text; queries whose text varies with their values
/// (an `IN` list of varying length) would otherwise fill the cache without end.
const STATEMENT_CACHE_CAPACITY: usize = 256;

/// A connection to a SQLite database.
///
/// ```
/// use quarry::prelude::*;
///
/// let mut conn = SqliteConnection::establish(":memory:")?;
/// conn.batch_execute("CREATE TABLE t (x INTEGER NOT NULL)")?;
/// # Ok::<(), quarry::Error>(())
/// ```
pub struct SqliteConnection {
    // Declared before `raw` so that statements are finalized before the database closes.
    statements: FxHashMap<String, Cached>,
    /// Prepared statements of typed queries, by their type and shape, with their SQL;
    /// they share the cache's capacity with the others.
    typed: FxHashMap<StatementKey, (Cached, String)>,
    /// How many statements ran: the clock by which the least recently used one is found.
    uses: u64,
    raw: RawConnection,
    transaction: TransactionState,
    /// The hook, threshold and counters that watch the statements (`quarry::instrument`).
    instruments: Arc<Instruments>,
    /// When it was opened: a pool's maximum lifetime counts from here.
    opened: std::time::Instant,
}

impl std::fmt::Debug for SqliteConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteConnection")
            .field("cached_statements", &self.statements.len())
            .field("transaction_depth", &self.transaction.depth)
            .finish_non_exhaustive()
    }
}

impl SqliteConnection {
    /// Runs `f` with the prepared statement for `sql`, bound to `binds`, and resets it
    /// afterwards, on every path.
    fn with_statement<T>(
        &mut self,
        sql: &str,
        bind: impl FnOnce(&RawStatement) -> QueryResult<()>,
        f: impl FnOnce(&RawStatement, &RawConnection) -> QueryResult<T>,
    ) -> QueryResult<T> {
        self.check_transaction()?;
        self.raw.start_statement();
        self.uses += 1;
        let result = if let Some(cached) = self.statements.get_mut(sql) {
            cached.last_used = self.uses;
            run_bound(&cached.stmt, &self.raw, bind, f)
        } else {
            self.make_room();
            self.raw.prepare(sql, true).and_then(|stmt| {
                let cached = self.statements.entry(sql.to_owned()).or_insert(Cached {
                    stmt,
                    last_used: self.uses,
                });
                run_bound(&cached.stmt, &self.raw, bind, f)
            })
        };
        self.note_failure(result, sql)
    }

    /// The prepared statement of the typed query `key` names, prepared from what
    /// `render` gives if the cache does not hold it yet, with the connection to step it
    /// on. Not generic, so that each query type compiles only the few lines that run
    /// the statement.
    fn keyed_statement(
        &mut self,
        key: StatementKey,
        render: &dyn Fn() -> String,
    ) -> QueryResult<(&RawStatement, &RawConnection)> {
        self.check_transaction()?;
        if !self.typed.contains_key(&key) {
            self.prepare_keyed(key, render)?;
        }
        self.raw.start_statement();
        self.uses += 1;
        let Some((cached, sql)) = self.typed.get_mut(&key) else {
            return Err(crate::Error::InvalidQuery(
                "a statement prepared for the cache is missing from it".into(),
            ));
        };
        cached.last_used = self.uses;
        #[cfg(debug_assertions)]
        check_keyed_sql(sql, render);
        #[cfg(not(debug_assertions))]
        let _ = sql;
        Ok((&cached.stmt, &self.raw))
    }

    /// Prepares the statement of the typed query `key` names and keeps it.
    fn prepare_keyed(&mut self, key: StatementKey, render: &dyn Fn() -> String) -> QueryResult<()> {
        let sql = render();
        self.make_room();
        let stmt = self.raw.prepare(&sql, true);
        let stmt = self.note_failure(stmt, &sql)?;
        let cached = Cached {
            stmt,
            last_used: self.uses,
        };
        self.typed.insert(key, (cached, sql));
        Ok(())
    }

    /// Notes the error of a typed query as [`note_failure`](Self::note_failure) does.
    fn note_keyed_failure(&mut self, error: crate::Error, key: &StatementKey) -> crate::Error {
        if !self.transaction_ended_by_sqlite() {
            return error;
        }
        if let Some((_, sql)) = self.typed.get(key) {
            self.transaction.record_failure(&error, sql);
        }
        error
    }

    /// Drops the statement that ran longest ago when the cache is full, to make room
    /// for a new one: a scan of the cache, but only when a statement it does not hold
    /// is prepared, which costs far more.
    fn make_room(&mut self) {
        if self.statements.len() + self.typed.len() < STATEMENT_CACHE_CAPACITY {
            return;
        }
        let oldest_text = self
            .statements
            .iter()
            .min_by_key(|(_, cached)| cached.last_used)
            .map(|(sql, cached)| (cached.last_used, sql.clone()));
        let oldest_typed = self
            .typed
            .iter()
            .min_by_key(|(_, (cached, _))| cached.last_used)
            .map(|(key, (cached, _))| (cached.last_used, *key));
        match (oldest_text, oldest_typed) {
            (Some((text_used, sql)), Some((typed_used, _))) if text_used <= typed_used => {
                self.statements.remove(&sql);
            }
            (_, Some((_, key))) => {
                self.typed.remove(&key);
            }
            (Some((_, sql)), None) => {
                self.statements.remove(&sql);
            }
            (None, None) => {}
        }
    }

    /// Whether the connection can be handed to its next user as it is: no transaction
    /// open, neither quarry's nor one begun by hand (`BEGIN` in `batch_execute`).
    /// Answered without calling into the database's engine beyond a flag read: the
    /// check a pool makes.
    #[cfg_attr(not(feature = "r2d2"), allow(dead_code))]
    pub(crate) fn is_reusable(&self) -> bool {
        self.transaction.depth == 0 && self.raw.is_autocommit()
    }

    /// How long ago the connection was opened.
    #[cfg_attr(not(feature = "r2d2"), allow(dead_code))]
    pub(crate) fn age(&self) -> std::time::Duration {
        self.opened.elapsed()
    }

    /// Whether SQLite has rolled back the transaction that quarry has open, as it does
    /// itself for `OR ROLLBACK`, a full disk and a few other errors.
    fn transaction_ended_by_sqlite(&self) -> bool {
        self.transaction.depth > 0 && self.raw.is_autocommit()
    }

    /// Refuses to run a statement after SQLite ended the open transaction: outside any
    /// transaction, it would commit on its own, before the transaction's closure has
    /// even returned.
    fn check_transaction(&self) -> QueryResult<()> {
        if self.transaction_ended_by_sqlite() {
            return Err(self.transaction.rolled_back(false));
        }
        Ok(())
    }

    /// Notes the error of a statement after which SQLite rolled back the open
    /// transaction, so that what comes next in the transaction reports it.
    fn note_failure<T>(&mut self, result: QueryResult<T>, sql: &str) -> QueryResult<T> {
        if let Err(e) = &result {
            if self.transaction_ended_by_sqlite() {
                self.transaction.record_failure(e, sql);
            }
        }
        result
    }
}

/// A node whose SQL depends on its values must report it (`SqlWriter::shape`), or two
/// queries of one type would share a statement: debug builds, and so the tests, check
/// every run of a typed query against its freshly rendered SQL.
#[cfg(debug_assertions)]
fn check_keyed_sql(cached: &str, render: &dyn Fn() -> String) {
    assert_eq!(
        cached,
        render(),
        "a query's SQL differs from the SQL cached for its type and shape"
    );
}

/// A prepared statement in the cache.
struct Cached {
    stmt: RawStatement,
    /// When it last ran, in the connection's count of statement runs.
    last_used: u64,
}

/// Binds the statement's parameters with `bind`, runs `f`, and resets the statement on
/// the way out: what `bind` binds must live until this returns.
#[inline(always)]
fn run_bound<T>(
    stmt: &RawStatement,
    raw: &RawConnection,
    bind: impl FnOnce(&RawStatement) -> QueryResult<()>,
    f: impl FnOnce(&RawStatement, &RawConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    // Resetting on drop also covers a panic inside `f` (a panicking callback), so the
    // statement never stays mid-step, reading bound values that are gone.
    let guard = ResetOnDrop(stmt);
    bind(guard.0)?;
    f(guard.0, raw)
}

/// Steps a statement that changes rows to its end, and returns how many it changed.
fn run_to_end(stmt: &RawStatement, raw: &RawConnection) -> QueryResult<usize> {
    let before = raw.total_changes();
    while let Step::Row = stmt.step(raw)? {}
    // `changes` keeps the count of the last statement that changed rows; report it
    // only if this one did.
    Ok(if raw.total_changes() == before {
        0
    } else {
        raw.changes()
    })
}

/// Steps a query to its end, or until `f` breaks, calling `f` with each row; the number
/// of rows read.
fn rows_into<F>(mut f: F) -> impl FnOnce(&RawStatement, &RawConnection) -> QueryResult<u64>
where
    F: FnMut(&SqliteRow<'_>) -> QueryResult<ControlFlow<()>>,
{
    move |stmt, raw| {
        let mut rows = 0;
        while let Step::Row = stmt.step(raw)? {
            rows += 1;
            // Counted after the step: SQLite re-prepares a statement whose table changed
            // shape during the first step, and the count may change with it.
            let row = SqliteRow {
                stmt,
                len: stmt.column_count(),
            };
            if f(&row)?.is_break() {
                break;
            }
        }
        Ok(rows)
    }
}

struct ResetOnDrop<'s>(&'s RawStatement);

impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.reset();
    }
}

/// A query of [`SqliteConnection`] whose rows are read a batch at a time: its prepared
/// statement stays in the cache, bound to the values this holds, between batches.
#[doc(hidden)]
#[derive(Debug)]
pub struct SqliteCursor {
    sql: String,
    /// The values the statement is bound to (without copies: it points into them), kept
    /// until the statement is reset.
    binds: Vec<crate::types::OwnedValue>,
    done: bool,
}

/// How many rows a batch of a stream holds.
const STREAM_BATCH: usize = 256;

impl SqliteConnection {
    /// The statement of a cursor, which stays in the cache while the cursor is open.
    fn cursor_statement(&self, cursor: &SqliteCursor) -> QueryResult<&RawStatement> {
        self.statements
            .get(&cursor.sql)
            .map(|cached| &cached.stmt)
            .ok_or_else(|| {
                crate::Error::InvalidQuery("the statement of an open stream left the cache".into())
            })
    }
}

impl Instrumented for SqliteConnection {
    fn instruments(&self) -> &Arc<Instruments> {
        &self.instruments
    }
}

impl SqliteConnection {
    /// Starts watching the typed query `key` names, when something watches the
    /// connection.
    #[inline]
    fn watch_keyed(&self, key: &StatementKey, render: &dyn Fn() -> String) -> Option<Probe> {
        if !self.instruments.watching() {
            return None;
        }
        self.watch_keyed_slowly(key, render)
    }

    #[cold]
    #[inline(never)]
    fn watch_keyed_slowly(&self, key: &StatementKey, render: &dyn Fn() -> String) -> Option<Probe> {
        match self.typed.get(key) {
            Some((_, sql)) => self.instruments.start(sql),
            None => self.instruments.start(&render()),
        }
    }

    /// Reports the end of the typed query [`watch_keyed`](Self::watch_keyed) watched.
    #[cold]
    #[inline(never)]
    fn finish_keyed(
        &self,
        probe: Probe,
        key: &StatementKey,
        render: &dyn Fn() -> String,
        result: &QueryResult<u64>,
    ) {
        let outcome = rows_of(result, |&n| n);
        match self.typed.get(key) {
            Some((_, sql)) => self.instruments.finish(probe, sql, outcome),
            // Its preparation failed.
            None => self.instruments.finish(probe, &render(), outcome),
        }
    }

    /// Runs a statement that changes rows, watched when something watches.
    fn execute_watched(
        &mut self,
        sql: &str,
        bind: impl FnOnce(&RawStatement) -> QueryResult<()>,
    ) -> QueryResult<usize> {
        let Some(probe) = self.instruments.start(sql) else {
            return self.with_statement(sql, bind, run_to_end);
        };
        let result = self.with_statement(sql, bind, run_to_end);
        self.instruments
            .finish(probe, sql, rows_of(&result, |&n| n as u64));
        result
    }
}

impl Connection for SqliteConnection {
    type Backend = Sqlite;
    type Row<'r> = SqliteRow<'r>;
    type Cursor = SqliteCursor;

    fn open_cursor(&mut self, request: Request) -> QueryResult<SqliteCursor> {
        let step = request.into_one()?;
        if let Some(probe) = self.instruments.start(&step.sql) {
            // A stream's rows are read later: what is seen here is its start.
            self.instruments.finish(probe, &step.sql, Ok(None));
        }
        self.check_transaction()?;
        self.raw.start_statement();
        self.uses += 1;
        if !self.statements.contains_key(&step.sql) {
            self.make_room();
            let stmt = self.raw.prepare(&step.sql, true);
            let stmt = self.note_failure(stmt, &step.sql)?;
            self.statements.insert(
                step.sql.clone(),
                Cached {
                    stmt,
                    last_used: self.uses,
                },
            );
        }
        let cursor = SqliteCursor {
            sql: step.sql,
            binds: step.binds,
            done: false,
        };
        let views: Vec<BindValue<'_>> = cursor.binds.iter().map(|b| b.as_bind()).collect();
        let stmt = self.cursor_statement(&cursor)?;
        // The statement points into `cursor.binds` (their heap buffers, which do not
        // move with the cursor) until `cursor_rows` or `close_cursor` resets it.
        if let Err(e) = stmt.bind_all(&views) {
            stmt.reset();
            return Err(e);
        }
        Ok(cursor)
    }

    fn cursor_rows<F>(&mut self, cursor: &mut SqliteCursor, mut f: F) -> QueryResult<bool>
    where
        F: FnMut(&SqliteRow<'_>) -> QueryResult<()>,
    {
        if cursor.done {
            return Ok(false);
        }
        let stmt = self.cursor_statement(cursor)?;
        let mut outcome = Ok(true);
        for _ in 0..STREAM_BATCH {
            match stmt.step(&self.raw) {
                Ok(Step::Row) => {
                    let row = SqliteRow {
                        stmt,
                        len: stmt.column_count(),
                    };
                    if let Err(e) = f(&row) {
                        outcome = Err(e);
                        break;
                    }
                }
                Ok(Step::Done) => {
                    outcome = Ok(false);
                    break;
                }
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        if !matches!(outcome, Ok(true)) {
            stmt.reset();
            cursor.done = true;
        }
        let sql = std::mem::take(&mut cursor.sql);
        let outcome = self.note_failure(outcome, &sql);
        cursor.sql = sql;
        outcome
    }

    fn close_cursor(&mut self, cursor: SqliteCursor) {
        if !cursor.done {
            if let Ok(stmt) = self.cursor_statement(&cursor) {
                stmt.reset();
            }
        }
        // Only now, with the statement reset, may the values it pointed into go.
        drop(cursor);
    }

    /// Opens `url`: a file path, `:memory:` for a private in-memory database, or a
    /// `file:` URI. A `sqlite://` prefix is accepted and removed.
    fn establish(url: &str) -> QueryResult<Self> {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        let raw = RawConnection::open(path)?;
        // Foreign keys are off by default in SQLite; users of a typed schema expect
        // them enforced.
        raw.exec("PRAGMA foreign_keys = ON")?;
        Ok(SqliteConnection {
            statements: FxHashMap::default(),
            typed: FxHashMap::default(),
            uses: 0,
            raw,
            transaction: TransactionState::default(),
            instruments: Instruments::new("sqlite"),
            opened: std::time::Instant::now(),
        })
    }

    /// SQLite interrupts a statement that runs out of time. The time counts while
    /// SQLite works on the statement, rows handed to the caller included; for
    /// `batch_execute`, the limit applies to the whole script. Waiting for another
    /// connection's lock is bounded separately (5 seconds, then
    /// [`DatabaseErrorKind::Busy`](crate::DatabaseErrorKind::Busy)).
    fn set_statement_timeout(&mut self, timeout: Option<std::time::Duration>) -> QueryResult<()> {
        self.raw.set_statement_timeout(timeout);
        Ok(())
    }

    fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        let probe = self.instruments.start(sql);
        let result = self.check_transaction().and_then(|()| {
            self.raw.start_statement();
            let result = self.raw.exec(sql);
            self.note_failure(result, sql)
        });
        if let Some(probe) = probe {
            self.instruments
                .finish(probe, sql, result.as_ref().map(|()| None));
        }
        result
    }

    fn execute_sql(&mut self, sql: &str, binds: &[BindValue<'_>]) -> QueryResult<usize> {
        self.execute_watched(sql, |stmt| stmt.bind_all(binds))
    }

    fn execute_bound<'a, B: BindSource<'a>>(&mut self, sql: &str, binds: &B) -> QueryResult<usize> {
        // What the values borrow lives for `'a`, beyond this call and so beyond the
        // statement's steps.
        self.execute_watched(sql, |stmt| stmt.bind_from(binds))
    }

    const CACHES_BY_TYPE: bool = true;

    #[inline]
    fn query_keyed<F>(
        &mut self,
        key: StatementKey,
        render: &dyn Fn() -> String,
        binds: &[BindValue<'_>],
        f: F,
    ) -> QueryResult<()>
    where
        F: FnMut(&SqliteRow<'_>) -> QueryResult<ControlFlow<()>>,
    {
        let watched = self.watch_keyed(&key, render);
        let result = match self.keyed_statement(key, render) {
            Ok((stmt, raw)) => {
                match run_bound(stmt, raw, |stmt| stmt.bind_all(binds), rows_into(f)) {
                    Err(error) => Err(self.note_keyed_failure(error, &key)),
                    ok => ok,
                }
            }
            Err(e) => Err(e),
        };
        if let Some(probe) = watched {
            self.finish_keyed(probe, &key, render, &result);
        }
        result.map(drop)
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[BindValue<'_>], f: F) -> QueryResult<()>
    where
        F: FnMut(&SqliteRow<'_>) -> QueryResult<ControlFlow<()>>,
    {
        let probe = self.instruments.start(sql);
        let result = self.with_statement(sql, |stmt| stmt.bind_all(binds), rows_into(f));
        if let Some(probe) = probe {
            self.instruments
                .finish(probe, sql, rows_of(&result, |&n| n));
        }
        result.map(drop)
    }

    fn transaction_state(&mut self) -> &mut TransactionState {
        &mut self.transaction
    }

    fn transaction_aborted(&self) -> bool {
        self.transaction_ended_by_sqlite()
    }
}

/// The current row of a SQLite query.
pub struct SqliteRow<'s> {
    stmt: &'s RawStatement,
    len: usize,
}

impl Row for SqliteRow<'_> {
    type Value<'v>
        = SqliteValue<'v>
    where
        Self: 'v;

    fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn value(&self, idx: usize) -> Option<SqliteValue<'_>> {
        (idx < self.len).then(|| SqliteValue(InRow(self.stmt.value(idx)), std::marker::PhantomData))
    }

    fn column_name(&self, idx: usize) -> Option<&str> {
        self.stmt.column_name(idx)
    }
}

/// One value of a SQLite row.
#[derive(Clone, Copy)]
pub struct SqliteValue<'s, V = InRow<'s>>(V, std::marker::PhantomData<&'s ()>);

/// What a [`SqliteValue`] reads: a value in the current row of a statement
/// (`RawValue`), or one copied out of a row (the async connection's rows, read on
/// another thread than the statement's). The decoding is written once over it, and
/// compiled for each, so the blocking connection's values pay for no choice between
/// the two.
trait CellView<'s>: Copy {
    /// The value's storage class.
    fn storage(&self) -> Storage;
    /// The value as an integer; only asked of integers.
    fn int64(&self) -> i64;
    /// The value as a double; only asked of reals.
    fn double(&self) -> f64;
    /// The bytes of a text or blob.
    fn bytes(&self, as_text: bool) -> &'s [u8];
}

/// A value in the current row of a statement.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct InRow<'s>(RawValue<'s>);

impl<'s> CellView<'s> for InRow<'s> {
    #[inline]
    fn storage(&self) -> Storage {
        self.0.storage()
    }
    #[inline]
    fn int64(&self) -> i64 {
        self.0.int64()
    }
    #[inline]
    fn double(&self) -> f64 {
        self.0.double()
    }
    #[inline]
    fn bytes(&self, as_text: bool) -> &'s [u8] {
        self.0.bytes(as_text)
    }
}

/// A value copied out of a row, as SQLite stored it.
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
#[derive(Debug, Clone)]
pub(super) enum OwnedCell {
    Null,
    Integer(i64),
    Real(f64),
    /// Text as SQLite holds it, not yet checked to be UTF-8.
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

/// A value copied out of a row, as a [`SqliteValue`] reads it.
#[doc(hidden)]
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
pub struct Copied<'s>(&'s OwnedCell);

impl<'s> CellView<'s> for Copied<'s> {
    fn storage(&self) -> Storage {
        match self.0 {
            OwnedCell::Null => Storage::Null,
            OwnedCell::Integer(_) => Storage::Integer,
            OwnedCell::Real(_) => Storage::Real,
            OwnedCell::Text(_) => Storage::Text,
            OwnedCell::Blob(_) => Storage::Blob,
        }
    }
    fn int64(&self) -> i64 {
        match self.0 {
            OwnedCell::Integer(v) => *v,
            _ => 0,
        }
    }
    fn double(&self) -> f64 {
        match self.0 {
            OwnedCell::Real(v) => *v,
            _ => 0.0,
        }
    }
    fn bytes(&self, _as_text: bool) -> &'s [u8] {
        match self.0 {
            OwnedCell::Text(v) | OwnedCell::Blob(v) => v,
            _ => &[],
        }
    }
}

#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
impl SqliteValue<'_> {
    /// The value, copied out of its row.
    fn to_owned_cell(self) -> OwnedCell {
        OwnedCell::copy_of(&self.0.0)
    }
}

#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
impl OwnedCell {
    fn copy_of(value: &RawValue<'_>) -> Self {
        match value.storage() {
            Storage::Null => OwnedCell::Null,
            Storage::Integer => OwnedCell::Integer(value.int64()),
            Storage::Real => OwnedCell::Real(value.double()),
            Storage::Text => OwnedCell::Text(value.bytes(true).to_vec()),
            Storage::Blob => OwnedCell::Blob(value.bytes(false).to_vec()),
        }
    }
}

/// Describes a value of the wrong storage class, for [`DecodeError::WrongType`].
fn wrong_type<'s, V: CellView<'s>>(value: &V) -> DecodeError {
    let found = match value.storage() {
        Storage::Integer => format!("integer {}", value.int64()),
        Storage::Real => format!("real {}", value.double()),
        Storage::Text => {
            let text = String::from_utf8_lossy(value.bytes(true));
            let shown: String = text.chars().take(40).collect();
            format!("text {shown:?}")
        }
        Storage::Blob => format!("blob of {} bytes", value.bytes(false).len()),
        Storage::Null => return DecodeError::UnexpectedNull,
    };
    DecodeError::WrongType { found }
}

#[allow(private_bounds)] // private methods over the crate's own two kinds of value
impl<'s, V: CellView<'s>> SqliteValue<'s, V> {
    fn integer(&self) -> Result<i64, DecodeError> {
        match self.0.storage() {
            Storage::Integer => Ok(self.0.int64()),
            _ => Err(wrong_type(&self.0)),
        }
    }

    fn narrow<T: TryFrom<i64>>(&self) -> Result<T, DecodeError> {
        let v = self.integer()?;
        T::try_from(v).map_err(|_| DecodeError::OutOfRange {
            value: v.to_string(),
        })
    }

    #[inline]
    fn text(&self) -> Result<&'s str, DecodeError> {
        match self.0.storage() {
            Storage::Text => {
                std::str::from_utf8(self.0.bytes(true)).map_err(|_| DecodeError::InvalidUtf8)
            }
            _ => Err(wrong_type(&self.0)),
        }
    }

    fn real(&self) -> Result<f64, DecodeError> {
        match self.0.storage() {
            Storage::Real => Ok(self.0.double()),
            // SQLite stores a REAL value with no fractional part as an integer when
            // the column has no REAL affinity; accept it as the number it is.
            Storage::Integer => Ok(self.0.int64() as f64),
            _ => Err(wrong_type(&self.0)),
        }
    }
}

// The bound is the crate's own: users never name the parameter, whose two types are
// the only ones that implement it.
#[allow(private_bounds)]
impl<'s, V: CellView<'s>> SqlValue<'s> for SqliteValue<'s, V> {
    type Elements = std::iter::Empty<Result<SqliteValue<'s, V>, DecodeError>>;

    #[inline]
    fn is_null(&self) -> bool {
        self.0.storage() == Storage::Null
    }

    fn read_bool(&self) -> Result<bool, DecodeError> {
        match self.integer()? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(DecodeError::OutOfRange {
                value: v.to_string(),
            }),
        }
    }

    fn read_i16(&self) -> Result<i16, DecodeError> {
        self.narrow()
    }

    #[inline]
    fn read_i32(&self) -> Result<i32, DecodeError> {
        self.narrow()
    }

    #[inline]
    fn read_i64(&self) -> Result<i64, DecodeError> {
        self.integer()
    }

    fn read_f32(&self) -> Result<f32, DecodeError> {
        // SQLite stores every REAL as a double.
        self.real().and_then(crate::types::narrow_to_f32)
    }

    fn read_f64(&self) -> Result<f64, DecodeError> {
        self.real()
    }

    #[inline]
    fn read_text(&self) -> Result<&'s str, DecodeError> {
        self.text()
    }

    fn read_blob(&self) -> Result<&'s [u8], DecodeError> {
        match self.0.storage() {
            Storage::Blob => Ok(self.0.bytes(false)),
            _ => Err(wrong_type(&self.0)),
        }
    }

    fn read_timestamp_micros(&self) -> Result<i64, DecodeError> {
        self.timestamp()
    }

    fn read_timestamptz_micros(&self) -> Result<i64, DecodeError> {
        self.timestamp()
    }

    fn read_date_days(&self) -> Result<i32, DecodeError> {
        self.date()
    }

    fn read_time_micros(&self) -> Result<i64, DecodeError> {
        self.time()
    }

    fn read_uuid(&self) -> Result<[u8; 16], DecodeError> {
        self.uuid()
    }

    fn read_numeric(&self) -> Result<Cow<'s, str>, DecodeError> {
        self.numeric()
    }

    fn read_json(&self) -> Result<Cow<'s, str>, DecodeError> {
        self.json()
    }

    fn read_array(&self) -> Result<Self::Elements, DecodeError> {
        // Unreachable through the query builder (arrays do not compile on SQLite);
        // `sql_query` can still ask.
        Err(wrong_type(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::SqlQueryDsl;

    #[test]
    fn a_cached_statement_with_a_bound_limit_is_not_prepared_again() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute(
            "CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);",
        )
        .unwrap();
        let sql = "SELECT x FROM t WHERE x >= $1 ORDER BY x LIMIT $2";
        for (from, limit) in [(1, 1), (2, 1), (1, 2), (1, 2)] {
            let rows: Vec<i32> = crate::sql_query(sql)
                .bind(from)
                .bind(limit)
                .load(&mut conn)
                .unwrap();
            assert_eq!(rows, (from..from + limit).collect::<Vec<_>>());
        }
        assert_eq!(conn.statements[sql].stmt.times_reprepared(), 0);
    }

    #[test]
    fn a_full_cache_makes_room_by_dropping_the_least_recently_used_statement() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let run = |conn: &mut SqliteConnection, i: usize| {
            let n: i64 = crate::sql_query(format!("SELECT {i}"))
                .get_result(conn)
                .unwrap();
            assert_eq!(n, i as i64);
        };
        for i in 0..STATEMENT_CACHE_CAPACITY {
            run(&mut conn, i);
        }
        // Statement 0 is used again, so statement 1 is now the least recently used.
        run(&mut conn, 0);
        run(&mut conn, STATEMENT_CACHE_CAPACITY);
        assert_eq!(conn.statements.len(), STATEMENT_CACHE_CAPACITY);
        assert!(conn.statements.contains_key("SELECT 0"));
        assert!(!conn.statements.contains_key("SELECT 1"));
        assert!(
            conn.statements
                .contains_key(&format!("SELECT {STATEMENT_CACHE_CAPACITY}"))
        );
    }

    crate::table! {
        items (id) {
            id -> Int4,
            name -> Text,
        }
    }

    #[test]
    fn typed_queries_are_found_by_their_type_and_shape() {
        use crate::prelude::*;
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');",
        )
        .unwrap();
        let named = |conn: &mut SqliteConnection, name: &str| {
            items::table
                .filter(items::name.eq(name))
                .select(items::id)
                .load(conn)
                .unwrap()
        };
        assert_eq!(named(&mut conn, "a"), [1]);
        assert_eq!(named(&mut conn, "c"), [3]);
        // One statement for both values, found by type: no SQL text was cached.
        assert_eq!((conn.typed.len(), conn.statements.len()), (1, 0));

        // Values that change the SQL make statements of their own.
        let ids = |conn: &mut SqliteConnection, list: Vec<i32>, limit: Option<i64>| {
            let query = items::table
                .filter(items::id.eq_any(list))
                .select(items::id)
                .order_by(items::id);
            match limit {
                Some(n) => query.limit(n).load(conn),
                None => query.limit(i64::MAX).offset(0).load(conn),
            }
            .unwrap()
        };
        assert_eq!(ids(&mut conn, vec![1, 2], Some(1)), [1]);
        assert_eq!(ids(&mut conn, vec![1, 2, 3], Some(5)), [1, 2, 3]);
        assert_eq!(ids(&mut conn, vec![2, 3], None), [2, 3]);
        assert_eq!(ids(&mut conn, vec![3, 2], Some(1)), [2]);
        // Lists of two and three values, and LIMIT with and without OFFSET.
        assert_eq!(conn.typed.len(), 1 + 3);
    }
}
