//! libpq, behind owned handles. All of quarry's unsafe PostgreSQL code is here.
//!
//! The wrapper keeps three things apart so that a non-blocking driver can reuse it:
//! connection state ([`RawConnection`]), sending (`send_*`, which only queue a request),
//! and result handling ([`RawResult`]). Nothing here waits for the server except in
//! libpq's blocking mode (the blocking connection's); the drivers in `driver.rs` wait
//! through their `Io`.
#![allow(unsafe_code)] // FFI

use super::types::{Place, encode_given, encode_ref};
use crate::error::{DatabaseError, DatabaseErrorKind, Error, QueryResult};
use crate::query::BindSink;
use crate::types::BindValue;
use pq_sys as ffi;
use std::cell::Cell;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr::NonNull;
use std::time::{Duration, Instant};

/// A PostgreSQL type OID.
pub(super) type Oid = ffi::Oid;

/// An open `PGconn*`, closed on drop.
pub(super) struct RawConnection {
    conn: NonNull<ffi::PGconn>,
    /// How long to wait for the server's answer; `None`: as long as it takes.
    read_timeout: Option<Duration>,
    /// Set when the read timeout ran out: the connection is then unusable.
    timed_out: Cell<bool>,
}

// SAFETY: a PGconn may move between threads as long as it is used by one thread at a
// time, which `&mut` access through the owning connection guarantees (libpq is built
// thread-safe on every platform PostgreSQL supports).
unsafe impl Send for RawConnection {}

/// libpq prints server notices (`NOTICE: …`) on stderr by default; quarry drops them.
extern "C" fn ignore_notice(_arg: *mut c_void, _message: *const c_char) {}

impl RawConnection {
    /// Connects, waiting for the connection to be made or to fail. `options` are libpq
    /// keywords and values, in order: a later one overrides an earlier one, and a
    /// `dbname` holding a URL or `key=value` string is expanded in its place (libpq's
    /// `expand_dbname`), so options before it are defaults that it may override.
    pub(super) fn connect(options: &[(&CStr, &CStr)]) -> QueryResult<Self> {
        let raw = Self::open(options, ffi::PQconnectdbParams)?;
        if !raw.is_ok() {
            return Err(Error::Connection(raw.error_message()));
        }
        Ok(raw)
    }

    #[cfg(feature = "tokio")]
    /// Starts connecting without waiting (`PQconnectStartParams`): drive it with
    /// [`connect_poll`](Self::connect_poll). `options` as for [`connect`](Self::connect).
    pub(super) fn connect_start(options: &[(&CStr, &CStr)]) -> QueryResult<Self> {
        let raw = Self::open(options, ffi::PQconnectStartParams)?;
        // SAFETY: the handle is valid.
        if unsafe { ffi::PQstatus(raw.conn.as_ptr()) } == ffi::ConnStatusType::CONNECTION_BAD {
            return Err(Error::Connection(raw.error_message()));
        }
        Ok(raw)
    }

    /// A handle from libpq's `start` (`PQconnectdbParams` or `PQconnectStartParams`),
    /// owned from here on so that it is freed on every path, with server notices dropped.
    fn open(
        options: &[(&CStr, &CStr)],
        start: unsafe extern "C" fn(
            *const *const c_char,
            *const *const c_char,
            c_int,
        ) -> *mut ffi::PGconn,
    ) -> QueryResult<Self> {
        let mut keywords: Vec<*const c_char> = options.iter().map(|(k, _)| k.as_ptr()).collect();
        let mut values: Vec<*const c_char> = options.iter().map(|(_, v)| v.as_ptr()).collect();
        keywords.push(std::ptr::null());
        values.push(std::ptr::null());
        // SAFETY: both arrays are null-terminated and as long as each other; every
        // non-null entry points to a NUL-terminated string that `options` borrows for
        // the duration of the call (libpq copies what it keeps).
        let conn = unsafe { start(keywords.as_ptr(), values.as_ptr(), 1) };
        let Some(conn) = NonNull::new(conn) else {
            return Err(Error::Connection(
                "libpq could not allocate a connection".into(),
            ));
        };
        let raw = RawConnection {
            conn,
            read_timeout: None,
            timed_out: Cell::new(false),
        };
        // SAFETY: the handle is valid; the processor is a plain function that ignores
        // its arguments, and the null argument pointer is never read.
        unsafe {
            ffi::PQsetNoticeProcessor(conn.as_ptr(), Some(ignore_notice), std::ptr::null_mut());
        }
        Ok(raw)
    }

