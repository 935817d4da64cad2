//! `cargo xtask bench-compile`: how long the crates of `gen-schema` take to build, quarry
//! against Diesel, written to `target/bench/compile.md`.
//!
//! For each table count N, both flavours are generated under
//! `target/bench/compile/<flavour>-<N>/`, each its own workspace with the same profile,
//! building into one target directory per flavour (`target-<flavour>`), so that the
//! dependencies are built once for every N. A first build brings the dependencies up to
//! date, and the program it makes runs every query once (a crate that does not run is
//! not measured). Then, R times each, alternating flavours so that a burst of load on
//! the machine does not fall on one flavour only:
//! - clean: `cargo clean -p <crate>`, then `cargo build` (timed), which builds the
//!   generated crate alone;
//! - incremental: one literal of one query function is edited (`.limit(n)` of `q000`
//!   becomes `.limit(n + 1)`), then `cargo build` (timed).
//!
//! A timed build that compiled anything but the generated crate (quarry's sources were
//! edited meanwhile) is done again; `--quarry PATH` measures a copy nobody edits.
//!
//! The report gives the median of each, and quarry's time over Diesel's. DESIGN.md's
//! target is a clean build in at most half Diesel's time at N = 50.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cmd::{self, Cmd};
use crate::gen_schema::{self, Flavour};

/// Queries per generated crate, as DESIGN.md's target sets.
const QUERIES: usize = 100;

/// The N at which DESIGN.md sets the target, and the target itself.
const TARGET_TABLES: usize = 50;
const TARGET_RATIO: f64 = 0.5;

/// What to measure.
#[derive(Debug)]
pub(crate) struct Options {
    tables: Vec<usize>,
    runs: usize,
    quarry: PathBuf,
}

/// Parses `[--tables 10,50,100] [--runs 3] [--quarry PATH]`; the error is a usage error.
pub(crate) fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        tables: vec![10, 50, 100],
        runs: 3,
        quarry: gen_schema::default_quarry(),
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--tables" => {
                options.tables = value
                    .split(',')
                    .map(|n| gen_schema::number(flag, n.trim(), 6, 999))
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => options.runs = gen_schema::number(flag, value, 1, 99)?,
            "--quarry" => options.quarry = PathBuf::from(value),
            _ => return Err(format!("`bench-compile` does not take `{flag}`")),
        }
    }
    Ok(options)
}

/// The timings of one flavour at one N, in seconds.
#[derive(Debug)]
struct Measured {
    tables: usize,
    flavour: Flavour,
    clean: Vec<f64>,
    incremental: Vec<f64>,
}

/// One generated crate and where it builds.
struct Crate {
    flavour: Flavour,
    dir: PathBuf,
    target: PathBuf,
    package: String,
}

impl Crate {
    fn cargo(&self, args: &[&str]) -> Cmd {
        Cmd::cargo()
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .args(args)
    }

    /// `cargo build`, timed in seconds.
    fn build(&self) -> Result<f64, String> {
        self.timed_build().map(|(took, _)| took)
    }

    /// `cargo build`, timed in seconds, and the other packages it compiled.
    fn timed_build(&self) -> Result<(f64, Vec<String>), String> {
        let started = Instant::now();
        let output = self.cargo(&["build"]).run_captured()?;
        let took = started.elapsed().as_secs_f64();
        let others = String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("Compiling "))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|name| *name != self.package)
            .map(str::to_owned)
            .collect();
        Ok((took, others))
    }

    /// A build of this crate alone, timed in seconds, after `prepare` (a clean, an
    /// edit). A build that compiled a dependency too (quarry's sources changed while
    /// measuring) is done again.
    fn measured_build(
        &self,
        mut prepare: impl FnMut() -> Result<(), String>,
    ) -> Result<f64, String> {
        for _ in 0..3 {
            prepare()?;
            let (took, others) = self.timed_build()?;
            if others.is_empty() {
                return Ok(took);
            }
            eprintln!(
                "    {} also compiled {}: timing it again",
                self.package,
                others.join(", ")
            );
        }
        Err(format!(
            "{}: its dependencies kept changing while it was measured; \
             give `--quarry` a copy of the runtime that nobody edits",
            self.package
        ))
    }
}

/// Measures every N and flavour, writes the report after each N (so an interrupted run
/// leaves what it measured) and prints it at the end.
pub(crate) fn run(options: &Options) -> Result<(), String> {
    let root = cmd::target_dir().join("bench").join("compile");
    let report_path = cmd::target_dir().join("bench").join("compile.md");
    let header = header(options.runs);
    let mut results = Vec::new();
    for &tables in &options.tables {
        results.extend(measure(&root, tables, options)?);
        let report = render(&header, &results);
        gen_schema::write_if_changed(&report_path, &report)?;
    }
    let report = render(&header, &results);
    println!("{report}");
    eprintln!("report: {}", report_path.display());
    Ok(())
}

