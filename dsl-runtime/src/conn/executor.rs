//! One entry point for blocking and async connections.
//!
//! `load`, `first`, `get_result(s)` and `execute` take any [`Executor`]. What they
//! return is the executor's: the result itself on a blocking [`Connection`], a future
//! of it on an async connection (`.await` it). The work itself is a [`Task`], which
//! knows how to run on a blocking connection (through the drivers in `run.rs`) and how
//! to become a [`Request`] that an async connection sends, with its values owned, and
//! how to take the rows that come back.

use super::run::{self, Plan, Runnable};
use super::{Connection, Row};
use crate::backend::Backend;
use crate::error::{Error, QueryResult};
use crate::query::{BindSource, DecodeRow, FromRow, Query, QueryFragment, SqlQuery, SqlWriter};
use crate::types::OwnedValue;
use std::ops::ControlFlow;

/// A connection that runs quarry's statements: a blocking [`Connection`], whose calls
/// return their results, or an async connection, whose calls return futures of them.
///
/// Every statement runs on either through the same methods (`load`, `first`,
/// `get_result(s)`, `execute`), so a query value never knows which one runs it.
pub trait Executor: Sized {
    /// The database the connection talks to.
    type Backend: Backend;

    /// Whether calls block ([`Blocking`]) or return futures (`Async`, with the `tokio`
    /// feature): what
    /// [`Output`] is.
    type Mode: Mode;

    /// A request in flight on an async connection (nothing on a blocking one).
    #[doc(hidden)]
    type InFlight: Send + Unpin;

    /// Runs (or, on an async connection, prepares to run) `task`.
    #[doc(hidden)]
    fn run<'c, K, T>(&'c mut self, task: K) -> Output<'c, Self, K, T>
    where
        K: Task<Self::Backend, Output = T> + 'c,
        T: 'c;

    /// Takes back a request whose answer nobody waits for any more: the connection
    /// finishes it before the next request.
    #[doc(hidden)]
    fn abandon(&mut self, in_flight: Self::InFlight);

    /// A query whose rows are read in batches.
    #[doc(hidden)]
    type Cursor: Send + Unpin;

    /// Starts `query`, whose rows decode as `R`, for [`stream`](super::RunQueryDsl::stream).
    #[doc(hidden)]
    fn stream<'c, R: DecodeRow + 'c, Q: QueryFragment<Self::Backend> + ?Sized>(
        &'c mut self,
        query: &Q,
    ) -> Rows<'c, Self, R>;

    /// Ends a query whose rows were not all read.
    #[doc(hidden)]
    fn close_stream(&mut self, cursor: Self::Cursor);
}

/// What [`stream`](super::RunQueryDsl::stream) returns on connection `C`, for rows that
/// decode as `R`: `QueryResult<RowIter>` on a blocking connection, a `Stream` on an
/// async one.
pub type Rows<'c, C, R> = <<C as Executor>::Mode as Mode>::Rows<'c, C, R>;

/// What a call on connection `C` returns: `QueryResult<T>` on a blocking connection, a
/// future of it (`Pending`) on an async one. `K` is the work the
/// call does.
pub type Output<'c, C, K, T> = <<C as Executor>::Mode as Mode>::Output<'c, C, K, T>;

/// How an [`Executor`]'s calls return: [`Blocking`] or `Async`.
pub trait Mode: private::Sealed {
    /// What a call returns.
    type Output<'c, C: Executor + 'c, K: 'c, T: 'c>;
    /// What `stream` returns.
    type Rows<'c, C: Executor + 'c, R: DecodeRow + 'c>;
}

/// The calls of a blocking connection return their results.
#[derive(Debug, Clone, Copy)]
pub enum Blocking {}

impl private::Sealed for Blocking {}

impl Mode for Blocking {
    type Output<'c, C: Executor + 'c, K: 'c, T: 'c> = QueryResult<T>;
    type Rows<'c, C: Executor + 'c, R: DecodeRow + 'c> = QueryResult<RowIter<'c, C, R>>;
}

mod private {
    pub trait Sealed {}
}
#[cfg(feature = "tokio")]
pub(crate) use private::Sealed;

/// Nothing is ever in flight on a blocking connection.
#[doc(hidden)]
#[derive(Debug)]
pub enum NothingInFlight {}