    #[cfg(feature = "tokio")]
    /// One step of a connect started by [`connect_start`](Self::connect_start)
    /// (`PQconnectPoll`): what to wait for before the next step.
    pub(super) fn connect_poll(&self) -> ConnectPoll {
        use ffi::PostgresPollingStatusType::*;
        // SAFETY: the handle is valid.
        match unsafe { ffi::PQconnectPoll(self.conn.as_ptr()) } {
            PGRES_POLLING_OK => ConnectPoll::Done,
            PGRES_POLLING_READING => ConnectPoll::Read,
            PGRES_POLLING_WRITING | PGRES_POLLING_ACTIVE => ConnectPoll::Write,
            PGRES_POLLING_FAILED => ConnectPoll::Failed,
        }
    }

    #[cfg(feature = "tokio")]
    /// The handle that cancels what this connection runs, from any thread.
    pub(super) fn cancel_handle(&self) -> Option<RawCancel> {
        // SAFETY: the handle is valid; a non-null result is owned by the caller.
        NonNull::new(unsafe { ffi::PQgetCancel(self.conn.as_ptr()) }).map(RawCancel)
    }

    /// How long [`next_result`](Self::next_result) waits for the server; `None` waits
    /// as long as it takes.
    pub(super) fn set_read_timeout(&mut self, timeout: Option<Duration>) {
        self.read_timeout = timeout;
    }

    /// Whether reading the next result would wait for the server (`PQisBusy`).
    pub(super) fn is_busy(&self) -> bool {
        // SAFETY: the handle is valid while `self` lives.
        unsafe { ffi::PQisBusy(self.conn.as_ptr()) == 1 }
    }

