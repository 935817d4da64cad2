//! `serde_json` 1 (feature `serde_json`): `serde_json::Value` for `Json` and `Jsonb`.

use super::bind::to_sql;
use super::{BindValue, DecodeError, FromSql, Json, Jsonb, SqlValue};
use crate::expr::{AsExpression, Bound};
use crate::query::HasSqlType;
use ::serde_json::Value;
use std::borrow::Cow;

fn parse<'a, V: SqlValue<'a>>(value: V) -> Result<Value, DecodeError> {
    let text = value.read_json()?;
    ::serde_json::from_str(&text).map_err(|e| {
        DecodeError::Invalid(format!(
            "{}, which is not JSON ({e})",
            super::text_preview(&text)
        ))
    })
}

impl FromSql<Json> for Value {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        parse(value)
    }
}

impl FromSql<Jsonb> for Value {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        parse(value)
    }
}

to_sql! {
    Json: Value => |v| BindValue::Json(Cow::Owned(v.to_string()));
    Jsonb: Value => |v| BindValue::Jsonb(Cow::Owned(v.to_string()));
}

crate::expr::value_as_expression! {
    Json: Value, &'a Value;
    Jsonb: Value, &'a Value;
}

/// `sql_query(…).bind(value)` sends a `Value` as `jsonb`, PostgreSQL's usual JSON type;
/// `bind_as::<Json, _>` sends `json`.
impl HasSqlType for Value {
    type SqlType = Jsonb;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ToSql;
    use crate::types::test_value::TestValue;
    use ::serde_json::json;

    #[test]
    fn json_round_trips_as_text() {
        let doc = json!({"name": "Ada", "tags": ["math", null], "n": 1.5});
        for bind in [ToSql::<Json>::to_bind(&doc), ToSql::<Jsonb>::to_bind(&doc)] {
            assert_eq!(
                <Value as FromSql<Jsonb>>::from_sql(TestValue::from_bind(bind)),
                Ok(doc.clone())
            );
        }
    }

    #[test]
    fn malformed_json_is_a_decode_error() {
        let bind = BindValue::Json(Cow::Borrowed("{\"a\": "));
        let err = <Value as FromSql<Json>>::from_sql(TestValue::from_bind(bind)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("text \"{\\\"a\\\": \", which is not JSON"),
            "{err}"
        );
    }
}
