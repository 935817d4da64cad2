//! Window functions: `row_number()`, `rank()`, `dense_rank()` and aggregates computed
//! over a window of rows, `… OVER (PARTITION BY … ORDER BY …)`.

use super::grouping::Aggregate;
use super::{AsExpression, Expression, ValidGrouping, ValidIn, expression_as_itself};
use crate::backend::Backend;
use crate::query::{OrderFragment, OrderTerm, QueryFragment, SqlWriter};
use crate::types::{Int8, NotNull, Nullability};

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

/// A window function used without its window: never implemented, so that selecting
/// `row_number()` or `lag(…)` without `.over()` is reported as just that.
#[diagnostic::on_unimplemented(
    message = "a window function needs `.over()`: `{Self}` has no window",
    label = "add `.over()`, and `.partition_by(…)` / `.order_by(…)` as needed",
    note = "for example `row_number().over().order_by(users::id)`"
)]
pub trait HasWindow {}

/// A window function without `.over()` is no select list; the bound that cannot hold
/// names the mistake.
macro_rules! needs_over {
    ($($ty:ident<$($param:ident),*>;)*) => {$(
        impl<QS, I, $($param),*> crate::query::SelectList<QS, I> for $ty<$($param),*>
        where
            Self: HasWindow,
        {
            type Row = Int8;
        }

        impl<GB, $($param),*> ValidGrouping<GB, ()> for $ty<$($param),*> {
            type Kind = super::Constant;
        }
    )*};
}

needs_over! {
    Ranking<F>;
    ValueWindow<F, Args>;
}

/// What can be computed over a window: ranking functions and aggregates.
pub trait WindowFunction: Sized {
    /// The result type.
    type SqlType: crate::types::SqlType;

    /// Computes the function over a window; refine it with `.partition_by(…)` and
    /// `.order_by(…)`.
    fn over(self) -> Over<Self, NoPartition, NoWindowOrder, NoFrame> {
        Over {
            function: self,
            partition: NoPartition,
            order: NoWindowOrder,
            frame: NoFrame,
        }
    }
}

impl<F: RankingFunction> WindowFunction for Ranking<F> {
    type SqlType = Int8;
}

impl WindowFunction for crate::query::CountStar {
    type SqlType = Int8;
}

impl<QS> WindowValidIn<QS, ()> for crate::query::CountStar {
    type Nullability = NotNull;
}

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

/// The name and result type of a window function over values: `LAG`, `LEAD`,
/// `FIRST_VALUE`, `LAST_VALUE`, `NTILE`.
pub trait ValueWindowFunction<Args> {
    /// Its SQL name.
    const NAME: &'static str;
    /// Its result type for arguments `Args`.
    type SqlType: crate::types::SqlType;
}

/// `NAME(args…)`, a window function over values; call `.over(…)`.
#[derive(Debug, Clone, Copy)]
pub struct ValueWindow<F, Args> {
    args: Args,
    _function: std::marker::PhantomData<F>,
}

impl<F, Args> ValueWindow<F, Args> {
    fn new(args: Args) -> Self {
        ValueWindow {
            args,
            _function: std::marker::PhantomData,
        }
    }
}

impl<F: ValueWindowFunction<Args>, Args> WindowFunction for ValueWindow<F, Args> {
    type SqlType = F::SqlType;
}

impl<F: ValueWindowFunction<Args>, Args: QueryFragment<DB>, DB: Backend> WindowFragment<DB>
    for ValueWindow<F, Args>
{
    fn walk_window<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(F::NAME);
        out.push_sql("(");
        self.args.walk(out);
        out.push_sql(")");
    }
}

/// `LAG`: the value `offset` rows before, NULL before the partition's start.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lag;
/// `LEAD`: the value `offset` rows after, NULL past the partition's end.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lead;
/// `FIRST_VALUE`: the value at the frame's first row.
#[derive(Debug, Clone, Copy, Default)]
pub struct FirstValue;
/// `LAST_VALUE`: the value at the frame's last row.
#[derive(Debug, Clone, Copy, Default)]
pub struct LastValue;
/// `NTILE`: the bucket (1 to `n`) of the row, the partition split into `n` as equal
/// parts as can be.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ntile;

impl<E: Expression> ValueWindowFunction<(E,)> for Lag {
    const NAME: &'static str = "LAG";
    type SqlType = <E::SqlType as crate::types::SqlType>::IntoNullable;
}
impl<E: Expression, N> ValueWindowFunction<(E, N)> for Lag {
    const NAME: &'static str = "LAG";
    type SqlType = <E::SqlType as crate::types::SqlType>::IntoNullable;
}
impl<E: Expression> ValueWindowFunction<(E,)> for Lead {
    const NAME: &'static str = "LEAD";
    type SqlType = <E::SqlType as crate::types::SqlType>::IntoNullable;
}
impl<E: Expression, N> ValueWindowFunction<(E, N)> for Lead {
    const NAME: &'static str = "LEAD";
    type SqlType = <E::SqlType as crate::types::SqlType>::IntoNullable;
}
impl<E: Expression> ValueWindowFunction<(E,)> for FirstValue {
    const NAME: &'static str = "FIRST_VALUE";
    type SqlType = E::SqlType;
}
impl<E: Expression> ValueWindowFunction<(E,)> for LastValue {
    const NAME: &'static str = "LAST_VALUE";
    type SqlType = E::SqlType;
}
impl<N> ValueWindowFunction<(N,)> for Ntile {
    const NAME: &'static str = "NTILE";
    type SqlType = crate::types::Int4;
}

