//! PostgreSQL through `pq-sys`, done as a careful hand-written program would: one
//! named prepared statement per chunk shape with its parameter types declared, then
//! `PQexecPrepared` with binary parameters (quarry's format too).

use crate::bulk::{NewUser, PG_BIND_LIMIT, insert_sql, rows_per_statement};
use pq_sys as ffi;
use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr::NonNull;

const TEXT_OID: ffi::Oid = 25;
const INT4_OID: ffi::Oid = 23;

/// A connection and its prepared inserts.
pub struct Connection {
    conn: NonNull<ffi::PGconn>,
    /// The name of the prepared multi-row insert for each chunk length.
    inserts: HashMap<usize, CString>,
    /// Parameter arrays, kept between chunks so that they are allocated once.
    values: Vec<*const c_char>,
    lengths: Vec<c_int>,
    formats: Vec<c_int>,
    ages: Vec<[u8; 4]>,
}

/// A `PGresult`, cleared on drop.
struct PgResult(NonNull<ffi::PGresult>);

impl Drop for PgResult {
    fn drop(&mut self) {
        // SAFETY: the result is valid and cleared once, here.
        unsafe { ffi::PQclear(self.0.as_ptr()) };
    }
}

impl Connection {
    pub fn connect(url: &str) -> Result<Self, String> {
        let url = CString::new(url).map_err(|e| e.to_string())?;
        // SAFETY: `url` is NUL-terminated.
        let conn = unsafe { ffi::PQconnectdb(url.as_ptr()) };
        let conn = Connection {
            conn: NonNull::new(conn).ok_or("libpq could not allocate a connection")?,
            inserts: HashMap::new(),
            values: Vec::new(),
            lengths: Vec::new(),
            formats: Vec::new(),
            ages: Vec::new(),
        };
        // SAFETY: the handle is valid.
        if unsafe { ffi::PQstatus(conn.conn.as_ptr()) } != ffi::ConnStatusType::CONNECTION_OK {
            return Err(conn.error("connect"));
        }
        conn.exec("SET client_encoding = 'UTF8'")?;
        Ok(conn)
    }

    fn error(&self, what: &str) -> String {
        // SAFETY: the handle is valid; the message is NUL-terminated and copied at once.
        let msg = unsafe { CStr::from_ptr(ffi::PQerrorMessage(self.conn.as_ptr())) };
        format!("{what}: {}", msg.to_string_lossy().trim_end())
    }

    /// Takes ownership of `res` and checks its status.
    fn check(&self, res: *mut ffi::PGresult, what: &str) -> Result<PgResult, String> {
        use ffi::ExecStatusType::{PGRES_COMMAND_OK, PGRES_TUPLES_OK};
        let res = PgResult(NonNull::new(res).ok_or_else(|| self.error(what))?);
        // SAFETY: the result is valid.
        match unsafe { ffi::PQresultStatus(res.0.as_ptr()) } {
            PGRES_COMMAND_OK | PGRES_TUPLES_OK => Ok(res),
            _ => Err(self.error(what)),
        }
    }

    /// Runs SQL without parameters.
    pub fn exec(&self, sql: &str) -> Result<(), String> {
        let sql = CString::new(sql).map_err(|e| e.to_string())?;
        // SAFETY: the handle is valid and `sql` is NUL-terminated.
        let res = unsafe { ffi::PQexec(self.conn.as_ptr(), sql.as_ptr()) };
        self.check(res, "exec").map(drop)
    }

