//! Connection pools: adapters for [r2d2](https://docs.rs/r2d2) (blocking connections),
//! [deadpool](https://docs.rs/deadpool) and [bb8](https://docs.rs/bb8) (async ones), each
//! behind a feature of the crate's name, on both backends.
//!
//! One [`PoolConfig`] holds the knobs that SQLAlchemy users know, and each adapter maps
//! them to its crate's builder:
//!
//! | quarry | SQLAlchemy | r2d2 / bb8 | deadpool |
//! |---|---|---|---|
//! | [`max_size`](PoolConfig::max_size) | `pool_size + max_overflow` | `max_size` | `max_size` |
//! | [`min_idle`](PoolConfig::min_idle) | `pool_size` (kept open) | `min_idle` | (opens on demand) |
//! | [`checkout_timeout`](PoolConfig::checkout_timeout) | `pool_timeout` | `connection_timeout` | `wait_timeout` |
//! | [`pre_ping`](PoolConfig::pre_ping) | `pool_pre_ping` | `is_valid` on checkout | `recycle` |
//! | [`max_lifetime`](PoolConfig::max_lifetime) | `pool_recycle` | `max_lifetime`, and checked on checkout | checked in `recycle` |
//! | [`idle_timeout`](PoolConfig::idle_timeout) | (overflow closed on return) | `idle_timeout` (the reaper) | checked in `recycle` |
//!
//! None of the three crates has SQLAlchemy's overflow as such: connections beyond
//! `min_idle` that stay unused for `idle_timeout` are closed, which is what overflow
//! connections are for.
//!
//! Whatever the pre-ping, a connection is never handed out as clean when it is not: one
//! that is lost is replaced, one returned inside a transaction is closed (the server
//! rolls the transaction back), and an async connection whose future was dropped first
//! finishes or cancels what was left in flight (rolling back a dropped transaction) and
//! is then checked again. A checkout that waits longer than the checkout timeout fails
//! with [`Error::PoolTimeout`](crate::Error::PoolTimeout).
//!
//! When that happens differs by crate. r2d2 and bb8 check a connection as it comes
//! back, and close one returned inside a transaction at once (the server rolls it back
//! and releases its locks). deadpool checks only at the next checkout: until then, a
//! transaction whose future was dropped stays open on the server, holding its locks.
//! On PostgreSQL, `idle_in_transaction_session_timeout` bounds that time.
//!
//! `router` (with `deadpool`) routes reads to replicas' pools and writes to the
//! primary's.

#[cfg(feature = "bb8")]
pub mod bb8;
#[cfg(feature = "deadpool")]
pub mod deadpool;
#[cfg(feature = "r2d2")]
pub mod r2d2;
#[cfg(feature = "deadpool")]
pub mod router;

use std::time::Duration;

/// The shortest timeout or lifetime a pool takes (r2d2 and bb8 refuse zero).
const MIN_DURATION: Duration = Duration::from_millis(1);

/// What a pool checks before it hands out a connection that it has used before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrePing {
    /// The connection's own state, without a round trip: not lost, no transaction open,
    /// nothing left in flight. A connection lost since its last use (a restarted server)
    /// is only noticed by its next statement, which fails with
    /// [`Error::Connection`](crate::Error::Connection); the pool then replaces it.
    #[default]
    Fast,
    /// The state as for [`Fast`](Self::Fast), then a `SELECT 1`: one round trip per
    /// checkout, and a connection the server dropped is replaced before anyone sees it.
    /// SQLAlchemy's `pool_pre_ping=True`.
    Verified,
}

/// A pool's size, timeouts and checks, for any of the adapters.
///
/// ```
/// use quarry::pool::{PoolConfig, PrePing};
/// use std::time::Duration;
///
/// // SQLAlchemy's pool_size=5, max_overflow=10, pool_timeout=30,
/// // pool_pre_ping=True, pool_recycle=1800:
/// let config = PoolConfig::new(15)
///     .min_idle(5)
///     .checkout_timeout(Duration::from_secs(30))
///     .pre_ping(PrePing::Verified)
///     .max_lifetime(Some(Duration::from_secs(1800)));
/// assert_eq!(config.get_max_size(), 15);
/// ```
#[derive(Debug, Clone)]
pub struct PoolConfig {
    pub(crate) max_size: u32,
    pub(crate) min_idle: Option<u32>,
    pub(crate) checkout_timeout: Duration,
    pub(crate) pre_ping: PrePing,
    pub(crate) max_lifetime: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
}

impl Default for PoolConfig {
    /// 10 connections, none kept open when unused, a 30 s checkout timeout, the
    /// [`Fast`](PrePing::Fast) pre-ping, connections recycled after 30 minutes and
    /// closed after 10 minutes unused.
    fn default() -> Self {
        PoolConfig {
            max_size: 10,
            min_idle: None,
            checkout_timeout: Duration::from_secs(30),
            pre_ping: PrePing::Fast,
            max_lifetime: Some(Duration::from_secs(30 * 60)),
            idle_timeout: Some(Duration::from_secs(10 * 60)),
        }
    }
}

impl PoolConfig {
    /// The defaults, with at most `max_size` connections open at once (at least 1).
    pub fn new(max_size: u32) -> Self {
        PoolConfig::default().max_size(max_size)
    }

    /// At most `max_size` connections open at once (at least 1): SQLAlchemy's
    /// `pool_size + max_overflow`.
    pub fn max_size(mut self, max_size: u32) -> Self {
        self.max_size = max_size.max(1);
        self
    }

    /// Connections kept open while unused (SQLAlchemy's `pool_size`); r2d2 and bb8 open
    /// them in the background, deadpool opens every connection on demand and ignores it.
    pub fn min_idle(mut self, min_idle: u32) -> Self {
        self.min_idle = Some(min_idle);
        self
    }

