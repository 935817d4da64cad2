//! The SQLite C API, behind owned handles. All of quarry's unsafe SQLite code is here.
#![allow(unsafe_code)] // FFI

use super::types::{Stored, store};
use crate::error::{DatabaseError, DatabaseErrorKind, Error, QueryResult};
use crate::query::{BindSink, BindSource};
use crate::types::BindValue;
use libsqlite3_sys as ffi;
use std::borrow::Cow;
use std::cell::Cell;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::ptr::NonNull;
use std::time::{Duration, Instant};

/// An open `sqlite3*` database handle, closed on drop.
pub(super) struct RawConnection {
    db: NonNull<ffi::sqlite3>,
    /// How long one statement may run; `None`: no limit.
    statement_timeout: Option<Duration>,
    /// When the running statement must stop, read by [`past_deadline`] while SQLite
    /// runs it. Boxed, so that its address, given to SQLite, stays put when the
    /// connection moves; declared after `db`, so it outlives the handle.
    deadline: Box<Cell<Option<Instant>>>,
    /// The handle as other threads may interrupt it, once one asked
    /// ([`interrupter`](Self::interrupter)); emptied before the handle closes.
    interrupter: Option<Interrupter>,
}

// SAFETY: the handle is opened with SQLITE_OPEN_NOMUTEX (SQLite's multi-thread mode),
// in which a connection may be used from any thread as long as no two threads use it
// at once; `&mut` access through the owning connection guarantees that. The deadline
// cell is read only by the progress handler, on the thread running a statement.
unsafe impl Send for RawConnection {}

/// Interrupts what a database handle is running, from any thread
/// (`sqlite3_interrupt`, which SQLite allows from another thread than the one running
/// the statement, as long as the handle stays open: the lock ensures it).
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
#[derive(Clone)]
pub(super) struct Interrupter(std::sync::Arc<std::sync::Mutex<Option<DbHandle>>>);

/// A database handle for [`Interrupter`].
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
struct DbHandle(NonNull<ffi::sqlite3>);

// SAFETY: only `sqlite3_interrupt` is called through it, which is safe from any thread
// while the handle is open; the owning connection empties the interrupter under its
// lock before closing the handle.
unsafe impl Send for DbHandle {}

#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
impl Interrupter {
    /// Stops the statement the handle is running, if any; later statements run as usual.
    pub(super) fn interrupt(&self) {
        let Ok(handle) = self.0.lock() else {
            return;
        };
        if let Some(db) = handle.as_ref() {
            // SAFETY: the handle is open while it is in the interrupter (the connection
            // takes it out, under this lock, before it closes the handle).
            unsafe { ffi::sqlite3_interrupt(db.0.as_ptr()) };
        }
    }
}

/// SQLite's progress handler: a non-zero answer interrupts the running statement.
extern "C" fn past_deadline(deadline: *mut c_void) -> c_int {
    // SAFETY: the argument is the `deadline` cell of the connection that installed this
    // handler; the box lives as long as the handle and is only read here, on the thread
    // that is running a statement on that handle.
    let deadline = unsafe { &*deadline.cast::<Cell<Option<Instant>>>() };
    c_int::from(deadline.get().is_some_and(|d| Instant::now() >= d))
}

/// How many SQLite virtual machine instructions run between two looks at the clock.
const PROGRESS_STEPS: c_int = 1000;

