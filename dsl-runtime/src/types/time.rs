//! `time` 0.3 (feature `time`): Rust types for the date/time SQL types.
//!
//! | SQL type | Rust type |
//! |---|---|
//! | `Timestamp` | `PrimitiveDateTime` |
//! | `Timestamptz` | `OffsetDateTime` (loads at offset UTC) |
//! | `Date` | `Date` |
//! | `Time` | `Time` |
//!
//! These are not the SQL types' default Rust types (`chrono`'s are, when that feature is
//! on; see [`crate::types`]): name them in `#[derive(Selectable)]` structs and
//! `sql_query` tuples. Values travel with microsecond precision: nanoseconds are
//! truncated when sent.

use super::bind::to_sql;
use super::calendar::{MICROS_PER_DAY, MICROS_PER_SECOND};
use super::{BindValue, Date, DecodeError, FromSql, SqlValue, Time, Timestamp, Timestamptz};
use crate::expr::{AsExpression, Bound};
use crate::query::HasSqlType;
use ::time::{OffsetDateTime, PrimitiveDateTime};

/// 1970-01-01 as a Julian day number.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

fn out_of_range(what: &str, value: impl std::fmt::Display) -> DecodeError {
    DecodeError::OutOfRange {
        value: format!("{what} {value}"),
    }
}

fn offset_from_micros(micros: i64) -> Result<OffsetDateTime, DecodeError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map_err(|_| out_of_range("a timestamp of microsecond", micros))
}

/// Microseconds since the epoch, rounded down (also before 1970).
fn micros_of(t: OffsetDateTime) -> i64 {
    // `time`'s years span ±9999 (±999,999 with `large-dates`): the count fits an i64.
    t.unix_timestamp_nanos().div_euclid(1_000) as i64
}

fn time_micros(t: ::time::Time) -> i64 {
    let (h, m, s, nanos) = t.as_hms_nano();
    (i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)) * MICROS_PER_SECOND
        + i64::from(nanos / 1_000)
}

fn date_days(d: ::time::Date) -> i32 {
    d.to_julian_day() - UNIX_EPOCH_JULIAN_DAY
}

impl FromSql<Timestamp> for PrimitiveDateTime {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        let t = offset_from_micros(value.read_timestamp_micros()?)?;
        Ok(PrimitiveDateTime::new(t.date(), t.time()))
    }
}

impl FromSql<Timestamptz> for OffsetDateTime {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        offset_from_micros(value.read_timestamptz_micros()?)
    }
}

impl FromSql<Date> for ::time::Date {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        let days = value.read_date_days()?;
        days.checked_add(UNIX_EPOCH_JULIAN_DAY)
            .and_then(|jd| ::time::Date::from_julian_day(jd).ok())
            .ok_or_else(|| out_of_range("a date of day", days))
    }
}

impl FromSql<Time> for ::time::Time {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        let micros = value.read_time_micros()?;
        if !(0..MICROS_PER_DAY).contains(&micros) {
            // PostgreSQL allows 24:00:00, which `time` has no value for.
            return Err(out_of_range("a time of microsecond", micros));
        }
        let seconds = micros / MICROS_PER_SECOND;
        // Each part is in range by the check above.
        ::time::Time::from_hms_micro(
            (seconds / 3600) as u8,
            (seconds / 60 % 60) as u8,
            (seconds % 60) as u8,
            (micros % MICROS_PER_SECOND) as u32,
        )
        .map_err(|_| out_of_range("a time of microsecond", micros))
    }
}

to_sql! {
    Timestamp: PrimitiveDateTime => |v| BindValue::Timestamp(micros_of(v.assume_utc()));
    Timestamptz: OffsetDateTime => |v| BindValue::Timestamptz(micros_of(*v));
    Date: ::time::Date => |v| BindValue::Date(date_days(*v));
    Time: ::time::Time => |v| BindValue::Time(time_micros(*v));
}

crate::expr::value_as_expression! {
    Timestamp: PrimitiveDateTime, &'a PrimitiveDateTime;
    Timestamptz: OffsetDateTime, &'a OffsetDateTime;
    Date: ::time::Date, &'a ::time::Date;
    Time: ::time::Time, &'a ::time::Time;
}

