//! Running migrations: [`Migrations::run_pending`], [`revert_last`](Migrations::revert_last),
//! [`redo_last`](Migrations::redo_last) and [`rehash`](Migrations::rehash).
//!
//! Each migration runs in its own transaction together with its row in the tracking
//! table, so it is applied with its bookkeeping or not at all. A script marked
//! `-- quarry: no-transaction` (one statement, checked when it is loaded) runs on its
//! own, and its row is written once it has succeeded.

use super::checksum::{checksum, line_diff};
use super::connection::MigrationConnection;
use super::error::MigrationError;
use super::migration::{Migration, Migrations};
use super::source::normalize;
use super::tracking::{self, APPLIED, FAILED, NewRecord, Record};
use crate::error::{Error, QueryResult};
use std::time::{Duration, Instant};

/// Why a migration's transaction failed: its own SQL, or quarry's bookkeeping.
enum Failure {
    Sql(Error),
    Other(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Other(e)
    }
}

impl Migrations {
    /// Applies every migration the database has not applied yet, in version order, and
    /// returns those this call applied (copies, so that a `const` set can be used: an
    /// embedded migration's copy borrows its `'static` text).
    ///
    /// Applied migrations are first checked against the tracking table: one whose
    /// `up.sql` was edited since it ran is refused with [`MigrationError::Edited`],
    /// before anything runs. A migration that fails is rolled back, recorded as failed
    /// and returned as [`MigrationError::Failed`]; the ones after it do not run.
    ///
    /// Several processes may run this at once against one database: each migration is
    /// applied exactly once (a PostgreSQL advisory lock keyed on the current schema;
    /// `BEGIN IMMEDIATE` transactions on SQLite).
    pub fn run_pending<C: MigrationConnection>(&self, conn: &mut C) -> QueryResult<Vec<Migration>> {
        self.run_pending_with(conn, |_, _| {})
    }

    /// [`run_pending`](Self::run_pending), calling `applied` with each migration as soon
    /// as it is committed, and how long its SQL took: to show progress.
    ///
    /// ```
    /// # use quarry::prelude::*;
    /// # use quarry::migrate::{Migration, Migrations};
    /// let migrations = Migrations::new(vec![
    ///     Migration::new("1", "create_tags", "CREATE TABLE tags (name TEXT PRIMARY KEY);", None)?,
    /// ])?;
    /// let mut conn = SqliteConnection::establish(":memory:")?;
    /// let mut log = Vec::new();
    /// migrations.run_pending_with(&mut conn, |m, took| log.push(format!("{} in {took:?}", m.name())))?;
    /// assert!(log[0].starts_with("create_tags in "));
    /// # Ok::<(), quarry::Error>(())
    /// ```
    pub fn run_pending_with<C, F>(
        &self,
        conn: &mut C,
        mut applied: F,
    ) -> QueryResult<Vec<Migration>>
    where
        C: MigrationConnection,
        F: FnMut(&Migration, Duration),
    {
        locked(conn, |conn| {
            let records = prepare(conn)?;
            for record in records.iter().filter(|r| r.state == APPLIED) {
                if let Some(m) = self.get(&record.version) {
                    check_unchanged(m, record)?;
                }
            }
            let mut ran = Vec::new();
            for m in self {
                let done = records
                    .iter()
                    .any(|r| r.version == m.version() && r.state == APPLIED);
                if done {
                    continue;
                }
                if let Some(took) = apply(conn, m)? {
                    applied(m, took);
                    ran.push(m.clone());
                }
            }
            Ok(ran)
        })
    }

    /// Reverts the most recent migration the database has applied (the highest
    /// version), with its `down.sql`, and returns it; `None` when none is applied.
    pub fn revert_last<C: MigrationConnection>(
        &self,
        conn: &mut C,
    ) -> QueryResult<Option<Migration>> {
        locked(conn, |conn| {
            let Some(m) = self.last_applied(conn)? else {
                return Ok(None);
            };
            revert(conn, m)?;
            Ok(Some(m.clone()))
        })
    }

    /// Reverts the most recent migration and applies it again (to try an edited
    /// `down.sql` or `up.sql` while writing it); `None` when none is applied.
    pub fn redo_last<C: MigrationConnection>(
        &self,
        conn: &mut C,
    ) -> QueryResult<Option<Migration>> {
        locked(conn, |conn| {
            let Some(m) = self.last_applied(conn)? else {
                return Ok(None);
            };
            revert(conn, m)?;
            apply(conn, m)?;
            Ok(Some(m.clone()))
        })
    }

    /// Records the current text of an applied migration as the one it was applied with,
    /// so that [`run_pending`](Self::run_pending) accepts it again after a deliberate
    /// edit (a comment, a fix that the database already has). Nothing is run.
    pub fn rehash<C: MigrationConnection>(&self, conn: &mut C, version: &str) -> QueryResult<()> {
        let Some(m) = self.get(version) else {
            return Err(MigrationError::NoSuchVersion {
                version: version.to_owned(),
            }
            .into());
        };
        prepare(conn)?;
        let changed = conn.write_transaction(|conn| {
            tracking::rehash(conn, version, &m.checksum(), &normalize(m.up_sql()))
        })?;
        if changed == 0 {
            return Err(MigrationError::NotApplied {
                version: version.to_owned(),
            }
            .into());
        }
        Ok(())
    }

