//! Encoding Rust values as bind parameters.

use super::{Binary, Bool, Float4, Float8, Int2, Int4, Int8, Nullable, Text};
use std::fmt;

/// A bind parameter on its way to the database, borrowed from the query that holds it.
#[derive(Clone, Copy, PartialEq)]
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
        }
    }
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

macro_rules! to_sql {
    ($($st:ty: $($rust:ty)|+ => |$v:ident| $bind:expr;)*) => {$($(
        impl ToSql<$st> for $rust {
            #[inline]
            fn to_bind(&self) -> BindValue<'_> {
                let $v = self;
                $bind
            }
        }

        impl ToSql<Nullable<$st>> for $rust {
            #[inline]
            fn to_bind(&self) -> BindValue<'_> {
                <$rust as ToSql<$st>>::to_bind(self)
            }
        }
    )+)*};
}

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
