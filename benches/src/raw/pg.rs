//! PostgreSQL through `pq-sys`, done as a careful hand-written program would: one
//! named prepared statement per statement shape with its parameter types declared,
//! then `PQexecPrepared` with binary parameters (quarry's format too) and binary
//! results, decoded here.
//!
//! [`Connection`] runs the bulk insert; [`RawPg`] is the [`Driver`](crate::Driver) of the workload
//! suite. Both stand on `Handle`, which owns the connection.

use super::ReadColumns;
use crate::bulk::{self, PG_BIND_LIMIT, insert_sql, rows_per_statement};
use crate::data::{FILTER_COLOR, NewUser, Post, User, UserTree, nest};
use pq_sys as ffi;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr::NonNull;

const TEXT_OID: ffi::Oid = 25;
const INT4_OID: ffi::Oid = 23;
const INT4_ARRAY_OID: ffi::Oid = 1007;

/// A connection, finished on drop.
struct Handle(NonNull<ffi::PGconn>);

/// A `PGresult`, cleared on drop. It does not depend on its connection.
struct PgResult(NonNull<ffi::PGresult>);

impl Drop for PgResult {
    fn drop(&mut self) {
        // SAFETY: the result is valid and cleared once, here.
        unsafe { ffi::PQclear(self.0.as_ptr()) };
    }
}

impl Handle {
    fn connect(url: &str) -> Result<Self, String> {
        let url = CString::new(url).map_err(|e| e.to_string())?;
        // SAFETY: `url` is NUL-terminated.
        let conn = unsafe { ffi::PQconnectdb(url.as_ptr()) };
        let pg = Handle(NonNull::new(conn).ok_or("libpq could not allocate a connection")?);
        // SAFETY: the handle is valid.
        if unsafe { ffi::PQstatus(pg.0.as_ptr()) } != ffi::ConnStatusType::CONNECTION_OK {
            return Err(pg.error("connect"));
        }
        pg.exec("SET client_encoding = 'UTF8'")?;
        Ok(pg)
    }

    fn error(&self, what: &str) -> String {
        // SAFETY: the handle is valid; the message is NUL-terminated and copied at once.
        let msg = unsafe { CStr::from_ptr(ffi::PQerrorMessage(self.0.as_ptr())) };
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
    fn exec(&self, sql: &str) -> Result<(), String> {
        let sql = CString::new(sql).map_err(|e| e.to_string())?;
        // SAFETY: the handle is valid and `sql` is NUL-terminated.
        let res = unsafe { ffi::PQexec(self.0.as_ptr(), sql.as_ptr()) };
        self.check(res, "exec").map(drop)
    }

    /// Prepares `sql` as the statement `name`, with parameters of `types`.
    fn prepare(&self, name: &CStr, sql: &str, types: &[ffi::Oid]) -> Result<(), String> {
        let sql = CString::new(sql).map_err(|e| e.to_string())?;
        let n = c_int::try_from(types.len()).map_err(|e| e.to_string())?;
        // SAFETY: the handle is valid, `name` and `sql` are NUL-terminated and `types`
        // holds `n` entries.
        let res = unsafe {
            ffi::PQprepare(
                self.0.as_ptr(),
                name.as_ptr(),
                sql.as_ptr(),
                n,
                types.as_ptr(),
            )
        };
        self.check(res, "prepare").map(drop)
    }

    /// The name of `stmt`, preparing it on first use.
    fn cached(&self, stmt: &mut Prepared) -> Result<&'static CStr, String> {
        if !stmt.ready {
            self.prepare(stmt.name, stmt.sql, stmt.types)?;
            stmt.ready = true;
        }
        Ok(stmt.name)
    }

