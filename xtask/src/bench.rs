//! `cargo xtask bench`: runs the benchmarks of `benches/` (quarry, Diesel and the raw
//! drivers on SQLite and PostgreSQL) and writes their ratios to `target/bench/report.md`.
//!
//! The ratios come from `benches/interleaved.rs`, which runs the contenders in
//! alternating rounds and writes one tab-separated line per batch to
//! `target/bench/interleaved.tsv`; this module takes, per case, the median and the
//! interquartile range of the per-round ratios. Criterion's runs, one contender after
//! another, moved ratios by up to ±50% between two quiet runs on a shared machine, so
//! they only add a second table: of `bulk_insert_100k`, which has no interleaved form,
//! and, with `--criterion`, of the workloads too.
//!
//! With `--async` (or `--async-only`), `benches-async/`'s interleaved rounds run too:
//! quarry's async connections against tokio-postgres, diesel-async and sqlx on
//! PostgreSQL, and against quarry's blocking connection on SQLite. That package is
//! outside the workspace (its own lock file, so that the workspace's tests never build
//! those peers); it is built into the workspace's target directory and writes
//! `target/bench/async.tsv` in the same format, which makes the report's async tables.
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
/// The peers quarry's time is divided by.
const PEERS: [&str; 2] = ["diesel", "raw"];
/// The async contenders of each backend, in the report's column order: quarry's async
/// connection first, the peers its time is divided by after it.
const ASYNC_CONTENDERS: [(&str, &[&str]); 2] = [
    ("sqlite", &["quarry", "blocking"]),
    ("pg", &["quarry", "tokio-postgres", "diesel-async", "sqlx"]),
];
/// The async benchmarks' package, outside the workspace.
const ASYNC_MANIFEST: &str = "benches-async/Cargo.toml";
/// The first line of the interleaved results, as `benches/src/interleaved.rs` writes it.
const INTERLEAVED_HEADER: &str =
    "backend\tworkload\tsize\tround\tcontender\titerations\tnanoseconds";

/// What `cargo xtask bench -- …` asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Options {
    /// Measured rounds per case; `None` for the harness's default.
    rounds: Option<u32>,
    /// Also run criterion's `workloads` target.
    criterion: bool,
    /// Also run the async benchmarks of `benches-async/`.
    run_async: bool,
    /// Run only the async benchmarks.
    async_only: bool,
    /// Workloads to run: substrings of `<workload>/<backend>/<size>` for the interleaved
    /// rounds, joined into one regular expression for criterion.
    filters: Vec<String>,
}

/// Parses the arguments after `cargo xtask bench --`.
pub(crate) fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        rounds: None,
        criterion: false,
        run_async: false,
        async_only: false,
        filters: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                let value = args.next().ok_or("`--rounds` needs a number")?;
                options.rounds = match value.parse() {
                    Ok(rounds) if rounds > 0 => Some(rounds),
                    _ => return Err(format!("`--rounds` needs a number above 0, not `{value}`")),
                };
            }
            "--criterion" => options.criterion = true,
            "--async" => options.run_async = true,
            "--async-only" => {
                options.run_async = true;
                options.async_only = true;
            }
            flag if flag.starts_with('-') => {
                return Err(format!("`bench` has no option `{flag}`"));
            }
            filter => options.filters.push(filter.to_owned()),
        }
    }
    if options.async_only && options.criterion {
        return Err("`--criterion` runs blocking benchmarks, which `--async-only` skips".into());
    }
    Ok(options)
}

