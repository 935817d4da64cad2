//! Encoding Rust values as bind parameters.

use super::{Binary, Bool, Float4, Float8, Int2, Int4, Int8, Nullable, Text, Uuid, calendar};
use std::borrow::Cow;
use std::fmt;

/// A bind parameter on its way to the database, borrowed from the query that holds it.
///
/// Each variant is a logical value, not a wire format: every backend encodes it its own
/// way (PostgreSQL's binary format, SQLite's storage classes). Integers, floats, text and
/// bytes never allocate; the variants that may own their data (`Numeric`, `Json`,
/// `Jsonb`, `Array`) are those whose Rust values must be converted to be sent.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum BindValue<'a> {
    /// SQL NULL.
    Null,
    /// A boolean.
    Boolean(bool),
    /// A 2-byte integer.
    I16(i16),
    /// A 4-byte integer.
    I32(i32),
    /// An 8-byte integer.
    I64(i64),
    /// A 4-byte float.
    F32(f32),
    /// An 8-byte float.
    F64(f64),
    /// Text.
    Str(&'a str),
    /// Bytes.
    Bytes(&'a [u8]),
    /// A `Timestamp`: microseconds since 1970-01-01 00:00:00, without time zone.
    Timestamp(i64),
    /// A `Timestamptz`: microseconds since 1970-01-01 00:00:00 UTC.
    Timestamptz(i64),
    /// A `Date`: days since 1970-01-01.
    Date(i32),
    /// A `Time`: microseconds since midnight.
    Time(i64),
    /// A `Uuid`, as its 16 bytes in network order.
    Uuid([u8; 16]),
    /// A `Numeric`: an exact decimal as text, `[+-]digits[.digits]` (no exponent).
    Numeric(Cow<'a, str>),
    /// A `Json` value, as JSON text.
    Json(Cow<'a, str>),
    /// A `Jsonb` value, as JSON text.
    Jsonb(Cow<'a, str>),
    /// An `Array` (PostgreSQL only): its elements, each NULL or of kind `element`.
    Array {
        /// The SQL type of the elements.
        element: ValueKind,
        /// The elements, in order.
        elements: Vec<BindValue<'a>>,
    },
}

/// The kind of a non-NULL scalar [`BindValue`]; names an array's element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// [`BindValue::Boolean`]
    Boolean,
    /// [`BindValue::I16`]
    I16,
    /// [`BindValue::I32`]
    I32,
    /// [`BindValue::I64`]
    I64,
    /// [`BindValue::F32`]
    F32,
    /// [`BindValue::F64`]
    F64,
    /// [`BindValue::Str`]
    Str,
    /// [`BindValue::Bytes`]
    Bytes,
    /// [`BindValue::Timestamp`]
    Timestamp,
    /// [`BindValue::Timestamptz`]
    Timestamptz,
    /// [`BindValue::Date`]
    Date,
    /// [`BindValue::Time`]
    Time,
    /// [`BindValue::Uuid`]
    Uuid,
    /// [`BindValue::Numeric`]
    Numeric,
    /// [`BindValue::Json`]
    Json,
    /// [`BindValue::Jsonb`]
    Jsonb,
}

impl BindValue<'_> {
    /// Drops a value that has been used. `BindValue`'s drop is recursive (through
    /// arrays), so the compiler never inlines it; values that own nothing are
    /// forgotten instead, which costs nothing where the caller knows the value's kind.
    #[inline(always)]
    pub(crate) fn discard(self) {
        let owns = matches!(
            self,
            BindValue::Numeric(Cow::Owned(_))
                | BindValue::Json(Cow::Owned(_))
                | BindValue::Jsonb(Cow::Owned(_))
                | BindValue::Array { .. }
        );
        if owns {
            drop(self);
        } else {
            std::mem::forget(self);
        }
    }

    /// The kind of a non-NULL scalar value; `None` for NULL and arrays.
    pub fn kind(&self) -> Option<ValueKind> {
        Some(match self {
            BindValue::Null | BindValue::Array { .. } => return None,
            BindValue::Boolean(_) => ValueKind::Boolean,
            BindValue::I16(_) => ValueKind::I16,
            BindValue::I32(_) => ValueKind::I32,
            BindValue::I64(_) => ValueKind::I64,
            BindValue::F32(_) => ValueKind::F32,
            BindValue::F64(_) => ValueKind::F64,
            BindValue::Str(_) => ValueKind::Str,
            BindValue::Bytes(_) => ValueKind::Bytes,
            BindValue::Timestamp(_) => ValueKind::Timestamp,
            BindValue::Timestamptz(_) => ValueKind::Timestamptz,
            BindValue::Date(_) => ValueKind::Date,
            BindValue::Time(_) => ValueKind::Time,
            BindValue::Uuid(_) => ValueKind::Uuid,
            BindValue::Numeric(_) => ValueKind::Numeric,
            BindValue::Json(_) => ValueKind::Json,
            BindValue::Jsonb(_) => ValueKind::Jsonb,
        })
    }
}

impl fmt::Debug for BindValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindValue::Null => f.write_str("NULL"),
            BindValue::Boolean(v) => write!(f, "{v}"),
            BindValue::I16(v) => write!(f, "{v}"),
            BindValue::I32(v) => write!(f, "{v}"),
            BindValue::I64(v) => write!(f, "{v}"),
            BindValue::F32(v) => write!(f, "{v:?}"),
            BindValue::F64(v) => write!(f, "{v:?}"),
            BindValue::Str(v) => write!(f, "{v:?}"),
            BindValue::Bytes(v) => write!(f, "<{} bytes>", v.len()),
            BindValue::Timestamp(v) => {
                f.write_str("TIMESTAMP '")?;
                calendar::write_timestamp(f, *v, false)?;
                f.write_str("'")
            }
            BindValue::Timestamptz(v) => {
                f.write_str("TIMESTAMPTZ '")?;
                calendar::write_timestamp(f, *v, true)?;
                f.write_str("'")
            }
            BindValue::Date(v) => {
                f.write_str("DATE '")?;
                calendar::write_date(f, i64::from(*v))?;
                f.write_str("'")
            }
            BindValue::Time(v) => {
                f.write_str("TIME '")?;
                calendar::write_time(f, *v)?;
                f.write_str("'")
            }
            BindValue::Uuid(v) => {
                f.write_str("UUID '")?;
                write_uuid(f, v)?;
                f.write_str("'")
            }
            BindValue::Numeric(v) => f.write_str(v),
            BindValue::Json(v) | BindValue::Jsonb(v) => write!(f, "{v:?}"),
            BindValue::Array { elements, .. } => f.debug_list().entries(elements).finish(),
        }
    }
}

