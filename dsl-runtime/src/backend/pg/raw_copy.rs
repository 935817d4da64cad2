//! libpq's COPY calls: sending and receiving the data of a `COPY … FROM STDIN` or
//! `COPY … TO STDOUT`, ending a COPY that nothing can feed, and describing a statement
//! (the column types a binary COPY needs). What the data means is `copy`'s business.
#![allow(unsafe_code)] // FFI

use super::raw::{RawConnection, RawResult};
use crate::error::{Error, QueryResult};
use pq_sys as ffi;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr::NonNull;

/// What a COPY in progress waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CopyState {
    /// `COPY … FROM STDIN`: data from the client.
    In,
    /// `COPY … TO STDOUT`: the client to read the data.
    Out,
    /// Both ways (replication connections only).
    Both,
}

/// Why a COPY sent through `batch_execute` or a query fails.
pub(super) const COPY_NEEDS_API: &str = "COPY FROM STDIN and COPY TO STDOUT cannot run through \
     `batch_execute` or a query, which have no data to send and no place for the data they \
     return, so quarry ended the COPY (a COPY FROM STDIN failed on the server; the output of a \
     COPY TO STDOUT was discarded): use `PgConnection::copy_in`/`copy_out` for typed rows, or \
     `copy_in_raw`/`copy_out_raw` for COPY's text and CSV formats";

impl RawResult {
    /// The COPY this result starts, if it does.
    pub(super) fn copy_state(&self) -> Option<CopyState> {
        use ffi::ExecStatusType::*;
        match self.status() {
            PGRES_COPY_IN => Some(CopyState::In),
            PGRES_COPY_OUT => Some(CopyState::Out),
            PGRES_COPY_BOTH => Some(CopyState::Both),
            _ => None,
        }
    }
}

impl RawConnection {
    /// Sends `sql`, which must start a COPY in state `expect`. On any other outcome the
    /// request is read to its end (a COPY of the wrong kind is ended) and the error is
    /// returned, so the connection is ready for the next request.
    pub(super) fn start_copy(&self, sql: &CStr, expect: CopyState) -> QueryResult<()> {
        self.send_query(sql)?;
        let Some(first) = self.next_result()? else {
            return Err(self.send_error());
        };
        let outcome = match first.copy_state() {
            Some(state) if state == expect => return Ok(()),
            Some(state) => self.abandon_copy(state).map(|_| ()),
            None => first.check(self).map(drop),
        };
        let wanted = match expect {
            CopyState::In => "COPY … FROM STDIN",
            CopyState::Out | CopyState::Both => "COPY … TO STDOUT",
        };
        let outcome = outcome.and(Err(Error::InvalidQuery(format!(
            "the statement is not a {wanted}"
        ))));
        // The rest of the request: its results, and any COPY it starts, ended.
        let rest = self.finish();
        match (outcome, rest) {
            (Err(Error::Connection(e)), _) | (_, Err(Error::Connection(e))) => {
                Err(Error::Connection(e))
            }
            (outcome, _) => outcome,
        }
    }

    /// Sends COPY data (any split of the stream will do: the server reassembles it).
    pub(super) fn put_copy_data(&self, data: &[u8]) -> QueryResult<()> {
        // libpq takes at most `c_int::MAX` bytes per call.
        for piece in data.chunks(c_int::MAX as usize) {
            // SAFETY: the handle is valid; `piece` is readable for its length, which
            // fits a c_int; libpq copies it before returning.
            let ok = unsafe {
                ffi::PQputCopyData(
                    self.as_ptr(),
                    piece.as_ptr().cast::<c_char>(),
                    piece.len() as c_int,
                )
            };
            if ok != 1 {
                return Err(self.send_error());
            }
        }
        Ok(())
    }

    /// Ends a `COPY FROM STDIN`: successfully, or, with `failure`, making the server
    /// fail the COPY with that message (nothing of it is kept). The outcome is the
    /// request's next result.
    pub(super) fn put_copy_end(&self, failure: Option<&CStr>) -> QueryResult<()> {
        let message = failure.map_or(std::ptr::null(), CStr::as_ptr);
        // SAFETY: the handle is valid; the message is null or NUL-terminated and
        // outlives the call.
        let ok = unsafe { ffi::PQputCopyEnd(self.as_ptr(), message) };
        if ok == 1 {
            Ok(())
        } else {
            Err(self.send_error())
        }
    }

    /// The next piece of a `COPY TO STDOUT`'s data (one row, as the server sends
    /// it), or `None` when the COPY is done; its outcome is the request's next result.
    pub(super) fn get_copy_data(&self) -> QueryResult<Option<CopyData>> {
        let mut buffer: *mut c_char = std::ptr::null_mut();
        // SAFETY: the handle is valid and `buffer` is a valid place for libpq to store
        // a pointer; `0` asks for a blocking read, which never returns 0.
        let n = unsafe { ffi::PQgetCopyData(self.as_ptr(), &mut buffer, 0) };
        match (usize::try_from(n), NonNull::new(buffer)) {
            (Ok(len), Some(ptr)) => Ok(Some(CopyData { ptr, len })),
            (Ok(_), None) => Err(Error::InvalidQuery(
                "libpq returned COPY data without a buffer".into(),
            )),
            // -1: the COPY is done.
            (Err(_), _) if n == -1 => Ok(None),
            _ => Err(self.send_error()),
        }
    }

    /// Ends a COPY that the request in flight cannot feed or read: a COPY FROM STDIN
    /// is failed (so nothing of it is kept), a COPY TO STDOUT's data is read and
    /// dropped. Returns the error that tells the caller so, or the error that kept
    /// libpq from ending the COPY (the connection then cannot be trusted).
    pub(super) fn abandon_copy(&self, state: CopyState) -> QueryResult<Error> {
        if matches!(state, CopyState::In | CopyState::Both) {
            self.put_copy_end(Some(
                c"quarry cannot send COPY data through this call; use PgConnection::copy_in",
            ))?;
        }
        if matches!(state, CopyState::Out | CopyState::Both) {
            while self.get_copy_data()?.is_some() {}
        }
        Ok(Error::InvalidQuery(COPY_NEEDS_API.into()))
    }

    /// Queues a description of prepared statement `name` (its result columns).
    pub(super) fn send_describe_prepared(&self, name: &CStr) -> QueryResult<()> {
        // SAFETY: the handle is valid and `name` is NUL-terminated for the call.
        let ok = unsafe { ffi::PQsendDescribePrepared(self.as_ptr(), name.as_ptr()) };
        if ok == 1 {
            Ok(())
        } else {
            Err(self.send_error())
        }
    }
}

/// A buffer of COPY data that libpq allocated, freed on drop.
pub(super) struct CopyData {
    ptr: NonNull<c_char>,
    len: usize,
}

impl std::ops::Deref for CopyData {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        // SAFETY: libpq returned `len` readable bytes at `ptr`, owned by this value
        // until it is dropped; the borrow cannot outlive it.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<u8>(), self.len) }
    }
}

impl Drop for CopyData {
    fn drop(&mut self) {
        // SAFETY: the buffer came from PQgetCopyData and is freed once, with PQfreemem.
        unsafe { ffi::PQfreemem(self.ptr.as_ptr().cast::<c_void>()) }
    }
}
