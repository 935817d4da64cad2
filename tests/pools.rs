//! The pool adapters (`quarry::pool`): r2d2 with the blocking connections, deadpool and
//! bb8 with the async ones, each on SQLite and on PostgreSQL. What a pool must never do:
//! hang past its checkout timeout, hand out a connection that is lost, inside a
//! transaction or with the leftovers of a dropped future, or keep one past its lifetime.
//!
//! A connection is recognised across checkouts by a temporary table it created
//! (`pool_mark`): temporary tables belong to one connection on both databases.

use quarry::conn::{AsyncConnection, Connection};
use quarry::pool::{PoolConfig, PoolableConnection, PrePing, bb8, deadpool, r2d2};
use quarry::prelude::*;
use std::future::Future;
use std::task::Poll;
use std::time::{Duration, Instant};

/// One database the tests run on.
trait Backend {
    type Sync: PoolableConnection;
    type Async: AsyncConnection;
    const PG: bool;
    fn url() -> String;
}

struct Sqlite;
impl Backend for Sqlite {
    type Sync = SqliteConnection;
    type Async = AsyncSqliteConnection;
    const PG: bool = false;
    fn url() -> String {
        // Each connection of the pool has its own private database.
        ":memory:".to_owned()
    }
}

struct Pg;
impl Backend for Pg {
    type Sync = PgConnection;
    type Async = AsyncPgConnection;
    const PG: bool = true;
    fn url() -> String {
        std::env::var("QUARRY_PG_URL").unwrap_or_else(|_| {
            panic!(
                "QUARRY_PG_URL is not set: the PostgreSQL half of the suite needs the server \
                 that `cargo xtask test` starts (or `export QUARRY_PG_URL=$(cargo xtask pg-start)`)"
            )
        })
    }
}

fn quick(max_size: u32) -> PoolConfig {
    PoolConfig::new(max_size).checkout_timeout(Duration::from_millis(300))
}

fn assert_timed_out(err: quarry::Error, started: Instant) {
    let waited = started.elapsed();
    match &err {
        quarry::Error::PoolTimeout {
            max_size: 1,
            waited,
        } => {
            assert_eq!(*waited, Duration::from_millis(300));
        }
        other => panic!("expected a checkout timeout, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("all 1 connections of the pool are in use"),
        "{err}"
    );
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(5),
        "the checkout waited {waited:?}"
    );
}

// ---------------------------------------------------------------------------------
// Blocking connections, on r2d2
// ---------------------------------------------------------------------------------

fn mark<C: Connection>(conn: &mut C) {
    conn.batch_execute("CREATE TEMP TABLE pool_mark (n INTEGER)")
        .unwrap();
}

fn marked<C: Connection>(conn: &mut C) -> bool {
    conn.batch_execute("SELECT n FROM pool_mark").is_ok()
}

fn backend_pid<C: Connection>(conn: &mut C) -> i32 {
    quarry::sql_query("SELECT pg_backend_pid()")
        .get_result(conn)
        .unwrap()
}

/// Ends the server process of the connection `pid` and waits until it is gone.
fn terminate(pid: i32) {
    let mut admin = PgConnection::establish(&Pg::url()).unwrap();
    let ended: bool = quarry::sql_query("SELECT pg_terminate_backend($1, 5000)")
        .bind(pid)
        .get_result(&mut admin)
        .unwrap();
    assert!(ended);
}

fn r2d2_checkout_times_out<B: Backend>() {
    let pool = r2d2::Pool::<B::Sync>::new(&B::url(), &quick(1)).unwrap();
    let held = pool.get().unwrap();
    let started = Instant::now();
    assert_timed_out(pool.get().err().unwrap(), started);
    drop(held);
    let mut conn = pool.get().unwrap();
    conn.batch_execute("SELECT 1").unwrap();
    assert_eq!(pool.status().open, 1);
}

fn r2d2_reuses_a_clean_connection<B: Backend>() {
    for pre_ping in [PrePing::Fast, PrePing::Verified] {
        let pool = r2d2::Pool::<B::Sync>::new(&B::url(), &quick(2).pre_ping(pre_ping)).unwrap();
        let mut conn = pool.get().unwrap();
        mark(&mut *conn);
        conn.transaction(|c| c.batch_execute("SELECT 1")).unwrap();
        drop(conn);
        let mut conn = pool.get().unwrap();
        assert!(
            marked(&mut *conn),
            "{pre_ping:?}: the same connection again"
        );
        assert_eq!(pool.status().open, 1);
        assert_eq!(pool.status().in_use(), 1);
    }
}