    /// The name of the statement for `n` in `statements`, preparing it on first use
    /// from what `make(n)` gives: its name, its SQL and its parameter types.
    fn cached_for<'s>(
        &self,
        statements: &'s mut HashMap<usize, CString>,
        n: usize,
        make: impl FnOnce(usize) -> (String, String, Vec<ffi::Oid>),
    ) -> Result<&'s CStr, String> {
        match statements.entry(n) {
            Entry::Occupied(entry) => Ok(entry.into_mut()),
            Entry::Vacant(entry) => {
                let (name, sql, types) = make(n);
                let name = CString::new(name).map_err(|e| e.to_string())?;
                self.prepare(&name, &sql, &types)?;
                Ok(entry.insert(name))
            }
        }
    }

    /// Runs the prepared statement `name` with `params`, asking for binary results.
    fn exec_prepared(
        &self,
        name: &CStr,
        params: &Params<'_>,
        what: &str,
    ) -> Result<PgResult, String> {
        let buf = &*params.buf;
        let n = c_int::try_from(buf.values.len()).map_err(|e| e.to_string())?;
        // SAFETY: the handle is valid and `name` is NUL-terminated. The three arrays
        // hold `n` entries each (`Params::push` fills them together); each value is
        // null (SQL NULL) or valid for its length, borrowed for the lifetime of
        // `params`, which outlasts the call.
        let res = unsafe {
            ffi::PQexecPrepared(
                self.0.as_ptr(),
                name.as_ptr(),
                n,
                buf.values.as_ptr(),
                buf.lengths.as_ptr(),
                buf.formats.as_ptr(),
                1,
            )
        };
        self.check(res, what)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle is valid and finished once, here.
        unsafe { ffi::PQfinish(self.0.as_ptr()) };
    }
}

/// A statement of fixed text, prepared under its name on first use.
struct Prepared {
    name: &'static CStr,
    sql: &'static str,
    types: &'static [ffi::Oid],
    ready: bool,
}

impl Prepared {
    const fn new(name: &'static CStr, sql: &'static str, types: &'static [ffi::Oid]) -> Self {
        Prepared {
            name,
            sql,
            types,
            ready: false,
        }
    }
}

/// The parameter arrays of `PQexecPrepared`, kept between statements so that they are
/// allocated once. Filled only through [`Params`].
#[derive(Default)]
struct ParamBuf {
    values: Vec<*const c_char>,
    lengths: Vec<c_int>,
    formats: Vec<c_int>,
}

impl ParamBuf {
    /// Empties the arrays for a new statement's parameters, which borrow for as long as
    /// the returned [`Params`] lives.
    fn start(&mut self) -> Params<'_> {
        self.values.clear();
        self.lengths.clear();
        self.formats.clear();
        Params { buf: self }
    }
}

/// One statement's parameters, all binary, whose values borrow for `'a`: the pointers
/// in the arrays stay valid as long as this lives.
struct Params<'a> {
    buf: &'a mut ParamBuf,
}

impl<'a> Params<'a> {
    /// Adds a parameter in binary format, or NULL.
    fn push(&mut self, value: Option<&'a [u8]>) -> Result<(), String> {
        let (ptr, len) = match value {
            Some(bytes) => (bytes.as_ptr().cast(), bytes.len()),
            None => (std::ptr::null(), 0),
        };
        let len = c_int::try_from(len).map_err(|e| e.to_string())?;
        self.buf.values.push(ptr);
        self.buf.lengths.push(len);
        self.buf.formats.push(1);
        Ok(())
    }
}

impl PgResult {
    /// The rows affected by a command, as `PQcmdTuples` gives them.
    fn affected(&self) -> Result<usize, String> {
        // SAFETY: the result is valid; the string it returns lives as long as it.
        let tuples = unsafe { CStr::from_ptr(ffi::PQcmdTuples(self.0.as_ptr())) };
        tuples
            .to_str()
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| format!("bad row count {tuples:?}"))
    }

    /// The rows, after checking that the columns are of `types`.
    fn tuples(
        &self,
        types: &[ffi::Oid],
    ) -> Result<impl ExactSizeIterator<Item = Tuple<'_>>, String> {
        let ptr = self.0.as_ptr();
        // SAFETY: the result is valid.
        let (rows, columns) = unsafe { (ffi::PQntuples(ptr), ffi::PQnfields(ptr)) };
        if usize::try_from(columns).ok() != Some(types.len()) {
            return Err(format!("{columns} columns, expected {}", types.len()));
        }
        for (col, &expected) in (0..).zip(types) {
            // SAFETY: the result is valid and `col` is one of its columns.
            let found = unsafe { ffi::PQftype(ptr, col) };
            if found != expected {
                return Err(format!("column {col}: type {found}, expected {expected}"));
            }
        }
        Ok((0..rows).map(move |row| Tuple {
            res: self,
            row,
            columns,
        }))
    }
}

