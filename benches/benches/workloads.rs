//! The workloads of Diesel's benchmark suite, run by quarry, Diesel and the raw drivers
//! one after another under criterion, on SQLite (in memory) and on PostgreSQL (when
//! `QUARRY_PG_URL` is set). `benches/interleaved.rs` runs the same cases in alternating
//! rounds, the source of `cargo xtask bench`'s ratios.
//!
//! Benchmark ids are `<workload>/<backend>/<contender>/<size>`, e.g.
//! `select_users/sqlite/quarry/100`. Before any timing, every contender's result is
//! compared with the expected rows, so a fast wrong answer cannot win; under
//! `cargo test` (criterion's test mode) that check is all that runs, once per benchmark.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use quarry_benches::arena::Arena;
use quarry_benches::cases::CASES;
use std::time::Duration;

/// One criterion group per workload and backend, one benchmark per contender and size.
fn workloads(c: &mut Criterion, arena: &mut Arena) {
    let mut workloads: Vec<&str> = CASES.iter().map(|case| case.workload()).collect();
    workloads.dedup();
    for workload in workloads {
        let mut group = c.benchmark_group(format!("{workload}/{}", arena.backend.name()));
        group
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .sample_size(30);
        for case in CASES.iter().filter(|case| case.workload() == workload) {
            let prepared = case.prepare(arena);
            if let Some(elements) = case.elements() {
                group.throughput(Throughput::Elements(elements));
            }
            for contender in &mut arena.contenders {
                prepared.check(contender);
                let driver = &mut *contender.driver;
                group.bench_function(BenchmarkId::new(contender.name, case.size()), |b| {
                    b.iter_custom(|iterations| prepared.run(driver, iterations));
                });
            }
        }
        group.finish();
    }
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
    let mut arena = Arena::pg(&url, &format!("quarry_workloads_{}", std::process::id()));
    workloads(c, &mut arena);
    arena.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = sqlite, pg
}
criterion_main!(benches);