impl<C: Connection> Executor for C {
    type Backend = C::Backend;
    type Mode = Blocking;
    type InFlight = NothingInFlight;
    type Cursor = C::Cursor;

    fn stream<'c, R: DecodeRow + 'c, Q: QueryFragment<C::Backend> + ?Sized>(
        &'c mut self,
        query: &Q,
    ) -> QueryResult<RowIter<'c, C, R>> {
        let request = Request::of_query::<C::Backend, Q>(query)?;
        let cursor = self.open_cursor(request)?;
        Ok(RowIter {
            conn: self,
            cursor: Some(cursor),
            rows: std::collections::VecDeque::new(),
        })
    }

    #[inline]
    fn run<'c, K, T>(&'c mut self, task: K) -> QueryResult<T>
    where
        K: Task<C::Backend, Output = T> + 'c,
        T: 'c,
    {
        task.run(self)
    }

    fn abandon(&mut self, in_flight: NothingInFlight) {
        match in_flight {}
    }

    fn close_stream(&mut self, cursor: C::Cursor) {
        self.close_cursor(cursor);
    }
}

/// The rows of a query on a blocking connection, read a batch at a time and decoded one
/// by one: what [`stream`](super::RunQueryDsl::stream) returns there.
pub struct RowIter<'c, C: Executor, R: DecodeRow> {
    conn: &'c mut C,
    /// `None` once the query has ended.
    cursor: Option<C::Cursor>,
    /// The rows of the batch read last, not yet handed out.
    rows: std::collections::VecDeque<QueryResult<R::Output>>,
}

impl<C: Executor, R: DecodeRow> std::fmt::Debug for RowIter<'_, C, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowIter")
            .field("open", &self.cursor.is_some())
            .field("buffered", &self.rows.len())
            .finish_non_exhaustive()
    }
}

impl<C: Connection, R: DecodeRow> Iterator for RowIter<'_, C, R> {
    type Item = QueryResult<R::Output>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rows.is_empty() {
            let cursor = self.cursor.as_mut()?;
            let rows = &mut self.rows;
            let more = self.conn.cursor_rows(cursor, |row| {
                rows.push_back(R::decode(row, &mut 0));
                Ok(())
            });
            match more {
                Ok(true) => {}
                Ok(false) => self.cursor = None,
                Err(e) => {
                    if let Some(cursor) = self.cursor.take() {
                        self.conn.close_cursor(cursor);
                    }
                    return Some(Err(e));
                }
            }
        }
        let row = self.rows.pop_front()?;
        if row.is_err() {
            // A row that does not decode ends the stream: the rest is not read.
            self.rows.clear();
            if let Some(cursor) = self.cursor.take() {
                self.conn.close_cursor(cursor);
            }
        }
        Some(row)
    }
}

impl<C: Executor, R: DecodeRow> Drop for RowIter<'_, C, R> {
    fn drop(&mut self) {
        if let Some(cursor) = self.cursor.take() {
            self.conn.close_stream(cursor);
        }
    }
}

/// What a call on a connection does: run on a blocking connection, or become a request
/// that an async connection sends and take the rows of its answer.
#[doc(hidden)]
pub trait Task<DB: Backend> {
    /// What the call returns.
    type Output;

    /// Runs on a blocking connection.
    fn run<C: Connection<Backend = DB>>(self, conn: &mut C) -> QueryResult<Self::Output>;

    /// The statements an async connection sends, with their values owned.
    fn request(&mut self) -> QueryResult<Request>;

    /// Takes one row of the answer; `Break` when no more are wanted.
    fn row<R: Row>(&mut self, row: &R) -> QueryResult<ControlFlow<()>>;

    /// The result, once every statement has run; `changed` is the number of rows they
    /// changed.
    fn finish(&mut self, changed: usize) -> QueryResult<Self::Output>;
}

/// The statements a call sends, in order, with their values owned: what crosses to an
/// async connection's I/O (or its worker thread). More than one run in one transaction.
#[doc(hidden)]
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
#[derive(Debug, Default)]
pub struct Request {
    pub(crate) steps: Vec<Step>,
    /// Whether the caller takes rows (a query, `RETURNING`) rather than a count.
    pub(crate) rows: bool,
}

