//! Finding `mdbook`, and installing it with `cargo install` when it is missing (Debian does
//! not package it; the install takes a few minutes, so it happens only once per machine).

use std::path::{Path, PathBuf};

use crate::cmd::Cmd;

/// The mdbook the guide is written for (mdbook 0.5 rejects `multilingual` in `book.toml`).
const VERSION: &str = "0.5.4";

/// Builds the guide in `book/` (output in `book/book`, which git ignores).
pub(crate) fn build_book() -> Result<(), String> {
    let mdbook = ensure()?;
    Cmd::new(mdbook).args(["build", "book"]).run()
}

/// The path of an `mdbook` binary, installing one first if none is found.
fn ensure() -> Result<PathBuf, String> {
    if let Some(found) = find() {
        return Ok(found);
    }
    eprintln!("    mdbook not found: installing mdbook {VERSION} (takes a few minutes)");
    let pinned = Cmd::cargo()
        .args(["install", "mdbook", "--locked", "--version", VERSION])
        .run();
    if let Err(error) = pinned {
        eprintln!("    {error}\n    trying the newest mdbook instead");
        Cmd::cargo()
            .args(["install", "mdbook", "--locked"])
            .run()
            .map_err(|e| format!("could not install mdbook: {e}"))?;
    }
    find().ok_or_else(|| {
        "`cargo install mdbook` succeeded, but no `mdbook` is on PATH, in $CARGO_HOME/bin \
         or in ~/.cargo/bin"
            .to_owned()
    })
}

/// `mdbook` on PATH, else in `$CARGO_HOME/bin` or `~/.cargo/bin` (where `cargo install`
/// puts it, which a fresh shell may not have on PATH).
fn find() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let cargo_bins = [
        std::env::var_os("CARGO_HOME").map(|home| Path::new(&home).join("bin")),
        std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo").join("bin")),
    ];
    on_path
        .into_iter()
        .chain(cargo_bins.into_iter().flatten())
        .map(|dir| dir.join("mdbook"))
        .find(|candidate| candidate.is_file())
}