    /// The migration of the highest applied version, checked against its record.
    fn last_applied<C: MigrationConnection>(
        &self,
        conn: &mut C,
    ) -> QueryResult<Option<&Migration>> {
        let records = prepare(conn)?;
        let Some(last) = records
            .iter()
            .filter(|r| r.state == APPLIED)
            .max_by_key(|r| super::source::version_order(&r.version))
        else {
            return Ok(None);
        };
        let Some(m) = self.get(&last.version) else {
            return Err(MigrationError::Unknown {
                version: last.version.clone(),
                name: last.name.clone(),
            }
            .into());
        };
        check_unchanged(m, last)?;
        Ok(Some(m))
    }
}

/// Runs `f` holding the migrations lock, and releases it whatever `f` returns.
fn locked<C, T, F>(conn: &mut C, f: F) -> QueryResult<T>
where
    C: MigrationConnection,
    F: FnOnce(&mut C) -> QueryResult<T>,
{
    conn.lock_migrations()?;
    let result = f(conn);
    let unlocked = conn.unlock_migrations();
    let value = result?;
    unlocked?;
    Ok(value)
}

/// Creates the tracking table if needed and reads it.
pub(crate) fn prepare<C: MigrationConnection>(conn: &mut C) -> QueryResult<Vec<Record>> {
    conn.write_transaction(|conn| {
        tracking::create(conn)?;
        tracking::all(conn)
    })
}

/// The edit of an applied migration, if its text changed since.
pub(crate) fn edit_of(m: &Migration, record: &Record) -> Option<MigrationError> {
    let now = checksum(m.up_sql());
    (now != record.checksum).then(|| MigrationError::Edited {
        version: m.version().to_owned(),
        name: m.name().to_owned(),
        applied_checksum: record.checksum.clone(),
        current_checksum: now,
        diff: line_diff(&record.up_sql, &normalize(m.up_sql())),
    })
}

fn check_unchanged(m: &Migration, record: &Record) -> QueryResult<()> {
    match edit_of(m, record) {
        Some(edit) => Err(edit.into()),
        None => Ok(()),
    }
}

/// Applies `m` unless the database already has it; how long its SQL took, if it ran.
fn apply<C: MigrationConnection>(conn: &mut C, m: &Migration) -> QueryResult<Option<Duration>> {
    let sum = m.checksum();
    let text = normalize(m.up_sql());
    let record = |duration, state, error| NewRecord {
        version: m.version(),
        name: m.name(),
        checksum: &sum,
        up_sql: &text,
        state,
        error,
        duration,
    };
    let already = |conn: &mut C| -> QueryResult<bool> {
        Ok(tracking::find(conn, m.version())?.is_some_and(|r| r.state == APPLIED))
    };
    let result = if m.up_runs_outside_transaction() {
        if already(conn)? {
            return Ok(None);
        }
        let start = Instant::now();
        match conn.batch_execute(m.up_sql()) {
            Ok(()) => {
                let duration = start.elapsed();
                conn.write_transaction(|conn| tracking::put(conn, &record(duration, APPLIED, None)))
                    .map_err(Failure::Other)
                    .map(|()| Some(duration))
            }
            Err(e) => Err(Failure::Sql(e)),
        }
    } else {
        conn.write_transaction(|conn| {
            // Another runner may have applied it since the caller looked.
            if already(conn)? {
                return Ok(None);
            }
            let start = Instant::now();
            conn.batch_execute(m.up_sql()).map_err(Failure::Sql)?;
            let duration = start.elapsed();
            tracking::put(conn, &record(duration, APPLIED, None))?;
            Ok(Some(duration))
        })
    };
    match result {
        Ok(ran) => Ok(ran),
        Err(Failure::Other(e)) => Err(e),
        Err(Failure::Sql(cause)) => {
            let message = cause.to_string();
            // Best effort: the failure itself is what the caller must see.
            let _ = conn.write_transaction(|conn| {
                tracking::put(conn, &record(Default::default(), FAILED, Some(&message)))
            });
            Err(MigrationError::Failed {
                version: m.version().to_owned(),
                name: m.name().to_owned(),
                direction: "up",
                cause,
            }
            .into())
        }
    }
}

/// Reverts `m`, which the database has applied.
fn revert<C: MigrationConnection>(conn: &mut C, m: &Migration) -> QueryResult<()> {
    let Some(down) = m.down_sql() else {
        return Err(MigrationError::NoDown {
            version: m.version().to_owned(),
            name: m.name().to_owned(),
        }
        .into());
    };
    let result = if m.down_runs_outside_transaction() {
        match conn.batch_execute(down) {
            Ok(()) => conn
                .write_transaction(|conn| tracking::remove(conn, m.version()))
                .map_err(Failure::Other),
            Err(e) => Err(Failure::Sql(e)),
        }
    } else {
        conn.write_transaction(|conn| {
            if tracking::find(conn, m.version())?.is_none_or(|r| r.state != APPLIED) {
                return Ok(());
            }
            conn.batch_execute(down).map_err(Failure::Sql)?;
            tracking::remove(conn, m.version())?;
            Ok(())
        })
    };
    match result {
        Ok(()) => Ok(()),
        Err(Failure::Other(e)) => Err(e),
        Err(Failure::Sql(cause)) => Err(MigrationError::Failed {
            version: m.version().to_owned(),
            name: m.name().to_owned(),
            direction: "down",
            cause,
        }
        .into()),
    }
}