/// One statement of a [`Request`].
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct Step {
    pub(crate) sql: String,
    pub(crate) binds: Vec<OwnedValue>,
}

impl Request {
    /// A request of one statement.
    pub(crate) fn one(sql: String, binds: Vec<OwnedValue>, rows: bool) -> Self {
        Request {
            steps: vec![Step { sql, binds }],
            rows,
        }
    }

    /// A request of statements without parameters, run in one transaction (DDL).
    pub(crate) fn statements(statements: Vec<String>) -> Self {
        Request {
            steps: statements
                .into_iter()
                .map(|sql| Step {
                    sql,
                    binds: Vec::new(),
                })
                .collect(),
            rows: false,
        }
    }

    /// A request of SQL text and values as the blocking API takes them, for code that
    /// drives an async connection through blocking calls (test harnesses).
    #[doc(hidden)]
    pub fn from_sql(sql: &str, binds: &[crate::types::BindValue<'_>], rows: bool) -> Self {
        Request::one(
            sql.to_owned(),
            binds.iter().map(OwnedValue::from_ref).collect(),
            rows,
        )
    }

    /// The one statement of a request that must have one (a stream).
    pub(crate) fn into_one(self) -> QueryResult<Step> {
        let mut steps = self.steps;
        match (steps.pop(), steps.is_empty()) {
            (Some(step), true) => Ok(step),
            _ => Err(Error::InvalidQuery(
                "a stream reads the rows of one statement".into(),
            )),
        }
    }

    /// The request that runs `query` once.
    pub(crate) fn of_query<DB: Backend, Q: QueryFragment<DB> + ?Sized>(
        query: &Q,
    ) -> QueryResult<Self> {
        let mut out = SqlWriter::new::<DB>();
        query.walk(&mut out);
        out.check()?;
        let binds = out.binds().iter().map(OwnedValue::from_ref).collect();
        let (sql, _) = out.into_parts();
        Ok(Request::one(sql, binds, true))
    }

    /// The request that runs every statement of `plan`.
    fn of_plan<'a, DB: Backend, P: Plan<'a, DB>>(mut plan: P, rows: bool) -> QueryResult<Self> {
        let mut out = SqlWriter::new::<DB>();
        let mut steps = Vec::with_capacity(plan.statements());
        for index in 0..plan.statements() {
            let given = plan.write(index, &mut out)?;
            out.check()?;
            let binds = match given {
                Some(values) => {
                    let mut list = Vec::with_capacity(values.size_hint());
                    values.give(&mut list);
                    list.into_iter().map(OwnedValue::from_bind).collect()
                }
                None => out.binds().iter().map(OwnedValue::from_ref).collect(),
            };
            steps.push(Step {
                sql: out.sql().to_owned(),
                binds,
            });
        }
        Ok(Request { steps, rows })
    }
}

/// `load` of a typed query: every row.
#[doc(hidden)]
pub struct Load<Q: Query> {
    query: Q,
    rows: Vec<<Q::Row as DecodeRow>::Output>,
}

impl<Q: Query> Load<Q> {
    pub(crate) fn new(query: Q) -> Self {
        Load {
            query,
            rows: Vec::new(),
        }
    }
}

impl<DB: Backend, Q: Query + QueryFragment<DB>> Task<DB> for Load<Q> {
    type Output = Vec<<Q::Row as DecodeRow>::Output>;

