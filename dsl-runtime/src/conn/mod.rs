//! Connections and running queries on them.
//!
//! A [`Connection`] executes rendered SQL with bind parameters and hands result rows
//! to a callback; [`RunQueryDsl`] and [`ExecuteDsl`] put `load`, `get_result`, `first`
//! and `execute` on query values. A query value never knows which connection runs it.

#[cfg(feature = "tokio")]
mod async_conn;
mod executor;
pub(crate) mod run;
#[cfg(feature = "sqlite")]
mod sqlite_transaction;
mod transaction;
#[cfg(feature = "postgres")]
mod transaction_builder;

#[cfg(feature = "tokio")]
#[doc(hidden)]
pub use async_conn::{AbandonedLevels, Work};
#[cfg(feature = "tokio")]
pub use async_conn::{Async, AsyncConnection, Pending, Perform, RowStream};
pub use executor::{Blocking, Executor, Mode, Output, RowIter, Rows};
#[doc(hidden)]
pub use executor::{
    Execute, First, Load, NothingInFlight, Request, Returning, ReturningFirst, SqlExecute,
    SqlFirst, SqlLoad, Task,
};
#[doc(hidden)]
pub use run::{NoValues, Plan, Runnable};
#[cfg(feature = "sqlite")]
pub use sqlite_transaction::TransactionBehavior;
#[doc(hidden)]
pub use transaction::Ending;
pub use transaction::RetryableError;
#[doc(hidden)]
pub use transaction::TransactionState;
pub(crate) use transaction::block_on;
#[cfg(feature = "tokio")]
pub(crate) use transaction::{Levels, begin_blocking, begin_level, end_blocking, end_level};
#[cfg(feature = "postgres")]
pub use transaction_builder::TransactionBuilder;

use crate::backend::Backend;
use crate::error::{Error, QueryResult};
use crate::query::{
    AsQuery, BindSource, DecodeRow, FromRow, Query, QueryDsl, QueryFragment, SelectStatement,
    SqlQuery,
};
use crate::types::{BindValue, SqlValue};
use std::ops::ControlFlow;

/// One row of a result, as a connection presents it while the row is current.
pub trait Row {
    /// One value of the row.
    type Value<'v>: SqlValue<'v>
    where
        Self: 'v;

    /// The number of columns.
    fn len(&self) -> usize;

    /// Whether the row has no columns.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `idx`, or `None` past the last column.
    fn value(&self, idx: usize) -> Option<Self::Value<'_>>;

    /// The name of the column at `idx`, as the database reports it.
    fn column_name(&self, idx: usize) -> Option<&str>;

    /// The position of the column named `name`.
    fn column_index(&self, name: &str) -> Option<usize> {
        (0..self.len()).find(|&i| self.column_name(i) == Some(name))
    }
}

/// A connection to a database.
pub trait Connection: Sized + crate::instrument::Instrumented {
    /// The connection's backend.
    type Backend: Backend;

    /// A result row while it is current.
    type Row<'r>: Row
    where
        Self: 'r;

    /// Opens a connection. The form of `url` depends on the backend.
    fn establish(url: &str) -> QueryResult<Self>;

    /// Sets how long one statement may run before it is stopped; `None` (the default)
    /// lifts the limit. A statement that runs out fails with
    /// [`DatabaseErrorKind::Canceled`](crate::DatabaseErrorKind::Canceled), has no
    /// effect, and leaves the connection usable. Inside a transaction, PostgreSQL fails
    /// the whole transaction, and SQLite rolls it back if the statement was a write
    /// (`INSERT`, `UPDATE`, `DELETE`).
    ///
    /// ```
    /// # use quarry::prelude::*;
    /// use std::time::Duration;
    ///
    /// let mut conn = SqliteConnection::establish(":memory:")?;
    /// conn.set_statement_timeout(Some(Duration::from_millis(50)))?;
    /// let endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) \
    ///                SELECT COUNT(*) FROM n";
    /// let err = quarry::sql_query(endless).get_result::<i64, _>(&mut conn).unwrap_err();
    /// assert_eq!(err.database_kind(), Some(quarry::DatabaseErrorKind::Canceled));
    /// # Ok::<(), quarry::Error>(())
    /// ```
    fn set_statement_timeout(&mut self, timeout: Option<std::time::Duration>) -> QueryResult<()>;