    /// How long a checkout waits for a free connection before it fails with
    /// [`Error::PoolTimeout`](crate::Error::PoolTimeout): SQLAlchemy's `pool_timeout`.
    /// At least 1 ms.
    pub fn checkout_timeout(mut self, timeout: Duration) -> Self {
        self.checkout_timeout = timeout.max(MIN_DURATION);
        self
    }

    /// What is checked before a connection is handed out again: SQLAlchemy's
    /// `pool_pre_ping`.
    pub fn pre_ping(mut self, pre_ping: PrePing) -> Self {
        self.pre_ping = pre_ping;
        self
    }

    /// Connections older than this are closed and replaced instead of being handed out
    /// again (`None`: kept as long as they work): SQLAlchemy's `pool_recycle`. At
    /// least 1 ms.
    pub fn max_lifetime(mut self, max_lifetime: Option<Duration>) -> Self {
        self.max_lifetime = max_lifetime.map(|d| d.max(MIN_DURATION));
        self
    }

    /// Connections unused for this long are closed (`None`: kept). r2d2 and bb8 close
    /// them in the background; deadpool when it would hand them out next. At least
    /// 1 ms.
    pub fn idle_timeout(mut self, idle_timeout: Option<Duration>) -> Self {
        self.idle_timeout = idle_timeout.map(|d| d.max(MIN_DURATION));
        self
    }

    /// The maximum size.
    pub fn get_max_size(&self) -> u32 {
        self.max_size
    }

    /// The checkout timeout.
    pub fn get_checkout_timeout(&self) -> Duration {
        self.checkout_timeout
    }

    /// `min_idle`, never above `max_size` (r2d2 and bb8 refuse that).
    #[cfg(any(feature = "r2d2", feature = "bb8"))]
    fn min_idle_in_bounds(&self) -> Option<u32> {
        self.min_idle.map(|n| n.min(self.max_size))
    }

    #[cfg(any(feature = "r2d2", feature = "deadpool", feature = "bb8"))]
    fn timed_out(&self) -> crate::Error {
        crate::Error::PoolTimeout {
            waited: self.checkout_timeout,
            max_size: self.max_size,
        }
    }
}

/// How many connections a pool holds, and how many of them are in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// The most connections the pool opens.
    pub max_size: u32,
    /// Connections open now, in use or idle.
    pub open: u32,
    /// Open connections waiting in the pool for a user.
    pub idle: u32,
}

impl PoolStatus {
    /// Connections handed out and not yet returned.
    pub fn in_use(&self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

#[cfg(any(feature = "deadpool", feature = "bb8"))]
mod check {
    use super::PrePing;
    use crate::conn::AsyncConnection;
    use crate::error::{Error, QueryResult};

    /// Makes sure that `conn` can be handed out as clean: what a dropped future left is
    /// finished (a dropped transaction rolled back) by one statement, and a connection
    /// still inside a transaction, or lost, is refused so that the pool replaces it.
    pub(super) async fn async_reusable<C: AsyncConnection>(
        conn: &mut C,
        pre_ping: PrePing,
    ) -> QueryResult<()> {
        if conn.is_broken() {
            return Err(lost());
        }
        let mut pinged = false;
        if !conn.is_idle() {
            // The connection finishes what a dropped future left before it runs this.
            conn.batch_execute("SELECT 1").await?;
            pinged = true;
            if !conn.is_idle() {
                return Err(in_transaction());
            }
        }
        if pre_ping == PrePing::Verified && !pinged {
            conn.batch_execute("SELECT 1").await?;
        }
        Ok(())
    }

    pub(super) fn lost() -> Error {
        Error::Connection("the pooled connection was lost".into())
    }

    pub(super) fn in_transaction() -> Error {
        Error::Connection("the pooled connection was returned inside a transaction".into())
    }
}

#[cfg(feature = "r2d2")]
pub use blocking::PoolableConnection;

#[cfg(feature = "r2d2")]
mod blocking {
    use crate::conn::Connection;

    /// A blocking connection that a pool can check without a round trip:
    /// [`PgConnection`](crate::backend::pg::PgConnection) and
    /// [`SqliteConnection`](crate::backend::sqlite::SqliteConnection).
    pub trait PoolableConnection: Connection + Send + 'static + private::Sealed {
        /// Not lost, and no transaction open (quarry's or one begun by hand).
        #[doc(hidden)]
        fn is_reusable(&self) -> bool;

        /// How long ago the connection was opened.
        #[doc(hidden)]
        fn age(&self) -> std::time::Duration;
    }

    mod private {
        pub trait Sealed {}
    }

    #[cfg(feature = "postgres")]
    impl private::Sealed for crate::backend::pg::PgConnection {}
    #[cfg(feature = "postgres")]
    impl PoolableConnection for crate::backend::pg::PgConnection {
        fn is_reusable(&self) -> bool {
            crate::backend::pg::PgConnection::is_reusable(self)
        }

        fn age(&self) -> std::time::Duration {
            crate::backend::pg::PgConnection::age(self)
        }
    }

    #[cfg(feature = "sqlite")]
    impl private::Sealed for crate::backend::sqlite::SqliteConnection {}
    #[cfg(feature = "sqlite")]
    impl PoolableConnection for crate::backend::sqlite::SqliteConnection {
        fn is_reusable(&self) -> bool {
            crate::backend::sqlite::SqliteConnection::is_reusable(self)
        }

        fn age(&self) -> std::time::Duration {
            crate::backend::sqlite::SqliteConnection::age(self)
        }
    }
}
