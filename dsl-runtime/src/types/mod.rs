//! SQL type markers and how Rust values cross to and from them.
//!
//! Each SQL type is a zero-sized marker (`Int4`, `Text`, `Nullable<Text>`, …) that names
//! a column's type in `table!`. A marker knows its default Rust type ([`SqlType::Rust`]),
//! which is what a tuple select loads into without annotations. [`FromSql`] decodes a
//! database value into a Rust type and [`ToSql`] turns a Rust value into a bind
//! parameter; both are backend-neutral, and each backend provides the raw accessors
//! behind them ([`SqlValue`]).
//!
//! ## Dates, times, UUIDs, decimals and JSON
//!
//! `Timestamp`, `Timestamptz`, `Date`, `Time`, `Uuid`, `Numeric`, `Json` and `Jsonb` work
//! on both backends; their Rust types come from optional features of the `quarry` crate,
//! all off by default:
//!
//! | feature | SQL types | Rust types |
//! |---|---|---|
//! | `chrono` | `Timestamp`, `Timestamptz`, `Date`, `Time` | `NaiveDateTime`, `DateTime<Utc>` (also `DateTime<FixedOffset>`), `NaiveDate`, `NaiveTime` |
//! | `time` | `Timestamp`, `Timestamptz`, `Date`, `Time` | `PrimitiveDateTime`, `OffsetDateTime`, `Date`, `Time` |
//! | `uuid` | `Uuid` | `uuid::Uuid` (without it: `[u8; 16]`) |
//! | `rust_decimal` | `Numeric` | `rust_decimal::Decimal` |
//! | `serde_json` | `Json`, `Jsonb` | `serde_json::Value` |
//!
//! A SQL type's default Rust type ([`SqlType::Rust`], what a tuple select loads into)
//! never changes when a feature is turned on, since Cargo unifies features across a
//! build and a change would break code elsewhere in it. So the date/time types default
//! to `chrono`'s types when `chrono` is on and to [`FeatureRequired`] otherwise, even when
//! `time` is on: with `time`, name its types in a `#[derive(Selectable)]` struct or a
//! `sql_query` tuple. Likewise `Uuid`, `Numeric`, `Json` and `Jsonb` default to
//! [`FeatureRequired`] until their feature is on.
//!
//! [`Array<ST>`] is PostgreSQL's array type; it loads as a `Vec` and only compiles in
//! queries run on PostgreSQL: every SQL type is
//! [`SupportedBy`] the backends that store it, `Array` by `Pg`
//! alone. A SQL type of your own implements `SupportedBy<DB>` for each backend that
//! stores it.

mod array;
mod bind;
pub(crate) mod calendar;
pub(crate) mod decimal_text;
mod decode;

#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "rust_decimal")]
mod decimal;
#[cfg(feature = "serde_json")]
mod json;
#[cfg(test)]
pub(crate) mod test_value;
#[cfg(feature = "time")]
mod time;
#[cfg(feature = "uuid")]
mod uuid;

pub use array::{Array, ArrayElement};
pub(crate) use bind::OwnedValue;
pub use bind::{BindValue, ToSql, ValueKind};
pub use decode::{DecodeError, FromSql, SqlValue};
pub(crate) use decode::{narrow_to_f32, text_preview};

use crate::backend::Backend;
use crate::expr::SupportedBy;
use crate::query::{DecodeRow, OptionalRow};
use std::marker::PhantomData;

/// A SQL type marker.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL type",
    note = "SQL types are the markers of `quarry::types` (`Int4`, `Text`, `Nullable<Text>`, …)"
)]
pub trait SqlType: 'static {
    /// The type's name as SQL users know it, for messages.
    const NAME: &'static str;
    /// Whether the type admits NULL: [`NotNull`] or [`IsNullable`].
    type Nullability: Nullability;
    /// The Rust type a value of this SQL type loads into by default.
    type Rust;
    /// The type made nullable: `Nullable<Self>`, or `Self` if it already is.
    type IntoNullable: SqlType<Nullability = IsNullable>;
    /// How SQLite must cast stored values of this type to compare or order them as the
    /// type says (`Numeric` is stored as exact text, compared as a number); `None` when
    /// they compare as stored.
    #[doc(hidden)]
    const SQLITE_COMPARE_AS: Option<&'static str> = None;
}