impl RawConnection {
    pub(super) fn open(path: &str) -> QueryResult<Self> {
        let c_path = CString::new(path)
            .map_err(|_| Error::Connection("the database path contains a NUL byte".into()))?;
        let flags = ffi::SQLITE_OPEN_READWRITE
            | ffi::SQLITE_OPEN_CREATE
            | ffi::SQLITE_OPEN_URI
            | ffi::SQLITE_OPEN_NOMUTEX;
        let mut db = std::ptr::null_mut();
        // SAFETY: `c_path` is a valid NUL-terminated string for the duration of the call,
        // `db` is a valid out-pointer, and a null VFS name selects the default VFS.
        let rc = unsafe { ffi::sqlite3_open_v2(c_path.as_ptr(), &mut db, flags, std::ptr::null()) };
        let Some(db) = NonNull::new(db) else {
            return Err(Error::Connection(
                "SQLite could not allocate a database handle".into(),
            ));
        };
        // Wrap first so the handle is closed on every path below.
        let conn = RawConnection {
            db,
            statement_timeout: None,
            deadline: Box::new(Cell::new(None)),
            interrupter: None,
        };
        if rc != ffi::SQLITE_OK {
            return Err(Error::Connection(format!(
                "cannot open SQLite database `{path}`: {}",
                conn.errmsg()
            )));
        }
        // SAFETY: `db` is an open handle owned by `conn`. SQLITE_DBCONFIG_ENABLE_QPSG
        // takes an `int` (1: on) and an `int*` for the resulting setting, which may be
        // NULL; the variadic arguments are passed as exactly those C types.
        unsafe {
            ffi::sqlite3_extended_result_codes(conn.db.as_ptr(), 1);
            ffi::sqlite3_busy_timeout(conn.db.as_ptr(), 5_000);
            // The query planner stability guarantee: a prepared statement keeps its plan
            // whatever values are bound. Without it, SQLite (3.47 and later) reads a
            // bound LIMIT while planning and re-prepares the statement each time that
            // parameter is bound again, so every cached `first()` or `limit(n)` query
            // was parsed and planned anew on every run.
            ffi::sqlite3_db_config(
                conn.db.as_ptr(),
                ffi::SQLITE_DBCONFIG_ENABLE_QPSG,
                1 as std::ffi::c_int,
                std::ptr::null_mut::<std::ffi::c_int>(),
            );
        }
        Ok(conn)
    }

    /// Sets how long one statement may run before SQLite interrupts it.
    pub(super) fn set_statement_timeout(&mut self, timeout: Option<Duration>) {
        self.statement_timeout = timeout;
        self.deadline.set(None);
        let arg: *mut c_void = std::ptr::from_ref::<Cell<Option<Instant>>>(&self.deadline)
            .cast_mut()
            .cast();
        // SAFETY: the handle is open; `past_deadline` only reads the cell `arg` points
        // to, which lives in a box as long as the handle (the handler is removed with
        // the handle when it closes). A step count of 0 removes the handler.
        unsafe {
            match timeout {
                Some(_) => ffi::sqlite3_progress_handler(
                    self.db.as_ptr(),
                    PROGRESS_STEPS,
                    Some(past_deadline),
                    arg,
                ),
                None => ffi::sqlite3_progress_handler(self.db.as_ptr(), 0, None, arg),
            }
        }
    }

    /// Starts the statement timeout's clock for a statement about to run.
    #[inline]
    pub(super) fn start_statement(&self) {
        if let Some(timeout) = self.statement_timeout {
            self.deadline.set(Some(Instant::now() + timeout));
        }
    }

