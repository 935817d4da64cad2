//! `chrono` 0.4 (feature `chrono`): the default Rust types of the date/time SQL types.
//!
//! | SQL type | Rust types |
//! |---|---|
//! | `Timestamp` | `NaiveDateTime` |
//! | `Timestamptz` | `DateTime<Utc>`; also `DateTime<FixedOffset>` (loads at offset 0), and any `DateTime<Tz>` binds |
//! | `Date` | `NaiveDate` |
//! | `Time` | `NaiveTime` |
//!
//! Values travel with microsecond precision: nanoseconds are truncated when sent.

use super::{BindValue, Date, DecodeError, FromSql, SqlValue, Time, Timestamp, Timestamptz};
use super::{Nullable, ToSql, bind::to_sql, calendar::MICROS_PER_SECOND};
use crate::expr::{AsExpression, Bound};
use crate::query::HasSqlType;
use ::chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

fn out_of_range(what: &str, value: impl std::fmt::Display) -> DecodeError {
    DecodeError::OutOfRange {
        value: format!("{what} {value}"),
    }
}

fn utc_from_micros(micros: i64) -> Result<DateTime<Utc>, DecodeError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| out_of_range("a timestamp of microsecond", micros))
}

impl FromSql<Timestamp> for NaiveDateTime {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        utc_from_micros(value.read_timestamp_micros()?).map(|t| t.naive_utc())
    }
}

impl FromSql<Timestamptz> for DateTime<Utc> {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        utc_from_micros(value.read_timestamptz_micros()?)
    }
}

impl FromSql<Timestamptz> for DateTime<FixedOffset> {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        utc_from_micros(value.read_timestamptz_micros()?).map(|t| t.fixed_offset())
    }
}

/// 1970-01-01 in chrono's count of days from 0001-01-01 (day 1).
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

impl FromSql<Date> for NaiveDate {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        let days = value.read_date_days()?;
        days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| out_of_range("a date of day", days))
    }
}

impl FromSql<Time> for NaiveTime {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        let micros = value.read_time_micros()?;
        let seconds = u32::try_from(micros.div_euclid(MICROS_PER_SECOND)).ok();
        let nanos = micros.rem_euclid(MICROS_PER_SECOND) as u32 * 1_000;
        seconds
            .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, nanos))
            // PostgreSQL allows 24:00:00, which chrono has no value for.
            .ok_or_else(|| out_of_range("a time of microsecond", micros))
    }
}

fn time_micros(t: &NaiveTime) -> i64 {
    use ::chrono::Timelike;
    // A leap second (nanosecond ≥ 1e9) is sent as the last microsecond of its second.
    let nanos = t.nanosecond().min(999_999_999);
    i64::from(t.num_seconds_from_midnight()) * MICROS_PER_SECOND + i64::from(nanos / 1_000)
}

fn date_days(d: &NaiveDate) -> i32 {
    use ::chrono::Datelike;
    // chrono's years span ±262,143, whose days fit an i32.
    d.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

to_sql! {
    Timestamp: NaiveDateTime => |v| BindValue::Timestamp(v.and_utc().timestamp_micros());
    Date: NaiveDate => |v| BindValue::Date(date_days(v));
    Time: NaiveTime => |v| BindValue::Time(time_micros(v));
}

impl<Tz: TimeZone> ToSql<Timestamptz> for DateTime<Tz> {
    fn to_bind(&self) -> BindValue<'_> {
        BindValue::Timestamptz(self.timestamp_micros())
    }
}

impl<Tz: TimeZone> ToSql<Nullable<Timestamptz>> for DateTime<Tz> {
    fn to_bind(&self) -> BindValue<'_> {
        BindValue::Timestamptz(self.timestamp_micros())
    }
}

crate::expr::value_as_expression! {
    Timestamp: NaiveDateTime, &'a NaiveDateTime;
    Date: NaiveDate, &'a NaiveDate;
    Time: NaiveTime, &'a NaiveTime;
}

