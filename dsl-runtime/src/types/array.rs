//! `Array<ST>`: PostgreSQL's one-dimensional arrays, loaded as `Vec`s.

use super::{
    Binary, BindValue, Bool, Date, DecodeError, Float4, Float8, FromSql, Int2, Int4, Int8, Json,
    Jsonb, NotNull, NotNullType, Nullable, Numeric, SqlType, SqlValue, Text, Time, Timestamp,
    Timestamptz, ToSql, Uuid, ValueKind,
};
use std::marker::PhantomData;

/// A PostgreSQL array whose elements are of SQL type `ST`: `Array<Int4>` is `INTEGER[]`,
/// `Array<Nullable<Text>>` a `TEXT[]` that may hold NULL elements. Loads as
/// `Vec<ST::Rust>`; binds from a `Vec<T>` or `&[T]`.
///
/// Only one-dimensional arrays load; a multi-dimensional one is a decode error. Arrays
/// exist on PostgreSQL only: a query using an `Array` column or value on SQLite does not
/// compile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Array<ST>(PhantomData<ST>);

impl<ST: ArrayElement> SqlType for Array<ST> {
    const NAME: &'static str = "Array";
    type Nullability = NotNull;
    type Rust = Vec<ST::Rust>;
    type IntoNullable = Nullable<Self>;
}

impl<ST: ArrayElement> NotNullType for Array<ST> {}

#[cfg(feature = "postgres")]
impl<ST: ArrayElement, DB: crate::expr::IsPostgres> crate::expr::SupportedBy<DB> for Array<ST> {}

/// A SQL type that can be the element type of an [`Array`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the element type of an `Array`",
    note = "array elements are scalar SQL types such as Int4 or Text, or Nullable<…> of one; PostgreSQL arrays do not nest"
)]
pub trait ArrayElement: SqlType {
    /// The kind of the elements' bind values, which names their type to the database.
    const KIND: ValueKind;
}

macro_rules! array_elements {
    ($($st:ident => $kind:ident,)*) => {$(
        impl ArrayElement for $st {
            const KIND: ValueKind = ValueKind::$kind;
        }
    )*};
}

array_elements! {
    Bool => Boolean,
    Int2 => I16,
    Int4 => I32,
    Int8 => I64,
    Float4 => F32,
    Float8 => F64,
    Text => Str,
    Binary => Bytes,
    Timestamp => Timestamp,
    Timestamptz => Timestamptz,
    Date => Date,
    Time => Time,
    Uuid => Uuid,
    Numeric => Numeric,
    Json => Json,
    Jsonb => Jsonb,
}

impl<ST: ArrayElement + NotNullType> ArrayElement for Nullable<ST> {
    const KIND: ValueKind = ST::KIND;
}

impl<ST, T> FromSql<Array<ST>> for Vec<T>
where
    ST: ArrayElement,
    T: FromSql<ST>,
{
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        value
            .read_array()?
            .map(|element| match T::from_sql(element?) {
                Err(DecodeError::UnexpectedNull) => Err(DecodeError::Invalid(
                    "an array with a NULL element; declare the column `Array<Nullable<…>>` to load NULL elements as `None`".into(),
                )),
                other => other,
            })
            .collect()
    }
}

fn array_bind<'a, ST: ArrayElement, T: ToSql<ST> + 'a>(
    items: impl Iterator<Item = &'a T>,
) -> BindValue<'a> {
    BindValue::Array {
        element: ST::KIND,
        elements: items.map(ToSql::to_bind).collect(),
    }
}

impl<ST: ArrayElement, T: ToSql<ST>> ToSql<Array<ST>> for [T] {
    fn to_bind(&self) -> BindValue<'_> {
        array_bind::<ST, T>(self.iter())
    }
}

impl<ST: ArrayElement, T: ToSql<ST>> ToSql<Array<ST>> for Vec<T> {
    fn to_bind(&self) -> BindValue<'_> {
        array_bind::<ST, T>(self.iter())
    }
}

impl<ST: ArrayElement, T: ToSql<ST>> ToSql<Nullable<Array<ST>>> for [T] {
    fn to_bind(&self) -> BindValue<'_> {
        array_bind::<ST, T>(self.iter())
    }
}

impl<ST: ArrayElement, T: ToSql<ST>> ToSql<Nullable<Array<ST>>> for Vec<T> {
    fn to_bind(&self) -> BindValue<'_> {
        array_bind::<ST, T>(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_value::TestValue;

    #[test]
    fn arrays_bind_their_elements_with_the_element_kind() {
        let values = vec![Some(1), None, Some(3)];
        let bind = <Vec<Option<i32>> as ToSql<Array<Nullable<Int4>>>>::to_bind(&values);
        assert_eq!(
            bind,
            BindValue::Array {
                element: ValueKind::I32,
                elements: vec![BindValue::I32(1), BindValue::Null, BindValue::I32(3)],
            }
        );
        let empty: &[&str] = &[];
        let bind = <[&str] as ToSql<Array<Text>>>::to_bind(empty);
        assert_eq!(
            bind,
            BindValue::Array {
                element: ValueKind::Str,
                elements: vec![],
            }
        );
        assert_eq!(format!("{bind:?}"), "[]");
    }

    #[test]
    fn arrays_load_their_elements() {
        let values = vec![Some(1), None, Some(3)];
        let bind = <Vec<Option<i32>> as ToSql<Array<Nullable<Int4>>>>::to_bind(&values);
        let loaded = <Vec<Option<i32>> as FromSql<Array<Nullable<Int4>>>>::from_sql(
            TestValue::from_bind(bind.clone()),
        );
        assert_eq!(loaded, Ok(vec![Some(1), None, Some(3)]));
        let err = <Vec<i32> as FromSql<Array<Int4>>>::from_sql(TestValue::from_bind(bind));
        assert_eq!(
            err.unwrap_err().to_string(),
            "an array with a NULL element; declare the column `Array<Nullable<…>>` to load NULL elements as `None`"
        );
        let not_an_array = TestValue::from_bind(BindValue::I32(1));
        assert!(<Vec<i32> as FromSql<Array<Int4>>>::from_sql(not_an_array).is_err());
        let id = [9u8; 16];
        let raw = <[u8; 16] as FromSql<Uuid>>::from_sql(TestValue::from_bind(BindValue::Uuid(id)));
        assert_eq!(raw, Ok(id));
    }
}