    fn errmsg(&self) -> String {
        // SAFETY: the handle is open; sqlite3_errmsg returns a NUL-terminated string
        // owned by SQLite, valid until the next call on this handle, and we copy it now.
        unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.db.as_ptr())) }
            .to_string_lossy()
            .into_owned()
    }

    fn extended_errcode(&self) -> c_int {
        // SAFETY: the handle is open.
        unsafe { ffi::sqlite3_extended_errcode(self.db.as_ptr()) }
    }

    /// The last error on this handle, classified.
    pub(super) fn last_error(&self) -> Error {
        self.error(self.extended_errcode(), self.errmsg())
    }

    /// The error for `code`, saying so when the statement timeout interrupted it.
    fn error(&self, code: c_int, message: String) -> Error {
        match self.statement_timeout {
            Some(timeout) if code == ffi::SQLITE_INTERRUPT => database_error(
                code,
                format!(
                    "{message}: the statement ran longer than the statement timeout of {timeout:?}"
                ),
            ),
            _ => database_error(code, message),
        }
    }

    pub(super) fn exec(&self, sql: &str) -> QueryResult<()> {
        let c_sql = CString::new(sql)
            .map_err(|_| Error::InvalidQuery("the SQL text contains a NUL byte".into()))?;
        let mut errmsg: *mut c_char = std::ptr::null_mut();
        // SAFETY: the handle is open, `c_sql` is NUL-terminated and lives through the
        // call, no callback is given, and `errmsg` is a valid out-pointer.
        let rc = unsafe {
            ffi::sqlite3_exec(
                self.db.as_ptr(),
                c_sql.as_ptr(),
                None,
                std::ptr::null_mut(),
                &mut errmsg,
            )
        };
        if rc == ffi::SQLITE_OK {
            return Ok(());
        }
        let message = if errmsg.is_null() {
            self.errmsg()
        } else {
            // SAFETY: SQLite allocated `errmsg` with sqlite3_malloc as a NUL-terminated
            // string; we copy it and free it exactly once.
            unsafe {
                let msg = CStr::from_ptr(errmsg).to_string_lossy().into_owned();
                ffi::sqlite3_free(errmsg.cast());
                msg
            }
        };
        Err(self.error(self.extended_errcode(), message))
    }

    /// Whether no transaction is open on the handle (`sqlite3_get_autocommit`).
    pub(super) fn is_autocommit(&self) -> bool {
        // SAFETY: the handle is open.
        unsafe { ffi::sqlite3_get_autocommit(self.db.as_ptr()) != 0 }
    }

    pub(super) fn changes(&self) -> usize {
        // SAFETY: the handle is open.
        let n = unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) };
        usize::try_from(n).unwrap_or(0)
    }

    /// Rows changed since the connection opened, triggers included: it moves only when
    /// a statement changes something, unlike `changes`, which keeps the last count.
    pub(super) fn total_changes(&self) -> i64 {
        // SAFETY: the handle is open.
        unsafe { ffi::sqlite3_total_changes64(self.db.as_ptr()) }
    }

    /// Compiles the first statement of `sql`. `persistent` hints that it will be cached.
    pub(super) fn prepare(&self, sql: &str, persistent: bool) -> QueryResult<RawStatement> {
        if sql.contains('\0') {
            return Err(Error::InvalidQuery(
                "the SQL text contains a NUL byte".into(),
            ));
        }
        let (stmt, rest) = self.prepare_first(sql, persistent)?;
        let Some(stmt) = stmt else {
            return Err(Error::InvalidQuery(
                "the SQL text holds no statement".into(),
            ));
        };
        // A second statement would be silently ignored: refuse it. What is left may
        // still be white space, `;` or comments, which compile to no statement.
        if !rest.trim().is_empty() && self.prepare_first(rest, false)?.0.is_some() {
            return Err(Error::InvalidQuery(crate::error::ONE_STATEMENT.into()));
        }
        Ok(stmt)
    }

    /// Compiles the first statement of `sql`, if it holds one, and returns the text
    /// after it.
    fn prepare_first<'s>(
        &self,
        sql: &'s str,
        persistent: bool,
    ) -> QueryResult<(Option<RawStatement>, &'s str)> {
        let len = c_int::try_from(sql.len())
            .map_err(|_| Error::InvalidQuery("the SQL text is longer than 2 GiB".into()))?;
        let flags = if persistent {
            ffi::SQLITE_PREPARE_PERSISTENT
        } else {
            0
        };
        let mut stmt = std::ptr::null_mut();
        let mut tail = std::ptr::null();
        // SAFETY: the handle is open; `sql` is valid for `len` bytes (SQLite reads at
        // most that many, no NUL terminator is needed); the out-pointers are valid.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                self.db.as_ptr(),
                sql.as_ptr().cast(),
                len,
                flags,
                &mut stmt,
                &mut tail,
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.last_error());
        }
        // Owned at once, so it is finalized on every path.
        let stmt = NonNull::new(stmt).map(RawStatement::new);
        // SAFETY: `tail` is within `sql` or one past its end, per SQLite's contract.
        let consumed = unsafe { tail.cast::<u8>().offset_from(sql.as_ptr()) };
        let rest = usize::try_from(consumed)
            .ok()
            .and_then(|n| sql.get(n..))
            .unwrap_or("");
        Ok((stmt, rest))
    }
}

#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
impl RawConnection {
    /// What interrupts this handle's statements from another thread.
    pub(super) fn interrupter(&mut self) -> Interrupter {
        let db = self.db;
        self.interrupter
            .get_or_insert_with(|| {
                Interrupter(std::sync::Arc::new(std::sync::Mutex::new(Some(DbHandle(
                    db,
                )))))
            })
            .clone()
    }
}

