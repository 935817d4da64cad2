//! SQLite through `libsqlite3-sys`, done as a careful hand-written program would:
//! one persistent prepared statement per chunk shape, parameters bound without
//! copying, step, reset.

use crate::bulk::{NewUser, SQLITE_BIND_LIMIT, insert_sql, rows_per_statement};
use libsqlite3_sys as ffi;
use std::collections::HashMap;
use std::ffi::{CStr, CString, c_int};
use std::ptr::NonNull;

/// An in-memory database and its prepared inserts.
pub struct Connection {
    db: NonNull<ffi::sqlite3>,
    /// The prepared multi-row insert for each chunk length.
    inserts: HashMap<usize, Statement>,
}

struct Statement(NonNull<ffi::sqlite3_stmt>);

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: the statement is valid and finalized once, here.
        unsafe { ffi::sqlite3_finalize(self.0.as_ptr()) };
    }
}

impl Connection {
    /// Opens a private in-memory database with the flags quarry uses.
    pub fn open_in_memory() -> Result<Self, String> {
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE | ffi::SQLITE_OPEN_NOMUTEX;
        let mut db = std::ptr::null_mut();
        // SAFETY: the path is NUL-terminated, `db` is a valid out-pointer and a null
        // VFS name selects the default one.
        let rc =
            unsafe { ffi::sqlite3_open_v2(c":memory:".as_ptr(), &mut db, flags, std::ptr::null()) };
        let db = NonNull::new(db).ok_or("SQLite could not allocate a handle")?;
        let conn = Connection {
            db,
            inserts: HashMap::new(),
        };
        if rc != ffi::SQLITE_OK {
            return Err(conn.error("open"));
        }
        Ok(conn)
    }

    fn error(&self, what: &str) -> String {
        // SAFETY: the handle is open; the message is NUL-terminated and copied at once.
        let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.db.as_ptr())) };
        format!("{what}: {}", msg.to_string_lossy())
    }

    /// Runs SQL without parameters.
    pub fn exec(&self, sql: &str) -> Result<(), String> {
        let sql = CString::new(sql).map_err(|e| e.to_string())?;
        // SAFETY: the handle is open and `sql` is NUL-terminated; no callback, and no
        // error message is asked for (it is read with `sqlite3_errmsg`).
        let rc = unsafe {
            ffi::sqlite3_exec(
                self.db.as_ptr(),
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

    fn prepare(&self, sql: &str) -> Result<Statement, String> {
        let len = c_int::try_from(sql.len()).map_err(|e| e.to_string())?;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: the handle is open, `sql` is valid for `len` bytes, `stmt` is a valid
        // out-pointer and the tail pointer may be null.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                self.db.as_ptr(),
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

    /// Inserts `rows` in chunks of quarry's size, in one transaction when there are
    /// several; returns the number of rows inserted.
    pub fn insert_users(&mut self, rows: &[NewUser<'_>]) -> Result<usize, String> {
        let per_statement = rows_per_statement(SQLITE_BIND_LIMIT);
        let transaction = rows.len() > per_statement;
        if transaction {
            self.exec("BEGIN")?;
        }
        let result = rows
            .chunks(per_statement)
            .try_fold(0, |total, chunk| Ok(total + self.insert_chunk(chunk)?));
        if transaction {
            match &result {
                Ok(_) => self.exec("COMMIT")?,
                Err(_) => self.exec("ROLLBACK")?,
            }
        }
        result
    }

    fn insert_chunk(&mut self, chunk: &[NewUser<'_>]) -> Result<usize, String> {
        if !self.inserts.contains_key(&chunk.len()) {
            let stmt = self.prepare(&insert_sql(chunk.len(), false))?;
            self.inserts.insert(chunk.len(), stmt);
        }
        let stmt = self.inserts[&chunk.len()].0.as_ptr();
        let mut idx: c_int = 0;
        for row in chunk {
            // SAFETY: `stmt` is a valid statement with 3 parameters per row of `chunk`,
            // so every index is in range. Text is bound as SQLITE_STATIC: it borrows
            // from `rows`, which outlives this call, and SQLite reads it only in the
            // `sqlite3_step` below; before any later step every parameter is bound again.
            let rcs = unsafe {
                [
                    bind_text(stmt, idx + 1, row.name),
                    match row.hair_color {
                        Some(color) => bind_text(stmt, idx + 2, color),
                        None => ffi::sqlite3_bind_null(stmt, idx + 2),
                    },
                    ffi::sqlite3_bind_int(stmt, idx + 3, row.age),
                ]
            };
            if rcs.iter().any(|&rc| rc != ffi::SQLITE_OK) {
                return Err(self.error("bind"));
            }
            idx += 3;
        }
        // SAFETY: the statement is valid, its parameters are bound, and it belongs to
        // this handle.
        let rc = unsafe { ffi::sqlite3_step(stmt) };
        let result = if rc == ffi::SQLITE_DONE {
            // SAFETY: the handle is open.
            Ok(unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) } as usize)
        } else {
            Err(self.error("step"))
        };
        // SAFETY: the statement is valid; the return code repeats the step's error.
        unsafe { ffi::sqlite3_reset(stmt) };
        result
    }

    /// [`crate::bulk::CHECKSUM_SQL`] on this database.
    pub fn checksum(&self) -> Result<[i64; 3], String> {
        let stmt = self.prepare(crate::bulk::CHECKSUM_SQL)?;
        // SAFETY: the statement is valid and takes no parameters.
        if unsafe { ffi::sqlite3_step(stmt.0.as_ptr()) } != ffi::SQLITE_ROW {
            return Err(self.error("checksum"));
        }
        // SAFETY: the statement has a current row with three columns.
        Ok([0, 1, 2].map(|i| unsafe { ffi::sqlite3_column_int64(stmt.0.as_ptr(), i) }))
    }
}

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

impl Drop for Connection {
    fn drop(&mut self) {
        // Statements first: a database with live statements does not close.
        self.inserts.clear();
        // SAFETY: the handle is open, has no statements left, and is closed once.
        unsafe { ffi::sqlite3_close(self.db.as_ptr()) };
    }
}
