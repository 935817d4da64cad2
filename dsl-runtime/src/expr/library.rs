//! The typed function library: text, comparison, rounding and date functions that both
//! backends have (under their own names where those differ), so that common SQL needs
//! no `sql_function!`.
//!
//! Every function here returns NULL when an argument is NULL, so its result type is
//! nullable when an argument's is ([`NullIfAnyArg`]); an argument that is a column of a
//! `left_join`ed table makes the call nullable as any expression ([`NullableIfAny`](super::NullableIfAny)).
//! `nullif` is nullable always.

use super::grouping::Ordered;
use super::{AsExpression, Expression, FunctionCall, FunctionOutput, NullIfAnyArg, SqlFunction};
use super::{SupportedBy, ValidGrouping, ValidIn};
use crate::backend::Backend;
use crate::query::{QueryFragment, SqlWriter};
use crate::types::{Date, Float8, Int4, Nullable, SqlType, Text, TextType};

/// Declares a function marker: its name on PostgreSQL and on SQLite, and the backends
/// it renders on.
macro_rules! function_marker {
    ($($(#[$doc:meta])* $marker:ident = pg $pg:literal, sqlite $sqlite:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $marker;

        impl SqlFunction for $marker {
            const NAME: &'static str = $pg;
            const SQLITE_NAME: &'static str = $sqlite;
        }

        impl<DB: Backend> SupportedBy<DB> for $marker {}
    )*};
}

function_marker! {
    /// `substr(text, start[, length])`.
    SubstrFn = pg "substr", sqlite "substr";
    /// `btrim(text)` on PostgreSQL, `trim(text)` on SQLite.
    TrimFn = pg "btrim", sqlite "trim";
    /// `ltrim(text)`.
    LtrimFn = pg "ltrim", sqlite "ltrim";
    /// `rtrim(text)`.
    RtrimFn = pg "rtrim", sqlite "rtrim";
    /// `replace(text, from, to)`.
    ReplaceFn = pg "replace", sqlite "replace";
    /// `strpos(text, part)` on PostgreSQL, `instr(text, part)` on SQLite.
    PositionFn = pg "strpos", sqlite "instr";
    /// `char_length(text)` on PostgreSQL, `length(text)` on SQLite.
    CharLengthFn = pg "char_length", sqlite "length";
    /// `nullif(a, b)`.
    NullifFn = pg "nullif", sqlite "nullif";
    /// `greatest(a, b)` on PostgreSQL, `max(a, b)` on SQLite.
    GreatestFn = pg "greatest", sqlite "max";
    /// `least(a, b)` on PostgreSQL, `min(a, b)` on SQLite.
    LeastFn = pg "least", sqlite "min";
    /// `round(x)`.
    RoundFn = pg "round", sqlite "round";
}

/// `floor(x)`: PostgreSQL only (the SQLite that quarry bundles is built without its
/// math functions).
#[derive(Debug, Clone, Copy, Default)]
pub struct FloorFn;

/// `ceil(x)`: PostgreSQL only, as [`FloorFn`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CeilFn;

impl SqlFunction for FloorFn {
    const NAME: &'static str = "floor";
}

impl SqlFunction for CeilFn {
    const NAME: &'static str = "ceil";
}

#[cfg(feature = "postgres")]
impl<DB: super::IsPostgres> SupportedBy<DB> for FloorFn {}
#[cfg(feature = "postgres")]
impl<DB: super::IsPostgres> SupportedBy<DB> for CeilFn {}

/// Text SQL types, nullable or not; the text functions (`substr`, `trim`, `replace`,
/// `position`) take one.
#[diagnostic::on_unimplemented(
    message = "this text function needs a `Text` expression, but this one is `{Self}`",
    label = "not a `Text` expression",
    note = "cast it to text first: `.cast::<Text>()`"
)]
pub trait TextArgument: TextType {}

impl TextArgument for Text {}
impl TextArgument for Nullable<Text> {}