    fn run<C: Connection<Backend = DB>>(mut self, conn: &mut C) -> QueryResult<Self::Output> {
        run::for_each_row_of_query(conn, &self.query, |row| {
            self.rows.push(Q::Row::decode(row, &mut 0)?);
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(self.rows)
    }

    fn request(&mut self) -> QueryResult<Request> {
        Request::of_query::<DB, Q>(&self.query)
    }

    fn row<R: Row>(&mut self, row: &R) -> QueryResult<ControlFlow<()>> {
        self.rows.push(Q::Row::decode(row, &mut 0)?);
        Ok(ControlFlow::Continue(()))
    }

    fn finish(&mut self, _changed: usize) -> QueryResult<Self::Output> {
        Ok(std::mem::take(&mut self.rows))
    }
}

/// `first` and `get_result` of a typed query: the first row, or [`Error::NotFound`].
#[doc(hidden)]
pub struct First<Q: Query> {
    query: Q,
    row: Option<<Q::Row as DecodeRow>::Output>,
}

impl<Q: Query> First<Q> {
    pub(crate) fn new(query: Q) -> Self {
        First { query, row: None }
    }
}

impl<DB: Backend, Q: Query + QueryFragment<DB>> Task<DB> for First<Q> {
    type Output = <Q::Row as DecodeRow>::Output;

    fn run<C: Connection<Backend = DB>>(self, conn: &mut C) -> QueryResult<Self::Output> {
        run::first_of_query::<Q::Row, _, _>(conn, &self.query)
    }

    fn request(&mut self) -> QueryResult<Request> {
        Request::of_query::<DB, Q>(&self.query)
    }

    fn row<R: Row>(&mut self, row: &R) -> QueryResult<ControlFlow<()>> {
        self.row = Some(Q::Row::decode(row, &mut 0)?);
        Ok(ControlFlow::Break(()))
    }

    fn finish(&mut self, _changed: usize) -> QueryResult<Self::Output> {
        self.row.take().ok_or(Error::NotFound)
    }
}

/// `execute` of a statement that changes data: the number of rows changed.
#[doc(hidden)]
pub struct Execute<'s, S> {
    statement: &'s S,
}

impl<'s, S> Execute<'s, S> {
    pub(crate) fn new(statement: &'s S) -> Self {
        Execute { statement }
    }
}

impl<DB: Backend, S: Runnable<DB>> Task<DB> for Execute<'_, S> {
    type Output = usize;

    fn run<C: Connection<Backend = DB>>(self, conn: &mut C) -> QueryResult<usize> {
        run::execute(conn, self.statement.plan(false)?)
    }

    fn request(&mut self) -> QueryResult<Request> {
        Request::of_plan(self.statement.plan(false)?, false)
    }

    fn row<R: Row>(&mut self, _row: &R) -> QueryResult<ControlFlow<()>> {
        Ok(ControlFlow::Continue(()))
    }

    fn finish(&mut self, changed: usize) -> QueryResult<usize> {
        Ok(changed)
    }
}

/// `get_results` of a statement that changes data: the rows it returns.
#[doc(hidden)]
pub struct Returning<'s, S: Runnable<DB>, DB: Backend> {
    statement: &'s S,
    rows: Vec<<S::Returned as DecodeRow>::Output>,
}

impl<'s, S: Runnable<DB>, DB: Backend> Returning<'s, S, DB> {
    pub(crate) fn new(statement: &'s S) -> Self {
        Returning {
            statement,
            rows: Vec::new(),
        }
    }
}

impl<DB: Backend, S: Runnable<DB>> Task<DB> for Returning<'_, S, DB> {
    type Output = Vec<<S::Returned as DecodeRow>::Output>;

    fn run<C: Connection<Backend = DB>>(self, conn: &mut C) -> QueryResult<Self::Output> {
        run::load::<S::Returned, _, _>(conn, self.statement.plan(true)?)
    }

    fn request(&mut self) -> QueryResult<Request> {
        Request::of_plan(self.statement.plan(true)?, true)
    }

    fn row<R: Row>(&mut self, row: &R) -> QueryResult<ControlFlow<()>> {
        self.rows.push(S::Returned::decode(row, &mut 0)?);
        Ok(ControlFlow::Continue(()))
    }

    fn finish(&mut self, _changed: usize) -> QueryResult<Self::Output> {
        Ok(std::mem::take(&mut self.rows))
    }
}

/// `get_result` of a statement that changes data: the first row it returns, or
/// [`Error::NotFound`]. Every row is still changed, and decoded (so checked).
#[doc(hidden)]
pub struct ReturningFirst<'s, S: Runnable<DB>, DB: Backend>(Returning<'s, S, DB>);

impl<'s, S: Runnable<DB>, DB: Backend> ReturningFirst<'s, S, DB> {
    pub(crate) fn new(statement: &'s S) -> Self {
        ReturningFirst(Returning::new(statement))
    }
}