/// Reads every row with `read`.
fn read_all<'r, T>(
    tuples: impl ExactSizeIterator<Item = Tuple<'r>>,
    read: impl Fn(&Tuple<'r>) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let mut out = Vec::with_capacity(tuples.len());
    for tuple in tuples {
        out.push(read(&tuple)?);
    }
    Ok(out)
}

/// One row of a result.
struct Tuple<'r> {
    res: &'r PgResult,
    /// In range: only [`PgResult::tuples`] makes tuples.
    row: c_int,
    columns: c_int,
}

impl<'r> Tuple<'r> {
    /// The binary value of column `col`, or `None` for NULL.
    fn value(&self, col: c_int) -> Result<Option<&'r [u8]>, String> {
        if !(0..self.columns).contains(&col) {
            return Err(format!("column {col} of {}", self.columns));
        }
        let ptr = self.res.0.as_ptr();
        // SAFETY: the result is valid and the row and column are in range. A non-NULL
        // value is valid for its length and lives as long as the result, which
        // `'r` borrows.
        unsafe {
            if ffi::PQgetisnull(ptr, self.row, col) != 0 {
                return Ok(None);
            }
            let value = ffi::PQgetvalue(ptr, self.row, col).cast::<u8>();
            let len = usize::try_from(ffi::PQgetlength(ptr, self.row, col)).unwrap_or(0);
            Ok(Some(std::slice::from_raw_parts(value, len)))
        }
    }

    fn is_null(&self, col: c_int) -> Result<bool, String> {
        Ok(self.value(col)?.is_none())
    }
}

impl ReadColumns for Tuple<'_> {
    /// An `int4 NOT NULL` column: four big-endian bytes.
    fn int(&self, col: c_int) -> Result<i32, String> {
        let bytes = self
            .value(col)?
            .ok_or_else(|| format!("column {col}: unexpected NULL"))?;
        let bytes = <[u8; 4]>::try_from(bytes)
            .map_err(|_| format!("column {col}: {} bytes for an int4", bytes.len()))?;
        Ok(i32::from_be_bytes(bytes))
    }

    /// A `text` column: its UTF-8 bytes.
    fn nullable_text(&self, col: c_int) -> Result<Option<String>, String> {
        match self.value(col)? {
            None => Ok(None),
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => Ok(Some(text.to_owned())),
                Err(e) => Err(format!("column {col}: {e}")),
            },
        }
    }
}

/// Writes `ids` to `out` as a binary `int4[]`: the number of dimensions (1), a has-NULLs
/// flag (0) and the element type, the dimension's length and lower bound (1), then each
/// element's length (4) and value, all big-endian.
fn encode_int4_array(
    out: &mut Vec<u8>,
    ids: impl ExactSizeIterator<Item = i32>,
) -> Result<(), String> {
    let len = i32::try_from(ids.len()).map_err(|e| e.to_string())?;
    out.clear();
    out.reserve(20 + 8 * ids.len());
    out.extend_from_slice(&1i32.to_be_bytes());
    out.extend_from_slice(&0i32.to_be_bytes());
    out.extend_from_slice(&INT4_OID.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&1i32.to_be_bytes());
    for id in ids {
        out.extend_from_slice(&4i32.to_be_bytes());
        out.extend_from_slice(&id.to_be_bytes());
    }
    Ok(())
}

/// A connection and its prepared inserts, for the bulk-insert benchmark.
pub struct Connection {
    pg: Handle,
    /// The name of the prepared multi-row insert for each chunk length.
    inserts: HashMap<usize, CString>,
    params: ParamBuf,
    /// The chunk's ages in binary, which the parameters point into.
    ages: Vec<[u8; 4]>,
}

impl Connection {
    pub fn connect(url: &str) -> Result<Self, String> {
        Ok(Connection {
            pg: Handle::connect(url)?,
            inserts: HashMap::new(),
            params: ParamBuf::default(),
            ages: Vec::new(),
        })
    }

    /// Runs SQL without parameters.
    pub fn exec(&self, sql: &str) -> Result<(), String> {
        self.pg.exec(sql)
    }