fn r2d2_never_hands_out_a_connection_inside_a_transaction<B: Backend>() {
    let pool = r2d2::Pool::<B::Sync>::new(&B::url(), &quick(1)).unwrap();
    // Quarry's own transaction, and one begun by hand.
    for begin in [
        |c: &mut B::Sync| c.begin_test_transaction(),
        |c: &mut B::Sync| c.batch_execute("BEGIN"),
    ] {
        let mut conn = pool.get().unwrap();
        mark(&mut *conn);
        begin(&mut *conn).unwrap();
        drop(conn);
        let mut conn = pool.get().unwrap();
        assert!(!marked(&mut *conn), "a new connection replaced it");
        // Outside any transaction: a table created now is kept.
        mark(&mut *conn);
        drop(conn);
        let mut conn = pool.get().unwrap();
        assert!(marked(&mut *conn));
        conn.batch_execute("DROP TABLE pool_mark").unwrap();
        assert_eq!(pool.status().open, 1);
    }
}

fn r2d2_recycles_after_max_lifetime<B: Backend>() {
    let config = quick(1).max_lifetime(Some(Duration::from_millis(300)));
    let pool = r2d2::Pool::<B::Sync>::new(&B::url(), &config).unwrap();
    let mut conn = pool.get().unwrap();
    mark(&mut *conn);
    drop(conn);
    assert!(marked(&mut *pool.get().unwrap()), "young: kept");
    std::thread::sleep(Duration::from_millis(400));
    assert!(!marked(&mut *pool.get().unwrap()), "old: replaced");
    assert_eq!(pool.status().open, 1);
}

fn r2d2_replaces_a_lost_connection<B: Backend>() {
    // Fast: the lost connection fails its next statement, then the pool replaces it.
    let pool = r2d2::Pool::<B::Sync>::new(&B::url(), &quick(1)).unwrap();
    let pid = backend_pid(&mut *pool.get().unwrap());
    terminate(pid);
    let mut conn = pool.get().unwrap();
    assert!(conn.batch_execute("SELECT 1").is_err());
    drop(conn);
    let mut conn = pool.get().unwrap();
    assert_ne!(backend_pid(&mut *conn), pid);
    drop(conn);
    // Verified: the pre-ping finds it lost, and nobody sees it.
    let config = quick(1).pre_ping(PrePing::Verified);
    let pool = r2d2::Pool::<B::Sync>::new(&B::url(), &config).unwrap();
    let pid = backend_pid(&mut *pool.get().unwrap());
    terminate(pid);
    let mut conn = pool.get().unwrap();
    assert_ne!(backend_pid(&mut *conn), pid);
    assert_eq!(pool.status().open, 1);
}

/// Waits (at most 5 s) until the server process `pid` is gone.
fn server_process_ends(pid: i32) {
    let mut admin = PgConnection::establish(&Pg::url()).unwrap();
    let started = Instant::now();
    loop {
        let alive: i64 = quarry::sql_query("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1")
            .bind(pid)
            .get_result(&mut admin)
            .unwrap();
        if alive == 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the session of a connection returned inside a transaction is still open"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn r2d2_closes_a_connection_returned_inside_a_transaction_at_once<B: Backend>() {
    let pool = r2d2::Pool::<B::Sync>::new(&B::url(), &quick(2)).unwrap();
    let mut conn = pool.get().unwrap();
    let pid = backend_pid(&mut *conn);
    conn.begin_test_transaction().unwrap();
    drop(conn);
    // Closed on return: the server rolled the transaction back and its locks are free.
    server_process_ends(pid);
    assert_eq!(pool.status().open, 0);
}

// ---------------------------------------------------------------------------------
// Async connections, on deadpool and bb8
// ---------------------------------------------------------------------------------

/// What the tests need of an async pool, for deadpool and bb8 alike.
trait AsyncPool<C: AsyncConnection>: Sized {
    type Conn<'p>: std::ops::DerefMut<Target = C> + Send
    where
        Self: 'p;
    fn open(url: &str, config: &PoolConfig) -> Self;
    fn checkout(&self) -> impl Future<Output = quarry::QueryResult<Self::Conn<'_>>> + Send;
    fn status(&self) -> quarry::pool::PoolStatus;
}

impl<C: AsyncConnection> AsyncPool<C> for deadpool::Pool<C> {
    type Conn<'p> = deadpool::Object<C>;
    fn open(url: &str, config: &PoolConfig) -> Self {
        deadpool::Pool::new(url, config).unwrap()
    }
    fn checkout(&self) -> impl Future<Output = quarry::QueryResult<Self::Conn<'_>>> + Send {
        self.get()
    }
    fn status(&self) -> quarry::pool::PoolStatus {
        deadpool::Pool::status(self)
    }
}