    /// Waits until a result can be read without blocking, for at most the read timeout.
    /// When it runs out, the connection is given up: what the server does with the
    /// request in flight is unknown, so no later request may follow it on this socket.
    fn wait_for_result(&self, timeout: Duration) -> QueryResult<()> {
        let deadline = Instant::now() + timeout;
        while self.is_busy() {
            let left = deadline.saturating_duration_since(Instant::now());
            // SAFETY: the handle is valid while `self` lives.
            let socket = unsafe { ffi::PQsocket(self.conn.as_ptr()) };
            if socket < 0 {
                // No socket: PQgetResult reports the lost connection.
                return Ok(());
            }
            let mut fd = libc::pollfd {
                fd: socket,
                events: libc::POLLIN,
                revents: 0,
            };
            // Rounded up, so that a wait never ends before the deadline.
            let millis = c_int::try_from(left.as_micros().div_ceil(1000)).unwrap_or(c_int::MAX);
            // SAFETY: `fd` is one valid pollfd for the duration of the call.
            let ready = unsafe { libc::poll(&mut fd, 1, millis) };
            if ready < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Ok(()); // PQconsumeInput and PQgetResult report what is wrong.
            }
            if ready == 0 {
                if Instant::now() < deadline {
                    continue;
                }
                self.timed_out.set(true);
                return Err(Error::Connection(format!(
                    "PostgreSQL did not answer within {timeout:?} (the connection's read \
                     timeout); the connection is given up: establish a new one"
                )));
            }
            // SAFETY: the handle is valid while `self` lives.
            if unsafe { ffi::PQconsumeInput(self.conn.as_ptr()) } == 0 {
                return Ok(()); // PQgetResult reports the error.
            }
        }
        Ok(())
    }

    /// The handle, for the COPY calls in `raw_copy`.
    pub(super) fn as_ptr(&self) -> *mut ffi::PGconn {
        self.conn.as_ptr()
    }

    /// Gives the connection up: from now on it reports itself broken.
    #[cfg(feature = "tokio")]
    pub(super) fn give_up(&self) {
        self.timed_out.set(true);
    }

    /// Whether the connection is usable (`CONNECTION_OK`, and no read timed out).
    pub(super) fn is_ok(&self) -> bool {
        // SAFETY: the handle is valid while `self` lives.
        let ok = unsafe { ffi::PQstatus(self.conn.as_ptr()) == ffi::ConnStatusType::CONNECTION_OK };
        ok && !self.timed_out.get()
    }

    /// libpq's last message for this connection.
    pub(super) fn error_message(&self) -> String {
        // SAFETY: the handle is valid; PQerrorMessage returns a NUL-terminated string
        // owned by the connection, which we copy at once.
        let msg = unsafe { CStr::from_ptr(ffi::PQerrorMessage(self.conn.as_ptr())) };
        msg.to_string_lossy().trim().to_owned()
    }

    /// The error for a failed send: the connection's message, as a lost connection if
    /// the connection is gone.
    /// The outcome of a `PQsend*` call that returned `ok`.
    fn sent(&self, ok: std::os::raw::c_int) -> QueryResult<()> {
        if ok == 1 {
            Ok(())
        } else {
            Err(self.send_error())
        }
    }

    pub(super) fn send_error(&self) -> Error {
        let message = self.error_message();
        if self.is_ok() {
            Error::InvalidQuery(message)
        } else {
            Error::Connection(format!("connection lost: {message}"))
        }
    }

    /// Queues a simple-protocol query: any number of statements, no parameters, text
    /// results.
    pub(super) fn send_query(&self, sql: &CStr) -> QueryResult<()> {
        // SAFETY: the handle is valid and `sql` is NUL-terminated for the call.
        let ok = unsafe { ffi::PQsendQuery(self.conn.as_ptr(), sql.as_ptr()) };
        self.sent(ok)
    }

    /// Queues the preparation of `sql` as statement `name`, with parameter types.
    pub(super) fn send_prepare(&self, name: &CStr, sql: &CStr, types: &[Oid]) -> QueryResult<()> {
        let n = param_count(types.len())?;
        // SAFETY: the handle is valid; `name` and `sql` are NUL-terminated and `types`
        // holds `n` OIDs, all alive for the duration of the call (libpq copies them).
        let ok = unsafe {
            ffi::PQsendPrepare(
                self.conn.as_ptr(),
                name.as_ptr(),
                sql.as_ptr(),
                n,
                types.as_ptr(),
            )
        };
        self.sent(ok)
    }

    /// Queues the execution of prepared statement `name`, with binary results.
    pub(super) fn send_query_prepared(&self, name: &CStr, params: &Params<'_>) -> QueryResult<()> {
        let n = param_count(params.values.len())?;
        // SAFETY: the handle is valid; `name` is NUL-terminated; the four parameter
        // arrays each hold `n` entries whose pointers stay valid for the call: they
        // point into data borrowed for `params`' lifetime or into the buffer `params`
        // owns (libpq copies the data into its output buffer before returning).
        let ok = unsafe {
            ffi::PQsendQueryPrepared(
                self.conn.as_ptr(),
                name.as_ptr(),
                n,
                params.values.as_ptr(),
                params.lengths.as_ptr(),
                params.formats.as_ptr(),
                1,
            )
        };
        self.sent(ok)
    }

    /// Queues an unnamed statement with parameters, with binary results.
    pub(super) fn send_query_params(&self, sql: &CStr, params: &Params<'_>) -> QueryResult<()> {
        let n = param_count(params.values.len())?;
        // SAFETY: as in `send_query_prepared`; `types` also holds `n` entries.
        let ok = unsafe {
            ffi::PQsendQueryParams(
                self.conn.as_ptr(),
                sql.as_ptr(),
                n,
                params.types.as_ptr(),
                params.values.as_ptr(),
                params.lengths.as_ptr(),
                params.formats.as_ptr(),
                1,
            )
        };
        self.sent(ok)
    }

    /// Asks for the rows of the query just sent one result each (`PQsetSingleRowMode`),
    /// so that they are read as they come, not all at once. Must follow the send at
    /// once.
    pub(super) fn set_single_row_mode(&self) -> QueryResult<()> {
        // SAFETY: the handle is valid.
        if unsafe { ffi::PQsetSingleRowMode(self.conn.as_ptr()) } == 1 {
            Ok(())
        } else {
            Err(Error::InvalidQuery(
                "libpq could not read this query's rows one at a time".into(),
            ))
        }
    }

    /// Enters libpq's pipeline mode (`PQenterPipelineMode`): requests are sent without
    /// waiting for the previous one's results.
    #[cfg(feature = "tokio")]
    pub(super) fn enter_pipeline(&self) -> QueryResult<()> {
        // SAFETY: the handle is valid.
        self.sent(unsafe { ffi::PQenterPipelineMode(self.conn.as_ptr()) })
    }

    /// Leaves pipeline mode once every result has been read (`PQexitPipelineMode`).
    #[cfg(feature = "tokio")]
    pub(super) fn exit_pipeline(&self) -> QueryResult<()> {
        // SAFETY: the handle is valid.
        self.sent(unsafe { ffi::PQexitPipelineMode(self.conn.as_ptr()) })
    }

    /// Marks the end of a unit of the pipeline (`PQpipelineSync`): an error before it
    /// does not affect the requests after it.
    #[cfg(feature = "tokio")]
    pub(super) fn pipeline_sync(&self) -> QueryResult<()> {
        // SAFETY: the handle is valid.
        self.sent(unsafe { ffi::PQpipelineSync(self.conn.as_ptr()) })
    }

    /// Whether no transaction is open (`PQTRANS_IDLE`).
    pub(super) fn is_idle(&self) -> bool {
        // SAFETY: the handle is valid.
        unsafe {
            ffi::PQtransactionStatus(self.conn.as_ptr())
                == ffi::PGTransactionStatusType::PQTRANS_IDLE
        }
    }

    /// Whether a transaction is open and has failed (`PQTRANS_INERROR`): the server
    /// refuses every command but `ROLLBACK`.
    pub(super) fn in_failed_transaction(&self) -> bool {
        // SAFETY: the handle is valid.
        unsafe {
            ffi::PQtransactionStatus(self.conn.as_ptr())
                == ffi::PGTransactionStatusType::PQTRANS_INERROR
        }
    }

    /// The next result of the request in flight, or `None` when it is complete.
    /// Blocks until the result has arrived (the connection is in blocking mode), for at
    /// most the read timeout.
    pub(super) fn next_result(&self) -> QueryResult<Option<RawResult>> {
        self.wait_in_blocking_mode()?;
        Ok(self.get_result())
    }

    /// In blocking mode, waits for the next result for at most the read timeout, if one
    /// is set (without one, `PQgetResult` itself waits).
    pub(super) fn wait_in_blocking_mode(&self) -> QueryResult<()> {
        match self.read_timeout {
            Some(timeout) => self.wait_for_result(timeout),
            None => Ok(()),
        }
    }

    /// `PQgetResult`: the next result, or `None` when the request is complete. It waits
    /// for the server in blocking mode; in non-blocking mode call it only when
    /// [`is_busy`](Self::is_busy) is false.
    pub(super) fn get_result(&self) -> Option<RawResult> {
        // SAFETY: the handle is valid; a non-null result is owned by the caller.
        let res = unsafe { ffi::PQgetResult(self.conn.as_ptr()) };
        NonNull::new(res).map(|res| RawResult { res })
    }

    /// Waits for every result of the request in flight and returns the last one, or
    /// the first error.
    pub(super) fn finish(&self) -> QueryResult<RawResult> {
        let mut last = None;
        while let Some(result) = self.next_result()? {
            self.take_result(result, &mut last)?;
        }
        last.unwrap_or_else(|| Err(self.send_error()))
    }

    /// Notes one result of a request in `last`, which ends as the request's outcome:
    /// its last result, or its first error. Results after an error are still read, so
    /// that the connection is ready for the next request. Fails only when the request
    /// cannot be read to its end.
    pub(super) fn take_result(
        &self,
        result: RawResult,
        last: &mut Option<QueryResult<RawResult>>,
    ) -> QueryResult<()> {
        let checked = match result.copy_state() {
            // A COPY waits for data this request cannot send or take: libpq would
            // hand the same result back forever. End it and read on.
            Some(state) => match self.abandon_copy(state) {
                Ok(error) => Err(error),
                // libpq refused to end it: stop, rather than loop on it.
                Err(error) => return Err(error),
            },
            None => result.check(self),
        };
        if !matches!(last, Some(Err(_))) {
            *last = Some(checked);
        }
        Ok(())
    }

    #[cfg(feature = "tokio")]
    /// Puts the connection in libpq's non-blocking mode: sends queue what the socket
    /// does not take at once (see [`flush`](Self::flush)).
    pub(super) fn set_nonblocking(&self) -> QueryResult<()> {
        // SAFETY: the handle is valid.
        if unsafe { ffi::PQsetnonblocking(self.conn.as_ptr(), 1) } == 0 {
            Ok(())
        } else {
            Err(Error::Connection(self.error_message()))
        }
    }

    #[cfg(feature = "tokio")]
    /// `PQflush`: sends what is queued. `Ok(true)` when all of it is sent, `Ok(false)`
    /// when the socket must become writable first.
    pub(super) fn flush(&self) -> QueryResult<bool> {
        // SAFETY: the handle is valid.
        match unsafe { ffi::PQflush(self.conn.as_ptr()) } {
            0 => Ok(true),
            1 => Ok(false),
            _ => Err(Error::Connection(format!(
                "connection lost: {}",
                self.error_message()
            ))),
        }
    }

    #[cfg(feature = "tokio")]
    /// `PQconsumeInput`: reads what the socket holds. `false` on a failure, which the
    /// next `PQgetResult` reports.
    pub(super) fn consume_input(&self) -> bool {
        // SAFETY: the handle is valid.
        unsafe { ffi::PQconsumeInput(self.conn.as_ptr()) == 1 }
    }

    #[cfg(feature = "tokio")]
    /// The connection's socket, `None` when there is none (the connection is lost).
    pub(super) fn socket(&self) -> Option<std::os::fd::RawFd> {
        // SAFETY: the handle is valid.
        let fd = unsafe { ffi::PQsocket(self.conn.as_ptr()) };
        (fd >= 0).then_some(fd)
    }

    #[cfg(feature = "tokio")]
    /// Whether the socket has data to read right now (a `poll` that does not wait).
    pub(super) fn socket_readable_now(&self) -> bool {
        let Some(fd) = self.socket() else {
            return true; // PQconsumeInput reports the lost connection.
        };
        let mut pollfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `pollfd` is one valid pollfd for the duration of the call.
        unsafe { libc::poll(&mut pollfd, 1, 0) != 0 }
    }
}