fn measure(root: &Path, tables: usize, options: &Options) -> Result<Vec<Measured>, String> {
    let mut crates = Vec::new();
    for flavour in Flavour::ALL {
        let generate = gen_schema::Options {
            tables,
            queries: QUERIES,
            out: root.join(format!("{}-{tables}", flavour.name())),
            flavour,
            quarry: options.quarry.clone(),
        };
        let krate = Crate {
            flavour,
            dir: gen_schema::write(&generate)?,
            target: root.join(format!("target-{}", flavour.name())),
            package: flavour.package(tables),
        };
        // Pin the dependencies to the versions this workspace uses.
        let lock = krate.dir.join("Cargo.lock");
        if !lock.exists() {
            let workspace_lock = cmd::workspace_root().join("Cargo.lock");
            std::fs::copy(&workspace_lock, &lock)
                .map_err(|e| format!("cannot copy {}: {e}", workspace_lock.display()))?;
        }
        eprintln!(
            "==> N = {tables}, {}: build with dependencies, then run",
            flavour.name()
        );
        let took = krate.build()?;
        eprintln!("    built in {took:.1} s");
        check_runs(&krate)?;
        crates.push((krate, generate));
    }

    let mut measured: Vec<Measured> = crates
        .iter()
        .map(|(krate, _)| Measured {
            tables,
            flavour: krate.flavour,
            clean: Vec::new(),
            incremental: Vec::new(),
        })
        .collect();
    for run in 1..=options.runs {
        for ((krate, _), m) in crates.iter().zip(&mut measured) {
            let took = krate.measured_build(|| {
                krate
                    .cargo(&["clean", "-p", &krate.package])
                    .run_captured()
                    .map(drop)
            })?;
            eprintln!(
                "    N = {tables}, {}: clean build {run}/{}: {took:.2} s",
                krate.flavour.name(),
                options.runs
            );
            m.clean.push(took);
        }
    }
    for run in 1..=options.runs {
        for ((krate, _), m) in crates.iter().zip(&mut measured) {
            let queries = krate.dir.join("src").join("queries.rs");
            let took = krate.measured_build(|| {
                let text = std::fs::read_to_string(&queries)
                    .map_err(|e| format!("cannot read {}: {e}", queries.display()))?;
                let touched = touch_literal(&text)
                    .ok_or_else(|| format!("no `.limit(…)` in q000 of {}", queries.display()))?;
                gen_schema::write_if_changed(&queries, &touched)
            })?;
            eprintln!(
                "    N = {tables}, {}: incremental build {run}/{}: {took:.2} s",
                krate.flavour.name(),
                options.runs
            );
            m.incremental.push(took);
        }
    }
    // Put the edited literal back.
    for (_, generate) in &crates {
        gen_schema::write(generate)?;
    }
    Ok(measured)
}

/// Runs the program the crate builds: every query, on an in-memory SQLite database.
fn check_runs(krate: &Crate) -> Result<(), String> {
    let program = krate.target.join("debug").join(&krate.package);
    let output = Cmd::new(&program).run_captured()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    eprintln!("    ran: {last}");
    Ok(())
}

/// Edits one literal in one query function: `.limit(n)` in `q000` becomes
/// `.limit(n + 1)`. Both flavours' `q000` is the same filtered, limited select.
fn touch_literal(queries: &str) -> Option<String> {
    let function = queries.find("pub fn q000(")?;
    let end = queries[function + 1..]
        .find("pub fn ")
        .map_or(queries.len(), |i| function + 1 + i);
    let start = function + queries[function..end].find(".limit(")? + ".limit(".len();
    let digits = queries[start..].find(|c: char| !c.is_ascii_digit())?;
    let n: u64 = queries[start..start + digits].parse().ok()?;
    Some(format!(
        "{}{}{}",
        &queries[..start],
        n + 1,
        &queries[start + digits..]
    ))
}

fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The report's opening: the machine, how busy it was, and the method.
fn header(runs: usize) -> String {
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned());
    format!(
        "# Compile time: quarry and Diesel\n\n\
         {}\
         - nproc: {}\n\
         - Load average (1, 5, 15 min) at the start: {load}\n\n\
         Each crate: N tables × 20 columns with foreign keys, a loading and an inserting struct\n\
         per table, and the same {QUERIES} queries (80 reads, 10 inserts, 10 updates), written by\n\
         `cargo xtask gen-schema --flavour quarry|diesel`. Dependencies are built beforehand.\n\
         *clean*: `cargo clean -p <crate>`, then `cargo build`; *incremental*: `cargo build`\n\
         after editing one literal in one query function. Median of {runs} run(s), in seconds;\n\
         ratios are quarry's time over Diesel's (below 1: quarry is faster).\n\n",
        crate::bench::machine(),
        cmd::stdout_or_unknown("nproc", &[]),
    )
}

