//! SQLite through `libsqlite3-sys`, done as a careful hand-written program would:
//! one persistent prepared statement per statement shape, kept for the connection's
//! life, parameters bound without copying, step, reset.
//!
//! [`Connection`] runs the bulk insert; [`RawSqlite`] is the [`Driver`](crate::Driver) of the workload
//! suite. Both stand on `Database`, which owns the handle.

use super::ReadColumns;
use crate::bulk::{self, SQLITE_BIND_LIMIT, insert_sql, rows_per_statement};
use crate::data::{FILTER_COLOR, NewUser, Post, User, UserTree, nest};
use libsqlite3_sys as ffi;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::{CStr, CString, c_int};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// An open database handle, closed on drop.
///
/// Statements do not borrow it: drop them first, or `sqlite3_close` leaves the database
/// open (and leaked) with `SQLITE_BUSY`, which is safe but wasteful.
struct Database(NonNull<ffi::sqlite3>);

/// A prepared statement, finalized on drop.
struct Statement(NonNull<ffi::sqlite3_stmt>);

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: the statement is valid and finalized once, here.
        unsafe { ffi::sqlite3_finalize(self.0.as_ptr()) };
    }
}

impl Statement {
    fn as_ptr(&self) -> *mut ffi::sqlite3_stmt {
        self.0.as_ptr()
    }
}

impl Database {
    /// Opens a private in-memory database with the flags quarry uses.
    fn open_in_memory() -> Result<Self, String> {
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE | ffi::SQLITE_OPEN_NOMUTEX;
        let mut db = std::ptr::null_mut();
        // SAFETY: the path is NUL-terminated, `db` is a valid out-pointer and a null
        // VFS name selects the default one.
        let rc =
            unsafe { ffi::sqlite3_open_v2(c":memory:".as_ptr(), &mut db, flags, std::ptr::null()) };
        let db = Database(NonNull::new(db).ok_or("SQLite could not allocate a handle")?);
        if rc != ffi::SQLITE_OK {
            return Err(db.error("open"));
        }
        Ok(db)
    }