    /// Runs one or more SQL statements separated by `;`, without bind parameters:
    /// for DDL and scripts.
    fn batch_execute(&mut self, sql: &str) -> QueryResult<()>;

    /// Runs a statement and returns the number of rows it changed.
    #[doc(hidden)]
    fn execute_sql(&mut self, sql: &str, binds: &[BindValue<'_>]) -> QueryResult<usize>;

    /// Runs a statement whose bind parameters `binds` gives (the rows of a multi-row
    /// insert), and returns the number of rows it changed. A backend that binds each
    /// value as it comes never holds them all; this default collects them first.
    #[doc(hidden)]
    fn execute_bound<'a, B: BindSource<'a>>(&mut self, sql: &str, binds: &B) -> QueryResult<usize> {
        let mut values = Vec::with_capacity(binds.size_hint());
        binds.give(&mut values);
        self.execute_sql(sql, &values)
    }

    /// Whether the connection keeps statements found by [`StatementKey`], so that
    /// [`query_keyed`](Self::query_keyed) is worth calling.
    #[doc(hidden)]
    const CACHES_BY_TYPE: bool = false;

    /// Runs the query that `key` names, as [`query_sql`](Self::query_sql) does: a
    /// connection that keeps statements by key runs the one it prepared for `key`,
    /// without the SQL text, which `render` gives only when it must prepare it. Callers
    /// pass the row callback as a `dyn` closure, so that this is compiled once per
    /// connection type, not once per query.
    #[doc(hidden)]
    fn query_keyed<F>(
        &mut self,
        key: StatementKey,
        render: &dyn Fn() -> String,
        binds: &[BindValue<'_>],
        f: F,
    ) -> QueryResult<()>
    where
        F: FnMut(&Self::Row<'_>) -> QueryResult<ControlFlow<()>>,
    {
        let _ = key;
        self.query_sql(&render(), binds, f)
    }

    /// A query whose rows are read a batch at a time ([`stream`](RunQueryDsl::stream)).
    #[doc(hidden)]
    type Cursor: Send + Unpin;

    /// Starts a query whose rows [`cursor_rows`](Self::cursor_rows) reads in batches.
    #[doc(hidden)]
    fn open_cursor(&mut self, request: Request) -> QueryResult<Self::Cursor>;

    /// Calls `f` with the next batch of rows; `false` when the query has no more.
    #[doc(hidden)]
    fn cursor_rows<F>(&mut self, cursor: &mut Self::Cursor, f: F) -> QueryResult<bool>
    where
        F: FnMut(&Self::Row<'_>) -> QueryResult<()>;

    /// Ends a query before its last row, so that the connection can run the next one.
    #[doc(hidden)]
    fn close_cursor(&mut self, cursor: Self::Cursor);

    /// Runs a query and calls `f` with each row in turn, until `f` breaks.
    #[doc(hidden)]
    fn query_sql<F>(&mut self, sql: &str, binds: &[BindValue<'_>], f: F) -> QueryResult<()>
    where
        F: FnMut(&Self::Row<'_>) -> QueryResult<ControlFlow<()>>;

    /// What the connection knows of its open transactions: how deeply they nest, and
    /// which statement failed first inside them.
    #[doc(hidden)]
    fn transaction_state(&mut self) -> &mut TransactionState;

    /// Whether the database has ended the open transaction, or refuses to go on with
    /// it, because a statement inside failed: PostgreSQL's failed transaction state,
    /// SQLite's own rollback (`OR ROLLBACK`, a full disk) while quarry has one open.
    #[doc(hidden)]
    fn transaction_aborted(&self) -> bool;

    /// Runs `f` in a transaction: commits if it returns `Ok`, rolls back if it returns
    /// `Err` or panics. A transaction inside a transaction is a savepoint.
    ///
    /// If `f` returns `Ok` although the database has already rolled the transaction
    /// back (PostgreSQL does at the first failed statement, even when `f` ignored its
    /// error), nothing is committed and the result is
    /// [`Error::TransactionRolledBack`], carrying that statement's error.
    ///
    /// ```
    /// # use quarry::prelude::*;
    /// let mut conn = SqliteConnection::establish(":memory:")?;
    /// conn.batch_execute("CREATE TABLE t (x INTEGER)")?;
    /// let result: Result<(), quarry::Error> = conn.transaction(|conn| {
    ///     conn.batch_execute("INSERT INTO t VALUES (1)")?;
    ///     Err(quarry::Error::NotFound) // any error rolls back
    /// });
    /// assert!(result.is_err());
    /// let n: i64 = quarry::sql_query("SELECT COUNT(*) FROM t").get_result(&mut conn)?;
    /// assert_eq!(n, 0);
    /// # Ok::<(), quarry::Error>(())
    /// ```
    fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<Error>,
    {
        transaction::run(self, None, f)
    }

    /// Like [`transaction`](Self::transaction), but runs the whole transaction again
    /// when it fails because of a concurrent one (a serialization failure, a deadlock
    /// or a busy database, as [`RetryableError`] decides), at most `max_attempts` times
    /// in all, pausing between attempts (a few milliseconds at first, doubling up to
    /// 0.2 s, with jitter). The last error is returned when every attempt failed;
    /// `max_attempts` of 0 runs `f` once.
    ///
    /// `f` may run several times, so it should have no effect outside the database
    /// that it cannot repeat. Inside an open transaction, `f` runs once, in a
    /// savepoint: the failure belongs to the outer transaction, which its own caller
    /// must retry.
    ///
    /// ```
    /// # use quarry::prelude::*;
    /// let mut conn = SqliteConnection::establish(":memory:")?;
    /// conn.batch_execute("CREATE TABLE counters (n INTEGER); INSERT INTO counters VALUES (0)")?;
    /// conn.transaction_with_retry(5, |conn| {
    ///     conn.batch_execute("UPDATE counters SET n = n + 1")
    /// })?;
    /// # Ok::<(), quarry::Error>(())
    /// ```
    fn transaction_with_retry<T, E, F>(&mut self, max_attempts: u32, f: F) -> Result<T, E>
    where
        F: FnMut(&mut Self) -> Result<T, E>,
        E: From<Error> + RetryableError,
    {
        transaction::run_with_retry(self, None, max_attempts, f)
    }

    /// Opens a transaction that is never committed, for tests: everything the
    /// connection does from now on is rolled back when it is dropped. Later calls to
    /// [`transaction`](Self::transaction) run in savepoints inside it.
    ///
    /// Fails if a transaction is already open on the connection.
    ///
    /// ```
    /// # use quarry::prelude::*;
    /// # let dir = std::env::temp_dir().join(format!("quarry-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("test-transaction.db");
    /// # let _ = std::fs::remove_file(&path);
    /// # let url = path.to_str().unwrap();
    /// SqliteConnection::establish(url)?.batch_execute("CREATE TABLE t (x INTEGER)")?;
    ///
    /// let mut conn = SqliteConnection::establish(url)?;
    /// conn.begin_test_transaction()?;
    /// conn.batch_execute("INSERT INTO t VALUES (1)")?;
    /// conn.transaction(|conn| conn.batch_execute("INSERT INTO t VALUES (2)"))?;
    /// let n: i64 = quarry::sql_query("SELECT COUNT(*) FROM t").get_result(&mut conn)?;
    /// assert_eq!(n, 2);
    /// drop(conn);
    ///
    /// let mut later = SqliteConnection::establish(url)?;
    /// let n: i64 = quarry::sql_query("SELECT COUNT(*) FROM t").get_result(&mut later)?;
    /// assert_eq!(n, 0);
    /// # drop(later);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), quarry::Error>(())
    /// ```
    fn begin_test_transaction(&mut self) -> QueryResult<()> {
        transaction::begin_test(self)
    }
}

/// Names the SQL of a typed query without its text: the query's type (lifetimes
/// erased) and the choices its values made about the SQL (see `SqlWriter::shape`), so
/// that a cached statement is found without rendering or hashing its SQL.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatementKey {
    ty: std::any::TypeId,
    shape: u64,
}

impl StatementKey {
    pub(crate) fn of<Q: ?Sized>(shape: u64) -> Self {
        StatementKey {
            ty: typeid::of::<Q>(),
            shape,
        }
    }
}

/// `load`, `get_result`, `get_results` and `first`, on tables and `SELECT` statements.
///
/// Each runs on any [`Executor`]: on a blocking connection it returns the result, on an
/// async one a future of it.
pub trait RunQueryDsl: AsQuery + Sized {
    /// Runs the query and returns all its rows.
    fn load<'c, C: Executor>(
        self,
        conn: &'c mut C,
    ) -> Output<'c, C, Load<Self::Query>, Vec<RowOf<Self>>>
    where
        Self::Query: QueryFragment<C::Backend> + 'c,
    {
        conn.run(Load::new(self.into_query()))
    }

    /// Same as [`load`](Self::load).
    fn get_results<'c, C: Executor>(
        self,
        conn: &'c mut C,
    ) -> Output<'c, C, Load<Self::Query>, Vec<RowOf<Self>>>
    where
        Self::Query: QueryFragment<C::Backend> + 'c,
    {
        self.load(conn)
    }

    /// Runs the query and returns its first row, or [`Error::NotFound`].
    fn get_result<'c, C: Executor>(
        self,
        conn: &'c mut C,
    ) -> Output<'c, C, First<Self::Query>, RowOf<Self>>
    where
        Self::Query: QueryFragment<C::Backend> + 'c,
    {
        conn.run(First::new(self.into_query()))
    }

    /// Runs the query and hands its rows over one at a time, decoded as they arrive,
    /// so that a large result never sits in memory whole: an `Iterator` of
    /// `QueryResult<row>` on a blocking connection (`for row in q.stream(&mut conn)? {
    /// let row = row?; … }`), a `futures::Stream` on an async one. The connection runs
    /// nothing else until the rows are read or the stream is dropped; dropping it early
    /// ends the query (PostgreSQL reads and discards the rest; SQLite resets the
    /// statement).
    fn stream<'c, C: Executor>(self, conn: &'c mut C) -> Rows<'c, C, <Self::Query as Query>::Row>
    where
        Self::Query: QueryFragment<C::Backend>,
        <Self::Query as Query>::Row: 'c,
    {
        conn.stream::<<Self::Query as Query>::Row, _>(&self.into_query())
    }

    /// Runs the query with `LIMIT 1` and returns the row, or [`Error::NotFound`]. A
    /// query that locks rows keeps its lock.
    fn first<'c, C: Executor>(
        self,
        conn: &'c mut C,
    ) -> Output<'c, C, First<<Self::Limited as AsQuery>::Query>, RowOf<Self>>
    where
        Self: LimitOne,
        <Self::Limited as AsQuery>::Query: QueryFragment<C::Backend> + 'c,
    {
        conn.run(First::new(self.limit_one().into_query()))
    }
}

impl<T: AsQuery> RunQueryDsl for T {}

/// What one row of `Q` loads into.
pub type RowOf<Q> = <<<Q as AsQuery>::Query as Query>::Row as DecodeRow>::Output;

/// A query that [`first`](RunQueryDsl::first) can limit to one row, returning the
/// same rows: a `SELECT` statement or table, a boxed query, a query that locks rows.
#[doc(hidden)]
pub trait LimitOne: AsQuery {
    /// The query with `LIMIT 1`.
    type Limited: AsQuery<Query: Query<Row = <Self::Query as Query>::Row>>;
    /// Adds `LIMIT 1`.
    fn limit_one(self) -> Self::Limited;
}

impl<T> LimitOne for T
where
    T: QueryDsl + AsQuery,
    SelectStatement<T::From, T::Select, T::Where, T::Order>: AsQuery<Query = T::Query>,
{
    type Limited = SelectStatement<T::From, T::Select, T::Where, T::Order>;
    fn limit_one(self) -> Self::Limited {
        self.limit(1)
    }
}

/// `execute`, `get_results` and `get_result`, on the statements that change data
/// (`insert_into`, `update`, `delete`), on any [`Executor`].
pub trait ExecuteDsl: Sized {
    /// Runs the statement and returns the number of rows it changed. A batch insert
    /// that needs several statements runs them in one transaction, so that a failing
    /// row leaves none of them behind.
    fn execute<'c, C: Executor>(
        &'c self,
        conn: &'c mut C,
    ) -> Output<'c, C, Execute<'c, Self>, usize>
    where
        Self: Runnable<C::Backend>,
    {
        conn.run(Execute::new(self))
    }

    /// Runs the statement and returns the rows it changed: its `returning` list, or
    /// every column.
    #[allow(clippy::type_complexity)] // the result, the work and the connection, spelled out
    fn get_results<'c, C: Executor>(
        &'c self,
        conn: &'c mut C,
    ) -> Output<'c, C, Returning<'c, Self, C::Backend>, Vec<ReturnedRow<Self, C>>>
    where
        Self: Runnable<C::Backend>,
    {
        conn.run(Returning::new(self))
    }

