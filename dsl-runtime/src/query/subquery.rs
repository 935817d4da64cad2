//! Subqueries: `eq_any(subquery)`, `exists`, scalar subqueries (set operations are in
//! `combine`).
//!
//! A subquery is a complete query, checked against its own FROM clause; it stands in
//! the outer query as one expression (an `IN` list, a condition, a value).

use super::select::{DecodeRow, SelectClause, SelectList, SelectStatement};
use super::source::QuerySource;
use super::{AsQuery, QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::expr::{AsExpression, Bound, Constant, Expression, In, NotIn, ValidGrouping, ValidIn};
use crate::types::{Bool, NotNull, NotNullType, Nullable, SqlType};

/// SQL types that compare with `ST`: `ST` itself and its nullable or NOT NULL variant.
pub trait ComparableWith<ST> {}

impl<ST: SqlType> ComparableWith<ST> for ST {}
impl<ST: NotNullType> ComparableWith<ST> for Nullable<ST> {}
impl<ST: NotNullType> ComparableWith<Nullable<ST>> for ST {}

/// A one-column `SELECT` whose values have SQL type `ST`, usable as a subquery.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a one-column query of SQL type `{ST}`",
    label = "expected a list of values, or a query selecting one column of type `{ST}`",
    note = "a subquery in `eq_any`/`ne_all` selects exactly one expression: `posts::table.select(posts::user_id)`"
)]
pub trait SingleColumnQuery<ST> {}

impl<F, S, I, W, O, ST> SingleColumnQuery<ST> for SelectStatement<F, SelectClause<S, I>, W, O>
where
    F: QuerySource,
    S: Expression + SelectList<F::List, I>,
    S::SqlType: ComparableWith<ST>,
{
}

/// What `eq_any` and `ne_all` take: values (a `Vec`, an array, a slice, any iterator),
/// sent as bind parameters, or a one-column subquery.
#[diagnostic::on_unimplemented(
    message = "`eq_any`/`ne_all` take values of SQL type `{ST}`, or a query selecting one column of that type",
    label = "not a list of `{ST}` values, nor a one-column query of `{ST}`"
)]
pub trait InArgument<E, ST> {
    /// `expr IN (…)`.
    type In;
    /// `expr NOT IN (…)`.
    type NotIn;
    /// Builds `expr IN (…)`.
    fn eq_any(self, expr: E) -> Self::In;
    /// Builds `expr NOT IN (…)`.
    fn ne_all(self, expr: E) -> Self::NotIn;
}

impl<E, ST, V> InArgument<E, ST> for V
where
    V: IntoIterator,
    V::Item: AsExpression<ST, Expression = Bound<ST, V::Item>>,
    ST: SqlType,
{
    type In = In<E, ST, V::Item>;
    type NotIn = NotIn<E, ST, V::Item>;

    fn eq_any(self, expr: E) -> Self::In {
        In {
            expr,
            values: self
                .into_iter()
                .map(AsExpression::into_expression)
                .collect(),
        }
    }

    fn ne_all(self, expr: E) -> Self::NotIn {
        NotIn {
            expr,
            values: self
                .into_iter()
                .map(AsExpression::into_expression)
                .collect(),
        }
    }
}

impl<E, ST, F, S, W, O> InArgument<E, ST> for SelectStatement<F, S, W, O>
where
    Self: SingleColumnQuery<ST>,
{
    type In = InSubquery<E, Self, false>;
    type NotIn = InSubquery<E, Self, true>;

    fn eq_any(self, expr: E) -> Self::In {
        InSubquery { expr, query: self }
    }

    fn ne_all(self, expr: E) -> Self::NotIn {
        InSubquery { expr, query: self }
    }
}

/// `expr IN (subquery)`, or `expr NOT IN (subquery)` when `NEGATED`.
#[derive(Debug, Clone, Copy)]
pub struct InSubquery<E, Q, const NEGATED: bool> {
    expr: E,
    query: Q,
}

impl<E: Expression, Q, const N: bool> Expression for InSubquery<E, Q, N> {
    type SqlType = <<E::SqlType as SqlType>::Nullability as crate::types::Nullability>::Apply<Bool>;
}

impl<E: ValidIn<QS, I>, Q, QS, I, const N: bool> ValidIn<QS, I> for InSubquery<E, Q, N> {
    type Nullability = E::Nullability;
}

impl<E: ValidGrouping<GB, I>, Q, GB, I, const N: bool> ValidGrouping<GB, I>
    for InSubquery<E, Q, N>
{
    type Kind = E::Kind;
}