/// Floating-point SQL types, nullable or not; `round`, `floor` and `ceil` take one.
#[diagnostic::on_unimplemented(
    message = "`round`/`floor`/`ceil` need a `Float8` expression, but this one is `{Self}`",
    label = "not a `Float8`",
    note = "integers need no rounding; cast other numbers first: `.cast::<Float8>()`"
)]
pub trait FloatType: SqlType {}

impl FloatType for Float8 {}
impl FloatType for Nullable<Float8> {}

// Result types. Each is the type the function returns on both backends, nullable when
// an argument is.

impl<T: Expression, S: Expression> FunctionOutput<(T, S)> for SubstrFn {
    type SqlType = NullIfAnyArg<(T, S), Text>;
}
impl<T: Expression, S: Expression, L: Expression> FunctionOutput<(T, S, L)> for SubstrFn {
    type SqlType = NullIfAnyArg<(T, S, L), Text>;
}

macro_rules! text_to_text {
    ($($marker:ident),*) => {$(
        impl<T: Expression> FunctionOutput<(T,)> for $marker {
            type SqlType = NullIfAnyArg<(T,), Text>;
        }
    )*};
}

text_to_text!(TrimFn, LtrimFn, RtrimFn);

impl<T: Expression, F: Expression, R: Expression> FunctionOutput<(T, F, R)> for ReplaceFn {
    type SqlType = NullIfAnyArg<(T, F, R), Text>;
}

impl<T: Expression, P: Expression> FunctionOutput<(T, P)> for PositionFn {
    type SqlType = NullIfAnyArg<(T, P), Int4>;
}

impl<T: Expression> FunctionOutput<(T,)> for CharLengthFn {
    type SqlType = NullIfAnyArg<(T,), Int4>;
}

impl<A: Expression, B: Expression> FunctionOutput<(A, B)> for NullifFn {
    type SqlType = <A::SqlType as SqlType>::IntoNullable;
}

macro_rules! same_type_pair {
    ($($marker:ident),*) => {$(
        impl<A: Expression, B: Expression> FunctionOutput<(A, B)> for $marker {
            type SqlType = NullIfAnyArg<(A, B), A::SqlType>;
        }
    )*};
}

same_type_pair!(GreatestFn, LeastFn);

macro_rules! float_to_float {
    ($($marker:ident),*) => {$(
        impl<E: Expression> FunctionOutput<(E,)> for $marker {
            type SqlType = E::SqlType;
        }
    )*};
}

float_to_float!(RoundFn, FloorFn, CeilFn);

// The functions.

/// `substr(text, start, length)`: `length` characters from position `start` (counted
/// from 1).
pub fn substr<T, S, L>(
    text: T,
    start: S,
    length: L,
) -> FunctionCall<SubstrFn, (T, S::Expression, L::Expression)>
where
    T: Expression<SqlType: TextArgument>,
    S: AsExpression<Int4>,
    L: AsExpression<Int4>,
{
    FunctionCall::new((text, start.into_expression(), length.into_expression()))
}

/// `substr(text, start)`: the characters from position `start` (counted from 1) on.
pub fn substr_from<T, S>(text: T, start: S) -> FunctionCall<SubstrFn, (T, S::Expression)>
where
    T: Expression<SqlType: TextArgument>,
    S: AsExpression<Int4>,
{
    FunctionCall::new((text, start.into_expression()))
}

/// `trim(text)`: without spaces at either end (`btrim` on PostgreSQL).
pub fn trim<T: Expression<SqlType: TextArgument>>(text: T) -> FunctionCall<TrimFn, (T,)> {
    FunctionCall::new((text,))
}

/// `ltrim(text)`: without spaces at the start.
pub fn ltrim<T: Expression<SqlType: TextArgument>>(text: T) -> FunctionCall<LtrimFn, (T,)> {
    FunctionCall::new((text,))
}

/// `rtrim(text)`: without spaces at the end.
pub fn rtrim<T: Expression<SqlType: TextArgument>>(text: T) -> FunctionCall<RtrimFn, (T,)> {
    FunctionCall::new((text,))
}

