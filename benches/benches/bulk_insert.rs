//! Bulk insert of 100,000 rows: quarry's `insert_into(users).values(&vec)` against the
//! raw driver running the same multi-row statements; on PostgreSQL also the same rows
//! by `COPY … FROM STDIN (FORMAT binary)`, quarry's `copy_in` against the raw driver
//! sending the same stream (`bulk_copy_100k/pg/…`).
//!
//! Both sides do the same work: rows go in chunks of `rows_per_statement` rows (what
//! quarry computes from the backend's bind limit), each chunk one prepared multi-row
//! `INSERT` with bound parameters, all chunks in one transaction. The raw side prepares
//! each chunk shape once per connection and keeps it, as quarry's statement cache does.
//! Emptying the table between iterations is not timed.
//!
//! Under `cargo test` (criterion's test mode) each benchmark runs once and its result
//! is checked.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, criterion_group, criterion_main};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry_benches::bulk::{CHECKSUM_SQL, PG_DDL, ROWS, SQLITE_DDL, Workload, checksum, users};
use quarry_benches::raw;
use std::time::{Duration, Instant};

const GROUP: &str = "bulk_insert_100k";
/// The same rows by `COPY` (PostgreSQL only).
const COPY_GROUP: &str = "bulk_copy_100k";

/// Times `insert` over `iters` runs on `conn`, calling the untimed `empty` before each
/// and `check` once at the end.
fn timed<C>(
    iters: u64,
    conn: &mut C,
    empty: impl Fn(&mut C),
    insert: impl Fn(&mut C) -> usize,
    check: impl FnOnce(&mut C),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        empty(conn);
        let start = Instant::now();
        let inserted = insert(conn);
        total += start.elapsed();
        assert_eq!(inserted, ROWS, "rows inserted");
    }
    check(conn);
    total
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    // One iteration takes tens to hundreds of milliseconds: a few flat samples suffice.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
}

fn sqlite(c: &mut Criterion) {
    let workload = Workload::new(ROWS);
    let rows = workload.rows();
    let expected = checksum(&rows);
    let mut group = c.benchmark_group(format!("{GROUP}/sqlite"));
    configure(&mut group);

    let mut conn = SqliteConnection::establish(":memory:").expect("open SQLite");
    conn.batch_execute(SQLITE_DDL).expect("create table");
    group.bench_function("quarry", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                &mut conn,
                |conn| {
                    conn.batch_execute("DELETE FROM users")
                        .expect("empty table")
                },
                |conn| {
                    quarry::insert_into(users::table)
                        .values(&rows)
                        .execute(conn)
                        .expect("quarry insert")
                },
                |conn| assert_eq!(quarry_checksum(conn), expected, "table contents"),
            )
        });
    });
    drop(conn);

    let mut raw = raw::sqlite::Connection::open_in_memory().expect("open SQLite");
    raw.exec(SQLITE_DDL).expect("create table");
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                &mut raw,
                |raw| raw.exec("DELETE FROM users").expect("empty table"),
                |raw| raw.insert_users(&rows).expect("raw insert"),
                |raw| assert_eq!(raw.checksum().expect("checksum"), expected),
            )
        });
    });
    group.finish();
}

fn pg(c: &mut Criterion) {
    let Ok(url) = std::env::var("QUARRY_PG_URL") else {
        eprintln!(
            "QUARRY_PG_URL is not set: skipping {GROUP}/pg \
             (export QUARRY_PG_URL=$(cargo xtask pg-start) to run it)"
        );
        return;
    };
    // A schema of its own, so that neither the test suite nor another run is disturbed.
    let schema = format!("quarry_bench_{}", std::process::id());
    let setup = format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
         SET search_path TO {schema}; {PG_DDL}"
    );
    let use_schema = format!("SET search_path TO {schema}");
    let empty = "TRUNCATE users RESTART IDENTITY";

    let workload = Workload::new(ROWS);
    let rows = workload.rows();
    let expected = checksum(&rows);
    let mut group = c.benchmark_group(format!("{GROUP}/pg"));
    configure(&mut group);

    let mut conn = PgConnection::establish(&url).expect("connect to PostgreSQL");
    conn.batch_execute(&setup).expect("create schema");
    group.bench_function("quarry", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                &mut conn,
                |conn| conn.batch_execute(empty).expect("empty table"),
                |conn| {
                    quarry::insert_into(users::table)
                        .values(&rows)
                        .execute(conn)
                        .expect("quarry insert")
                },
                |conn| assert_eq!(quarry_checksum(conn), expected, "table contents"),
            )
        });
    });

    let mut raw = raw::pg::Connection::connect(&url).expect("connect to PostgreSQL");
    raw.exec(&use_schema).expect("set search_path");
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                &mut raw,
                |raw| raw.exec(empty).expect("empty table"),
                |raw| raw.insert_users(&rows).expect("raw insert"),
                |raw| assert_eq!(raw.checksum().expect("checksum"), expected),
            )
        });
    });
    group.finish();

    // The same rows through COPY: one `COPY … FROM STDIN (FORMAT binary)` each.
    let mut group = c.benchmark_group(format!("{COPY_GROUP}/pg"));
    configure(&mut group);
    group.bench_function("quarry", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                &mut conn,
                |conn| conn.batch_execute(empty).expect("empty table"),
                |conn| conn.copy_in(users::table, &rows).expect("quarry copy_in"),
                |conn| assert_eq!(quarry_checksum(conn), expected, "table contents"),
            )
        });
    });
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                &mut raw,
                |raw| raw.exec(empty).expect("empty table"),
                |raw| raw.copy_users(&rows).expect("raw copy"),
                |raw| assert_eq!(raw.checksum().expect("checksum"), expected),
            )
        });
    });
    group.finish();
    drop(raw);
    conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("drop schema");
}

fn quarry_checksum<C: Connection>(conn: &mut C) -> [i64; 3] {
    let (rows, colored, ages): (i64, i64, i64) = quarry::sql_query(CHECKSUM_SQL)
        .get_result(conn)
        .expect("checksum");
    [rows, colored, ages]
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = sqlite, pg
}
criterion_main!(benches);