fn render(header: &str, results: &[Measured]) -> String {
    let mut out = header.to_owned();
    out.push_str(
        "| N | flavour | clean (s) | incremental (s) | clean, quarry / Diesel | incremental, quarry / Diesel |\n\
         |---:|---|---:|---:|---:|---:|\n",
    );
    let diesel_of = |tables: usize| {
        results
            .iter()
            .find(|m| m.tables == tables && m.flavour == Flavour::Diesel)
    };
    let ratio = |quarry: &[f64], diesel: &[f64]| median(quarry) / median(diesel);
    let mut verdict = None;
    for m in results {
        let (clean_ratio, incremental_ratio) = match (m.flavour, diesel_of(m.tables)) {
            (Flavour::Quarry, Some(d)) => {
                let clean = ratio(&m.clean, &d.clean);
                if m.tables == TARGET_TABLES {
                    verdict = Some(clean);
                }
                (
                    format!("{clean:.2}×"),
                    format!("{:.2}×", ratio(&m.incremental, &d.incremental)),
                )
            }
            _ => ("".to_owned(), "".to_owned()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {:.2} | {clean_ratio} | {incremental_ratio} |",
            m.tables,
            m.flavour.name(),
            median(&m.clean),
            median(&m.incremental),
        );
    }
    let _ = write!(
        out,
        "\nTarget (DESIGN.md): a clean build of quarry's crate in at most {TARGET_RATIO}× \
         Diesel's at N = {TARGET_TABLES}: "
    );
    out.push_str(&match verdict {
        Some(r) if r <= TARGET_RATIO => format!("met ({r:.2}×).\n"),
        Some(r) => format!("not met ({r:.2}×).\n"),
        None => "not measured in this run.\n".to_owned(),
    });
    out.push_str("\nEvery run (s):\n\n");
    for m in results {
        let list = |samples: &[f64]| {
            let samples: Vec<String> = samples.iter().map(|s| format!("{s:.2}")).collect();
            samples.join(", ")
        };
        let _ = writeln!(
            out,
            "- N = {}, {}: clean {}; incremental {}",
            m.tables,
            m.flavour.name(),
            list(&m.clean),
            list(&m.incremental)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_are_checked() {
        let options = parse_args(&[]).unwrap();
        assert_eq!((options.tables, options.runs), (vec![10, 50, 100], 3));
        let options = parse_args(&args("--tables 10,50 --runs 1")).unwrap();
        assert_eq!((options.tables, options.runs), (vec![10, 50], 1));
        assert!(parse_args(&args("--tables 10,x")).is_err());
        assert!(parse_args(&args("--tables 5")).is_err());
        assert!(parse_args(&args("--runs 0")).is_err());
        assert!(parse_args(&args("--runs")).is_err());
        assert!(parse_args(&args("--flavour diesel")).is_err());
    }

    #[test]
    fn one_literal_of_q000_is_edited_in_both_flavours() {
        let dir = std::env::temp_dir().join(format!("bench-compile-test-{}", std::process::id()));
        for flavour in Flavour::ALL {
            let out = dir.join(flavour.name());
            let options = gen_schema::Options {
                tables: 10,
                queries: 20,
                out: out.clone(),
                flavour,
                quarry: gen_schema::default_quarry(),
            };
            gen_schema::write(&options).unwrap();
            let text = std::fs::read_to_string(out.join("src/queries.rs")).unwrap();
            let touched = touch_literal(&text).unwrap();
            let changed: Vec<(&str, &str)> = text
                .lines()
                .zip(touched.lines())
                .filter(|(a, b)| a != b)
                .collect();
            assert_eq!(changed, [("        .limit(20);", "        .limit(21);")]);
            assert!(touch_literal(&touched).unwrap().contains(".limit(22)"));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_report_gives_quarry_over_diesel_and_the_verdict() {
        let m = |tables, flavour, clean: &[f64], incremental: &[f64]| Measured {
            tables,
            flavour,
            clean: clean.to_vec(),
            incremental: incremental.to_vec(),
        };
        let results = [
            m(50, Flavour::Quarry, &[4.0, 9.0, 5.0], &[1.0]),
            m(50, Flavour::Diesel, &[10.0, 12.0, 11.0], &[2.0]),
        ];
        let report = render("# header\n", &results);
        assert!(
            report.contains("| 50 | quarry | 5.00 | 1.00 | 0.45× | 0.50× |"),
            "{report}"
        );
        assert!(
            report.contains("| 50 | diesel | 11.00 | 2.00 |  |  |"),
            "{report}"
        );
        assert!(report.contains("met (0.45×)"), "{report}");
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), 2.5);
    }
}
