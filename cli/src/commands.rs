//! What each command does.

use crate::database::{AnyConnection, Target, pg_maintenance_url, with_connection};
use crate::{Cli, Command, Failure, MigrationCommand, print_schema};
use quarry::conn::Connection;
use quarry::migrate::{MigrationState, Migrations};
use quarry::prelude::*;
use std::path::Path;

pub(crate) fn run(cli: Cli) -> Result<(), Failure> {
    let settings = crate::config::Settings::resolve(
        cli.database_url,
        cli.migrations_dir,
        cli.config.as_deref(),
    )?;
    let dir = settings.migrations_dir.as_path();
    let url = settings.database_url.as_deref();
    // The migrations and a connection, for the commands that run them.
    let open = || -> Result<(Migrations, AnyConnection), Failure> {
        let target = Target::parse(url)?;
        let migrations = load(dir)?;
        Ok((migrations, AnyConnection::open(&target, false)?))
    };
    match cli.command {
        Command::Setup => setup(&Target::parse(url)?, dir),
        Command::Migration(MigrationCommand::Generate { name, version }) => {
            generate(dir, &name, version)
        }
        Command::Migration(MigrationCommand::Run) => {
            let (migrations, mut conn) = open()?;
            with_connection!(&mut conn, c => run_pending(&migrations, c))
        }
        Command::Migration(MigrationCommand::Revert) => {
            let (migrations, mut conn) = open()?;
            let reverted = with_connection!(&mut conn, c => migrations.revert_last(c))?;
            match reverted {
                Some(m) => println!("Reverted {}_{}", m.version(), m.name()),
                None => println!("No migration is applied; nothing to revert"),
            }
            Ok(())
        }
        Command::Migration(MigrationCommand::Redo) => {
            let (migrations, mut conn) = open()?;
            let redone = with_connection!(&mut conn, c => migrations.redo_last(c))?;
            match redone {
                Some(m) => println!("Redid {}_{} (down, then up)", m.version(), m.name()),
                None => println!("No migration is applied; nothing to redo"),
            }
            Ok(())
        }
        Command::Migration(MigrationCommand::Status) => {
            let (migrations, mut conn) = open()?;
            with_connection!(&mut conn, c => status(&migrations, c))
        }
        Command::Migration(MigrationCommand::Rehash { version }) => {
            let (migrations, mut conn) = open()?;
            with_connection!(&mut conn, c => migrations.rehash(c, &version))?;
            println!("Recorded the current text of migration {version} as applied");
            Ok(())
        }
        Command::Diff {
            name,
            schema,
            destructive,
            version,
        } => {
            let found = schema_diff(url, &schema, destructive)?;
            for line in &found.unresolved {
                eprintln!("note: {line}");
            }
            if found.up.is_empty() {
                println!(
                    "The database is as declared in {}; no migration written",
                    schema.display()
                );
                return Ok(());
            }
            let up = statements(&found.up);
            let down = statements(&found.down);
            write_migration(dir, &name, version, &up, &down)
        }
        Command::Check { schema } => {
            let found = schema_diff(url, &schema, true)?;
            if found.is_empty() {
                println!("The database is as declared in {}", schema.display());
                return Ok(());
            }
            let mut lines = Vec::new();
            lines.extend(found.up.iter().map(|sql| format!("  {sql};")));
            lines.extend(found.unresolved.iter().map(|note| format!("  {note}")));
            Err(Failure::Failed(format!(
                "the database differs from the declarations in {}; to make it as declared:\n{}",
                schema.display(),
                lines.join("\n")
            )))
        }
        Command::PrintSchema { tables } => {
            let mut conn = AnyConnection::open(&Target::parse(url)?, false)?;
            let schema = match &mut conn {
                AnyConnection::Pg(c) => print_schema::pg(c, &tables)?,
                AnyConnection::Sqlite(c) => print_schema::sqlite(c, &tables)?,
            };
            print!("{}", print_schema::render(&schema));
            Ok(())
        }
    }
}

/// The migrations folder, read and checked.
fn load(dir: &Path) -> Result<Migrations, Failure> {
    if !dir.is_dir() {
        return Err(Failure::Usage(format!(
            "there is no migrations folder `{}` (pass --migrations-dir, or run `quarry setup`)",
            dir.display()
        )));
    }
    Ok(Migrations::from_dir(dir)?)
}

fn run_pending<C: quarry::migrate::MigrationConnection>(
    migrations: &Migrations,
    conn: &mut C,
) -> Result<(), Failure> {
    // Each line as its migration commits, so that a long run shows its progress.
    let ran = migrations.run_pending_with(conn, |m, _| {
        println!("Applied {}_{}", m.version(), m.name());
    })?;
    if ran.is_empty() {
        println!("No pending migration; the database is up to date");
    }
    Ok(())
}