/// Type-level answer to "can this SQL type be NULL?".
pub trait Nullability: 'static {
    /// `ST` made as nullable as `Self` says.
    type Apply<ST: SqlType>: SqlType;
    /// The nullability of an expression combining one of `Self` with one of `Other`.
    type Or<Other: Nullability>: Nullability;
    /// Decodes a whole row part (a struct, a table's columns) that may be missing:
    /// `R` itself, or `Option<R::Output>` for a left-joined table.
    type WrapRow<R: DecodeRow>: DecodeRow;
}

/// The nullability of a NOT NULL type.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotNull;

/// The nullability of a `Nullable<_>` type.
#[derive(Debug, Clone, Copy, Default)]
pub struct IsNullable;

impl Nullability for NotNull {
    type Apply<ST: SqlType> = ST;
    type Or<Other: Nullability> = Other;
    type WrapRow<R: DecodeRow> = R;
}

impl Nullability for IsNullable {
    type Apply<ST: SqlType> = ST::IntoNullable;
    type Or<Other: Nullability> = IsNullable;
    type WrapRow<R: DecodeRow> = OptionalRow<R>;
}

/// Implemented by SQL types that admit NULL; `is_null` and `is_not_null` require it.
#[diagnostic::on_unimplemented(
    message = "`is_null`/`is_not_null` need a nullable column, but this one is `{Self}` (NOT NULL)",
    label = "this expression can never be NULL",
    note = "declare the column as `Nullable<{Self}>` in `table!` if the database allows NULL in it",
    note = "for a column of a left-joined table, whose row may be missing, write `column.nullable().is_null()`"
)]
pub trait NullableType: SqlType {}

/// Implemented by SQL types that are NOT NULL.
pub trait NotNullType: SqlType<Nullability = NotNull> {}

/// Implemented by text types; `like` and `not_like` require it.
#[diagnostic::on_unimplemented(
    message = "`like`/`not_like` need a text expression, but this one is `{Self}`",
    label = "not a `Text` expression",
    note = "pattern matching applies to `Text` and `Nullable<Text>` columns"
)]
pub trait TextType: SqlType {}

/// Implemented by numeric types; `+ - * /` require it.
#[diagnostic::on_unimplemented(
    message = "arithmetic needs a numeric expression, but this one is `{Self}`",
    note = "`+ - * /` apply to Int2, Int4, Int8, Float4, Float8 and Numeric columns"
)]
pub trait NumericType: SqlType {}

/// Implemented by `Bool` and `Nullable<Bool>`; `filter`, `and`, `or` and `not` require it.
#[diagnostic::on_unimplemented(
    message = "a condition must be a boolean SQL expression, but this one is `{Self}`",
    label = "not a condition",
    note = "use a comparison such as `column.eq(value)`, or a `Bool` column"
)]
pub trait BoolType: SqlType {}