/// Runs the interleaved rounds and criterion's targets (and, when asked, the async
/// rounds), against the database of `QUARRY_PG_URL` if it is set and else `server_url`,
/// then writes the report and returns its path.
pub(crate) fn run(server_url: &str, options: &Options) -> Result<PathBuf, String> {
    let pg_url = std::env::var("QUARRY_PG_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| server_url.to_owned());
    let dir = cmd::target_dir().join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;

    let mut cases = Vec::new();
    let mut criterion_results = Results::new();
    if !options.async_only {
        let tsv = dir.join("interleaved.tsv");
        let interleaved =
            Cmd::cargo().args(["bench", "-p", "quarry-benches", "--bench", "interleaved"]);
        cases = interleaved_rounds(interleaved, &tsv, &pg_url, options)?;
        if cases.is_empty() {
            return Err(nothing_matched(options));
        }

        let started = SystemTime::now();
        let mut criterion = Cmd::cargo()
            .args(["bench", "-p", "quarry-benches", "--bench", "bulk_insert"])
            .env("QUARRY_PG_URL", &pg_url);
        if options.criterion {
            criterion = criterion.args(["--bench", "workloads"]);
        }
        if !options.filters.is_empty() {
            criterion = criterion.arg("--").arg(options.filters.join("|"));
        }
        criterion.run()?;
        criterion_results = read_results(&cmd::target_dir().join("criterion"), started)?;
    }
    let mut async_cases = Vec::new();
    if options.run_async {
        // Into the workspace's target directory: the report's, and quarry's build.
        let interleaved = Cmd::cargo()
            .args(["bench", "--manifest-path", ASYNC_MANIFEST])
            .args(["--bench", "interleaved"])
            .env("CARGO_TARGET_DIR", cmd::target_dir());
        async_cases = interleaved_rounds(interleaved, &dir.join("async.tsv"), &pg_url, options)?;
        // A filter may pick only workloads that the async benchmarks do not have.
        if async_cases.is_empty() && options.async_only {
            return Err(nothing_matched(options));
        }
    }

    let mut report = render(&cases, &criterion_results, &machine());
    render_async(&mut report, &async_cases);
    let path = dir.join("report.md");
    std::fs::write(&path, &report).map_err(|e| format!("write {}: {e}", path.display()))?;
    println!("{report}");
    Ok(path)
}

/// Runs an interleaved target (`cargo bench … --bench interleaved`) into `tsv` and reads
/// its rounds back (none when the filters matched no case).
fn interleaved_rounds(
    bench: Cmd,
    tsv: &Path,
    pg_url: &str,
    options: &Options,
) -> Result<Vec<CaseRounds>, String> {
    // A failed run must not leave the previous run's rounds to be reported.
    if tsv.exists() {
        std::fs::remove_file(tsv).map_err(|e| format!("remove {}: {e}", tsv.display()))?;
    }
    let mut bench = bench
        .arg("--")
        .arg("--out")
        .arg(tsv)
        .env("QUARRY_PG_URL", pg_url);
    if let Some(rounds) = options.rounds {
        bench = bench.arg("--rounds").arg(rounds.to_string());
    }
    bench.args(&options.filters).run()?;
    let text = std::fs::read_to_string(tsv).map_err(|e| format!("read {}: {e}", tsv.display()))?;
    parse_interleaved(&text)
}

/// The error of a run whose filters matched no workload.
fn nothing_matched(options: &Options) -> String {
    format!(
        "no workload matched `{}`: the interleaved rounds wrote nothing",
        options.filters.join(" ")
    )
}

/// The measured rounds of one case on one backend.
#[derive(Debug, PartialEq)]
struct CaseRounds {
    backend: String,
    /// `<workload>/<size>`.
    name: String,
    /// Nanoseconds per iteration, by round and then contender.
    rounds: BTreeMap<u32, BTreeMap<String, f64>>,
}

/// The lines of `interleaved.tsv`, grouped by case in the order the cases ran.
fn parse_interleaved(text: &str) -> Result<Vec<CaseRounds>, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header == INTERLEAVED_HEADER => {}
        _ => {
            return Err(format!(
                "interleaved results do not start with `{INTERLEAVED_HEADER}`"
            ));
        }
    }
    let mut cases: Vec<CaseRounds> = Vec::new();
    for (index, line) in lines {
        if line.is_empty() {
            continue;
        }
        let bad = |what: &str| format!("interleaved results, line {}: {what}: `{line}`", index + 1);
        let [backend, workload, size, round, contender, iterations, nanos] =
            <[&str; 7]>::try_from(line.split('\t').collect::<Vec<_>>())
                .map_err(|_| bad("not 7 fields"))?;
        let round: u32 = round.parse().map_err(|_| bad("bad round"))?;
        let iterations: u64 = iterations.parse().map_err(|_| bad("bad iterations"))?;
        let nanos: u64 = nanos.parse().map_err(|_| bad("bad nanoseconds"))?;
        if iterations == 0 {
            return Err(bad("no iterations"));
        }
        let name = format!("{workload}/{size}");
        let position = match cases
            .iter()
            .position(|c| c.backend == backend && c.name == name)
        {
            Some(position) => position,
            None => {
                cases.push(CaseRounds {
                    backend: backend.to_owned(),
                    name,
                    rounds: BTreeMap::new(),
                });
                cases.len() - 1
            }
        };
        cases[position]
            .rounds
            .entry(round)
            .or_default()
            .insert(contender.to_owned(), nanos as f64 / iterations as f64);
    }
    Ok(cases)
}

