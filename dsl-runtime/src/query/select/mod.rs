//! `SELECT` statements: the statement and how it renders (here), the builder
//! (`dsl`), what a select list is and how rows decode (`selection`), the WHERE and ORDER
//! BY clauses with LIMIT and OFFSET (`clauses`), and counts (`count`).

use super::boxed::{BoxOrder, BoxSelect, BoxWhere, BoxedSelect};
use super::group::{AddHaving, Grouped, NoHaving};
use super::join::{FromFragment, Join, JoinTarget};
use super::source::{Contains, Inner, Outer, QuerySource, Table};
use super::subquery::ScalarSubquery;
use super::{Query, QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::conn::Row;
use crate::error::{Error, QueryResult};
use crate::expr::{
    Aggregate, And, AsCondition, AsExpression, AsNullable, Between, Binary, Bound, CaseWhen, Cast,
    Coalesce, Combine, Constant, CurrentDate, DatePart, Eq, Expression, FunctionCall, GroupBy, In,
    IntoGroupList, IsNotNull, IsNull, Neg, NoGroupBy, Not, NotBetween, NotIn, Now, Or, Over,
    PerGroup, PerRow, Plain, SimpleCase, ValidGrouping, ValidIn,
};
use crate::types::{BindValue, BoolType, FromSql, Int8, Nullability, SqlType, SqlValue};
use std::marker::PhantomData;

mod clauses;
mod count;
mod dsl;
mod selection;

pub use clauses::*;
pub use count::*;
pub use dsl::*;
pub use selection::*;

/// A `SELECT` statement under construction.
///
/// Built from a table's query methods (`users::table.filter(…)`); each method checks
/// its argument against the tables of the FROM clause `F`. The type parameters record
/// the select list `S`, the WHERE clause `W` and the ORDER BY clause `O`.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run with `load`, `get_result`, `first` or `execute`"]
pub struct SelectStatement<F, S = DefaultSelect, W = NoWhere, O = NoOrder> {
    from: F,
    select: S,
    where_clause: W,
    order: O,
    limit: Option<i64>,
    offset: Option<i64>,
    distinct: bool,
}

impl<F: QuerySource> SelectStatement<F> {
    /// `SELECT * FROM from`, with the columns spelled out.
    pub fn new(from: F) -> Self {
        SelectStatement {
            from,
            select: DefaultSelect,
            where_clause: NoWhere,
            order: NoOrder,
            limit: None,
            offset: None,
            distinct: false,
        }
    }
}

impl<F: QuerySource, P> SelectStatement<F, DefaultSelect, WhereClause<P>> {
    /// `SELECT * FROM from WHERE predicate`, for predicates built by the runtime itself
    /// (a relation's `belonging_to`).
    pub(crate) fn filtered(from: F, predicate: P) -> Self {
        SelectStatement::new(from).map_where(|_| WhereClause::new(predicate))
    }
}

impl<F, S, W, O> SelectStatement<F, S, W, O> {
    /// The statement with its select list replaced by `select`, for select lists the
    /// runtime builds itself (the first statement of an eager load).
    pub(crate) fn replace_select<S2>(self, select: S2) -> SelectStatement<F, S2, W, O> {
        self.map_parts(|f| f, |_| select)
    }

    #[allow(clippy::type_complexity)]
    fn join<J, X, M>(self, target: J) -> SelectStatement<Join<F, J::Table, M, J::On>, S, W, O>
    where
        F: QuerySource,
        J: JoinTarget<F::List, X>,
    {
        let (table, on) = target.into_parts();
        self.map_parts(|from| Join::new(from, table, on), |s| s)
    }

    /// The statement with its FROM clause and select list transformed.
    fn map_parts<F2, S2>(
        self,
        from: impl FnOnce(F) -> F2,
        select: impl FnOnce(S) -> S2,
    ) -> SelectStatement<F2, S2, W, O> {
        SelectStatement {
            from: from(self.from),
            select: select(self.select),
            where_clause: self.where_clause,
            order: self.order,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
        }
    }

    /// The source and WHERE clause of a statement used as an update or delete target,
    /// or `None` when it has a limit, an offset or `distinct`, which such a target
    /// cannot keep.
    pub(crate) fn into_filter_parts(self) -> Option<(F, W)> {
        let plain = self.limit.is_none() && self.offset.is_none() && !self.distinct;
        plain.then_some((self.from, self.where_clause))
    }

    fn map_where<W2>(self, f: impl FnOnce(W) -> W2) -> SelectStatement<F, S, W2, O> {
        SelectStatement {
            from: self.from,
            select: self.select,
            where_clause: f(self.where_clause),
            order: self.order,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
        }
    }

    fn map_order<O2>(self, f: impl FnOnce(O) -> O2) -> SelectStatement<F, S, W, O2> {
        SelectStatement {
            from: self.from,
            select: self.select,
            where_clause: self.where_clause,
            order: f(self.order),
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
        }
    }
}

impl<F, S, W, O, DB> QueryFragment<DB> for SelectStatement<F, S, W, O>
where
    DB: Backend,
    F: QuerySource + FromFragment<DB>,
    S: SelectClauseFragment<F, DB>,
    W: ClauseFragment<DB>,
    O: ClauseFragment<DB>,
{
    fn set_operand(&self) -> super::SetOperand {
        if self.limit.is_some()
            || self.offset.is_some()
            || !ClauseFragment::<DB>::is_empty(&self.order)
        {
            super::SetOperand::Limited
        } else if FromFragment::<DB>::has_prelude(&self.from) {
            super::SetOperand::Prelude
        } else {
            super::SetOperand::Simple
        }
    }

    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.walk_with(out, false);
    }
}

