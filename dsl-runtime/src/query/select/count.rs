//! `COUNT(*)`, and `count()`: the number of rows a query would return.
use super::*;

/// `COUNT(*)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountStar;

impl Expression for CountStar {
    type SqlType = Int8;
}

impl AsExpression<Int8> for CountStar {
    type Expression = Self;
    fn into_expression(self) -> Self {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<QS> ValidIn<QS, ()> for CountStar {
    type Nullability = crate::types::NotNull;
}

impl<GB: crate::expr::GroupingContext> ValidGrouping<GB, ()> for CountStar {
    type Kind = GB::Aggregate;
}

impl<DB: Backend> QueryFragment<DB> for CountStar {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("COUNT(*)");
    }
}

/// `SELECT COUNT(*)` of the rows of a query, built by [`QueryDsl::count`].
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run with `get_result` or `load`"]
pub struct CountQuery<Q>(pub(super) Q);

impl<Q> Query for CountQuery<Q> {
    type Row = Int8;
}

impl<Q> crate::query::AsQuery for CountQuery<Q> {
    type Query = Self;
    fn into_query(self) -> Self {
        self
    }
}

impl<F, S, W, O, DB> QueryFragment<DB> for CountQuery<SelectStatement<F, S, W, O>>
where
    DB: Backend,
    F: QuerySource + FromFragment<DB>,
    S: SelectClauseFragment<F, DB>,
    W: ClauseFragment<DB>,
    O: ClauseFragment<DB>,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let q = &self.0;
        let subquery =
            q.limit.is_some() || q.offset.is_some() || q.distinct || S::DISTINCT_ON || F::GROUPED;
        out.shape(u64::from(subquery));
        if subquery {
            out.push_sql("SELECT COUNT(*) FROM (");
            // A grouped query's default select list names ungrouped columns; the count
            // of its groups needs none of them.
            q.walk_with(out, F::GROUPED && !q.distinct);
            out.push_sql(") AS \"counted\"");
        } else {
            // Ordering does not change a count: leave it out.
            FromFragment::<DB>::walk_prelude(&q.from, out);
            out.push_sql("SELECT COUNT(*) FROM ");
            FromFragment::<DB>::walk_from(&q.from, out);
            q.where_clause.walk_clause(out);
        }
    }
}