    fn error(&self, what: &str) -> String {
        // SAFETY: the handle is open; the message is NUL-terminated and copied at once.
        let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0.as_ptr())) };
        format!("{what}: {}", msg.to_string_lossy())
    }

    /// Runs SQL without parameters.
    fn exec(&self, sql: &str) -> Result<(), String> {
        let sql = CString::new(sql).map_err(|e| e.to_string())?;
        // SAFETY: the handle is open and `sql` is NUL-terminated; no callback, and no
        // error message is asked for (it is read with `sqlite3_errmsg`).
        let rc = unsafe {
            ffi::sqlite3_exec(
                self.0.as_ptr(),
                sql.as_ptr(),
                None,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(self.error("exec"))
        }
    }

    /// Prepares `sql` to be kept and run many times.
    fn prepare(&self, sql: &str) -> Result<Statement, String> {
        let len = c_int::try_from(sql.len()).map_err(|e| e.to_string())?;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: the handle is open, `sql` is valid for `len` bytes, `stmt` is a valid
        // out-pointer and the tail pointer may be null.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                self.0.as_ptr(),
                sql.as_ptr().cast(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        match NonNull::new(stmt) {
            Some(stmt) if rc == ffi::SQLITE_OK => Ok(Statement(stmt)),
            _ => Err(self.error("prepare")),
        }
    }

    /// The statement in `slot`, prepared from `sql` on first use.
    fn cached<'s>(
        &self,
        slot: &'s mut Option<Statement>,
        sql: &str,
    ) -> Result<&'s Statement, String> {
        match slot {
            Some(stmt) => Ok(stmt),
            None => Ok(slot.insert(self.prepare(sql)?)),
        }
    }

    /// The statement for `n` in `statements`, prepared from `sql(n)` on first use.
    fn cached_for<'s>(
        &self,
        statements: &'s mut HashMap<usize, Statement>,
        n: usize,
        sql: impl FnOnce(usize) -> String,
    ) -> Result<&'s Statement, String> {
        match statements.entry(n) {
            Entry::Occupied(entry) => Ok(entry.into_mut()),
            Entry::Vacant(entry) => Ok(entry.insert(self.prepare(&sql(n))?)),
        }
    }

    /// Runs `stmt`, a statement of this handle that returns no rows, and resets it;
    /// returns the number of rows changed.
    ///
    /// # Safety
    ///
    /// Every parameter of `stmt` must be bound, to values alive until this returns.
    unsafe fn execute(&self, stmt: &Statement) -> Result<usize, String> {
        // SAFETY: the statement is valid and belongs to this handle; its parameters
        // are bound to live values (upheld by the caller).
        let rc = unsafe { ffi::sqlite3_step(stmt.as_ptr()) };
        let result = if rc == ffi::SQLITE_DONE {
            // SAFETY: the handle is open.
            Ok(unsafe { ffi::sqlite3_changes64(self.0.as_ptr()) } as usize)
        } else {
            Err(self.error("step"))
        };
        // SAFETY: the statement is valid; the return code repeats the step's error.
        unsafe { ffi::sqlite3_reset(stmt.as_ptr()) };
        result
    }

    /// Steps `stmt`, a statement of this handle, through its rows, reading each with
    /// `read`, and resets it, on error too.
    ///
    /// # Safety
    ///
    /// Every parameter of `stmt` must be bound, to values alive until this returns.
    unsafe fn query<T>(
        &self,
        stmt: &Statement,
        mut read: impl FnMut(&Row<'_>) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        let ptr = stmt.as_ptr();
        // SAFETY: the statement is valid.
        let columns = unsafe { ffi::sqlite3_column_count(ptr) };
        let mut rows = Vec::new();
        let result = loop {
            // SAFETY: as in `execute`.
            match unsafe { ffi::sqlite3_step(ptr) } {
                ffi::SQLITE_ROW => {
                    let row = Row {
                        stmt: ptr,
                        columns,
                        _statement: PhantomData,
                    };
                    match read(&row) {
                        Ok(value) => rows.push(value),
                        Err(e) => break Err(e),
                    }
                }
                ffi::SQLITE_DONE => break Ok(rows),
                _ => break Err(self.error("step")),
            }
        };
        // SAFETY: the statement is valid; the return code repeats the step's error.
        unsafe { ffi::sqlite3_reset(ptr) };
        result
    }

    /// The first row of `stmt`, a statement of this handle, read with `read`; resets
    /// the statement without stepping further.
    ///
    /// # Safety
    ///
    /// As for [`Database::query`].
    unsafe fn query_first<T>(
        &self,
        stmt: &Statement,
        read: impl FnOnce(&Row<'_>) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        let ptr = stmt.as_ptr();
        // SAFETY: as in `execute`.
        let result = match unsafe { ffi::sqlite3_step(ptr) } {
            ffi::SQLITE_ROW => {
                let row = Row {
                    stmt: ptr,
                    // SAFETY: the statement is valid.
                    columns: unsafe { ffi::sqlite3_column_count(ptr) },
                    _statement: PhantomData,
                };
                read(&row).map(Some)
            }
            ffi::SQLITE_DONE => Ok(None),
            _ => Err(self.error("step")),
        };
        // SAFETY: the statement is valid; the return code repeats the step's error.
        unsafe { ffi::sqlite3_reset(ptr) };
        result
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // SAFETY: the handle is open and closed once, here.
        unsafe { ffi::sqlite3_close(self.0.as_ptr()) };
    }
}

/// The current row of a statement, lent to the reader inside [`Database::query`] only:
/// it cannot outlive the row, as the next step would invalidate its values.
struct Row<'s> {
    stmt: *mut ffi::sqlite3_stmt,
    columns: c_int,
    _statement: PhantomData<&'s Statement>,
}