/// Writes a UUID in its hyphenated form, `67e55044-10b1-426f-9247-bb680e5fe0c8`.
pub(crate) fn write_uuid(out: &mut impl fmt::Write, bytes: &[u8; 16]) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.write_char('-')?;
        }
        write!(out, "{b:02x}")?;
    }
    Ok(())
}

/// A Rust value that can be sent as a bind parameter of SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "a Rust `{Self}` cannot be sent as a value of SQL type `{ST}`",
    note = "each SQL type takes its own Rust types: Int4 ← i32, Int8 ← i64, Text ← &str or String, Nullable<T> ← Option<_>, …"
)]
pub trait ToSql<ST> {
    /// The value as a bind parameter.
    fn to_bind(&self) -> BindValue<'_>;
}

impl<T: ToSql<ST> + ?Sized, ST> ToSql<ST> for &T {
    #[inline]
    fn to_bind(&self) -> BindValue<'_> {
        (**self).to_bind()
    }
}

impl<T: ToSql<ST>, ST> ToSql<Nullable<ST>> for Option<T> {
    #[inline]
    fn to_bind(&self) -> BindValue<'_> {
        match self {
            Some(v) => v.to_bind(),
            None => BindValue::Null,
        }
    }
}

/// `ToSql<ST>` and `ToSql<Nullable<ST>>` for Rust types whose value converts in one
/// expression. Used by the optional type integrations too.
macro_rules! to_sql {
    ($($st:ty: $($rust:ty)|+ => |$v:ident| $bind:expr;)*) => {$($(
        impl $crate::types::ToSql<$st> for $rust {
            #[inline]
            fn to_bind(&self) -> $crate::types::BindValue<'_> {
                let $v = self;
                $bind
            }
        }

        impl $crate::types::ToSql<$crate::types::Nullable<$st>> for $rust {
            #[inline]
            fn to_bind(&self) -> $crate::types::BindValue<'_> {
                <$rust as $crate::types::ToSql<$st>>::to_bind(self)
            }
        }
    )+)*};
}
#[allow(unused_imports)] // used by the optional type integrations
pub(crate) use to_sql;

to_sql! {
    Bool: bool => |v| BindValue::Boolean(*v);
    Int2: i16 => |v| BindValue::I16(*v);
    Int4: i32 => |v| BindValue::I32(*v);
    Int8: i64 => |v| BindValue::I64(*v);
    Float4: f32 => |v| BindValue::F32(*v);
    Float8: f64 => |v| BindValue::F64(*v);
    Text: str | String => |v| BindValue::Str(v);
    Binary: [u8] | Vec<u8> => |v| BindValue::Bytes(v);
}

