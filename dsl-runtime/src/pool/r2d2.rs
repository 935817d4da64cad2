//! An [r2d2](https://docs.rs/r2d2) pool of blocking connections (feature `r2d2`).
//!
//! ```
//! use quarry::pool::{PoolConfig, r2d2::Pool};
//! use quarry::prelude::*;
//! use std::time::Duration;
//!
//! # let dir = std::env::temp_dir().join(format!("quarry-r2d2-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # let path = dir.join("pool.db");
//! # let _ = std::fs::remove_file(&path);
//! # let url = path.to_str().unwrap();
//! let pool = Pool::<SqliteConnection>::new(url, &PoolConfig::new(4))?;
//! let mut conn = pool.get()?;
//! let n: i32 = quarry::sql_query("SELECT 1 + 1").get_result(&mut *conn)?;
//! assert_eq!(n, 2);
//! assert_eq!(pool.status().in_use(), 1);
//! # drop(conn);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), quarry::Error>(())
//! ```

use super::{PoolConfig, PoolStatus, PoolableConnection, PrePing};
use crate::error::{Error, QueryResult};
use std::marker::PhantomData;
use std::time::Duration;

/// Opens and checks the pool's connections of type `C`: r2d2's `ManageConnection`.
#[derive(Debug)]
pub struct ConnectionManager<C> {
    url: String,
    pre_ping: PrePing,
    max_lifetime: Option<Duration>,
    conn: PhantomData<fn() -> C>,
}

impl<C: PoolableConnection> ConnectionManager<C> {
    /// A manager that opens connections to `url` and checks them as `config` says.
    pub fn new(url: impl Into<String>, config: &PoolConfig) -> Self {
        ConnectionManager {
            url: url.into(),
            pre_ping: config.pre_ping,
            max_lifetime: config.max_lifetime,
            conn: PhantomData,
        }
    }
}

impl<C: PoolableConnection> ::r2d2::ManageConnection for ConnectionManager<C> {
    type Connection = C;
    type Error = Error;

    fn connect(&self) -> QueryResult<C> {
        C::establish(&self.url)
    }

    fn is_valid(&self, conn: &mut C) -> QueryResult<()> {
        // r2d2's reaper closes old connections every 30 s; one that aged in between is
        // not handed out.
        if self.max_lifetime.is_some_and(|max| conn.age() >= max) {
            return Err(Error::Connection(
                "the pooled connection is older than max_lifetime".into(),
            ));
        }
        if !conn.is_reusable() {
            return Err(Error::Connection(
                "the pooled connection is lost or inside a transaction".into(),
            ));
        }
        if self.pre_ping == PrePing::Verified {
            conn.batch_execute("SELECT 1")?;
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut C) -> bool {
        // A connection returned inside a transaction is closed, never handed out again.
        !conn.is_reusable()
    }
}

/// A connection checked out of a [`Pool`]; it goes back when dropped. Pass it to a
/// query as `&mut *conn`.
pub type PooledConnection<C> = ::r2d2::PooledConnection<ConnectionManager<C>>;

/// A pool of blocking connections of type `C`, on r2d2.
pub struct Pool<C: PoolableConnection> {
    inner: ::r2d2::Pool<ConnectionManager<C>>,
    config: PoolConfig,
}

impl<C: PoolableConnection> Clone for Pool<C> {
    fn clone(&self) -> Self {
        Pool {
            inner: self.inner.clone(),
            config: self.config.clone(),
        }
    }
}

impl<C: PoolableConnection> std::fmt::Debug for Pool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl<C: PoolableConnection> Pool<C> {
    /// A pool of connections to `url`, set up as `config` says. It opens `min_idle`
    /// connections in the background and fails only when a checkout does.
    pub fn new(url: &str, config: &PoolConfig) -> QueryResult<Self> {
        let inner = ::r2d2::Pool::builder()
            .max_size(config.max_size)
            // r2d2 reads `None` as "keep max_size open".
            .min_idle(Some(config.min_idle_in_bounds().unwrap_or(0)))
            .connection_timeout(config.checkout_timeout)
            .max_lifetime(config.max_lifetime)
            .idle_timeout(config.idle_timeout)
            // Fast checks cost no round trip, so every checkout makes one.
            .test_on_check_out(true)
            .error_handler(Box::new(::r2d2::NopErrorHandler))
            .build_unchecked(ConnectionManager::new(url, config));
        Ok(Pool {
            inner,
            config: config.clone(),
        })
    }

    /// A connection, waiting at most the checkout timeout for one to be free:
    /// [`Error::PoolTimeout`] then, or [`Error::Connection`] when none could be opened.
    pub fn get(&self) -> QueryResult<PooledConnection<C>> {
        self.inner.get().map_err(|e| {
            // r2d2 reports a checkout that found no connection as a timeout, with the
            // last connection error when opening one failed.
            let message = e.to_string();
            match message.split_once(": ") {
                Some((_, cause)) if !cause.is_empty() => {
                    Error::Connection(format!("no pooled connection could be opened: {cause}"))
                }
                _ => self.config.timed_out(),
            }
        })
    }

    /// How many connections are open and in use.
    pub fn status(&self) -> PoolStatus {
        let state = self.inner.state();
        PoolStatus {
            max_size: self.inner.max_size(),
            open: state.connections,
            idle: state.idle_connections,
        }
    }

    /// The r2d2 pool inside, for what this type does not show.
    pub fn inner(&self) -> &::r2d2::Pool<ConnectionManager<C>> {
        &self.inner
    }
}
