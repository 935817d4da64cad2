//! Common table expressions: `WITH name AS (query) SELECT … FROM name`, and
//! `WITH RECURSIVE`.
//!
//! A CTE's shape is declared with `table!`, like any table; [`with`] binds that table to
//! the query that fills it, checking that the query's rows have the table's column
//! types. The result reads from the CTE as from a table: filter it, select from it, join
//! it.

use super::join::FromFragment;
use super::select::{DecodeRow, DefaultSelect, NoOrder, NoWhere, QueryDsl, SelectStatement};
use super::source::{Entry, Inner, QuerySource, Table};
use super::{AsQuery, Query, QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::expr::NoGroupBy;

/// `WITH [RECURSIVE] table AS (query)`, read as `table`.
#[derive(Debug, Clone, Copy)]
pub struct With<T, Q, const RECURSIVE: bool> {
    table: T,
    query: Q,
}

/// The rows of a query fit the columns of a CTE's table.
#[diagnostic::on_unimplemented(
    message = "the query's rows do not fit the columns of the CTE's table",
    label = "its rows load as `{Self}`, the table's as `{Columns}`",
    note = "select the table's columns, in declaration order, with the same SQL types"
)]
pub trait FitsColumns<Columns> {}

impl<T> FitsColumns<T> for T {}

/// `WITH table AS (query)`: `table` (declared with `table!`) holds the rows of `query`,
/// whose selection must have the table's column types, in order.
pub fn with<T, Q>(table: T, query: Q) -> With<T, Q::Query, false>
where
    T: Table,
    T::AllColumns: DecodeRow,
    Q: AsQuery,
    <<Q::Query as Query>::Row as DecodeRow>::Output:
        FitsColumns<<T::AllColumns as DecodeRow>::Output>,
{
    With {
        table,
        query: query.into_query(),
    }
}

/// `WITH RECURSIVE table AS (query)`: as [`with`], where `query` may read `table` itself,
/// typically `base.union_all(step)` with `step` reading from `table`.
pub fn with_recursive<T, Q>(table: T, query: Q) -> With<T, Q::Query, true>
where
    T: Table,
    T::AllColumns: DecodeRow,
    Q: AsQuery,
    <<Q::Query as Query>::Row as DecodeRow>::Output:
        FitsColumns<<T::AllColumns as DecodeRow>::Output>,
{
    With {
        table,
        query: query.into_query(),
    }
}

impl<T: Table, Q, const R: bool> QuerySource for With<T, Q, R>
where
    T::AllColumns: DecodeRow,
{
    type List = (Entry<T, Inner>, ());
    type DefaultRows = (T::AllColumns, ());
    type DefaultSelection = T::AllColumns;
    type GroupBy = NoGroupBy;

    fn walk_default_selection(&self, out: &mut SqlWriter<'_>) {
        out.push_sql(T::ALL_COLUMNS_SQL);
    }
}

impl<T: Table + FromFragment<DB>, Q: QueryFragment<DB>, DB: Backend, const R: bool> FromFragment<DB>
    for With<T, Q, R>
{
    fn walk_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        FromFragment::<DB>::walk_from(&self.table, out);
    }

    fn has_prelude(&self) -> bool {
        true
    }

    fn walk_prelude<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(if R { "WITH RECURSIVE " } else { "WITH " });
        out.push_sql(T::QUOTED);
        out.push_sql(" (");
        for (i, name) in T::COLUMN_NAMES.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_identifier(name);
        }
        out.push_sql(") AS (");
        self.query.walk(out);
        out.push_sql(") ");
    }
}

impl<T: Table, Q, const R: bool> QueryDsl for With<T, Q, R>
where
    T::AllColumns: DecodeRow,
{
    type From = Self;
    type Select = DefaultSelect;
    type Where = NoWhere;
    type Order = NoOrder;

    fn into_select(self) -> SelectStatement<Self> {
        SelectStatement::new(self)
    }
}
