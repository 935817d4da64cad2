//! Expression nodes: binary operators, `NOT`, `IS NULL`, `BETWEEN`, `IN` and ordering.

use super::case::{CaseWhen, SimpleCase};
use super::cast::Cast;
use super::date::DatePart;
use super::functions::{Coalesce, FunctionCall};
use super::{
    AsExpression, Bound, Combine, Expression, NullableIfAny, ValidGrouping, ValidIn,
    expression_as_itself,
};
use crate::backend::Backend;
use crate::query::{QueryFragment, SqlWriter};
use crate::types::{BindValue, Bool, NotNull, Nullability, SqlType, ToSql};
use std::marker::PhantomData;

/// A binary SQL operator: its text and the SQL type of its result.
pub trait Operator {
    /// The operator as SQL, with surrounding spaces.
    const SQL: &'static str;
    /// Whether the rendered node is wrapped in parentheses.
    const GROUPED: bool;
    /// Whether it compares its operands (`=`, `<`, …), so that they must compare as
    /// their SQL type says.
    const COMPARES: bool = false;
    /// Whether it matches a pattern (`LIKE`, `ILIKE`, …), which is then followed by
    /// `ESCAPE '\'`, so that a backslash escapes `%` and `_` on every backend.
    const MATCHES_PATTERN: bool = false;
    /// The result type of `L op R`.
    type Output<L: SqlType, R: SqlType>: SqlType;
}

/// Marks what backend `DB` supports; operators and clauses that only one database has
/// implement it for that backend alone.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not supported by {DB}",
    label = "this query uses something the backend does not have",
    note = "it is PostgreSQL-only: run the query on a PostgreSQL connection (`PgConnection`, `AsyncPgConnection`)"
)]
pub trait SupportedBy<DB> {}

/// `L op R`, for every binary operator `Op`.
#[derive(Debug, Clone, Copy)]
pub struct Binary<Op, L, R> {
    left: L,
    right: R,
    _op: PhantomData<Op>,
}

impl<Op, L: Default, R: Default> Default for Binary<Op, L, R> {
    fn default() -> Self {
        Binary::new(L::default(), R::default())
    }
}

impl<Op, L, R> Binary<Op, L, R> {
    /// Builds `left op right`.
    pub fn new(left: L, right: R) -> Self {
        Binary {
            left,
            right,
            _op: PhantomData,
        }
    }

    /// The right operand.
    pub(crate) fn right(&self) -> &R {
        &self.right
    }
}

impl<Op: Operator, L: Expression, R: Expression> Expression for Binary<Op, L, R> {
    type SqlType = Op::Output<L::SqlType, R::SqlType>;
}
impl<Op, L, R, GB, IL, IR> ValidGrouping<GB, (IL, IR)> for Binary<Op, L, R>
where
    L: ValidGrouping<GB, IL>,
    R: ValidGrouping<GB, IR>,
    L::Kind: Combine<R::Kind>,
{
    type Kind = <L::Kind as Combine<R::Kind>>::Out;
}

impl<Op, L, R, QS, IL, IR> ValidIn<QS, (IL, IR)> for Binary<Op, L, R>
where
    L: ValidIn<QS, IL>,
    R: ValidIn<QS, IR>,
{
    type Nullability = NullableIfAny<(L, R), QS, (IL, IR)>;
}

impl<Op, L, R, DB> QueryFragment<DB> for Binary<Op, L, R>
where
    Op: Operator + SupportedBy<DB>,
    L: QueryFragment<DB> + Expression,
    R: QueryFragment<DB> + Expression,
    DB: Backend,
{
    fn is_comparison(&self) -> bool {
        (Op::COMPARES || Op::MATCHES_PATTERN) && !Op::GROUPED
    }

    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        // A comparison compared again goes in parentheses. The SQL around the operands
        // is written by plain functions, so that each operator and operand type compiles
        // only the two operand walks.
        let nests = Op::COMPARES || Op::MATCHES_PATTERN;
        let left = nests && self.left.is_comparison();
        let right = nests && self.right.is_comparison();
        open_binary(out, Op::GROUPED, left);
        walk_operand(&self.left, Op::COMPARES, out);
        between_operands(out, left, Op::SQL, right);
        walk_operand(&self.right, Op::COMPARES, out);
        let escape = if Op::MATCHES_PATTERN {
            DB::LIKE_ESCAPE
        } else {
            ""
        };
        close_binary(out, right, escape, Op::GROUPED);
    }
}

