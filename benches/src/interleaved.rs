//! The parts of `benches/interleaved.rs` that involve no database: its command line, the
//! order of the contenders in each round, the size of a batch, and the lines it writes.
//!
//! Contenders measured one after another see different machines when other work comes
//! and goes; in rounds that alternate them, each round's ratio compares contenders that
//! ran within milliseconds of each other, and the median of those ratios keeps what is
//! common to the rounds.

use std::time::Duration;

/// Rounds measured when `--rounds` is not given (one warm-up round comes first).
pub const DEFAULT_ROUNDS: u32 = 30;
/// The time one contender's batch should take.
pub const BATCH_TARGET: Duration = Duration::from_millis(10);
/// Calibration grows the batch until it takes at least this long, then scales it to
/// [`BATCH_TARGET`]: shorter runs are dominated by the clock's and the loop's own cost.
pub const CALIBRATION_FLOOR: Duration = Duration::from_millis(1);

/// The first line of the results file: what its columns are.
pub const HEADER: &str = "backend\tworkload\tsize\tround\tcontender\titerations\tnanoseconds";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// `false` under `cargo test`, which does not pass `--bench`: then each case runs
    /// once per contender, with its check, and nothing is timed.
    pub measure: bool,
    pub rounds: u32,
    /// Where the results go; `None` for the default under the target directory.
    pub out: Option<String>,
    /// Substrings of case ids (`find_user`, `select_users/pg`); empty runs every case.
    pub filters: Vec<String>,
}

impl Options {
    /// Parses the arguments after the program name.
    pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Options, String> {
        let mut options = Options {
            measure: false,
            rounds: DEFAULT_ROUNDS,
            out: None,
            filters: Vec::new(),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--bench" => options.measure = true,
                "--rounds" => {
                    let value = args.next().ok_or("--rounds needs a number")?;
                    options.rounds = match value.parse() {
                        Ok(rounds) if rounds > 0 => rounds,
                        _ => return Err(format!("--rounds needs a number above 0, not `{value}`")),
                    };
                }
                "--out" => options.out = Some(args.next().ok_or("--out needs a path")?),
                flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
                _ => options.filters.push(arg),
            }
        }
        Ok(options)
    }

    /// Whether the case with this id is to run.
    pub fn selects(&self, id: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| id.contains(f.as_str()))
    }
}

/// The order in which `contenders` contenders run in `round`: `0, 1, 2`, then `1, 2, 0`,
/// then `2, 0, 1`, …, so that no contender always runs right after the same one, nor
/// always first.
pub fn rotation(round: u32, contenders: usize) -> Vec<usize> {
    let shift = round as usize % contenders.max(1);
    (0..contenders).map(|i| (i + shift) % contenders).collect()
}

/// The number of iterations that makes one batch take about [`BATCH_TARGET`], found by
/// timing `run(n)` for n = 1, 10, 100, … until a batch takes [`CALIBRATION_FLOOR`], then
/// once more at the size that suggests. A workload slower than the target gets one
/// iteration per batch.
pub fn batch_iterations(mut run: impl FnMut(u64) -> Duration) -> u64 {
    let mut iterations = 1u64;
    let estimate = loop {
        let elapsed = run(iterations);
        if elapsed >= CALIBRATION_FLOOR || iterations >= 1 << 40 {
            break scaled_to_target(iterations, elapsed);
        }
        iterations *= 10;
    };
    // Other work on the machine only ever makes a batch slower, and so an estimate
    // smaller: of two estimates, the larger is the one less disturbed.
    estimate.max(scaled_to_target(estimate, run(estimate)))
}

fn scaled_to_target(iterations: u64, elapsed: Duration) -> u64 {
    let scaled = iterations as f64 * BATCH_TARGET.as_secs_f64() / elapsed.as_secs_f64().max(1e-9);
    (scaled.round() as u64).max(1)
}