    /// Inserts `rows` in chunks of quarry's size, in one transaction when there are
    /// several; returns the number of rows inserted.
    pub fn insert_users(&mut self, rows: &[bulk::NewUser<'_>]) -> Result<usize, String> {
        super::insert_in_chunks(
            self,
            rows,
            rows_per_statement(PG_BIND_LIMIT),
            Self::exec,
            Self::insert_chunk,
        )
    }

    fn insert_chunk(&mut self, chunk: &[bulk::NewUser<'_>]) -> Result<usize, String> {
        let name = self.pg.cached_for(&mut self.inserts, chunk.len(), |n| {
            let types = [TEXT_OID, TEXT_OID, INT4_OID].repeat(n);
            (format!("raw_insert_{n}"), insert_sql(n, true), types)
        })?;
        self.ages.clear();
        self.ages
            .extend(chunk.iter().map(|row| row.age.to_be_bytes()));
        let mut params = self.params.start();
        for (row, age) in chunk.iter().zip(&self.ages) {
            params.push(Some(row.name.as_bytes()))?;
            params.push(row.hair_color.map(str::as_bytes))?;
            params.push(Some(age))?;
        }
        let res = self.pg.exec_prepared(name, &params, "insert")?;
        res.affected().map_err(|e| format!("insert: {e}"))
    }

    /// Copies `rows` with one `COPY … FROM STDIN (FORMAT binary)`, the data sent in
    /// pieces of 64 KiB as quarry's `copy_in` sends it; returns the number of rows.
    pub fn copy_users(&mut self, rows: &[bulk::NewUser<'_>]) -> Result<usize, String> {
        const PIECE: usize = 64 * 1024;
        let sql = c"COPY users (name, hair_color, age) FROM STDIN (FORMAT binary)";
        // SAFETY: the handle is valid and `sql` is NUL-terminated.
        let res = unsafe { ffi::PQexec(self.pg.0.as_ptr(), sql.as_ptr()) };
        let res = PgResult(NonNull::new(res).ok_or_else(|| self.pg.error("copy"))?);
        // SAFETY: the result is valid.
        if unsafe { ffi::PQresultStatus(res.0.as_ptr()) } != ffi::ExecStatusType::PGRES_COPY_IN {
            return Err(self.pg.error("copy"));
        }
        let mut buf = Vec::with_capacity(PIECE + 1024);
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&[0; 8]);
        for (i, row) in rows.iter().enumerate() {
            buf.extend_from_slice(&3i16.to_be_bytes());
            buf.extend_from_slice(&(row.name.len() as i32).to_be_bytes());
            buf.extend_from_slice(row.name.as_bytes());
            match row.hair_color {
                Some(color) => {
                    buf.extend_from_slice(&(color.len() as i32).to_be_bytes());
                    buf.extend_from_slice(color.as_bytes());
                }
                None => buf.extend_from_slice(&(-1i32).to_be_bytes()),
            }
            buf.extend_from_slice(&4i32.to_be_bytes());
            buf.extend_from_slice(&row.age.to_be_bytes());
            if i + 1 == rows.len() {
                buf.extend_from_slice(&(-1i16).to_be_bytes());
            }
            if buf.len() >= PIECE || i + 1 == rows.len() {
                // SAFETY: the handle is valid; `buf` is readable for its length (a
                // little over 64 KiB, which fits a c_int); libpq copies it.
                let ok = unsafe {
                    ffi::PQputCopyData(self.pg.0.as_ptr(), buf.as_ptr().cast(), buf.len() as c_int)
                };
                if ok != 1 {
                    return Err(self.pg.error("copy data"));
                }
                buf.clear();
            }
        }
        // SAFETY: the handle is valid; a null message ends the COPY successfully.
        if unsafe { ffi::PQputCopyEnd(self.pg.0.as_ptr(), std::ptr::null()) } != 1 {
            return Err(self.pg.error("copy end"));
        }
        // SAFETY: the handle is valid; the COPY's outcome, then the end of the request.
        let res = self
            .pg
            .check(unsafe { ffi::PQgetResult(self.pg.0.as_ptr()) }, "copy")?;
        // SAFETY: as above.
        while let Some(extra) = NonNull::new(unsafe { ffi::PQgetResult(self.pg.0.as_ptr()) }) {
            drop(PgResult(extra));
        }
        res.affected().map_err(|e| format!("copy: {e}"))
    }

    /// [`crate::bulk::CHECKSUM_SQL`] on this connection's table.
    pub fn checksum(&self) -> Result<[i64; 3], String> {
        let sql = CString::new(crate::bulk::CHECKSUM_SQL).map_err(|e| e.to_string())?;
        // SAFETY: the handle is valid and `sql` is NUL-terminated.
        let res = unsafe { ffi::PQexec(self.pg.0.as_ptr(), sql.as_ptr()) };
        let res = self.pg.check(res, "checksum")?;
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

const USER_COLUMNS: &[ffi::Oid] = &[INT4_OID, TEXT_OID, TEXT_OID];
const POST_COLUMNS: &[ffi::Oid] = &[INT4_OID, INT4_OID, TEXT_OID, TEXT_OID];
const USER_POST_COLUMNS: &[ffi::Oid] = &[
    INT4_OID, TEXT_OID, TEXT_OID, INT4_OID, INT4_OID, TEXT_OID, TEXT_OID,
];
const COMMENT_COLUMNS: &[ffi::Oid] = &[INT4_OID, INT4_OID, TEXT_OID];

/// The workload suite's [`Driver`](crate::Driver) on one PostgreSQL connection, through libpq.
pub struct RawPg {
    pg: Handle,
    // The workloads' statements, each prepared on first use (the tables do not exist
    // before the suite's setup) and kept.
    select_users: Prepared,
    users_with_posts: Prepared,
    find_user: Prepared,
    posts_of: Prepared,
    comments_of: Prepared,
    /// The name of the prepared multi-row insert for each row count.
    inserts: HashMap<usize, CString>,
    params: ParamBuf,
    /// The binary `int4[]` parameter of the tree's second and third queries.
    ids: Vec<u8>,
}

impl RawPg {
    /// Connects to the server at `url`; panics if libpq cannot.
    pub fn connect(url: &str) -> Self {
        RawPg {
            pg: Handle::connect(url).expect("raw PostgreSQL: connect"),
            select_users: Prepared::new(
                c"raw_select_users",
                "SELECT id, name, hair_color FROM users",
                &[],
            ),
            users_with_posts: Prepared::new(
                c"raw_users_with_posts",
                "SELECT users.id, users.name, users.hair_color, \
                 posts.id, posts.user_id, posts.title, posts.body \
                 FROM users LEFT JOIN posts ON posts.user_id = users.id \
                 WHERE users.hair_color = $1",
                &[TEXT_OID],
            ),
            find_user: Prepared::new(
                c"raw_find_user",
                "SELECT id, name, hair_color FROM users WHERE id = $1",
                &[INT4_OID],
            ),
            posts_of: Prepared::new(
                c"raw_posts_of",
                "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)",
                &[INT4_ARRAY_OID],
            ),
            comments_of: Prepared::new(
                c"raw_comments_of",
                "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)",
                &[INT4_ARRAY_OID],
            ),
            inserts: HashMap::new(),
            params: ParamBuf::default(),
            ids: Vec::new(),
        }
    }

    fn select_users(&mut self) -> Result<Vec<User>, String> {
        let name = self.pg.cached(&mut self.select_users)?;
        let res = self
            .pg
            .exec_prepared(name, &self.params.start(), "select users")?;
        read_all(res.tuples(USER_COLUMNS)?, |row| row.user(0))
    }

    fn users_with_posts(&mut self) -> Result<Vec<(User, Option<Post>)>, String> {
        let name = self.pg.cached(&mut self.users_with_posts)?;
        let mut params = self.params.start();
        params.push(Some(FILTER_COLOR.as_bytes()))?;
        let res = self
            .pg
            .exec_prepared(name, &params, "users left join posts")?;
        read_all(res.tuples(USER_POST_COLUMNS)?, |row| {
            let user = row.user(0)?;
            let post = if row.is_null(3)? {
                None
            } else {
                Some(row.post(3)?)
            };
            Ok((user, post))
        })
    }

    fn insert_users(&mut self, rows: &[NewUser<'_>]) -> Result<usize, String> {
        if rows.is_empty() {
            return Ok(0);
        }
        let name = self.pg.cached_for(&mut self.inserts, rows.len(), |n| {
            let types = [TEXT_OID, TEXT_OID].repeat(n);
            let sql = super::insert_users_sql(n, true);
            (format!("raw_insert_users_{n}"), sql, types)
        })?;
        let mut params = self.params.start();
        for row in rows {
            params.push(Some(row.name.as_bytes()))?;
            params.push(row.hair_color.map(str::as_bytes))?;
        }
        let res = self.pg.exec_prepared(name, &params, "insert users")?;
        res.affected().map_err(|e| format!("insert users: {e}"))
    }

    fn load_tree(&mut self) -> Result<Vec<UserTree>, String> {
        let users = self.select_users()?;

        let name = self.pg.cached(&mut self.posts_of)?;
        encode_int4_array(&mut self.ids, users.iter().map(|u| u.id))?;
        let mut params = self.params.start();
        params.push(Some(&self.ids))?;
        let res = self.pg.exec_prepared(name, &params, "select posts")?;
        let posts = read_all(res.tuples(POST_COLUMNS)?, |row| row.post(0))?;

        let name = self.pg.cached(&mut self.comments_of)?;
        encode_int4_array(&mut self.ids, posts.iter().map(|p| p.id))?;
        let mut params = self.params.start();
        params.push(Some(&self.ids))?;
        let res = self.pg.exec_prepared(name, &params, "select comments")?;
        let comments = read_all(res.tuples(COMMENT_COLUMNS)?, |row| row.comment(0))?;

        Ok(nest(users, posts, comments))
    }

    fn find_user(&mut self, id: i32) -> Result<Option<User>, String> {
        let name = self.pg.cached(&mut self.find_user)?;
        let id = id.to_be_bytes();
        let mut params = self.params.start();
        params.push(Some(&id))?;
        let res = self.pg.exec_prepared(name, &params, "find user")?;
        let first = res.tuples(USER_COLUMNS)?.next();
        first.map(|row| row.user(0)).transpose()
    }
}

super::driver_from_methods!(RawPg, pg, "raw PostgreSQL");

#[cfg(test)]
mod tests {
    use super::{RawPg, encode_int4_array};
    use crate::data::Backend;

    #[test]
    fn int4_arrays_are_encoded_as_postgresql_reads_them() {
        let mut out = vec![0xff];
        encode_int4_array(&mut out, [1, -2].into_iter()).unwrap();
        #[rustfmt::skip]
        let expected = [
            0, 0, 0, 1, // dimensions
            0, 0, 0, 0, // no NULLs
            0, 0, 0, 23, // int4
            0, 0, 0, 2, // length
            0, 0, 0, 1, // lower bound
            0, 0, 0, 4, 0, 0, 0, 1, // 1
            0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe, // -2
        ];
        assert_eq!(out, expected);
    }

    /// The driver, in a schema of its own that is dropped at the end, passing or not.
    struct InSchema {
        driver: RawPg,
        schema: String,
    }

    impl Drop for InSchema {
        fn drop(&mut self) {
            // Best effort: a failure here must not hide the test's own.
            let _ = (self.driver.pg).exec(&format!("DROP SCHEMA {} CASCADE", self.schema));
        }
    }

    #[test]
    fn every_workload_returns_the_expected_rows() {
        let Ok(url) = std::env::var("QUARRY_PG_URL") else {
            eprintln!(
                "QUARRY_PG_URL is not set: skipping \
                 (export QUARRY_PG_URL=$(cargo xtask pg-start) to run it)"
            );
            return;
        };
        let schema = format!("raw_test_{}", std::process::id());
        let mut test = InSchema {
            driver: RawPg::connect(&url),
            schema,
        };
        let setup = format!(
            "SET client_min_messages = warning; DROP SCHEMA IF EXISTS {0} CASCADE; \
             CREATE SCHEMA {0}; SET search_path TO {0}",
            test.schema
        );
        (test.driver.pg)
            .exec(&setup)
            .expect("create the test schema");
        super::super::check::every_workload(&mut test.driver, Backend::Pg);
    }
}