#[cfg(feature = "tokio")]
/// What [`RawConnection::connect_poll`] asks to wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ConnectPoll {
    Read,
    Write,
    Done,
    Failed,
}

#[cfg(feature = "tokio")]
/// The values of `keywords` in a libpq option array, which is freed.
///
/// # Safety
///
/// `options` is null or an array from `PQconninfoParse`, not used after.
unsafe fn take_options(
    options: *mut ffi::PQconninfoOption,
    keywords: &[&str],
) -> Vec<Option<String>> {
    let mut found = vec![None; keywords.len()];
    if options.is_null() {
        return found;
    }
    let mut at = options;
    // SAFETY: the array ends with an entry whose keyword is null; every keyword and
    // non-null value is a NUL-terminated string the array owns.
    unsafe {
        while !(*at).keyword.is_null() {
            let keyword = CStr::from_ptr((*at).keyword).to_bytes();
            if let Some(i) = keywords.iter().position(|k| k.as_bytes() == keyword) {
                if !(*at).val.is_null() {
                    found[i] = Some(CStr::from_ptr((*at).val).to_string_lossy().into_owned());
                }
            }
            at = at.add(1);
        }
        ffi::PQconninfoFree(options);
    }
    found
}

#[cfg(feature = "tokio")]
/// The options a connection string or URL sets (`PQconninfoParse`): the value of each
/// of `keywords`, or the parser's message when the string is malformed.
pub(super) fn parse_options(url: &CStr, keywords: &[&str]) -> Result<Vec<Option<String>>, String> {
    let mut message: *mut c_char = std::ptr::null_mut();
    // SAFETY: `url` is NUL-terminated; `message` is a valid out-pointer.
    let options = unsafe { ffi::PQconninfoParse(url.as_ptr(), &mut message) };
    if options.is_null() {
        if message.is_null() {
            return Err("the connection string is malformed".to_owned());
        }
        // SAFETY: libpq set a NUL-terminated message, which we free once.
        return Err(unsafe {
            let text = CStr::from_ptr(message).to_string_lossy().trim().to_owned();
            ffi::PQfreemem(message.cast::<c_void>());
            text
        });
    }
    // SAFETY: a non-null array from PQconninfoParse, not used after.
    Ok(unsafe { take_options(options, keywords) })
}

