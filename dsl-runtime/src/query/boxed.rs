//! [`BoxedSelect`]: a query whose filters, ordering and limits are chosen at run time.
//!
//! `into_boxed::<DB>()` turns a `SELECT` statement into one type, whatever filters are
//! added later, so that a query can be built up in branches and loops. Every column is
//! still checked against the tables of the query when it is added; only the shape of the
//! WHERE and ORDER BY clauses moves from the type to run time. Boxed queries are dynamic
//! SQL: their text may vary between runs.

use super::join::FromFragment;
use super::select::{OrderFragment, OrderTerm};
use super::source::QuerySource;
use super::{DecodeRow, Query, QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::expr::{AsCondition, ValidIn};
use std::marker::PhantomData;

/// How a filter joins the ones before it.
#[derive(Debug, Clone, Copy)]
enum Connective {
    And,
    Or,
}

type Fragment<'a, DB> = Box<dyn QueryFragment<DB> + 'a>;
type OrderPart<'a, DB> = Box<dyn OrderFragment<DB> + 'a>;

/// A `SELECT` on `F` for backend `DB`, loading rows with `R`, whose WHERE, ORDER BY,
/// LIMIT and OFFSET are values rather than types. Built by
/// [`QueryDsl::into_boxed`](super::QueryDsl::into_boxed).
///
/// Its methods below are also its impls of the builder traits of [`dsl`](crate::dsl)
/// ([`FilterDsl`](crate::dsl::FilterDsl), [`OrderDsl`](crate::dsl::OrderDsl),
/// [`LimitDsl`](crate::dsl::LimitDsl), …), which tables and statements implement too,
/// so that a function generic over the query takes a boxed one as well.
pub struct BoxedSelect<'a, F, R, DB: Backend> {
    from: F,
    select: Fragment<'a, DB>,
    distinct: bool,
    filters: Vec<(Connective, Fragment<'a, DB>)>,
    order: Vec<OrderPart<'a, DB>>,
    limit: Option<i64>,
    offset: Option<i64>,
    _row: PhantomData<R>,
}

impl<F, R, DB: Backend> std::fmt::Debug for BoxedSelect<'_, F, R, DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoxedSelect")
            .field("filters", &self.filters.len())
            .field("order", &self.order.len())
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

impl<'a, F: QuerySource, R, DB: Backend> BoxedSelect<'a, F, R, DB> {
    pub(crate) fn new(
        from: F,
        select: Fragment<'a, DB>,
        distinct: bool,
        filter: Option<Fragment<'a, DB>>,
        order: Option<OrderPart<'a, DB>>,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Self {
        BoxedSelect {
            from,
            select,
            distinct,
            filters: filter.map(|f| (Connective::And, f)).into_iter().collect(),
            order: order.into_iter().collect(),
            limit,
            offset,
            _row: PhantomData,
        }
    }

    /// Keeps the rows for which `predicate` holds, AND-ed with the filters before it.
    pub fn filter<P, I, IG>(mut self, predicate: P) -> Self
    where
        P: AsCondition,
        P::Expression: ValidIn<F::List, I> + QueryFragment<DB> + 'a,
        P::Expression: crate::expr::PerRow<IG>,
    {
        self.filters
            .push((Connective::And, Box::new(predicate.into_condition())));
        self
    }

    /// Also keeps the rows for which `predicate` holds: OR-ed with the filters before it.
    pub fn or_filter<P, I, IG>(mut self, predicate: P) -> Self
    where
        P: AsCondition,
        P::Expression: ValidIn<F::List, I> + QueryFragment<DB> + 'a,
        P::Expression: crate::expr::PerRow<IG>,
    {
        self.filters
            .push((Connective::Or, Box::new(predicate.into_condition())));
        self
    }

    /// Orders by `terms`, replacing any earlier ordering.
    pub fn order_by<O, I>(mut self, terms: O) -> Self
    where
        O: OrderTerm + ValidIn<F::List, I> + OrderFragment<DB> + 'a,
    {
        self.order.clear();
        self.order.push(Box::new(terms));
        self
    }

    /// Orders by `terms` after the current ordering.
    pub fn then_order_by<O, I>(mut self, terms: O) -> Self
    where
        O: OrderTerm + ValidIn<F::List, I> + OrderFragment<DB> + 'a,
    {
        self.order.push(Box::new(terms));
        self
    }

    /// Returns at most `count` rows. A negative `count` is refused with
    /// [`Error::InvalidQuery`](crate::Error::InvalidQuery) when the query runs.
    pub fn limit(mut self, count: i64) -> Self {
        self.limit = Some(count);
        self
    }

    /// Skips the first `count` rows. A negative `count` is refused as for
    /// [`limit`](Self::limit).
    pub fn offset(mut self, count: i64) -> Self {
        self.offset = Some(count);
        self
    }
}

impl<'a, F: QuerySource, R: DecodeRow, DB: Backend> crate::conn::LimitOne
    for BoxedSelect<'a, F, R, DB>
{
    type Limited = Self;
    fn limit_one(self) -> Self {
        self.limit(1)
    }
}

impl<F: QuerySource, R: DecodeRow, DB: Backend> Query for BoxedSelect<'_, F, R, DB> {
    type Row = R;
}

