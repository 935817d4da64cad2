//! Aggregates (`count`, `sum`, `avg`, `min`, `max`) and the rules of grouping.
//!
//! Every expression has a grouping [`Kind`](ValidGrouping::Kind) for the query's GROUP
//! BY list `GB`: [`Plain`] (a bare column, one value per row), [`Aggregated`] (one value
//! per group) or [`Constant`] (a bind value, or a column of the GROUP BY list). A select
//! list combines the kinds of its parts; `Plain` with `Aggregated` has no combination,
//! which is the compile error for mixing aggregates and bare columns without
//! `group_by`. With `group_by`, a bare column is valid only if the GROUP BY list
//! contains it, proved like table membership: through a position index the compiler
//! infers, so the check costs no impl per pair of columns.

use super::{AsExpression, Expression, ValidIn, expression_as_itself};
use crate::backend::Backend;
use crate::query::{QueryFragment, SqlWriter};
use crate::types::{
    Bool, Float4, Float8, Int2, Int4, Int8, NotNull, Nullable, Numeric, SqlType, Text,
};
use std::marker::PhantomData;

/// One value per row: a column outside any aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plain;

/// One value per group: an aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Aggregated;

/// The same value for the whole group: a bind value, or a column of the GROUP BY list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Constant;

/// The grouping kind of an expression combined with one of kind `Other`.
#[diagnostic::on_unimplemented(
    message = "this query mixes aggregates (`count`, `sum`, `max`, …) with columns outside any aggregate",
    label = "a column here is neither aggregated nor in `group_by`",
    note = "add the columns to `.group_by(…)`, or use only aggregates in `select`"
)]
pub trait Combine<Other> {
    /// The combined kind.
    type Out;
}

macro_rules! combine {
    ($($a:ident + $b:ident = $out:ident;)*) => {$(
        impl Combine<$b> for $a {
            type Out = $out;
        }
    )*};
}

combine! {
    Plain + Plain = Plain;
    Plain + Constant = Plain;
    Constant + Plain = Plain;
    Aggregated + Aggregated = Aggregated;
    Aggregated + Constant = Aggregated;
    Constant + Aggregated = Aggregated;
    Constant + Constant = Constant;
}

combine! {
    NotPerRow + Aggregated = NotPerRow;
    Aggregated + NotPerRow = NotPerRow;
    NotPerRow + Plain = NotPerRow;
    NotPerRow + Constant = NotPerRow;
    NotPerRow + NotPerRow = NotPerRow;
    Plain + NotPerRow = NotPerRow;
    Constant + NotPerRow = NotPerRow;
}

/// The grouping kind of an aggregate or a window function in a WHERE condition
/// ([`InWhere`]): allowed nowhere there.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotPerRow;

/// The context of a `filter` condition for the grouping check: WHERE is evaluated on
/// each row, before rows are grouped and before window functions are computed.
#[derive(Debug, Clone, Copy, Default)]
pub struct InWhere;

/// Where an expression's grouping kind is asked: a select list, `having` or `order_by`
/// ([`NoGroupBy`], [`GroupBy`]), or a `filter` condition ([`InWhere`]); says what
/// kind an aggregate and a window function have there.
pub trait GroupingContext {
    /// The kind of an aggregate.
    type Aggregate;
    /// The kind of a window function.
    type Window;
}

impl GroupingContext for NoGroupBy {
    type Aggregate = Aggregated;
    type Window = Constant;
}

impl<G> GroupingContext for GroupBy<G> {
    type Aggregate = Aggregated;
    type Window = Constant;
}

impl GroupingContext for InWhere {
    type Aggregate = NotPerRow;
    type Window = NotPerRow;
}

/// The context of a `having` condition for the window check: after grouping, before
/// window functions are computed. (Its columns are checked against the GROUP BY list
/// separately; here every column counts as one value per group.)
#[derive(Debug, Clone, Copy, Default)]
pub struct InHaving;