#[cfg(feature = "tokio")]
/// A `PGcancel*`: sends a cancel request for what its connection runs. Freed on drop.
pub(super) struct RawCancel(NonNull<ffi::PGcancel>);

#[cfg(feature = "tokio")]
// SAFETY: a PGcancel holds only the server's address and the cancel key; libpq
// documents PQcancel as safe to call from any thread (even a signal handler).
unsafe impl Send for RawCancel {}
#[cfg(feature = "tokio")]
// SAFETY: as above: PQcancel does not change the object.
unsafe impl Sync for RawCancel {}

#[cfg(feature = "tokio")]
impl RawCancel {
    /// Asks the server to cancel what the connection runs; blocks until the request
    /// is delivered (a connection of its own to the server).
    pub(super) fn cancel(&self) -> Result<(), String> {
        let mut message: [c_char; 256] = [0; 256];
        // SAFETY: the object is valid; the buffer holds 256 bytes, which libpq fills
        // with a NUL-terminated message on failure.
        let ok = unsafe { ffi::PQcancel(self.0.as_ptr(), message.as_mut_ptr(), 256) };
        if ok == 1 {
            Ok(())
        } else {
            // SAFETY: libpq wrote a NUL-terminated message into the buffer.
            Err(unsafe { CStr::from_ptr(message.as_ptr()) }
                .to_string_lossy()
                .into_owned())
        }
    }
}

#[cfg(feature = "tokio")]
impl Drop for RawCancel {
    fn drop(&mut self) {
        // SAFETY: we own the object and free it once.
        unsafe { ffi::PQfreeCancel(self.0.as_ptr()) }
    }
}

impl Drop for RawConnection {
    fn drop(&mut self) {
        // SAFETY: we own the handle and free it once.
        unsafe { ffi::PQfinish(self.conn.as_ptr()) }
    }
}

fn param_count(n: usize) -> QueryResult<c_int> {
    c_int::try_from(n)
        .ok()
        .filter(|&n| n <= 65_535)
        .ok_or_else(|| {
            Error::InvalidQuery(format!(
                "{n} bind parameters; PostgreSQL accepts at most 65535 in one statement"
            ))
        })
}