fn open_binary(out: &mut SqlWriter<'_>, grouped: bool, left_nested: bool) {
    if grouped {
        out.push_sql("(");
    }
    if left_nested {
        out.push_sql("(");
    }
}

fn between_operands(out: &mut SqlWriter<'_>, left_nested: bool, op: &str, right_nested: bool) {
    if left_nested {
        out.push_sql(")");
    }
    out.push_sql(op);
    if right_nested {
        out.push_sql("(");
    }
}

fn close_binary(out: &mut SqlWriter<'_>, right_nested: bool, escape: &str, grouped: bool) {
    if right_nested {
        out.push_sql(")");
    }
    out.push_sql(escape);
    if grouped {
        out.push_sql(")");
    }
}

/// Nullable `Bool` when either side is nullable, `Bool` otherwise.
pub(super) type BoolOf<L, R> = <<<L as SqlType>::Nullability as Nullability>::Or<
    <R as SqlType>::Nullability,
> as Nullability>::Apply<Bool>;

macro_rules! operators {
    ($($(#[$doc:meta])* $name:ident = $sql:literal, grouped: $grouped:literal, $out:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl<DB: Backend> SupportedBy<DB> for $name {}

        impl Operator for $name {
            const SQL: &'static str = $sql;
            const GROUPED: bool = $grouped;
            const COMPARES: bool = operators!(@compares $out);
            const MATCHES_PATTERN: bool = operators!(@matches $out);
            type Output<L: SqlType, R: SqlType> = operators!(@out $out, L, R);
        }
    )*};
    (@compares compare) => { true };
    (@compares $other:ident) => { false };
    (@matches pattern) => { true };
    (@matches $other:ident) => { false };
    (@out pattern, $l:ident, $r:ident) => { BoolOf<$l, $r> };
    (@out compare, $l:ident, $r:ident) => { BoolOf<$l, $r> };
    (@out bool, $l:ident, $r:ident) => { BoolOf<$l, $r> };
    (@out left, $l:ident, $r:ident) => { $l };
}

operators! {
    /// `=`
    Eq = " = ", grouped: false, compare;
    /// `<>`
    Ne = " <> ", grouped: false, compare;
    /// `<`
    Lt = " < ", grouped: false, compare;
    /// `<=`
    Le = " <= ", grouped: false, compare;
    /// `>`
    Gt = " > ", grouped: false, compare;
    /// `>=`
    Ge = " >= ", grouped: false, compare;
    /// `LIKE`, with `ESCAPE '\'`
    Like = " LIKE ", grouped: false, pattern;
    /// `NOT LIKE`, with `ESCAPE '\'`
    NotLike = " NOT LIKE ", grouped: false, pattern;
    /// `AND`
    And = " AND ", grouped: true, bool;
    /// `OR`
    Or = " OR ", grouped: true, bool;
    /// `+`
    Add = " + ", grouped: true, left;
    /// `-`
    Sub = " - ", grouped: true, left;
    /// `*`
    Mul = " * ", grouped: true, left;
    /// `/`
    Div = " / ", grouped: true, left;
    /// `%`: the remainder of an integer division, with the sign of the dividend.
    Rem = " % ", grouped: true, left;
    /// `||`: text concatenation, NULL when either side is.
    Concat = " || ", grouped: true, left;
}

/// A node with one operand, rendered as `prefix operand suffix`.
macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident: $prefix:literal, $suffix:literal, $sql_type:ty, $null:tt;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<E>(pub(crate) E);

        impl<E: Expression> Expression for $name<E> {
            type SqlType = $sql_type;
        }
        impl<E: ValidIn<QS, I>, QS, I> ValidIn<QS, I> for $name<E> {
            type Nullability = unary!(@null $null, E, QS, I);
        }

        impl<E: ValidGrouping<GB, I>, GB, I> ValidGrouping<GB, I> for $name<E> {
            type Kind = E::Kind;
        }

        impl<E: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for $name<E> {
            fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
                out.push_sql($prefix);
                self.0.walk(out);
                out.push_sql($suffix);
            }
        }
    )*};
    (@null operand, $e:ident, $qs:ident, $i:ident) => { NullableIfAny<($e,), $qs, ($i,)> };
    (@null $null:tt, $e:ident, $qs:ident, $i:ident) => { $null };
}

