//! Where the database and the migrations are: the command line and the environment
//! first, then an optional `quarry.toml`:
//!
//! ```toml
//! [database]
//! url = "sqlite:app.db"     # or "postgres://user@localhost/app"
//!
//! [migrations]
//! dir = "db/migrations"     # relative to this file; default "migrations"
//! ```

use crate::Failure;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What a command runs on.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    /// `--database-url`, `DATABASE_URL` or `[database] url`.
    pub(crate) database_url: Option<String>,
    /// `--migrations-dir`, `QUARRY_MIGRATIONS_DIR`, `[migrations] dir` or `migrations`.
    pub(crate) migrations_dir: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    database: Option<DatabaseTable>,
    migrations: Option<MigrationsTable>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatabaseTable {
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MigrationsTable {
    dir: Option<PathBuf>,
}

impl Settings {
    /// The settings from the command line (`url`, `dir`) and the configuration file
    /// (`config`, or `quarry.toml` when it exists).
    pub(crate) fn resolve(
        url: Option<String>,
        dir: Option<PathBuf>,
        config: Option<&Path>,
    ) -> Result<Settings, Failure> {
        let default = Path::new("quarry.toml");
        let path = match config {
            Some(path) => Some(path),
            None => default.is_file().then_some(default),
        };
        let file = match path {
            Some(path) => read(path)?,
            None => File::default(),
        };
        let base = path.and_then(Path::parent).unwrap_or(Path::new(""));
        Ok(Settings {
            database_url: url.or_else(|| file.database.and_then(|d| d.url)),
            migrations_dir: dir.unwrap_or_else(|| match file.migrations.and_then(|m| m.dir) {
                Some(dir) => base.join(dir),
                None => PathBuf::from("migrations"),
            }),
        })
    }
}

fn read(path: &Path) -> Result<File, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_over_the_file() {
        let dir = std::env::temp_dir().join(format!("quarry-cli-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("quarry.toml");
        std::fs::write(
            &path,
            "[database]\nurl = \"sqlite:a.db\"\n[migrations]\ndir = \"db/m\"\n",
        )
        .unwrap();
        let from_file = Settings::resolve(None, None, Some(&path)).unwrap();
        assert_eq!(from_file.database_url.as_deref(), Some("sqlite:a.db"));
        assert_eq!(from_file.migrations_dir, dir.join("db/m"));
        let given =
            Settings::resolve(Some("sqlite:b.db".into()), Some("x".into()), Some(&path)).unwrap();
        assert_eq!(given.database_url.as_deref(), Some("sqlite:b.db"));
        assert_eq!(given.migrations_dir, PathBuf::from("x"));

        std::fs::write(&path, "[database]\nurls = \"sqlite:a.db\"\n").unwrap();
        let bad = Settings::resolve(None, None, Some(&path));
        assert!(matches!(bad, Err(Failure::Usage(m)) if m.contains("urls")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