    /// Inserts `rows` in chunks of quarry's size, in one transaction when there are
    /// several; returns the number of rows inserted.
    pub fn insert_users(&mut self, rows: &[NewUser<'_>]) -> Result<usize, String> {
        let per_statement = rows_per_statement(PG_BIND_LIMIT);
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

    /// The name of the prepared insert of `rows` rows, preparing it the first time.
    fn prepared(&mut self, rows: usize) -> Result<&CStr, String> {
        if !self.inserts.contains_key(&rows) {
            let name = CString::new(format!("raw_insert_{rows}")).map_err(|e| e.to_string())?;
            let sql = CString::new(insert_sql(rows, true)).map_err(|e| e.to_string())?;
            let types = [TEXT_OID, TEXT_OID, INT4_OID].repeat(rows);
            let n = c_int::try_from(types.len()).map_err(|e| e.to_string())?;
            // SAFETY: the handle is valid, `name` and `sql` are NUL-terminated and
            // `types` holds `n` entries.
            let res = unsafe {
                ffi::PQprepare(
                    self.conn.as_ptr(),
                    name.as_ptr(),
                    sql.as_ptr(),
                    n,
                    types.as_ptr(),
                )
            };
            self.check(res, "prepare")?;
            self.inserts.insert(rows, name);
        }
        Ok(&self.inserts[&rows])
    }

    fn insert_chunk(&mut self, chunk: &[NewUser<'_>]) -> Result<usize, String> {
        let name = self.prepared(chunk.len())?.as_ptr();
        self.ages.clear();
        self.ages
            .extend(chunk.iter().map(|row| row.age.to_be_bytes()));
        self.values.clear();
        self.lengths.clear();
        for (row, age) in chunk.iter().zip(&self.ages) {
            self.values.push(row.name.as_ptr().cast());
            self.lengths.push(text_len(row.name)?);
            match row.hair_color {
                Some(color) => {
                    self.values.push(color.as_ptr().cast());
                    self.lengths.push(text_len(color)?);
                }
                None => {
                    self.values.push(std::ptr::null());
                    self.lengths.push(0);
                }
            }
            self.values.push(age.as_ptr().cast());
            self.lengths.push(4);
        }
        self.formats.resize(self.values.len(), 1);
        let n = c_int::try_from(self.values.len()).map_err(|e| e.to_string())?;
        // SAFETY: the handle is valid and `name` (owned by `self.inserts`, untouched
        // since) is NUL-terminated. The three arrays hold `n` entries each; the value
        // pointers borrow from `chunk` and `self.ages`, which are alive and unchanged
        // for the call, and each is valid for its length (NULL for SQL NULL).
        let res = unsafe {
            ffi::PQexecPrepared(
                self.conn.as_ptr(),
                name,
                n,
                self.values.as_ptr(),
                self.lengths.as_ptr(),
                self.formats.as_ptr(),
                1,
            )
        };
        let res = self.check(res, "insert")?;
        // SAFETY: the result is valid; the string it returns lives as long as it.
        let tuples = unsafe { CStr::from_ptr(ffi::PQcmdTuples(res.0.as_ptr())) };
        tuples
            .to_str()
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| format!("insert: bad row count {tuples:?}"))
    }

    /// [`crate::bulk::CHECKSUM_SQL`] on this connection's table.
    pub fn checksum(&self) -> Result<[i64; 3], String> {
        let sql = CString::new(crate::bulk::CHECKSUM_SQL).map_err(|e| e.to_string())?;
        // SAFETY: the handle is valid and `sql` is NUL-terminated.
        let res = unsafe { ffi::PQexec(self.conn.as_ptr(), sql.as_ptr()) };
        let res = self.check(res, "checksum")?;
        let mut out = [0; 3];
        for (i, slot) in (0..).zip(&mut out) {
            // SAFETY: the result has one row of three text columns; each value is a
            // NUL-terminated string that lives as long as the result.
            let value = unsafe { CStr::from_ptr(ffi::PQgetvalue(res.0.as_ptr(), 0, i)) };
            *slot = value
                .to_str()
                .ok()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("checksum: bad value {value:?}"))?;
        }
        Ok(out)
    }
}

fn text_len(text: &str) -> Result<c_int, String> {
    c_int::try_from(text.len()).map_err(|e| e.to_string())
}

impl Drop for Connection {
    fn drop(&mut self) {
        // SAFETY: the handle is valid and finished once, here.
        unsafe { ffi::PQfinish(self.conn.as_ptr()) };
    }
}
