//! A [`SqlValue`] that holds a [`BindValue`], so that `FromSql`/`ToSql` impls can be
//! tested through a round trip without a database.

use super::{BindValue, DecodeError, SqlValue};
use std::borrow::Cow;

/// A result value that is the logical value a bind parameter carries.
#[derive(Debug, Clone)]
pub(crate) struct TestValue<'a>(pub(crate) BindValue<'a>);

impl<'a> TestValue<'a> {
    pub(crate) fn from_bind(value: BindValue<'a>) -> Self {
        TestValue(value)
    }

    fn wrong(&self) -> DecodeError {
        match self.0 {
            BindValue::Null => DecodeError::UnexpectedNull,
            _ => DecodeError::WrongType {
                found: format!("{:?}", self.0),
            },
        }
    }
}

macro_rules! read {
    ($($name:ident -> $t:ty: $($pat:pat => $e:expr),+;)*) => {$(
        fn $name(&self) -> Result<$t, DecodeError> {
            match &self.0 {
                $($pat => Ok($e),)+
                _ => Err(self.wrong()),
            }
        }
    )*};
}

impl<'a> SqlValue<'a> for TestValue<'a> {
    type Elements = std::vec::IntoIter<Result<TestValue<'a>, DecodeError>>;

    fn is_null(&self) -> bool {
        self.0 == BindValue::Null
    }

    read! {
        read_bool -> bool: BindValue::Boolean(v) => *v;
        read_i16 -> i16: BindValue::I16(v) => *v;
        read_i32 -> i32: BindValue::I32(v) => *v;
        read_i64 -> i64: BindValue::I64(v) => *v;
        read_f32 -> f32: BindValue::F32(v) => *v;
        read_f64 -> f64: BindValue::F64(v) => *v;
        read_text -> &'a str: BindValue::Str(v) => v;
        read_blob -> &'a [u8]: BindValue::Bytes(v) => v;
        read_timestamp_micros -> i64: BindValue::Timestamp(v) => *v;
        read_timestamptz_micros -> i64: BindValue::Timestamptz(v) => *v;
        read_date_days -> i32: BindValue::Date(v) => *v;
        read_time_micros -> i64: BindValue::Time(v) => *v;
        read_uuid -> [u8; 16]: BindValue::Uuid(v) => *v;
        read_numeric -> Cow<'a, str>: BindValue::Numeric(v) => v.clone();
        read_json -> Cow<'a, str>: BindValue::Json(v) | BindValue::Jsonb(v) => v.clone();
    }

    fn read_array(&self) -> Result<Self::Elements, DecodeError> {
        match &self.0 {
            BindValue::Array { elements, .. } => Ok(elements
                .iter()
                .map(|e| Ok(TestValue(e.clone())))
                .collect::<Vec<_>>()
                .into_iter()),
            _ => Err(self.wrong()),
        }
    }
}