/// Parameters in libpq's four parallel arrays, binary format. Values point into data
/// borrowed for `'a` or into `_owned`.
pub(super) struct Params<'a> {
    pub(super) types: Vec<Oid>,
    values: Vec<*const c_char>,
    lengths: Vec<c_int>,
    formats: Vec<c_int>,
    /// The bytes of values encoded for these parameters. `values` points into its heap
    /// buffer, which moving the `Vec` does not move and which is never changed.
    _owned: Vec<u8>,
    /// Kept for [`Params::into_buffers`].
    fixups: Vec<(usize, usize)>,
    _borrow: std::marker::PhantomData<&'a [u8]>,
}

// SAFETY: the pointers point into `_owned`, which moves with the parameters without
// moving its heap buffer, or into data borrowed as `&'a [u8]`, which may be read from
// any thread; nothing is written through them.
unsafe impl Send for Params<'_> {}
// SAFETY: as above; `Params` has no interior mutability.
unsafe impl Sync for Params<'_> {}

impl Params<'_> {
    /// The buffers, emptied, for the next statement: no pointer outlives these
    /// parameters.
    pub(super) fn into_buffers(self) -> ParamBuffers {
        let mut values = self.values;
        values.clear();
        ParamBuffers {
            types: self.types,
            values: EmptyPointers(values),
            lengths: self.lengths,
            formats: self.formats,
            encoded: self._owned,
            fixups: self.fixups,
        }
    }
}

/// The buffers of [`Params`], kept by a connection between statements so that a large
/// statement (a multi-row insert's tens of thousands of parameters) does not allocate
/// and fault in fresh memory for them every time.
#[derive(Default)]
pub(super) struct ParamBuffers {
    types: Vec<Oid>,
    values: EmptyPointers,
    lengths: Vec<c_int>,
    formats: Vec<c_int>,
    encoded: Vec<u8>,
    /// Parameters whose bytes are in `encoded`: their index and offset.
    fixups: Vec<(usize, usize)>,
}

/// The allocation of a vector of pointers, kept while it holds none.
#[derive(Default)]
struct EmptyPointers(Vec<*const c_char>);

// SAFETY: the vector is empty whenever it is stored (`Params::into_buffers` clears it
// before it goes back to the connection), so moving it to another thread moves no
// pointer; only its allocation travels.
unsafe impl Send for EmptyPointers {}

/// A statement's parameters, each encoded as it comes into libpq's arrays and one
/// buffer of bytes: from a list of bind values ([`push_ref`](Self::push_ref)) or one at
/// a time ([`BindSink`]), with no list of encodings in between.
pub(super) struct ParamSink<'a> {
    buffers: ParamBuffers,
    values: Vec<*const c_char>,
    /// The first failure; later values are ignored.
    error: Option<Error>,
    _borrow: std::marker::PhantomData<&'a [u8]>,
}

// SAFETY: as for `Params`: the pointers point into data borrowed as `&'a [u8]` (the
// encoded bytes are pointed to only in `finish`).
unsafe impl Send for ParamSink<'_> {}

impl<'a> BindSink<'a> for ParamSink<'a> {
    #[inline]
    fn bind(&mut self, value: BindValue<'a>) {
        if self.error.is_some() {
            return;
        }
        let encoded = encode_given(value, &mut self.buffers.encoded);
        if let Err(error) = encoded.and_then(|(oid, place)| self.push(oid, place)) {
            self.error = Some(error);
        }
    }
}

impl<'a> ParamSink<'a> {
    /// A sink that fills `buffers` (emptied first), with room for about `count`
    /// parameters.
    pub(super) fn new(mut buffers: ParamBuffers, count: usize) -> Self {
        let mut values = std::mem::take(&mut buffers.values.0);
        values.clear();
        values.reserve(count);
        buffers.types.clear();
        buffers.types.reserve(count);
        buffers.lengths.clear();
        buffers.lengths.reserve(count);
        buffers.formats.clear();
        buffers.formats.reserve(count);
        buffers.encoded.clear();
        buffers.fixups.clear();
        ParamSink {
            buffers,
            values,
            error: None,
            _borrow: std::marker::PhantomData,
        }
    }

    /// Adds a value that outlives the parameters: what it holds may be pointed to.
    pub(super) fn push_ref(&mut self, value: &'a BindValue<'a>) -> QueryResult<()> {
        let (oid, place) = encode_ref(value, &mut self.buffers.encoded)?;
        self.push(oid, place)
    }

