//! The tracking table, `quarry_migrations`: one row per migration applied, or failed
//! the last time it ran.
//!
//! | column | holds |
//! |---|---|
//! | `version` | the migration's version (primary key) |
//! | `name` | its name |
//! | `checksum` | SHA-256 of its normalized `up.sql` when it was applied |
//! | `up_sql` | that normalized text, to show what an edit changed |
//! | `state` | `applied`, or `failed` |
//! | `error` | why it failed |
//! | `applied_at` | when it was applied (or failed) |
//! | `duration_ms` | how long its SQL ran, in milliseconds |

use super::connection::MigrationConnection;
use crate::conn::SqlQueryDsl;
use crate::error::QueryResult;
use crate::query::sql_query;
use std::time::Duration;

/// The state a row records.
pub(crate) const APPLIED: &str = "applied";
pub(crate) const FAILED: &str = "failed";

/// One row of the tracking table.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) version: String,
    pub(crate) name: String,
    pub(crate) checksum: String,
    pub(crate) up_sql: String,
    pub(crate) state: String,
    pub(crate) error: Option<String>,
    pub(crate) applied_at: String,
    pub(crate) duration: Duration,
}

type RecordRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
);

const SELECT: &str = "SELECT version, name, checksum, up_sql, state, error, \
     CAST(applied_at AS TEXT), duration_ms FROM quarry_migrations";

fn record((version, name, checksum, up_sql, state, error, applied_at, ms): RecordRow) -> Record {
    Record {
        version,
        name,
        checksum,
        up_sql,
        state,
        error,
        applied_at,
        duration: Duration::from_millis(u64::try_from(ms).unwrap_or(0)),
    }
}

/// Creates the tracking table if it is missing.
pub(crate) fn create<C: MigrationConnection>(conn: &mut C) -> QueryResult<()> {
    conn.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS quarry_migrations (
            version TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            up_sql TEXT NOT NULL,
            state TEXT NOT NULL,
            error TEXT,
            applied_at {} NOT NULL DEFAULT CURRENT_TIMESTAMP,
            duration_ms BIGINT NOT NULL
        )",
        C::TIMESTAMP_TYPE
    ))
}

/// Every row, in no particular order.
pub(crate) fn all<C: MigrationConnection>(conn: &mut C) -> QueryResult<Vec<Record>> {
    let rows: Vec<RecordRow> = sql_query(SELECT).load(conn)?;
    Ok(rows.into_iter().map(record).collect())
}

/// The row of `version`, if there is one.
pub(crate) fn find<C: MigrationConnection>(
    conn: &mut C,
    version: &str,
) -> QueryResult<Option<Record>> {
    let rows: Vec<RecordRow> = sql_query(format!("{SELECT} WHERE version = $1"))
        .bind(version)
        .load(conn)?;
    Ok(rows.into_iter().next().map(record))
}

/// What a new row says.
pub(crate) struct NewRecord<'a> {
    pub(crate) version: &'a str,
    pub(crate) name: &'a str,
    pub(crate) checksum: &'a str,
    pub(crate) up_sql: &'a str,
    pub(crate) state: &'a str,
    pub(crate) error: Option<&'a str>,
    pub(crate) duration: Duration,
}

/// Replaces the row of the record's version with it.
pub(crate) fn put<C: MigrationConnection>(conn: &mut C, new: &NewRecord<'_>) -> QueryResult<()> {
    remove(conn, new.version)?;
    let ms = i64::try_from(new.duration.as_millis()).unwrap_or(i64::MAX);
    sql_query(
        "INSERT INTO quarry_migrations \
         (version, name, checksum, up_sql, state, error, duration_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.version)
    .bind(new.name)
    .bind(new.checksum)
    .bind(new.up_sql)
    .bind(new.state)
    .bind(new.error)
    .bind(ms)
    .execute(conn)?;
    Ok(())
}

/// Removes the row of `version`.
pub(crate) fn remove<C: MigrationConnection>(conn: &mut C, version: &str) -> QueryResult<()> {
    sql_query("DELETE FROM quarry_migrations WHERE version = $1")
        .bind(version)
        .execute(conn)?;
    Ok(())
}

/// Records a new checksum and text for an applied migration.
pub(crate) fn rehash<C: MigrationConnection>(
    conn: &mut C,
    version: &str,
    checksum: &str,
    up_sql: &str,
) -> QueryResult<usize> {
    sql_query(
        "UPDATE quarry_migrations SET checksum = $1, up_sql = $2 WHERE version = $3 AND state = $4",
    )
    .bind(checksum)
    .bind(up_sql)
    .bind(version)
    .bind(APPLIED)
    .execute(conn)
}
