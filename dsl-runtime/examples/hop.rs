use quarry::prelude::*;
use std::time::Instant;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

fn main() {
    let n = 20_000;
    let mut sync = SqliteConnection::establish(":memory:").unwrap();
    sync.batch_execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO users VALUES (1, 'a')").unwrap();
    let flavor = std::env::args().nth(1).unwrap_or_default();
    let _ = flavor;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut conn = rt
        .block_on(AsyncSqliteConnection::establish(":memory:"))
        .unwrap();
    rt.block_on(conn.batch_execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO users VALUES (1, 'a')")).unwrap();
    for round in 0..3 {
        let t = Instant::now();
        for _ in 0..n {
            let r: (i32, String) = users::table.find(1).first(&mut sync).unwrap();
            assert_eq!(r.0, 1);
        }
        let s = t.elapsed().as_nanos() as f64 / n as f64;
        let t = Instant::now();
        rt.block_on(async {
            for _ in 0..n {
                let r: (i32, String) = users::table.find(1).first(&mut conn).await.unwrap();
                assert_eq!(r.0, 1);
            }
        });
        let a = t.elapsed().as_nanos() as f64 / n as f64;
        println!(
            "round {round}: sync {s:.0} ns, async {a:.0} ns, ratio {:.2}",
            a / s
        );
    }
}