    /// Adds an encoded parameter to libpq's arrays.
    #[inline]
    fn push(&mut self, oid: Oid, place: Place<'a>) -> QueryResult<()> {
        let b = &mut self.buffers;
        let (value, len) = match place {
            Place::Null => (std::ptr::null(), 0),
            Place::Borrowed(bytes) => (bytes.as_ptr(), bytes.len()),
            Place::Encoded { start, len } => {
                // `encoded` may still move as it grows: pointed to in `finish`.
                b.fixups.push((self.values.len(), start));
                (std::ptr::null(), len)
            }
        };
        let len = c_int::try_from(len)
            .map_err(|_| Error::InvalidQuery("a bind parameter is larger than 2 GiB".into()))?;
        b.types.push(oid);
        self.values.push(value.cast::<c_char>());
        b.lengths.push(len);
        b.formats.push(1);
        Ok(())
    }

    /// The parameters, once every value has been given.
    pub(super) fn finish(self) -> QueryResult<Params<'a>> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let ParamSink {
            buffers,
            mut values,
            ..
        } = self;
        let base = buffers.encoded.as_ptr();
        for &(index, start) in &buffers.fixups {
            // In bounds: `encode_given` wrote these bytes, and `encoded` no longer
            // changes. Computing the pointer is safe; libpq reads it while `Params`
            // owns the buffer.
            values[index] = base.wrapping_add(start).cast::<c_char>();
        }
        Ok(Params {
            types: buffers.types,
            values,
            lengths: buffers.lengths,
            formats: buffers.formats,
            _owned: buffers.encoded,
            fixups: buffers.fixups,
            _borrow: std::marker::PhantomData,
        })
    }
}

/// A `PGresult*`, cleared on drop.
pub(super) struct RawResult {
    res: NonNull<ffi::PGresult>,
}

// SAFETY: a PGresult does not refer to its connection and is never changed after it
// is made; libpq documents that results may be passed between threads and read from
// several at once.
unsafe impl Send for RawResult {}
// SAFETY: as above: every method reads the result only.
unsafe impl Sync for RawResult {}

impl RawResult {
    pub(super) fn status(&self) -> ffi::ExecStatusType {
        // SAFETY: the result is valid while `self` lives.
        unsafe { ffi::PQresultStatus(self.res.as_ptr()) }
    }

    /// `Ok(self)` for a successful result, the classified error otherwise.
    pub(super) fn check(self, conn: &RawConnection) -> QueryResult<Self> {
        use ffi::ExecStatusType::*;
        match self.status() {
            PGRES_COMMAND_OK | PGRES_TUPLES_OK | PGRES_EMPTY_QUERY | PGRES_SINGLE_TUPLE => Ok(self),
            _ => Err(self.error(conn)),
        }
    }

    fn field(&self, code: u8) -> Option<String> {
        // SAFETY: the result is valid; the returned string (or null) is owned by the
        // result and copied at once.
        let p = unsafe { ffi::PQresultErrorField(self.res.as_ptr(), c_int::from(code)) };
        if p.is_null() {
            None
        } else {
            // SAFETY: non-null and NUL-terminated per libpq.
            Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
        }
    }

    fn error(&self, conn: &RawConnection) -> Error {
        let Some(sqlstate) = self.field(ffi::PG_DIAG_SQLSTATE) else {
            // No SQLSTATE: the error came from libpq itself, typically a lost connection.
            // SAFETY: the result is valid; the message is owned by it and copied at once.
            let message = unsafe { CStr::from_ptr(ffi::PQresultErrorMessage(self.res.as_ptr())) }
                .to_string_lossy()
                .trim()
                .to_owned();
            let message = if message.is_empty() {
                conn.error_message()
            } else {
                message
            };
            return if conn.is_ok() {
                Error::InvalidQuery(message)
            } else {
                Error::Connection(format!("connection lost: {message}"))
            };
        };
        let message = self.field(ffi::PG_DIAG_MESSAGE_PRIMARY).unwrap_or_default();
        if sqlstate == "42601" && message.contains("multiple commands") {
            return Error::InvalidQuery(crate::error::ONE_STATEMENT.into());
        }
        let kind = match sqlstate.as_str() {
            "23505" => DatabaseErrorKind::UniqueViolation,
            "23503" => DatabaseErrorKind::ForeignKeyViolation,
            "23502" => DatabaseErrorKind::NotNullViolation,
            "23514" => DatabaseErrorKind::CheckViolation,
            "40001" => DatabaseErrorKind::SerializationFailure,
            "40P01" => DatabaseErrorKind::Deadlock,
            // lock_not_available: `NOWAIT` found the row locked, or `lock_timeout` ran out.
            "55P03" => DatabaseErrorKind::Busy,
            // query_canceled: the statement timeout ran out, or a cancel request came.
            "57014" => DatabaseErrorKind::Canceled,
            s if s.starts_with("42") => DatabaseErrorKind::InvalidStatement,
            // A protocol violation such as a wrong number of parameters leaves the
            // connection usable; a terminated backend does not.
            // The server is ending this session (terminated backend, shutdown).
            s if s.starts_with("57P") => {
                return Error::Connection(format!("connection lost: {message}"));
            }
            s if s.starts_with("08") && !conn.is_ok() => {
                return Error::Connection(format!("connection lost: {message}"));
            }
            s if s.starts_with("08") => return Error::InvalidQuery(message),
            _ => DatabaseErrorKind::Other,
        };
        let mut err = DatabaseError::new(kind, message);
        err.sqlstate = Some(sqlstate);
        err.table = self.field(ffi::PG_DIAG_TABLE_NAME);
        err.column = self.field(ffi::PG_DIAG_COLUMN_NAME);
        err.constraint = self.field(ffi::PG_DIAG_CONSTRAINT_NAME);
        err.detail = self.field(ffi::PG_DIAG_MESSAGE_DETAIL);
        err.into()
    }