unary! {
    /// `NOT (expr)`
    Not: "NOT (", ")", E::SqlType, operand;
    /// `expr IS NULL`
    IsNull: "", " IS NULL", Bool, NotNull;
    /// `expr IS NOT NULL`
    IsNotNull: "", " IS NOT NULL", Bool, NotNull;
    /// `expr`, typed as nullable: built by `nullable()` to compare or combine a NOT NULL
    /// expression with a nullable one.
    AsNullable: "", "", <E::SqlType as SqlType>::IntoNullable, operand;
    /// `(-expr)`: unary minus.
    Neg: "(-", ")", E::SqlType, operand;
}

/// `BETWEEN` and `NOT BETWEEN`.
macro_rules! between {
    ($($(#[$doc:meta])* $name:ident: $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<E, Lo, Hi> {
            pub(crate) expr: E,
            pub(crate) low: Lo,
            pub(crate) high: Hi,
        }

        impl<E: Expression, Lo, Hi> Expression for $name<E, Lo, Hi> {
            type SqlType = <<E::SqlType as SqlType>::Nullability as Nullability>::Apply<Bool>;
        }
        impl<E, Lo, Hi, GB, IE, IL, IH> ValidGrouping<GB, (IE, IL, IH)> for $name<E, Lo, Hi>
        where
            E: ValidGrouping<GB, IE>,
            Lo: ValidGrouping<GB, IL>,
            Hi: ValidGrouping<GB, IH>,
            E::Kind: Combine<Lo::Kind>,
            <E::Kind as Combine<Lo::Kind>>::Out: Combine<Hi::Kind>,
        {
            type Kind = <<E::Kind as Combine<Lo::Kind>>::Out as Combine<Hi::Kind>>::Out;
        }

        impl<E, Lo, Hi, QS, IE, IL, IH> ValidIn<QS, (IE, IL, IH)> for $name<E, Lo, Hi>
        where
            E: ValidIn<QS, IE>,
            Lo: ValidIn<QS, IL>,
            Hi: ValidIn<QS, IH>,
        {
            type Nullability = NullableIfAny<(E, Lo, Hi), QS, (IE, IL, IH)>;
        }

        impl<E, Lo, Hi, DB> QueryFragment<DB> for $name<E, Lo, Hi>
        where
            E: QueryFragment<DB> + Expression,
            Lo: QueryFragment<DB> + Expression,
            Hi: QueryFragment<DB> + Expression,
            DB: Backend,
        {
            fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
                walk_operand(&self.expr, true, out);
                out.push_sql($sql);
                walk_operand(&self.low, true, out);
                out.push_sql(" AND ");
                walk_operand(&self.high, true, out);
            }
        }
    )*};
}

between! {
    /// `expr BETWEEN low AND high`
    Between: " BETWEEN ";
    /// `expr NOT BETWEEN low AND high`
    NotBetween: " NOT BETWEEN ";
}

/// Renders an operand; when `compared`, cast as SQLite needs to compare values of its
/// SQL type as that type (a `Numeric` stored as text compares as a number).
pub(crate) fn walk_operand<'a, E, DB>(operand: &'a E, compared: bool, out: &mut SqlWriter<'a>)
where
    E: QueryFragment<DB> + Expression,
    DB: Backend,
{
    match DB::comparison_cast::<E::SqlType>() {
        Some(cast) if compared => {
            out.push_sql("CAST(");
            operand.walk(out);
            out.push_sql(" AS ");
            out.push_sql(cast);
            out.push_sql(")");
        }
        _ => operand.walk(out),
    }
}

