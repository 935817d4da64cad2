//! Three independent queries on `AsyncPgConnection`: one after the other, or in one
//! pipeline (one round trip). The figure of the guide's Performance chapter for
//! `pipeline`.
//!
//! `QUARRY_PG_URL=… cargo run --release -p quarry --features tokio --example
//! pipeline_round_trips`: interleaved rounds of 1,000 of each, the median time per
//! three queries of each way, and the median of the per-round ratios with its
//! interquartile range.

use quarry::prelude::*;
use std::time::{Duration, Instant};

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
    }
}

const ROUNDS: usize = 21;
const PER_ROUND: u32 = 1000;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn quartiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (values[values.len() / 4], values[values.len() * 3 / 4])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), quarry::Error> {
    let url = std::env::var("QUARRY_PG_URL").expect("QUARRY_PG_URL names the server");
    let mut conn = AsyncPgConnection::establish(&url).await?;
    conn.batch_execute(
        "CREATE TEMP TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL);
         INSERT INTO users SELECT i, 'user ' || i, 20 + i % 50 FROM generate_series(1, 1000) AS i",
    )
    .await?;
    let (mut sequential, mut pipelined, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for i in 0..PER_ROUND {
            let id = 1 + (i % 1000) as i32;
            let name: String = users::table
                .find(id)
                .select(users::name)
                .first(&mut conn)
                .await?;
            let older: i64 = users::table
                .filter(users::age.gt(60))
                .count()
                .get_result(&mut conn)
                .await?;
            let few: Vec<i32> = users::table
                .filter(users::id.lt(4))
                .select(users::id)
                .load(&mut conn)
                .await?;
            assert!(!name.is_empty() && older > 0 && few.len() == 3);
        }
        let one_by_one = started.elapsed();
        let started = Instant::now();
        for i in 0..PER_ROUND {
            let id = 1 + (i % 1000) as i32;
            let (name, older, few) = conn
                .pipeline(|p| {
                    (
                        p.first(users::table.find(id).select(users::name)),
                        p.get_result(users::table.filter(users::age.gt(60)).count()),
                        p.load(users::table.filter(users::id.lt(4)).select(users::id)),
                    )
                })
                .await?;
            assert!(!name?.is_empty() && older? > 0 && few?.len() == 3);
        }
        let together = started.elapsed();
        let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(PER_ROUND);
        sequential.push(per(one_by_one));
        pipelined.push(per(together));
        ratios.push(together.as_secs_f64() / one_by_one.as_secs_f64());
    }
    let (low, high) = quartiles(&mut ratios);
    println!(
        "three queries: one after the other {:.1} µs, in one pipeline {:.1} µs; \
         pipeline / sequential {:.2}× ({low:.2}–{high:.2}), {ROUNDS} rounds of {PER_ROUND}",
        median(&mut sequential),
        median(&mut pipelined),
        median(&mut ratios),
    );
    Ok(())
}
