//! PostgreSQL's transaction options: isolation level, read-only, deferrable.
//!
//! [`PgConnection::build_transaction`] returns a [`TransactionBuilder`]; its `run` opens
//! the transaction with `BEGIN ISOLATION LEVEL … READ ONLY …` and then behaves exactly
//! as [`Connection::transaction`] does. SQLite has no such options, so the method
//! exists on `PgConnection` alone and calling it on a `SqliteConnection` does not
//! compile.

use super::Connection;
use super::transaction::{self, RetryableError};
use crate::backend::pg::PgConnection;
use crate::error::Error;

impl PgConnection {
    /// Starts building a transaction with options:
    ///
    /// ```no_run
    /// # use quarry::prelude::*;
    /// # let mut conn = PgConnection::establish("postgres://localhost/app")?;
    /// let level: String = conn
    ///     .build_transaction()
    ///     .serializable()
    ///     .read_only()
    ///     .run(|conn| quarry::sql_query("SHOW transaction_isolation").get_result(conn))?;
    /// assert_eq!(level, "serializable");
    /// # Ok::<(), quarry::Error>(())
    /// ```
    pub fn build_transaction(&mut self) -> TransactionBuilder<'_> {
        TransactionBuilder {
            conn: self,
            options: TransactionOptions::default(),
        }
    }
}

/// A PostgreSQL transaction being configured: see
/// [`PgConnection::build_transaction`]. Options left unset keep the server's defaults
/// (usually read committed, read-write, not deferrable).
///
/// Options apply only to an outermost transaction: `run` inside an open transaction
/// (where it would be a savepoint, which has no options) returns an error.
#[must_use = "a transaction builder does nothing until `run` is called"]
pub struct TransactionBuilder<'c> {
    conn: &'c mut PgConnection,
    options: TransactionOptions,
}

impl std::fmt::Debug for TransactionBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactionBuilder")
            .field("begin", &self.options.begin_sql())
            .finish_non_exhaustive()
    }
}

impl TransactionBuilder<'_> {
    /// `ISOLATION LEVEL READ COMMITTED`: each statement sees the data committed before
    /// it began.
    pub fn read_committed(mut self) -> Self {
        self.options.isolation = Some(IsolationLevel::ReadCommitted);
        self
    }

    /// `ISOLATION LEVEL REPEATABLE READ`: every statement sees the data committed
    /// before the transaction's first statement.
    pub fn repeatable_read(mut self) -> Self {
        self.options.isolation = Some(IsolationLevel::RepeatableRead);
        self
    }

    /// `ISOLATION LEVEL SERIALIZABLE`: the transaction behaves as if it ran alone, or
    /// fails with [`DatabaseErrorKind::SerializationFailure`](crate::DatabaseErrorKind::SerializationFailure)
    /// (see [`run_with_retry`](Self::run_with_retry)).
    pub fn serializable(mut self) -> Self {
        self.options.isolation = Some(IsolationLevel::Serializable);
        self
    }

    /// `READ ONLY`: statements that change data fail.
    pub fn read_only(mut self) -> Self {
        self.options.read_only = Some(true);
        self
    }

    /// `READ WRITE`, for a server whose default is read-only.
    pub fn read_write(mut self) -> Self {
        self.options.read_only = Some(false);
        self
    }

    /// `DEFERRABLE`: together with `serializable().read_only()`, the transaction may
    /// wait before its first statement, then runs without any risk of a serialization
    /// failure. PostgreSQL ignores it otherwise.
    pub fn deferrable(mut self) -> Self {
        self.options.deferrable = Some(true);
        self
    }

    /// `NOT DEFERRABLE`, for a server whose default is deferrable.
    pub fn not_deferrable(mut self) -> Self {
        self.options.deferrable = Some(false);
        self
    }

    /// Runs `f` in a transaction with these options, as
    /// [`Connection::transaction`] does: commits if it returns `Ok`, rolls back if it
    /// returns `Err` or panics. Nested transactions inside `f` are savepoints.
    pub fn run<T, E, F>(mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, E>,
        E: From<Error>,
    {
        let begin = self.outermost_begin()?;
        transaction::run(self.conn, Some(&begin), f)
    }

    /// Runs `f` in a transaction with these options, as
    /// [`Connection::transaction_with_retry`] does: reruns the whole transaction, after
    /// a pause, when it fails with a serialization failure, a deadlock or a lock not
    /// available, at most `max_attempts` times in all, and returns the last error when
    /// every attempt failed.
    pub fn run_with_retry<T, E, F>(mut self, max_attempts: u32, f: F) -> Result<T, E>
    where
        F: FnMut(&mut PgConnection) -> Result<T, E>,
        E: From<Error> + RetryableError,
    {
        let begin = self.outermost_begin()?;
        transaction::run_with_retry(self.conn, Some(&begin), max_attempts, f)
    }

    /// The `BEGIN` statement, or an error when a transaction is already open.
    fn outermost_begin(&mut self) -> Result<String, Error> {
        if self.conn.transaction_state().depth > 0 {
            return Err(Error::InvalidQuery(
                "transaction options (isolation level, read only, deferrable) apply only \
                 to an outermost transaction, and a transaction is already open on this \
                 connection; use `transaction` for a nested one"
                    .into(),
            ));
        }
        Ok(self.options.begin_sql())
    }
}

/// The options of a transaction, rendered into its `BEGIN`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TransactionOptions {
    isolation: Option<IsolationLevel>,
    read_only: Option<bool>,
    deferrable: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IsolationLevel {
    ReadCommitted,
    RepeatableRead,
    Serializable,
}

impl TransactionOptions {
    fn begin_sql(&self) -> String {
        let mut sql = String::from(transaction::BEGIN);
        if let Some(level) = self.isolation {
            sql.push_str(match level {
                IsolationLevel::ReadCommitted => " ISOLATION LEVEL READ COMMITTED",
                IsolationLevel::RepeatableRead => " ISOLATION LEVEL REPEATABLE READ",
                IsolationLevel::Serializable => " ISOLATION LEVEL SERIALIZABLE",
            });
        }
        if let Some(read_only) = self.read_only {
            sql.push_str(if read_only {
                " READ ONLY"
            } else {
                " READ WRITE"
            });
        }
        if let Some(deferrable) = self.deferrable {
            sql.push_str(if deferrable {
                " DEFERRABLE"
            } else {
                " NOT DEFERRABLE"
            });
        }
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::{IsolationLevel, TransactionOptions};

    fn sql(
        isolation: Option<IsolationLevel>,
        read_only: Option<bool>,
        deferrable: Option<bool>,
    ) -> String {
        TransactionOptions {
            isolation,
            read_only,
            deferrable,
        }
        .begin_sql()
    }

    #[test]
    fn begin_statements() {
        use IsolationLevel::*;
        assert_eq!(sql(None, None, None), "BEGIN");
        assert_eq!(
            sql(Some(ReadCommitted), None, None),
            "BEGIN ISOLATION LEVEL READ COMMITTED"
        );
        assert_eq!(
            sql(Some(RepeatableRead), Some(false), None),
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ WRITE"
        );
        assert_eq!(
            sql(Some(Serializable), Some(true), None),
            "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY"
        );
        assert_eq!(
            sql(Some(Serializable), Some(true), Some(true)),
            "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE"
        );
        assert_eq!(sql(None, None, Some(false)), "BEGIN NOT DEFERRABLE");
        assert_eq!(sql(None, Some(true), None), "BEGIN READ ONLY");
    }
}
