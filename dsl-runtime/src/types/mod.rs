//! SQL type markers and how Rust values cross to and from them.
//!
//! Each SQL type is a zero-sized marker (`Int4`, `Text`, `Nullable<Text>`, …) that names
//! a column's type in `table!`. A marker knows its default Rust type ([`SqlType::Rust`]),
//! which is what a tuple select loads into without annotations. [`FromSql`] decodes a
//! database value into a Rust type and [`ToSql`] turns a Rust value into a bind
//! parameter; both are backend-neutral, and each backend provides the raw accessors
//! behind them ([`SqlValue`]).

mod bind;
mod decode;

pub use bind::{BindValue, ToSql};
pub use decode::{DecodeError, FromSql, SqlValue};

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
}

/// Type-level answer to "can this SQL type be NULL?".
pub trait Nullability: 'static {
    /// `ST` made as nullable as `Self` says.
    type Apply<ST: SqlType>: SqlType;
    /// The nullability of an expression combining one of `Self` with one of `Other`.
    type Or<Other: Nullability>: Nullability;
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
}

impl Nullability for IsNullable {
    type Apply<ST: SqlType> = ST::IntoNullable;
    type Or<Other: Nullability> = IsNullable;
}

/// Implemented by SQL types that admit NULL; `is_null` and `is_not_null` require it.
#[diagnostic::on_unimplemented(
    message = "`is_null`/`is_not_null` need a nullable column, but this one is `{Self}` (NOT NULL)",
    label = "this expression can never be NULL",
    note = "declare the column as `Nullable<{Self}>` in `table!` if the database allows NULL in it"
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
    note = "`+ - * /` apply to Int2, Int4, Int8, Float4 and Float8 columns"
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
    ($($(#[$doc:meta])* $name:ident = $sql:literal => $rust:ty $(, $marker:ident)*;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl SqlType for $name {
            const NAME: &'static str = $sql;
            type Nullability = NotNull;
            type Rust = $rust;
            type IntoNullable = Nullable<$name>;
        }

        impl NotNullType for $name {}
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

/// A column or expression of type `ST` that may be NULL; loads as `Option<_>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Nullable<ST>(PhantomData<ST>);

impl<ST: NotNullType> SqlType for Nullable<ST> {
    const NAME: &'static str = ST::NAME;
    type Nullability = IsNullable;
    type Rust = Option<ST::Rust>;
    type IntoNullable = Self;
}

impl<ST: NotNullType> NullableType for Nullable<ST> {}
