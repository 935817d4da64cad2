//! The database a command runs on: which backend a URL names, and a connection to it.

use crate::Failure;
use quarry::conn::Connection;
use quarry::prelude::*;

/// Where the database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A PostgreSQL URL, as given.
    Pg(String),
    /// A SQLite file's path.
    Sqlite(String),
}

impl Target {
    /// Reads `--database-url` / `DATABASE_URL`.
    pub(crate) fn parse(url: Option<&str>) -> Result<Target, Failure> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Err(Failure::Usage(
                "no database given: pass --database-url, set DATABASE_URL or write `url` in the \
                 `[database]` table of quarry.toml (a postgres:// URL, or a SQLite file such as \
                 `sqlite:app.db`)"
                    .to_owned(),
            ));
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Pg(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(Failure::Usage(format!(
                "the SQLite URL `{url}` names no file"
            )));
        }
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(Failure::Usage(format!(
                "unsupported database URL scheme `{scheme}://`: use postgres:// or a SQLite file"
            )));
        }
        Ok(Target::Sqlite(path.to_owned()))
    }
}

/// A connection to either backend.
pub(crate) enum AnyConnection {
    Pg(Box<PgConnection>),
    Sqlite(Box<SqliteConnection>),
}

/// Runs `$body` with `$conn` bound to the connection, whichever backend it is.
macro_rules! with_connection {
    ($any:expr, $conn:ident => $body:expr) => {
        match $any {
            $crate::database::AnyConnection::Pg($conn) => {
                let $conn = &mut **$conn;
                $body
            }
            $crate::database::AnyConnection::Sqlite($conn) => {
                let $conn = &mut **$conn;
                $body
            }
        }
    };
}
pub(crate) use with_connection;

impl AnyConnection {
    /// Opens the database. A SQLite file must exist, except for `setup`.
    pub(crate) fn open(target: &Target, create: bool) -> Result<AnyConnection, Failure> {
        match target {
            Target::Pg(url) => Ok(AnyConnection::Pg(Box::new(
                PgConnection::establish(url).map_err(|e| Failure::Failed(e.to_string()))?,
            ))),
            Target::Sqlite(path) => {
                if !create && path != ":memory:" && !std::path::Path::new(path).exists() {
                    return Err(Failure::Usage(format!(
                        "the SQLite database `{path}` does not exist (`quarry setup` creates it)"
                    )));
                }
                Ok(AnyConnection::Sqlite(Box::new(
                    SqliteConnection::establish(path)
                        .map_err(|e| Failure::Failed(e.to_string()))?,
                )))
            }
        }
    }
}

/// The URL of the server's `postgres` database, and the name of the database that `url`
/// names: what `setup` needs to create a missing database.
pub(crate) fn pg_maintenance_url(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let (authority, path) = rest.split_once('/')?;
    let (database, query) = match path.split_once('?') {
        Some((database, query)) => (database, Some(query)),
        None => (path, None),
    };
    if database.is_empty() || database == "postgres" {
        return None;
    }
    let mut maintenance = format!("{scheme}://{authority}/postgres");
    if let Some(query) = query {
        maintenance.push('?');
        maintenance.push_str(query);
    }
    Some((maintenance, percent_decode(database)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(byte) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        let pg = "postgres://u@localhost:5432/app";
        assert_eq!(Target::parse(Some(pg)).unwrap(), Target::Pg(pg.to_owned()));
        for sqlite in ["app.db", "sqlite:app.db", "sqlite://app.db"] {
            assert_eq!(
                Target::parse(Some(sqlite)).unwrap(),
                Target::Sqlite("app.db".to_owned())
            );
        }
        assert!(matches!(Target::parse(None), Err(Failure::Usage(_))));
        assert!(
            matches!(Target::parse(Some("mysql://x/y")), Err(Failure::Usage(m)) if m.contains("mysql"))
        );
    }

    #[test]
    fn the_maintenance_database_replaces_the_one_to_create() {
        assert_eq!(
            pg_maintenance_url("postgres://u@h:1/my%20app?sslmode=disable"),
            Some((
                "postgres://u@h:1/postgres?sslmode=disable".to_owned(),
                "my app".to_owned()
            ))
        );
        assert_eq!(pg_maintenance_url("postgres://u@h:1/postgres"), None);
    }
}
