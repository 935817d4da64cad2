//! Running statements: the one place where a statement meets a connection.
//!
//! A statement never runs itself. It describes how it runs as a [`Plan`]: how many SQL
//! statements it sends, and how each is written (its SQL, and where its bind parameters
//! come from); several statements run in one transaction, so that a failure leaves none
//! behind. The drivers here, [`execute`] and [`for_each_row`], are the only code that
//! hands a rendered statement to a [`Connection`], and `for_each_row` is the one row
//! loop: every entry point of typed queries and writes (`load`, `get_result(s)`,
//! `first`, `execute`) goes through them. SQL written by hand (`sql_query`) needs no
//! rendering: `SqlQueryDsl` hands its text and values to the connection as they are. Typed queries go through
//! [`for_each_row_of_query`] first: on a connection that keeps statements by their type,
//! it finds the statement without rendering its SQL.
//!
//! Bind values stay borrowed from the statement (`BindValue<'a>`) on every path that
//! runs on the caller's thread. A connection whose database lives on another thread
//! turns a step's values into owned ones itself, when it sends them; nothing else pays
//! for a copy.

use super::{Connection, StatementKey};
use crate::backend::Backend;
use crate::error::{Error, QueryResult};
use crate::query::{BindSource, DecodeRow, QueryFragment, SqlWriter};
use std::ops::ControlFlow;

/// How a statement runs: the SQL statements it sends, in order.
///
/// `'a` is the lifetime of the statement the plan reads; the bind values each step
/// writes borrow from it.
#[doc(hidden)]
pub trait Plan<'a, DB: Backend> {
    /// Where a step's bind parameters come from when the step does not write them into
    /// its writer (a connection that binds each value as it is given needs no list).
    type Given: BindSource<'a>;

    /// How many SQL statements the plan sends; more than one run in one transaction.
    fn statements(&self) -> usize;

    /// Writes statement `index` into `out`, which holds what the previous step wrote
    /// (a plan may keep its SQL when it is the same). Returns the bind parameters when
    /// they are not written into `out`.
    fn write(&mut self, index: usize, out: &mut SqlWriter<'a>) -> QueryResult<Option<Self::Given>>;
}

/// A statement that changes data, run by [`ExecuteDsl`](super::ExecuteDsl): its plan,
/// with or without `RETURNING`, and how the rows it returns decode.
#[doc(hidden)]
pub trait Runnable<DB: Backend> {
    /// The rows `get_result(s)` returns: the `RETURNING` list, or every column.
    type Returned: DecodeRow;

    /// The plan that runs it.
    type Plan<'a>: Plan<'a, DB>
    where
        Self: 'a;

    /// Its plan; `returning` when the rows it changes are to be returned.
    fn plan(&self, returning: bool) -> QueryResult<Self::Plan<'_>>;
}

/// The bind source of plans that always write their values into the writer.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum NoValues {}

impl<'a> BindSource<'a> for NoValues {
    fn give<S: crate::query::BindSink<'a>>(&self, _sink: &mut S) {
        match *self {}
    }
    fn size_hint(&self) -> usize {
        match *self {}
    }
}

/// Runs every statement of `plan` and returns the number of rows they changed.
pub(crate) fn execute<'a, C, P>(conn: &mut C, mut plan: P) -> QueryResult<usize>
where
    C: Connection,
    P: Plan<'a, C::Backend>,
{
    let statements = plan.statements();
    let mut out = SqlWriter::new::<C::Backend>();
    let mut step = |conn: &mut C, index: usize| -> QueryResult<usize> {
        let given = plan.write(index, &mut out)?;
        out.check()?;
        match given {
            Some(values) => conn.execute_bound(out.sql(), &values),
            None => conn.execute_sql(out.sql(), out.binds()),
        }
    };
    match statements {
        0 => Ok(0),
        1 => step(conn, 0),
        many => {
            let mut all = |conn: &mut C| (0..many).map(|index| step(conn, index)).sum();
            in_one_transaction(conn, &mut all)
        }
    }
}

/// Runs `all` in one transaction. Through a `dyn` closure, so that the transaction
/// code is compiled once per connection type, not once per statement type.
fn in_one_transaction<C: Connection, T>(
    conn: &mut C,
    all: &mut dyn FnMut(&mut C) -> QueryResult<T>,
) -> QueryResult<T> {
    conn.transaction(all)
}