/// The values of an `IN` list as one PostgreSQL array parameter, so that lists of every
/// length are one statement (and one prepared plan); `None` when an array cannot carry
/// them: all NULL, or an element that is itself an array.
fn as_array<'a, ST, T: ToSql<ST>>(values: &'a [Bound<ST, T>]) -> Option<BindValue<'a>> {
    let elements: Vec<BindValue<'a>> = values.iter().map(|v| v.value.to_bind()).collect();
    let mut kinds = elements
        .iter()
        .filter(|e| !matches!(e, BindValue::Null))
        .map(BindValue::kind);
    let element = kinds.next()??;
    kinds
        .all(|kind| kind == Some(element))
        .then_some(BindValue::Array { element, elements })
}

macro_rules! in_list {
    ($($(#[$doc:meta])* $name:ident: $op:literal, pg: $pg:literal, empty: $empty:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name<E, ST, T> {
            pub(crate) expr: E,
            pub(crate) values: Vec<Bound<ST, T>>,
        }

        impl<E: Expression, ST, T> Expression for $name<E, ST, T> {
            type SqlType = <<E::SqlType as SqlType>::Nullability as Nullability>::Apply<Bool>;
        }
        impl<E: ValidIn<QS, I>, ST, T, QS, I> ValidIn<QS, I> for $name<E, ST, T> {
            // The values are bind parameters: only `E` can be a left-joined column.
            type Nullability = NullableIfAny<(E,), QS, (I,)>;
        }

        impl<E: ValidGrouping<GB, I>, ST, T, GB, I> ValidGrouping<GB, I> for $name<E, ST, T> {
            type Kind = E::Kind;
        }

        impl<E, ST, T, DB> QueryFragment<DB> for $name<E, ST, T>
        where
            E: QueryFragment<DB> + Expression,
            Bound<ST, T>: QueryFragment<DB> + Expression,
            T: ToSql<ST>,
            DB: Backend,
        {
            fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
                if self.values.is_empty() {
                    // `IN ()` is not SQL; an empty list matches nothing (or, negated, everything).
                    out.shape(0);
                    out.push_sql($empty);
                    return;
                }
                walk_operand(&self.expr, true, out);
                if DB::IN_LIST_AS_ARRAY {
                    if let Some(array) = as_array(&self.values) {
                        out.shape(1);
                        out.push_sql($pg);
                        out.push_bind(array);
                        out.push_sql(")");
                        return;
                    }
                }
                // One placeholder per value: the length is part of the SQL.
                out.shape(2 + self.values.len() as u64);
                out.push_sql($op);
                for (i, value) in self.values.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    walk_operand(value, true, out);
                }
                out.push_sql(")");
            }
        }
    )*};
}

in_list! {
    /// `expr IN (v1, v2, …)`, built by `eq_any`; on PostgreSQL `expr = ANY($1)` with
    /// the values as one array parameter.
    In: " IN (", pg: " = ANY(", empty: "1 = 0";
    /// `expr NOT IN (v1, v2, …)`, built by `ne_all`; on PostgreSQL `expr <> ALL($1)`.
    NotIn: " NOT IN (", pg: " <> ALL(", empty: "1 = 1";
}

/// Ordering terms: `expr ASC` and `expr DESC`.
macro_rules! ordering {
    ($($(#[$doc:meta])* $name:ident: $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<E>(pub(crate) E);
        impl<E: ValidIn<QS, I>, QS, I> ValidIn<QS, I> for $name<E> {
            type Nullability = E::Nullability;
        }

        impl<E: ValidGrouping<GB, I>, GB, I> ValidGrouping<GB, I> for $name<E> {
            type Kind = E::Kind;
        }

        impl<E: QueryFragment<DB> + Expression, DB: Backend> QueryFragment<DB> for $name<E> {
            fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
                // Ordering compares values: the same casts as comparisons.
                walk_operand(&self.0, true, out);
                out.push_sql($sql);
            }
        }

        impl<E: Expression> crate::query::OrderTerm for $name<E> {}

        impl<E> $name<E> {
            /// `… NULLS FIRST`: NULLs before every value (both backends; SQLite since 3.30).
            pub fn nulls_first(self) -> NullsFirst<Self> {
                NullsFirst(self)
            }

            /// `… NULLS LAST`: NULLs after every value.
            pub fn nulls_last(self) -> NullsLast<Self> {
                NullsLast(self)
            }
        }
    )*};
}