    /// Runs the statement and returns the first row it changed, or
    /// [`Error::NotFound`] (an `ON CONFLICT DO NOTHING` may insert none). Every row is
    /// still changed.
    fn get_result<'c, C: Executor>(
        &'c self,
        conn: &'c mut C,
    ) -> Output<'c, C, ReturningFirst<'c, Self, C::Backend>, ReturnedRow<Self, C>>
    where
        Self: Runnable<C::Backend>,
    {
        conn.run(ReturningFirst::new(self))
    }
}

/// What one row that statement `S` returns on connection `C` loads into.
pub type ReturnedRow<S, C> =
    <<S as Runnable<<C as Executor>::Backend>>::Returned as DecodeRow>::Output;

/// `load`, `get_result` and `execute`, on SQL written by hand ([`sql_query`](crate::sql_query)):
/// its rows load into the Rust type the caller names. On any [`Executor`].
pub trait SqlQueryDsl: Sized {
    /// Runs the query and loads every row into `T`: a Rust value or tuple of values
    /// (by position), or a `#[derive(Selectable)]` struct (by column name).
    ///
    /// A value or tuple must read every column of the result: a result with more or
    /// fewer columns is [`Error::InvalidQuery`], since a column left over is most often
    /// a mistake in the SQL or the tuple. A struct finds its columns by name and
    /// ignores the others.
    fn load<'c, T: FromRow + 'c, C: Executor>(
        self,
        conn: &'c mut C,
    ) -> Output<'c, C, SqlLoad<T>, Vec<T>>;

    /// Runs the query and loads its first row, or returns [`Error::NotFound`]. `T` is
    /// checked against the result's columns as for [`load`](Self::load).
    fn get_result<'c, T: FromRow + 'c, C: Executor>(
        self,
        conn: &'c mut C,
    ) -> Output<'c, C, SqlFirst<T>, T>;

    /// Runs the statement and returns the number of rows it changed.
    fn execute<'c, C: Executor>(&'c self, conn: &'c mut C) -> Output<'c, C, SqlExecute<'c>, usize>;
}

impl SqlQueryDsl for SqlQuery {
    fn load<'c, T: FromRow + 'c, C: Executor>(
        self,
        conn: &'c mut C,
    ) -> Output<'c, C, SqlLoad<T>, Vec<T>> {
        conn.run(SqlLoad::new(self))
    }

    fn get_result<'c, T: FromRow + 'c, C: Executor>(
        self,
        conn: &'c mut C,
    ) -> Output<'c, C, SqlFirst<T>, T> {
        conn.run(SqlFirst::new(self))
    }

    fn execute<'c, C: Executor>(&'c self, conn: &'c mut C) -> Output<'c, C, SqlExecute<'c>, usize> {
        conn.run(SqlExecute::new(self))
    }
}