/// Runs every statement of `plan` and calls `f` with each row they return: the one row
/// loop. When `f` breaks, the rest of that statement's rows are not read; the plan's
/// other statements still run (a batch insert inserts every chunk).
pub(crate) fn for_each_row<'a, C, P, F>(conn: &mut C, mut plan: P, mut f: F) -> QueryResult<()>
where
    C: Connection,
    P: Plan<'a, C::Backend>,
    F: FnMut(&C::Row<'_>) -> QueryResult<ControlFlow<()>>,
{
    let statements = plan.statements();
    let mut out = SqlWriter::new::<C::Backend>();
    let mut step = |conn: &mut C, index: usize| -> QueryResult<()> {
        let given = plan.write(index, &mut out)?;
        out.check()?;
        match given {
            // Rows come back through the statement cache's query path, which reads its
            // values from a list.
            Some(values) => {
                let mut list = Vec::with_capacity(values.size_hint());
                values.give(&mut list);
                conn.query_sql(out.sql(), &list, &mut f)
            }
            None => conn.query_sql(out.sql(), out.binds(), &mut f),
        }
    };
    match statements {
        0 => Ok(()),
        1 => step(conn, 0),
        many => {
            let mut all = |conn: &mut C| (0..many).try_for_each(|index| step(conn, index));
            in_one_transaction(conn, &mut all)
        }
    }
}

/// Runs one statement that renders as a whole (a typed query, SQL written by hand) and
/// calls `f` with each row: the plan of one step, without the machinery of several.
pub(crate) fn query_one<C, Q, F>(conn: &mut C, query: &Q, f: F) -> QueryResult<()>
where
    C: Connection,
    Q: QueryFragment<C::Backend> + ?Sized,
    F: FnMut(&C::Row<'_>) -> QueryResult<ControlFlow<()>>,
{
    let mut out = SqlWriter::new::<C::Backend>();
    query.walk(&mut out);
    out.check()?;
    conn.query_sql(out.sql(), out.binds(), f)
}

/// Runs a typed query and calls `f` with each row, as [`for_each_row`] does. On a
/// connection that keeps statements by key, a query whose SQL follows from its type and
/// shape is found by that key: only its bind values are walked, and its SQL is rendered
/// only when the statement is prepared.
pub(crate) fn for_each_row_of_query<C, Q, F>(conn: &mut C, query: &Q, mut f: F) -> QueryResult<()>
where
    C: Connection,
    Q: QueryFragment<C::Backend>,
    F: FnMut(&C::Row<'_>) -> QueryResult<ControlFlow<()>>,
{
    // The connection's row loop takes `f` as a `dyn` closure on the paths other than the
    // keyed one, so that it is compiled once per connection type, not once per query.
    if !C::CACHES_BY_TYPE {
        return query_one(conn, query, &mut f as &mut RowFn<'_, C>);
    }
    let mut binds = SqlWriter::binds_only::<C::Backend>();
    query.walk(&mut binds);
    binds.check()?;
    let render = || {
        let mut out = SqlWriter::new::<C::Backend>();
        query.walk(&mut out);
        out.into_parts().0
    };
    match binds.statement_shape() {
        Some(shape) => conn.query_keyed(
            StatementKey::of::<Q>(shape),
            &render,
            binds.binds(),
            &mut f as &mut RowFn<'_, C>,
        ),
        // Found by its SQL text: the values are walked already.
        None => conn.query_sql(&render(), binds.binds(), &mut f as &mut RowFn<'_, C>),
    }
}

/// A row callback as a `dyn` closure.
type RowFn<'f, C> = dyn FnMut(&<C as Connection>::Row<'_>) -> QueryResult<ControlFlow<()>> + 'f;

/// The first row of a typed query, decoded as `R`, or [`Error::NotFound`].
pub(crate) fn first_of_query<R, C, Q>(conn: &mut C, query: &Q) -> QueryResult<R::Output>
where
    R: DecodeRow,
    C: Connection,
    Q: QueryFragment<C::Backend>,
{
    let mut first = None;
    for_each_row_of_query(conn, query, |row| {
        first = Some(R::decode(row, &mut 0)?);
        Ok(ControlFlow::Break(()))
    })?;
    first.ok_or(Error::NotFound)
}

/// Every row that `plan` returns, decoded as `R`.
pub(crate) fn load<'a, R, C, P>(conn: &mut C, plan: P) -> QueryResult<Vec<R::Output>>
where
    R: DecodeRow,
    C: Connection,
    P: Plan<'a, C::Backend>,
{
    let mut rows = Vec::new();
    for_each_row(conn, plan, |row| {
        rows.push(R::decode(row, &mut 0)?);
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(rows)
}