impl Drop for RawConnection {
    fn drop(&mut self) {
        if let Some(interrupter) = self.interrupter.take() {
            // A poisoned lock still holds the handle; empty it all the same.
            let mut handle = interrupter.0.lock().unwrap_or_else(|e| e.into_inner());
            *handle = None;
        }
        // SAFETY: we own the handle and close it once. Every statement prepared on it is
        // finalized before: the connection's statement cache is dropped first.
        unsafe {
            ffi::sqlite3_close(self.db.as_ptr());
        }
    }
}

/// How long the bind values given to a statement live, which decides whether SQLite
/// may keep pointers into them (`SQLITE_STATIC`) or must copy (`SQLITE_TRANSIENT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// The values themselves outlive the statement's steps: anything they hold or
    /// borrow may be bound in place.
    Values,
    /// Each value is given and dropped: only the text a `Str` borrows (for the values'
    /// lifetime) outlives the steps; what a value holds or owns must be copied.
    Given,
}

/// Binds each value it is given to the next parameter of a statement.
struct StatementSink<'s> {
    stmt: &'s RawStatement,
    expected: usize,
    bound: usize,
    /// The first failure; the values after it are counted but not bound.
    error: Option<Error>,
}

impl<'a> BindSink<'a> for StatementSink<'_> {
    // Inlined into the caller, which knows each value's kind: the match in `bind_one`
    // then folds to one call into SQLite, and the value's drop to nothing.
    #[inline(always)]
    fn bind(&mut self, value: BindValue<'a>) {
        self.bound += 1;
        if self.error.is_some() || self.bound > self.expected {
            // Too many values is reported by the count check afterwards.
            return;
        }
        // Fits: `bound` is at most the parameter count, a c_int.
        if let Err(error) = self.stmt.bind_one(self.bound as c_int, &value, Keep::Given) {
            self.error = Some(error);
        }
        value.discard();
    }
}

/// A prepared `sqlite3_stmt*`, finalized on drop.
pub(super) struct RawStatement {
    stmt: NonNull<ffi::sqlite3_stmt>,
    /// Whether every parameter is a bare `?`, so value `i` binds parameter `i + 1`
    /// (rendered queries); otherwise each `$N`/`?N` is looked up by name.
    positional: bool,
}

// SAFETY: a statement is used only through the connection that owns it (its cache),
// which moves between threads as a whole and is used by one at a time (see
// `RawConnection`).
unsafe impl Send for RawStatement {}

/// The outcome of one `sqlite3_step`.
pub(super) enum Step {
    Row,
    Done,
}

impl RawStatement {
    /// How many times SQLite has prepared this statement again since it was first
    /// prepared (after a schema change, or because a bound value changed its plan).
    #[cfg(test)]
    pub(super) fn times_reprepared(&self) -> i32 {
        // SAFETY: the statement is valid; the counter is read without being reset.
        unsafe { ffi::sqlite3_stmt_status(self.stmt.as_ptr(), ffi::SQLITE_STMTSTATUS_REPREPARE, 0) }
    }

    fn new(stmt: NonNull<ffi::sqlite3_stmt>) -> Self {
        // SAFETY: the statement is valid.
        let count = unsafe { ffi::sqlite3_bind_parameter_count(stmt.as_ptr()) };
        // SAFETY: the statement is valid and each index is within 1..=count; a bare `?`
        // has no name (null).
        let positional = (1..=count)
            .all(|i| unsafe { ffi::sqlite3_bind_parameter_name(stmt.as_ptr(), i) }.is_null());
        RawStatement { stmt, positional }
    }

