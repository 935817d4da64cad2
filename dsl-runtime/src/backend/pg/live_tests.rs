//! Round trips of every SQL type through a real PostgreSQL server, in binary format.
//!
//! They run when `QUARRY_PG_URL` names a server (`cargo xtask pg-start` prints one) and
//! print that they were skipped otherwise.

use super::{PgConnection, PgValue};
use crate::conn::{Connection, Row};
use crate::prelude::*;
use crate::types::{BindValue, DecodeError, SqlValue, ValueKind};
use std::borrow::Cow;
use std::ops::ControlFlow;

fn connect(test: &str) -> Option<PgConnection> {
    let Ok(url) = std::env::var("QUARRY_PG_URL") else {
        eprintln!("{test}: skipped, QUARRY_PG_URL is not set");
        return None;
    };
    Some(PgConnection::establish(&url).expect("QUARRY_PG_URL names a server that answers"))
}

/// Runs `sql` with `binds` and applies `read` to the first column of its one row.
fn read<T>(
    conn: &mut PgConnection,
    sql: &str,
    binds: &[BindValue<'_>],
    read: impl Fn(PgValue<'_>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let mut out = None;
    conn.query_sql(sql, binds, |row| {
        out = Some(read(row.value(0).expect("a column")));
        Ok(ControlFlow::Break(()))
    })
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    out.expect("one row")
}

/// What the server makes of a bound value, as text.
fn as_text(conn: &mut PgConnection, cast: &str, value: BindValue<'_>) -> String {
    let sql = format!("SELECT ($1::{cast})::text");
    read(conn, &sql, &[value], |v| v.read_text().map(str::to_owned)).unwrap()
}

fn text_of(v: PgValue<'_>) -> Result<String, DecodeError> {
    v.read_numeric().map(Cow::into_owned)
}

#[test]
fn dates_and_times_round_trip_in_binary() {
    let Some(mut conn) = connect("dates_and_times_round_trip_in_binary") else {
        return;
    };
    let c = &mut conn;
    for (text, micros) in [
        ("2000-01-01 00:00:00", 946_684_800_000_000),
        ("1970-01-01 00:00:00", 0),
        ("1969-12-31 23:59:59.999999", -1),
        ("1900-02-28 12:00:00.5", -2_203_934_399_500_000),
        ("2024-02-29 23:59:59", 1_709_251_199_000_000),
        ("0001-01-01 00:00:00", -62_135_596_800_000_000),
    ] {
        // Server → quarry.
        let sql = format!("SELECT '{text}'::timestamp");
        assert_eq!(
            read(c, &sql, &[], |v| v.read_timestamp_micros()),
            Ok(micros),
            "{text}"
        );
        let sql = format!("SELECT '{text}+00'::timestamptz");
        assert_eq!(
            read(c, &sql, &[], |v| v.read_timestamptz_micros()),
            Ok(micros),
            "{text}"
        );
        // quarry → server.
        assert_eq!(as_text(c, "timestamp", BindValue::Timestamp(micros)), text);
        let days = i32::try_from(micros.div_euclid(86_400_000_000)).unwrap();
        assert_eq!(as_text(c, "date", BindValue::Date(days)), text[..10]);
        let sql = format!("SELECT '{}'::date", &text[..10]);
        assert_eq!(read(c, &sql, &[], |v| v.read_date_days()), Ok(days));
    }
    c.batch_execute("SET TIME ZONE 'UTC'").unwrap();
    assert_eq!(
        as_text(c, "timestamptz", BindValue::Timestamptz(-1)),
        "1969-12-31 23:59:59.999999+00"
    );
    assert_eq!(
        as_text(c, "time", BindValue::Time(45_015_000_001)),
        "12:30:15.000001"
    );
    assert_eq!(
        read(c, "SELECT '24:00:00'::time", &[], |v| v.read_time_micros()),
        Ok(86_400_000_000)
    );
    // PostgreSQL's first day: 4713 BC is year -4712 of the proleptic Gregorian calendar.
    let first_day = crate::types::calendar::days_from_civil(-4712, 11, 24);
    assert_eq!(first_day, -2_440_222);
    assert_eq!(
        read(c, "SELECT '4713-11-24 BC'::date", &[], |v| v
            .read_date_days()),
        Ok(-2_440_222)
    );
    assert_eq!(
        as_text(c, "date", BindValue::Date(-2_440_222)),
        "4713-11-24 BC"
    );
    // Typed parameters bind by OID: a timestamp is no timestamptz.
    let err = read(c, "SELECT now()", &[], |v| v.read_timestamp_micros()).unwrap_err();
    assert_eq!(err.to_string(), "timestamptz");
    let err = read(c, "SELECT 'infinity'::timestamp", &[], |v| {
        v.read_timestamp_micros()
    });
    assert_eq!(
        err.unwrap_err().to_string(),
        "timestamp 'infinity', which has no Rust value"
    );
    let err = read(c, "SELECT '-infinity'::date", &[], |v| v.read_date_days());
    assert!(err.is_err());
}

#[test]
fn numerics_round_trip_exactly() {
    let Some(mut conn) = connect("numerics_round_trip_exactly") else {
        return;
    };
    let c = &mut conn;
    for text in [
        "0",
        "0.00",
        "-1",
        "1.5",
        "-12345.678900",
        "0.0001",
        "0.00001",
        "-0.000000000000000000001",
        "10000",
        "100000000.00000001",
        "3.14159265358979323846264338327950288419716939937510",
        "123456789012345678901234567890123456789012345678901234567890",
    ] {
        let sql = format!("SELECT '{text}'::numeric");
        assert_eq!(read(c, &sql, &[], text_of).as_deref(), Ok(text), "{text}");
        let bind = BindValue::Numeric(Cow::Borrowed(text));
        assert_eq!(as_text(c, "numeric", bind), text);
    }
    let big = format!("-{}.{}", "9".repeat(1000), "0".repeat(999) + "1");
    assert_eq!(
        as_text(c, "numeric", BindValue::Numeric(Cow::Borrowed(&big))),
        big
    );
    let sql = format!("SELECT '{big}'::numeric");
    assert_eq!(read(c, &sql, &[], text_of), Ok(big.clone()));

    let err = read(c, "SELECT 'NaN'::numeric", &[], text_of).unwrap_err();
    assert_eq!(err.to_string(), "numeric NaN, which is not a number");
    let err = read(c, "SELECT 'Infinity'::numeric", &[], text_of).unwrap_err();
    assert!(err.to_string().contains("Infinity"), "{err}");

    // SUM of int8 and AVG return numeric; integer and float readers accept it.
    let sum = "SELECT SUM(x) FROM (VALUES (9223372036854775807::int8), (-1)) t(x)";
    assert_eq!(read(c, sum, &[], |v| v.read_i64()), Ok(i64::MAX - 1));
    let avg = "SELECT AVG(x) FROM (VALUES (1), (2)) t(x)";
    assert_eq!(read(c, avg, &[], |v| v.read_f64()), Ok(1.5));
    let err = read(c, avg, &[], |v| v.read_i64()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "numeric 1.5000000000000000, which is not an integer"
    );
    let too_big = "SELECT 9223372036854775808::numeric";
    assert!(matches!(
        read(c, too_big, &[], |v| v.read_i64()),
        Err(DecodeError::OutOfRange { .. })
    ));
}

#[test]
fn uuids_and_json_round_trip() {
    let Some(mut conn) = connect("uuids_and_json_round_trip") else {
        return;
    };
    let c = &mut conn;
    let text = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    let bytes = read(c, &format!("SELECT '{text}'::uuid"), &[], |v| v.read_uuid()).unwrap();
    assert_eq!(bytes[0], 0xa0);
    assert_eq!(as_text(c, "uuid", BindValue::Uuid(bytes)), text);

    let doc = r#"{"a": [1, null, "x"], "b": {"c": true}}"#;
    let json = read(c, &format!("SELECT '{doc}'::json"), &[], |v| {
        v.read_json().map(Cow::into_owned)
    });
    assert_eq!(json.as_deref(), Ok(doc));
    let jsonb = read(c, &format!("SELECT '{doc}'::jsonb"), &[], |v| {
        v.read_json().map(Cow::into_owned)
    });
    assert_eq!(
        jsonb.as_deref(),
        Ok(r#"{"a": [1, null, "x"], "b": {"c": true}}"#)
    );
    assert_eq!(
        as_text(c, "jsonb", BindValue::Jsonb(Cow::Borrowed("[1,2]"))),
        "[1, 2]"
    );
    assert_eq!(
        as_text(c, "json", BindValue::Json(Cow::Borrowed("[1,2]"))),
        "[1,2]"
    );
    let err = read(c, "SELECT 1", &[], |v| v.read_json().map(drop)).unwrap_err();
    assert_eq!(err.to_string(), "int4");
    // A jsonb parameter into a json context and the other way round.
    let sql = "SELECT ($1::jsonb -> 'k')::text";
    let k = BindValue::Jsonb(Cow::Borrowed(r#"{"k": 5}"#));
    assert_eq!(
        read(c, sql, &[k], |v| v.read_text().map(str::to_owned)).as_deref(),
        Ok("5")
    );
}

#[test]
fn arrays_round_trip_with_nulls() {
    let Some(mut conn) = connect("arrays_round_trip_with_nulls") else {
        return;
    };
    let c = &mut conn;
    let ints = |v: PgValue<'_>| -> Result<Vec<Option<i32>>, DecodeError> {
        v.read_array()?
            .map(|e| {
                let e = e?;
                if e.is_null() {
                    Ok(None)
                } else {
                    e.read_i32().map(Some)
                }
            })
            .collect()
    };
    assert_eq!(
        read(c, "SELECT ARRAY[1, NULL, -3]::int4[]", &[], ints),
        Ok(vec![Some(1), None, Some(-3)])
    );
    assert_eq!(read(c, "SELECT '{}'::int4[]", &[], ints), Ok(vec![]));
    assert_eq!(
        read(c, "SELECT '[0:1]={7,8}'::int4[]", &[], ints),
        Ok(vec![Some(7), Some(8)])
    );
    let err = read(c, "SELECT ARRAY[[1, 2], [3, 4]]", &[], ints).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a 2-dimensional array; only one-dimensional arrays load into a Vec"
    );
    let err = read(c, "SELECT 1", &[], ints).unwrap_err();
    assert_eq!(err.to_string(), "int4");

    let array = |element, elements| BindValue::Array { element, elements };
    let v = array(
        ValueKind::I32,
        vec![BindValue::I32(1), BindValue::Null, BindValue::I32(3)],
    );
    assert_eq!(as_text(c, "int4[]", v), "{1,NULL,3}");
    assert_eq!(as_text(c, "text[]", array(ValueKind::Str, vec![])), "{}");
    let v = array(
        ValueKind::Str,
        vec![
            BindValue::Str("a b"),
            BindValue::Str("\"q\""),
            BindValue::Null,
        ],
    );
    assert_eq!(as_text(c, "text[]", v), r#"{"a b","\"q\"",NULL}"#);
    for (kind, value, cast, text) in [
        (ValueKind::I64, BindValue::I64(-5), "int8[]", "{-5}"),
        (ValueKind::I16, BindValue::I16(2), "int2[]", "{2}"),
        (
            ValueKind::Boolean,
            BindValue::Boolean(true),
            "bool[]",
            "{t}",
        ),
        (ValueKind::F64, BindValue::F64(0.5), "float8[]", "{0.5}"),
        (ValueKind::F32, BindValue::F32(0.25), "float4[]", "{0.25}"),
        (
            ValueKind::Date,
            BindValue::Date(11_016),
            "date[]",
            "{2000-02-29}",
        ),
        (
            ValueKind::Timestamp,
            BindValue::Timestamp(1),
            "timestamp[]",
            r#"{"1970-01-01 00:00:00.000001"}"#,
        ),
        (
            ValueKind::Time,
            BindValue::Time(1_000_000),
            "time[]",
            "{00:00:01}",
        ),
        (
            ValueKind::Numeric,
            BindValue::Numeric(Cow::Borrowed("-1.50")),
            "numeric[]",
            "{-1.50}",
        ),
        (
            ValueKind::Uuid,
            BindValue::Uuid([0; 16]),
            "uuid[]",
            "{00000000-0000-0000-0000-000000000000}",
        ),
        (
            ValueKind::Jsonb,
            BindValue::Jsonb(Cow::Borrowed("1")),
            "jsonb[]",
            "{1}",
        ),
        (
            ValueKind::Json,
            BindValue::Json(Cow::Borrowed("2")),
            "json[]",
            "{2}",
        ),
        (
            ValueKind::Bytes,
            BindValue::Bytes(b"\x01"),
            "bytea[]",
            r#"{"\\x01"}"#,
        ),
    ] {
        assert_eq!(as_text(c, cast, array(kind, vec![value])), text, "{cast}");
    }
    // Element values keep their own type: a numeric[] element reads as numeric.
    let nums = read(c, "SELECT ARRAY[1.5, NULL]::numeric[]", &[], |v| {
        v.read_array()?
            .map(|e| {
                let e = e?;
                if e.is_null() {
                    Ok(None)
                } else {
                    text_of(e).map(Some)
                }
            })
            .collect::<Result<Vec<_>, _>>()
    });
    assert_eq!(nums, Ok(vec![Some("1.5".to_owned()), None]));
}

#[allow(unused_imports)]
mod schema {
    crate::table! {
        /// A table with array columns, for the query builder's round trip.
        quarry_array_samples (id) {
            id -> Int4,
            scores -> Array<Int4>,
            tags -> Nullable<Array<Nullable<Text>>>,
        }
    }
}

#[test]
fn array_columns_load_and_filter_through_the_query_builder() {
    use schema::quarry_array_samples as t;
    let Some(mut conn) = connect("array_columns_load_and_filter_through_the_query_builder") else {
        return;
    };
    conn.batch_execute(
        "CREATE TEMP TABLE quarry_array_samples (id int4 PRIMARY KEY, scores int4[] NOT NULL, tags text[]);
         INSERT INTO quarry_array_samples VALUES (1, '{1,2}', '{a,NULL}'), (2, '{}', NULL);",
    )
    .unwrap();
    let rows = t::table.order_by(t::id).load(&mut conn).unwrap();
    assert_eq!(
        rows,
        [
            (1, vec![1, 2], Some(vec![Some("a".to_owned()), None])),
            (2, vec![], None),
        ]
    );
    let ids = t::table
        .filter(t::scores.eq(vec![1, 2]))
        .select(t::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids, [1]);
    let empty: &[i32] = &[];
    let ids = t::table
        .filter(t::scores.eq(empty))
        .select(t::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids, [2]);
    // A NULL element in a column whose elements are declared NOT NULL.
    conn.batch_execute("INSERT INTO quarry_array_samples VALUES (3, '{NULL}', NULL)")
        .unwrap();
    let err = t::table
        .filter(t::id.eq(3))
        .select(t::scores)
        .load(&mut conn)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot load column `scores` as Array: found an array with a NULL element; declare the column `Array<Nullable<…>>` to load NULL elements as `None`"
    );
}

#[cfg(all(
    feature = "chrono",
    feature = "time",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "serde_json"
))]
mod with_type_features {
    use super::connect;
    use crate::conn::Connection;
    use crate::prelude::*;