/// One contender's batch in one round: a line of the results file.
#[derive(Debug, PartialEq, Eq)]
pub struct Batch<'a> {
    pub backend: &'a str,
    pub workload: &'a str,
    pub size: &'a str,
    /// 1 for the first measured round (the warm-up round is not written).
    pub round: u32,
    pub contender: &'a str,
    pub iterations: u64,
    pub elapsed: Duration,
}

impl Batch<'_> {
    /// The tab-separated line, in [`HEADER`]'s columns, without its newline.
    pub fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.backend,
            self.workload,
            self.size,
            self.round,
            self.contender,
            self.iterations,
            self.elapsed.as_nanos()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_take_rounds_output_and_filters() {
        assert_eq!(
            Options::parse(args("--rounds 5 find_user --bench --out /tmp/x.tsv sqlite")),
            Ok(Options {
                measure: true,
                rounds: 5,
                out: Some("/tmp/x.tsv".to_owned()),
                filters: vec!["find_user".to_owned(), "sqlite".to_owned()],
            })
        );
        let test_mode = Options::parse(args("")).expect("no arguments");
        assert!(!test_mode.measure);
        assert_eq!(test_mode.rounds, DEFAULT_ROUNDS);
        assert_eq!(
            Options::parse(args("--rounds 0")),
            Err("--rounds needs a number above 0, not `0`".to_owned())
        );
        assert_eq!(
            Options::parse(args("--rounds")),
            Err("--rounds needs a number".to_owned())
        );
        assert_eq!(
            Options::parse(args("--quick")),
            Err("unknown option `--quick`".to_owned())
        );
    }

    #[test]
    fn filters_match_parts_of_case_ids() {
        let all = Options::parse(args("--bench")).expect("valid");
        assert!(all.selects("load_tree/pg/100x10x10"));
        let some = Options::parse(args("find_user select_users/pg")).expect("valid");
        assert!(some.selects("find_user/sqlite/1000x"));
        assert!(some.selects("select_users/pg/10000"));
        assert!(!some.selects("select_users/sqlite/100"));
    }

    #[test]
    fn each_round_rotates_the_order() {
        let orders: Vec<Vec<usize>> = (0..4).map(|round| rotation(round, 3)).collect();
        assert_eq!(
            orders,
            [vec![0, 1, 2], vec![1, 2, 0], vec![2, 0, 1], vec![0, 1, 2]]
        );
    }

    #[test]
    fn batches_are_scaled_to_the_target() {
        // 300 ns per iteration: 10,000 iterations take 3 ms, past the floor.
        let mut tried = Vec::new();
        let iterations = batch_iterations(|n| {
            tried.push(n);
            Duration::from_nanos(300 * n)
        });
        assert_eq!(tried, [1, 10, 100, 1_000, 10_000, 33_333]);
        assert_eq!(iterations, 33_333);
        // Slower than the target: one iteration per batch.
        assert_eq!(batch_iterations(|n| Duration::from_millis(80 * n)), 1);
    }

    #[test]
    fn an_interrupted_first_run_does_not_shrink_the_batch() {
        let mut tried = Vec::new();
        let iterations = batch_iterations(|n| {
            tried.push(n);
            if tried.len() == 1 {
                Duration::from_millis(5)
            } else {
                Duration::from_nanos(300 * n)
            }
        });
        assert_eq!(tried, [1, 2]);
        assert_eq!(iterations, 33_333);
    }

    #[test]
    fn batches_are_written_as_tab_separated_lines() {
        let batch = Batch {
            backend: "sqlite",
            workload: "find_user",
            size: "1000x",
            round: 3,
            contender: "diesel",
            iterations: 25,
            elapsed: Duration::from_micros(9_876),
        };
        assert_eq!(
            batch.line(),
            "sqlite\tfind_user\t1000x\t3\tdiesel\t25\t9876000"
        );
        assert_eq!(HEADER.split('\t').count(), batch.line().split('\t').count());
    }
}
