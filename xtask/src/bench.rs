//! `cargo xtask bench`: runs the criterion benchmarks of `benches/` (quarry, Diesel and
//! the raw drivers on SQLite and PostgreSQL) and writes their medians and ratios to
//! `target/bench/report.md`.
//!
//! Criterion leaves one `new/benchmark.json` (the benchmark's id) and one
//! `new/estimates.json` (its statistics) per benchmark under `target/criterion/`; the
//! report reads those written by this run, so figures of benchmarks that no longer
//! exist never appear. The two JSON fields needed are found by name: xtask has no
//! dependencies, and criterion's layout of these files is stable.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::cmd::{self, Cmd};

/// The contenders, in the report's column order.
const CONTENDERS: [&str; 3] = ["quarry", "diesel", "raw"];

/// Runs `cargo bench -p quarry-benches` with `QUARRY_PG_URL` set to `pg_url`, passing
/// `criterion_args` to criterion (a filter, `--quick`, …), then writes the report and
/// returns its path.
pub(crate) fn run(pg_url: &str, criterion_args: &[String]) -> Result<PathBuf, String> {
    let started = SystemTime::now();
    let mut bench = Cmd::cargo()
        .args(["bench", "-p", "quarry-benches"])
        .env("QUARRY_PG_URL", pg_url);
    if !criterion_args.is_empty() {
        bench = bench.arg("--").args(criterion_args);
    }
    bench.run()?;

    let results = read_results(&cmd::target_dir().join("criterion"), started)?;
    if results.is_empty() {
        return Err("the benchmarks wrote no results under target/criterion".to_owned());
    }
    let report = render(&results, &machine());
    let dir = cmd::target_dir().join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let path = dir.join("report.md");
    std::fs::write(&path, &report).map_err(|e| format!("write {}: {e}", path.display()))?;
    println!("{report}");
    Ok(path)
}

/// One benchmark's id split at its contender: `select_users/sqlite/quarry/100` is the
/// row `select_users/sqlite/100`, column `quarry`.
#[derive(Debug, PartialEq)]
struct Id {
    row: String,
    contender: String,
}

impl Id {
    /// Splits `workload/backend/contender[/size]`; other shapes are not in the report.
    fn parse(full_id: &str) -> Option<Id> {
        let parts: Vec<&str> = full_id.split('/').collect();
        let (contender, row) = match parts.as_slice() {
            [workload, backend, contender] => (contender, format!("{workload}/{backend}")),
            [workload, backend, contender, size] => {
                (contender, format!("{workload}/{backend}/{size}"))
            }
            _ => return None,
        };
        CONTENDERS.contains(contender).then(|| Id {
            row,
            contender: (*contender).to_owned(),
        })
    }
}

/// Medians in nanoseconds, by row and then contender.
type Results = BTreeMap<String, BTreeMap<String, f64>>;

/// Every benchmark under `criterion_dir` whose estimates were written after `since`.
fn read_results(criterion_dir: &Path, since: SystemTime) -> Result<Results, String> {
    let mut results = Results::new();
    let mut dirs = vec![criterion_dir.to_owned()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n == "estimates.json")
                && path.parent().is_some_and(|p| p.ends_with("new"))
            {
                let fresh = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|modified| modified >= since);
                if !fresh {
                    continue;
                }
                let read = |p: &Path| {
                    std::fs::read_to_string(p).map_err(|e| format!("read {}: {e}", p.display()))
                };
                let estimates = read(&path)?;
                let benchmark = read(&path.with_file_name("benchmark.json"))?;
                let full_id = json_string(&benchmark, "full_id")
                    .ok_or_else(|| format!("no full_id in {}", path.display()))?;
                let median = json_median(&estimates)
                    .ok_or_else(|| format!("no median in {}", path.display()))?;
                if let Some(id) = Id::parse(&full_id) {
                    results
                        .entry(id.row)
                        .or_default()
                        .insert(id.contender, median);
                }
            }
        }
    }
    Ok(results)
}