impl<DB: Backend, S: Runnable<DB>> Task<DB> for ReturningFirst<'_, S, DB> {
    type Output = <S::Returned as DecodeRow>::Output;

    fn run<C: Connection<Backend = DB>>(self, conn: &mut C) -> QueryResult<Self::Output> {
        first_or_not_found(self.0.run(conn)?)
    }

    fn request(&mut self) -> QueryResult<Request> {
        self.0.request()
    }

    fn row<R: Row>(&mut self, row: &R) -> QueryResult<ControlFlow<()>> {
        self.0.row(row)
    }

    fn finish(&mut self, changed: usize) -> QueryResult<Self::Output> {
        first_or_not_found(self.0.finish(changed)?)
    }
}

fn first_or_not_found<T>(rows: Vec<T>) -> QueryResult<T> {
    rows.into_iter().next().ok_or(Error::NotFound)
}

/// `load` of SQL written by hand: every row, as `T`.
#[doc(hidden)]
pub struct SqlLoad<T> {
    query: SqlQuery,
    rows: Vec<T>,
}

impl<T> SqlLoad<T> {
    pub(crate) fn new(query: SqlQuery) -> Self {
        SqlLoad {
            query,
            rows: Vec::new(),
        }
    }
}

impl<DB: Backend, T: FromRow> Task<DB> for SqlLoad<T> {
    type Output = Vec<T>;

    fn run<C: Connection<Backend = DB>>(mut self, conn: &mut C) -> QueryResult<Vec<T>> {
        conn.query_sql(self.query.sql(), &self.query.bind_values(), |row| {
            self.rows
                .push(crate::query::sql_query::load_row::<T, _>(row)?);
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(self.rows)
    }

    fn request(&mut self) -> QueryResult<Request> {
        Ok(self.query.to_request(true))
    }

    fn row<R: Row>(&mut self, row: &R) -> QueryResult<ControlFlow<()>> {
        self.rows
            .push(crate::query::sql_query::load_row::<T, _>(row)?);
        Ok(ControlFlow::Continue(()))
    }

    fn finish(&mut self, _changed: usize) -> QueryResult<Vec<T>> {
        Ok(std::mem::take(&mut self.rows))
    }
}

/// `get_result` of SQL written by hand: the first row as `T`, or [`Error::NotFound`].
#[doc(hidden)]
pub struct SqlFirst<T> {
    query: SqlQuery,
    row: Option<T>,
}

impl<T> SqlFirst<T> {
    pub(crate) fn new(query: SqlQuery) -> Self {
        SqlFirst { query, row: None }
    }
}

impl<DB: Backend, T: FromRow> Task<DB> for SqlFirst<T> {
    type Output = T;

    fn run<C: Connection<Backend = DB>>(mut self, conn: &mut C) -> QueryResult<T> {
        conn.query_sql(self.query.sql(), &self.query.bind_values(), |row| {
            self.row = Some(crate::query::sql_query::load_row::<T, _>(row)?);
            Ok(ControlFlow::Break(()))
        })?;
        self.row.ok_or(Error::NotFound)
    }

    fn request(&mut self) -> QueryResult<Request> {
        Ok(self.query.to_request(true))
    }

    fn row<R: Row>(&mut self, row: &R) -> QueryResult<ControlFlow<()>> {
        self.row = Some(crate::query::sql_query::load_row::<T, _>(row)?);
        Ok(ControlFlow::Break(()))
    }

    fn finish(&mut self, _changed: usize) -> QueryResult<T> {
        self.row.take().ok_or(Error::NotFound)
    }
}

/// `execute` of SQL written by hand.
#[doc(hidden)]
pub struct SqlExecute<'s> {
    query: &'s SqlQuery,
}

impl<'s> SqlExecute<'s> {
    pub(crate) fn new(query: &'s SqlQuery) -> Self {
        SqlExecute { query }
    }
}

impl<DB: Backend> Task<DB> for SqlExecute<'_> {
    type Output = usize;

    fn run<C: Connection<Backend = DB>>(self, conn: &mut C) -> QueryResult<usize> {
        conn.execute_sql(self.query.sql(), &self.query.bind_values())
    }

    fn request(&mut self) -> QueryResult<Request> {
        Ok(self.query.to_request(false))
    }

    fn row<R: Row>(&mut self, _row: &R) -> QueryResult<ControlFlow<()>> {
        Ok(ControlFlow::Continue(()))
    }

    fn finish(&mut self, changed: usize) -> QueryResult<usize> {
        Ok(changed)
    }
}
