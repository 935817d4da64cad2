//! Typed SQL expressions: the traits every expression implements, values as bind
//! parameters, operators and the methods that build them.
//!
//! An expression has a SQL type ([`Expression::SqlType`]) and proves, through
//! [`ValidIn`], that every column it names belongs to a table of the query it is used
//! in. Rust values become [`Bound`] expressions and always travel as bind parameters.

mod case;
mod cast;
mod condition;
mod date;
mod functions;
mod grouping;
mod library;
mod methods;
mod ops;
#[cfg(feature = "postgres")]
mod pg;
mod window;

pub use case::{CaseFragment, CaseOf, CaseWhen, Else, NoElse, SimpleCase, When, case, case_when};
pub use cast::{Cast, CastTarget, DefaultSqlType, Spelling, val};
pub use condition::AsCondition;
pub use date::{
    DatePart, DateTrunc, DateUnit, Day, Extract, ExtractOpen, HasPart, Hour, Minute, Month,
    TruncOpen, Truncatable, Year, date_trunc, extract,
};
pub use functions::{
    AbsFn, Coalesce, FunctionCall, FunctionOutput, LengthFn, LowerFn, Now, NullableOf, SqlFunction,
    UpperFn, abs, coalesce, length, lower, now, upper,
};
pub use grouping::{
    Aggregate, AggregateArgument, AggregateFunction, Aggregated, Averageable, Avg, Combine,
    Constant, Count, CountDistinct, GroupBy, GroupContains, GroupingContext, InHaving, InWhere,
    IntoGroupList, Max, Min, NoGroupBy, NotPerRow, Ordered, PerGroup, PerRow, Plain, Sum, Summable,
    ValidGrouping, avg, count, count_distinct, count_star, max, min, sum,
};
pub use library::{
    CeilFn, CharLengthFn, CurrentDate, FloatType, FloorFn, GreatestFn, LeastFn, LtrimFn, NullifFn,
    PositionFn, ReplaceFn, RoundFn, RtrimFn, SubstrFn, TextArgument, TrimFn, ceil, char_length,
    current_date, floor, greatest, least, ltrim, nullif, position, replace, round, rtrim, substr,
    substr_from, trim,
};
pub use methods::{
    BoolExpressionMethods, ConcatType, ExpressionMethods, IntegerType, TextExpressionMethods,
    escape_like,
};
pub(crate) use ops::walk_operand;
pub use ops::{
    Add, And, AsNullable, Asc, Between, Binary, Concat, Desc, Div, Eq, Ge, Gt, In, IsNotNull,
    IsNull, Le, Like, Lt, Mul, Ne, Neg, Not, NotBetween, NotIn, NotLike, NullsFirst, NullsLast,
    Operator, Or, Rem, Sub, SupportedBy,
};
#[cfg(feature = "postgres")]
pub use pg::{
    ArrayType, ContainsOp, GetField, GetFieldText, HasKey, ILike, IsContainedBy, IsPostgres,
    JsonbType, NotILike, Overlaps, PgArrayExpressionMethods, PgJsonbExpressionMethods,
    PgTextExpressionMethods,
};
pub use window::{
    DenseRank, FirstValue, Frame, FrameBound, HasWindow, Lag, LastValue, Lead, NoFrame,
    NoPartition, NoWindowOrder, Ntile, Over, PartitionBy, Rank, Ranking, RankingFunction,
    RowNumber, ValueWindow, ValueWindowFunction, WindowFragment, WindowFunction, WindowOrder,
    WindowValidIn, dense_rank, first_value, lag, lag_by, last_value, lead, lead_by, ntile, rank,
    row_number,
};

use crate::backend::Backend;
use crate::query::{QueryFragment, SqlWriter};
use crate::types::{Array, ArrayElement, NotNull, Nullability, Nullable, SqlType, ToSql};
use grouping::Constant as ConstantKind;
use std::marker::PhantomData;

/// A typed SQL expression.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL expression",
    label = "expected a column, a value or an expression built from them",
    note = "expressions are columns (`users::name`), operators on them (`users::age.gt(30)`) and functions"
)]
pub trait Expression {
    /// The SQL type of the expression's value.
    type SqlType: SqlType;
}

/// Proof that an expression may be used in a query reading from `QS`: every column it
/// names belongs to a table of the FROM clause.
///
/// `I` is the position of those tables in the FROM clause; the compiler infers it and
/// no user ever writes it.
#[diagnostic::on_unimplemented(
    message = "this expression uses a column of a table that is not in the query's FROM clause",
    label = "a column in here belongs to a table this query does not read from",
    note = "the expression is `{Self}`",
    note = "the FROM clause is the first parameter of `ValidIn<…>` above: read each `Entry<T, …>` in it as table `T`"
)]
pub trait ValidIn<QS, I> {
    /// Whether the expression can be NULL because of the query: it names a column of a
    /// table joined with `left_join`, whose rows may be missing.
    type Nullability: Nullability;
}

/// The one nullability rule of expression nodes: a node over the operands `Operands` (a
/// tuple) is nullable because of the query — it reads a column of a `left_join`ed table,
/// whose row may be missing — if any operand is. Every operator, function call and
/// `CASE` takes its [`ValidIn::Nullability`] from here; the tuple's `ValidIn` folds
/// [`Nullability::Or`] over its elements.
pub type NullableIfAny<Operands, QS, I> = <Operands as ValidIn<QS, I>>::Nullability;

/// The SQL types of a tuple of operand expressions, for the same rule at the level of
/// SQL types: a function whose result is NULL when an argument is NULL returns
/// `Nullable<…>` if any argument's type is nullable ([`NullIfAnyArg`]).
pub trait OperandTypes {
    /// Nullable if any operand's SQL type is.
    type Nullability: Nullability;
}