impl<E, Q, DB, const N: bool> QueryFragment<DB> for InSubquery<E, Q, N>
where
    E: QueryFragment<DB>,
    Q: QueryFragment<DB>,
    DB: Backend,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.expr.walk(out);
        out.push_sql(if N { " NOT IN (" } else { " IN (" });
        self.query.walk(out);
        out.push_sql(")");
    }
}

/// `EXISTS (subquery)`, or `NOT EXISTS` when `NEGATED`.
#[derive(Debug, Clone, Copy)]
pub struct Exists<Q, const NEGATED: bool>(Q);

/// `EXISTS (query)`: whether `query` returns a row.
pub fn exists<Q: AsQuery>(query: Q) -> Exists<Q::Query, false> {
    Exists(query.into_query())
}

/// `NOT EXISTS (query)`: whether `query` returns no row.
pub fn not_exists<Q: AsQuery>(query: Q) -> Exists<Q::Query, true> {
    Exists(query.into_query())
}

impl<Q, const N: bool> Expression for Exists<Q, N> {
    type SqlType = Bool;
}

impl<Q, QS, const N: bool> ValidIn<QS, ()> for Exists<Q, N> {
    type Nullability = NotNull;
}

impl<Q, GB, const N: bool> ValidGrouping<GB, ()> for Exists<Q, N> {
    type Kind = Constant;
}

impl<Q: QueryFragment<DB>, DB: Backend, const N: bool> QueryFragment<DB> for Exists<Q, N> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(if N { "NOT EXISTS (" } else { "EXISTS (" });
        self.0.walk(out);
        out.push_sql(")");
    }
}

/// `(subquery)` as a single value: the first column of the query's only row, NULL when
/// it returns none. Built by [`QueryDsl::single_value`](super::QueryDsl::single_value).
#[derive(Debug, Clone, Copy)]
pub struct ScalarSubquery<Q, ST> {
    query: Q,
    _sql_type: std::marker::PhantomData<ST>,
}

impl<Q, ST> ScalarSubquery<Q, ST> {
    pub(crate) fn new(query: Q) -> Self {
        ScalarSubquery {
            query,
            _sql_type: std::marker::PhantomData,
        }
    }
}

impl<Q, ST: SqlType> Expression for ScalarSubquery<Q, ST> {
    type SqlType = ST::IntoNullable;
}

impl<Q, ST, QS> ValidIn<QS, ()> for ScalarSubquery<Q, ST> {
    type Nullability = NotNull;
}

impl<Q, ST, GB> ValidGrouping<GB, ()> for ScalarSubquery<Q, ST> {
    type Kind = Constant;
}

impl<Q: QueryFragment<DB>, ST, DB: Backend> QueryFragment<DB> for ScalarSubquery<Q, ST> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("(");
        self.query.walk(out);
        out.push_sql(")");
    }
}

/// Conditions built here select, convert and combine like other expressions.
macro_rules! negatable_condition {
    ($($ty:ident<$($param:ident),*>;)*) => {$(
        impl<$($param,)* QS, I, const N: bool> SelectList<QS, I> for $ty<$($param,)* N>
        where
            Self: Expression + ValidIn<QS, I>,
            <<Self as ValidIn<QS, I>>::Nullability as crate::types::Nullability>::Apply<
                <Self as Expression>::SqlType,
            >: DecodeRow,
        {
            type Row = <<Self as ValidIn<QS, I>>::Nullability as crate::types::Nullability>::Apply<
                <Self as Expression>::SqlType,
            >;
        }

        impl<$($param,)* const N: bool> AsExpression<<Self as Expression>::SqlType> for $ty<$($param,)* N>
        where
            Self: Expression,
        {
            type Expression = Self;
            fn into_expression(self) -> Self {
                self
            }
        }

        impl<$($param,)* const N: bool> crate::expr::AsCondition for $ty<$($param,)* N>
        where
            Self: Expression<SqlType: crate::types::BoolType>,
        {
            type Expression = Self;
            fn into_condition(self) -> Self {
                self
            }
        }
    )*};
}

negatable_condition! {
    InSubquery<E, Q>;
    Exists<Q>;
}

impl<Q, ST> crate::expr::AsExpression<<Self as Expression>::SqlType> for ScalarSubquery<Q, ST>
where
    Self: Expression,
{
    type Expression = Self;
    fn into_expression(self) -> Self {
        self
    }
}
