//! quarry behind PgBouncer in transaction mode (Debian 12's 1.18): a PostgreSQL server
//! and a PgBouncer of this test's own on loopback ports, two server connections shared
//! by many clients, so that a client's statements land on different server connections
//! from one transaction to the next. With `statement_cache=off` (PgBouncer before 1.21
//! keeps no named statement across transactions) typed queries, bound values,
//! transactions and pools all work. PostgreSQL only.

#[path = "common/private_pg.rs"]
mod private_pg;

use private_pg::{PrivateBouncer, PrivateServer};
use quarry::pool::{PoolConfig, deadpool, r2d2};
use quarry::prelude::*;
use std::time::Duration;

quarry::table! {
    events (id) {
        id -> Int4 = default,
        client -> Int4,
        n -> Int8,
        label -> Text,
    }
}

/// PgBouncer's server connections per database: fewer than the clients.
const SERVER_CONNECTIONS: u32 = 2;

async fn setup() -> (PrivateServer, PrivateBouncer) {
    tokio::task::spawn_blocking(|| {
        let server = PrivateServer::start();
        let bouncer = PrivateBouncer::start(&server, SERVER_CONNECTIONS);
        let mut direct = PgConnection::establish(&server.url()).unwrap();
        direct
            .batch_execute(
                "CREATE TABLE events (id SERIAL PRIMARY KEY, client INTEGER NOT NULL, \
                 n BIGINT NOT NULL, label TEXT NOT NULL)",
            )
            .unwrap();
        (server, bouncer)
    })
    .await
    .unwrap()
}

/// Client backends on the server besides the caller's: what PgBouncer opened.
fn server_backends(server: &PrivateServer) -> i64 {
    let mut direct = PgConnection::establish(&server.url()).unwrap();
    quarry::sql_query(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend' \
         AND pid <> pg_backend_pid()",
    )
    .get_result(&mut direct)
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_pool_behind_pgbouncer_in_transaction_mode() {
    let (server, bouncer) = setup().await;
    let pool = deadpool::Pool::<AsyncPgConnection>::new(
        &bouncer.url("postgres"),
        &PoolConfig::new(8).checkout_timeout(Duration::from_secs(10)),
    )
    .unwrap();
    const CLIENTS: i32 = 8;
    const ROUNDS: i32 = 40;
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut conn = pool.get().await.unwrap();
                for round in 0..ROUNDS {
                    let label = format!("client {client} round {round}");
                    conn.transaction(async move |tx| {
                        quarry::insert_into(events::table)
                            .values((
                                events::client.eq(client),
                                events::n.eq(i64::from(round) * 10_000_000_000),
                                events::label.eq(label.clone()),
                            ))
                            .execute(tx)
                            .await?;
                        // In the same transaction, so on the same server connection.
                        let mine: i64 = events::table
                            .filter(events::client.eq(client))
                            .count()
                            .get_result(tx)
                            .await?;
                        assert_eq!(mine, i64::from(round) + 1);
                        Ok::<_, quarry::Error>(())
                    })
                    .await
                    .unwrap();
                    // Outside a transaction: each statement on whichever server
                    // connection is free.
                    let last: (i64, String) = events::table
                        .filter(events::client.eq(client))
                        .order_by(events::id.desc())
                        .select((events::n, events::label))
                        .first(&mut *conn)
                        .await
                        .unwrap();
                    assert_eq!(last.0, i64::from(round) * 10_000_000_000);
                    assert_eq!(last.1, format!("client {client} round {round}"));
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let total: i64 = events::table
        .count()
        .get_result(&mut *pool.get().await.unwrap())
        .await
        .unwrap();
    assert_eq!(total, i64::from(CLIENTS * ROUNDS));
    let backends = tokio::task::spawn_blocking(move || server_backends(&server))
        .await
        .unwrap();
    assert!(
        backends <= i64::from(SERVER_CONNECTIONS),
        "{backends} server connections for 8 clients: the clients went through PgBouncer"
    );
    drop(bouncer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_pool_behind_pgbouncer_in_transaction_mode() {
    let (server, bouncer) = setup().await;
    let url = bouncer.url("postgres");
    tokio::task::spawn_blocking(move || {
        let pool = r2d2::Pool::<PgConnection>::new(&url, &PoolConfig::new(6)).unwrap();
        std::thread::scope(|s| {
            for client in 0..6 {
                let pool = &pool;
                s.spawn(move || {
                    let mut conn = pool.get().unwrap();
                    for round in 0..30_i64 {
                        conn.transaction(|tx| {
                            quarry::insert_into(events::table)
                                .values((
                                    events::client.eq(client),
                                    events::n.eq(round),
                                    events::label.eq("blocking"),
                                ))
                                .execute(tx)
                        })
                        .unwrap();
                        let n: Option<i64> = events::table
                            .filter(events::client.eq(client))
                            .select(quarry::expr::max(events::n))
                            .first(&mut *conn)
                            .unwrap();
                        assert_eq!(n, Some(round));
                    }
                });
            }
        });
        let total: i64 = events::table
            .count()
            .get_result(&mut *pool.get().unwrap())
            .unwrap();
        assert_eq!(total, 6 * 30);
        assert!(server_backends(&server) <= i64::from(SERVER_CONNECTIONS));
    })
    .await
    .unwrap();
    drop(bouncer);
}
