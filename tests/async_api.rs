//! The async connections' own API: `.await` on the same query values, transactions with
//! async closures, futures that are `Send`, and what a dropped future leaves behind.

mod common;

use common::users;
use quarry::prelude::*;

fn assert_send<T: Send>(_: &T) {}

#[tokio::test]
async fn sqlite_loads_the_same_query_values() {
    let mut conn = AsyncSqliteConnection::establish(":memory:").await.unwrap();
    conn.batch_execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT, age INTEGER NOT NULL, visits INTEGER NOT NULL DEFAULT 0); INSERT INTO users (id, name, age) VALUES (1, 'Ada', 36), (2, 'Grace', 85)").await.unwrap();
    let q = users::table.filter(users::age.gt(40)).select(users::name);
    let fut = q.load(&mut conn);
    assert_send(&fut);
    let names = fut.await.unwrap();
    assert_eq!(names, ["Grace"]);
    let n = conn
        .transaction(async |tx| {
            quarry::sql_query("INSERT INTO users (id, name, age) VALUES (3, 'Linus', 28)")
                .execute(tx)
                .await
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn pg_loads_the_same_query_values() {
    let Ok(url) = std::env::var("QUARRY_PG_URL") else {
        panic!("QUARRY_PG_URL is not set");
    };
    let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
    conn.batch_execute("CREATE TEMP TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT, age INTEGER NOT NULL, visits INTEGER NOT NULL DEFAULT 0); INSERT INTO users (id, name, age) VALUES (1, 'Ada', 36), (2, 'Grace', 85)").await.unwrap();
    let q = users::table.filter(users::age.gt(40)).select(users::name);
    let fut = q.load(&mut conn);
    assert_send(&fut);
    let names = fut.await.unwrap();
    assert_eq!(names, ["Grace"]);
    let n = conn
        .transaction(async |tx| {
            quarry::sql_query("INSERT INTO users (id, name, age) VALUES (3, 'Linus', 28)")
                .execute(tx)
                .await
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
    let count: i64 = quarry::sql_query("SELECT COUNT(*) FROM users")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(count, 3);
    assert!(conn.is_idle());
}
