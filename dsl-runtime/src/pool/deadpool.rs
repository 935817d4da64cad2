//! A [deadpool](https://docs.rs/deadpool) pool of async connections (feature
//! `deadpool`): deadpool's generic `managed` pool, on tokio.
//!
//! ```
//! use quarry::pool::{PoolConfig, deadpool::Pool};
//! use quarry::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), quarry::Error> {
//! let pool = Pool::<AsyncSqliteConnection>::new(":memory:", &PoolConfig::new(4))?;
//! let mut conn = pool.get().await?;
//! let n: i32 = quarry::sql_query("SELECT 1 + 1").get_result(&mut *conn).await?;
//! assert_eq!(n, 2);
//! drop(conn);
//! assert_eq!(pool.status().idle, 1);
//! # Ok(())
//! # }
//! ```

use super::check::async_reusable;
use super::{PoolConfig, PoolStatus, PrePing};
use crate::conn::AsyncConnection;
use crate::error::{Error, QueryResult};
use ::deadpool::managed::{self, Metrics, RecycleError, RecycleResult};
use std::marker::PhantomData;
use std::time::Duration;

/// Opens and recycles the pool's connections of type `C`: deadpool's `Manager`.
#[derive(Debug)]
pub struct Manager<C> {
    url: String,
    pre_ping: PrePing,
    max_lifetime: Option<Duration>,
    idle_timeout: Option<Duration>,
    conn: PhantomData<fn() -> C>,
}

impl<C: AsyncConnection> Manager<C> {
    /// A manager that opens connections to `url` and recycles them as `config` says.
    pub fn new(url: impl Into<String>, config: &PoolConfig) -> Self {
        Manager {
            url: url.into(),
            pre_ping: config.pre_ping,
            max_lifetime: config.max_lifetime,
            idle_timeout: config.idle_timeout,
            conn: PhantomData,
        }
    }
}

impl<C: AsyncConnection> managed::Manager for Manager<C> {
    type Type = C;
    type Error = Error;

    async fn create(&self) -> QueryResult<C> {
        C::establish(&self.url).await
    }

    async fn recycle(&self, conn: &mut C, metrics: &Metrics) -> RecycleResult<Error> {
        if self.max_lifetime.is_some_and(|max| metrics.age() >= max) {
            return Err(RecycleError::message("older than max_lifetime"));
        }
        if self
            .idle_timeout
            .is_some_and(|idle| metrics.last_used() >= idle)
        {
            return Err(RecycleError::message("unused for longer than idle_timeout"));
        }
        async_reusable(conn, self.pre_ping)
            .await
            .map_err(RecycleError::Backend)
    }
}

/// A connection checked out of a [`Pool`]; it goes back when dropped. Pass it to a
/// query as `&mut *conn`.
pub type Object<C> = managed::Object<Manager<C>>;

/// A pool of async connections of type `C`, on deadpool. Cloning it is cheap and
/// shares the connections.
pub struct Pool<C: AsyncConnection> {
    inner: managed::Pool<Manager<C>>,
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
    /// A pool of connections to `url`, set up as `config` says; it opens each
    /// connection when a checkout first needs it. Needs a tokio runtime when used.
    pub fn new(url: &str, config: &PoolConfig) -> QueryResult<Self> {
        let inner = managed::Pool::builder(Manager::new(url, config))
            .max_size(config.max_size as usize)
            .wait_timeout(Some(config.checkout_timeout))
            .create_timeout(Some(config.checkout_timeout))
            .recycle_timeout(Some(config.checkout_timeout))
            .runtime(::deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| Error::Connection(format!("cannot build the pool: {e}")))?;
        Ok(Pool {
            inner,
            config: config.clone(),
        })
    }

    /// A connection, waiting at most the checkout timeout for one to be free:
    /// [`Error::PoolTimeout`] then, or the error of opening a new one.
    pub async fn get(&self) -> QueryResult<Object<C>> {
        self.inner.get().await.map_err(|e| match e {
            managed::PoolError::Timeout(managed::TimeoutType::Create) => {
                Error::Connection(format!(
                    "no connection could be opened within {:?}",
                    self.config.checkout_timeout
                ))
            }
            managed::PoolError::Timeout(_) => self.config.timed_out(),
            managed::PoolError::Backend(e) => e,
            managed::PoolError::Closed => Error::Connection("the pool is closed".into()),
            other => Error::Connection(other.to_string()),
        })
    }

    /// How many connections are open and in use.
    pub fn status(&self) -> PoolStatus {
        let status = self.inner.status();
        PoolStatus {
            max_size: to_u32(status.max_size),
            open: to_u32(status.size),
            idle: to_u32(status.available),
        }
    }

    /// The deadpool pool inside, for what this type does not show.
    pub fn inner(&self) -> &managed::Pool<Manager<C>> {
        &self.inner
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