/// Where NULLs go in an ordering: `term NULLS FIRST` and `term NULLS LAST`, built by
/// `.asc().nulls_first()`, `.desc().nulls_last()`, …. Without one, PostgreSQL puts
/// NULLs last in ascending order and SQLite first.
macro_rules! nulls_order {
    ($($(#[$doc:meta])* $name:ident: $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<O>(pub(crate) O);

        impl<O: ValidIn<QS, I>, QS, I> ValidIn<QS, I> for $name<O> {
            type Nullability = O::Nullability;
        }

        impl<O: ValidGrouping<GB, I>, GB, I> ValidGrouping<GB, I> for $name<O> {
            type Kind = O::Kind;
        }

        impl<O: crate::query::OrderTerm> crate::query::OrderTerm for $name<O> {}

        impl<O: crate::query::OrderFragment<DB>, DB: Backend> crate::query::OrderFragment<DB>
            for $name<O>
        {
            fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
                self.0.walk_order(out);
                out.push_sql($sql);
            }
        }
    )*};
}

nulls_order! {
    /// `term NULLS FIRST`
    NullsFirst: " NULLS FIRST";
    /// `term NULLS LAST`
    NullsLast: " NULLS LAST";
}

ordering! {
    /// `expr ASC`
    Asc: " ASC";
    /// `expr DESC`
    Desc: " DESC";
}

/// `+ - * / %` and unary `-` on expression nodes, so arithmetic chains:
/// `(users::id + 1) * 2`, `-(users::age - 1)`. (Columns have `+ - * /` from `table!`;
/// `%` and minus on a column are the methods `rem` and `neg`.)
macro_rules! arithmetic_on {
    ($($ty:ident<$($param:ident),*>;)*) => {$(
        arithmetic_on!(@impl $ty<$($param),*>, Add, add, Add);
        arithmetic_on!(@impl $ty<$($param),*>, Sub, sub, Sub);
        arithmetic_on!(@impl $ty<$($param),*>, Mul, mul, Mul);
        arithmetic_on!(@impl $ty<$($param),*>, Div, div, Div);

        impl<Rhs, $($param),*> std::ops::Rem<Rhs> for $ty<$($param),*>
        where
            Self: Expression,
            <Self as Expression>::SqlType: super::IntegerType,
            Rhs: AsExpression<<Self as Expression>::SqlType>,
        {
            type Output = Binary<Rem, Self, Rhs::Expression>;
            fn rem(self, rhs: Rhs) -> Self::Output {
                Binary::new(self, rhs.into_expression())
            }
        }

        impl<$($param),*> std::ops::Neg for $ty<$($param),*>
        where
            Self: Expression,
            <Self as Expression>::SqlType: crate::types::NumericType,
        {
            type Output = Neg<Self>;
            fn neg(self) -> Neg<Self> {
                Neg(self)
            }
        }
    )*};
    (@impl $ty:ident<$($param:ident),*>, $trait:ident, $method:ident, $op:ident) => {
        impl<Rhs, $($param),*> std::ops::$trait<Rhs> for $ty<$($param),*>
        where
            Self: Expression,
            <Self as Expression>::SqlType: crate::types::NumericType,
            Rhs: AsExpression<<Self as Expression>::SqlType>,
        {
            type Output = Binary<$op, Self, Rhs::Expression>;
            fn $method(self, rhs: Rhs) -> Self::Output {
                Binary::new(self, rhs.into_expression())
            }
        }
    };
}

arithmetic_on! {
    AsNullable<E>;
    FunctionCall<F, Args>;
    Coalesce<A, B>;
    Binary<Op, L, R>;
    Bound<ST, T>;
    Neg<E>;
    Cast<E, T>;
    CaseWhen<ST, Arms, E>;
    SimpleCase<S, ST, Arms, E>;
    DatePart<Open, U, E>;
}

expression_as_itself! {
    AsNullable<E>;
    Binary<Op, L, R>;
    Not<E>;
    IsNull<E>;
    IsNotNull<E>;
    Between<E, Lo, Hi>;
    NotBetween<E, Lo, Hi>;
    Neg<E>;
    In<E, ST, T>;
    NotIn<E, ST, T>;
}
