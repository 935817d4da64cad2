//! libpq's socket, watched by the tokio reactor. The only unsafe code of the async
//! PostgreSQL connection.
#![allow(unsafe_code)] // registering a file descriptor with the reactor

use std::os::fd::{BorrowedFd, OwnedFd, RawFd};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// A duplicate of libpq's socket, registered with the reactor of the current runtime.
///
/// A duplicate, so that the descriptor the reactor knows stays open exactly as long as
/// the registration, whatever libpq does with its own (it closes it when the
/// connection fails): the reactor never watches, nor deregisters, a descriptor number
/// that may have been reused for another file.
pub(super) struct WatchedSocket {
    fd: AsyncFd<OwnedFd>,
    /// libpq's descriptor that `fd` duplicates.
    of: RawFd,
}

impl WatchedSocket {
    /// Watches libpq's socket `socket`, which must be open for the duration of the
    /// call (it is the current `PQsocket` of a connection nothing else uses).
    pub(super) fn watch(socket: RawFd, interest: Interest) -> std::io::Result<Self> {
        // SAFETY: `socket` is the connection's open socket; nothing closes it during
        // this call, and the borrow ends with it.
        let borrowed = unsafe { BorrowedFd::borrow_raw(socket) };
        let owned = borrowed.try_clone_to_owned()?;
        // SAFETY: the `OwnedFd` is moved into the `AsyncFd`, which owns it: the
        // descriptor is open and refers to the same socket for the registration's
        // whole life, and `as_raw_fd` always returns it.
        let fd = unsafe { AsyncFd::register_with_interest(owned, interest) }
            .map_err(|e| e.into_parts().1)?;
        Ok(WatchedSocket { fd, of: socket })
    }

    /// The libpq descriptor this watches.
    pub(super) fn of(&self) -> RawFd {
        self.of
    }

    /// The registration.
    pub(super) fn fd(&self) -> &AsyncFd<OwnedFd> {
        &self.fd
    }
}