impl<F, S, W, O> SelectStatement<F, S, W, O> {
    /// Renders the statement; `select_one` replaces a default select list by `1`, for a
    /// count of groups.
    fn walk_with<'a, DB>(&'a self, out: &mut SqlWriter<'a>, select_one: bool)
    where
        DB: Backend,
        F: QuerySource + FromFragment<DB>,
        S: SelectClauseFragment<F, DB>,
        W: ClauseFragment<DB>,
        O: ClauseFragment<DB>,
    {
        out.shape(u64::from(self.distinct) | (u64::from(select_one) << 1));
        FromFragment::<DB>::walk_prelude(&self.from, out);
        // DISTINCT ON already keeps one row of each group: a plain DISTINCT after it
        // adds nothing (and `DISTINCT DISTINCT ON` is not SQL).
        out.push_sql(if self.distinct && !S::DISTINCT_ON {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        if select_one && S::IS_DEFAULT {
            out.push_sql("1");
        } else {
            self.select.walk_select(&self.from, out);
        }
        out.push_sql(" FROM ");
        FromFragment::<DB>::walk_from(&self.from, out);
        self.where_clause.walk_clause(out);
        FromFragment::<DB>::walk_grouping(&self.from, out);
        self.order.walk_clause(out);
        walk_limit_offset::<DB>(self.limit, self.offset, out);
    }
}

impl<F: QuerySource, W, O> Query for SelectStatement<F, DefaultSelect, W, O> {
    type Row = F::DefaultSelection;
}

impl<F: QuerySource, E, W, O> Query for SelectStatement<F, DistinctOn<E, DefaultSelect>, W, O> {
    type Row = F::DefaultSelection;
}

impl<F: QuerySource, E, S, I, W, O> Query
    for SelectStatement<F, DistinctOn<E, SelectClause<S, I>>, W, O>
where
    S: SelectList<F::List, I>,
{
    type Row = S::Row;
}

impl<F: QuerySource, S, I, W, O> Query for SelectStatement<F, SelectClause<S, I>, W, O>
where
    S: SelectList<F::List, I>,
{
    type Row = S::Row;
}
