//! A migrations folder on disk, and the rules its SQL follows: the layout
//! (`<version>_<name>/up.sql`, `down.sql`), the `-- quarry: no-transaction` header, how
//! text is normalized before it is hashed, and how statements are counted.
//!
//! This file depends on `std` alone: `embed_migrations!` (the `quarry-migrate-macros`
//! crate) compiles it too, so that a folder embedded at build time and one read at run
//! time (the `quarry` CLI) follow the very same rules.

use std::fmt;
use std::path::{Path, PathBuf};

/// The header comment, on the first line of `up.sql`, that runs a migration outside a
/// transaction.
pub const NO_TRANSACTION_HEADER: &str = "-- quarry: no-transaction";

/// A migration folder found on disk, before its files are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundMigration {
    /// The version: the folder name before the first `_` (digits, `-` allowed).
    pub version: String,
    /// The name: the folder name after the first `_`.
    pub name: String,
    /// The path of `up.sql`.
    pub up: PathBuf,
    /// The path of `down.sql`, when there is one.
    pub down: Option<PathBuf>,
}

/// Why a migrations folder cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderError {
    /// The file or folder at fault.
    pub path: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for FolderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

fn folder_error(path: &Path, message: impl Into<String>) -> FolderError {
    FolderError {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// The version's order: its digits as a number (`2024-01-02-120000` is 20240102120000).
pub fn version_order(version: &str) -> Option<u64> {
    let digits: String = version.chars().filter(|c| *c != '-').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Splits a folder name `<version>_<name>` into its parts.
pub fn parse_folder_name(folder: &str) -> Result<(String, String), String> {
    let Some((version, name)) = folder.split_once('_') else {
        return Err(format!(
            "a migration folder is named `<version>_<name>` (e.g. `0001_create_users`), \
             found `{folder}`"
        ));
    };
    if version_order(version).is_none() {
        return Err(format!(
            "a migration folder is named `<version>_<name>` (e.g. `0001_create_users`), \
             and the version `{version}` of `{folder}` is not a number (digits and `-` only, \
             at most 19 digits)"
        ));
    }
    if name.is_empty() {
        return Err(format!(
            "the migration folder `{folder}` has no name after `_`"
        ));
    }
    Ok((version.to_owned(), name.to_owned()))
}

/// The migrations in `dir`, in version order. Files and hidden entries beside the
/// folders (a `README`, `.keep`) are ignored.
pub fn find_migrations(dir: &Path) -> Result<Vec<FoundMigration>, FolderError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| folder_error(dir, format!("cannot read the migrations folder: {e}")))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| folder_error(dir, format!("cannot read it: {e}")))?;
        let path = entry.path();
        let file_name = entry.file_name();
        let Some(folder) = file_name.to_str() else {
            return Err(folder_error(&path, "the folder name is not valid UTF-8"));
        };
        if folder.starts_with('.') || !path.is_dir() {
            continue;
        }
        let (version, name) = parse_folder_name(folder).map_err(|m| folder_error(&path, m))?;
        let up = path.join("up.sql");
        if !up.is_file() {
            return Err(folder_error(&path, "the migration has no `up.sql`"));
        }
        let down = path.join("down.sql");
        found.push(FoundMigration {
            version,
            name,
            up,
            down: down.is_file().then_some(down),
        });
    }
    found.sort_by_key(|m| version_order(&m.version));
    for pair in found.windows(2) {
        if version_order(&pair[0].version) == version_order(&pair[1].version) {
            return Err(folder_error(
                dir,
                format!(
                    "two migrations have the version {}: `{}_{}` and `{}_{}`",
                    pair[1].version, pair[0].version, pair[0].name, pair[1].version, pair[1].name
                ),
            ));
        }
    }
    Ok(found)
}

/// Reads a migration file as text.
pub fn read_sql(path: &Path) -> Result<String, FolderError> {
    let bytes =
        std::fs::read(path).map_err(|e| folder_error(path, format!("cannot read it: {e}")))?;
    String::from_utf8(bytes).map_err(|_| folder_error(path, "the file is not valid UTF-8"))
}

/// The text a checksum is taken over: without a byte order mark, with `\n` line ends,
/// without blanks at the end of lines and without blank lines at the end. A checkout
/// that turned LF into CRLF hashes the same; an edit to the SQL does not.
pub fn normalize(sql: &str) -> String {
    let sql = sql.strip_prefix('\u{feff}').unwrap_or(sql);
    let mut out = String::with_capacity(sql.len());
    for line in sql.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out
}