    #[allow(unused_imports)]
    mod schema {
        crate::table! {
            quarry_type_samples (id) {
                id -> Uuid,
                at -> Timestamp,
                at_tz -> Timestamptz,
                day -> Date,
                clock -> Time,
                price -> Numeric,
                doc -> Jsonb,
                raw_doc -> Nullable<Json>,
                days -> Array<Date>,
            }
        }
    }

    #[derive(crate::Selectable, Debug, PartialEq)]
    #[quarry(table = schema::quarry_type_samples)]
    struct WithTime {
        at: ::time::PrimitiveDateTime,
        at_tz: ::time::OffsetDateTime,
        day: ::time::Date,
        clock: ::time::Time,
    }

    #[test]
    fn every_type_round_trips_through_the_query_builder() {
        use ::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
        use schema::quarry_type_samples as t;
        let Some(mut conn) = connect("every_type_round_trips_through_the_query_builder") else {
            return;
        };
        conn.batch_execute(
            "CREATE TEMP TABLE quarry_type_samples (
                 id uuid PRIMARY KEY, at timestamp NOT NULL, at_tz timestamptz NOT NULL,
                 day date NOT NULL, clock time NOT NULL, price numeric NOT NULL,
                 doc jsonb NOT NULL, raw_doc json, days date[] NOT NULL)",
        )
        .unwrap();
        let id = ::uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let at: NaiveDateTime = "1969-07-20T20:17:40.123456".parse().unwrap();
        let at_tz: DateTime<Utc> = "1999-12-31T23:59:59.999999Z".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let clock = NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap();
        let price: ::rust_decimal::Decimal = "-1234.5600".parse().unwrap();
        let doc = ::serde_json::json!({"k": [1, 2.5, null, "s"]});
        crate::sql_query(
            "INSERT INTO quarry_type_samples VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(at)
        .bind(at_tz)
        .bind(day)
        .bind(clock)
        .bind(price)
        .bind(doc.clone())
        .bind_as::<crate::types::Nullable<crate::types::Json>, _>(Some(&doc))
        .bind(vec![day, NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()])
        .execute(&mut conn)
        .unwrap();

        let row = t::table
            .filter(t::at.lt(at + ::chrono::Duration::microseconds(1)))
            .filter(t::day.eq(day))
            .filter(t::price.eq(price))
            .filter(t::id.eq(id))
            .first(&mut conn)
            .unwrap();
        assert_eq!(
            row,
            (
                id,
                at,
                at_tz,
                day,
                clock,
                price,
                doc.clone(),
                Some(doc.clone()),
                vec![day, NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()],
            )
        );
        assert_eq!(row.5.to_string(), "-1234.5600", "the scale survives");

        let with_time = t::table
            .select(WithTime::as_select())
            .first(&mut conn)
            .unwrap();
        assert_eq!(with_time.at.microsecond(), 123_456);
        assert_eq!(with_time.at.year(), 1969);
        assert_eq!(with_time.at_tz.unix_timestamp(), 946_684_799);
        assert_eq!(with_time.day.to_string(), "2024-02-29");
        assert_eq!(with_time.clock.microsecond(), 999_999);

        let sum: ::rust_decimal::Decimal =
            crate::sql_query("SELECT SUM(price) * 2 FROM quarry_type_samples")
                .get_result(&mut conn)
                .unwrap();
        assert_eq!(sum.to_string(), "-2469.1200");
    }
}
