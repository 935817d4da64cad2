//! Date and time parts: `extract(Year, e)` and `date_trunc(Month, e)`, spelled per
//! backend (`EXTRACT` and `date_trunc` on PostgreSQL, `strftime` on SQLite, which keeps
//! dates and times as ISO text).

use super::{
    AsExpression, Expression, NullIfAnyArg, NullableIfAny, Spelling, ValidGrouping, ValidIn,
};
use crate::backend::Backend;
use crate::query::{QueryFragment, SqlWriter};
use crate::types::{Date, Int4, Nullable, SqlType, Timestamp, Timestamptz};
use std::marker::PhantomData;

/// A part of a date or time: [`Year`], [`Month`], [`Day`], [`Hour`], [`Minute`].
pub trait DateUnit: Copy {
    /// `extract` on PostgreSQL, up to the operand: `CAST(EXTRACT(YEAR FROM `.
    const PG_EXTRACT: &'static str;
    /// `extract` on SQLite, up to the operand: `CAST(strftime('%Y', `.
    const SQLITE_EXTRACT: &'static str;
    /// `date_trunc` on PostgreSQL, up to the operand: `date_trunc('year', `.
    const PG_TRUNC: &'static str;
    /// `date_trunc` on SQLite, up to the operand: `strftime('%Y-01-01 00:00:00', `.
    const SQLITE_TRUNC: &'static str;
}

macro_rules! date_units {
    ($($(#[$doc:meta])* $unit:ident: $pg:literal, $sqlite:literal, trunc $sqlite_trunc:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $unit;

        impl DateUnit for $unit {
            const PG_EXTRACT: &'static str = concat!("CAST(EXTRACT(", $pg, " FROM ");
            const SQLITE_EXTRACT: &'static str = concat!("CAST(strftime('", $sqlite, "', ");
            const PG_TRUNC: &'static str = concat!("date_trunc('", $pg, "', ");
            const SQLITE_TRUNC: &'static str = concat!("strftime('", $sqlite_trunc, "', ");
        }
    )*};
}

date_units! {
    /// The year.
    Year: "YEAR", "%Y", trunc "%Y-01-01 00:00:00";
    /// The month, 1 to 12.
    Month: "MONTH", "%m", trunc "%Y-%m-01 00:00:00";
    /// The day of the month, 1 to 31.
    Day: "DAY", "%d", trunc "%Y-%m-%d 00:00:00";
    /// The hour, 0 to 23.
    Hour: "HOUR", "%H", trunc "%Y-%m-%d %H:00:00";
    /// The minute, 0 to 59.
    Minute: "MINUTE", "%M", trunc "%Y-%m-%d %H:%M:00";
}

/// The SQL before the operand of `extract(U, …)`.
#[derive(Debug, Clone, Copy)]
pub struct ExtractOpen<U>(PhantomData<U>);

impl<U: DateUnit> Spelling for ExtractOpen<U> {
    const PG: &'static str = U::PG_EXTRACT;
    const SQLITE: &'static str = U::SQLITE_EXTRACT;
}

/// The SQL before the operand of `date_trunc(U, …)`.
#[derive(Debug, Clone, Copy)]
pub struct TruncOpen<U>(PhantomData<U>);

impl<U: DateUnit> Spelling for TruncOpen<U> {
    const PG: &'static str = U::PG_TRUNC;
    const SQLITE: &'static str = U::SQLITE_TRUNC;
}

/// SQL types that have part `U`: dates have years, months and days; timestamps also
/// hours and minutes.
#[diagnostic::on_unimplemented(
    message = "`extract` cannot take this part of a `{Self}`",
    label = "this value has no such part",
    note = "`Date` has `Year`, `Month` and `Day`; `Timestamp` and `Timestamptz` also `Hour` and `Minute`"
)]
pub trait HasPart<U>: SqlType {}

macro_rules! has_parts {
    ($($st:ty: $($unit:ident),*;)*) => {$($(
        impl HasPart<$unit> for $st {}
        impl HasPart<$unit> for Nullable<$st> {}
    )*)*};
}

has_parts! {
    Date: Year, Month, Day;
    Timestamp: Year, Month, Day, Hour, Minute;
    Timestamptz: Year, Month, Day, Hour, Minute;
}

/// SQL types `date_trunc` takes: `Timestamp` (nullable or not).
#[diagnostic::on_unimplemented(
    message = "`date_trunc` needs a `Timestamp`, but this one is `{Self}`",
    label = "not a `Timestamp`",
    note = "a `Date` is whole days already; a `Timestamptz` would be truncated in a different time zone on each backend"
)]
pub trait Truncatable: SqlType {}

impl Truncatable for Timestamp {}
impl Truncatable for Nullable<Timestamp> {}

/// `extract(unit, expr)` or `date_trunc(unit, expr)`: `Open` is the SQL before the
/// operand, each backend's own.
#[derive(Debug, Clone, Copy)]
pub struct DatePart<Open, U, E> {
    expr: E,
    _unit: PhantomData<(Open, U)>,
}

/// `extract(unit, expr)`, as `Int4`.
pub type Extract<U, E> = DatePart<ExtractOpen<U>, U, E>;

/// `date_trunc(unit, expr)`, of `expr`'s type.
pub type DateTrunc<U, E> = DatePart<TruncOpen<U>, U, E>;

/// `EXTRACT(unit FROM expr)` as an `Int4`: the year, month, day, hour or minute of a
/// date or timestamp (`CAST(strftime('%Y', expr) AS INTEGER)` on SQLite). Nullable
/// when `expr` is. For a `Timestamptz`, the hour is the session time zone's on
/// PostgreSQL and UTC's on SQLite.
pub fn extract<U: DateUnit, E>(_unit: U, expr: E) -> Extract<U, E>
where
    E: Expression<SqlType: HasPart<U>>,
{
    DatePart {
        expr,
        _unit: PhantomData,
    }
}

/// `date_trunc(unit, expr)`: the timestamp with the parts below `unit` set to their
/// start (`strftime('%Y-%m-01 00:00:00', expr)` on SQLite for `Month`). Of `expr`'s
/// type.
pub fn date_trunc<U: DateUnit, E>(_unit: U, expr: E) -> DateTrunc<U, E>
where
    E: Expression<SqlType: Truncatable>,
{
    DatePart {
        expr,
        _unit: PhantomData,
    }
}

impl<U, E: Expression> Expression for Extract<U, E> {
    type SqlType = NullIfAnyArg<(E,), Int4>;
}

impl<U, E: Expression> Expression for DateTrunc<U, E> {
    type SqlType = E::SqlType;
}

impl<Open, U, E: ValidIn<QS, I>, QS, I> ValidIn<QS, I> for DatePart<Open, U, E> {
    type Nullability = NullableIfAny<(E,), QS, (I,)>;
}

impl<Open, U, E: ValidGrouping<GB, I>, GB, I> ValidGrouping<GB, I> for DatePart<Open, U, E> {
    type Kind = E::Kind;
}

impl<U: DateUnit, E: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Extract<U, E> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(DB::spelled::<ExtractOpen<U>>());
        self.expr.walk(out);
        out.push_sql(") AS INTEGER)");
    }
}

impl<U: DateUnit, E: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for DateTrunc<U, E> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(DB::spelled::<TruncOpen<U>>());
        self.expr.walk(out);
        out.push_sql(")");
    }
}

super::expression_as_itself! {
    DatePart<Open, U, E>;
}
