//! Running external programs: the one place where xtask spawns processes, echoes what it
//! runs, and turns a failure into a message that names the command. Also knows where the
//! workspace and its target directory are, and which `cargo` to call.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};

/// The workspace root: the parent of this crate's manifest directory.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Cargo's target directory (`CARGO_TARGET_DIR` if set, else `<root>/target`).
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        // `join` keeps an absolute path as it is and resolves a relative one from the root.
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// The cargo that invoked us (`CARGO`), else `cargo` from PATH.
fn cargo_program() -> OsString {
    std::env::var_os("CARGO")
        .filter(|cargo| !cargo.is_empty())
        .unwrap_or_else(|| OsString::from("cargo"))
}

/// A command to run, with the text shown for it in logs and error messages.
pub(crate) struct Cmd {
    command: Command,
    shown: String,
}

impl Cmd {
    /// A command running `program`, from the workspace root, with stdin closed (CI has
    /// none; nothing xtask runs may wait for input).
    pub(crate) fn new(program: impl AsRef<OsStr>) -> Self {
        let program = program.as_ref();
        Self::with_shown_name(program, &program.to_string_lossy())
    }

    /// `cargo` (see [`cargo_program`]), shown as `cargo` rather than its full path.
    pub(crate) fn cargo() -> Self {
        Self::with_shown_name(&cargo_program(), "cargo")
    }

    fn with_shown_name(program: &OsStr, shown: &str) -> Self {
        let mut command = Command::new(program);
        command.current_dir(workspace_root()).stdin(Stdio::null());
        Self {
            command,
            shown: quote(shown),
        }
    }

    pub(crate) fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        let arg = arg.as_ref();
        self.shown.push(' ');
        self.shown.push_str(&quote(&arg.to_string_lossy()));
        self.command.arg(arg);
        self
    }

    pub(crate) fn args<I, S>(self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        args.into_iter().fold(self, Self::arg)
    }

    /// Sets an environment variable for the child (shown in the echoed command line).
    pub(crate) fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        let value = value.as_ref();
        self.shown = format!("{key}={} {}", quote(&value.to_string_lossy()), self.shown);
        self.command.env(key, value);
        self
    }

    pub(crate) fn env_remove(mut self, key: &str) -> Self {
        self.command.env_remove(key);
        self
    }

    pub(crate) fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Echoes the command, runs it with inherited stdout/stderr, and fails unless it exits 0.
    pub(crate) fn run(mut self) -> Result<(), String> {
        eprintln!("    $ {}", self.shown);
        let status = self
            .command
            .status()
            .map_err(|e| spawn_error(&self.shown, &e))?;
        check(&self.shown, status, None)
    }

    /// Runs the command with its output captured; fails unless it exits 0, and then the
    /// error carries what the command printed.
    pub(crate) fn run_captured(self) -> Result<Output, String> {
        let shown = self.shown.clone();
        let output = self.output()?;
        check(&shown, output.status, Some(&output))?;
        Ok(output)
    }

    /// Runs the command with its output captured, whatever its exit status. Fails only
    /// when it cannot be started.
    pub(crate) fn output(mut self) -> Result<Output, String> {
        self.command
            .output()
            .map_err(|e| spawn_error(&self.shown, &e))
    }
}

fn spawn_error(shown: &str, error: &io::Error) -> String {
    if error.kind() == io::ErrorKind::NotFound {
        format!("could not run `{shown}`: program not found")
    } else {
        format!("could not run `{shown}`: {error}")
    }
}

fn check(shown: &str, status: ExitStatus, output: Option<&Output>) -> Result<(), String> {
    if status.success() {
        return Ok(());
    }
    let mut message = match status.code() {
        Some(code) => format!("`{shown}` exited with status {code}"),
        None => format!("`{shown}` was killed ({status})"),
    };
    if let Some(output) = output {
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            let text = text.trim();
            if !text.is_empty() {
                let _ = write!(message, "\n{text}");
            }
        }
    }
    Err(message)
}

/// Quotes a word for display the way a POSIX shell would need it.
fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What `program args…` prints, trimmed, or "unknown" when it cannot run or fails: for
/// reports that name the machine they ran on.
pub(crate) fn stdout_or_unknown(program: &str, args: &[&str]) -> String {
    Cmd::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| stdout_text(&o))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The stdout of a finished command, trimmed.
pub(crate) fn stdout_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_matches_what_a_shell_needs() {
        assert_eq!(quote("--workspace"), "--workspace");
        assert_eq!(quote("*"), "'*'");
        assert_eq!(quote("-D warnings"), "'-D warnings'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn the_echoed_command_shows_env_and_args() {
        let cmd = Cmd::new("cargo")
            .env("QUARRY_PG_URL", "postgres://x@h:1/db")
            .args(["test", "--test", "*"]);
        assert_eq!(
            cmd.shown,
            "QUARRY_PG_URL=postgres://x@h:1/db cargo test --test '*'"
        );
    }

    #[test]
    fn the_workspace_root_holds_this_crate() {
        assert!(workspace_root().join("xtask").join("Cargo.toml").is_file());
    }
}