/// A median and the interquartile range around it.
#[derive(Debug, PartialEq)]
struct Spread {
    median: f64,
    p25: f64,
    p75: f64,
}

impl Spread {
    /// `None` for no values.
    fn of(mut values: Vec<f64>) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        Some(Spread {
            median: percentile(&values, 50.0),
            p25: percentile(&values, 25.0),
            p75: percentile(&values, 75.0),
        })
    }
}

/// The `p`th percentile of sorted, non-empty `values`, interpolated linearly between the
/// two nearest ranks (NumPy's default), so that the median of an even count is the mean
/// of the middle two.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let below = rank.floor() as usize;
    let above = rank.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (rank - below as f64)
}

impl CaseRounds {
    /// quarry's time over `peer`'s, one ratio per round in which both ran.
    fn ratios(&self, peer: &str) -> Vec<f64> {
        self.rounds
            .values()
            .filter_map(|round| match (round.get("quarry"), round.get(peer)) {
                (Some(q), Some(p)) if *p > 0.0 => Some(q / p),
                _ => None,
            })
            .collect()
    }

    /// `contender`'s time per iteration, one value per round in which it ran.
    fn times(&self, contender: &str) -> Vec<f64> {
        self.rounds
            .values()
            .filter_map(|round| round.get(contender).copied())
            .collect()
    }
}

/// The backend's name in headings.
fn backend_title(backend: &str) -> &str {
    match backend {
        "sqlite" => "SQLite",
        "pg" => "PostgreSQL",
        other => other,
    }
}

/// The report: one table of interleaved ratios per backend, then criterion's medians.
fn render(cases: &[CaseRounds], criterion: &Results, machine: &str) -> String {
    let mut out = String::new();
    out.push_str("# quarry benchmark report\n\n");
    out.push_str(machine);
    if !cases.is_empty() {
        render_interleaved(&mut out, cases);
    }
    if !criterion.is_empty() {
        out.push_str(
            "\n## Criterion\n\nContenders one after another; medians of criterion's \
             samples. Ratios from such runs move from run to run on a busy machine.\n\n",
        );
        render_criterion(&mut out, criterion);
    }
    out
}

/// The measured rounds per case: `30`, or `5 to 30` when cases differ.
fn round_counts(cases: &[CaseRounds]) -> String {
    let mut counts: Vec<usize> = cases.iter().map(|c| c.rounds.len()).collect();
    counts.sort_unstable();
    counts.dedup();
    match counts.as_slice() {
        [n] => n.to_string(),
        [fewest, .., most] => format!("{fewest} to {most}"),
        [] => "no".to_owned(),
    }
}