macro_rules! sql_types {
    ($($(#[$doc:meta])* $name:ident = $sql:literal $(compared as $cmp:literal)? => $rust:ty $(, $marker:ident)*;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl SqlType for $name {
            const NAME: &'static str = $sql;
            type Nullability = NotNull;
            type Rust = $rust;
            type IntoNullable = Nullable<$name>;
            $(const SQLITE_COMPARE_AS: Option<&'static str> = Some($cmp);)?
        }

        impl NotNullType for $name {}
        impl<DB: Backend> SupportedBy<DB> for $name {}
        $(impl $marker for $name {})*
        $(impl $marker for Nullable<$name> {})*
    )*};
}

sql_types! {
    /// `BOOLEAN`; loads as `bool`.
    Bool = "Bool" => bool, BoolType;
    /// `SMALLINT`, a 2-byte integer; loads as `i16`.
    Int2 = "Int2" => i16, NumericType;
    /// `INTEGER`, a 4-byte integer; loads as `i32`.
    Int4 = "Int4" => i32, NumericType;
    /// `BIGINT`, an 8-byte integer; loads as `i64`.
    Int8 = "Int8" => i64, NumericType;
    /// `REAL`, a 4-byte float; loads as `f32`.
    Float4 = "Float4" => f32, NumericType;
    /// `DOUBLE PRECISION`, an 8-byte float; loads as `f64`.
    Float8 = "Float8" => f64, NumericType;
    /// `TEXT`; loads as `String`.
    Text = "Text" => String, TextType;
    /// `BYTEA` / `BLOB`; loads as `Vec<u8>`.
    Binary = "Binary" => Vec<u8>;
}

// The Rust types below come from optional features; see the module docs.
sql_types! {
    /// `TIMESTAMP` (without time zone), to the microsecond; loads as
    /// `chrono::NaiveDateTime` (feature `chrono`).
    ///
    /// SQLite stores it as TEXT `YYYY-MM-DD HH:MM:SS[.ffffff]`, the form its date
    /// functions read.
    Timestamp = "Timestamp" => default_rust::Timestamp;
    /// `TIMESTAMPTZ` (`TIMESTAMP WITH TIME ZONE`), an instant to the microsecond; loads
    /// as `chrono::DateTime<Utc>` (feature `chrono`).
    ///
    /// SQLite stores it as TEXT in UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`.
    Timestamptz = "Timestamptz" => default_rust::Timestamptz;
    /// `DATE`; loads as `chrono::NaiveDate` (feature `chrono`). SQLite: TEXT `YYYY-MM-DD`.
    Date = "Date" => default_rust::Date;
    /// `TIME` (without time zone), to the microsecond; loads as `chrono::NaiveTime`
    /// (feature `chrono`). SQLite: TEXT `HH:MM:SS[.ffffff]`.
    Time = "Time" => default_rust::Time;
    /// `UUID`; loads as `uuid::Uuid` (feature `uuid`), or into a `[u8; 16]` field.
    /// SQLite stores it as a 16-byte BLOB.
    Uuid = "Uuid" => default_rust::Uuid;
    /// `NUMERIC` / `DECIMAL`, an exact decimal; loads as `rust_decimal::Decimal`
    /// (feature `rust_decimal`).
    ///
    /// SQLite stores it as TEXT holding the exact decimal: declare such columns `TEXT`,
    /// since a `NUMERIC` column's affinity would turn the text into a lossy REAL.
    Numeric = "Numeric" compared as "NUMERIC" => default_rust::Numeric, NumericType;
    /// `JSON`; loads as `serde_json::Value` (feature `serde_json`). SQLite: TEXT.
    Json = "Json" => default_rust::Json;
    /// `JSONB`, PostgreSQL's binary JSON; loads as `serde_json::Value` (feature
    /// `serde_json`). SQLite stores it as TEXT, like `Json`.
    Jsonb = "Jsonb" => default_rust::Jsonb;
}

/// The default Rust type of each SQL type whose Rust types come from a feature.
mod default_rust {
    #[cfg(not(feature = "chrono"))]
    use super::{Date as D, FeatureRequired, Time as T, Timestamp as Ts, Timestamptz as Tz};

    #[cfg(feature = "chrono")]
    pub(super) type Timestamp = ::chrono::NaiveDateTime;
    #[cfg(not(feature = "chrono"))]
    pub(super) type Timestamp = FeatureRequired<Ts>;
    #[cfg(feature = "chrono")]
    pub(super) type Timestamptz = ::chrono::DateTime<::chrono::Utc>;
    #[cfg(not(feature = "chrono"))]
    pub(super) type Timestamptz = FeatureRequired<Tz>;
    #[cfg(feature = "chrono")]
    pub(super) type Date = ::chrono::NaiveDate;
    #[cfg(not(feature = "chrono"))]
    pub(super) type Date = FeatureRequired<D>;
    #[cfg(feature = "chrono")]
    pub(super) type Time = ::chrono::NaiveTime;
    #[cfg(not(feature = "chrono"))]
    pub(super) type Time = FeatureRequired<T>;

    #[cfg(feature = "uuid")]
    pub(super) type Uuid = ::uuid::Uuid;
    #[cfg(not(feature = "uuid"))]
    pub(super) type Uuid = super::FeatureRequired<super::Uuid>;

    #[cfg(feature = "rust_decimal")]
    pub(super) type Numeric = ::rust_decimal::Decimal;
    #[cfg(not(feature = "rust_decimal"))]
    pub(super) type Numeric = super::FeatureRequired<super::Numeric>;

    #[cfg(feature = "serde_json")]
    pub(super) type Json = ::serde_json::Value;
    #[cfg(not(feature = "serde_json"))]
    pub(super) type Json = super::FeatureRequired<super::Json>;
    #[cfg(feature = "serde_json")]
    pub(super) type Jsonb = ::serde_json::Value;
    #[cfg(not(feature = "serde_json"))]
    pub(super) type Jsonb = super::FeatureRequired<super::Jsonb>;
}

/// The default Rust type of SQL type `ST` while the feature that gives it one is off.
///
/// No value of this type exists: loading a column into it fails with an
/// [`Error::Decode`](crate::Error::Decode) that names the feature, and code that uses
/// the loaded value does not compile. Enable the feature (`chrono` for `Timestamp`,
/// `Timestamptz`, `Date` and `Time`; `uuid`, `rust_decimal`, `serde_json` for `Uuid`,
/// `Numeric` and `Json`/`Jsonb`), or load the column into a struct field of a type that
/// has a [`FromSql`] impl (the `time` feature's types, `[u8; 16]` for `Uuid`).
///
/// It has a `FromSql` impl so that a table with such a column compiles without the
/// feature, and its other columns and `#[derive(Selectable)]` structs load as usual.
pub struct FeatureRequired<ST> {
    _never: std::convert::Infallible,
    _sql_type: PhantomData<ST>,
}

impl<ST> std::fmt::Debug for FeatureRequired<ST> {
    fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self._never {}
    }
}

