//! The checksum of a migration's SQL: SHA-256 of its normalized text, in hex.

use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The checksum of `sql`, after [`normalize`](super::source::normalize): line ends, a
/// byte order mark and trailing blanks do not change it.
pub(crate) fn checksum(sql: &str) -> String {
    let digest = Sha256::digest(super::source::normalize(sql).as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The lines where `applied` and `now` differ, after their common first and last lines:
/// `-` for the text as applied, `+` for the text now, with a line of context either side.
pub(crate) fn line_diff(applied: &str, now: &str) -> String {
    let old: Vec<&str> = applied.lines().collect();
    let new: Vec<&str> = now.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    if prefix > 0 {
        let _ = writeln!(out, "  {}", old[prefix - 1]);
    }
    for line in &old[prefix..old.len() - suffix] {
        let _ = writeln!(out, "- {line}");
    }
    for line in &new[prefix..new.len() - suffix] {
        let _ = writeln!(out, "+ {line}");
    }
    if suffix > 0 {
        let _ = writeln!(out, "  {}", old[old.len() - suffix]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_taken_over_normalized_text() {
        let lf = "CREATE TABLE t (x INT);\n";
        assert_eq!(
            checksum(lf),
            checksum("\u{feff}CREATE TABLE t (x INT);  \r\n\r\n")
        );
        assert_ne!(checksum(lf), checksum("CREATE TABLE t (x BIGINT);\n"));
        assert_eq!(checksum(lf).len(), 64);
    }

    #[test]
    fn the_diff_shows_the_changed_lines_with_context() {
        let applied = "CREATE TABLE t (\n    x INT\n);";
        let now = "CREATE TABLE t (\n    x BIGINT\n);";
        assert_eq!(
            line_diff(applied, now),
            "  CREATE TABLE t (\n-     x INT\n+     x BIGINT\n  );\n"
        );
        assert_eq!(line_diff("a", "a\nb"), "  a\n+ b\n");
    }
}