/// The blocking benchmarks' interleaved rounds: one table per backend.
fn render_interleaved(out: &mut String, cases: &[CaseRounds]) {
    let rounds = round_counts(cases);
    let _ = write!(
        out,
        "\n## Interleaved rounds\n\n\
         {rounds} measured rounds per case, after one warm-up round. In each round every \
         contender runs the case for a batch of about 10 ms (one iteration, when one takes \
         longer), in an order that rotates from round to round. A ratio is the median of \
         the per-round ratios of quarry's time to the peer's, with the interquartile range \
         (25th to 75th percentile) of those ratios in brackets; above 1 means quarry is \
         slower. Times are medians per iteration.\n"
    );
    let mut backends: Vec<&str> = cases.iter().map(|c| c.backend.as_str()).collect();
    backends.dedup();
    for backend in backends {
        let _ = write!(out, "\n### {}\n\n", backend_title(backend));
        ratio_table(out, cases, backend, &CONTENDERS);
    }
}

/// One table of interleaved rounds: per case of `backend`, quarry's ratio to each peer
/// (`contenders` after the first), then each contender's median time per iteration.
fn ratio_table(out: &mut String, cases: &[CaseRounds], backend: &str, contenders: &[&str]) {
    let peers = &contenders[1..];
    out.push_str("| benchmark |");
    for peer in peers {
        let _ = write!(out, " quarry / {peer} |");
    }
    for contender in contenders {
        let _ = write!(out, " {contender} |");
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(peers.len() + contenders.len()));
    out.push('\n');
    for case in cases.iter().filter(|c| c.backend == backend) {
        let _ = write!(out, "| {} |", case.name);
        for peer in peers {
            let cell = Spread::of(case.ratios(peer)).map_or_else(
                || "—".to_owned(),
                |s| format!("{:.2}× ({:.2}–{:.2})", s.median, s.p25, s.p75),
            );
            let _ = write!(out, " {cell} |");
        }
        for contender in contenders {
            let cell = Spread::of(case.times(contender))
                .map_or_else(|| "—".to_owned(), |s| duration(s.median));
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
}

/// The async section of the report, when the async rounds ran: one table per backend.
fn render_async(out: &mut String, cases: &[CaseRounds]) {
    if cases.is_empty() {
        return;
    }
    let rounds = round_counts(cases);
    let _ = write!(
        out,
        "\n## Async\n\n\
         `benches-async/`: quarry's async connections in interleaved rounds, {rounds} \
         measured rounds per case after one warm-up round, each contender's batch about \
         10 ms, the order rotating from round to round. A ratio is the median of the \
         per-round ratios of quarry's time to the peer's, with their interquartile range \
         in brackets; above 1 means quarry is slower. Times are medians per iteration. \
         Every contender's calls are awaited on one current-thread tokio runtime, a batch \
         being one `block_on` around its loop. On \
         PostgreSQL the peers are tokio-postgres (statements prepared once and kept), \
         diesel-async's `AsyncPgConnection` and sqlx's `PgConnection`; on SQLite, quarry's \
         blocking `SqliteConnection` (`blocking`), which the async connection's worker hop \
         is measured against. Targets: at most 1.0× tokio-postgres and 0.9× diesel-async and \
         sqlx; within 1.3× of the blocking connection for `select_users/1` on SQLite.\n"
    );
    for (backend, contenders) in ASYNC_CONTENDERS {
        if cases.iter().any(|c| c.backend == backend) {
            let _ = write!(out, "\n### Async {}\n\n", backend_title(backend));
            ratio_table(out, cases, backend, contenders);
        }
    }
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

/// Criterion's medians: one row per workload, backend and size, with quarry's ratios.
fn render_criterion(out: &mut String, results: &Results) {
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
        for peer in PEERS {
            let cell = match (quarry, medians.get(peer)) {
                (Some(q), Some(p)) if *p > 0.0 => format!("{:.2}×", q / p),
                _ => "—".to_owned(),
            };
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
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
    fn criterion_medians_give_ratios_to_each_peer() {
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
        let mut table = String::new();
        render_criterion(&mut table, &results);
        assert_eq!(
            table,
            "| benchmark | quarry | diesel | raw | quarry / diesel | quarry / raw |\n\
             |---|---:|---:|---:|---:|---:|\n\
             | bulk_insert_100k/pg | 200.00 ms | — | 160.00 ms | — | 1.25× |\n\
             | select_users/sqlite/100 | 1.5 µs | 3.0 µs | 1.0 µs | 0.50× | 1.50× |\n"
        );
    }

    #[test]
    fn bench_arguments_are_rounds_criterion_and_filters() {
        let words = |line: &str| {
            line.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            parse_args(&words("--rounds 5 find_user --criterion select_users/pg")),
            Ok(Options {
                rounds: Some(5),
                criterion: true,
                run_async: false,
                async_only: false,
                filters: vec!["find_user".to_owned(), "select_users/pg".to_owned()],
            })
        );
        assert_eq!(
            parse_args(&[]),
            Ok(Options {
                rounds: None,
                criterion: false,
                run_async: false,
                async_only: false,
                filters: Vec::new(),
            })
        );
        let with_async = parse_args(&words("--async find_user")).expect("valid");
        assert!(with_async.run_async && !with_async.async_only);
        let only_async = parse_args(&words("--async-only")).expect("valid");
        assert!(only_async.run_async && only_async.async_only);
        assert_eq!(
            parse_args(&words("--async-only --criterion")),
            Err("`--criterion` runs blocking benchmarks, which `--async-only` skips".to_owned())
        );
        assert_eq!(
            parse_args(&words("--rounds x")),
            Err("`--rounds` needs a number above 0, not `x`".to_owned())
        );
        assert_eq!(
            parse_args(&words("--quick")),
            Err("`bench` has no option `--quick`".to_owned())
        );
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let values = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&values, 50.0), 2.5);
        assert_eq!(percentile(&values, 25.0), 1.75);
        assert_eq!(percentile(&values, 75.0), 3.25);
        assert_eq!(percentile(&values, 0.0), 1.0);
        assert_eq!(percentile(&values, 100.0), 4.0);
        assert_eq!(percentile(&[7.0], 25.0), 7.0);
        assert_eq!(
            Spread::of(vec![3.0, 1.0, 2.0]),
            Some(Spread {
                median: 2.0,
                p25: 1.5,
                p75: 2.5
            })
        );
        assert_eq!(Spread::of(Vec::new()), None);
    }

    #[test]
    fn interleaved_lines_become_times_per_iteration() {
        // The line that `benches/src/interleaved.rs`'s own test pins.
        let text =
            format!("{INTERLEAVED_HEADER}\nsqlite\tfind_user\t1000x\t3\tdiesel\t25\t9876000\n");
        let cases = parse_interleaved(&text).expect("valid results");
        assert_eq!(
            cases,
            [CaseRounds {
                backend: "sqlite".to_owned(),
                name: "find_user/1000x".to_owned(),
                rounds: [(3, [("diesel".to_owned(), 395_040.0)].into_iter().collect())]
                    .into_iter()
                    .collect(),
            }]
        );
        assert_eq!(
            parse_interleaved("backend\tworkload\n"),
            Err(format!(
                "interleaved results do not start with `{INTERLEAVED_HEADER}`"
            ))
        );
        assert_eq!(
            parse_interleaved(&format!("{INTERLEAVED_HEADER}\npg\tload_tree\t1\n")),
            Err("interleaved results, line 2: not 7 fields: `pg\tload_tree\t1`".to_owned())
        );
    }

    #[test]
    fn the_report_has_a_table_of_per_round_ratios_per_backend() {
        let mut text = format!("{INTERLEAVED_HEADER}\n");
        // quarry / diesel per round: 0.5, 0.6, 0.7; quarry / raw: 1.0, 1.2, 1.4.
        for (round, quarry_ns) in [(1, 1_000), (2, 1_200), (3, 1_400)] {
            let _ = writeln!(
                text,
                "sqlite\tfind_user\t1000x\t{round}\tquarry\t10\t{}",
                quarry_ns * 10
            );
            let _ = writeln!(text, "sqlite\tfind_user\t1000x\t{round}\tdiesel\t5\t10000");
            let _ = writeln!(text, "sqlite\tfind_user\t1000x\t{round}\traw\t10\t10000");
        }
        text.push_str("pg\tload_tree\t100x10x10\t1\tquarry\t1\t3000000\n");
        text.push_str("pg\tload_tree\t100x10x10\t1\traw\t1\t2500000\n");
        let cases = parse_interleaved(&text).expect("valid results");
        let report = render(&cases, &Results::new(), "- Machine: test\n");
        let tables = &report[report.find("### SQLite").expect("a SQLite table")..];
        assert_eq!(
            tables,
            "### SQLite\n\n\
             | benchmark | quarry / diesel | quarry / raw | quarry | diesel | raw |\n\
             |---|---:|---:|---:|---:|---:|\n\
             | find_user/1000x | 0.60× (0.55–0.65) | 1.20× (1.10–1.30) | 1.2 µs | 2.0 µs | 1.0 µs |\n\
             \n### PostgreSQL\n\n\
             | benchmark | quarry / diesel | quarry / raw | quarry | diesel | raw |\n\
             |---|---:|---:|---:|---:|---:|\n\
             | load_tree/100x10x10 | — | 1.20× (1.20–1.20) | 3.00 ms | — | 2.50 ms |\n"
        );
        assert!(
            report.contains("1 to 3 measured rounds per case"),
            "{report}"
        );
        assert!(!report.contains("## Criterion"), "{report}");
    }

    #[test]
    fn the_async_section_has_a_table_per_backend_with_a_column_per_peer() {
        let mut text = format!("{INTERLEAVED_HEADER}\n");
        // quarry / tokio-postgres per round: 0.9, 1.0, 1.1; quarry / sqlx: 0.5 each time.
        for (round, quarry_ns) in [(1, 900), (2, 1_000), (3, 1_100)] {
            let _ = writeln!(
                text,
                "pg\tfind_user\t1000x\t{round}\tquarry\t1\t{quarry_ns}"
            );
            let _ = writeln!(
                text,
                "pg\tfind_user\t1000x\t{round}\ttokio-postgres\t2\t2000"
            );
            let _ = writeln!(
                text,
                "pg\tfind_user\t1000x\t{round}\tsqlx\t1\t{}",
                quarry_ns * 2
            );
        }
        text.push_str("sqlite\tselect_users\t1\t1\tquarry\t10\t12000\n");
        text.push_str("sqlite\tselect_users\t1\t1\tblocking\t10\t10000\n");
        let cases = parse_interleaved(&text).expect("valid results");
        let mut report = String::new();
        render_async(&mut report, &cases);
        assert!(report.starts_with("\n## Async\n"), "{report}");
        assert!(
            report.contains("1 to 3 measured rounds per case"),
            "{report}"
        );
        let tables = &report[report.find("### Async SQLite").expect("a SQLite table")..];
        assert_eq!(
            tables,
            "### Async SQLite\n\n\
             | benchmark | quarry / blocking | quarry | blocking |\n\
             |---|---:|---:|---:|\n\
             | select_users/1 | 1.20× (1.20–1.20) | 1.2 µs | 1.0 µs |\n\
             \n### Async PostgreSQL\n\n\
             | benchmark | quarry / tokio-postgres | quarry / diesel-async | quarry / sqlx | \
             quarry | tokio-postgres | diesel-async | sqlx |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|\n\
             | find_user/1000x | 1.00× (0.95–1.05) | — | 0.50× (0.50–0.50) | 1.0 µs | \
             1.0 µs | — | 2.0 µs |\n"
        );
        let mut empty = String::new();
        render_async(&mut empty, &[]);
        assert!(empty.is_empty());
        // `--async-only`: no blocking rounds, so no section for them.
        let report = render(&[], &Results::new(), "- Machine: test\n");
        assert!(!report.contains("## Interleaved rounds"), "{report}");
    }
}