impl GroupingContext for InHaving {
    type Aggregate = Aggregated;
    type Window = NotPerRow;
}

/// The grouping kinds a `having` condition may have: no window function in it.
#[diagnostic::on_unimplemented(
    message = "`having` cannot use a window function (`….over()`)",
    label = "HAVING is evaluated on each group, before windows are computed",
    note = "filter on a window function from a subquery or a CTE that computes it first"
)]
pub trait PerGroup<I> {}

/// One impl, so that an error names the rule, not the kinds behind it.
#[diagnostic::do_not_recommend]
impl<E, I> PerGroup<I> for E
where
    E: ValidGrouping<InHaving, I>,
    E::Kind: PerGroupKind,
{
}

/// [`Constant`] and [`Aggregated`].
#[doc(hidden)]
pub trait PerGroupKind {}

impl PerGroupKind for Constant {}
impl PerGroupKind for Aggregated {}

/// A `filter` condition: no aggregate and no window function anywhere in it. `I` is
/// an inferred position index for its grouping kinds.
#[diagnostic::on_unimplemented(
    message = "`filter` cannot use an aggregate (`count`, `sum`, `max`, …) or a window function (`….over()`)",
    label = "WHERE is evaluated on each row, before rows are grouped and windows computed",
    note = "a condition on an aggregate goes in `.having(…)` after `.group_by(…)`; one on a window function needs a subquery or a CTE that computes it first"
)]
pub trait PerRow<I> {}

/// One impl, so that an error names the rule, not the kinds behind it.
#[diagnostic::do_not_recommend]
impl<E, I> PerRow<I> for E
where
    E: ValidGrouping<InWhere, I>,
    E::Kind: PerRowKind,
{
}

/// What an aggregate aggregates: values of each row, so no aggregate and no window
/// function inside it (`sum(count(…))` is an error in SQL). Checked as a `filter`
/// condition is, where the same holds.
#[diagnostic::on_unimplemented(
    message = "an aggregate cannot contain another aggregate or a window function",
    label = "`count`, `sum`, `avg`, `min` and `max` aggregate a value of each row",
    note = "aggregate in a subquery or a CTE first, then aggregate its rows: `sum` over a CTE that selects `count(…)` per group"
)]
pub trait AggregateArgument<I> {}

/// One impl, so that an error names the rule, not the kinds behind it.
#[diagnostic::do_not_recommend]
impl<E, I> AggregateArgument<I> for E
where
    E: ValidGrouping<InWhere, I>,
    E::Kind: PerRowKind,
{
}

/// [`Plain`] and [`Constant`].
#[doc(hidden)]
pub trait PerRowKind {}

impl PerRowKind for Plain {}
impl PerRowKind for Constant {}

/// No GROUP BY clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoGroupBy;

/// `GROUP BY` the columns `G` (a column or a tuple of columns).
#[derive(Debug, Clone, Copy, Default)]
pub struct GroupBy<G>(PhantomData<G>);

/// The grouping kind of an expression in a query grouped by `GB`; `I` is an inferred
/// position index for the GROUP BY list.
#[diagnostic::on_unimplemented(
    message = "this selection mixes aggregates with columns that are neither aggregated nor in `group_by`",
    label = "each bare column here must be in `group_by`, or inside an aggregate",
    note = "without `group_by`, select only aggregates (`count`, `sum`, `max`, …) or none at all; with `group_by`, a column outside an aggregate must be in the GROUP BY list",
    note = "the selection is `{Self}`"
)]
pub trait ValidGrouping<GB, I> {
    /// [`Plain`], [`Aggregated`] or [`Constant`].
    type Kind;
}

/// The GROUP BY list `Self` (a type-level list of columns) contains column `C` at `I`.
#[diagnostic::on_unimplemented(
    message = "column `{C}` must appear in `group_by` or be used inside an aggregate",
    label = "this column is not in the GROUP BY list",
    note = "add it to `.group_by(…)`, or wrap it in an aggregate such as `max(…)`"
)]
pub trait GroupContains<C, I> {}