/// Whether `up.sql` asks to run outside a transaction: its first line is
/// [`NO_TRANSACTION_HEADER`].
pub fn wants_no_transaction(up_sql: &str) -> bool {
    let sql = up_sql.strip_prefix('\u{feff}').unwrap_or(up_sql);
    sql.lines()
        .next()
        .is_some_and(|first| first.trim().eq_ignore_ascii_case(NO_TRANSACTION_HEADER))
}

/// The number of SQL statements in `sql`: the `;`-separated pieces that hold more than
/// blanks and comments. Quotes (`'…'`, `"…"`), comments (`--`, `/* … */`) and
/// PostgreSQL's dollar quotes (`$tag$ … $tag$`) are skipped over, so a `;` inside them
/// does not count. A SQLite trigger's `BEGIN … END` body is not: its `;`s count, so such
/// a trigger belongs in a migration that runs in a transaction.
pub fn count_statements(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut count = 0;
    let mut has_code = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
            quote @ (b'\'' | b'"') => {
                has_code = true;
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
            }
            b'$' => {
                has_code = true;
                // `$tag$` opens a dollar quote; `$1` is a parameter.
                let tag_end = bytes[i + 1..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                    .map(|n| i + 1 + n);
                match tag_end {
                    Some(end)
                        if bytes[end] == b'$'
                            && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) =>
                    {
                        let tag = &sql[i..=end];
                        match sql[end + 1..].find(tag) {
                            Some(close) => i = end + 1 + close + tag.len(),
                            None => i = bytes.len(),
                        }
                        continue;
                    }
                    _ => {}
                }
            }
            b';' => {
                if has_code {
                    count += 1;
                }
                has_code = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ => has_code = true,
        }
        i += 1;
    }
    if has_code {
        count += 1;
    }
    count
}

/// Checks the rule of a `no-transaction` migration: exactly one statement. `None` when
/// the migration runs in a transaction or follows the rule; otherwise what is wrong.
pub fn check_no_transaction(up_sql: &str) -> Option<String> {
    if !wants_no_transaction(up_sql) {
        return None;
    }
    match count_statements(up_sql) {
        1 => None,
        n => Some(format!(
            "it is marked `{NO_TRANSACTION_HEADER}`, so it runs outside a transaction and \
             must be exactly one statement, but it has {n} statements"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_ignores_line_ends_bom_and_trailing_blanks_only() {
        let lf = "CREATE TABLE t (x INT);\n\nINSERT INTO t VALUES (1);\n";
        let crlf = "\u{feff}CREATE TABLE t (x INT);  \r\n\r\nINSERT INTO t VALUES (1);\r\n\r\n";
        assert_eq!(normalize(lf), normalize(crlf));
        assert_eq!(
            normalize(lf),
            "CREATE TABLE t (x INT);\n\nINSERT INTO t VALUES (1);"
        );
        assert_ne!(normalize(lf), normalize(&lf.replace("(1)", "(2)")));
        assert_ne!(normalize(lf), normalize(&lf.replace("t (x", "t  (x")));
    }

    #[test]
    fn statements_are_counted_outside_quotes_and_comments() {
        assert_eq!(count_statements(""), 0);
        assert_eq!(count_statements("-- only a comment\n"), 0);
        assert_eq!(count_statements("SELECT 1"), 1);
        assert_eq!(count_statements("SELECT 1;\n-- done\n"), 1);
        assert_eq!(count_statements("SELECT 1; SELECT 2;"), 2);
        assert_eq!(count_statements("SELECT ';' ; /* ; */ SELECT \"a;b\""), 2);
        assert_eq!(
            count_statements(
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;"
            ),
            1
        );
        assert_eq!(count_statements("SELECT $1; SELECT $$;$$"), 2);
    }

    #[test]
    fn the_no_transaction_header_allows_one_statement() {
        let one = "-- quarry: no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\n";
        assert!(wants_no_transaction(one));
        assert_eq!(check_no_transaction(one), None);
        let two = format!("{one}CREATE INDEX CONCURRENTLY j ON t (y);");
        assert!(check_no_transaction(&two).is_some_and(|m| m.contains("has 2 statements")));
        assert!(!wants_no_transaction("CREATE TABLE t (x INT);"));
    }

    #[test]
    fn folder_names_give_version_and_name() {
        assert_eq!(
            parse_folder_name("0001_create_users"),
            Ok(("0001".to_owned(), "create_users".to_owned()))
        );
        assert_eq!(version_order("2024-01-02-120000"), Some(20240102120000));
        assert!(parse_folder_name("create_users").is_err());
        assert!(parse_folder_name("0001").is_err());
        assert!(parse_folder_name("0001_").is_err());
    }
}
