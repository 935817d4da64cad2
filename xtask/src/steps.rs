//! Steps of a task: each gets an `==> name` header, is timed, and stops the task at the first
//! failure; at the end one summary line says which steps ran and how long each took.

use std::time::{Duration, Instant};

enum Outcome {
    Passed(Duration),
    Failed(Duration),
}

/// The steps run so far by one task (`test`, `lint`).
pub(crate) struct Steps {
    task: &'static str,
    started: Instant,
    done: Vec<(String, Outcome)>,
}

impl Steps {
    pub(crate) fn new(task: &'static str) -> Self {
        Self {
            task,
            started: Instant::now(),
            done: Vec::new(),
        }
    }

    /// Runs one step under an `==> name` header. An error names the step that failed.
    pub(crate) fn run(
        &mut self,
        name: &str,
        step: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        eprintln!("==> {name}");
        let started = Instant::now();
        let result = step();
        let took = started.elapsed();
        match result {
            Ok(()) => {
                self.done.push((name.to_owned(), Outcome::Passed(took)));
                Ok(())
            }
            Err(error) => {
                self.done.push((name.to_owned(), Outcome::Failed(took)));
                Err(format!("step `{name}` failed: {error}"))
            }
        }
    }

    /// The summary line: the task's verdict, total time, and every step with its time.
    pub(crate) fn summary(&self, passed: bool) -> String {
        let verdict = if passed { "passed" } else { "FAILED" };
        let steps: Vec<String> = self
            .done
            .iter()
            .map(|(name, outcome)| match outcome {
                Outcome::Passed(took) => format!("{name} {}", human(*took)),
                Outcome::Failed(took) => format!("{name} FAILED after {}", human(*took)),
            })
            .collect();
        format!(
            "==> {} {verdict} in {}: {}",
            self.task,
            human(self.started.elapsed()),
            if steps.is_empty() {
                "no steps ran".to_owned()
            } else {
                steps.join(", ")
            }
        )
    }
}

/// `12.3s`, or `3m05s` from a minute on.
fn human(took: Duration) -> String {
    let secs = took.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = took.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human(Duration::from_millis(1234)), "1.2s");
        assert_eq!(human(Duration::from_secs(185)), "3m05s");
    }

    #[test]
    fn the_first_failure_stops_and_is_named() {
        let mut steps = Steps::new("test");
        assert!(steps.run("one", || Ok(())).is_ok());
        let error = steps.run("two", || Err("boom".to_owned())).unwrap_err();
        assert_eq!(error, "step `two` failed: boom");
        let summary = steps.summary(false);
        assert!(summary.starts_with("==> test FAILED in "), "{summary}");
        assert!(
            summary.ends_with(": one 0.0s, two FAILED after 0.0s"),
            "{summary}"
        );
    }
}
