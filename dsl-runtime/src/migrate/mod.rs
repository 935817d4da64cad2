//! Migrations: versioned SQL scripts, applied once each and recorded in the database.
//!
//! A migrations folder holds one sub-folder per migration, named
//! `<version>_<name>` (`0001_create_users`, `2024-05-01-120000_add_posts`), with an
//! `up.sql` that applies it and, optionally, a `down.sql` that reverts it.
//! [`embed_migrations!`](crate::embed_migrations) compiles the folder into the program;
//! [`Migrations::from_dir`] reads it at run time (the `quarry` CLI does).
//!
//! ```
//! use quarry::prelude::*;
//! use quarry::migrate::{Migration, Migrations, MigrationState};
//!
//! let migrations = Migrations::new(vec![
//!     Migration::new("1", "create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
//!         Some("DROP TABLE users;".to_owned()))?,
//!     Migration::new("2", "add_email", "ALTER TABLE users ADD COLUMN email TEXT;",
//!         Some("ALTER TABLE users DROP COLUMN email;".to_owned()))?,
//! ])?;
//!
//! let mut conn = SqliteConnection::establish(":memory:")?;
//! assert_eq!(migrations.run_pending(&mut conn)?.len(), 2);
//! assert!(migrations.run_pending(&mut conn)?.is_empty()); // nothing left to do
//!
//! let last = migrations.revert_last(&mut conn)?;
//! assert_eq!(last.as_ref().map(|m| m.name()), Some("add_email"));
//! let status = migrations.status(&mut conn)?;
//! assert!(matches!(status[0].state, MigrationState::Applied { .. }));
//! assert_eq!(status[1].state, MigrationState::Pending);
//! # Ok::<(), quarry::Error>(())
//! ```
//!
//! What the runner guarantees:
//!
//! - **One transaction per migration**, holding its SQL and its row in the tracking
//!   table `quarry_migrations`: a migration that fails leaves nothing behind, is
//!   recorded as failed (see [`Migrations::status`]) and stops the run. A script whose
//!   first line is `-- quarry: no-transaction` runs outside a transaction
//!   (`CREATE INDEX CONCURRENTLY` on PostgreSQL); it must be exactly one statement,
//!   which `embed_migrations!` checks when it compiles.
//! - **Checksums over normalized text**: SHA-256 of `up.sql` without a byte order mark,
//!   with LF line ends, without trailing blanks. A CRLF checkout runs as applied; an
//!   edit to an applied migration is refused with [`MigrationError::Edited`], which
//!   shows the lines that changed, until it is undone or [`Migrations::rehash`]ed.
//! - **Concurrent runners** apply each migration once: on PostgreSQL a session advisory
//!   lock keyed on the current schema, held for the run, after which the applied set is
//!   read again; on SQLite each migration's `BEGIN IMMEDIATE` transaction first checks
//!   that it is still pending. On SQLite, a `no-transaction` script has no lock around
//!   it: run those from one process.

mod checksum;
mod connection;
mod error;
mod migration;
mod run;
#[allow(unreachable_pub, dead_code)] // shared with `embed_migrations!`, which uses part of it
mod source;
mod status;
mod tracking;

pub use connection::MigrationConnection;
pub use error::MigrationError;
pub use migration::{Migration, Migrations};
pub use source::NO_TRANSACTION_HEADER;
pub use status::{AppliedMigration, MigrationState, MigrationStatus};
