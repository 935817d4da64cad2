//! Decoding database values into Rust values.

use super::{Binary, Bool, Float4, Float8, Int2, Int4, Int8, Nullable, SqlType, Text, Uuid};
use std::borrow::Cow;
use std::fmt;

/// Why one value could not be decoded. The caller adds which column it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The value was NULL but the Rust type has no room for NULL.
    UnexpectedNull,
    /// The database sent a value of another kind than the column's SQL type.
    WrongType {
        /// What the database sent (`text`, `real`, `integer`, …).
        found: String,
    },
    /// A number that does not fit the Rust type: an integer too wide for it, or a
    /// finite double beyond the range of an `f32`.
    OutOfRange {
        /// The value the database sent.
        value: String,
    },
    /// Text that is not valid UTF-8.
    InvalidUtf8,
    /// The row has fewer columns than the query expects.
    MissingColumn,
    /// Anything else a decoder rejects.
    Invalid(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnexpectedNull => f.write_str("NULL"),
            DecodeError::WrongType { found } => f.write_str(found),
            DecodeError::OutOfRange { value } => write!(f, "{value}, which is out of range"),
            DecodeError::InvalidUtf8 => f.write_str("text that is not valid UTF-8"),
            DecodeError::MissingColumn => f.write_str("no such column in the row"),
            DecodeError::Invalid(why) => f.write_str(why),
        }
    }
}

/// One value of a result row, as a backend presents it.
///
/// Each backend implements these accessors for its own wire or storage format; each
/// returns [`DecodeError::UnexpectedNull`] on NULL and [`DecodeError::WrongType`] when
/// the value is of another kind. The accessors of the date/time, UUID, decimal and JSON
/// types return backend-neutral logical values, which the optional type integrations
/// (`chrono`, `time`, …) turn into their Rust types.
pub trait SqlValue<'a>: Sized {
    /// The elements of an array value, as values of the same backend.
    type Elements: Iterator<Item = Result<Self, DecodeError>>;

    /// Whether the value is NULL.
    fn is_null(&self) -> bool;
    /// Reads a boolean.
    fn read_bool(&self) -> Result<bool, DecodeError>;
    /// Reads a 2-byte integer.
    fn read_i16(&self) -> Result<i16, DecodeError>;
    /// Reads a 4-byte integer.
    fn read_i32(&self) -> Result<i32, DecodeError>;
    /// Reads an 8-byte integer.
    fn read_i64(&self) -> Result<i64, DecodeError>;
    /// Reads a 4-byte float.
    fn read_f32(&self) -> Result<f32, DecodeError>;
    /// Reads an 8-byte float.
    fn read_f64(&self) -> Result<f64, DecodeError>;
    /// Reads text, checked to be UTF-8.
    fn read_text(&self) -> Result<&'a str, DecodeError>;
    /// Reads bytes.
    fn read_blob(&self) -> Result<&'a [u8], DecodeError>;
    /// Reads a `Timestamp` (without time zone): microseconds since 1970-01-01 00:00:00.
    fn read_timestamp_micros(&self) -> Result<i64, DecodeError>;
    /// Reads a `Timestamptz`: microseconds since 1970-01-01 00:00:00 UTC.
    fn read_timestamptz_micros(&self) -> Result<i64, DecodeError>;
    /// Reads a `Date`: days since 1970-01-01.
    fn read_date_days(&self) -> Result<i32, DecodeError>;
    /// Reads a `Time`: microseconds since midnight, below 24 hours.
    fn read_time_micros(&self) -> Result<i64, DecodeError>;
    /// Reads a `Uuid`: its 16 bytes in network order.
    fn read_uuid(&self) -> Result<[u8; 16], DecodeError>;
    /// Reads a `Numeric` as exact decimal text in canonical form: `-?digits(.digits)?`,
    /// no leading zeros but one before the point, as many fraction digits as the value's
    /// scale, no exponent, no `-` before a zero.
    fn read_numeric(&self) -> Result<Cow<'a, str>, DecodeError>;
    /// Reads a `Json` or `Jsonb` value as JSON text.
    fn read_json(&self) -> Result<Cow<'a, str>, DecodeError>;
    /// Reads a one-dimensional array: its elements in order (PostgreSQL only).
    fn read_array(&self) -> Result<Self::Elements, DecodeError>;
}