impl Row<'_> {
    /// Checks that `i` is one of the row's columns: SQLite leaves reading any other
    /// undefined.
    fn column(&self, i: c_int) -> Result<c_int, String> {
        if (0..self.columns).contains(&i) {
            Ok(i)
        } else {
            Err(format!("column {i} of {}", self.columns))
        }
    }

    fn is_null(&self, i: c_int) -> Result<bool, String> {
        let i = self.column(i)?;
        // SAFETY: the statement is on a row and `i` is in range.
        Ok(unsafe { ffi::sqlite3_column_type(self.stmt, i) } == ffi::SQLITE_NULL)
    }
}

impl ReadColumns for Row<'_> {
    /// An `INTEGER NOT NULL` column.
    fn int(&self, i: c_int) -> Result<i32, String> {
        let i = self.column(i)?;
        // SAFETY: the statement is on a row and `i` is in range.
        let value = unsafe { ffi::sqlite3_column_int64(self.stmt, i) };
        i32::try_from(value).map_err(|_| format!("column {i}: {value} is out of range for i32"))
    }

    fn nullable_text(&self, i: c_int) -> Result<Option<String>, String> {
        if self.is_null(i)? {
            return Ok(None);
        }
        // SAFETY: the statement is on a row and `i` is in range (checked by `is_null`).
        // The pointer is fetched before the length, as SQLite requires, and the bytes
        // are copied before anything else touches the row.
        let bytes = unsafe {
            let ptr = ffi::sqlite3_column_text(self.stmt, i);
            let len = usize::try_from(ffi::sqlite3_column_bytes(self.stmt, i)).unwrap_or(0);
            if ptr.is_null() || len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(ptr, len)
            }
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Some(text.to_owned())),
            Err(e) => Err(format!("column {i}: {e}")),
        }
    }
}

/// Binds `text` without copying it.
///
/// # Safety
///
/// `stmt` must be valid, `idx` one of its parameters, and `text` must stay alive until
/// the statement is reset or the parameter bound again.
unsafe fn bind_text(stmt: *mut ffi::sqlite3_stmt, idx: c_int, text: &str) -> c_int {
    // SAFETY: upheld by the caller; `text` is valid for `text.len()` bytes.
    unsafe {
        ffi::sqlite3_bind_text64(
            stmt,
            idx,
            text.as_ptr().cast(),
            text.len() as u64,
            ffi::SQLITE_STATIC(),
            ffi::SQLITE_UTF8 as u8,
        )
    }
}

/// Binds `text` without copying it, or NULL.
///
/// # Safety
///
/// As for [`bind_text`].
unsafe fn bind_nullable_text(
    stmt: *mut ffi::sqlite3_stmt,
    idx: c_int,
    text: Option<&str>,
) -> c_int {
    // SAFETY: upheld by the caller.
    unsafe {
        match text {
            Some(text) => bind_text(stmt, idx, text),
            None => ffi::sqlite3_bind_null(stmt, idx),
        }
    }
}

/// An in-memory database and its prepared inserts, for the bulk-insert benchmark.
pub struct Connection {
    /// The prepared multi-row insert for each chunk length. Declared before `db`, so
    /// that the statements are finalized before it closes.
    inserts: HashMap<usize, Statement>,
    db: Database,
}

impl Connection {
    /// Opens a private in-memory database with the flags quarry uses.
    pub fn open_in_memory() -> Result<Self, String> {
        Ok(Connection {
            inserts: HashMap::new(),
            db: Database::open_in_memory()?,
        })
    }

    /// Runs SQL without parameters.
    pub fn exec(&self, sql: &str) -> Result<(), String> {
        self.db.exec(sql)
    }