    /// Binds `values` to parameters 1..=n.
    ///
    /// Text and blobs are bound without copying (`SQLITE_STATIC`): the caller must
    /// [`reset`](Self::reset) the statement before the borrowed values go away.
    pub(super) fn bind_all(&self, values: &[BindValue<'_>]) -> QueryResult<()> {
        // SAFETY: the statement is valid.
        let expected = unsafe { ffi::sqlite3_bind_parameter_count(self.stmt.as_ptr()) };
        let expected = usize::try_from(expected).unwrap_or(0);
        if expected != values.len() {
            return Err(crate::error::wrong_bind_count(expected, values.len()));
        }
        for i in 0..values.len() {
            let idx = c_int::try_from(i + 1)
                .map_err(|_| Error::InvalidQuery("too many bind parameters".into()))?;
            let value = if self.positional {
                &values[i]
            } else {
                &values[self.value_index(idx, values.len())?]
            };
            // `values` outlives the statement's steps (`run_bound` resets it before
            // returning), so everything they hold or borrow may be bound in place.
            self.bind_one(idx, value, Keep::Values)?;
        }
        Ok(())
    }

    /// Binds parameters `1, 2, …` in the order `source` gives them, each as it comes,
    /// without a list. Every parameter must be bound, no more and no fewer, before the
    /// statement may step; the data the values borrow must outlive the steps, which
    /// `'a` guarantees for the caller's whole call.
    pub(super) fn bind_from<'a, B: BindSource<'a>>(&self, source: &B) -> QueryResult<()> {
        // SAFETY: the statement is valid.
        let expected = unsafe { ffi::sqlite3_bind_parameter_count(self.stmt.as_ptr()) };
        let expected = usize::try_from(expected).unwrap_or(0);
        if !self.positional {
            // `$N` parameters may come in any order: bind from the whole list.
            let mut values = Vec::with_capacity(expected);
            source.give(&mut values);
            return self.bind_all(&values);
        }
        let mut sink = StatementSink {
            stmt: self,
            expected,
            bound: 0,
            error: None,
        };
        source.give(&mut sink);
        if let Some(error) = sink.error {
            return Err(error);
        }
        if sink.bound != expected {
            return Err(crate::error::wrong_bind_count(expected, sink.bound));
        }
        Ok(())
    }

    /// Binds one value to parameter `idx`, within 1..=parameter count. The common
    /// kinds bind directly; the others convert first.
    #[inline(always)]
    fn bind_one(&self, idx: c_int, value: &BindValue<'_>, keep: Keep) -> QueryResult<()> {
        let p = self.stmt.as_ptr();
        // SAFETY: `p` is a valid statement and `idx` is within 1..=parameter count.
        // Text and blob pointers are valid for the given lengths. SQLITE_STATIC is only
        // given for data that lives while the statement steps, as `keep` says (the text
        // a `Str` borrows always does: it lives for the lifetime of the values, which
        // outlives the call that steps), and every later run rebinds every parameter
        // before stepping (see `reset`); SQLite copies SQLITE_TRANSIENT data at once.
        let rc = unsafe {
            match value {
                BindValue::Null => ffi::sqlite3_bind_null(p, idx),
                BindValue::I32(v) => ffi::sqlite3_bind_int64(p, idx, i64::from(*v)),
                BindValue::I64(v) => ffi::sqlite3_bind_int64(p, idx, *v),
                BindValue::Str(s) => ffi::sqlite3_bind_text64(
                    p,
                    idx,
                    s.as_ptr().cast(),
                    s.len() as u64,
                    ffi::SQLITE_STATIC(),
                    ffi::SQLITE_UTF8 as u8,
                ),
                _ => self.bind_stored(idx, value, keep)?,
            }
        };
        if rc != ffi::SQLITE_OK {
            return Err(database_error(rc, format!("cannot bind parameter {idx}")));
        }
        Ok(())
    }

    /// Binds a value that must first be converted to a storage class.
    fn bind_stored(&self, idx: c_int, value: &BindValue<'_>, keep: Keep) -> QueryResult<c_int> {
        let p = self.stmt.as_ptr();
        let stored = store(value)?;
        // SAFETY: as in `bind_all`.
        Ok(unsafe {
            match &stored {
                Stored::Null => ffi::sqlite3_bind_null(p, idx),
                Stored::Integer(v) => ffi::sqlite3_bind_int64(p, idx, *v),
                Stored::Real(v) => ffi::sqlite3_bind_double(p, idx, *v),
                Stored::Text(s) => ffi::sqlite3_bind_text64(
                    p,
                    idx,
                    s.as_ptr().cast(),
                    s.len() as u64,
                    // Borrowed text lives as long as the value it was borrowed
                    // from, which outlives the steps only with `Keep::Values`; owned
                    // text lives until the end of this call. SQLite copies the rest.
                    match (s, keep) {
                        (Cow::Borrowed(_), Keep::Values) => ffi::SQLITE_STATIC(),
                        _ => ffi::SQLITE_TRANSIENT(),
                    },
                    ffi::SQLITE_UTF8 as u8,
                ),
                Stored::Blob(b) => ffi::sqlite3_bind_blob64(
                    p,
                    idx,
                    b.as_ptr().cast(),
                    b.len() as u64,
                    match keep {
                        Keep::Values => ffi::SQLITE_STATIC(),
                        Keep::Given => ffi::SQLITE_TRANSIENT(),
                    },
                ),
            }
        })
    }

    /// Which bind value parameter `idx` takes: the next one for `?`, value `N` for
    /// `$N` or `?N`, so that `$1, $2, …` mean the same on SQLite as on PostgreSQL.
    fn value_index(&self, idx: c_int, count: usize) -> QueryResult<usize> {
        // SAFETY: the statement is valid and `idx` is within 1..=parameter count; the
        // name (null for a bare `?`) is owned by the statement and only read here.
        let name = unsafe { ffi::sqlite3_bind_parameter_name(self.stmt.as_ptr(), idx) };
        let position = if name.is_null() {
            idx as usize
        } else {
            // SAFETY: non-null and NUL-terminated, see above.
            let name = unsafe { CStr::from_ptr(name) }.to_bytes();
            std::str::from_utf8(name.get(1..).unwrap_or_default())
                .ok()
                .filter(|_| matches!(name.first(), Some(b'$' | b'?')))
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| {
                    Error::InvalidQuery(format!(
                        "parameter `{}` is not supported: use `?` or `$1, $2, …`",
                        String::from_utf8_lossy(name)
                    ))
                })?
        };
        match position.checked_sub(1) {
            Some(i) if i < count => Ok(i),
            _ => Err(Error::InvalidQuery(format!(
                "parameter ${position} has no value: {count} values were bound"
            ))),
        }
    }

