//! The async cases under criterion, one contender after another, on SQLite (in memory)
//! and on PostgreSQL (when `QUARRY_PG_URL` is set): for criterion's own statistics and
//! comparisons with a previous run, by hand. `benches/interleaved.rs` runs the same
//! cases in alternating rounds, the source of the report's ratios.
//!
//! Benchmark ids are `<workload>/<backend>/<contender>/<size>`, e.g.
//! `select_users/pg/tokio-postgres/100`; one iteration is one awaited workload, the
//! timed loop inside one `block_on` on the arena's current-thread runtime. Under
//! `cargo test` (criterion's test mode) each benchmark runs once, after its check.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use quarry_benches_async::arena::Arena;
use quarry_benches_async::cases::{CASES, prepare};
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
            let prepared = prepare(*case, arena);
            if let Some(elements) = case.elements() {
                group.throughput(Throughput::Elements(elements));
            }
            let Arena {
                runtime,
                contenders,
                ..
            } = &mut *arena;
            for contender in contenders.iter_mut() {
                contender.check(runtime, &prepared);
                let id = BenchmarkId::new(contender.name(), case.size());
                group.bench_function(id, |b| {
                    b.iter_custom(|iterations| contender.run(runtime, &prepared, iterations));
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
    let mut arena = Arena::pg(
        &url,
        &format!("quarry_async_workloads_{}", std::process::id()),
    );
    workloads(c, &mut arena);
    arena.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = sqlite, pg
}
criterion_main!(benches);
