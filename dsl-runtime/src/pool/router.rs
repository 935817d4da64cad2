//! Read/write routing over a primary's pool and its replicas' pools (feature
//! `deadpool`): reads go to a replica, writes and transactions to the primary, and a
//! request that must read its own writes pins itself to the primary.
//!
//! PostgreSQL's streaming replicas apply the primary's commits a moment later, so a
//! replica can lag behind: a read there may not see a write the same request just
//! made. That is what [`Session::read_your_writes`] is for. A replica never shows what
//! the primary has not committed.
//!
//! ```
//! use quarry::pool::router::{ReplicaFallback, Router};
//! use quarry::pool::{PoolConfig, deadpool::Pool};
//! use quarry::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), quarry::Error> {
//! # let dir = std::env::temp_dir().join(format!("quarry-router-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # let primary_url = dir.join("primary.db");
//! # let primary_url = primary_url.to_str().unwrap();
//! // (SQLite files stand in for a PostgreSQL primary and its replica here.)
//! let config = PoolConfig::new(4);
//! let router = Router::new(
//!     Pool::<AsyncSqliteConnection>::new(primary_url, &config)?,
//!     vec![Pool::new(primary_url, &config)?],
//! )
//! .fallback(ReplicaFallback::Primary);
//!
//! let mut request = router.session();
//! request.writer().await?.batch_execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)").await?;
//! request.read_your_writes(); // the rest of this request reads from the primary
//! let n: i64 = quarry::sql_query("SELECT COUNT(*) FROM t")
//!     .get_result(&mut *request.reader().await?)
//!     .await?;
//! assert_eq!(n, 0);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok(())
//! # }
//! ```

use super::deadpool::{Object, Pool};
use crate::conn::AsyncConnection;
use crate::error::{Error, QueryResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a read does when no replica can hand out a connection (all down, or every
/// checkout timed out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReplicaFallback {
    /// Read from the primary instead.
    #[default]
    Primary,
    /// Fail with [`Error::Connection`], naming the replicas' last error: for reads
    /// that must not add load to the primary.
    Fail,
}

/// A primary's pool and its replicas' pools. Cloning it is cheap and shares the pools.
pub struct Router<C: AsyncConnection> {
    primary: Pool<C>,
    replicas: Arc<[Pool<C>]>,
    next: Arc<AtomicUsize>,
    fallback: ReplicaFallback,
}

impl<C: AsyncConnection> Clone for Router<C> {
    fn clone(&self) -> Self {
        Router {
            primary: self.primary.clone(),
            replicas: self.replicas.clone(),
            next: self.next.clone(),
            fallback: self.fallback,
        }
    }
}

impl<C: AsyncConnection> std::fmt::Debug for Router<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("primary", &self.primary)
            .field("replicas", &self.replicas)
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}

impl<C: AsyncConnection> Router<C> {
    /// Routes writes to `primary` and reads to `replicas` in turn (to `primary` when
    /// there are none), falling back to the primary when no replica can be reached.
    pub fn new(primary: Pool<C>, replicas: Vec<Pool<C>>) -> Self {
        Router {
            primary,
            replicas: replicas.into(),
            next: Arc::new(AtomicUsize::new(0)),
            fallback: ReplicaFallback::Primary,
        }
    }

    /// What reads do when no replica can be reached.
    pub fn fallback(mut self, fallback: ReplicaFallback) -> Self {
        self.fallback = fallback;
        self
    }

    /// A connection to the primary: for writes, transactions, and reads that must see
    /// the latest commits.
    pub async fn writer(&self) -> QueryResult<Object<C>> {
        self.primary.get().await
    }

    /// A connection to a replica, the next one in turn; the others when it cannot be
    /// reached; then the configured [`ReplicaFallback`]. A replica is unreachable when
    /// its pool cannot hand out a connection: use
    /// [`PrePing::Verified`](super::PrePing::Verified) on the replicas' pools so that a
    /// replica that went down is noticed at checkout rather than by the first query.
    pub async fn reader(&self) -> QueryResult<Object<C>> {
        let count = self.replicas.len();
        if count == 0 {
            return self.primary.get().await;
        }
        let first = self.next.fetch_add(1, Ordering::Relaxed) % count;
        let mut last = None;
        for k in 0..count {
            match self.replicas[(first + k) % count].get().await {
                Ok(conn) => return Ok(conn),
                Err(e) => last = Some(e),
            }
        }
        match self.fallback {
            ReplicaFallback::Primary => self.primary.get().await,
            ReplicaFallback::Fail => Err(Error::Connection(format!(
                "no replica could be reached: {}",
                last.map_or_else(String::new, |e| e.to_string())
            ))),
        }
    }

    /// A request's view of the router, which can pin the request to the primary.
    pub fn session(&self) -> Session<'_, C> {
        Session {
            router: self,
            pinned: false,
        }
    }

    /// The primary's pool.
    pub fn primary(&self) -> &Pool<C> {
        &self.primary
    }

    /// The replicas' pools.
    pub fn replicas(&self) -> &[Pool<C>] {
        &self.replicas
    }
}

/// One request's routing: reads from replicas until
/// [`read_your_writes`](Self::read_your_writes) pins it to the primary.
#[derive(Debug)]
pub struct Session<'r, C: AsyncConnection> {
    router: &'r Router<C>,
    pinned: bool,
}

impl<C: AsyncConnection> Session<'_, C> {
    /// A connection for a read: a replica's, or the primary's once pinned.
    pub async fn reader(&self) -> QueryResult<Object<C>> {
        if self.pinned {
            self.router.writer().await
        } else {
            self.router.reader().await
        }
    }

    /// A connection to the primary, for a write or a transaction.
    pub async fn writer(&self) -> QueryResult<Object<C>> {
        self.router.writer().await
    }

    /// From now on this session reads from the primary: what it wrote is visible to
    /// its reads at once, whatever the replicas' lag.
    pub fn read_your_writes(&mut self) {
        self.pinned = true;
    }

    /// Whether the session reads from the primary.
    pub fn is_pinned(&self) -> bool {
        self.pinned
    }
}