impl HasSqlType for PrimitiveDateTime {
    type SqlType = Timestamp;
}

impl HasSqlType for OffsetDateTime {
    type SqlType = Timestamptz;
}

impl HasSqlType for ::time::Date {
    type SqlType = Date;
}

impl HasSqlType for ::time::Time {
    type SqlType = Time;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ToSql;
    use crate::types::test_value::TestValue;
    use ::time::Month;

    fn date(year: i32, month: u8, day: u8) -> ::time::Date {
        ::time::Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).unwrap()
    }

    fn datetime(ymd: (i32, u8, u8), hms: (u8, u8, u8), nanos: u32) -> PrimitiveDateTime {
        let time = ::time::Time::from_hms_nano(hms.0, hms.1, hms.2, nanos).unwrap();
        PrimitiveDateTime::new(date(ymd.0, ymd.1, ymd.2), time)
    }

    fn round_trip<ST, T: ToSql<ST> + FromSql<ST>>(value: T) -> T {
        T::from_sql(TestValue::from_bind(value.to_bind())).unwrap()
    }

    #[test]
    fn values_round_trip_with_edge_dates() {
        for t in [
            datetime((1970, 1, 1), (0, 0, 0), 0),
            datetime((1969, 12, 31), (23, 59, 59), 999_999_000),
            datetime((1999, 12, 31), (23, 59, 59), 500_000_000),
            datetime((1900, 2, 28), (12, 0, 0), 0),
            datetime((2000, 2, 29), (0, 0, 0), 1_000),
            datetime((2024, 2, 29), (23, 59, 59), 0),
            datetime((-4713, 11, 24), (0, 0, 0), 0),
            datetime((9999, 12, 31), (23, 59, 59), 999_999_000),
        ] {
            assert_eq!(round_trip::<Timestamp, _>(t), t);
            let utc = t.assume_utc();
            assert_eq!(round_trip::<Timestamptz, _>(utc), utc);
            assert_eq!(round_trip::<Date, _>(t.date()), t.date());
            assert_eq!(round_trip::<Time, _>(t.time()), t.time());
        }
    }

    #[test]
    fn values_are_encoded_as_epoch_counts() {
        let t = datetime((1969, 12, 31), (23, 59, 59), 999_999_000);
        assert_eq!(ToSql::<Timestamp>::to_bind(&t), BindValue::Timestamp(-1));
        // Nanoseconds are truncated towards the past, also before 1970.
        let t = datetime((1969, 12, 31), (23, 59, 59), 999_999_999);
        assert_eq!(ToSql::<Timestamp>::to_bind(&t), BindValue::Timestamp(-1));
        assert_eq!(
            ToSql::<Date>::to_bind(&date(2000, 1, 1)),
            BindValue::Date(10_957)
        );
        let t = datetime((2000, 1, 1), (10, 0, 0), 123_456_789);
        assert_eq!(
            ToSql::<Time>::to_bind(&t.time()),
            BindValue::Time(36_000_123_456)
        );
        let local = datetime((2000, 1, 1), (1, 0, 0), 0)
            .assume_offset(::time::UtcOffset::from_hms(1, 0, 0).unwrap());
        assert_eq!(
            ToSql::<Timestamptz>::to_bind(&local),
            BindValue::Timestamptz(946_684_800_000_000)
        );
    }

    #[test]
    fn values_time_cannot_hold_are_decode_errors() {
        let err = PrimitiveDateTime::from_sql(TestValue::from_bind(BindValue::Timestamp(i64::MAX)));
        assert!(
            matches!(err, Err(DecodeError::OutOfRange { .. })),
            "{err:?}"
        );
        let err = ::time::Time::from_sql(TestValue::from_bind(BindValue::Time(MICROS_PER_DAY)));
        assert!(
            matches!(err, Err(DecodeError::OutOfRange { .. })),
            "{err:?}"
        );
        let err = ::time::Date::from_sql(TestValue::from_bind(BindValue::Date(i32::MIN)));
        assert!(
            matches!(err, Err(DecodeError::OutOfRange { .. })),
            "{err:?}"
        );
    }
}
