//! Subqueries and set operations: `eq_any(subquery)`, `exists`, scalar subqueries, and
//! `union`, `union_all`, `intersect`, `except`.
//!
//! A subquery is a complete query, checked against its own FROM clause; it stands in
//! the outer query as one expression (an `IN` list, a condition, a value).

use super::select::{DecodeRow, SelectClause, SelectList, SelectStatement};
use super::source::QuerySource;
use super::{AsQuery, Query, QueryFragment, SqlWriter};
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

/// A set operation between two queries: `UNION`, `UNION ALL`, `INTERSECT`, `EXCEPT`.
pub trait SetOperator {
    /// The keyword, with spaces.
    const SQL: &'static str;
    /// Whether it is `INTERSECT`, which PostgreSQL binds tighter than `UNION` and
    /// `EXCEPT` (SQLite reads them all from left to right).
    const INTERSECT: bool = false;
}

/// What a query is as an operand of a set operation.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOperand {
    /// A plain `SELECT`, which stands as it is.
    Simple,
    /// A `SELECT` with `ORDER BY`, `LIMIT` or `OFFSET`, which would apply to the whole
    /// combination, or not parse.
    Limited,
    /// A `SELECT` with a `WITH` clause: it may open a combination (its CTEs then serve
    /// every operand), but not follow an operator.
    Prelude,
    /// Another set operation; `intersect` when it is an `INTERSECT`.
    Combined {
        /// Whether it is an `INTERSECT`.
        intersect: bool,
    },
}

macro_rules! set_operators {
    ($($(#[$doc:meta])* $name:ident = $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl SetOperator for $name {
            const SQL: &'static str = $sql;
            const INTERSECT: bool = set_operators!(@intersect $name);
        }
    )*};
    (@intersect Intersect) => { true };
    (@intersect $other:ident) => { false };
}

set_operators! {
    /// `UNION`: the rows of both queries, without duplicates.
    Union = " UNION ";
    /// `UNION ALL`: the rows of both queries.
    UnionAll = " UNION ALL ";
    /// `INTERSECT`: the rows in both queries.
    Intersect = " INTERSECT ";
    /// `EXCEPT`: the rows of the first query that are not in the second.
    Except = " EXCEPT ";
}

/// `left op right`: two queries whose rows have the same types, combined.
#[derive(Debug, Clone, Copy)]
pub struct Combined<Op, L, R> {
    left: L,
    right: R,
    _op: std::marker::PhantomData<Op>,
}

impl<Op, L, R> Combined<Op, L, R> {
    pub(crate) fn new(left: L, right: R) -> Self {
        Combined {
            left,
            right,
            _op: std::marker::PhantomData,
        }
    }
}

/// Queries whose rows decode alike, so that a set operation can combine them.
#[diagnostic::on_unimplemented(
    message = "these queries return different row types and cannot be combined",
    label = "this query's rows are `{Self}`, the first query's are `{Other}`",
    note = "`union`, `intersect` and `except` need the same number of columns, of the same SQL types"
)]
pub trait SameRows<Other> {}

impl<R> SameRows<R> for R {}

impl<Op, L: Query, R> Query for Combined<Op, L, R>
where
    L::Row: DecodeRow,
{
    type Row = L::Row;
}

impl<Op, L: Query, R> AsQuery for Combined<Op, L, R> {
    type Query = Self;
    fn into_query(self) -> Self {
        self
    }
}

impl<Op, L, R, DB> QueryFragment<DB> for Combined<Op, L, R>
where
    Op: SetOperator,
    L: QueryFragment<DB>,
    R: QueryFragment<DB>,
    DB: Backend,
{
    fn set_operand(&self) -> SetOperand {
        SetOperand::Combined {
            intersect: Op::INTERSECT,
        }
    }

    /// Renders `left op right`, reading an operand as a subquery where it would
    /// otherwise lose its meaning: one with `ORDER BY`, `LIMIT` or `OFFSET`; one with a
    /// `WITH` clause on the right; a set operation on the right (both databases read
    /// them from left to right); and a `UNION` or `EXCEPT` on the left of an
    /// `INTERSECT`, which PostgreSQL would otherwise read as `a UNION (b INTERSECT c)`.
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let left = match self.left.set_operand() {
            SetOperand::Simple | SetOperand::Prelude => false,
            SetOperand::Limited => true,
            SetOperand::Combined { intersect } => Op::INTERSECT && !intersect,
        };
        walk_set_operand(&self.left, left, out);
        out.push_sql(Op::SQL);
        let right = self.right.set_operand() != SetOperand::Simple;
        walk_set_operand(&self.right, right, out);
    }
}

/// Renders an operand of a set operation, as `SELECT * FROM (…)` when `as_subquery`.
fn walk_set_operand<'a, Q: QueryFragment<DB>, DB: Backend>(
    operand: &'a Q,
    as_subquery: bool,
    out: &mut SqlWriter<'a>,
) {
    if as_subquery {
        out.push_sql("SELECT * FROM (");
        operand.walk(out);
        out.push_sql(") AS \"quarry_operand\"");
    } else {
        operand.walk(out);
    }
}

/// `union`, `union_all`, `intersect` and `except` on queries and combined queries.
pub trait CombineDsl: AsQuery + Sized {
    /// `self UNION other`: the rows of both, without duplicates.
    fn union<Q>(self, other: Q) -> Combined<Union, Self::Query, Q::Query>
    where
        Q: AsQuery,
        <Q::Query as Query>::Row: SameRows<<Self::Query as Query>::Row>,
    {
        Combined::new(self.into_query(), other.into_query())
    }

    /// `self UNION ALL other`: the rows of both, duplicates kept.
    fn union_all<Q>(self, other: Q) -> Combined<UnionAll, Self::Query, Q::Query>
    where
        Q: AsQuery,
        <Q::Query as Query>::Row: SameRows<<Self::Query as Query>::Row>,
    {
        Combined::new(self.into_query(), other.into_query())
    }

    /// `self INTERSECT other`: the rows in both.
    fn intersect<Q>(self, other: Q) -> Combined<Intersect, Self::Query, Q::Query>
    where
        Q: AsQuery,
        <Q::Query as Query>::Row: SameRows<<Self::Query as Query>::Row>,
    {
        Combined::new(self.into_query(), other.into_query())
    }

    /// `self EXCEPT other`: the rows of `self` that are not in `other`.
    fn except<Q>(self, other: Q) -> Combined<Except, Self::Query, Q::Query>
    where
        Q: AsQuery,
        <Q::Query as Query>::Row: SameRows<<Self::Query as Query>::Row>,
    {
        Combined::new(self.into_query(), other.into_query())
    }
}

impl<T: AsQuery> CombineDsl for T {}

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
