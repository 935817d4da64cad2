//! The async cases in interleaved rounds: the source of the async tables of
//! `cargo xtask bench -- --async`.
//!
//! As `benches/benches/interleaved.rs` does for the blocking contenders: for each case,
//! every contender's result is checked, each contender's batch size is calibrated so
//! that a batch takes about 10 ms, and then come one warm-up round and R measured rounds;
//! in each round every contender runs one batch, in an order that rotates from round to
//! round. A batch is one `block_on` on the arena's current-thread runtime around the
//! timed loop. Each measured batch is one line of a tab-separated file (default
//! `target/bench/async.tsv`), in the blocking benchmarks' format.
//!
//! ```text
//! cargo bench --manifest-path benches-async/Cargo.toml --bench interleaved -- \
//!     [--rounds R] [--out PATH] [FILTER…]
//! ```
//!
//! Under `cargo test` (no `--bench` argument) each case runs once per contender with its
//! check, and nothing is timed or written.

use quarry_benches::data::Backend;
use quarry_benches::interleaved::{Batch, HEADER, Options, batch_iterations, rotation};
use quarry_benches_async::arena::Arena;
use quarry_benches_async::cases::{CASES, prepare};
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!(
                "error: {message}\nusage: interleaved [--bench] [--rounds R] [--out PATH] [FILTER…]"
            );
            return ExitCode::from(2);
        }
    };
    let mut out = if options.measure {
        let path = options.out.as_ref().map_or_else(default_out, PathBuf::from);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create the results directory");
        }
        let mut out = BufWriter::new(File::create(&path).expect("create the results file"));
        writeln!(out, "{HEADER}").expect("write the results file");
        eprintln!("writing {}", path.display());
        Some(out)
    } else {
        None
    };

    if selects_any(&options, Backend::Sqlite) {
        run_cases(&options, &mut Arena::sqlite(), out.as_mut());
    }
    if selects_any(&options, Backend::Pg) {
        match std::env::var("QUARRY_PG_URL") {
            Ok(url) => {
                let schema = format!("quarry_async_{}", std::process::id());
                let mut arena = Arena::pg(&url, &schema);
                run_cases(&options, &mut arena, out.as_mut());
                arena.finish();
            }
            Err(_) => eprintln!(
                "QUARRY_PG_URL is not set: skipping the PostgreSQL workloads \
                 (export QUARRY_PG_URL=$(cargo xtask pg-start) to run them)"
            ),
        }
    }
    if let Some(mut out) = out {
        out.flush().expect("write the results file");
    }
    ExitCode::SUCCESS
}

/// `target/bench/async.tsv`, next to the `tmp` directory cargo gives benchmarks.
fn default_out() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .map_or(tmp.clone(), PathBuf::from)
        .join("bench")
        .join("async.tsv")
}

fn selects_any(options: &Options, backend: Backend) -> bool {
    CASES
        .iter()
        .any(|case| options.selects(&case.id(backend.name())))
}

/// Checks every selected case on every contender, then, when measuring, runs its rounds
/// and writes one line per measured batch to `out`.
fn run_cases(options: &Options, arena: &mut Arena, mut out: Option<&mut BufWriter<File>>) {
    let backend = arena.backend.name();
    for case in CASES {
        let id = case.id(backend);
        if !options.selects(&id) {
            continue;
        }
        let prepared = prepare(case, arena);
        let Arena {
            runtime,
            contenders,
            ..
        } = &mut *arena;
        for contender in contenders.iter_mut() {
            contender.check(runtime, &prepared);
        }
        let Some(out) = out.as_deref_mut() else {
            // Test mode: the timed loop once per contender, its time unused.
            for contender in contenders.iter_mut() {
                contender.run(runtime, &prepared, 1);
            }
            eprintln!("{id}: checked");
            continue;
        };
        let iterations: Vec<u64> = contenders
            .iter_mut()
            .map(|contender| batch_iterations(|n| contender.run(runtime, &prepared, n)))
            .collect();
        let size = case.size();
        // Round 0 warms caches and connections up and is not written.
        for round in 0..=options.rounds {
            for i in rotation(round, contenders.len()) {
                let contender = &mut contenders[i];
                let elapsed = contender.run(runtime, &prepared, iterations[i]);
                if round == 0 {
                    continue;
                }
                let batch = Batch {
                    backend,
                    workload: case.workload(),
                    size: &size,
                    round,
                    contender: contender.name(),
                    iterations: iterations[i],
                    elapsed,
                };
                writeln!(out, "{}", batch.line()).expect("write the results file");
            }
        }
        out.flush().expect("write the results file");
        eprintln!(
            "{id}: {} rounds of {iterations:?} iterations ({})",
            options.rounds,
            contenders
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}