macro_rules! operand_types {
    ($( ($($t:ident),+) ; )*) => {$(
        impl<$($t: Expression),+> OperandTypes for ($($t,)+) {
            type Nullability = operand_types!(@or $($t),+);
        }
    )*};
    (@or $head:ident) => { <$head::SqlType as SqlType>::Nullability };
    (@or $head:ident, $($rest:ident),+) => {
        <<$head::SqlType as SqlType>::Nullability as Nullability>::Or<operand_types!(@or $($rest),+)>
    };
}

operand_types! {
    (A);
    (A, B);
    (A, B, C);
    (A, B, C, D);
}

/// `ST`, made nullable when any of the operand expressions `Operands` (a tuple) has a
/// nullable SQL type: the result type of a function that is NULL on a NULL argument.
pub type NullIfAnyArg<Operands, ST> =
    <<Operands as OperandTypes>::Nullability as Nullability>::Apply<ST>;

/// Conversion of a Rust value, or an expression, into an expression of SQL type `ST`.
///
/// Columns and expressions of type `ST` convert to themselves; Rust values of a
/// matching type become bind parameters.
#[diagnostic::on_unimplemented(
    message = "expected a value or expression of SQL type `{ST}`, found `{Self}`",
    label = "expected `{ST}` here",
    note = "each SQL type takes its own Rust types: Int4 ← i32, Int8 ← i64, Text ← &str or String, Nullable<T> ← Option<_>, …"
)]
pub trait AsExpression<ST: SqlType> {
    /// The expression `Self` becomes.
    type Expression: Expression<SqlType = ST>;
    /// Converts `self`.
    fn into_expression(self) -> Self::Expression;
}

/// Expressions convert to themselves. One impl per expression type rather than a
/// blanket impl, so that a value of the wrong type is reported as just that, with no
/// follow-on errors.
macro_rules! expression_as_itself {
    ($($ty:ident<$($param:ident),*>;)*) => {$(
        impl<$($param),*> AsExpression<<Self as Expression>::SqlType> for $ty<$($param),*>
        where
            Self: Expression,
        {
            type Expression = Self;
            #[inline]
            fn into_expression(self) -> Self {
                self
            }
        }
    )*};
}
pub(crate) use expression_as_itself;

expression_as_itself! {
    Bound<ST, T>;
}

/// A Rust value standing in a query as a bind parameter of SQL type `ST`.
#[derive(Debug, Clone, Copy)]
pub struct Bound<ST, T> {
    value: T,
    _sql_type: PhantomData<ST>,
}

impl<ST, T> Bound<ST, T> {
    /// Wraps `value` as a bind parameter of SQL type `ST`.
    pub fn new(value: T) -> Self {
        Bound {
            value,
            _sql_type: PhantomData,
        }
    }
}

impl<ST: SqlType, T> Expression for Bound<ST, T> {
    type SqlType = ST;
}

#[diagnostic::do_not_recommend]
impl<ST, T, QS> ValidIn<QS, ()> for Bound<ST, T> {
    type Nullability = NotNull;
}

impl<ST, T, GB> ValidGrouping<GB, ()> for Bound<ST, T> {
    type Kind = ConstantKind;
}

impl<ST: SupportedBy<DB>, T: ToSql<ST>, DB: Backend> QueryFragment<DB> for Bound<ST, T> {
    #[inline]
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_bind(self.value.to_bind());
    }
}

/// Rust values that become bind parameters of the SQL types they match. The invoking
/// module has `AsExpression` and `Bound` in scope.
macro_rules! value_as_expression {
    ($($st:ty: $($rust:ty),+;)*) => {$($(
        impl<'a> AsExpression<$st> for $rust {
            type Expression = Bound<$st, $rust>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<$crate::types::Nullable<$st>> for $rust {
            type Expression = Bound<$crate::types::Nullable<$st>, $rust>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<$crate::types::Nullable<$st>> for Option<$rust> {
            type Expression = Bound<$crate::types::Nullable<$st>, Option<$rust>>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }
    )+)*};
}

value_as_expression! {
    crate::types::Bool: bool, &'a bool;
    crate::types::Int2: i16, &'a i16;
    crate::types::Int4: i32, &'a i32;
    crate::types::Int8: i64, &'a i64;
    crate::types::Float4: f32, &'a f32;
    crate::types::Float8: f64, &'a f64;
    crate::types::Text: String, &'a String, &'a str;
    crate::types::Binary: Vec<u8>, &'a Vec<u8>, &'a [u8];
}

#[allow(unused_imports)] // used by the optional type integrations
pub(crate) use value_as_expression;

/// A `Vec` or slice of values becomes an `Array` bind parameter (PostgreSQL only).
///
/// `Option<_>` of the owned `Vec` only: more impls for `Option<&…>` would crowd the
/// list of candidates rustc shows when a value of the wrong type is compared.
macro_rules! array_as_expression {
    ($($rust:ty),*) => {$(
        impl<'a, ST: ArrayElement, T: ToSql<ST>> AsExpression<Array<ST>> for $rust {
            type Expression = Bound<Array<ST>, $rust>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a, ST: ArrayElement, T: ToSql<ST>> AsExpression<Nullable<Array<ST>>> for $rust {
            type Expression = Bound<Nullable<Array<ST>>, $rust>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }
    )*};
}

array_as_expression!(Vec<T>, &'a Vec<T>, &'a [T]);

impl<ST: ArrayElement, T: ToSql<ST>> AsExpression<Nullable<Array<ST>>> for Option<Vec<T>> {
    type Expression = Bound<Nullable<Array<ST>>, Option<Vec<T>>>;
    #[inline]
    fn into_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}