impl<Tz: TimeZone> AsExpression<Timestamptz> for DateTime<Tz> {
    type Expression = Bound<Timestamptz, Self>;
    fn into_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<Tz: TimeZone> AsExpression<Nullable<Timestamptz>> for DateTime<Tz> {
    type Expression = Bound<Nullable<Timestamptz>, Self>;
    fn into_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<Tz: TimeZone> AsExpression<Nullable<Timestamptz>> for Option<DateTime<Tz>> {
    type Expression = Bound<Nullable<Timestamptz>, Self>;
    fn into_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<Tz: TimeZone> AsExpression<Timestamptz> for &DateTime<Tz> {
    type Expression = Bound<Timestamptz, Self>;
    fn into_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<Tz: TimeZone> AsExpression<Nullable<Timestamptz>> for &DateTime<Tz> {
    type Expression = Bound<Nullable<Timestamptz>, Self>;
    fn into_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<Tz: TimeZone> AsExpression<Nullable<Timestamptz>> for Option<&DateTime<Tz>> {
    type Expression = Bound<Nullable<Timestamptz>, Self>;
    fn into_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl HasSqlType for NaiveDateTime {
    type SqlType = Timestamp;
}

impl HasSqlType for DateTime<Utc> {
    type SqlType = Timestamptz;
}

impl HasSqlType for DateTime<FixedOffset> {
    type SqlType = Timestamptz;
}

impl HasSqlType for NaiveDate {
    type SqlType = Date;
}

impl HasSqlType for NaiveTime {
    type SqlType = Time;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_value::TestValue;

    fn bind<ST, T: ToSql<ST>>(value: &T) -> BindValue<'_> {
        value.to_bind()
    }

    fn round_trip<ST, T>(value: T) -> T
    where
        T: ToSql<ST> + FromSql<ST>,
    {
        T::from_sql(TestValue::from_bind(value.to_bind())).unwrap()
    }

    #[test]
    fn naive_values_round_trip_with_edge_dates() {
        for text in [
            "1970-01-01T00:00:00",
            "1969-12-31T23:59:59.999999",
            "1999-12-31T23:59:59.5",
            "1900-02-28T12:00:00",
            "2000-02-29T00:00:00.000001",
            "2024-02-29T23:59:59",
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59.999999",
        ] {
            let t: NaiveDateTime = text.parse().unwrap();
            assert_eq!(round_trip::<Timestamp, _>(t), t, "{text}");
            let utc = t.and_utc();
            assert_eq!(round_trip::<Timestamptz, _>(utc), utc, "{text}");
            assert_eq!(round_trip::<Date, _>(t.date()), t.date(), "{text}");
            assert_eq!(round_trip::<Time, _>(t.time()), t.time(), "{text}");
        }
    }

    #[test]
    fn values_are_encoded_as_epoch_counts() {
        let t: NaiveDateTime = "1969-12-31T23:59:59.999999".parse().unwrap();
        assert_eq!(bind::<Timestamp, _>(&t), BindValue::Timestamp(-1));
        assert_eq!(bind::<Date, _>(&t.date()), BindValue::Date(-1));
        let t: NaiveDateTime = "2000-01-01T00:00:01".parse().unwrap();
        assert_eq!(
            bind::<Timestamp, _>(&t),
            BindValue::Timestamp(946_684_801_000_000)
        );
        assert_eq!(bind::<Date, _>(&t.date()), BindValue::Date(10_957));
        // Nanoseconds are truncated to microseconds.
        let t: NaiveTime = "10:00:00.123456789".parse().unwrap();
        assert_eq!(bind::<Time, _>(&t), BindValue::Time(36_000_123_456));
        let offset = FixedOffset::east_opt(3600).unwrap();
        let local = offset.with_ymd_and_hms(2000, 1, 1, 1, 0, 0).unwrap();
        assert_eq!(
            bind::<Timestamptz, _>(&local),
            BindValue::Timestamptz(946_684_800_000_000)
        );
    }

    #[test]
    fn values_chrono_cannot_hold_are_decode_errors() {
        let err = NaiveDateTime::from_sql(TestValue::from_bind(BindValue::Timestamp(i64::MAX)));
        assert!(
            matches!(err, Err(DecodeError::OutOfRange { .. })),
            "{err:?}"
        );
        let err = NaiveTime::from_sql(TestValue::from_bind(BindValue::Time(86_400_000_000)));
        assert!(
            matches!(err, Err(DecodeError::OutOfRange { .. })),
            "{err:?}"
        );
        let err = NaiveDate::from_sql(TestValue::from_bind(BindValue::Date(i32::MAX)));
        assert!(
            matches!(err, Err(DecodeError::OutOfRange { .. })),
            "{err:?}"
        );
    }
}
