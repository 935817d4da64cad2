//! Read/write routing (`quarry::pool::router`) on a real PostgreSQL streaming replica:
//! a primary and a replica of this test's own (`pg_basebackup -R`) on loopback ports,
//! so that stopping the replica disturbs no other test. PostgreSQL only: SQLite has no
//! replicas.

#[path = "common/private_pg.rs"]
mod private_pg;

use private_pg::PrivateServer;
use quarry::pool::router::{ReplicaFallback, Router};
use quarry::pool::{PoolConfig, PrePing, deadpool::Pool};
use quarry::prelude::*;
use std::time::{Duration, Instant};

quarry::table! {
    notes (id) {
        id -> Int4,
        body -> Text,
    }
}

/// A primary and its replica, started off the runtime's threads.
async fn pair() -> (PrivateServer, PrivateServer) {
    tokio::task::spawn_blocking(|| {
        let primary = PrivateServer::start();
        let replica = PrivateServer::replica_of(&primary);
        (primary, replica)
    })
    .await
    .unwrap()
}

fn config() -> PoolConfig {
    PoolConfig::new(4)
        .checkout_timeout(Duration::from_secs(2))
        .pre_ping(PrePing::Verified)
}

async fn in_recovery(conn: &mut AsyncPgConnection) -> bool {
    quarry::sql_query("SELECT pg_is_in_recovery()")
        .get_result(conn)
        .await
        .unwrap()
}

async fn count(conn: &mut AsyncPgConnection) -> i64 {
    notes::table.count().get_result(conn).await.unwrap()
}

/// The rows, or `None` while the replica has not replayed the table's creation.
async fn try_count(conn: &mut AsyncPgConnection) -> Option<i64> {
    notes::table.count().get_result(conn).await.ok()
}