/// The string value of `"key": "…"` in a JSON text (criterion's ids need no escapes).
fn json_string(json: &str, key: &str) -> Option<String> {
    let rest = &json[json.find(&format!("\"{key}\""))? + key.len() + 2..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// `median.point_estimate` of criterion's `estimates.json`.
fn json_median(json: &str) -> Option<f64> {
    let median = &json[json.find("\"median\"")?..];
    let rest = &median[median.find("\"point_estimate\"")? + "\"point_estimate\"".len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The Markdown report: one row per workload, backend and size.
fn render(results: &Results, machine: &str) -> String {
    let mut out = String::new();
    out.push_str("# quarry benchmark report\n\n");
    out.push_str(machine);
    out.push_str(
        "\nMedian time per iteration (criterion). Ratios above 1 mean quarry is slower.\n\n",
    );
    out.push_str("| benchmark | quarry | diesel | raw | quarry / diesel | quarry / raw |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for (row, medians) in results {
        let _ = write!(out, "| {row} |");
        for contender in CONTENDERS {
            let cell = medians
                .get(contender)
                .map_or_else(|| "—".to_owned(), |ns| duration(*ns));
            let _ = write!(out, " {cell} |");
        }
        let quarry = medians.get("quarry");
        for peer in ["diesel", "raw"] {
            let cell = match (quarry, medians.get(peer)) {
                (Some(q), Some(p)) if *p > 0.0 => format!("{:.2}×", q / p),
                _ => "—".to_owned(),
            };
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
    out
}

/// Nanoseconds, in the unit that keeps three or four significant digits.
fn duration(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// What the figures were measured on: CPU, cores, compiler, date.
pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = cmd::stdout_or_unknown("rustc", &["--version"]);
    let date = cmd::stdout_or_unknown("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    format!("- Machine: {cpu}, {cores} cores\n- Compiler: {rustc}\n- Run: {date}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_at_the_contender() {
        assert_eq!(
            Id::parse("select_users/sqlite/quarry/100"),
            Some(Id {
                row: "select_users/sqlite/100".to_owned(),
                contender: "quarry".to_owned()
            })
        );
        assert_eq!(
            Id::parse("bulk_insert_100k/pg/raw"),
            Some(Id {
                row: "bulk_insert_100k/pg".to_owned(),
                contender: "raw".to_owned()
            })
        );
        assert_eq!(Id::parse("other/sqlite/someone/1"), None);
    }

    #[test]
    fn criterion_json_fields_are_found() {
        let benchmark = r#"{"group_id":"find_user/pg","function_id":"quarry","value_str":"1000x","throughput":null,"full_id":"find_user/pg/quarry/1000x","directory_name":"find_user_pg/quarry/1000x"}"#;
        assert_eq!(
            json_string(benchmark, "full_id").as_deref(),
            Some("find_user/pg/quarry/1000x")
        );
        let estimates = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":1234.5e1,"standard_error":0.2}}"#;
        assert_eq!(json_median(estimates), Some(12345.0));
    }

    #[test]
    fn the_report_gives_ratios_to_each_peer() {
        let mut results = Results::new();
        results.insert(
            "select_users/sqlite/100".to_owned(),
            [("quarry", 1_500.0), ("diesel", 3_000.0), ("raw", 1_000.0)]
                .into_iter()
                .map(|(c, ns)| (c.to_owned(), ns))
                .collect(),
        );
        results.insert(
            "bulk_insert_100k/pg".to_owned(),
            [("quarry", 2.0e8), ("raw", 1.6e8)]
                .into_iter()
                .map(|(c, ns)| (c.to_owned(), ns))
                .collect(),
        );
        let report = render(&results, "- Machine: test\n");
        assert!(
            report
                .contains("| select_users/sqlite/100 | 1.5 µs | 3.0 µs | 1.0 µs | 0.50× | 1.50× |"),
            "{report}"
        );
        assert!(
            report.contains("| bulk_insert_100k/pg | 200.00 ms | — | 160.00 ms | — | 1.25× |"),
            "{report}"
        );
    }
}
