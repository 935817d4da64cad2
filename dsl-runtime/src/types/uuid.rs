//! `uuid` 1 (feature `uuid`): `uuid::Uuid` for the `Uuid` SQL type.

use super::bind::to_sql;
use super::{BindValue, DecodeError, FromSql, SqlValue, Uuid};
use crate::expr::{AsExpression, Bound};
use crate::query::HasSqlType;

impl FromSql<Uuid> for ::uuid::Uuid {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        value.read_uuid().map(::uuid::Uuid::from_bytes)
    }
}

to_sql! {
    Uuid: ::uuid::Uuid => |v| BindValue::Uuid(v.into_bytes());
}

crate::expr::value_as_expression! {
    Uuid: ::uuid::Uuid, &'a ::uuid::Uuid;
}

impl HasSqlType for ::uuid::Uuid {
    type SqlType = Uuid;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ToSql;
    use crate::types::test_value::TestValue;

    #[test]
    fn uuids_round_trip_as_their_bytes() {
        let id: ::uuid::Uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
        let bind = ToSql::<Uuid>::to_bind(&id);
        assert_eq!(bind, BindValue::Uuid(*id.as_bytes()));
        assert_eq!(
            format!("{bind:?}"),
            "UUID '67e55044-10b1-426f-9247-bb680e5fe0c8'"
        );
        assert_eq!(::uuid::Uuid::from_sql(TestValue::from_bind(bind)), Ok(id));
    }
}
