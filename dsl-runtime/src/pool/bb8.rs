//! A [bb8](https://docs.rs/bb8) pool of async connections (feature `bb8`).
//!
//! ```
//! use quarry::pool::{PoolConfig, bb8::Pool};
//! use quarry::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), quarry::Error> {
//! let pool = Pool::<AsyncSqliteConnection>::new(":memory:", &PoolConfig::new(4));
//! let mut conn = pool.get().await?;
//! let n: i32 = quarry::sql_query("SELECT 1 + 1").get_result(&mut *conn).await?;
//! assert_eq!(n, 2);
//! # Ok(())
//! # }
//! ```

use super::check::async_reusable;
use super::{PoolConfig, PoolStatus, PrePing};
use crate::conn::AsyncConnection;
use crate::error::{Error, QueryResult};
use std::marker::PhantomData;

/// Opens and checks the pool's connections of type `C`: bb8's `ManageConnection`.
#[derive(Debug)]
pub struct ConnectionManager<C> {
    url: String,
    pre_ping: PrePing,
    conn: PhantomData<fn() -> C>,
}

impl<C: AsyncConnection> ConnectionManager<C> {
    /// A manager that opens connections to `url` and checks them with `pre_ping`.
    pub fn new(url: impl Into<String>, pre_ping: PrePing) -> Self {
        ConnectionManager {
            url: url.into(),
            pre_ping,
            conn: PhantomData,
        }
    }
}

impl<C: AsyncConnection> ::bb8::ManageConnection for ConnectionManager<C> {
    type Connection = C;
    type Error = Error;

    async fn connect(&self) -> QueryResult<C> {
        C::establish(&self.url).await
    }

    async fn is_valid(&self, conn: &mut C) -> QueryResult<()> {
        async_reusable(conn, self.pre_ping).await
    }

    fn has_broken(&self, conn: &mut C) -> bool {
        // Lost, or given back with a transaction open (one begun and not ended, or whose
        // future was dropped): closed now, so that the server rolls the transaction back
        // and releases its locks at once, not at the next checkout. A dropped query
        // outside a transaction goes back and is finished on its next checkout
        // (`is_valid`).
        conn.is_broken() || conn.transaction_depth() > 0
    }
}

/// A connection checked out of a [`Pool`]; it goes back when dropped. Pass it to a
/// query as `&mut *conn`.
pub type PooledConnection<'a, C> = ::bb8::PooledConnection<'a, ConnectionManager<C>>;

/// A pool of async connections of type `C`, on bb8. Cloning it is cheap and shares
/// the connections.
pub struct Pool<C: AsyncConnection> {
    inner: ::bb8::Pool<ConnectionManager<C>>,
    config: PoolConfig,
}

impl<C: AsyncConnection> Clone for Pool<C> {
    fn clone(&self) -> Self {
        Pool {
            inner: self.inner.clone(),
            config: self.config.clone(),
        }
    }
}

impl<C: AsyncConnection> std::fmt::Debug for Pool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl<C: AsyncConnection> Pool<C> {
    /// A pool of connections to `url`, set up as `config` says. It opens `min_idle`
    /// connections in the background and fails only when a checkout does; it must be
    /// made inside a tokio runtime.
    pub fn new(url: &str, config: &PoolConfig) -> Self {
        let inner = ::bb8::Pool::builder()
            .max_size(config.max_size)
            .min_idle(config.min_idle_in_bounds())
            .connection_timeout(config.checkout_timeout)
            .max_lifetime(config.max_lifetime)
            .idle_timeout(config.idle_timeout)
            // Fast checks cost no round trip, so every checkout makes one; a connection
            // that cannot be opened is reported at once, not retried until the timeout.
            .test_on_check_out(true)
            .retry_connection(false)
            .reaper_rate(reaper_rate(config))
            .build_unchecked(ConnectionManager::new(url, config.pre_ping));
        Pool {
            inner,
            config: config.clone(),
        }
    }

    /// A connection, waiting at most the checkout timeout for one to be free:
    /// [`Error::PoolTimeout`] then, or the error of opening a new one.
    pub async fn get(&self) -> QueryResult<PooledConnection<'_, C>> {
        self.inner.get().await.map_err(|e| self.run_error(e))
    }

    /// Like [`get`](Self::get), for a connection that outlives the borrow of the pool
    /// (one moved into a spawned task).
    pub async fn get_owned(&self) -> QueryResult<PooledConnection<'static, C>> {
        self.inner.get_owned().await.map_err(|e| self.run_error(e))
    }

    fn run_error(&self, e: ::bb8::RunError<Error>) -> Error {
        match e {
            ::bb8::RunError::User(e) => e,
            ::bb8::RunError::TimedOut => self.config.timed_out(),
        }
    }

    /// How many connections are open and in use.
    pub fn status(&self) -> PoolStatus {
        let state = self.inner.state();
        PoolStatus {
            max_size: self.config.max_size,
            open: state.connections,
            idle: state.idle_connections,
        }
    }

    /// The bb8 pool inside, for what this type does not show.
    pub fn inner(&self) -> &::bb8::Pool<ConnectionManager<C>> {
        &self.inner
    }
}

/// How often bb8 closes connections past their lifetime or idle timeout: often enough
/// that none outlives its limit by more than a quarter of it, at most every 30 s (bb8's
/// default).
fn reaper_rate(config: &PoolConfig) -> std::time::Duration {
    const DEFAULT: std::time::Duration = std::time::Duration::from_secs(30);
    [config.max_lifetime, config.idle_timeout]
        .into_iter()
        .flatten()
        .map(|limit| limit / 4)
        .min()
        .unwrap_or(DEFAULT)
        .clamp(std::time::Duration::from_millis(10), DEFAULT)
}
