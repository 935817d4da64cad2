//! The cases of `benches/workloads.rs` in interleaved rounds: the source of the ratios in
//! `cargo xtask bench`'s report.
//!
//! For each case, every contender's result is checked, each contender's batch size is
//! calibrated so that a batch takes about 10 ms, and then come one warm-up round and R
//! measured rounds; in each round every contender runs one batch, in an order that
//! rotates from round to round. Each measured batch is one line of a tab-separated file
//! (default `target/bench/interleaved.tsv`), which `cargo xtask bench` turns into medians
//! of per-round ratios.
//!
//! ```text
//! cargo bench -p quarry-benches --bench interleaved -- [--rounds R] [--out PATH] [FILTER…]
//! ```
//!
//! Under `cargo test` (no `--bench` argument) each case runs once per contender with its
//! check, and nothing is timed or written.

use quarry_benches::arena::Arena;
use quarry_benches::cases::CASES;
use quarry_benches::data::Backend;
use quarry_benches::interleaved::{Batch, HEADER, Options, batch_iterations, rotation};
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
                let schema = format!("quarry_interleaved_{}", std::process::id());
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

/// `target/bench/interleaved.tsv`, next to the `tmp` directory cargo gives benchmarks.
fn default_out() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .map_or(tmp.clone(), PathBuf::from)
        .join("bench")
        .join("interleaved.tsv")
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
        let prepared = case.prepare(arena);
        for contender in &mut arena.contenders {
            prepared.check(contender);
        }
        let Some(out) = out.as_deref_mut() else {
            // Test mode: the timed loop once per contender, its time unused.
            for contender in &mut arena.contenders {
                prepared.run(&mut *contender.driver, 1);
            }
            eprintln!("{id}: checked");
            continue;
        };
        let iterations: Vec<u64> = arena
            .contenders
            .iter_mut()
            .map(|contender| batch_iterations(|n| prepared.run(&mut *contender.driver, n)))
            .collect();
        let size = case.size();
        // Round 0 warms caches and connections up and is not written.
        for round in 0..=options.rounds {
            for i in rotation(round, arena.contenders.len()) {
                let contender = &mut arena.contenders[i];
                let elapsed = prepared.run(&mut *contender.driver, iterations[i]);
                if round == 0 {
                    continue;
                }
                let batch = Batch {
                    backend,
                    workload: case.workload(),
                    size: &size,
                    round,
                    contender: contender.name,
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
            arena
                .contenders
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}