    pub(super) fn rows(&self) -> usize {
        // SAFETY: the result is valid.
        usize::try_from(unsafe { ffi::PQntuples(self.res.as_ptr()) }).unwrap_or(0)
    }

    pub(super) fn columns(&self) -> usize {
        // SAFETY: the result is valid.
        usize::try_from(unsafe { ffi::PQnfields(self.res.as_ptr()) }).unwrap_or(0)
    }

    /// The number of rows a command changed (`PQcmdTuples`): 0 for a `SELECT`, whose
    /// count is of rows returned, and when the command reports no count.
    pub(super) fn affected_rows(&self) -> usize {
        // SAFETY: the result is valid; PQcmdStatus and PQcmdTuples return NUL-terminated
        // strings owned by the result (empty when there is nothing to report).
        let (status, count) = unsafe {
            (
                CStr::from_ptr(ffi::PQcmdStatus(self.res.as_ptr())),
                CStr::from_ptr(ffi::PQcmdTuples(self.res.as_ptr())),
            )
        };
        if status.to_bytes().starts_with(b"SELECT") {
            return 0;
        }
        count
            .to_str()
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// Whether this result marks a pipeline's sync point.
    #[cfg(feature = "tokio")]
    pub(super) fn is_pipeline_sync(&self) -> bool {
        self.status() == ffi::ExecStatusType::PGRES_PIPELINE_SYNC
    }

    /// Whether this is one row of a query read in single-row mode.
    pub(super) fn is_single_row(&self) -> bool {
        self.status() == ffi::ExecStatusType::PGRES_SINGLE_TUPLE
    }

    /// Whether the statement was empty (only white space, `;` or comments).
    pub(super) fn is_empty_query(&self) -> bool {
        self.status() == ffi::ExecStatusType::PGRES_EMPTY_QUERY
    }

    pub(super) fn column_name(&self, col: usize) -> Option<&str> {
        let col = c_int::try_from(col).ok()?;
        // SAFETY: the result is valid; an out-of-range column gives null; the name is
        // owned by the result, which outlives the returned borrow.
        let p = unsafe { ffi::PQfname(self.res.as_ptr(), col) };
        if p.is_null() {
            return None;
        }
        // SAFETY: non-null and NUL-terminated per libpq.
        unsafe { CStr::from_ptr(p) }.to_str().ok()
    }

    /// The type OID of column `col`; `col` must be below [`columns`](Self::columns).
    pub(super) fn column_type(&self, col: usize) -> Oid {
        // SAFETY: the result is valid and the caller checked `col`, which therefore
        // fits a c_int.
        unsafe { ffi::PQftype(self.res.as_ptr(), col as c_int) }
    }

    /// The binary value at (`row`, `col`), `None` for NULL. Both must be in range.
    pub(super) fn value(&self, row: usize, col: usize) -> Option<&[u8]> {
        let (row, col) = (row as c_int, col as c_int);
        let p = self.res.as_ptr();
        // SAFETY: the result is valid and the caller checked `row` and `col` against
        // `rows()` and `columns()`. The value pointer is owned by the result and valid
        // for `PQgetlength` bytes while the result lives, which the borrow guarantees.
        unsafe {
            if ffi::PQgetisnull(p, row, col) == 1 {
                return None;
            }
            let len = usize::try_from(ffi::PQgetlength(p, row, col)).unwrap_or(0);
            let ptr = ffi::PQgetvalue(p, row, col).cast::<u8>();
            if len == 0 || ptr.is_null() {
                Some(&[])
            } else {
                Some(std::slice::from_raw_parts(ptr, len))
            }
        }
    }
}

impl Drop for RawResult {
    fn drop(&mut self) {
        // SAFETY: we own the result and clear it once.
        unsafe { ffi::PQclear(self.res.as_ptr()) }
    }
}