impl<C, Rest> GroupContains<C, crate::query::Here> for (C, Rest) {}

#[diagnostic::do_not_recommend]
impl<C, H, Rest, I> GroupContains<C, crate::query::There<I>> for (H, Rest) where
    Rest: GroupContains<C, I>
{
}

/// What `group_by` accepts: a column or a tuple of columns, as a type-level list.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a GROUP BY list",
    label = "expected a column or a tuple of columns"
)]
pub trait IntoGroupList {
    /// The columns, as `(A, (B, ()))`.
    type List;
}

impl<C: crate::query::Column> IntoGroupList for C {
    type List = (C, ());
}

macro_rules! group_lists {
    ($( ($($t:ident),+) ; )*) => {$(
        impl<$($t: crate::query::Column),+> IntoGroupList for ($($t,)+) {
            type List = group_lists!(@list $($t),+);
        }
    )*};
    (@list $head:ident $(, $rest:ident)*) => { ($head, group_lists!(@list $($rest),*)) };
    (@list) => { () };
}

group_lists! {
    (A);
    (A, B);
    (A, B, C);
    (A, B, C, D);
    (A, B, C, D, E);
    (A, B, C, D, E, F);
    (A, B, C, D, E, F, G);
    (A, B, C, D, E, F, G, H);
}

/// The SQL type of `sum`, per argument type: what both backends return, nullable (the
/// sum of no rows is NULL). Integers sum to `Int8`, except `Int8`, which PostgreSQL
/// sums to `numeric`.
#[diagnostic::on_unimplemented(
    message = "`sum` needs a numeric expression, but this one is `{Self}`",
    label = "cannot be summed"
)]
pub trait Summable: SqlType {
    /// The result type.
    type Sum: SqlType;
}

/// The SQL type of `avg`, per argument type: `Numeric` for integers and decimals (what
/// PostgreSQL returns, and what SQLite's REAL result also loads as), `Float8` for floats.
#[diagnostic::on_unimplemented(
    message = "`avg` needs a numeric expression, but this one is `{Self}`",
    label = "cannot be averaged"
)]
pub trait Averageable: SqlType {
    /// The result type.
    type Avg: SqlType;
}

macro_rules! numeric_results {
    ($($st:ty => sum $sum:ty, avg $avg:ty;)*) => {$(
        impl Summable for $st {
            type Sum = Nullable<$sum>;
        }
        impl Summable for Nullable<$st> {
            type Sum = Nullable<$sum>;
        }
        impl Averageable for $st {
            type Avg = Nullable<$avg>;
        }
        impl Averageable for Nullable<$st> {
            type Avg = Nullable<$avg>;
        }
    )*};
}

numeric_results! {
    Int2 => sum Int8, avg Numeric;
    Int4 => sum Int8, avg Numeric;
    Int8 => sum Numeric, avg Numeric;
    Float4 => sum Float8, avg Float8;
    Float8 => sum Float8, avg Float8;
    Numeric => sum Numeric, avg Numeric;
}

/// Types `min` and `max` apply to: those with an order.
#[diagnostic::on_unimplemented(
    message = "`min`/`max` need an ordered type, but this one is `{Self}`",
    label = "has no order"
)]
pub trait Ordered: SqlType {}

macro_rules! ordered {
    ($($st:ty),*) => {$(
        impl Ordered for $st {}
        impl Ordered for Nullable<$st> {}
    )*};
}

ordered!(
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text,
    crate::types::Timestamp,
    crate::types::Timestamptz,
    crate::types::Date,
    crate::types::Time
);

/// The SQL name of one aggregate function.
pub trait AggregateFunction {
    /// The SQL before the argument, such as `SUM(`.
    const OPEN: &'static str;
}

/// `name(expr)`: an aggregate over the rows of a group.
#[derive(Debug, Clone, Copy, Default)]
pub struct Aggregate<F, E> {
    expr: E,
    _function: PhantomData<F>,
}

