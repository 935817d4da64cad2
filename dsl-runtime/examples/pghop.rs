use quarry::prelude::*;
use std::time::Instant;

quarry::table! {
    hop_users (id) {
        id -> Int4,
        name -> Text,
    }
}

fn main() {
    let url = std::env::var("QUARRY_PG_URL").unwrap();
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(5000);
    let mut sync = PgConnection::establish(&url).unwrap();
    sync.batch_execute("DROP TABLE IF EXISTS hop_users; CREATE TABLE hop_users (id INT PRIMARY KEY, name TEXT NOT NULL); INSERT INTO hop_users VALUES (1, 'a')").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut conn = rt.block_on(AsyncPgConnection::establish(&url)).unwrap();
    for round in 0..3 {
        let t = Instant::now();
        for _ in 0..n {
            let r: (i32, String) = hop_users::table.find(1).first(&mut sync).unwrap();
            assert_eq!(r.0, 1);
        }
        let s = t.elapsed().as_nanos() as f64 / n as f64;
        let t = Instant::now();
        rt.block_on(async {
            for _ in 0..n {
                let r: (i32, String) = hop_users::table.find(1).first(&mut conn).await.unwrap();
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