impl<C: AsyncConnection> AsyncPool<C> for bb8::Pool<C> {
    type Conn<'p> = bb8::PooledConnection<'p, C>;
    fn open(url: &str, config: &PoolConfig) -> Self {
        bb8::Pool::new(url, config)
    }
    fn checkout(&self) -> impl Future<Output = quarry::QueryResult<Self::Conn<'_>>> + Send {
        self.get()
    }
    fn status(&self) -> quarry::pool::PoolStatus {
        bb8::Pool::status(self)
    }
}

async fn mark_async<C: AsyncConnection>(conn: &mut C) {
    conn.batch_execute("CREATE TEMP TABLE pool_mark (n INTEGER)")
        .await
        .unwrap();
}

async fn marked_async<C: AsyncConnection>(conn: &mut C) -> bool {
    conn.batch_execute("SELECT n FROM pool_mark").await.is_ok()
}

async fn count<C: AsyncConnection>(conn: &mut C, sql: &str) -> i64 {
    quarry::sql_query(sql)
        .get_result(conn)
        .await
        .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"))
}

/// Polls `f` at most `polls` times, letting the runtime and the database work a little
/// between polls; the output if it finished, `None` if it was dropped unfinished.
async fn poll_then_drop<F: Future>(f: F, polls: usize) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    for _ in 0..polls {
        let step = std::future::poll_fn(|cx| Poll::Ready(f.as_mut().poll(cx))).await;
        if let Poll::Ready(output) = step {
            return Some(output);
        }
        tokio::time::sleep(Duration::from_micros(300)).await;
    }
    None
}

async fn async_checkout_times_out<B: Backend, P: AsyncPool<B::Async>>() {
    let pool = P::open(&B::url(), &quick(1));
    let held = pool.checkout().await.unwrap();
    let started = Instant::now();
    let err = pool.checkout().await.err().unwrap();
    assert_timed_out(err, started);
    drop(held);
    let mut conn = pool.checkout().await.unwrap();
    conn.batch_execute("SELECT 1").await.unwrap();
    assert_eq!(pool.status().open, 1);
}

async fn async_reuses_a_clean_connection<B: Backend, P: AsyncPool<B::Async>>() {
    for pre_ping in [PrePing::Fast, PrePing::Verified] {
        let pool = P::open(&B::url(), &quick(2).pre_ping(pre_ping));
        let mut conn = pool.checkout().await.unwrap();
        mark_async(&mut *conn).await;
        conn.transaction(async |c| c.batch_execute("SELECT 1").await)
            .await
            .unwrap();
        drop(conn);
        let mut conn = pool.checkout().await.unwrap();
        assert!(
            marked_async(&mut *conn).await,
            "{pre_ping:?}: the same connection again"
        );
        assert_eq!(pool.status().open, 1);
        assert_eq!(pool.status().in_use(), 1);
    }
}

async fn async_never_hands_out_a_connection_inside_a_transaction<
    B: Backend,
    P: AsyncPool<B::Async>,
>() {
    let pool = P::open(&B::url(), &quick(1));
    let mut conn = pool.checkout().await.unwrap();
    mark_async(&mut *conn).await;
    conn.begin_test_transaction().await.unwrap();
    drop(conn);
    let mut conn = pool.checkout().await.unwrap();
    assert!(conn.is_idle());
    assert!(
        !marked_async(&mut *conn).await,
        "a new connection replaced it"
    );
    drop(conn);
    assert_eq!(pool.status().open, 1);
}

