//! [`MigrationConnection`]: what running migrations needs that the backends do
//! differently — keeping concurrent runners apart, and the tracking table's timestamp.
//!
//! PostgreSQL takes a session advisory lock, keyed on the current schema, for the
//! whole run; every runner re-reads the applied set once it holds the lock. SQLite has
//! no such lock: each migration runs in a `BEGIN IMMEDIATE` transaction (one writer at a
//! time, the others wait for it up to the busy timeout) that re-reads whether the
//! migration is still pending before it runs it.

use crate::conn::Connection;
use crate::error::QueryResult;

mod private {
    pub trait Sealed {}
}

/// A connection that migrations run on: [`SqliteConnection`](crate::backend::sqlite::SqliteConnection)
/// and [`PgConnection`](crate::backend::pg::PgConnection). Sealed.
pub trait MigrationConnection: Connection + private::Sealed {
    /// The SQL type of the tracking table's `applied_at`.
    #[doc(hidden)]
    const TIMESTAMP_TYPE: &'static str;

    /// Keeps other runners out until [`unlock_migrations`](Self::unlock_migrations)
    /// (waiting for the one that holds the lock), where the database has such a lock.
    #[doc(hidden)]
    fn lock_migrations(&mut self) -> QueryResult<()>;

    /// Lets other runners in again.
    #[doc(hidden)]
    fn unlock_migrations(&mut self) -> QueryResult<()>;

    /// Runs `f` in a transaction that writes: on SQLite, `BEGIN IMMEDIATE`, so that it
    /// waits for another runner's transaction instead of failing.
    #[doc(hidden)]
    fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<crate::Error>;
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use crate::backend::sqlite::SqliteConnection;

    impl private::Sealed for SqliteConnection {}

    impl MigrationConnection for SqliteConnection {
        const TIMESTAMP_TYPE: &'static str = "TEXT";

        fn lock_migrations(&mut self) -> QueryResult<()> {
            Ok(())
        }

        fn unlock_migrations(&mut self) -> QueryResult<()> {
            Ok(())
        }

        fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
        where
            F: FnOnce(&mut Self) -> Result<T, E>,
            E: From<crate::Error>,
        {
            self.immediate_transaction(f)
        }
    }
}

#[cfg(feature = "postgres")]
mod pg {
    use super::*;
    use crate::backend::pg::PgConnection;
    use crate::conn::SqlQueryDsl;
    use crate::query::sql_query;
    use std::time::Duration;

    /// The advisory lock's key: the tracking table's name in the current schema, so
    /// that runners on different schemas of one database do not wait for each other.
    const LOCK_KEY: &str =
        "SELECT hashtext(COALESCE(current_schema(), '') || '.quarry_migrations')::int8";

    impl private::Sealed for PgConnection {}

    impl MigrationConnection for PgConnection {
        const TIMESTAMP_TYPE: &'static str = "TIMESTAMPTZ";

        fn lock_migrations(&mut self) -> QueryResult<()> {
            let key: i64 = sql_query(LOCK_KEY).get_result(self)?;
            // `pg_try_advisory_lock` in a loop, not `pg_advisory_lock`: a runner blocked
            // in `pg_advisory_lock` holds a snapshot, which a `CREATE INDEX
            // CONCURRENTLY` run by the lock's holder would wait for, forever.
            let mut pause = Duration::from_millis(5);
            loop {
                let locked: bool = sql_query("SELECT pg_try_advisory_lock($1)")
                    .bind(key)
                    .get_result(self)?;
                if locked {
                    return Ok(());
                }
                std::thread::sleep(pause + Duration::from_millis(fastrand::u64(0..10)));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
        }

        fn unlock_migrations(&mut self) -> QueryResult<()> {
            let key: i64 = sql_query(LOCK_KEY).get_result(self)?;
            let _: bool = sql_query("SELECT pg_advisory_unlock($1)")
                .bind(key)
                .get_result(self)?;
            Ok(())
        }

        fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
        where
            F: FnOnce(&mut Self) -> Result<T, E>,
            E: From<crate::Error>,
        {
            self.transaction(f)
        }
    }
}