/// `LAG(expr)`: `expr` on the row before, in the window's order; NULL on the first row.
/// Call `.over(…)`.
pub fn lag<E: Expression>(expr: E) -> ValueWindow<Lag, (E,)> {
    ValueWindow::new((expr,))
}

/// `LAG(expr, offset)`: `expr` `offset` rows before.
pub fn lag_by<E: Expression>(
    expr: E,
    offset: i32,
) -> ValueWindow<Lag, (E, super::Bound<crate::types::Int4, i32>)> {
    ValueWindow::new((expr, super::Bound::new(offset)))
}

/// `LEAD(expr)`: `expr` on the row after; NULL on the last row. Call `.over(…)`.
pub fn lead<E: Expression>(expr: E) -> ValueWindow<Lead, (E,)> {
    ValueWindow::new((expr,))
}

/// `LEAD(expr, offset)`: `expr` `offset` rows after.
pub fn lead_by<E: Expression>(
    expr: E,
    offset: i32,
) -> ValueWindow<Lead, (E, super::Bound<crate::types::Int4, i32>)> {
    ValueWindow::new((expr, super::Bound::new(offset)))
}

/// `FIRST_VALUE(expr)`: `expr` on the first row of the frame. Call `.over(…)`.
pub fn first_value<E: Expression>(expr: E) -> ValueWindow<FirstValue, (E,)> {
    ValueWindow::new((expr,))
}

/// `LAST_VALUE(expr)`: `expr` on the last row of the frame. With an ordered window the
/// default frame ends at the current row; for the partition's last value, say
/// `.rows_between(FrameBound::UnboundedPreceding, FrameBound::UnboundedFollowing)`.
pub fn last_value<E: Expression>(expr: E) -> ValueWindow<LastValue, (E,)> {
    ValueWindow::new((expr,))
}

/// `NTILE(buckets)`: which of `buckets` equal parts of the partition the row is in,
/// from 1, as `Int4`. Call `.over(…)`.
pub fn ntile(buckets: i32) -> ValueWindow<Ntile, (super::Bound<crate::types::Int4, i32>,)> {
    ValueWindow::new((super::Bound::new(buckets),))
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

/// `function OVER (PARTITION BY … ORDER BY … [frame])`.
#[derive(Debug, Clone, Copy)]
pub struct Over<W, P, O, Fr = NoFrame> {
    function: W,
    partition: P,
    order: O,
    frame: Fr,
}

impl<W, O, Fr> Over<W, NoPartition, O, Fr> {
    /// `PARTITION BY expr`: a window per distinct value of `expr` (or of a tuple).
    pub fn partition_by<P>(self, expr: P) -> Over<W, PartitionBy<P>, O, Fr> {
        Over {
            function: self.function,
            partition: PartitionBy(expr),
            order: self.order,
            frame: self.frame,
        }
    }
}

impl<W, P, Fr> Over<W, P, NoWindowOrder, Fr> {
    /// `ORDER BY terms` within each window: the order rows are numbered or accumulated in.
    pub fn order_by<O: OrderTerm>(self, terms: O) -> Over<W, P, WindowOrder<O>, Fr> {
        Over {
            function: self.function,
            partition: self.partition,
            order: WindowOrder(terms),
            frame: self.frame,
        }
    }
}

impl<W, P, O> Over<W, P, O, NoFrame> {
    /// `ROWS BETWEEN start AND end`: the frame of rows, around each row, that the
    /// function reads (`last_value`, running sums). Offsets are bind parameters; a
    /// negative one is refused when the query runs.
    pub fn rows_between(self, start: FrameBound, end: FrameBound) -> Over<W, P, O, Frame> {
        self.framed(FrameUnit::Rows, start, end)
    }

    /// `RANGE BETWEEN start AND end`: the frame by the ordering value rather than by row
    /// count (rows equal in the window's `ORDER BY` are peers); offsets need a window
    /// ordered by one numeric expression.
    pub fn range_between(self, start: FrameBound, end: FrameBound) -> Over<W, P, O, Frame> {
        self.framed(FrameUnit::Range, start, end)
    }

    fn framed(self, unit: FrameUnit, start: FrameBound, end: FrameBound) -> Over<W, P, O, Frame> {
        Over {
            function: self.function,
            partition: self.partition,
            order: self.order,
            frame: Frame { unit, start, end },
        }
    }
}

impl<W: WindowFunction, P, O, Fr> Expression for Over<W, P, O, Fr> {
    type SqlType = W::SqlType;
}

impl<W, P, O, Fr, QS, IW, IP, IO> ValidIn<QS, (IW, IP, IO)> for Over<W, P, O, Fr>
where
    W: WindowValidIn<QS, IW>,
    P: WindowValidIn<QS, IP>,
    O: WindowValidIn<QS, IO>,
{
    // The function's value decides: `first_value` of a left-joined column is NULL for
    // an unmatched row, a ranking never is.
    type Nullability = W::Nullability;
}

/// Membership of a window's parts in the query's FROM clause, and what the function's
/// operands make nullable (as [`NullableIfAny`](super::NullableIfAny)).
pub trait WindowValidIn<QS, I> {
    /// Nullable when an operand is a column of a `left_join`ed table.
    type Nullability: Nullability;
}

impl<F, QS> WindowValidIn<QS, ()> for Ranking<F> {
    type Nullability = NotNull;
}
impl<QS> WindowValidIn<QS, ()> for NoPartition {
    type Nullability = NotNull;
}
impl<QS> WindowValidIn<QS, ()> for NoWindowOrder {
    type Nullability = NotNull;
}
impl<F, E: ValidIn<QS, I>, QS, I> WindowValidIn<QS, I> for Aggregate<F, E> {
    // Nullable in its SQL type already (`sum`, `max`, …), or never NULL (`count`).
    type Nullability = NotNull;
}
impl<P: ValidIn<QS, I>, QS, I> WindowValidIn<QS, I> for PartitionBy<P> {
    type Nullability = NotNull;
}
impl<O: ValidIn<QS, I>, QS, I> WindowValidIn<QS, I> for WindowOrder<O> {
    type Nullability = NotNull;
}
impl<F, Args: ValidIn<QS, I>, QS, I> WindowValidIn<QS, I> for ValueWindow<F, Args> {
    type Nullability = super::NullableIfAny<Args, QS, I>;
}

/// A window function gives a value per row, next to plain columns or with `group_by`.
impl<W, P, O, Fr, GB: super::GroupingContext> ValidGrouping<GB, ()> for Over<W, P, O, Fr> {
    type Kind = GB::Window;
}

impl<W, P, O, Fr, DB> QueryFragment<DB> for Over<W, P, O, Fr>
where
    W: WindowFragment<DB>,
    P: WindowFragment<DB>,
    O: WindowFragment<DB>,
    Fr: WindowFragment<DB>,
    DB: Backend,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.function.walk_window(out);
        out.push_sql(" OVER (");
        self.partition.walk_window(out);
        self.order.walk_window(out);
        self.frame.walk_window(out);
        out.push_sql(")");
    }
}