impl<ST: SqlType> FromSql<ST> for FeatureRequired<ST> {
    fn from_sql<'a, V: SqlValue<'a>>(_value: V) -> Result<Self, DecodeError> {
        let (feature, other) = match ST::NAME {
            "Uuid" => ("uuid", "`[u8; 16]`"),
            "Numeric" => ("rust_decimal", "a type with a `FromSql<Numeric>` impl"),
            "Json" | "Jsonb" => ("serde_json", "a type with a `FromSql` impl"),
            _ => ("chrono", "a `time` type (feature `time`)"),
        };
        Err(DecodeError::Invalid(format!(
            "a value whose default Rust type needs quarry's `{feature}` feature: enable it, \
             or load the column into a struct field of {other}"
        )))
    }
}

/// A column or expression of type `ST` that may be NULL; loads as `Option<_>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Nullable<ST>(PhantomData<ST>);

impl<ST: NotNullType> SqlType for Nullable<ST> {
    const NAME: &'static str = ST::NAME;
    type Nullability = IsNullable;
    type Rust = Option<ST::Rust>;
    type IntoNullable = Self;
    const SQLITE_COMPARE_AS: Option<&'static str> = ST::SQLITE_COMPARE_AS;
}

impl<ST: NotNullType> NullableType for Nullable<ST> {}

impl<ST: SupportedBy<DB>, DB: Backend> SupportedBy<DB> for Nullable<ST> {}
