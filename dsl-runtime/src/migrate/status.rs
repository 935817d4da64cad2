//! What the database has applied: [`Migrations::applied`] and [`Migrations::status`].

use super::connection::MigrationConnection;
use super::migration::Migrations;
use super::run::{edit_of, prepare};
use super::source::version_order;
use super::tracking::{APPLIED, FAILED};
use crate::error::QueryResult;
use std::time::Duration;

/// A migration the tracking table records as applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppliedMigration {
    /// Its version.
    pub version: String,
    /// Its name.
    pub name: String,
    /// The checksum of its normalized `up.sql` when it ran.
    pub checksum: String,
    /// When it ran, as the database writes a timestamp as text.
    pub applied_at: String,
    /// How long its SQL took.
    pub duration: Duration,
}

/// One line of [`Migrations::status`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MigrationStatus {
    /// The migration's version.
    pub version: String,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub state: MigrationState,
}

/// Where a migration stands in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationState {
    /// Not applied yet.
    Pending,
    /// Applied, with the text it has now.
    Applied {
        /// When.
        applied_at: String,
        /// How long its SQL took.
        duration: Duration,
    },
    /// Applied, but its `up.sql` has been edited since: `run_pending` refuses to go on
    /// until the edit is undone or [`rehash`](Migrations::rehash)ed.
    Edited {
        /// When it was applied.
        applied_at: String,
        /// What changed, `-` as applied and `+` as it is now.
        diff: String,
    },
    /// It failed the last time it ran; nothing of it was kept. `run_pending` tries it
    /// again.
    Failed {
        /// When it failed.
        failed_at: String,
        /// The database's error.
        error: String,
    },
    /// Recorded as applied, but not among these migrations.
    Unknown {
        /// When it was applied.
        applied_at: String,
    },
}

impl Migrations {
    /// The migrations the database records as applied, in version order, whether or
    /// not this set holds them. Creates the tracking table if it is missing.
    pub fn applied<C: MigrationConnection>(
        &self,
        conn: &mut C,
    ) -> QueryResult<Vec<AppliedMigration>> {
        let mut applied: Vec<AppliedMigration> = prepare(conn)?
            .into_iter()
            .filter(|r| r.state == APPLIED)
            .map(|r| AppliedMigration {
                version: r.version,
                name: r.name,
                checksum: r.checksum,
                applied_at: r.applied_at,
                duration: r.duration,
            })
            .collect();
        applied.sort_by_key(|m| version_order(&m.version));
        Ok(applied)
    }

    /// Every migration of this set, and every one the database records that the set
    /// does not hold, in version order, each with its state: pending, applied, edited
    /// since it was applied, failed, or unknown to this set.
    pub fn status<C: MigrationConnection>(
        &self,
        conn: &mut C,
    ) -> QueryResult<Vec<MigrationStatus>> {
        let records = prepare(conn)?;
        let mut lines = Vec::new();
        for m in self {
            let record = records.iter().find(|r| r.version == m.version());
            let state = match record {
                None => MigrationState::Pending,
                Some(r) if r.state == FAILED => MigrationState::Failed {
                    failed_at: r.applied_at.clone(),
                    error: r.error.clone().unwrap_or_default(),
                },
                Some(r) => match edit_of(m, r) {
                    Some(super::MigrationError::Edited { diff, .. }) => MigrationState::Edited {
                        applied_at: r.applied_at.clone(),
                        diff,
                    },
                    _ => MigrationState::Applied {
                        applied_at: r.applied_at.clone(),
                        duration: r.duration,
                    },
                },
            };
            lines.push(MigrationStatus {
                version: m.version().to_owned(),
                name: m.name().to_owned(),
                state,
            });
        }
        for r in &records {
            if r.state == APPLIED && self.get(&r.version).is_none() {
                lines.push(MigrationStatus {
                    version: r.version.clone(),
                    name: r.name.clone(),
                    state: MigrationState::Unknown {
                        applied_at: r.applied_at.clone(),
                    },
                });
            }
        }
        lines.sort_by_key(|l| version_order(&l.version));
        Ok(lines)
    }
}
