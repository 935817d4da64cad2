//! Read/write routing over a primary's pool and its replicas' pools (feature
//! `deadpool`): reads go to a replica, writes and transactions to the primary, and a
//! request that must read its own writes pins itself to the primary.
//!
//! PostgreSQL's streaming replicas apply the primary's commits a moment later, so a
//! replica can lag behind: a read there may not see a write the same request just
//! made. That is what [`Session::read_your_writes`] is for. A replica never shows what
//! the primary has not committed. A replica that falls too far behind (replay paused,
//! a long query holding replay back, a slow link) can be skipped:
//! [`Router::max_lag`] measures how long it has been replaying what it received, and
//! routes reads past it, to another replica or as [`ReplicaFallback`] says.
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
#[cfg(feature = "postgres")]
use crate::conn::SqlQueryDsl;
use crate::error::{Error, QueryResult};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A connection that can say how far behind its primary it is: what [`Router::max_lag`]
/// asks each replica.
pub trait ReplicaLag: AsyncConnection {
    /// How long the replica has been behind what it received from its primary: zero
    /// when it has replayed everything, or when it is no replica at all.
    fn replay_lag(&mut self) -> impl Future<Output = QueryResult<Duration>> + Send;
}

/// PostgreSQL: while WAL received is not replayed yet, the time since the last
/// transaction replayed (`pg_last_xact_replay_timestamp`); zero once replay has caught
/// up, and on a primary.
#[cfg(feature = "postgres")]
impl ReplicaLag for crate::backend::pg::AsyncPgConnection {
    async fn replay_lag(&mut self) -> QueryResult<Duration> {
        let seconds: Option<f64> = crate::query::sql_query(
            "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0::float8 \
                         WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() \
                              THEN 0::float8 \
                         ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 \
                    END",
        )
        .get_result(self)
        .await?;
        // Nothing replayed yet while WAL waits: as far behind as can be.
        Ok(seconds.map_or(Duration::MAX, |s| {
            Duration::try_from_secs_f64(s.max(0.0)).unwrap_or(Duration::MAX)
        }))
    }
}

/// SQLite has no replicas: a database is never behind itself.
#[cfg(feature = "sqlite")]
impl ReplicaLag for crate::backend::sqlite::AsyncSqliteConnection {
    async fn replay_lag(&mut self) -> QueryResult<Duration> {
        Ok(Duration::ZERO)
    }
}

/// How far behind each replica was when last measured, and when.
type Measured = Mutex<Option<(Instant, Duration)>>;

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
    /// `max_lag` and how often to measure it, with each replica's last measurement.
    lag: Option<(Duration, Duration)>,
    measured: Arc<[Measured]>,
}

impl<C: AsyncConnection> Clone for Router<C> {
    fn clone(&self) -> Self {
        Router {
            primary: self.primary.clone(),
            replicas: self.replicas.clone(),
            next: self.next.clone(),
            fallback: self.fallback,
            lag: self.lag,
            measured: self.measured.clone(),
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

impl<C: ReplicaLag> Router<C> {
    /// Routes writes to `primary` and reads to `replicas` in turn (to `primary` when
    /// there are none), falling back to the primary when no replica can be reached.
    pub fn new(primary: Pool<C>, replicas: Vec<Pool<C>>) -> Self {
        let measured = replicas.iter().map(|_| Mutex::new(None)).collect();
        Router {
            primary,
            replicas: replicas.into(),
            next: Arc::new(AtomicUsize::new(0)),
            fallback: ReplicaFallback::Primary,
            lag: None,
            measured,
        }
    }

    /// Reads skip a replica that is more than `max_lag` behind its primary (see
    /// [`ReplicaLag`]), as they skip one that cannot be reached. Each replica's lag is
    /// measured with one statement on the connection a read checks out, at most once
    /// per `check_every` (a read in between trusts the last measurement; zero measures
    /// on every read).
    pub fn max_lag(mut self, max_lag: Duration, check_every: Duration) -> Self {
        self.lag = Some((max_lag, check_every));
        self
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
            let index = (first + k) % count;
            let mut conn = match self.replicas[index].get().await {
                Ok(conn) => conn,
                Err(e) => {
                    last = Some(e);
                    continue;
                }
            };
            match self.behind(index, &mut conn).await {
                Ok(None) => return Ok(conn),
                Ok(Some(lag)) => last = Some(lag),
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

    /// Why replica `index` must not serve a read (it lags more than `max_lag`), or
    /// `None`; measured on `conn` unless a measurement recent enough is at hand.
    async fn behind(&self, index: usize, conn: &mut C) -> QueryResult<Option<Error>> {
        let Some((max_lag, check_every)) = self.lag else {
            return Ok(None);
        };
        let cached = self.measured[index]
            .lock()
            .ok()
            .and_then(|m| *m)
            .filter(|(at, _)| at.elapsed() < check_every)
            .map(|(_, lag)| lag);
        let lag = match cached {
            Some(lag) => lag,
            None => {
                let lag = conn.replay_lag().await?;
                if let Ok(mut m) = self.measured[index].lock() {
                    *m = Some((Instant::now(), lag));
                }
                lag
            }
        };
        Ok((lag > max_lag).then(|| {
            Error::Connection(format!(
                "the replica is {} ms behind its primary, over the router's max_lag of {} ms",
                lag.as_millis(),
                max_lag.as_millis()
            ))
        }))
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

impl<C: ReplicaLag> Session<'_, C> {
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
