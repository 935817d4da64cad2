//! The workloads of Diesel's benchmark suite, run by quarry, Diesel and the raw drivers
//! side by side, on SQLite (in memory) and on PostgreSQL (when `QUARRY_PG_URL` is set).
//!
//! Benchmark ids are `<workload>/<backend>/<contender>/<size>`, e.g.
//! `select_users/sqlite/quarry/100`. Before any timing, every contender's result is
//! compared with the expected rows, so a fast wrong answer cannot win; under
//! `cargo test` (criterion's test mode) that check is all that runs, once per benchmark.

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use quarry_benches::Driver;
use quarry_benches::data::{Backend, Data, new_users, sorted};
use quarry_benches::diesel_driver::DieselDriver;
use quarry_benches::quarry_driver::QuarryDriver;
use quarry_benches::raw::{pg::RawPg, sqlite::RawSqlite};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One contender: its name in benchmark ids and its connection.
struct Contender {
    name: &'static str,
    driver: Box<dyn Driver>,
}

/// The contenders on one backend, each on a connection of its own, and how to reach it.
struct Arena {
    backend: Backend,
    contenders: Vec<Contender>,
    /// On PostgreSQL all contenders share one schema, so data is written once per
    /// workload; in memory, each SQLite database is filled on its own.
    shared: bool,
}

impl Arena {
    fn sqlite() -> Arena {
        let contenders = vec![
            contender("quarry", QuarryDriver::sqlite()),
            contender("diesel", DieselDriver::sqlite()),
            contender("raw", RawSqlite::open_in_memory()),
        ];
        let mut arena = Arena {
            backend: Backend::Sqlite,
            contenders,
            shared: false,
        };
        for c in &mut arena.contenders {
            c.driver.batch(Backend::Sqlite.ddl());
        }
        arena
    }

    /// Connects every contender to `url`, in a new schema named after this process.
    fn pg(url: &str, schema: &str) -> Arena {
        let contenders = vec![
            contender("quarry", QuarryDriver::pg(url)),
            contender("diesel", DieselDriver::pg(url)),
            contender("raw", RawPg::connect(url)),
        ];
        let mut arena = Arena {
            backend: Backend::Pg,
            contenders,
            shared: true,
        };
        let create = format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
             SET search_path TO {schema}; {}",
            Backend::Pg.ddl()
        );
        arena.contenders[0].driver.batch(&create);
        for c in &mut arena.contenders[1..] {
            c.driver.batch(&format!("SET search_path TO {schema}"));
        }
        arena
    }

    /// Empties the tables and writes `data`, for every contender.
    fn load(&mut self, data: &Data) {
        let sql = format!("{}\n{}", self.backend.reset(), data.insert_sql());
        let writers = if self.shared {
            1
        } else {
            self.contenders.len()
        };
        for c in &mut self.contenders[..writers] {
            c.driver.batch(&sql);
        }
    }

    fn group<'c>(&self, c: &'c mut Criterion, workload: &str) -> BenchmarkGroup<'c, WallTime> {
        let mut group = c.benchmark_group(format!("{workload}/{}", self.backend.name()));
        group
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .sample_size(30);
        group
    }
}

fn contender(name: &'static str, driver: impl Driver + 'static) -> Contender {
    Contender {
        name,
        driver: Box::new(driver),
    }
}

/// `SELECT … FROM users` of 1, 100 and 10,000 rows into structs.
fn select_users(c: &mut Criterion, arena: &mut Arena) {
    let mut group = arena.group(c, "select_users");
    for size in [1, 100, 10_000] {
        let data = Data::users(size);
        arena.load(&data);
        group.throughput(Throughput::Elements(size as u64));
        for contender in &mut arena.contenders {
            let driver = &mut contender.driver;
            assert_eq!(
                sorted(&driver.select_users()),
                data.users,
                "{}",
                contender.name
            );
            group.bench_function(BenchmarkId::new(contender.name, size), |b| {
                b.iter(|| black_box(driver.select_users()));
            });
        }
    }
    group.finish();
}

/// `users LEFT JOIN posts` filtered on hair colour, for 100 and 10,000 users, into
/// `(User, Option<Post>)`.
fn users_with_posts(c: &mut Criterion, arena: &mut Arena) {
    let mut group = arena.group(c, "users_with_posts");
    for size in [100, 10_000] {
        let data = Data::users_with_posts(size);
        let expected = data.expected_join();
        arena.load(&data);
        group.throughput(Throughput::Elements(size as u64));
        for contender in &mut arena.contenders {
            let driver = &mut contender.driver;
            assert_eq!(
                sorted(&driver.users_with_posts()),
                expected,
                "{}",
                contender.name
            );
            group.bench_function(BenchmarkId::new(contender.name, size), |b| {
                b.iter(|| black_box(driver.users_with_posts()));
            });
        }
    }
    group.finish();
}