impl<F, E> Aggregate<F, E> {
    fn new(expr: E) -> Self {
        Aggregate {
            expr,
            _function: PhantomData,
        }
    }
}

impl<F, E: ValidIn<QS, I>, QS, I> ValidIn<QS, I> for Aggregate<F, E> {
    // An aggregate over a left-joined column is nullable in its own SQL type already
    // (`sum`, `max`, …), or never NULL (`count`).
    type Nullability = NotNull;
}

impl<F, E, GB: GroupingContext> ValidGrouping<GB, ()> for Aggregate<F, E> {
    type Kind = GB::Aggregate;
}

impl<F: AggregateFunction, E: QueryFragment<DB>, DB: Backend> QueryFragment<DB>
    for Aggregate<F, E>
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(F::OPEN);
        self.expr.walk(out);
        out.push_sql(")");
    }
}

expression_as_itself! {
    Aggregate<F, E>;
}

macro_rules! aggregate_functions {
    ($($(#[$doc:meta])* $name:ident = $open:literal, |$e:ident: $bound:path| $out:ty;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl AggregateFunction for $name {
            const OPEN: &'static str = $open;
        }

        impl<$e: Expression> Expression for Aggregate<$name, $e>
        where
            $e::SqlType: $bound,
        {
            type SqlType = $out;
        }
    )*};
}

aggregate_functions! {
    /// `COUNT(expr)`: the rows where `expr` is not NULL.
    Count = "COUNT(", |E: SqlType| Int8;
    /// `COUNT(DISTINCT expr)`.
    CountDistinct = "COUNT(DISTINCT ", |E: SqlType| Int8;
    /// `SUM(expr)`.
    Sum = "SUM(", |E: Summable| <E::SqlType as Summable>::Sum;
    /// `AVG(expr)`.
    Avg = "AVG(", |E: Averageable| <E::SqlType as Averageable>::Avg;
    /// `MIN(expr)`.
    Min = "MIN(", |E: Ordered| <E::SqlType as SqlType>::IntoNullable;
    /// `MAX(expr)`.
    Max = "MAX(", |E: Ordered| <E::SqlType as SqlType>::IntoNullable;
}

/// `COUNT(*)` as a function: `select(count_star())`.
pub fn count_star() -> crate::query::CountStar {
    crate::query::CountStar
}

/// `COUNT(expr)`: the rows of the group where `expr` is not NULL.
pub fn count<E: Expression + AggregateArgument<I>, I>(expr: E) -> Aggregate<Count, E> {
    Aggregate::new(expr)
}

/// `COUNT(DISTINCT expr)`: the distinct non-NULL values of `expr` in the group.
pub fn count_distinct<E: Expression + AggregateArgument<I>, I>(
    expr: E,
) -> Aggregate<CountDistinct, E> {
    Aggregate::new(expr)
}

/// `SUM(expr)`: NULL for a group without non-NULL values. Integers sum to `Int8`
/// (`Int8` itself to `Numeric`), floats to `Float8`.
pub fn sum<E, I>(expr: E) -> Aggregate<Sum, E>
where
    E: Expression<SqlType: Summable> + AggregateArgument<I>,
{
    Aggregate::new(expr)
}

/// `AVG(expr)`: `Numeric` for integers and decimals, `Float8` for floats; NULL for a
/// group without non-NULL values.
pub fn avg<E, I>(expr: E) -> Aggregate<Avg, E>
where
    E: Expression<SqlType: Averageable> + AggregateArgument<I>,
{
    Aggregate::new(expr)
}

/// `MIN(expr)`, nullable.
pub fn min<E, I>(expr: E) -> Aggregate<Min, E>
where
    E: Expression<SqlType: Ordered> + AggregateArgument<I>,
{
    Aggregate::new(expr)
}

/// `MAX(expr)`, nullable.
pub fn max<E, I>(expr: E) -> Aggregate<Max, E>
where
    E: Expression<SqlType: Ordered> + AggregateArgument<I>,
{
    Aggregate::new(expr)
}
