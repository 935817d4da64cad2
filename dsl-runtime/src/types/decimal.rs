//! `rust_decimal` 1 (feature `rust_decimal`): `Decimal` for the `Numeric` SQL type.
//!
//! A `Decimal` holds 28 significant digits at most: a NUMERIC value with more loads as a
//! [`DecodeError::OutOfRange`], never rounded.

use super::bind::to_sql;
use super::{BindValue, DecodeError, FromSql, Numeric, SqlValue};
use crate::expr::{AsExpression, Bound};
use crate::query::HasSqlType;
use ::rust_decimal::Decimal;
use std::borrow::Cow;

impl FromSql<Numeric> for Decimal {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        let text = value.read_numeric()?;
        Decimal::from_str_exact(&text).map_err(|_| DecodeError::OutOfRange {
            value: format!("the decimal {text}, which rust_decimal cannot hold exactly"),
        })
    }
}

to_sql! {
    Numeric: Decimal => |v| BindValue::Numeric(Cow::Owned(v.to_string()));
}

crate::expr::value_as_expression! {
    Numeric: Decimal, &'a Decimal;
}

impl HasSqlType for Decimal {
    type SqlType = Numeric;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ToSql;
    use crate::types::test_value::TestValue;

    fn round_trip(text: &str) -> (BindValue<'static>, Decimal) {
        let d: Decimal = text.parse().unwrap();
        let bind = match ToSql::<Numeric>::to_bind(&d) {
            BindValue::Numeric(t) => BindValue::Numeric(Cow::Owned(t.into_owned())),
            other => panic!("{other:?}"),
        };
        let back = Decimal::from_sql(TestValue::from_bind(bind.clone())).unwrap();
        assert_eq!(back, d);
        assert_eq!(back.scale(), d.scale(), "the scale survives: {text}");
        (bind, back)
    }

    #[test]
    fn decimals_round_trip_as_exact_text() {
        for text in [
            "0",
            "0.00",
            "-1.5",
            "123.4500",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
        ] {
            let (bind, _) = round_trip(text);
            assert_eq!(bind, BindValue::Numeric(Cow::Borrowed(text)));
        }
    }

    #[test]
    fn decimals_beyond_rust_decimal_are_out_of_range() {
        let bind = BindValue::Numeric(Cow::Borrowed("123456789012345678901234567890"));
        let err = Decimal::from_sql(TestValue::from_bind(bind)).unwrap_err();
        assert!(matches!(err, DecodeError::OutOfRange { .. }), "{err:?}");
    }
}