async fn async_recycles_after_max_lifetime<B: Backend, P: AsyncPool<B::Async>>() {
    let config = quick(1).max_lifetime(Some(Duration::from_millis(300)));
    let pool = P::open(&B::url(), &config);
    let mut conn = pool.checkout().await.unwrap();
    mark_async(&mut *conn).await;
    drop(conn);
    assert!(
        marked_async(&mut *pool.checkout().await.unwrap()).await,
        "young: kept"
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(
        !marked_async(&mut *pool.checkout().await.unwrap()).await,
        "old: replaced"
    );
    assert!(pool.status().open <= 1);
}

/// Drops a query's and a transaction's futures after each number of polls, returns
/// the connection to the pool, and checks what the next checkout hands out: idle, no
/// transaction open on the server, the dropped transaction all or nothing.
async fn async_a_future_dropped_at_any_poll_is_never_handed_out_unclean<
    B: Backend,
    P: AsyncPool<B::Async>,
>() {
    let pool = P::open(&B::url(), &PoolConfig::new(1));
    let slow = if B::PG {
        "SELECT 1 FROM pg_sleep(0.002)"
    } else {
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000) \
         SELECT COUNT(*) FROM n"
    };
    let setup = "CREATE TEMP TABLE IF NOT EXISTS pool_rows (n INTEGER); DELETE FROM pool_rows";
    let mut finished = 0;
    let mut kept = 0;
    for polls in (1..=12).chain([100_000]) {
        let mut conn = pool.checkout().await.unwrap();
        conn.batch_execute(setup).await.unwrap();
        mark_async(&mut *conn).await;
        let load = quarry::sql_query(slow).load::<i64, _>(&mut *conn);
        let _ = poll_then_drop(load, polls).await;
        drop(conn);

        let mut conn = pool.checkout().await.unwrap();
        assert!(conn.is_idle(), "after {polls} polls of a query");
        conn.batch_execute(setup).await.unwrap();
        let transaction = conn.transaction(async |tx| {
            for n in [1, 2] {
                quarry::sql_query("INSERT INTO pool_rows (n) VALUES ($1)")
                    .bind(n)
                    .execute(tx)
                    .await?;
                quarry::sql_query(slow).load::<i64, _>(tx).await?;
            }
            Ok::<_, quarry::Error>(())
        });
        let done = poll_then_drop(transaction, polls).await;
        drop(conn);

        let mut conn = pool.checkout().await.unwrap();
        assert!(conn.is_idle(), "after {polls} polls of a transaction");
        assert_eq!(conn.transaction_depth(), 0);
        if marked_async(&mut *conn).await {
            kept += 1;
            conn.batch_execute("DROP TABLE pool_mark").await.unwrap();
        }
        conn.batch_execute("CREATE TEMP TABLE IF NOT EXISTS pool_rows (n INTEGER)")
            .await
            .unwrap();
        let rows = count(&mut *conn, "SELECT COUNT(*) FROM pool_rows").await;
        assert!(
            rows == 0 || rows == 2,
            "after {polls} polls the transaction is all or nothing, found {rows} of 2 rows"
        );
        if let Some(outcome) = done {
            outcome.unwrap();
            finished += 1;
        }
        if B::PG {
            let open = count(
                &mut *conn,
                "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() \
                 AND xact_start IS NOT NULL AND state <> 'active'",
            )
            .await;
            assert_eq!(open, 0, "after {polls} polls no transaction is open");
        }
        drop(conn);
        assert_eq!(pool.status().in_use(), 0);
    }
    assert!(
        (1..13).contains(&finished),
        "some futures were dropped, some finished: {finished}"
    );
    // A dropped future costs a drain, not the connection.
    assert!(kept > 0, "the connection was kept after a drain");
}

async fn async_replaces_a_lost_connection<B: Backend, P: AsyncPool<B::Async>>() {
    async fn pid<C: AsyncConnection>(conn: &mut C) -> i32 {
        quarry::sql_query("SELECT pg_backend_pid()")
            .get_result(conn)
            .await
            .unwrap()
    }
    // Fast: the lost connection fails its next statement, then the pool replaces it.
    let pool = P::open(&B::url(), &quick(1));
    let lost = pid(&mut *pool.checkout().await.unwrap()).await;
    tokio::task::spawn_blocking(move || terminate(lost))
        .await
        .unwrap();
    let mut conn = pool.checkout().await.unwrap();
    assert!(conn.batch_execute("SELECT 1").await.is_err());
    assert!(conn.is_broken());
    drop(conn);
    let mut conn = pool.checkout().await.unwrap();
    assert_ne!(pid(&mut *conn).await, lost);
    drop(conn);
    // Verified: the pre-ping finds it lost, and nobody sees it.
    let pool = P::open(&B::url(), &quick(1).pre_ping(PrePing::Verified));
    let lost = pid(&mut *pool.checkout().await.unwrap()).await;
    tokio::task::spawn_blocking(move || terminate(lost))
        .await
        .unwrap();
    let mut conn = pool.checkout().await.unwrap();
    assert_ne!(pid(&mut *conn).await, lost);
    drop(conn);
    assert_eq!(pool.status().open, 1);
}