impl<F: QuerySource, R: DecodeRow, DB: Backend> super::AsQuery for BoxedSelect<'_, F, R, DB> {
    type Query = Self;
    fn into_query(self) -> Self {
        self
    }
}

impl<F, R, DB> QueryFragment<DB> for BoxedSelect<'_, F, R, DB>
where
    F: QuerySource + FromFragment<DB>,
    DB: Backend,
{
    fn set_operand(&self) -> super::SetOperand {
        if self.limit.is_some() || self.offset.is_some() || !self.order.is_empty() {
            super::SetOperand::Limited
        } else if self.from.has_prelude() {
            super::SetOperand::Prelude
        } else {
            super::SetOperand::Simple
        }
    }

    fn walk<'b>(&'b self, out: &mut SqlWriter<'b>) {
        // Its filters and ordering are chosen at run time, behind one type.
        out.dynamic();
        self.from.walk_prelude(out);
        out.push_sql(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        self.select.walk(out);
        out.push_sql(" FROM ");
        self.from.walk_from(out);
        if !self.filters.is_empty() {
            // Each connective applies to all the filters before it: `((a AND b) OR c)`.
            out.push_sql(" WHERE ");
            for _ in 1..self.filters.len() {
                out.push_sql("(");
            }
            for (i, (connective, filter)) in self.filters.iter().enumerate() {
                if i > 0 {
                    out.push_sql(match connective {
                        Connective::And => " AND ",
                        Connective::Or => " OR ",
                    });
                }
                filter.walk(out);
                if i > 0 {
                    out.push_sql(")");
                }
            }
        }
        for (i, term) in self.order.iter().enumerate() {
            out.push_sql(if i == 0 { " ORDER BY " } else { ", " });
            term.walk_order(out);
        }
        super::select::walk_limit_offset::<DB>(self.limit, self.offset, out);
    }
}

/// The select list of a statement being boxed.
#[diagnostic::on_unimplemented(
    message = "a query with `distinct_on` cannot be boxed",
    label = "box the query before `distinct_on`, or do not box it"
)]
pub trait BoxSelect<'a, F, DB: Backend> {
    /// The select list as a fragment, for a query reading from `from`.
    fn boxed(self, from: &F) -> Fragment<'a, DB>;
}

impl<'a, F: QuerySource, DB: Backend> BoxSelect<'a, F, DB> for super::DefaultSelect {
    fn boxed(self, from: &F) -> Fragment<'a, DB> {
        // Rendered from the FROM clause itself, as the unboxed query does: an alias's
        // columns are named by the alias, which the types alone do not give.
        let mut columns = SqlWriter::new::<DB>();
        from.walk_default_selection(&mut columns);
        Box::new(ColumnsSql(columns.into_parts().0))
    }
}

impl<'a, F, S: QueryFragment<DB> + 'a, I, DB: Backend> BoxSelect<'a, F, DB>
    for super::SelectClause<S, I>
{
    fn boxed(self, _from: &F) -> Fragment<'a, DB> {
        Box::new(self.into_items())
    }
}

/// The SQL of a default select list, rendered when the query was boxed: column names
/// only, no bind parameters.
struct ColumnsSql(String);

impl<DB: Backend> QueryFragment<DB> for ColumnsSql {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(&self.0);
    }
}

/// The WHERE clause of a statement being boxed.
pub trait BoxWhere<'a, DB: Backend> {
    /// The condition, if any.
    fn boxed(self) -> Option<Fragment<'a, DB>>;
}

impl<'a, DB: Backend> BoxWhere<'a, DB> for super::NoWhere {
    fn boxed(self) -> Option<Fragment<'a, DB>> {
        None
    }
}

impl<'a, P: QueryFragment<DB> + 'a, DB: Backend> BoxWhere<'a, DB> for super::WhereClause<P> {
    fn boxed(self) -> Option<Fragment<'a, DB>> {
        Some(Box::new(self.into_predicate()))
    }
}

/// The ORDER BY clause of a statement being boxed.
pub trait BoxOrder<'a, DB: Backend> {
    /// The ordering, if any.
    fn boxed(self) -> Option<OrderPart<'a, DB>>;
}

impl<'a, DB: Backend> BoxOrder<'a, DB> for super::NoOrder {
    fn boxed(self) -> Option<OrderPart<'a, DB>> {
        None
    }
}

impl<'a, O: OrderFragment<DB> + 'a, DB: Backend> BoxOrder<'a, DB> for super::OrderClause<O> {
    fn boxed(self) -> Option<OrderPart<'a, DB>> {
        Some(Box::new(self.into_terms()))
    }
}