    pub(super) fn step(&self, conn: &RawConnection) -> QueryResult<Step> {
        // SAFETY: the statement is valid and belongs to `conn`.
        match unsafe { ffi::sqlite3_step(self.stmt.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(Step::Row),
            ffi::SQLITE_DONE => Ok(Step::Done),
            _ => Err(conn.last_error()),
        }
    }

    /// Resets the statement so that it can run again.
    ///
    /// Its bindings are left in place (clearing them costs as much as binding): text and
    /// blobs bound `SQLITE_STATIC` then point at values that may be gone. SQLite reads
    /// bound values only when the statement steps (quarry never asks for the expanded
    /// SQL), and every run binds all parameters before its first step (`bind_all`
    /// checks the count and returns before any step on an error), so stale pointers are
    /// replaced before they could be read.
    pub(super) fn reset(&self) {
        // SAFETY: the statement is valid. The return code repeats the last step's
        // error, which the caller has already seen.
        unsafe {
            ffi::sqlite3_reset(self.stmt.as_ptr());
        }
    }

    pub(super) fn column_count(&self) -> usize {
        // SAFETY: the statement is valid.
        let n = unsafe { ffi::sqlite3_column_count(self.stmt.as_ptr()) };
        usize::try_from(n).unwrap_or(0)
    }

    pub(super) fn column_name(&self, idx: usize) -> Option<&str> {
        let idx = c_int::try_from(idx).ok()?;
        // SAFETY: the statement is valid; the returned string (or null for an index out
        // of range) is owned by SQLite and valid until the statement is finalized or
        // re-prepared, which cannot happen while `self` is borrowed.
        let name = unsafe { ffi::sqlite3_column_name(self.stmt.as_ptr(), idx) };
        if name.is_null() {
            return None;
        }
        // SAFETY: non-null and NUL-terminated, see above.
        unsafe { CStr::from_ptr(name) }.to_str().ok()
    }

    /// The value at `idx` of the current row; `idx` must be below `column_count`.
    #[inline]
    pub(super) fn value(&self, idx: usize) -> RawValue<'_> {
        // The caller checked `idx` against the column count, which fits a c_int.
        let idx = idx as c_int;
        // SAFETY: the statement is valid, on a row, and `idx` is in range.
        let storage = match unsafe { ffi::sqlite3_column_type(self.stmt.as_ptr(), idx) } {
            ffi::SQLITE_INTEGER => Storage::Integer,
            ffi::SQLITE_FLOAT => Storage::Real,
            ffi::SQLITE_TEXT => Storage::Text,
            ffi::SQLITE_BLOB => Storage::Blob,
            _ => Storage::Null,
        };
        RawValue {
            stmt: self,
            idx,
            storage,
        }
    }
}