/// One multi-row insert of 1, 100 and 1,000 users. The table is emptied, untimed, after
/// every 10,000 rows or so, so that it stays small.
fn insert_users(c: &mut Criterion, arena: &mut Arena) {
    let mut group = arena.group(c, "insert_users");
    let reset = arena.backend.reset();
    for size in [1, 100, 1_000] {
        let names: Vec<String> = (0..size).map(|i| format!("New user {i}")).collect();
        let rows = new_users(&names);
        let per_reset = (10_000 / size).max(1) as u64;
        group.throughput(Throughput::Elements(size as u64));
        for contender in &mut arena.contenders {
            let driver = &mut contender.driver;
            driver.batch(reset);
            assert_eq!(driver.insert_users(&rows), size, "{}", contender.name);
            let read = driver.select_users();
            assert_eq!(read.len(), size, "{}", contender.name);
            assert!(
                read.iter()
                    .zip(&rows)
                    .all(|(user, row)| user.name == row.name
                        && user.hair_color.as_deref() == row.hair_color),
                "{}: the rows read back differ from those inserted",
                contender.name
            );
            group.bench_function(BenchmarkId::new(contender.name, size), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    let mut left = iters;
                    while left > 0 {
                        let run = left.min(per_reset);
                        driver.batch(reset);
                        let start = Instant::now();
                        for _ in 0..run {
                            black_box(driver.insert_users(&rows));
                        }
                        total += start.elapsed();
                        left -= run;
                    }
                    total
                });
            });
        }
    }
    group.finish();
}

/// 100 users × 10 posts × 10 comments, loaded as nested vectors with three queries.
fn load_tree(c: &mut Criterion, arena: &mut Arena) {
    let mut group = arena.group(c, "load_tree");
    let data = Data::tree(100, 10, 10);
    let expected = data.expected_tree();
    arena.load(&data);
    for contender in &mut arena.contenders {
        let driver = &mut contender.driver;
        let mut tree = driver.load_tree();
        tree.sort_by_key(|(user, _)| user.id);
        for (_, posts) in &mut tree {
            posts.sort_by_key(|(post, _)| post.id);
            for (_, comments) in posts {
                comments.sort_by_key(|comment| comment.id);
            }
        }
        assert_eq!(tree, expected, "{}", contender.name);
        group.bench_function(BenchmarkId::new(contender.name, "100x10x10"), |b| {
            b.iter(|| black_box(driver.load_tree()));
        });
    }
    group.finish();
}

/// The same small query, a user by primary key, 1,000 times: the statement cache.
fn find_user(c: &mut Criterion, arena: &mut Arena) {
    let mut group = arena.group(c, "find_user");
    let data = Data::users(100);
    arena.load(&data);
    group.throughput(Throughput::Elements(1_000));
    for contender in &mut arena.contenders {
        let driver = &mut contender.driver;
        for user in &data.users {
            assert_eq!(
                driver.find_user(user.id).as_ref(),
                Some(user),
                "{}",
                contender.name
            );
        }
        assert_eq!(driver.find_user(0), None, "{}", contender.name);
        group.bench_function(BenchmarkId::new(contender.name, "1000x"), |b| {
            b.iter(|| {
                for i in 0..1_000 {
                    black_box(driver.find_user(i % 100 + 1));
                }
            });
        });
    }
    group.finish();
}

fn workloads(c: &mut Criterion, arena: &mut Arena) {
    select_users(c, arena);
    users_with_posts(c, arena);
    insert_users(c, arena);
    load_tree(c, arena);
    find_user(c, arena);
}

fn sqlite(c: &mut Criterion) {
    workloads(c, &mut Arena::sqlite());
}

fn pg(c: &mut Criterion) {
    let Ok(url) = std::env::var("QUARRY_PG_URL") else {
        eprintln!(
            "QUARRY_PG_URL is not set: skipping the PostgreSQL workloads \
             (export QUARRY_PG_URL=$(cargo xtask pg-start) to run them)"
        );
        return;
    };
    let schema = format!("quarry_workloads_{}", std::process::id());
    let mut arena = Arena::pg(&url, &schema);
    workloads(c, &mut arena);
    arena.contenders[0]
        .driver
        .batch(&format!("DROP SCHEMA {schema} CASCADE"));
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = sqlite, pg
}
criterion_main!(benches);