/// `replace(text, from, to)`: every `from` in `text` replaced by `to`.
pub fn replace<T, F, R>(
    text: T,
    from: F,
    to: R,
) -> FunctionCall<ReplaceFn, (T, F::Expression, R::Expression)>
where
    T: Expression<SqlType: TextArgument>,
    F: AsExpression<Text>,
    R: AsExpression<Text>,
{
    FunctionCall::new((text, from.into_expression(), to.into_expression()))
}

/// `position`: where `part` first starts in `text`, counted from 1, or 0 when it does
/// not occur, as `Int4` (`strpos` on PostgreSQL, `instr` on SQLite).
pub fn position<T, P>(text: T, part: P) -> FunctionCall<PositionFn, (T, P::Expression)>
where
    T: Expression<SqlType: TextArgument>,
    P: AsExpression<Text>,
{
    FunctionCall::new((text, part.into_expression()))
}

/// `char_length(text)`: the number of characters, as `Int4` (`length` on SQLite, which
/// counts characters too; [`length`](super::length) is the same on both).
pub fn char_length<T: Expression<SqlType: TextArgument>>(
    text: T,
) -> FunctionCall<CharLengthFn, (T,)> {
    FunctionCall::new((text,))
}

/// `nullif(a, b)`: NULL when `a` equals `b`, else `a`; always nullable.
pub fn nullif<A, B>(a: A, b: B) -> FunctionCall<NullifFn, (A, B::Expression)>
where
    A: Expression,
    B: AsExpression<A::SqlType>,
{
    FunctionCall::new((a, b.into_expression()))
}

/// The larger of two values of one ordered type: `greatest(a, b)` on PostgreSQL,
/// `max(a, b)` on SQLite. With a NULL argument the backends differ (PostgreSQL ignores
/// it, SQLite returns NULL); the result is nullable when an argument is.
pub fn greatest<A, B>(a: A, b: B) -> FunctionCall<GreatestFn, (A, B::Expression)>
where
    A: Expression<SqlType: Ordered>,
    B: AsExpression<A::SqlType>,
{
    FunctionCall::new((a, b.into_expression()))
}

/// The smaller of two values: `least(a, b)` on PostgreSQL, `min(a, b)` on SQLite; NULLs
/// as for [`greatest`].
pub fn least<A, B>(a: A, b: B) -> FunctionCall<LeastFn, (A, B::Expression)>
where
    A: Expression<SqlType: Ordered>,
    B: AsExpression<A::SqlType>,
{
    FunctionCall::new((a, b.into_expression()))
}

/// `round(x)`: the nearest whole number, still a `Float8`. Halves differ: PostgreSQL
/// rounds a `double precision` half to the even neighbour (`round(2.5)` is 2), SQLite
/// away from zero (3).
pub fn round<E: Expression<SqlType: FloatType>>(x: E) -> FunctionCall<RoundFn, (E,)> {
    FunctionCall::new((x,))
}

/// `floor(x)`, PostgreSQL only: the largest whole number not above `x`.
pub fn floor<E: Expression<SqlType: FloatType>>(x: E) -> FunctionCall<FloorFn, (E,)> {
    FunctionCall::new((x,))
}

/// `ceil(x)`, PostgreSQL only: the smallest whole number not below `x`.
pub fn ceil<E: Expression<SqlType: FloatType>>(x: E) -> FunctionCall<CeilFn, (E,)> {
    FunctionCall::new((x,))
}

/// Today's date, as `Date`: `CURRENT_DATE` on both backends (in the session's time
/// zone on PostgreSQL, in UTC on SQLite).
#[derive(Debug, Clone, Copy, Default)]
pub struct CurrentDate;

/// Today's date: see [`CurrentDate`].
pub fn current_date() -> CurrentDate {
    CurrentDate
}

impl Expression for CurrentDate {
    type SqlType = Date;
}

impl<QS> ValidIn<QS, ()> for CurrentDate {
    type Nullability = crate::types::NotNull;
}

impl<GB> ValidGrouping<GB, ()> for CurrentDate {
    type Kind = super::Constant;
}

impl<DB: Backend> QueryFragment<DB> for CurrentDate {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("CURRENT_DATE");
    }
}

super::expression_as_itself! {
    CurrentDate<>;
}
