//! `quarry`, the command line of the quarry library: create a database, write and run
//! its migrations, print its schema as `table!` declarations, and compare it with them.
//!
//! ```text
//! quarry setup                        create the database and the migrations folder, run them
//! quarry migration generate NAME      a new migration folder with up.sql and down.sql
//! quarry migration run                apply the pending migrations
//! quarry migration revert             revert the last applied migration
//! quarry migration redo               revert the last one and apply it again
//! quarry migration status             each migration and where it stands
//! quarry migration rehash VERSION     accept a deliberate edit of an applied migration
//! quarry print-schema                 the live database as table! declarations
//! quarry diff NAME                    the migration from the database to src/schema.rs
//! quarry check                        exit 1 unless the database is as src/schema.rs says
//! ```
//!
//! The database is `--database-url` or `DATABASE_URL`: a `postgres://` URL, or a SQLite
//! file (a path, `sqlite:path` or `sqlite://path`); an optional `quarry.toml` can give it
//! and the migrations folder instead (see the `config` module). Exit codes: 0 on success, 1 when the
//! command failed (a database error, a failed or edited migration), 2 for a usage or
//! configuration error (a bad argument, no database URL, a malformed migrations folder).

mod commands;
mod config;
mod database;
mod declarations;
mod print_schema;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The quarry command line: migrations, print-schema, diff and check, for PostgreSQL and
/// SQLite.
#[derive(Debug, Parser)]
#[command(name = "quarry", version, about, long_about = None)]
struct Cli {
    /// The database: a `postgres://` URL, or a SQLite file (a path, `sqlite:PATH` or
    /// `sqlite://PATH`). Without it, `url` in the `[database]` table of quarry.toml.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    /// The migrations folder: one `<version>_<name>` folder per migration, each with an
    /// `up.sql` and a `down.sql`. Without it, `dir` in the `[migrations]` table of
    /// quarry.toml (relative to that file), else `migrations`.
    #[arg(long, global = true, env = "QUARRY_MIGRATIONS_DIR")]
    migrations_dir: Option<PathBuf>,

    /// The configuration file; by default `quarry.toml` in the current folder, when
    /// there is one.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Creates the database if it does not exist (a SQLite file, or a PostgreSQL
    /// database on the server), the migrations folder and the tracking table, then runs
    /// the pending migrations.
    Setup,
    /// Writes, runs and reverts migrations.
    #[command(subcommand)]
    Migration(MigrationCommand),
    /// Prints the tables of the database as `table!` declarations: column types,
    /// nullability, primary keys, `= default` for columns with a default and
    /// `references` for single-column foreign keys.
    PrintSchema {
        /// Only these tables (all tables when none is given).
        #[arg(long = "table", value_name = "TABLE")]
        tables: Vec<String>,
    },
    /// Compares the `table!` declarations of a Rust file with the database and writes
    /// the migration between them (`up.sql` makes the database as declared, `down.sql`
    /// takes it back). A type change is altered in place, never dropped and added
    /// again; renames are never guessed; tables and columns that only the database has
    /// are dropped only with `--destructive`. What cannot be written is reported.
    Diff {
        /// What the migration does, in snake_case: `add_posts`.
        name: String,
        /// The Rust file with the `table!` declarations.
        #[arg(long, value_name = "PATH", default_value = "src/schema.rs")]
        schema: PathBuf,
        /// Also drop the tables and columns that are not declared.
        #[arg(long)]
        destructive: bool,
        /// The version (digits); by default the current UTC time, `YYYYMMDDHHMMSS`.
        #[arg(long)]
        version: Option<String>,
    },
    /// Exits with 1, listing the differences, when the database is not as the
    /// `table!` declarations of a Rust file say (for CI); with 0 when it is.
    Check {
        /// The Rust file with the `table!` declarations.
        #[arg(long, value_name = "PATH", default_value = "src/schema.rs")]
        schema: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum MigrationCommand {
    /// Creates `<migrations-dir>/<version>_<NAME>/` with an empty `up.sql` and `down.sql`.
    Generate {
        /// What the migration does, in snake_case: `create_users`.
        name: String,
        /// The version (digits); by default the current UTC time, `YYYYMMDDHHMMSS`.
        #[arg(long)]
        version: Option<String>,
    },
    /// Applies every pending migration, in version order, each in its own transaction.
    Run,
    /// Reverts the most recently applied migration with its `down.sql`.
    Revert,
    /// Reverts the most recently applied migration and applies it again.
    Redo,
    /// Lists each migration: pending, applied, failed, edited since it was applied, or
    /// applied but missing from the folder. Exits with 1 when one failed or was edited.
    Status,
    /// Records the current text of an applied migration as the one it was applied with,
    /// after a deliberate edit (nothing is run).
    Rehash {
        /// The migration's version.
        version: String,
    },
}

/// Why a command failed, and so the exit code.
#[derive(Debug)]
enum Failure {
    /// A usage or configuration error: exit code 2.
    Usage(String),
    /// The command ran and failed: exit code 1.
    Failed(String),
}

impl From<quarry::Error> for Failure {
    fn from(e: quarry::Error) -> Self {
        match &e {
            quarry::Error::Migration(m)
                if matches!(
                    **m,
                    quarry::migrate::MigrationError::Folder { .. }
                        | quarry::migrate::MigrationError::Invalid { .. }
                ) =>
            {
                Failure::Usage(e.to_string())
            }
            _ => Failure::Failed(e.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