    /// Inserts `rows` in chunks of quarry's size, in one transaction when there are
    /// several; returns the number of rows inserted.
    pub fn insert_users(&mut self, rows: &[bulk::NewUser<'_>]) -> Result<usize, String> {
        super::insert_in_chunks(
            self,
            rows,
            rows_per_statement(SQLITE_BIND_LIMIT),
            Self::exec,
            Self::insert_chunk,
        )
    }

    fn insert_chunk(&mut self, chunk: &[bulk::NewUser<'_>]) -> Result<usize, String> {
        let stmt = self
            .db
            .cached_for(&mut self.inserts, chunk.len(), |n| insert_sql(n, false))?;
        let ptr = stmt.as_ptr();
        let mut idx: c_int = 0;
        for row in chunk {
            // SAFETY: `ptr` is a valid statement with 3 parameters per row of `chunk`,
            // so every index is in range. Text borrows from `chunk`, which outlives the
            // `execute` below, and that resets the statement before it returns.
            let rcs = unsafe {
                [
                    bind_text(ptr, idx + 1, row.name),
                    bind_nullable_text(ptr, idx + 2, row.hair_color),
                    ffi::sqlite3_bind_int(ptr, idx + 3, row.age),
                ]
            };
            if rcs.iter().any(|&rc| rc != ffi::SQLITE_OK) {
                return Err(self.db.error("bind"));
            }
            idx += 3;
        }
        // SAFETY: every parameter was just bound, to values that outlive the call.
        unsafe { self.db.execute(stmt) }
    }

    /// [`crate::bulk::CHECKSUM_SQL`] on this database.
    pub fn checksum(&self) -> Result<[i64; 3], String> {
        let stmt = self.db.prepare(crate::bulk::CHECKSUM_SQL)?;
        // SAFETY: the statement is valid and takes no parameters.
        if unsafe { ffi::sqlite3_step(stmt.as_ptr()) } != ffi::SQLITE_ROW {
            return Err(self.db.error("checksum"));
        }
        // SAFETY: the statement has a current row with three columns.
        Ok([0, 1, 2].map(|i| unsafe { ffi::sqlite3_column_int64(stmt.as_ptr(), i) }))
    }
}

const SELECT_USERS: &str = "SELECT id, name, hair_color FROM users";
const USERS_WITH_POSTS: &str = "SELECT users.id, users.name, users.hair_color, \
     posts.id, posts.user_id, posts.title, posts.body \
     FROM users LEFT JOIN posts ON posts.user_id = users.id \
     WHERE users.hair_color = ?";
const FIND_USER: &str = "SELECT id, name, hair_color FROM users WHERE id = ?";

/// `SELECT … FROM posts WHERE user_id IN (?, ?, …)` for `n` ids.
fn posts_of_sql(n: usize) -> String {
    format!(
        "SELECT id, user_id, title, body FROM posts WHERE user_id IN ({})",
        vec!["?"; n].join(", ")
    )
}

/// `SELECT … FROM comments WHERE post_id IN (?, ?, …)` for `n` ids.
fn comments_of_sql(n: usize) -> String {
    format!(
        "SELECT id, post_id, text FROM comments WHERE post_id IN ({})",
        vec!["?"; n].join(", ")
    )
}

/// The workloads' statements, each prepared on first use (the tables do not exist
/// before the suite's setup) and kept.
#[derive(Default)]
struct Statements {
    select_users: Option<Statement>,
    users_with_posts: Option<Statement>,
    find_user: Option<Statement>,
    /// Multi-row inserts, by row count.
    inserts: HashMap<usize, Statement>,
    /// `posts WHERE user_id IN (…)`, by list length.
    posts_of: HashMap<usize, Statement>,
    /// `comments WHERE post_id IN (…)`, by list length.
    comments_of: HashMap<usize, Statement>,
}

/// The workload suite's [`Driver`](crate::Driver) on an in-memory SQLite database, through the C API.
pub struct RawSqlite {
    /// Declared before `db`, so that the statements are finalized before it closes.
    statements: Statements,
    db: Database,
}

impl RawSqlite {
    /// Opens a private in-memory database; panics if SQLite cannot.
    pub fn open_in_memory() -> Self {
        RawSqlite {
            statements: Statements::default(),
            db: Database::open_in_memory().expect("raw SQLite: open an in-memory database"),
        }
    }

    fn select_users(&mut self) -> Result<Vec<User>, String> {
        let stmt = self
            .db
            .cached(&mut self.statements.select_users, SELECT_USERS)?;
        // SAFETY: the statement has no parameters.
        unsafe { self.db.query(stmt, |row| row.user(0)) }
    }

    fn users_with_posts(&mut self) -> Result<Vec<(User, Option<Post>)>, String> {
        let stmt = self
            .db
            .cached(&mut self.statements.users_with_posts, USERS_WITH_POSTS)?;
        // SAFETY: the statement is valid with one parameter; the text is static.
        if unsafe { bind_text(stmt.as_ptr(), 1, FILTER_COLOR) } != ffi::SQLITE_OK {
            return Err(self.db.error("bind"));
        }
        let read = |row: &Row<'_>| {
            let user = row.user(0)?;
            let post = if row.is_null(3)? {
                None
            } else {
                Some(row.post(3)?)
            };
            Ok((user, post))
        };
        // SAFETY: the one parameter is bound, to static text.
        unsafe { self.db.query(stmt, read) }
    }

    fn insert_users(&mut self, rows: &[NewUser<'_>]) -> Result<usize, String> {
        if rows.is_empty() {
            return Ok(0);
        }
        let stmt = self
            .db
            .cached_for(&mut self.statements.inserts, rows.len(), |n| {
                super::insert_users_sql(n, false)
            })?;
        let ptr = stmt.as_ptr();
        let mut idx: c_int = 0;
        for row in rows {
            // SAFETY: `ptr` is a valid statement with 2 parameters per row of `rows`, so
            // every index is in range. Text borrows from `rows`, which outlives the
            // `execute` below, and that resets the statement before it returns.
            let rcs = unsafe {
                [
                    bind_text(ptr, idx + 1, row.name),
                    bind_nullable_text(ptr, idx + 2, row.hair_color),
                ]
            };
            if rcs.iter().any(|&rc| rc != ffi::SQLITE_OK) {
                return Err(self.db.error("bind"));
            }
            idx += 2;
        }
        // SAFETY: every parameter was just bound, to values that outlive the call.
        unsafe { self.db.execute(stmt) }
    }

    /// Runs `stmt`, which has one parameter per id, reading each row with `read`.
    fn query_ids<T>(
        db: &Database,
        stmt: &Statement,
        ids: impl Iterator<Item = i32>,
        read: impl FnMut(&Row<'_>) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        for (idx, id) in (1..).zip(ids) {
            // SAFETY: the statement is valid; an index past its parameters is an error.
            if unsafe { ffi::sqlite3_bind_int(stmt.as_ptr(), idx, id) } != ffi::SQLITE_OK {
                return Err(db.error("bind"));
            }
        }
        // SAFETY: every parameter was just bound, to an integer (which SQLite copies).
        unsafe { db.query(stmt, read) }
    }

    fn load_tree(&mut self) -> Result<Vec<UserTree>, String> {
        let users = self.select_users()?;
        let stmt = self
            .db
            .cached_for(&mut self.statements.posts_of, users.len(), posts_of_sql)?;
        let posts = Self::query_ids(&self.db, stmt, users.iter().map(|u| u.id), |row| {
            row.post(0)
        })?;
        let stmt = self.db.cached_for(
            &mut self.statements.comments_of,
            posts.len(),
            comments_of_sql,
        )?;
        let comments = Self::query_ids(&self.db, stmt, posts.iter().map(|p| p.id), |row| {
            row.comment(0)
        })?;
        Ok(nest(users, posts, comments))
    }

    fn find_user(&mut self, id: i32) -> Result<Option<User>, String> {
        let stmt = self.db.cached(&mut self.statements.find_user, FIND_USER)?;
        // SAFETY: the statement is valid with one parameter.
        if unsafe { ffi::sqlite3_bind_int(stmt.as_ptr(), 1, id) } != ffi::SQLITE_OK {
            return Err(self.db.error("bind"));
        }
        // SAFETY: the one parameter is bound, to an integer (which SQLite copies).
        unsafe { self.db.query_first(stmt, |row| row.user(0)) }
    }
}

super::driver_from_methods!(RawSqlite, db, "raw SQLite");

#[cfg(test)]
mod tests {
    use super::RawSqlite;
    use crate::data::Backend;

    #[test]
    fn every_workload_returns_the_expected_rows() {
        super::super::check::every_workload(&mut RawSqlite::open_in_memory(), Backend::Sqlite);
    }
}