/// A Rust type that can be loaded from a value of SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "a column of SQL type `{ST}` cannot be loaded into a Rust `{Self}`",
    label = "`{Self}` does not match the column's SQL type `{ST}`",
    note = "each SQL type loads into its own Rust types: Int4 → i32, Int8 → i64, Text → String, Nullable<T> → Option<_>, …"
)]
pub trait FromSql<ST>: Sized {
    /// Decodes one value.
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError>;
}

macro_rules! from_sql {
    ($($st:ty => $rust:ty, $read:ident;)*) => {$(
        impl FromSql<$st> for $rust {
            #[inline]
            fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
                value.$read().map(Into::into)
            }
        }
    )*};
}

from_sql! {
    Bool => bool, read_bool;
    Int2 => i16, read_i16;
    Int4 => i32, read_i32;
    Int8 => i64, read_i64;
    Float4 => f32, read_f32;
    Float8 => f64, read_f64;
    Text => String, read_text;
    Binary => Vec<u8>, read_blob;
    // Lossless widenings, so a struct field may be wider than its column.
    Int2 => i32, read_i16;
    Int2 => i64, read_i16;
    Int4 => i64, read_i32;
    Float4 => f64, read_f32;
}

// The raw form of a UUID, usable without the `uuid` feature.
from_sql! {
    Uuid => [u8; 16], read_uuid;
}

impl<T, ST> FromSql<Nullable<ST>> for Option<T>
where
    T: FromSql<ST>,
    Nullable<ST>: SqlType,
{
    #[inline]
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        if value.is_null() {
            Ok(None)
        } else {
            T::from_sql(value).map(Some)
        }
    }
}

/// A double read as a `Float4`: rounded to the nearest `f32`, as the SQL type says;
/// NaN and the infinities stay what they are, but a finite value beyond `f32`'s range
/// would become an infinity, so it is [`DecodeError::OutOfRange`] instead.
pub(crate) fn narrow_to_f32(value: f64) -> Result<f32, DecodeError> {
    let narrowed = value as f32;
    if narrowed.is_infinite() && value.is_finite() {
        Err(DecodeError::OutOfRange {
            value: format!("{value:?}"),
        })
    } else {
        Ok(narrowed)
    }
}

/// `text "…"`, cut to 40 characters: how decoders show text they reject.
pub(crate) fn text_preview(text: &str) -> String {
    let shown: String = text.chars().take(40).collect();
    if shown.len() < text.len() {
        format!("text {shown:?}…")
    } else {
        format!("text {shown:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_narrow_to_f32_unless_out_of_its_range() {
        assert_eq!(narrow_to_f32(2.25), Ok(2.25));
        assert_eq!(narrow_to_f32(0.1), Ok(0.1_f32));
        assert_eq!(narrow_to_f32(f64::from(f32::MAX)), Ok(f32::MAX));
        assert_eq!(narrow_to_f32(1e-50), Ok(0.0));
        assert_eq!(narrow_to_f32(f64::INFINITY), Ok(f32::INFINITY));
        assert_eq!(narrow_to_f32(f64::NEG_INFINITY), Ok(f32::NEG_INFINITY));
        assert!(narrow_to_f32(f64::NAN).is_ok_and(f32::is_nan));
        for too_big in [1e100, -1e100, f64::from(f32::MAX) * 2.0] {
            assert_eq!(
                narrow_to_f32(too_big),
                Err(DecodeError::OutOfRange {
                    value: format!("{too_big:?}")
                })
            );
        }
    }
}
