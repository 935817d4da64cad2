//! SQLite's transaction behaviours: `BEGIN DEFERRED`, `IMMEDIATE` or `EXCLUSIVE`.
//!
//! SQLite runs one writer at a time. A deferred transaction (SQLite's default) takes the
//! write lock at its first write, and when another connection has written since the
//! transaction first read, SQLite cannot wait for the lock: the write fails at once
//! with "database is locked" ([`DatabaseErrorKind::Busy`](crate::DatabaseErrorKind::Busy)),
//! whatever the busy timeout. An immediate transaction takes the write lock at `BEGIN`,
//! where the busy timeout (5 s) applies, so a read-then-write transaction waits its turn
//! instead of failing.
//!
//! [`SqliteConnection::immediate_transaction`] and
//! [`exclusive_transaction`](SqliteConnection::exclusive_transaction) run one
//! transaction so (Diesel's names); [`SqliteConnection::set_transaction_behavior`]
//! makes a behaviour the connection's default for `transaction`,
//! `transaction_with_retry` and `begin_test_transaction` (as rusqlite's method of the
//! same name and Python's `isolation_level` do).

use super::Connection;
use super::transaction;
use crate::backend::sqlite::SqliteConnection;
use crate::error::Error;

/// How a SQLite transaction takes its locks, in its `BEGIN` statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransactionBehavior {
    /// `BEGIN DEFERRED`, SQLite's default: no lock until the first read, the write
    /// lock at the first write. A transaction that reads and then writes can fail
    /// with [`DatabaseErrorKind::Busy`](crate::DatabaseErrorKind::Busy) without
    /// waiting when another connection writes in between.
    #[default]
    Deferred,
    /// `BEGIN IMMEDIATE`: the write lock at once, waiting for it up to the busy
    /// timeout. Other connections can still read, but not write, until it ends. The
    /// behaviour for transactions that write.
    Immediate,
    /// `BEGIN EXCLUSIVE`: as `Immediate`; outside WAL mode, other connections cannot
    /// read either until it ends.
    Exclusive,
}

impl TransactionBehavior {
    pub(crate) fn begin_sql(self) -> &'static str {
        match self {
            TransactionBehavior::Deferred => "BEGIN DEFERRED",
            TransactionBehavior::Immediate => "BEGIN IMMEDIATE",
            TransactionBehavior::Exclusive => "BEGIN EXCLUSIVE",
        }
    }
}

impl SqliteConnection {
    /// Runs `f` in a transaction that takes the write lock at once (`BEGIN
    /// IMMEDIATE`), waiting for it up to the busy timeout; otherwise as
    /// [`Connection::transaction`]. Inside an open transaction, whose `BEGIN` already
    /// chose its locking, it is a savepoint.
    ///
    /// ```
    /// # use quarry::prelude::*;
    /// # let mut conn = SqliteConnection::establish(":memory:")?;
    /// conn.batch_execute("CREATE TABLE counters (n INTEGER NOT NULL); INSERT INTO counters VALUES (0)")?;
    /// conn.immediate_transaction(|conn| {
    ///     let n: i32 = quarry::sql_query("SELECT n FROM counters").get_result(conn)?;
    ///     quarry::sql_query("UPDATE counters SET n = $1").bind(n + 1).execute(conn)?;
    ///     Ok::<_, quarry::Error>(())
    /// })?;
    /// # Ok::<(), quarry::Error>(())
    /// ```
    pub fn immediate_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<Error>,
    {
        transaction::run(self, Some(TransactionBehavior::Immediate.begin_sql()), f)
    }

    /// Runs `f` in a `BEGIN EXCLUSIVE` transaction; otherwise as
    /// [`immediate_transaction`](Self::immediate_transaction).
    pub fn exclusive_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<Error>,
    {
        transaction::run(self, Some(TransactionBehavior::Exclusive.begin_sql()), f)
    }

    /// Sets how this connection's transactions begin from now on:
    /// [`transaction`](Connection::transaction),
    /// [`transaction_with_retry`](Connection::transaction_with_retry) and
    /// [`begin_test_transaction`](Connection::begin_test_transaction). The default is
    /// [`TransactionBehavior::Deferred`].
    ///
    /// A connection whose transactions write is best set to
    /// [`TransactionBehavior::Immediate`]: its transactions then wait for each other
    /// instead of failing with a busy error, and `transaction_with_retry` retries the
    /// rare one that waited longer than the busy timeout.
    ///
    /// ```
    /// use quarry::conn::TransactionBehavior;
    /// # use quarry::prelude::*;
    /// # let mut conn = SqliteConnection::establish(":memory:")?;
    /// conn.set_transaction_behavior(TransactionBehavior::Immediate);
    /// conn.transaction_with_retry(5, |conn| conn.batch_execute("CREATE TABLE t (x INTEGER)"))?;
    /// # Ok::<(), quarry::Error>(())
    /// ```
    pub fn set_transaction_behavior(&mut self, behavior: TransactionBehavior) {
        self.transaction_state().begin = behavior.begin_sql();
    }
}