impl Drop for RawStatement {
    fn drop(&mut self) {
        // SAFETY: we own the statement and finalize it once.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// One value of the current row of a statement.
#[derive(Clone, Copy)]
pub(super) struct RawValue<'s> {
    stmt: &'s RawStatement,
    idx: c_int,
    /// Read once, when the value is taken from the row: a NULL check and the read
    /// that follows it then cost one call into SQLite, not two.
    storage: Storage,
}

/// The storage class of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Storage {
    /// An integer.
    Integer,
    /// A float.
    Real,
    /// Text.
    Text,
    /// Bytes.
    Blob,
    /// NULL.
    Null,
}

impl<'s> RawValue<'s> {
    /// The value's storage class, as SQLite reported it before any conversion.
    #[inline]
    pub(super) fn storage(&self) -> Storage {
        self.storage
    }

    pub(super) fn int64(&self) -> i64 {
        // SAFETY: the statement is valid, on a row (borrowed for `'s`), and `idx` is in
        // range, as checked when the value was taken.
        unsafe { ffi::sqlite3_column_int64(self.stmt.stmt.as_ptr(), self.idx) }
    }

    pub(super) fn double(&self) -> f64 {
        // SAFETY: as in `int64`.
        unsafe { ffi::sqlite3_column_double(self.stmt.stmt.as_ptr(), self.idx) }
    }

    /// The value's bytes, as text or blob. Valid while the row is current, which the
    /// borrow of the statement guarantees: stepping needs no `&mut`, but rows are only
    /// handed out inside the step loop, one at a time.
    pub(super) fn bytes(&self, as_text: bool) -> &'s [u8] {
        let p = self.stmt.stmt.as_ptr();
        // SAFETY: as in `int64`. The pointer is fetched before the length, as SQLite
        // requires; it stays valid until the next step, reset or type conversion of this
        // value, none of which happens while the returned slice is in use.
        unsafe {
            let ptr = if as_text {
                ffi::sqlite3_column_text(p, self.idx).cast::<u8>()
            } else {
                ffi::sqlite3_column_blob(p, self.idx).cast::<u8>()
            };
            let len = usize::try_from(ffi::sqlite3_column_bytes(p, self.idx)).unwrap_or(0);
            if ptr.is_null() || len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(ptr, len)
            }
        }
    }
}

fn database_error(code: c_int, message: String) -> Error {
    let kind = match code {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            DatabaseErrorKind::UniqueViolation
        }
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => DatabaseErrorKind::ForeignKeyViolation,
        ffi::SQLITE_CONSTRAINT_NOTNULL => DatabaseErrorKind::NotNullViolation,
        ffi::SQLITE_CONSTRAINT_CHECK => DatabaseErrorKind::CheckViolation,
        c if c & 0xff == ffi::SQLITE_BUSY || c & 0xff == ffi::SQLITE_LOCKED => {
            DatabaseErrorKind::Busy
        }
        c if c & 0xff == ffi::SQLITE_ERROR => DatabaseErrorKind::InvalidStatement,
        ffi::SQLITE_INTERRUPT => DatabaseErrorKind::Canceled,
        _ => DatabaseErrorKind::Other,
    };
    let mut err = DatabaseError::new(kind, message);
    // SQLite names the violated columns in the message: "UNIQUE constraint failed:
    // users.name" or "CHECK constraint failed: positive_age".
    if let Some((_, detail)) = err.message.split_once("constraint failed: ") {
        let first = detail.split(',').next().unwrap_or(detail).trim();
        match first.split_once('.') {
            Some((table, column)) => {
                err.table = Some(table.to_owned());
                err.column = Some(column.to_owned());
            }
            None => err.constraint = Some(first.to_owned()),
        }
    }
    err.into()
}