/// bb8 checks a connection as it comes back: one returned inside a transaction, or with
/// a transaction's future dropped, is closed at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_bb8_closes_a_connection_returned_inside_a_transaction_at_once() {
    let pool = bb8::Pool::<AsyncPgConnection>::new(&Pg::url(), &quick(2));
    for drop_future in [false, true] {
        let mut conn = pool.get().await.unwrap();
        let pid: i32 = quarry::sql_query("SELECT pg_backend_pid()")
            .get_result(&mut *conn)
            .await
            .unwrap();
        if drop_future {
            let transaction = conn.transaction(async |tx| {
                tx.batch_execute("SELECT pg_sleep(5)").await?;
                Ok::<_, quarry::Error>(())
            });
            let _ = poll_then_drop(transaction, 20).await;
        } else {
            conn.begin_test_transaction().await.unwrap();
        }
        drop(conn);
        tokio::task::spawn_blocking(move || server_process_ends(pid))
            .await
            .unwrap();
    }
}

#[test]
fn a_zero_timeout_or_lifetime_is_refused_gently() {
    let config = PoolConfig::new(0)
        .checkout_timeout(Duration::ZERO)
        .max_lifetime(Some(Duration::ZERO))
        .idle_timeout(Some(Duration::ZERO))
        .min_idle(5);
    assert_eq!(config.get_max_size(), 1);
    assert_eq!(config.get_checkout_timeout(), Duration::from_millis(1));
    // r2d2 and bb8 would panic on a zero duration or on min_idle above max_size.
    let pool = r2d2::Pool::<SqliteConnection>::new(":memory:", &config).unwrap();
    assert_eq!(pool.status().max_size, 1);
}

/// One test per backend for each blocking body, and per backend and async pool for each
/// async one; the bodies that end a server process run on PostgreSQL only.
macro_rules! pool_tests {
    (
        blocking: $($sync:ident),+;
        async: $($async:ident),+;
        pg blocking: $($pg_sync:ident),+;
        pg async: $($pg_async:ident),+ $(,)?
    ) => {
        pool_tests!(@backend sqlite, crate::Sqlite; $($sync),+; $($async),+);
        pool_tests!(@backend pg, crate::Pg; $($sync,)+ $($pg_sync),+; $($async,)+ $($pg_async),+);
    };
    (@backend $module:ident, $backend:ty; $($sync:ident),+; $($async:ident),+) => {
        mod $module {
            $(
                #[test]
                fn $sync() {
                    crate::$sync::<$backend>();
                }
            )+
            mod deadpool {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $async() {
                        crate::$async::<
                            $backend,
                            quarry::pool::deadpool::Pool<<$backend as crate::Backend>::Async>,
                        >()
                        .await;
                    }
                )+
            }
            mod bb8 {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $async() {
                        crate::$async::<
                            $backend,
                            quarry::pool::bb8::Pool<<$backend as crate::Backend>::Async>,
                        >()
                        .await;
                    }
                )+
            }
        }
    };
}

pool_tests! {
    blocking:
        r2d2_checkout_times_out,
        r2d2_reuses_a_clean_connection,
        r2d2_never_hands_out_a_connection_inside_a_transaction,
        r2d2_recycles_after_max_lifetime;
    async:
        async_checkout_times_out,
        async_reuses_a_clean_connection,
        async_never_hands_out_a_connection_inside_a_transaction,
        async_recycles_after_max_lifetime,
        async_a_future_dropped_at_any_poll_is_never_handed_out_unclean;
    pg blocking:
        r2d2_replaces_a_lost_connection,
        r2d2_closes_a_connection_returned_inside_a_transaction_at_once;
    pg async:
        async_replaces_a_lost_connection,
}