/// No frame clause: the backend's default (from the partition's start to the current
/// row and its peers when the window is ordered, the whole partition otherwise).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFrame;

/// `ROWS` or `RANGE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameUnit {
    Rows,
    Range,
}

/// One end of a window frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameBound {
    /// `UNBOUNDED PRECEDING`: the partition's first row.
    UnboundedPreceding,
    /// `n PRECEDING`.
    Preceding(i64),
    /// `CURRENT ROW`.
    CurrentRow,
    /// `n FOLLOWING`.
    Following(i64),
    /// `UNBOUNDED FOLLOWING`: the partition's last row.
    UnboundedFollowing,
}

/// `ROWS|RANGE BETWEEN start AND end`, built by [`Over::rows_between`] and
/// [`Over::range_between`].
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    unit: FrameUnit,
    start: FrameBound,
    end: FrameBound,
}

impl<DB> WindowFragment<DB> for NoFrame {
    fn walk_window<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<DB> WindowFragment<DB> for Frame {
    fn walk_window<'a>(&'a self, out: &mut SqlWriter<'a>) {
        // The unit and the kinds of bound are part of the SQL, not of the type.
        out.shape(u64::from(self.unit == FrameUnit::Range));
        out.push_sql(match self.unit {
            FrameUnit::Rows => " ROWS BETWEEN ",
            FrameUnit::Range => " RANGE BETWEEN ",
        });
        walk_frame_bound(&self.start, out);
        out.push_sql(" AND ");
        walk_frame_bound(&self.end, out);
    }
}

fn walk_frame_bound<'a>(bound: &'a FrameBound, out: &mut SqlWriter<'a>) {
    let (kind, sql, offset) = match bound {
        FrameBound::UnboundedPreceding => (0, "UNBOUNDED PRECEDING", None),
        FrameBound::Preceding(n) => (1, " PRECEDING", Some(*n)),
        FrameBound::CurrentRow => (2, "CURRENT ROW", None),
        FrameBound::Following(n) => (3, " FOLLOWING", Some(*n)),
        FrameBound::UnboundedFollowing => (4, "UNBOUNDED FOLLOWING", None),
    };
    out.shape(kind);
    if let Some(n) = offset {
        if n < 0 {
            out.reject(|| format!("a window frame offset must not be negative, but {n} was given"));
        }
        out.push_bind(crate::types::BindValue::I64(n));
    }
    out.push_sql(sql);
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
    Over<W, P, O, Fr>;
}
