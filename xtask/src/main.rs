//! `cargo xtask`: quarry's chore runner, and what CI runs (`.ci/run` is `cargo xtask test`).
//!
//! This file owns the command line and the tasks (`test`, `lint`, `bench`,
//! `bench-compile`, `pg-start`, `pg-stop`, `gen-schema`): which steps each runs, in which
//! order. How to run a program lives in [`cmd`], step headers and timing in [`steps`], the
//! mdBook install in [`mdbook`], the throwaway PostgreSQL server in [`pg`], the benchmark
//! report in [`mod@bench`], the generated benchmark crates in [`gen_schema`] (their tables
//! and queries in [`gen_plan`], spelled for quarry in [`gen_quarry`] and for Diesel in
//! [`gen_diesel`]), and their build times in [`bench_compile`].

mod bench;
mod bench_compile;
mod cmd;
mod gen_diesel;
mod gen_plan;
mod gen_quarry;
mod gen_schema;
mod mdbook;
mod pg;
mod steps;

use std::process::ExitCode;

use cmd::Cmd;
use steps::Steps;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test       everything CI checks: the lint steps below, then starts a throwaway
             PostgreSQL server (installing it, and PgBouncer, if missing; the tests
             of replicas, restarts and PgBouncer start their own servers next to it),
             runs the workspace's tests
             and doctests (the guide's code blocks among them) with QUARRY_PG_URL
             pointing at it, then `mdbook build book` (installs mdbook if missing)
  lint       cargo fmt --check, clippy with -D warnings, rustdoc with -D warnings
  pg-start   start the throwaway PostgreSQL server (127.0.0.1:55432) and leave it
             running; prints its URL on stdout, e.g.
             export QUARRY_PG_URL=$(cargo xtask pg-start)
  pg-stop    stop the server that pg-start left running
  bench [-- [--rounds R] [--criterion] [--async | --async-only] [FILTER...]]
             run the benchmarks of `benches/` (quarry, Diesel and the raw drivers on
             SQLite and on the throwaway PostgreSQL server, or on QUARRY_PG_URL's
             database when it is set) and write to target/bench/report.md, per
             workload, the median and interquartile range of quarry's time over
             Diesel's and over the raw driver's in R interleaved rounds (default 30),
             and criterion's medians of bulk_insert_100k; FILTER picks workloads by
             part of their id (`find_user`, `select_users/pg`); --criterion also runs
             the workloads under criterion, one contender after another;
             --async also runs benches-async/ (quarry's async connections against
             tokio-postgres, diesel-async and sqlx, and against quarry's blocking
             SQLite connection) in interleaved rounds, --async-only runs only those
  bench-compile [--tables 10,50,100] [--runs 3] [--quarry PATH]
             build the gen-schema crates of both flavours for each N (under
             target/bench/compile/), then time R clean builds and R builds after
             editing one literal, and write the medians and quarry/Diesel ratios to
             target/bench/compile.md; slow (minutes per N), never run by `test`
  gen-schema --tables N --out DIR [--queries Q] [--flavour quarry|diesel]
             [--quarry PATH]
             write a standalone crate with N tables × 20 columns, structs per table
             and Q typed queries (default 100; 80% reads, 20% inserts and updates)
             into DIR, to measure build times at scale, using quarry (default) or
             Diesel 2.3 for the same SQL; quarry is PATH (default: this workspace's
             dsl-runtime)
  help       this text
";

/// Why a command failed: bad usage (exit 2) or a failed task (exit 1).
enum Failure {
    Usage(String),
    Task(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self::Task(message)
    }
}

fn main() -> ExitCode {
    let args: Result<Vec<String>, _> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect();
    let result = match args {
        Ok(args) => run(&args),
        Err(bad) => Err(Failure::Usage(format!(
            "argument {} is not valid UTF-8",
            bad.to_string_lossy()
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Task(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        print!("{USAGE}");
        return Ok(());
    };
    if command == "help" || command == "--help" || command == "-h" {
        print!("{USAGE}");
        return Ok(());
    }
    if command == "bench" {
        let bench_args = match rest.split_first() {
            None => rest,
            Some((dashes, args)) if dashes == "--" => args,
            Some(_) => {
                return Err(Failure::Usage(format!(
                    "`bench` takes its arguments after `--` (got `{}`)",
                    rest.join(" ")
                )));
            }
        };
        let options = bench::parse_args(bench_args).map_err(Failure::Usage)?;
        return bench(&options).map_err(Failure::Task);
    }
    if command == "bench-compile" {
        let options = bench_compile::parse_args(rest).map_err(Failure::Usage)?;
        return bench_compile::run(&options).map_err(Failure::Task);
    }
    if command == "gen-schema" {
        let options = gen_schema::parse_args(rest).map_err(Failure::Usage)?;
        return gen_schema::run(&options).map_err(Failure::Task);
    }
    let task: fn() -> Result<(), String> = match command.as_str() {
        "test" => test,
        "lint" => lint,
        "pg-start" => pg_start,
        "pg-stop" => pg::stop,
        _ => return Err(Failure::Usage(format!("unknown command `{command}`"))),
    };
    if !rest.is_empty() {
        return Err(Failure::Usage(format!(
            "`{command}` takes no arguments (got `{}`)",
            rest.join(" ")
        )));
    }
    task().map_err(Failure::Task)
}

/// Runs `steps_of` and prints the summary line, whether it passed or not.
fn with_summary(
    task: &'static str,
    steps_of: impl FnOnce(&mut Steps) -> Result<(), String>,
) -> Result<(), String> {
    let mut steps = Steps::new(task);
    let result = steps_of(&mut steps);
    eprintln!("{}", steps.summary(result.is_ok()));
    result
}

/// `cargo test`, minus `QUARRY_PG_URL`: tests never use a server this task did not start.
fn cargo_test() -> Cmd {
    Cmd::cargo().arg("test").env_remove("QUARRY_PG_URL")
}

/// The steps that start the throwaway PostgreSQL server, installing libpq and the
/// server when they are missing. The server stops when the returned guard is dropped,
/// whether the steps after it pass or not.
fn start_postgres(steps: &mut Steps) -> Result<pg::PgServer, String> {
    steps.run("libpq present", pg::ensure_libpq)?;
    let mut server = None;
    steps.run("start PostgreSQL", || {
        server = Some(pg::start()?);
        Ok(())
    })?;
    server.ok_or_else(|| "the PostgreSQL server did not start".to_owned())
}

fn test() -> Result<(), String> {
    with_summary("test", |steps| {
        lint_steps(steps)?;
        let server = start_postgres(steps)?;
        steps.run("pgbouncer present", pg::ensure_pgbouncer)?;
        let url = server.url().to_owned();
        let test = || cargo_test().env("QUARRY_PG_URL", &url);
        steps.run("cargo test --workspace --all-targets", || {
            test().args(["--workspace", "--all-targets"]).run()
        })?;
        steps.run("cargo test --workspace --doc", || {
            test().args(["--workspace", "--doc"]).run()
        })?;
        steps.run("integration tests per backend", || {
            let output = cargo_test()
                .args(["-q", "-p", "quarry-integration-tests", "--", "--list"])
                .run_captured()?;
            let listing = String::from_utf8_lossy(&output.stdout);
            let count = |prefix: &str| {
                listing
                    .lines()
                    .filter(|l| l.starts_with(prefix) && l.ends_with(": test"))
                    .count()
            };
            eprintln!(
                "    SQLite: {} tests, PostgreSQL: {} tests, async SQLite: {} tests, async \
                 PostgreSQL: {} tests",
                count("sqlite"),
                count("pg"),
                count("async_sqlite"),
                count("async_pg")
            );
            Ok(())
        })?;
        steps.run("mdbook build book", mdbook::build_book)
    })
}

fn lint() -> Result<(), String> {
    with_summary("lint", lint_steps)
}

/// rustfmt, clippy and rustdoc, each with warnings denied: the gate of `lint`, and the
/// first steps of `test`.
fn lint_steps(steps: &mut Steps) -> Result<(), String> {
    steps.run("cargo fmt --all --check", || {
        Cmd::cargo().args(["fmt", "--all", "--check"]).run()
    })?;
    steps.run("cargo clippy --workspace --all-targets", || {
        Cmd::cargo()
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .run()
    })?;
    steps.run("cargo doc --no-deps --workspace", || {
        Cmd::cargo()
            .env("RUSTDOCFLAGS", "-D warnings")
            .args(["doc", "--no-deps", "--workspace"])
            .run()
    })
}

fn bench(options: &bench::Options) -> Result<(), String> {
    with_summary("bench", |steps| {
        let server = start_postgres(steps)?;
        steps.run("cargo bench", || {
            let report = bench::run(server.url(), options)?;
            eprintln!("    report: {}", report.display());
            Ok(())
        })
    })
}

fn pg_start() -> Result<(), String> {
    let server = pg::start()?;
    println!("{}", server.url());
    if server.started_here() {
        eprintln!("    stop it with `cargo xtask pg-stop`");
    }
    server.keep_running();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_are_told_apart_from_task_failures() {
        let unknown = run(&["frobnicate".to_owned()]);
        assert!(matches!(unknown, Err(Failure::Usage(m)) if m.contains("frobnicate")));
        let extra = run(&["test".to_owned(), "--nocapture".to_owned()]);
        assert!(matches!(extra, Err(Failure::Usage(m)) if m.contains("takes no arguments")));
        assert!(run(&[]).is_ok());
        assert!(run(&["help".to_owned()]).is_ok());
    }

    #[test]
    fn benchmark_generators_check_their_arguments_before_running() {
        let words = |line: &str| {
            line.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let runs = run(&words("bench-compile --runs 0"));
        assert!(matches!(runs, Err(Failure::Usage(m)) if m.contains("--runs")));
        let rounds = run(&words("bench -- --rounds 0 find_user"));
        assert!(matches!(rounds, Err(Failure::Usage(m)) if m.contains("--rounds")));
        let dashes = run(&words("bench find_user"));
        assert!(matches!(dashes, Err(Failure::Usage(m)) if m.contains("after `--`")));
        let flavour = run(&words("gen-schema --tables 10 --out x --flavour sqlx"));
        assert!(matches!(flavour, Err(Failure::Usage(m)) if m.contains("sqlx")));
    }
}
