//! Window functions: `row_number()`, `rank()`, `dense_rank()` and aggregates computed
//! over a window of rows, `… OVER (PARTITION BY … ORDER BY …)`.

use super::grouping::Aggregate;
use super::{AsExpression, Expression, ValidGrouping, ValidIn, expression_as_itself};
use crate::backend::Backend;
use crate::query::{OrderFragment, OrderTerm, QueryFragment, SqlWriter};
use crate::types::{Int8, NotNull};

/// A ranking function: `ROW_NUMBER()`, `RANK()`, `DENSE_RANK()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ranking<F>(std::marker::PhantomData<F>);

/// The name of a ranking function.
pub trait RankingFunction {
    /// Its SQL.
    const SQL: &'static str;
}

macro_rules! rankings {
    ($($(#[$doc:meta])* $fn_name:ident => $name:ident = $sql:literal;)*) => {$(
        #[doc = concat!("`", $sql, "`.")]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl RankingFunction for $name {
            const SQL: &'static str = $sql;
        }

        $(#[$doc])*
        pub fn $fn_name() -> Ranking<$name> {
            Ranking(std::marker::PhantomData)
        }
    )*};
}

rankings! {
    /// `ROW_NUMBER()`: the row's position in its window, from 1; call `.over(…)`.
    row_number => RowNumber = "ROW_NUMBER()";
    /// `RANK()`: the row's rank in its window, with gaps after ties; call `.over(…)`.
    rank => Rank = "RANK()";
    /// `DENSE_RANK()`: the row's rank in its window, without gaps; call `.over(…)`.
    dense_rank => DenseRank = "DENSE_RANK()";
}

/// What can be computed over a window: ranking functions and aggregates.
pub trait WindowFunction: Sized {
    /// The result type.
    type SqlType: crate::types::SqlType;

    /// Computes the function over a window; refine it with `.partition_by(…)` and
    /// `.order_by(…)`.
    fn over(self) -> Over<Self, NoPartition, NoWindowOrder> {
        Over {
            function: self,
            partition: NoPartition,
            order: NoWindowOrder,
        }
    }
}

impl<F: RankingFunction> WindowFunction for Ranking<F> {
    type SqlType = Int8;
}

impl WindowFunction for crate::query::CountStar {
    type SqlType = Int8;
}

impl<QS> WindowValidIn<QS, ()> for crate::query::CountStar {}

impl<DB: Backend> WindowFragment<DB> for crate::query::CountStar {
    fn walk_window<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("COUNT(*)");
    }
}

impl<F, E> WindowFunction for Aggregate<F, E>
where
    Aggregate<F, E>: Expression,
{
    type SqlType = <Self as Expression>::SqlType;
}

/// No `PARTITION BY`: one window for all rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPartition;

/// `PARTITION BY expr` (an expression or a tuple of them).
#[derive(Debug, Clone, Copy)]
pub struct PartitionBy<P>(P);

/// No `ORDER BY` in the window.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoWindowOrder;

/// `ORDER BY terms` in the window.
#[derive(Debug, Clone, Copy)]
pub struct WindowOrder<O>(O);

/// `function OVER (PARTITION BY … ORDER BY …)`.
#[derive(Debug, Clone, Copy)]
pub struct Over<W, P, O> {
    function: W,
    partition: P,
    order: O,
}

impl<W, O> Over<W, NoPartition, O> {
    /// `PARTITION BY expr`: a window per distinct value of `expr` (or of a tuple).
    pub fn partition_by<P>(self, expr: P) -> Over<W, PartitionBy<P>, O> {
        Over {
            function: self.function,
            partition: PartitionBy(expr),
            order: self.order,
        }
    }
}

impl<W, P> Over<W, P, NoWindowOrder> {
    /// `ORDER BY terms` within each window: the order rows are numbered or accumulated in.
    pub fn order_by<O: OrderTerm>(self, terms: O) -> Over<W, P, WindowOrder<O>> {
        Over {
            function: self.function,
            partition: self.partition,
            order: WindowOrder(terms),
        }
    }
}

impl<W: WindowFunction, P, O> Expression for Over<W, P, O> {
    type SqlType = W::SqlType;
}

impl<W, P, O, QS, IW, IP, IO> ValidIn<QS, (IW, IP, IO)> for Over<W, P, O>
where
    W: WindowValidIn<QS, IW>,
    P: WindowValidIn<QS, IP>,
    O: WindowValidIn<QS, IO>,
{
    type Nullability = NotNull;
}

/// Membership of a window's parts in the query's FROM clause.
pub trait WindowValidIn<QS, I> {}

impl<F, QS> WindowValidIn<QS, ()> for Ranking<F> {}
impl<QS> WindowValidIn<QS, ()> for NoPartition {}
impl<QS> WindowValidIn<QS, ()> for NoWindowOrder {}
impl<F, E: ValidIn<QS, I>, QS, I> WindowValidIn<QS, I> for Aggregate<F, E> {}
impl<P: ValidIn<QS, I>, QS, I> WindowValidIn<QS, I> for PartitionBy<P> {}
impl<O: ValidIn<QS, I>, QS, I> WindowValidIn<QS, I> for WindowOrder<O> {}

/// A window function gives a value per row, next to plain columns or with `group_by`.
impl<W, P, O, GB: super::GroupingContext> ValidGrouping<GB, ()> for Over<W, P, O> {
    type Kind = GB::Window;
}

impl<W, P, O, DB> QueryFragment<DB> for Over<W, P, O>
where
    W: WindowFragment<DB>,
    P: WindowFragment<DB>,
    O: WindowFragment<DB>,
    DB: Backend,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.function.walk_window(out);
        out.push_sql(" OVER (");
        self.partition.walk_window(out);
        self.order.walk_window(out);
        out.push_sql(")");
    }
}

/// Renders a part of a window function.
pub trait WindowFragment<DB> {
    /// Renders it.
    fn walk_window<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<F: RankingFunction, DB> WindowFragment<DB> for Ranking<F> {
    fn walk_window<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(F::SQL);
    }
}

impl<F, E, DB: Backend> WindowFragment<DB> for Aggregate<F, E>
where
    Aggregate<F, E>: QueryFragment<DB>,
{
    fn walk_window<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.walk(out);
    }
}

impl<DB> WindowFragment<DB> for NoPartition {
    fn walk_window<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<P: QueryFragment<DB>, DB: Backend> WindowFragment<DB> for PartitionBy<P> {
    fn walk_window<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("PARTITION BY ");
        self.0.walk(out);
    }
}

impl<DB> WindowFragment<DB> for NoWindowOrder {
    fn walk_window<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<O: OrderFragment<DB>, DB: Backend> WindowFragment<DB> for WindowOrder<O> {
    fn walk_window<'a>(&'a self, out: &mut SqlWriter<'a>) {
        // After a PARTITION BY, if any; a leading space is harmless otherwise.
        out.push_sql(" ORDER BY ");
        self.0.walk_order(out);
    }
}

expression_as_itself! {
    Over<W, P, O>;
}