/// Reads from a replica until it shows `expected` rows, for at most 10 s.
async fn replayed(router: &Router<AsyncPgConnection>, expected: i64) -> Duration {
    let started = Instant::now();
    loop {
        let mut conn = router.reader().await.unwrap();
        assert!(in_recovery(&mut conn).await, "reads go to the replica");
        if try_count(&mut conn).await == Some(expected) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the replica did not replay the commit within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_the_replica_and_writes_to_the_primary() {
    let (primary, replica) = pair().await;
    let router = Router::new(
        Pool::<AsyncPgConnection>::new(&primary.url(), &config()).unwrap(),
        vec![Pool::new(&replica.url(), &config()).unwrap()],
    );
    let mut writer = router.writer().await.unwrap();
    assert!(!in_recovery(&mut writer).await, "writes go to the primary");
    writer
        .batch_execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    drop(writer);
    // The replica refuses writes: a write sent there by mistake fails, nothing is lost.
    let mut reader = router.reader().await.unwrap();
    replayed(&router, 0).await;
    let refused = quarry::insert_into(notes::table)
        .values((notes::id.eq(0), notes::body.eq("nowhere")))
        .execute(&mut *reader)
        .await;
    assert!(refused.is_err());
    drop(reader);

    // A committed write is visible on the replica once replayed.
    quarry::insert_into(notes::table)
        .values((notes::id.eq(1), notes::body.eq("first")))
        .execute(&mut *router.writer().await.unwrap())
        .await
        .unwrap();
    let lag = replayed(&router, 1).await;
    println!(
        "replica replay after a commit: {:.1} ms",
        lag.as_secs_f64() * 1e3
    );

    // An uncommitted write is never visible there, however long it stays open.
    let mut writer = router.writer().await.unwrap();
    writer.begin_test_transaction().await.unwrap();
    quarry::insert_into(notes::table)
        .values((notes::id.eq(2), notes::body.eq("uncommitted")))
        .execute(&mut *writer)
        .await
        .unwrap();
    assert_eq!(
        count(&mut writer).await,
        2,
        "the transaction sees its own row"
    );
    // Commits after it replay, so the replica has caught up with everything before.
    quarry::insert_into(notes::table)
        .values((notes::id.eq(3), notes::body.eq("other")))
        .execute(&mut *router.writer().await.unwrap())
        .await
        .unwrap();
    replayed(&router, 2).await;
    let mut reader = router.reader().await.unwrap();
    let ids: Vec<i32> = notes::table
        .select(notes::id)
        .order_by(notes::id)
        .load(&mut *reader)
        .await
        .unwrap();
    assert_eq!(
        ids,
        [1, 3],
        "the open transaction's row is not on the replica"
    );
    drop(reader);
    drop(writer); // returned inside the transaction: closed, and rolled back

    // Read your writes: a session pinned to the primary sees its write at once.
    let mut session = router.session();
    assert!(!session.is_pinned());
    quarry::insert_into(notes::table)
        .values((notes::id.eq(4), notes::body.eq("mine")))
        .execute(&mut *session.writer().await.unwrap())
        .await
        .unwrap();
    session.read_your_writes();
    let mut reader = session.reader().await.unwrap();
    assert!(
        !in_recovery(&mut reader).await,
        "a pinned session reads the primary"
    );
    let mine: Option<String> = notes::table
        .filter(notes::id.eq(4))
        .select(notes::body)
        .first(&mut *reader)
        .await
        .optional()
        .unwrap();
    assert_eq!(mine.as_deref(), Some("mine"));
    drop(reader);
    assert_eq!(router.primary().status().in_use(), 0);
    assert_eq!(router.replicas()[0].status().in_use(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_goes_down_falls_back_or_fails_as_configured() {
    let (primary, replica) = pair().await;
    let primary_pool = Pool::<AsyncPgConnection>::new(&primary.url(), &config()).unwrap();
    let replica_pool = Pool::<AsyncPgConnection>::new(&replica.url(), &config()).unwrap();
    let falls_back = Router::new(primary_pool.clone(), vec![replica_pool.clone()]);
    let fails = Router::new(primary_pool, vec![replica_pool]).fallback(ReplicaFallback::Fail);
    // Both use the replica while it is up (and the pool keeps its connection).
    for router in [&falls_back, &fails] {
        assert!(in_recovery(&mut router.reader().await.unwrap()).await);
    }

    let replica = tokio::task::spawn_blocking(move || {
        replica.pg_ctl("stop");
        replica
    })
    .await
    .unwrap();

    // The pooled connection to it is found lost at checkout; no new one can be opened.
    let mut conn = falls_back.reader().await.unwrap();
    assert!(!in_recovery(&mut conn).await, "fell back to the primary");
    drop(conn);
    let started = Instant::now();
    let err = fails.reader().await.err().unwrap();
    assert!(
        matches!(&err, quarry::Error::Connection(m) if m.starts_with("no replica could be reached")),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "failed at once, no hang"
    );
    // Writes are unaffected.
    fails
        .writer()
        .await
        .unwrap()
        .batch_execute("SELECT 1")
        .await
        .unwrap();

    // Back up: reads return to it.
    let replica = tokio::task::spawn_blocking(move || {
        replica.pg_ctl("start");
        replica
    })
    .await
    .unwrap();
    assert!(in_recovery(&mut fails.reader().await.unwrap()).await);
    drop((replica, primary));
}

/// How far behind the replica is, as the router measures it.
async fn replica_lag(router: &Router<AsyncPgConnection>) -> Duration {
    use quarry::pool::router::ReplicaLag;
    router.replicas()[0]
        .get()
        .await
        .unwrap()
        .replay_lag()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_lags_is_skipped_as_configured() {
    let (primary, replica) = pair().await;
    let primary_pool = Pool::<AsyncPgConnection>::new(&primary.url(), &config()).unwrap();
    let replica_pool = Pool::<AsyncPgConnection>::new(&replica.url(), &config()).unwrap();
    let max_lag = Duration::from_millis(300);
    // Without a limit, to wait for the replica: right after an idle spell its last
    // replayed transaction is old, and new WAL counts as behind until it is replayed.
    let plain = Router::new(primary_pool.clone(), vec![replica_pool.clone()]);
    let falls_back = Router::new(primary_pool.clone(), vec![replica_pool.clone()])
        .max_lag(max_lag, Duration::ZERO);
    let fails = Router::new(primary_pool, vec![replica_pool])
        .max_lag(max_lag, Duration::ZERO)
        .fallback(ReplicaFallback::Fail);
    falls_back
        .writer()
        .await
        .unwrap()
        .batch_execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    replayed(&plain, 0).await;
    assert_eq!(replica_lag(&falls_back).await, Duration::ZERO, "caught up");
    assert!(in_recovery(&mut falls_back.reader().await.unwrap()).await);

    // Replay paused on the replica while the primary goes on writing: the replica
    // receives the WAL and falls behind.
    let mut on_replica = falls_back.replicas()[0].get().await.unwrap();
    on_replica
        .batch_execute("SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    drop(on_replica);
    let started = Instant::now();
    let mut id = 0;
    while replica_lag(&falls_back).await <= max_lag {
        id += 1;
        quarry::insert_into(notes::table)
            .values((notes::id.eq(id), notes::body.eq("while paused")))
            .execute(&mut *falls_back.writer().await.unwrap())
            .await
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the paused replica never counted as behind"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Reads go past it: to the primary, which has every row, or to an error.
    let mut conn = falls_back.reader().await.unwrap();
    assert!(!in_recovery(&mut conn).await, "fell back to the primary");
    assert_eq!(count(&mut conn).await, i64::from(id));
    drop(conn);
    let err = fails.reader().await.err().unwrap();
    assert!(
        matches!(&err, quarry::Error::Connection(m) if m.contains("behind its primary, over the router's max_lag of 300 ms")),
        "{err}"
    );

    // Replay resumed: the replica catches up and serves reads again.
    let mut on_replica = fails.replicas()[0].get().await.unwrap();
    on_replica
        .batch_execute("SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    drop(on_replica);
    replayed(&plain, i64::from(id)).await;
    assert!(in_recovery(&mut fails.reader().await.unwrap()).await);
    drop((replica, primary));
}