// The raw form of a UUID, usable without the `uuid` feature.
to_sql! {
    Uuid: [u8; 16] => |v| BindValue::Uuid(*v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_logical_values() {
        let shown = format!(
            "{:?}",
            [
                BindValue::Timestamp(-1),
                BindValue::Timestamptz(951_782_400_000_000),
                BindValue::Date(11_016),
                BindValue::Time(45_015_250_000),
                BindValue::Numeric(Cow::Borrowed("-1.50")),
                BindValue::Jsonb(Cow::Borrowed("{}")),
            ]
        );
        assert_eq!(
            shown,
            r#"[TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMPTZ '2000-02-29 00:00:00+00:00', DATE '2000-02-29', TIME '12:30:15.250000', -1.50, "{}"]"#
        );
        let array = BindValue::Array {
            element: ValueKind::I32,
            elements: vec![BindValue::I32(1), BindValue::Null],
        };
        assert_eq!(format!("{array:?}"), "[1, NULL]");
        assert_eq!(array.kind(), None);
        assert_eq!(BindValue::Date(0).kind(), Some(ValueKind::Date));
    }
}

/// A bind value that owns what it holds, so that it can outlive what it was made from
/// (the values of `sql_query`, a statement sent to another thread or kept in flight).
#[derive(Debug, Clone)]
pub(crate) enum OwnedValue {
    Null,
    Boolean(bool),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    Str(String),
    Bytes(Vec<u8>),
    Timestamp(i64),
    Timestamptz(i64),
    Date(i32),
    Time(i64),
    Uuid([u8; 16]),
    Numeric(String),
    Json(String),
    Jsonb(String),
    Array(ValueKind, Vec<OwnedValue>),
}

impl OwnedValue {
    pub(crate) fn from_ref(value: &BindValue<'_>) -> Self {
        Self::from_bind(value.clone())
    }

    pub(crate) fn from_bind(value: BindValue<'_>) -> Self {
        match value {
            BindValue::Null => OwnedValue::Null,
            BindValue::Boolean(v) => OwnedValue::Boolean(v),
            BindValue::I16(v) => OwnedValue::I16(v),
            BindValue::I32(v) => OwnedValue::I32(v),
            BindValue::I64(v) => OwnedValue::I64(v),
            BindValue::F32(v) => OwnedValue::F32(v),
            BindValue::F64(v) => OwnedValue::F64(v),
            BindValue::Str(v) => OwnedValue::Str(v.to_owned()),
            BindValue::Bytes(v) => OwnedValue::Bytes(v.to_owned()),
            BindValue::Timestamp(v) => OwnedValue::Timestamp(v),
            BindValue::Timestamptz(v) => OwnedValue::Timestamptz(v),
            BindValue::Date(v) => OwnedValue::Date(v),
            BindValue::Time(v) => OwnedValue::Time(v),
            BindValue::Uuid(v) => OwnedValue::Uuid(v),
            BindValue::Numeric(v) => OwnedValue::Numeric(v.into_owned()),
            BindValue::Json(v) => OwnedValue::Json(v.into_owned()),
            BindValue::Jsonb(v) => OwnedValue::Jsonb(v.into_owned()),
            BindValue::Array { element, elements } => OwnedValue::Array(
                element,
                elements.into_iter().map(OwnedValue::from_bind).collect(),
            ),
        }
    }

    pub(crate) fn as_bind(&self) -> BindValue<'_> {
        match self {
            OwnedValue::Null => BindValue::Null,
            OwnedValue::Boolean(v) => BindValue::Boolean(*v),
            OwnedValue::I16(v) => BindValue::I16(*v),
            OwnedValue::I32(v) => BindValue::I32(*v),
            OwnedValue::I64(v) => BindValue::I64(*v),
            OwnedValue::F32(v) => BindValue::F32(*v),
            OwnedValue::F64(v) => BindValue::F64(*v),
            OwnedValue::Str(v) => BindValue::Str(v),
            OwnedValue::Bytes(v) => BindValue::Bytes(v),
            OwnedValue::Timestamp(v) => BindValue::Timestamp(*v),
            OwnedValue::Timestamptz(v) => BindValue::Timestamptz(*v),
            OwnedValue::Date(v) => BindValue::Date(*v),
            OwnedValue::Time(v) => BindValue::Time(*v),
            OwnedValue::Uuid(v) => BindValue::Uuid(*v),
            OwnedValue::Numeric(v) => BindValue::Numeric(Cow::Borrowed(v)),
            OwnedValue::Json(v) => BindValue::Json(Cow::Borrowed(v)),
            OwnedValue::Jsonb(v) => BindValue::Jsonb(Cow::Borrowed(v)),
            OwnedValue::Array(element, elements) => BindValue::Array {
                element: *element,
                elements: elements.iter().map(OwnedValue::as_bind).collect(),
            },
        }
    }
}