fn status<C: quarry::migrate::MigrationConnection>(
    migrations: &Migrations,
    conn: &mut C,
) -> Result<(), Failure> {
    let lines = migrations.status(conn)?;
    if lines.is_empty() {
        println!("No migration in the folder, none applied");
    }
    let width = lines
        .iter()
        .map(|l| l.version.len() + l.name.len() + 1)
        .max()
        .unwrap_or(0);
    let mut trouble = 0;
    for line in &lines {
        let label = format!("{}_{}", line.version, line.name);
        match &line.state {
            MigrationState::Pending => println!("{label:width$}  pending"),
            MigrationState::Applied { applied_at, .. } => {
                println!("{label:width$}  applied  {applied_at}")
            }
            MigrationState::Edited { applied_at, diff } => {
                trouble += 1;
                println!("{label:width$}  EDITED   applied {applied_at}, changed since:");
                for diff_line in diff.lines() {
                    println!("    {diff_line}");
                }
            }
            MigrationState::Failed { failed_at, error } => {
                trouble += 1;
                println!("{label:width$}  FAILED   {failed_at}: {error}");
            }
            MigrationState::Unknown { applied_at } => {
                println!("{label:width$}  applied  {applied_at}, but not in the migrations folder")
            }
            _ => println!("{label:width$}  {:?}", line.state),
        }
    }
    if trouble > 0 {
        return Err(Failure::Failed(format!(
            "{trouble} migration(s) failed or were edited after they were applied"
        )));
    }
    Ok(())
}

fn setup(target: &Target, dir: &Path) -> Result<(), Failure> {
    if let Target::Pg(url) = target {
        create_pg_database(url)?;
    }
    if let Target::Sqlite(path) = target {
        if !Path::new(path).exists() {
            println!("Creating the SQLite database {path}");
        }
    }
    if !dir.exists() {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::Failed(format!(
                "cannot create the migrations folder {}: {e}",
                dir.display()
            ))
        })?;
        println!("Created the migrations folder {}", dir.display());
    }
    let migrations = load(dir)?;
    let mut conn = AnyConnection::open(target, true)?;
    with_connection!(&mut conn, c => run_pending(&migrations, c))
}

/// Creates the database that `url` names when the server does not have it.
fn create_pg_database(url: &str) -> Result<(), Failure> {
    let first = match PgConnection::establish(url) {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    let Some((maintenance, name)) = pg_maintenance_url(url) else {
        return Err(Failure::Failed(first.to_string()));
    };
    if !first.to_string().contains("does not exist") {
        return Err(Failure::Failed(first.to_string()));
    }
    let mut conn = PgConnection::establish(&maintenance).map_err(|e| {
        Failure::Failed(format!(
            "cannot connect to the server's `postgres` database to create `{name}`: {e}"
        ))
    })?;
    println!("Creating the PostgreSQL database {name}");
    conn.batch_execute(&format!(
        "CREATE DATABASE \"{}\"",
        name.replace('"', "\"\"")
    ))?;
    Ok(())
}

fn generate(dir: &Path, name: &str, version: Option<String>) -> Result<(), Failure> {
    write_migration(
        dir,
        name,
        version,
        &format!("-- {name}: the SQL that applies this migration.\n"),
        &format!("-- {name}: the SQL that reverts up.sql.\n"),
    )
}

/// The migration from the database to the declarations in `schema`.
fn schema_diff(
    url: Option<&str>,
    schema: &Path,
    destructive: bool,
) -> Result<quarry::schema::SchemaDiff, Failure> {
    let declared = crate::declarations::read(schema)?;
    let mut conn = AnyConnection::open(&Target::parse(url)?, false)?;
    let found = match &mut conn {
        AnyConnection::Pg(c) => {
            let current = declarations_of(&print_schema::pg(c, &[])?);
            quarry::schema::diff::<quarry::backend::pg::Pg>(&current, &declared, destructive)
        }
        AnyConnection::Sqlite(c) => {
            let current = declarations_of(&print_schema::sqlite(c, &[])?);
            quarry::schema::diff::<quarry::backend::sqlite::Sqlite>(
                &current,
                &declared,
                destructive,
            )
        }
    };
    Ok(found?)
}

fn declarations_of(tables: &[print_schema::Table]) -> Vec<quarry::schema::TableDeclaration> {
    tables.iter().map(|t| t.declaration(tables)).collect()
}

/// Statements as a migration file holds them: one per line, each ended by `;`.
fn statements(sql: &[String]) -> String {
    let mut text: String = sql.iter().map(|s| format!("{s};\n")).collect();
    if text.is_empty() {
        text.push_str("-- nothing to revert\n");
    }
    text
}

/// Writes `<dir>/<version>_<name>/{up.sql, down.sql}`.
fn write_migration(
    dir: &Path,
    name: &str,
    version: Option<String>,
    up: &str,
    down: &str,
) -> Result<(), Failure> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Failure::Usage(format!(
            "the migration name `{name}` must be letters, digits and `_` (e.g. `create_users`)"
        )));
    }
    let version = version.unwrap_or_else(utc_timestamp);
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) {
        return Err(Failure::Usage(format!(
            "the version `{version}` must be digits"
        )));
    }
    if dir.is_dir() {
        let existing = Migrations::from_dir(dir)?;
        if let Some(m) = existing.iter().find(|m| m.version() == version) {
            return Err(Failure::Usage(format!(
                "the version {version} is taken by {}_{}",
                m.version(),
                m.name()
            )));
        }
    }
    let folder = dir.join(format!("{version}_{name}"));
    std::fs::create_dir_all(&folder)
        .map_err(|e| Failure::Failed(format!("cannot create {}: {e}", folder.display())))?;
    for (file, text) in [("up.sql", up), ("down.sql", down)] {
        let path = folder.join(file);
        std::fs::write(&path, text)
            .map_err(|e| Failure::Failed(format!("cannot write {}: {e}", path.display())))?;
        println!("Created {}", path.display());
    }
    Ok(())
}

/// The current UTC time as `YYYYMMDDHHMMSS`.
fn utc_timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(utc_timestamp().len(), 14);
    }
}
