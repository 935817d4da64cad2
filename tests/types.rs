//! The SQL types beyond the basic ones: `Timestamp`, `Timestamptz`, `Date`, `Time`
//! (as `chrono` and as `time` values), `Uuid` (as `uuid::Uuid` and `[u8; 16]`), `Numeric`
//! (`rust_decimal::Decimal`), `Json` and `Jsonb` (`serde_json::Value`), and PostgreSQL's
//! `Array<…>`.
//!
//! The fixtures are SQL literals that each database reads itself; the tests check that
//! they load into the Rust values they spell, that Rust values bound to a query find
//! them again (so quarry and the database agree on what a value is), and that values
//! bound from Rust and stored compare equal, in the database, to the literal rows.
//! Stored values a Rust type cannot hold are `Error::Decode` naming the column.
//!
//! SQLite stores these types as TEXT (a UUID as a 16-byte BLOB), in the forms that
//! `dsl-runtime/src/backend/sqlite/types.rs` describes; PostgreSQL uses its native types.
//! The DDL for both is [`TYPES`].

mod common;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use common::{BackendKind, ExtraSchema, TestDb, assert_same, expect_decode_error, expect_err};
use quarry::QueryResult;
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::query::HasSqlType;
use quarry::sql_query;
use quarry::types::{self as sql, BindValue, DecodeError, FromSql, SqlValue, ToSql};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::borrow::Cow;
use uuid::Uuid;

// ---------------------------------------------------------------------------------
// Schema and fixtures
// ---------------------------------------------------------------------------------

#[allow(unused_imports)]
mod schema {
    quarry::table! {
        /// Dates and times. SQLite: TEXT columns.
        moments (id) {
            id -> Int4,
            at -> Timestamp,
            at_tz -> Timestamptz,
            day -> Date,
            clock -> Time,
            maybe_day -> Nullable<Date>,
        }
    }

    quarry::table! {
        /// SQLite: BLOB columns.
        uuids (id) {
            id -> Int4,
            uid -> Uuid,
            maybe_uid -> Nullable<Uuid>,
        }
    }

    quarry::table! {
        /// SQLite: TEXT columns (a NUMERIC column's affinity would round the text).
        decimals (id) {
            id -> Int4,
            amount -> Numeric,
            maybe_amount -> Nullable<Numeric>,
        }
    }

    quarry::table! {
        /// SQLite: TEXT columns.
        documents (id) {
            id -> Int4,
            doc -> Json,
            docb -> Jsonb,
            maybe_doc -> Nullable<Jsonb>,
        }
    }

    quarry::table! {
        /// PostgreSQL only.
        arrays (id) {
            id -> Int4,
            ints -> Array<Int4>,
            bigs -> Array<Int8>,
            texts -> Array<Text>,
            flags -> Array<Bool>,
            floats -> Array<Float8>,
            maybe_ints -> Array<Nullable<Int4>>,
            maybe_texts -> Nullable<Array<Nullable<Text>>>,
            days -> Array<Date>,
        }
    }
}
use schema::{arrays, decimals, documents, moments, uuids};

/// The tables of this file, per backend. Everything that differs between the two
/// databases is here; the rest of the fixtures are portable literals.
const TYPES: ExtraSchema = ExtraSchema {
    sqlite: r#"
CREATE TABLE moments (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    at_tz TEXT NOT NULL,
    day TEXT NOT NULL,
    clock TEXT NOT NULL,
    maybe_day TEXT
);
CREATE TABLE uuids (id INTEGER PRIMARY KEY, uid BLOB NOT NULL, maybe_uid BLOB);
CREATE TABLE decimals (id INTEGER PRIMARY KEY, amount TEXT NOT NULL, maybe_amount TEXT);
CREATE TABLE documents (id INTEGER PRIMARY KEY, doc TEXT NOT NULL, docb TEXT NOT NULL, maybe_doc TEXT);
INSERT INTO uuids (id, uid, maybe_uid) VALUES
    (1, x'67e5504410b1426f9247bb680e5fe0c8', NULL),
    (2, x'00000000000000000000000000000000', x'ffffffffffffffffffffffffffffffff'),
    (3, x'a0eebc999c0b4ef8bb6d6bb9bd380a11', x'67e5504410b1426f9247bb680e5fe0c8');
"#,
    pg: r#"
CREATE TABLE moments (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    at_tz TIMESTAMPTZ NOT NULL,
    day DATE NOT NULL,
    clock TIME NOT NULL,
    maybe_day DATE
);
CREATE TABLE uuids (id INTEGER PRIMARY KEY, uid UUID NOT NULL, maybe_uid UUID);
CREATE TABLE decimals (id INTEGER PRIMARY KEY, amount NUMERIC NOT NULL, maybe_amount NUMERIC);
CREATE TABLE documents (id INTEGER PRIMARY KEY, doc JSON NOT NULL, docb JSONB NOT NULL, maybe_doc JSONB);
CREATE TABLE arrays (
    id INTEGER PRIMARY KEY,
    ints INTEGER[] NOT NULL,
    bigs BIGINT[] NOT NULL,
    texts TEXT[] NOT NULL,
    flags BOOLEAN[] NOT NULL,
    floats DOUBLE PRECISION[] NOT NULL,
    maybe_ints INTEGER[] NOT NULL,
    maybe_texts TEXT[],
    days DATE[] NOT NULL
);
INSERT INTO uuids (id, uid, maybe_uid) VALUES
    (1, '67e55044-10b1-426f-9247-bb680e5fe0c8', NULL),
    (2, '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
    (3, '{a0eebc999c0b4ef8bb6d6bb9bd380a11}', '67e55044-10b1-426f-9247-bb680e5fe0c8');
INSERT INTO arrays (id, ints, bigs, texts, flags, floats, maybe_ints, maybe_texts, days) VALUES
    (1, ARRAY[1, -2, 2147483647], '{5000000000,-9223372036854775808}',
        ARRAY['a b', 'ünïcødé 🦀', '"q"', 'NULL', '', 'back\slash', '{braces,comma}'],
        ARRAY[true, false], '{0.5,-1e100,Infinity}', ARRAY[1, NULL, 3],
        ARRAY['x', NULL, 'NULL'], ARRAY[DATE '1969-12-31', DATE '2000-02-29']),
    (2, '{}', '{}', '{}', '{}', '{}', '{}', NULL, '{}'),
    (3, ARRAY[42], '{-1}', ARRAY['ünï'], ARRAY[false], '{1e-300}', ARRAY[NULL, NULL]::int4[],
        '{}', ARRAY[DATE '0001-01-01']);
"#,
    portable: r##"
INSERT INTO moments (id, at, at_tz, day, clock, maybe_day) VALUES
    (1, '1970-01-01 00:00:00', '1970-01-01 00:00:00+00:00', '1970-01-01', '00:00:00', NULL),
    (2, '1969-07-20 20:17:40.123456', '1969-07-20 20:17:40.123456+00:00', '1969-07-20', '20:17:40.123456', '1969-07-20'),
    (3, '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00:00', '1999-12-31', '23:59:59.999999', '1999-12-31'),
    (4, '2000-02-29 12:00:00.500000', '2000-02-29 12:00:00.500000+00:00', '2000-02-29', '12:00:00.500000', '2000-02-29'),
    (5, '1887-03-01 06:30:00.000001', '1887-03-01 06:30:00.000001+00:00', '1900-02-28', '06:30:00.000001', NULL),
    (6, '2024-02-29 23:59:59', '2024-02-29 23:59:59+00:00', '2024-02-29', '23:59:59', '2024-03-01'),
    (7, '0001-01-01 00:00:00', '0001-01-01 00:00:00+00:00', '9999-12-31', '00:00:00.000001', '0001-01-01');
INSERT INTO decimals (id, amount, maybe_amount) VALUES
    (1, '1', NULL),
    (2, '-1234.5600', '1.5'),
    (3, '0.0000000000000000000000000001', '-0.0000000000000000000000000001'),
    (4, '79228162514264337593543950335', '-79228162514264337593543950335'),
    (5, '3.1415926535897932384626433832', '100000000.00000001'),
    (6, '0.00', '-7');
INSERT INTO documents (id, doc, docb, maybe_doc) VALUES
    (1, '{"name": "Ada", "tags": ["math", null], "n": 1.5, "nested": {"deep": [1, {"x": "ünï"}]}}',
        '{"name": "Ada", "tags": ["math", null], "n": 1.5, "nested": {"deep": [1, {"x": "ünï"}]}}', NULL),
    (2, '"ünïcødé ✓ 🦀"', '[]', 'null'),
    (3, '[1, -2.5, "x", false, null, {}]', '{"a": {"b": {"c": {"d": [[], [{}]]}}}}',
        '{"emoji": "🦀", "escaped": "tab\tline\nquote\"", "k": -0.125}');
"##,
};

/// The `moments` fixtures as text: id, timestamp (also the UTC instant of `at_tz`),
/// date, time, nullable date.
const MOMENTS: [(i32, &str, &str, &str, Option<&str>); 7] = [
    (1, "1970-01-01 00:00:00", "1970-01-01", "00:00:00", None),
    (
        2,
        "1969-07-20 20:17:40.123456",
        "1969-07-20",
        "20:17:40.123456",
        Some("1969-07-20"),
    ),
    (
        3,
        "1999-12-31 23:59:59.999999",
        "1999-12-31",
        "23:59:59.999999",
        Some("1999-12-31"),
    ),
    (
        4,
        "2000-02-29 12:00:00.5",
        "2000-02-29",
        "12:00:00.5",
        Some("2000-02-29"),
    ),
    (
        5,
        "1887-03-01 06:30:00.000001",
        "1900-02-28",
        "06:30:00.000001",
        None,
    ),
    (
        6,
        "2024-02-29 23:59:59",
        "2024-02-29",
        "23:59:59",
        Some("2024-03-01"),
    ),
    (
        7,
        "0001-01-01 00:00:00",
        "9999-12-31",
        "00:00:00.000001",
        Some("0001-01-01"),
    ),
];

/// The `decimals` fixtures, as written.
const DECIMALS: [(i32, &str, Option<&str>); 6] = [
    (1, "1", None),
    (2, "-1234.5600", Some("1.5")),
    (
        3,
        "0.0000000000000000000000000001",
        Some("-0.0000000000000000000000000001"),
    ),
    (
        4,
        "79228162514264337593543950335",
        Some("-79228162514264337593543950335"),
    ),
    (
        5,
        "3.1415926535897932384626433832",
        Some("100000000.00000001"),
    ),
    (6, "0.00", Some("-7")),
];

fn ts(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn clock(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M:%S%.f").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The current time, from the system clock (chrono's `clock` feature is off).
fn now_utc() -> DateTime<Utc> {
    let since_1970 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    DateTime::from_timestamp(i64::try_from(since_1970.as_secs()).unwrap(), 0).unwrap()
}

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

type MomentRow = (
    i32,
    NaiveDateTime,
    DateTime<Utc>,
    NaiveDate,
    NaiveTime,
    Option<NaiveDate>,
);

fn expected_moments() -> Vec<MomentRow> {
    MOMENTS
        .iter()
        .map(|&(id, at, day, time, maybe)| {
            (
                id,
                ts(at),
                ts(at).and_utc(),
                date(day),
                clock(time),
                maybe.map(date),
            )
        })
        .collect()
}

/// The same calendar values in the `time` crate, built field by field.
fn time_date(d: NaiveDate) -> time::Date {
    let month = time::Month::try_from(u8::try_from(d.month()).unwrap()).unwrap();
    time::Date::from_calendar_date(d.year(), month, u8::try_from(d.day()).unwrap()).unwrap()
}

fn time_clock(t: NaiveTime) -> time::Time {
    let part = |v: u32| u8::try_from(v).unwrap();
    time::Time::from_hms_micro(
        part(t.hour()),
        part(t.minute()),
        part(t.second()),
        t.nanosecond() / 1_000,
    )
    .unwrap()
}

fn time_datetime(t: NaiveDateTime) -> time::PrimitiveDateTime {
    time::PrimitiveDateTime::new(time_date(t.date()), time_clock(t.time()))
}

/// A `moments` row with chrono types, the instant at its offset.
#[derive(Selectable, Debug, PartialEq)]
#[quarry(table = moments)]
struct Moment {
    id: i32,
    at: NaiveDateTime,
    at_tz: DateTime<FixedOffset>,
    day: NaiveDate,
    clock: NaiveTime,
    maybe_day: Option<NaiveDate>,
}

/// A `moments` row with the `time` crate's types, which are not the SQL types' defaults.
#[derive(Selectable, Debug, PartialEq)]
#[quarry(table = moments)]
struct MomentWithTime {
    id: i32,
    at: time::PrimitiveDateTime,
    at_tz: time::OffsetDateTime,
    day: time::Date,
    clock: time::Time,
    maybe_day: Option<time::Date>,
}

type TimeRow = (
    i32,
    time::PrimitiveDateTime,
    time::OffsetDateTime,
    time::Date,
    time::Time,
    Option<time::Date>,
);

fn expected_moments_with_time() -> Vec<MomentWithTime> {
    expected_moments()
        .into_iter()
        .map(|(id, at, _, day, clock, maybe_day)| MomentWithTime {
            id,
            at: time_datetime(at),
            at_tz: time_datetime(at).assume_utc(),
            day: time_date(day),
            clock: time_clock(clock),
            maybe_day: maybe_day.map(time_date),
        })
        .collect()
}

/// A `uuids` row read as raw bytes, the form that needs no `uuid` feature.
#[derive(Selectable, Debug, PartialEq)]
#[quarry(table = uuids)]
struct RawUuid {
    id: i32,
    uid: [u8; 16],
    maybe_uid: Option<[u8; 16]>,
}

fn expected_uuids() -> Vec<(i32, Uuid, Option<Uuid>)> {
    vec![
        (1, uuid("67e55044-10b1-426f-9247-bb680e5fe0c8"), None),
        (2, Uuid::nil(), Some(Uuid::max())),
        (
            3,
            uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            Some(uuid("67e55044-10b1-426f-9247-bb680e5fe0c8")),
        ),
    ]
}

fn expected_decimals() -> Vec<(i32, Decimal, Option<Decimal>)> {
    DECIMALS
        .iter()
        .map(|&(id, amount, maybe)| (id, dec(amount), maybe.map(dec)))
        .collect()
}

fn expected_documents() -> Vec<(i32, Value, Value, Option<Value>)> {
    let ada = json!({"name": "Ada", "tags": ["math", null], "n": 1.5, "nested": {"deep": [1, {"x": "ünï"}]}});
    vec![
        (1, ada.clone(), ada, None),
        (2, json!("ünïcødé ✓ 🦀"), json!([]), Some(Value::Null)),
        (
            3,
            json!([1, -2.5, "x", false, null, {}]),
            json!({"a": {"b": {"c": {"d": [[], [{}]]}}}}),
            Some(json!({"emoji": "🦀", "escaped": "tab\tline\nquote\"", "k": -0.125})),
        ),
    ]
}

type ArrayRow = (
    i32,
    Vec<i32>,
    Vec<i64>,
    Vec<String>,
    Vec<bool>,
    Vec<f64>,
    Vec<Option<i32>>,
    Option<Vec<Option<String>>>,
    Vec<NaiveDate>,
);

fn expected_arrays() -> Vec<ArrayRow> {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        (
            1,
            vec![1, -2, i32::MAX],
            vec![5_000_000_000, i64::MIN],
            strings(&[
                "a b",
                "ünïcødé 🦀",
                "\"q\"",
                "NULL",
                "",
                "back\\slash",
                "{braces,comma}",
            ]),
            vec![true, false],
            vec![0.5, -1e100, f64::INFINITY],
            vec![Some(1), None, Some(3)],
            Some(vec![Some("x".to_owned()), None, Some("NULL".to_owned())]),
            vec![date("1969-12-31"), date("2000-02-29")],
        ),
        (
            2,
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            None,
            vec![],
        ),
        (
            3,
            vec![42],
            vec![-1],
            strings(&["ünï"]),
            vec![false],
            vec![1e-300],
            vec![None, None],
            Some(vec![]),
            vec![date("0001-01-01")],
        ),
    ]
}

/// Asserts that `result` is an `Error::Decode` for `column`, read as SQL type `expected`,
/// that found `found`.
#[track_caller]
fn assert_decode_error<T: std::fmt::Debug>(
    result: QueryResult<T>,
    column: &str,
    expected: &str,
    found: &str,
) {
    let (c, e, f) = expect_decode_error(result);
    assert_eq!((c.as_str(), e, f.as_str()), (column, expected, found));
}

/// Exact decimal text: a Rust type of the test's own for `Numeric`, through quarry's
/// public `FromSql`/`ToSql`/`HasSqlType`, for numbers wider than `Decimal` holds.
#[derive(Debug, Clone, PartialEq)]
struct NumericText(String);

impl FromSql<sql::Numeric> for NumericText {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        value.read_numeric().map(|t| NumericText(t.into_owned()))
    }
}

impl ToSql<sql::Numeric> for NumericText {
    fn to_bind(&self) -> BindValue<'_> {
        BindValue::Numeric(Cow::Borrowed(&self.0))
    }
}

impl HasSqlType for NumericText {
    type SqlType = sql::Numeric;
}

fn numeric_text(text: &str) -> NumericText {
    NumericText(text.to_owned())
}

/// JSON text as the database sends it, unparsed: another Rust type of the test's own.
#[derive(Debug, PartialEq)]
struct JsonText(String);

impl FromSql<sql::Json> for JsonText {
    fn from_sql<'a, V: SqlValue<'a>>(value: V) -> Result<Self, DecodeError> {
        value.read_json().map(|t| JsonText(t.into_owned()))
    }
}

impl HasSqlType for JsonText {
    type SqlType = sql::Json;
}

// ---------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------

fn datetimes_written_as_literals_load_as_chrono_values<C: Connection>(db: &mut TestDb<C>) {
    let typed = moments::table
        .order_by(moments::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, expected_moments());
    assert_eq!(typed[1].1.nanosecond(), 123_456_000, "fractional seconds");
    assert_eq!(typed[0].4, NaiveTime::MIN, "midnight");
    assert_same(
        typed,
        db.rows("SELECT id, at, at_tz, day, clock, maybe_day FROM moments ORDER BY id"),
    );

    // A struct with `DateTime<FixedOffset>` loads the instant at offset 0.
    let structs: Vec<Moment> = moments::table
        .select(Moment::as_select())
        .order_by(moments::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<Moment> = expected_moments()
        .into_iter()
        .map(|(id, at, at_tz, day, clock, maybe_day)| Moment {
            id,
            at,
            at_tz: at_tz.fixed_offset(),
            day,
            clock,
            maybe_day,
        })
        .collect();
    assert_eq!(structs, expected);
    assert!(
        structs
            .iter()
            .all(|m| m.at_tz.offset().local_minus_utc() == 0)
    );
    assert_same(structs, db.rows("SELECT * FROM moments ORDER BY id"));
}

fn datetimes_load_into_time_crate_types<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<MomentWithTime> = moments::table
        .select(MomentWithTime::as_select())
        .order_by(moments::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, expected_moments_with_time());
    assert_eq!(typed[1].at.microsecond(), 123_456);
    assert_eq!(typed[1].at.year(), 1969);
    assert_eq!(typed[2].at_tz.unix_timestamp(), 946_684_799);
    assert_eq!(typed[3].day.to_string(), "2000-02-29");
    assert_eq!(typed[6].clock.microsecond(), 1);
    assert!(typed.iter().all(|m| m.at_tz.offset().is_utc()));

    let by_name: Vec<MomentWithTime> = db.rows("SELECT * FROM moments ORDER BY id");
    assert_same(typed, by_name);

    // `sql_query` tuples name the `time` types too.
    let tuples: Vec<TimeRow> =
        db.rows("SELECT id, at, at_tz, day, clock, maybe_day FROM moments ORDER BY id");
    let expected: Vec<TimeRow> = expected_moments_with_time()
        .into_iter()
        .map(|m| (m.id, m.at, m.at_tz, m.day, m.clock, m.maybe_day))
        .collect();
    assert_eq!(tuples, expected);
}

fn bound_datetimes_find_the_rows_written_as_literals<C: Connection>(db: &mut TestDb<C>) {
    for (id, at, at_tz, day, time, maybe_day) in expected_moments() {
        let what = format!("row {id}");
        let found = moments::table
            .filter(moments::at.eq(at))
            .select(moments::id)
            .load(&mut db.conn);
        assert_eq!(found.unwrap(), [id], "{what}: at");
        let found = moments::table
            .filter(moments::at_tz.eq(at_tz))
            .select(moments::id)
            .load(&mut db.conn);
        assert_eq!(found.unwrap(), [id], "{what}: at_tz");
        // The same instant at another offset is the same value.
        let offset = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let found = moments::table
            .filter(moments::at_tz.eq(at_tz.with_timezone(&offset)))
            .select(moments::id)
            .load(&mut db.conn);
        assert_eq!(found.unwrap(), [id], "{what}: at_tz at +05:30");
        let found = moments::table
            .filter(moments::day.eq(day))
            .select(moments::id)
            .load(&mut db.conn);
        assert_eq!(found.unwrap(), [id], "{what}: day");
        let found = moments::table
            .filter(moments::clock.eq(time))
            .select(moments::id)
            .load(&mut db.conn);
        assert_eq!(found.unwrap(), [id], "{what}: clock");
        // And as `time` values.
        let found = moments::table
            .filter(moments::at.eq(time_datetime(at)))
            .filter(moments::at_tz.eq(time_datetime(at).assume_utc()))
            .filter(moments::day.eq(time_date(day)))
            .filter(moments::clock.eq(time_clock(time)))
            .select(moments::id)
            .load(&mut db.conn);
        assert_eq!(found.unwrap(), [id], "{what}: time values");
        if let Some(maybe_day) = maybe_day {
            let found = moments::table
                .filter(moments::maybe_day.eq(Some(maybe_day)))
                .select(moments::id)
                .load(&mut db.conn);
            assert_eq!(found.unwrap(), [id], "{what}: maybe_day");
        }
    }
    let nulls = moments::table
        .filter(moments::maybe_day.is_null())
        .select(moments::id)
        .order_by(moments::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(nulls, [1, 5]);
}

fn datetime_comparisons_follow_time_order<C: Connection>(db: &mut TestDb<C>) {
    let by_time = moments::table
        .select(moments::id)
        .order_by(moments::at)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(by_time, [7, 5, 2, 1, 3, 4, 6]);
    let by_instant = moments::table
        .select(moments::id)
        .order_by(moments::at_tz)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(by_instant, by_time);

    let before_1970 = moments::table
        .filter(moments::at.lt(ts("1970-01-01 00:00:00")))
        .select(moments::id)
        .order_by(moments::at)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(before_1970, [7, 5, 2]);
    // Bounds are inclusive, to the microsecond: row 3 sits on the lower bound, row 4 is
    // one microsecond above the upper.
    let around_2000 = moments::table
        .filter(moments::at_tz.between(
            ts("1999-12-31 23:59:59.999999").and_utc(),
            ts("2000-02-29 12:00:00.499999").and_utc(),
        ))
        .select(moments::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(around_2000, [3]);
    let afternoon = moments::table
        .filter(moments::clock.gt(clock("12:00:00")))
        .select(moments::id)
        .order_by(moments::clock)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(afternoon, [4, 2, 6, 3]);
    let leap_days = moments::table
        .filter(moments::day.ge(date("2000-02-29")))
        .filter(moments::day.le(date("2024-02-29")))
        .select(moments::day)
        .order_by(moments::day)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(leap_days, [date("2000-02-29"), date("2024-02-29")]);
}

fn datetimes_round_trip_through_sql_query_binds<C: Connection>(db: &mut TestDb<C>) {
    let insert = "INSERT INTO moments (id, at, at_tz, day, clock, maybe_day) \
                  VALUES ($1, $2, $3, $4, $5, $6)";
    for (id, at, at_tz, day, time, maybe_day) in expected_moments() {
        // chrono values as ids 101…, `time` values as ids 201….
        let changed = sql_query(insert)
            .bind(id + 100)
            .bind(at)
            .bind(at_tz)
            .bind(day)
            .bind(time)
            .bind(maybe_day)
            .execute(&mut db.conn)
            .unwrap();
        assert_eq!(changed, 1);
        sql_query(insert)
            .bind(id + 200)
            .bind(time_datetime(at))
            .bind(time_datetime(at).assume_utc())
            .bind(time_date(day))
            .bind(time_clock(time))
            .bind(maybe_day.map(time_date))
            .execute(&mut db.conn)
            .unwrap();
    }
    // In the database, each bound row equals the literal row it copies.
    let pairs: Vec<(i32, i32)> = db.rows(
        "SELECT a.id, b.id FROM moments a JOIN moments b
           ON a.at = b.at AND a.at_tz = b.at_tz AND a.day = b.day AND a.clock = b.clock
          AND (a.maybe_day = b.maybe_day OR (a.maybe_day IS NULL AND b.maybe_day IS NULL))
         WHERE a.id < 100 AND b.id > 100 ORDER BY b.id",
    );
    let expected: Vec<(i32, i32)> = (1..=7)
        .map(|id| (id, id + 100))
        .chain((1..=7).map(|id| (id, id + 200)))
        .collect();
    assert_eq!(pairs, expected);

    let copies = moments::table
        .filter(moments::id.gt(100))
        .filter(moments::id.lt(200))
        .order_by(moments::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<MomentRow> = expected_moments()
        .into_iter()
        .map(|(id, a, b, c, d, e)| (id + 100, a, b, c, d, e))
        .collect();
    assert_eq!(copies, expected);

    // Straight back, without a table.
    let at = ts("1969-12-31 23:59:59.999999");
    let back: (
        NaiveDateTime,
        DateTime<Utc>,
        NaiveDate,
        NaiveTime,
        time::Time,
    ) = sql_query("SELECT $1, $2, $3, $4, $5")
        .bind(at)
        .bind(at.and_utc())
        .bind(at.date())
        .bind(at.time())
        .bind(time_clock(at.time()))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(
        back,
        (
            at,
            at.and_utc(),
            at.date(),
            at.time(),
            time_clock(at.time())
        )
    );
    // Nanoseconds are cut to microseconds on the way.
    let precise = ts("2000-02-29 12:00:00.123456789");
    let back: NaiveDateTime = sql_query("SELECT $1")
        .bind(precise)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(back, ts("2000-02-29 12:00:00.123456"));
}

fn timestamptz_with_an_offset_loads_in_utc<C: Connection>(db: &mut TestDb<C>) {
    db.exec(
        "INSERT INTO moments (id, at, at_tz, day, clock) VALUES
            (50, '2000-01-01 01:00:00', '2000-01-01 01:00:00+01:00', '2000-01-01', '01:00:00'),
            (51, '1999-12-31 19:00:00', '1999-12-31 19:00:00-05:00', '1999-12-31', '19:00:00')",
    );
    let midnight = ts("2000-01-01 00:00:00").and_utc();
    let instants = moments::table
        .filter(moments::id.ge(50))
        .select(moments::at_tz)
        .order_by(moments::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(instants, [midnight, midnight]);
    let fixed: Vec<DateTime<FixedOffset>> = db.rows("SELECT at_tz FROM moments WHERE id >= 50");
    assert!(fixed.iter().all(|t| *t == midnight));
    assert!(fixed.iter().all(|t| t.offset().local_minus_utc() == 0));
    let with_time: Vec<time::OffsetDateTime> = db.rows("SELECT at_tz FROM moments WHERE id >= 50");
    assert!(with_time.iter().all(|t| t.offset().is_utc()));
    assert!(with_time.iter().all(|t| t.unix_timestamp() == 946_684_800));

    // A value bound at an offset comes back as the same instant in UTC.
    let tokyo = FixedOffset::east_opt(9 * 3600).unwrap();
    let local = midnight.with_timezone(&tokyo);
    assert_eq!(local.to_rfc3339(), "2000-01-01T09:00:00+09:00");
    let back: DateTime<Utc> = sql_query("SELECT $1")
        .bind_as::<sql::Timestamptz, _>(local)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(back, midnight);
    let offset = time::UtcOffset::from_hms(-5, 0, 0).unwrap();
    let back: time::OffsetDateTime = sql_query("SELECT $1")
        .bind(time_datetime(ts("1999-12-31 19:00:00")).assume_offset(offset))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(back.unix_timestamp(), 946_684_800);
}

fn database_date_arithmetic_reads_stored_values<C: Connection>(db: &mut TestDb<C>) {
    // Each database computes on the stored values with its own functions.
    let (next_day, half_day_later) = match db.kind() {
        BackendKind::Sqlite => (
            "SELECT date(day, '+1 day') FROM moments WHERE id IN (4, 6) ORDER BY id",
            "SELECT strftime('%Y-%m-%d %H:%M:%f', at, '+12 hours') FROM moments WHERE id = 4",
        ),
        BackendKind::Pg => (
            "SELECT day + 1 FROM moments WHERE id IN (4, 6) ORDER BY id",
            "SELECT at + interval '12 hours' FROM moments WHERE id = 4",
        ),
    };
    let days: Vec<NaiveDate> = db.rows(next_day);
    assert_eq!(days, [date("2000-03-01"), date("2024-03-01")]);
    let later: Vec<NaiveDateTime> = db.rows(half_day_later);
    assert_eq!(later, [ts("2000-03-01 00:00:00.5")]);
    // The database's own clock, read as a date on both.
    let today: NaiveDate = sql_query("SELECT CURRENT_DATE")
        .get_result(&mut db.conn)
        .unwrap();
    let utc_today = now_utc().date_naive();
    assert!(
        today.signed_duration_since(utc_today).num_days().abs() <= 1,
        "CURRENT_DATE {today}, today in UTC {utc_today}"
    );
}

// ---------------------------------------------------------------------------------
// UUIDs
// ---------------------------------------------------------------------------------

fn uuids_written_as_literals_load<C: Connection>(db: &mut TestDb<C>) {
    let typed = uuids::table.order_by(uuids::id).load(&mut db.conn).unwrap();
    assert_eq!(typed, expected_uuids());
    assert_same(
        typed,
        db.rows("SELECT id, uid, maybe_uid FROM uuids ORDER BY id"),
    );

    // `[u8; 16]`, the raw form, in a struct.
    let raw: Vec<RawUuid> = uuids::table
        .select(RawUuid::as_select())
        .order_by(uuids::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<RawUuid> = expected_uuids()
        .into_iter()
        .map(|(id, uid, maybe_uid)| RawUuid {
            id,
            uid: uid.into_bytes(),
            maybe_uid: maybe_uid.map(Uuid::into_bytes),
        })
        .collect();
    assert_eq!(raw, expected);
    assert_eq!(raw[1].maybe_uid, Some([0xff; 16]));
    assert_same(raw, db.rows("SELECT * FROM uuids ORDER BY id"));

    // Bound UUIDs find the literal rows.
    let id = uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    let found = uuids::table
        .filter(uuids::uid.eq(id))
        .select(uuids::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [3]);
    let found = uuids::table
        .filter(uuids::uid.eq_any([Uuid::nil(), id]))
        .select(uuids::id)
        .order_by(uuids::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [2, 3]);
    let found = uuids::table
        .filter(uuids::maybe_uid.eq(Some(Uuid::max())))
        .select(uuids::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [2]);

    // What the database makes of the stored value.
    let sql = match db.kind() {
        BackendKind::Sqlite => "SELECT lower(hex(uid)) FROM uuids WHERE id = 3",
        BackendKind::Pg => "SELECT replace(uid::text, '-', '') FROM uuids WHERE id = 3",
    };
    let text: Vec<String> = db.rows(sql);
    assert_eq!(text, ["a0eebc999c0b4ef8bb6d6bb9bd380a11"]);
}

fn uuids_round_trip_through_binds<C: Connection>(db: &mut TestDb<C>) {
    let insert = "INSERT INTO uuids (id, uid, maybe_uid) VALUES ($1, $2, $3)";
    for (id, uid, maybe_uid) in expected_uuids() {
        sql_query(insert)
            .bind(id + 100)
            .bind(uid)
            .bind(maybe_uid)
            .execute(&mut db.conn)
            .unwrap();
        sql_query(insert)
            .bind(id + 200)
            .bind_as::<sql::Uuid, _>(uid.into_bytes())
            .bind_as::<sql::Nullable<sql::Uuid>, _>(maybe_uid.map(Uuid::into_bytes))
            .execute(&mut db.conn)
            .unwrap();
    }
    let pairs: Vec<(i32, i32)> = db.rows(
        "SELECT a.id, b.id FROM uuids a JOIN uuids b
           ON a.uid = b.uid
          AND (a.maybe_uid = b.maybe_uid OR (a.maybe_uid IS NULL AND b.maybe_uid IS NULL))
         WHERE a.id < 100 AND b.id > 100 ORDER BY b.id",
    );
    assert_eq!(
        pairs,
        [(1, 101), (2, 102), (3, 103), (1, 201), (2, 202), (3, 203)]
    );
    let copies = uuids::table
        .filter(uuids::id.gt(200))
        .order_by(uuids::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<_> = expected_uuids()
        .into_iter()
        .map(|(id, a, b)| (id + 200, a, b))
        .collect();
    assert_eq!(copies, expected);

    let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let back: (Uuid, Option<Uuid>) = sql_query("SELECT $1, $2")
        .bind(id)
        .bind(None::<Uuid>)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(back, (id, None));
}

/// Typed multi-row inserts bind values that quarry converts first (a UUID's bytes, a
/// decimal's text, a JSON document's text): each row's values must arrive intact even
/// though the rows are bound one after another into one statement.
fn typed_multi_row_inserts_keep_every_rows_values<C: Connection>(db: &mut TestDb<C>) {
    #[derive(Insertable)]
    #[quarry(table = uuids)]
    struct NewUuid {
        id: i32,
        uid: Uuid,
        maybe_uid: Option<Uuid>,
    }
    #[derive(Insertable)]
    #[quarry(table = decimals)]
    struct NewDecimal {
        id: i32,
        amount: Decimal,
        maybe_amount: Option<Decimal>,
    }
    #[derive(Insertable)]
    #[quarry(table = documents)]
    struct NewDocument {
        id: i32,
        doc: Value,
        docb: Value,
        maybe_doc: Option<Value>,
    }

    let rows: Vec<NewUuid> = expected_uuids()
        .into_iter()
        .map(|(id, uid, maybe_uid)| NewUuid {
            id: id + 300,
            uid,
            maybe_uid,
        })
        .collect();
    let inserted = quarry::insert_into(uuids::table)
        .values(&rows)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(inserted, rows.len());
    let stored = uuids::table
        .filter(uuids::id.gt(300))
        .order_by(uuids::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<_> = expected_uuids()
        .into_iter()
        .map(|(id, a, b)| (id + 300, a, b))
        .collect();
    assert_eq!(stored, expected);

    let rows: Vec<NewDecimal> = expected_decimals()
        .into_iter()
        .map(|(id, amount, maybe_amount)| NewDecimal {
            id: id + 300,
            amount,
            maybe_amount,
        })
        .collect();
    quarry::insert_into(decimals::table)
        .values(&rows)
        .execute(&mut db.conn)
        .unwrap();
    let stored = decimals::table
        .filter(decimals::id.gt(300))
        .order_by(decimals::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<_> = expected_decimals()
        .into_iter()
        .map(|(id, a, b)| (id + 300, a, b))
        .collect();
    assert_eq!(stored, expected);

    let rows: Vec<NewDocument> = expected_documents()
        .into_iter()
        .map(|(id, doc, docb, maybe_doc)| NewDocument {
            id: id + 300,
            doc,
            docb,
            maybe_doc,
        })
        .collect();
    quarry::insert_into(documents::table)
        .values(&rows)
        .execute(&mut db.conn)
        .unwrap();
    let stored = documents::table
        .filter(documents::id.gt(300))
        .order_by(documents::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<_> = expected_documents()
        .into_iter()
        .map(|(id, a, b, c)| (id + 300, a, b, c))
        .collect();
    assert_eq!(stored, expected);
}

// ---------------------------------------------------------------------------------
// Numerics
// ---------------------------------------------------------------------------------

fn numerics_written_as_literals_load_exactly<C: Connection>(db: &mut TestDb<C>) {
    let typed = decimals::table
        .order_by(decimals::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, expected_decimals());
    // Equal is not enough: the digits, scale included, are the ones written.
    let written: Vec<(String, Option<String>)> = typed
        .iter()
        .map(|(_, a, m)| (a.to_string(), m.map(|m| m.to_string())))
        .collect();
    let literal: Vec<(String, Option<String>)> = DECIMALS
        .iter()
        .map(|&(_, a, m)| (a.to_owned(), m.map(str::to_owned)))
        .collect();
    assert_eq!(written, literal);
    assert_same(
        typed,
        db.rows("SELECT id, amount, maybe_amount FROM decimals ORDER BY id"),
    );
}

fn bound_numerics_find_the_rows_written_as_literals<C: Connection>(db: &mut TestDb<C>) {
    for (id, amount, maybe_amount) in expected_decimals() {
        let found = decimals::table
            .filter(decimals::amount.eq(amount))
            .select(decimals::id)
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(found, [id], "{amount}");
        if maybe_amount.is_some() {
            let found = decimals::table
                .filter(decimals::maybe_amount.eq(maybe_amount))
                .select(decimals::id)
                .load(&mut db.conn)
                .unwrap();
            assert_eq!(found, [id], "{maybe_amount:?}");
        }
        sql_query("INSERT INTO decimals (id, amount, maybe_amount) VALUES ($1, $2, $3)")
            .bind(id + 100)
            .bind(amount)
            .bind(maybe_amount)
            .execute(&mut db.conn)
            .unwrap();
    }
    let pairs: Vec<(i32, i32)> = db.rows(
        "SELECT a.id, b.id FROM decimals a JOIN decimals b
           ON a.amount = b.amount
          AND (a.maybe_amount = b.maybe_amount OR (a.maybe_amount IS NULL AND b.maybe_amount IS NULL))
         WHERE a.id < 100 AND b.id > 100 ORDER BY b.id",
    );
    assert_eq!(pairs, (1..=6).map(|id| (id, id + 100)).collect::<Vec<_>>());
    let copies: Vec<(i32, Decimal, Option<Decimal>)> =
        db.rows("SELECT id - 100, amount, maybe_amount FROM decimals WHERE id > 100 ORDER BY id");
    assert_eq!(copies, expected_decimals());
    assert_eq!(copies[1].1.to_string(), "-1234.5600", "the scale survives");

    let back: (Decimal, Option<Decimal>) = sql_query("SELECT $1, $2")
        .bind(dec("-0.000000001"))
        .bind(None::<Decimal>)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(back.0.to_string(), "-0.000000001");
    assert_eq!(back.1, None);
}

fn numerics_beyond_rust_decimal<C: Connection>(db: &mut TestDb<C>) {
    // Exact text both ways, whatever the width, in one canonical spelling.
    let big = format!("-{}.{}", "9".repeat(1000), "0".repeat(999) + "1");
    for (sent, canonical) in [
        (big.as_str(), big.as_str()),
        (
            "123456789012345678901234567890123456789012345678901234567890",
            "123456789012345678901234567890123456789012345678901234567890",
        ),
        ("+0012.50", "12.50"),
        ("-0.000", "0.000"),
        (".5", "0.5"),
    ] {
        let back: NumericText = sql_query("SELECT $1")
            .bind(numeric_text(sent))
            .get_result(&mut db.conn)
            .unwrap();
        assert_eq!(back.0, canonical, "{sent}");
    }
    // Stored, and loaded into a `Decimal`: a decode error naming the column, never
    // a rounded value.
    db.exec(
        "INSERT INTO decimals (id, amount, maybe_amount)
         VALUES (9, '123456789012345678901234567890', '1.00000000000000000000000000001')",
    );
    for column in ["amount", "maybe_amount"] {
        let sql = format!("SELECT {column} FROM decimals WHERE id = 9");
        let (name, expected, found) =
            expect_decode_error(sql_query(&*sql).load::<Option<Decimal>, _>(&mut db.conn));
        assert_eq!((name.as_str(), expected), (column, "Numeric"));
        assert!(
            found.contains("which rust_decimal cannot hold exactly"),
            "{found}"
        );
    }
    let err = expect_err(
        decimals::table
            .filter(decimals::id.eq(9))
            .select(decimals::amount)
            .load(&mut db.conn),
    );
    assert_eq!(
        err.to_string(),
        "cannot load column `amount` as Numeric: found the decimal \
         123456789012345678901234567890, which rust_decimal cannot hold exactly, which is out of range"
    );
    let exact: Vec<NumericText> = db.rows("SELECT amount FROM decimals WHERE id = 9");
    assert_eq!(exact, [numeric_text("123456789012345678901234567890")]);
}

fn numeric_comparisons_compare_numbers<C: Connection>(db: &mut TestDb<C>) {
    // 1.5 and 1.50 are one number, as PostgreSQL's numeric equality has it.
    let found = decimals::table
        .filter(decimals::maybe_amount.eq(dec("1.50")))
        .select(decimals::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [2], "1.50 = 1.5");
    // 100000000.00000001 > 5, though "1…" < "5" as text.
    let found = decimals::table
        .filter(decimals::maybe_amount.gt(dec("5")))
        .select(decimals::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [5], "> 5");
    let by_value = decimals::table
        .filter(decimals::maybe_amount.is_not_null())
        .select(decimals::id)
        .order_by(decimals::maybe_amount)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(by_value, [4, 6, 3, 2, 5], "numeric order");
}

// ---------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------

fn json_written_as_literals_load<C: Connection>(db: &mut TestDb<C>) {
    let typed = documents::table
        .order_by(documents::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, expected_documents());
    // JSON null is a value; SQL NULL is none.
    assert_eq!(typed[0].3, None);
    assert_eq!(typed[1].3, Some(Value::Null));
    assert_eq!(typed[0].1["nested"]["deep"][1]["x"], "ünï");
    assert_same(
        typed,
        db.rows("SELECT id, doc, docb, maybe_doc FROM documents ORDER BY id"),
    );
}

fn json_round_trips_through_binds<C: Connection>(db: &mut TestDb<C>) {
    for (id, doc, docb, maybe_doc) in expected_documents() {
        sql_query("INSERT INTO documents (id, doc, docb, maybe_doc) VALUES ($1, $2, $3, $4)")
            .bind(id + 100)
            .bind_as::<sql::Json, _>(&doc)
            .bind(docb)
            .bind(maybe_doc)
            .execute(&mut db.conn)
            .unwrap();
    }
    let copies = documents::table
        .filter(documents::id.gt(100))
        .order_by(documents::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<_> = expected_documents()
        .into_iter()
        .map(|(id, a, b, c)| (id + 100, a, b, c))
        .collect();
    assert_eq!(copies, expected);

    // The database's JSON functions read what was bound as they read the literal.
    let sql = match db.kind() {
        BackendKind::Sqlite => {
            "SELECT json_extract(doc, '$.nested.deep[1].x') || '/' || json_extract(docb, '$.name')
               FROM documents WHERE id IN (1, 101) ORDER BY id"
        }
        BackendKind::Pg => {
            "SELECT (doc #>> '{nested,deep,1,x}') || '/' || (docb ->> 'name')
               FROM documents WHERE id IN (1, 101) ORDER BY id"
        }
    };
    let extracted: Vec<String> = db.rows(sql);
    assert_eq!(extracted, ["ünï/Ada", "ünï/Ada"]);
    let sql = match db.kind() {
        BackendKind::Sqlite => {
            "SELECT json_extract(maybe_doc, '$.escaped') FROM documents WHERE id IN (3, 103)"
        }
        BackendKind::Pg => "SELECT maybe_doc ->> 'escaped' FROM documents WHERE id IN (3, 103)",
    };
    let escaped: Vec<String> = db.rows(sql);
    assert_eq!(escaped, ["tab\tline\nquote\"", "tab\tline\nquote\""]);

    let doc = json!({"k": [1, 2.5, null, "s", {"deep": ["ünï"]}]});
    let back: (Value, Option<Value>, Option<Value>) = sql_query("SELECT $1, $2, $3")
        .bind(doc.clone())
        .bind_as::<sql::Nullable<sql::Json>, _>(Some(&doc))
        .bind(None::<Value>)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(back, (doc.clone(), Some(doc), None));
}

// ---------------------------------------------------------------------------------
// SQLite only: the stored text, and text that is not a value
// ---------------------------------------------------------------------------------

fn sqlite_stores_the_documented_forms(db: &mut TestDb<SqliteConnection>) {
    let at = ts("2000-02-29 12:00:00.5");
    sql_query(
        "INSERT INTO moments (id, at, at_tz, day, clock, maybe_day) VALUES (100, $1, $2, $3, $4, $5)",
    )
    .bind(at)
    .bind(at.and_utc())
    .bind(at.date())
    .bind(at.time())
    .bind(None::<NaiveDate>)
    .execute(&mut db.conn)
    .unwrap();
    let stored: Vec<(String, String, String, String, String)> = db.rows(
        "SELECT typeof(at), at, at_tz, day, clock || ' ' || typeof(maybe_day) FROM moments WHERE id = 100",
    );
    assert_eq!(
        stored,
        [(
            "text".to_owned(),
            "2000-02-29 12:00:00.500000".to_owned(),
            "2000-02-29 12:00:00.500000+00:00".to_owned(),
            "2000-02-29".to_owned(),
            "12:00:00.500000 null".to_owned(),
        )]
    );
    sql_query("INSERT INTO uuids (id, uid) VALUES (100, $1)")
        .bind(Uuid::max())
        .execute(&mut db.conn)
        .unwrap();
    sql_query("INSERT INTO decimals (id, amount) VALUES (100, $1)")
        .bind(dec("-0001234.5600"))
        .execute(&mut db.conn)
        .unwrap();
    sql_query("INSERT INTO documents (id, doc, docb) VALUES (100, $1, $2)")
        .bind_as::<sql::Json, _>(json!({"a": [1, null]}))
        .bind(json!("ü"))
        .execute(&mut db.conn)
        .unwrap();
    let other: Vec<(String, String, String, String)> = db.rows(
        "SELECT typeof(u.uid) || ' ' || quote(u.uid), typeof(d.amount) || ' ' || d.amount,
                j.doc, j.docb
           FROM uuids u, decimals d, documents j WHERE u.id = 100 AND d.id = 100 AND j.id = 100",
    );
    assert_eq!(
        other,
        [(
            "blob X'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'".to_owned(),
            "text -1234.5600".to_owned(),
            r#"{"a":[1,null]}"#.to_owned(),
            r#""ü""#.to_owned(),
        )]
    );
}

fn sqlite_reads_other_date_time_and_uuid_forms(db: &mut TestDb<SqliteConnection>) {
    // ISO 8601 variants a person or another program may have written.
    db.exec(
        "INSERT INTO moments (id, at, at_tz, day, clock) VALUES
            (60, '2000-02-29T12:00:00.5', '2000-02-29T13:00:00.5+01:00', '2000-02-29', '12:00:00.5'),
            (61, '2000-02-29 12:00', '2000-02-29T12:00:00.500Z', '2000-02-29', '12:00')",
    );
    let rows = moments::table
        .filter(moments::id.ge(60))
        .select((moments::at, moments::at_tz, moments::clock))
        .order_by(moments::id)
        .load(&mut db.conn)
        .unwrap();
    let noon = ts("2000-02-29 12:00:00");
    let half = ts("2000-02-29 12:00:00.5");
    assert_eq!(
        rows,
        [
            (half, half.and_utc(), half.time()),
            (noon, half.and_utc(), noon.time()),
        ]
    );
    // What SQLite itself writes.
    let now: NaiveDateTime = sql_query("SELECT CURRENT_TIMESTAMP")
        .get_result(&mut db.conn)
        .unwrap();
    assert!(
        now_utc()
            .naive_utc()
            .signed_duration_since(now)
            .num_seconds()
            .abs()
            < 60,
        "{now}"
    );
    let julian: NaiveDateTime = sql_query("SELECT datetime(2451604.0)")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(julian, ts("2000-02-29 12:00:00"));
    // UUIDs written as text.
    db.exec(
        "INSERT INTO uuids (id, uid, maybe_uid) VALUES
            (60, '67E55044-10B1-426F-9247-BB680E5FE0C8', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'),
            (61, '67e5504410b1426f9247bb680e5fe0c8', NULL)",
    );
    let rows = uuids::table
        .filter(uuids::id.ge(60))
        .select((uuids::uid, uuids::maybe_uid))
        .order_by(uuids::id)
        .load(&mut db.conn)
        .unwrap();
    let a = uuid("67e55044-10b1-426f-9247-bb680e5fe0c8");
    let b = uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assert_eq!(rows, [(a, Some(b)), (a, None)]);
    // Numerics written as numbers rather than text.
    db.exec("INSERT INTO decimals (id, amount, maybe_amount) VALUES (60, 42, 2.5)");
    let row = decimals::table
        .filter(decimals::id.eq(60))
        .select((decimals::amount, decimals::maybe_amount))
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(row, (dec("42"), Some(dec("2.5"))));
}

fn malformed_text_in_sqlite_is_a_decode_error(db: &mut TestDb<SqliteConnection>) {
    db.exec(
        "INSERT INTO moments (id, at, at_tz, day, clock, maybe_day) VALUES
            (9, 'yesterday at noon', '2023-02-29 10:00:00+00:00', '2023-02-29', '25:00', 1.5)",
    );
    let only_9 = moments::id.eq(9);
    let whole = expect_decode_error(moments::table.filter(only_9).load(&mut db.conn));
    assert_eq!(
        whole,
        (
            "at".to_owned(),
            "Timestamp",
            "text \"yesterday at noon\", which is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM])"
                .to_owned()
        )
    );
    let err = expect_err(
        moments::table
            .filter(only_9)
            .select(MomentWithTime::as_select())
            .load(&mut db.conn),
    );
    assert_eq!(
        err.to_string(),
        "cannot load column `at` as Timestamp: found text \"yesterday at noon\", which is not a \
         timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM])"
    );
    let by_name = sql_query("SELECT * FROM moments WHERE id = 9").load::<Moment, _>(&mut db.conn);
    assert_eq!(expect_decode_error(by_name).0, "at");

    // Each column on its own: a non-leap day, an hour past the last, a number (which
    // the TEXT column's affinity turned into text).
    assert_decode_error(
        moments::table
            .filter(only_9)
            .select(moments::at_tz)
            .load(&mut db.conn),
        "at_tz",
        "Timestamptz",
        "text \"2023-02-29 10:00:00+00:00\", which is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM])",
    );
    assert_decode_error(
        moments::table
            .filter(only_9)
            .select(moments::day)
            .load(&mut db.conn),
        "day",
        "Date",
        "text \"2023-02-29\", which is not a date (YYYY-MM-DD)",
    );
    assert_decode_error(
        moments::table
            .filter(only_9)
            .select(moments::clock)
            .load(&mut db.conn),
        "clock",
        "Time",
        "text \"25:00\", which is not a time (HH:MM:SS[.ffffff])",
    );
    assert_decode_error(
        moments::table
            .filter(only_9)
            .select(moments::maybe_day)
            .load(&mut db.conn),
        "maybe_day",
        "Date",
        "text \"1.5\", which is not a date (YYYY-MM-DD)",
    );
    assert_decode_error(
        sql_query("SELECT 1.5 AS r").load::<NaiveDateTime, _>(&mut db.conn),
        "r",
        "Timestamp",
        "real 1.5",
    );

    // The other types' malformed stored forms.
    db.exec(
        "INSERT INTO uuids (id, uid, maybe_uid) VALUES (9, x'0011', 'not-a-uuid');
         INSERT INTO decimals (id, amount, maybe_amount) VALUES (9, '1,5', '1e3');
         INSERT INTO documents (id, doc, docb, maybe_doc) VALUES (9, '{\"a\": ', '[1,', x'00')",
    );
    let cases: [(&str, &str, &str); 7] = [
        (
            "SELECT uid FROM uuids WHERE id = 9",
            "uid",
            "a blob of 2 bytes, which is not a UUID (16 bytes)",
        ),
        (
            "SELECT maybe_uid FROM uuids WHERE id = 9",
            "maybe_uid",
            "text \"not-a-uuid\", which is not a UUID",
        ),
        (
            "SELECT amount FROM decimals WHERE id = 9",
            "amount",
            "text \"1,5\", which is not a decimal number",
        ),
        (
            "SELECT maybe_amount FROM decimals WHERE id = 9",
            "maybe_amount",
            "text \"1e3\", which is not a decimal number",
        ),
        (
            "SELECT doc FROM documents WHERE id = 9",
            "doc",
            "text \"{\\\"a\\\": \", which is not JSON",
        ),
        (
            "SELECT docb FROM documents WHERE id = 9",
            "docb",
            "text \"[1,\", which is not JSON",
        ),
        (
            "SELECT maybe_doc FROM documents WHERE id = 9",
            "maybe_doc",
            "blob",
        ),
    ];
    for (sql, column, found_start) in cases {
        let err = match column {
            "uid" | "maybe_uid" => {
                expect_decode_error(sql_query(sql).load::<Option<Uuid>, _>(&mut db.conn))
            }
            "amount" | "maybe_amount" => {
                expect_decode_error(sql_query(sql).load::<Option<Decimal>, _>(&mut db.conn))
            }
            _ => expect_decode_error(sql_query(sql).load::<Option<Value>, _>(&mut db.conn)),
        };
        assert_eq!(err.0, column, "{sql}");
        assert!(
            err.2.starts_with(found_start),
            "{sql}: found {:?}, expected it to start with {found_start:?}",
            err.2
        );
    }
    // Through the typed API too, and the connection is still usable.
    let typed = expect_decode_error(
        documents::table
            .filter(documents::id.eq(9))
            .select(documents::doc)
            .load(&mut db.conn),
    );
    assert_eq!((typed.0.as_str(), typed.1), ("doc", "Json"));
    let good = documents::table
        .filter(documents::id.lt(9))
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(good, 3);
}

// ---------------------------------------------------------------------------------
// PostgreSQL only: the server's text of bound values, values without a Rust value
// ---------------------------------------------------------------------------------

/// The server's text for the value bound as `$1`.
fn server_text(db: &mut TestDb<PgConnection>, query: quarry::query::SqlQuery) -> String {
    query
        .get_result(&mut db.conn)
        .unwrap_or_else(|e| panic!("server text: {e}"))
}

fn as_text() -> quarry::query::SqlQuery {
    sql_query("SELECT CAST($1 AS TEXT)")
}

fn pg_dates_and_times_match_the_servers_text(db: &mut TestDb<PgConnection>) {
    db.exec("SET TIME ZONE 'UTC'");
    for text in [
        "2000-01-01 00:00:00",
        "1970-01-01 00:00:00",
        "1969-12-31 23:59:59.999999",
        "1900-02-28 12:00:00.5",
        "2024-02-29 23:59:59",
        "0001-01-01 00:00:00",
    ] {
        let t = ts(text);
        // quarry → server.
        assert_eq!(server_text(db, as_text().bind(t)), text);
        assert_eq!(server_text(db, as_text().bind(t.date())), text[..10]);
        assert_eq!(
            server_text(db, as_text().bind(t.and_utc())),
            format!("{text}+00")
        );
        assert_eq!(server_text(db, as_text().bind(time_datetime(t))), text);
        // server → quarry.
        let sql = format!(
            "SELECT TIMESTAMP '{text}', TIMESTAMPTZ '{text}+00', DATE '{}', TIME '{}'",
            &text[..10],
            &text[11..]
        );
        let row: (NaiveDateTime, DateTime<Utc>, NaiveDate, NaiveTime) =
            sql_query(sql).get_result(&mut db.conn).unwrap();
        assert_eq!(row, (t, t.and_utc(), t.date(), t.time()), "{text}");
    }
    assert_eq!(
        server_text(db, as_text().bind(clock("12:30:15.000001"))),
        "12:30:15.000001"
    );
    assert_eq!(
        server_text(
            db,
            as_text().bind(ts("1969-12-31 23:59:59.999999").and_utc())
        ),
        "1969-12-31 23:59:59.999999+00"
    );
    // PostgreSQL's first day: 4713 BC is year -4712 of the proleptic Gregorian calendar.
    let first_day = NaiveDate::from_ymd_opt(-4712, 11, 24).unwrap();
    let day: NaiveDate = sql_query("SELECT DATE '4713-11-24 BC'")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(day, first_day);
    assert_eq!(server_text(db, as_text().bind(first_day)), "4713-11-24 BC");
    let day: time::Date = sql_query("SELECT DATE '4713-11-24 BC'")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(day, time_date(first_day));
}

fn pg_values_without_a_rust_value_are_decode_errors(db: &mut TestDb<PgConnection>) {
    let cases: [(&str, &str); 3] = [
        ("SELECT now() AS t", "timestamptz"),
        (
            "SELECT 'infinity'::timestamp AS t",
            "timestamp 'infinity', which has no Rust value",
        ),
        (
            "SELECT '-infinity'::timestamp AS t",
            "timestamp '-infinity', which has no Rust value",
        ),
    ];
    for (sql, found) in cases {
        let result = sql_query(sql).load::<NaiveDateTime, _>(&mut db.conn);
        assert_decode_error(result, "t", "Timestamp", found);
    }
    assert_decode_error(
        sql_query("SELECT '-infinity'::date AS d").load::<NaiveDate, _>(&mut db.conn),
        "d",
        "Date",
        "date '-infinity', which has no Rust value",
    );
    // 24:00:00 is a PostgreSQL time, but neither chrono's nor time's.
    assert_decode_error(
        sql_query("SELECT '24:00:00'::time AS c").load::<NaiveTime, _>(&mut db.conn),
        "c",
        "Time",
        "a time of microsecond 86400000000, which is out of range",
    );
    assert_decode_error(
        sql_query("SELECT '24:00:00'::time AS c").load::<time::Time, _>(&mut db.conn),
        "c",
        "Time",
        "a time of microsecond 86400000000, which is out of range",
    );
    // Stored in a table, through the typed API.
    db.exec(
        "INSERT INTO moments (id, at, at_tz, day, clock) VALUES
            (9, 'infinity', '-infinity', 'infinity', '24:00:00')",
    );
    let only_9 = moments::id.eq(9);
    let at = expect_decode_error(moments::table.filter(only_9).load(&mut db.conn));
    assert_eq!(
        (at.0.as_str(), at.2.as_str()),
        ("at", "timestamp 'infinity', which has no Rust value")
    );
    assert_decode_error(
        moments::table
            .filter(only_9)
            .select(moments::at_tz)
            .load(&mut db.conn),
        "at_tz",
        "Timestamptz",
        "timestamptz '-infinity', which has no Rust value",
    );
    let clock = expect_decode_error(
        moments::table
            .filter(only_9)
            .select(MomentWithTime::as_select())
            .load(&mut db.conn),
    );
    assert_eq!(clock.0, "at");
    let clock = expect_decode_error(
        moments::table
            .filter(only_9)
            .select(moments::clock)
            .load(&mut db.conn),
    );
    assert_eq!((clock.0.as_str(), clock.1), ("clock", "Time"));
}

fn numeric_nan_and_infinity_are_decode_errors(db: &mut TestDb<PgConnection>) {
    db.exec(
        "INSERT INTO decimals (id, amount, maybe_amount) VALUES
            (9, 'NaN', 'Infinity'), (10, 1, '-Infinity')",
    );
    assert_decode_error(
        decimals::table
            .filter(decimals::id.eq(9))
            .select((decimals::id, decimals::amount))
            .load(&mut db.conn),
        "amount",
        "Numeric",
        "numeric NaN, which is not a number",
    );
    let err = expect_err(
        decimals::table
            .filter(decimals::id.ge(9))
            .select(decimals::maybe_amount)
            .order_by(decimals::id)
            .load(&mut db.conn),
    );
    assert_eq!(
        err.to_string(),
        "cannot load column `maybe_amount` as Numeric: found numeric Infinity, which has no decimal value"
    );
    let minus = expect_decode_error(
        sql_query("SELECT maybe_amount FROM decimals WHERE id = 10")
            .load::<Option<Decimal>, _>(&mut db.conn),
    );
    assert_eq!(
        (minus.0.as_str(), minus.2.as_str()),
        (
            "maybe_amount",
            "numeric -Infinity, which has no decimal value"
        )
    );
    // A type of one's own reads the raw numeric and fails the same way.
    let raw = expect_decode_error(
        sql_query("SELECT amount AS raw FROM decimals WHERE id = 9")
            .load::<NumericText, _>(&mut db.conn),
    );
    assert_eq!(raw.0, "raw");
    // The connection is still usable, and the other rows load.
    let fine = decimals::table
        .filter(decimals::id.lt(9))
        .select(decimals::amount)
        .order_by(decimals::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(fine.len(), 6);
}

fn pg_numerics_match_the_servers_text(db: &mut TestDb<PgConnection>) {
    let big = format!("-{}.{}", "9".repeat(1000), "0".repeat(999) + "1");
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
        big.as_str(),
    ] {
        let read: NumericText = sql_query(format!("SELECT '{text}'::numeric"))
            .get_result(&mut db.conn)
            .unwrap();
        assert_eq!(read.0, text);
        assert_eq!(server_text(db, as_text().bind(numeric_text(text))), text);
        if let Ok(d) = Decimal::from_str_exact(text) {
            assert_eq!(server_text(db, as_text().bind(d)), text);
            let read: Decimal = sql_query(format!("SELECT '{text}'::numeric"))
                .get_result(&mut db.conn)
                .unwrap();
            assert_eq!(read.to_string(), text);
        }
    }
    // The server's arithmetic on stored numerics, exact.
    let sum: Decimal = sql_query("SELECT SUM(amount) * 2 FROM decimals WHERE id IN (2, 6)")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(sum.to_string(), "-2469.1200");
    // SUM of int8 and AVG are numeric; integer and float types load them when they fit.
    let sum: i64 = sql_query("SELECT SUM(x) FROM (VALUES (9223372036854775807::int8), (-1)) t(x)")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(sum, i64::MAX - 1);
    let avg = "SELECT AVG(x) AS avg FROM (VALUES (1), (2)) t(x)";
    let mean: f64 = sql_query(avg).get_result(&mut db.conn).unwrap();
    assert_eq!(mean, 1.5);
    assert_decode_error(
        sql_query(avg).load::<i64, _>(&mut db.conn),
        "avg",
        "Int8",
        "numeric 1.5000000000000000, which is not an integer",
    );
    let err = expect_err(
        sql_query("SELECT 9223372036854775808::numeric").get_result::<i64, _>(&mut db.conn),
    );
    assert!(
        matches!(&err, quarry::Error::Decode { found, .. } if found.ends_with("which is out of range")),
        "{err:?}"
    );
}

fn pg_uuid_and_json_text(db: &mut TestDb<PgConnection>) {
    let text = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    assert_eq!(server_text(db, as_text().bind(uuid(text))), text);
    assert_eq!(
        server_text(
            db,
            as_text().bind_as::<sql::Uuid, _>(uuid(text).into_bytes())
        ),
        text
    );
    // jsonb is normalized by the server, json kept as sent.
    assert_eq!(server_text(db, as_text().bind(json!([1, 2]))), "[1, 2]");
    assert_eq!(
        server_text(db, as_text().bind_as::<sql::Json, _>(json!([1, 2]))),
        "[1,2]"
    );
    // The stored json column keeps the literal's spacing; jsonb does not. Both reach
    // quarry's reader as the server's text.
    let texts: Vec<(String, String)> =
        db.rows("SELECT doc::text, docb::text FROM documents WHERE id = 3");
    assert_eq!(
        texts,
        [(
            "[1, -2.5, \"x\", false, null, {}]".to_owned(),
            "{\"a\": {\"b\": {\"c\": {\"d\": [[], [{}]]}}}}".to_owned()
        )]
    );
    let raw: Vec<(JsonText, JsonText)> = db.rows(
        "SELECT '{\"a\":  [1, null, \"x\"], \"b\": {\"c\": true}}'::json,
                '{\"a\":  [1, null, \"x\"], \"b\": {\"c\": true}}'::jsonb",
    );
    assert_eq!(
        raw,
        [(
            JsonText(r#"{"a":  [1, null, "x"], "b": {"c": true}}"#.to_owned()),
            JsonText(r#"{"a": [1, null, "x"], "b": {"c": true}}"#.to_owned())
        )]
    );
    let k: String = sql_query("SELECT ($1 -> 'k')::text")
        .bind(json!({"k": 5}))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(k, "5");
    assert_decode_error(
        sql_query("SELECT 1 AS one").load::<Value, _>(&mut db.conn),
        "one",
        "Jsonb",
        "int4",
    );
    assert_decode_error(
        sql_query("SELECT 1 AS one").load::<Uuid, _>(&mut db.conn),
        "one",
        "Uuid",
        "int4",
    );
}

fn pg_jsonb_filter_with_eq(db: &mut TestDb<PgConnection>) {
    // jsonb equality is by value: key order and spacing do not matter.
    let found = documents::table
        .filter(documents::docb.eq(json!({"a": {"b": {"c": {"d": [[], [{}]]}}}})))
        .select(documents::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [3]);
    let found = documents::table
        .filter(documents::maybe_doc.eq(Some(Value::Null)))
        .select(documents::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [2]);
    let found = documents::table
        .filter(documents::maybe_doc.is_null())
        .select(documents::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [1]);
}

fn pg_jsonb_operators(db: &mut TestDb<PgConnection>) {
    // `->>` and `->` read fields; missing ones are NULL.
    let names: Vec<Option<String>> = documents::table
        .select(documents::docb.get_text("name"))
        .order_by(documents::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, [Some("Ada".to_owned()), None, None]);
    let nested: Vec<Option<Value>> = documents::table
        .filter(documents::id.eq(3))
        .select(documents::docb.get("a").get("b"))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(nested, [Some(json!({"c": {"d": [[], [{}]]}}))]);
    // `?` and `@>` in filters, compared with the same SQL written by hand.
    let with_key = documents::table
        .filter(documents::docb.has_key("tags"))
        .select(documents::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        with_key,
        db.rows::<i32>("SELECT id FROM documents WHERE docb ? 'tags'")
    );
    assert_eq!(with_key, [1]);
    let containing = documents::table
        .filter(documents::docb.contains_json(json!({"name": "Ada", "n": 1.5})))
        .select(documents::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(containing, [1]);
    let none = documents::table
        .filter(documents::docb.contains_json(json!({"name": "Grace"})))
        .select(documents::id)
        .load(&mut db.conn)
        .unwrap();
    assert!(none.is_empty());
}

// ----- Arrays ----------------------------------------------------------------------

fn array_operators(db: &mut TestDb<PgConnection>) {
    let check = |db: &mut TestDb<PgConnection>, typed: Vec<i32>, sql: &str| {
        let expected: Vec<i32> = db.rows(&format!("SELECT id FROM arrays WHERE {sql} ORDER BY id"));
        assert_eq!(typed, expected, "{sql}");
        typed
    };
    let typed = arrays::table
        .filter(arrays::ints.contains(vec![-2, 1]))
        .select(arrays::id)
        .order_by(arrays::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(check(db, typed, "ints @> ARRAY[-2, 1]"), [1]);
    let typed = arrays::table
        .filter(arrays::ints.is_contained_by(vec![42, 7]))
        .select(arrays::id)
        .order_by(arrays::id)
        .load(&mut db.conn)
        .unwrap();
    // The empty array is contained by every array.
    assert_eq!(check(db, typed, "ints <@ ARRAY[42, 7]"), [2, 3]);
    let typed = arrays::table
        .filter(arrays::texts.overlaps_with(vec!["ünï", "a b"]))
        .select(arrays::id)
        .order_by(arrays::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(check(db, typed, "texts && ARRAY['ünï', 'a b']"), [1, 3]);
}

fn arrays_written_as_literals_load(db: &mut TestDb<PgConnection>) {
    let typed = arrays::table
        .order_by(arrays::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, expected_arrays());
    assert_same(
        typed,
        db.rows(
            "SELECT id, ints, bigs, texts, flags, floats, maybe_ints, maybe_texts, days \
             FROM arrays ORDER BY id",
        ),
    );
    let texts = arrays::table
        .filter(arrays::id.eq(1))
        .select(arrays::texts)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(texts[3], "NULL", "the text NULL is no NULL element");
    assert_eq!(texts[4], "", "an empty string is an element");
}

fn arrays_filter_with_eq(db: &mut TestDb<PgConnection>) {
    let q = arrays::table
        .filter(arrays::ints.eq(vec![1, -2, i32::MAX]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [1]);
    let empty: &[i32] = &[];
    let q = arrays::table
        .filter(arrays::ints.eq(empty))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [2]);
    let q = arrays::table
        .filter(arrays::bigs.eq(vec![5_000_000_000_i64, i64::MIN]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [1]);
    let q = arrays::table
        .filter(arrays::texts.eq(vec!["ünï"]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [3]);
    let q = arrays::table
        .filter(arrays::texts.eq(&expected_arrays()[0].3))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [1]);
    let q = arrays::table
        .filter(arrays::flags.eq(vec![true, false]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [1]);
    let q = arrays::table
        .filter(arrays::floats.eq(vec![1e-300]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [3]);
    // Array equality treats NULL elements as equal to each other.
    let q = arrays::table
        .filter(arrays::maybe_ints.eq(vec![Some(1), None, Some(3)]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [1]);
    let q = arrays::table
        .filter(arrays::maybe_ints.eq(vec![None::<i32>, None]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [3]);
    let q = arrays::table
        .filter(arrays::maybe_texts.eq(vec![Some("x"), None, Some("NULL")]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [1]);
    let q = arrays::table
        .filter(arrays::maybe_texts.is_null())
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [2]);
    let q = arrays::table
        .filter(arrays::days.eq(vec![date("1969-12-31"), date("2000-02-29")]))
        .select(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [1]);
    let q = arrays::table
        .filter(arrays::ints.ne(vec![42]))
        .select(arrays::id)
        .order_by(arrays::id)
        .load(&mut db.conn);
    assert_eq!(q.unwrap(), [1, 2]);
}

fn arrays_round_trip_through_binds(db: &mut TestDb<PgConnection>) {
    for (id, ints, bigs, texts, flags, floats, maybe_ints, maybe_texts, days) in expected_arrays() {
        sql_query(
            "INSERT INTO arrays (id, ints, bigs, texts, flags, floats, maybe_ints, maybe_texts, days)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id + 100)
        .bind(ints)
        .bind(bigs)
        .bind(texts)
        .bind(flags)
        .bind(floats)
        .bind(maybe_ints)
        .bind(maybe_texts)
        .bind(days)
        .execute(&mut db.conn)
        .unwrap();
    }
    let pairs: Vec<(i32, i32)> = db.rows(
        "SELECT a.id, b.id FROM arrays a JOIN arrays b
           ON a.ints = b.ints AND a.bigs = b.bigs AND a.texts = b.texts AND a.flags = b.flags
          AND a.floats = b.floats AND a.maybe_ints = b.maybe_ints
          AND a.maybe_texts IS NOT DISTINCT FROM b.maybe_texts AND a.days = b.days
          AND cardinality(a.ints) = cardinality(b.ints)
          AND array_lower(a.texts, 1) IS NOT DISTINCT FROM array_lower(b.texts, 1)
         WHERE a.id < 100 AND b.id > 100 ORDER BY b.id",
    );
    assert_eq!(pairs, [(1, 101), (2, 102), (3, 103)]);
    let copies = arrays::table
        .filter(arrays::id.gt(100))
        .order_by(arrays::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<ArrayRow> = expected_arrays()
        .into_iter()
        .map(|mut row| {
            row.0 += 100;
            row
        })
        .collect();
    assert_eq!(copies, expected);

    // Slices and `Vec`s of the other element types, straight back.
    type Others = (
        Vec<i16>,
        Vec<f32>,
        Vec<Uuid>,
        Vec<Decimal>,
        Vec<Value>,
        Vec<Vec<u8>>,
    );
    let back: Others = sql_query("SELECT $1, $2, $3, $4, $5, $6")
        .bind(&[i16::MIN, 0][..])
        .bind(vec![0.25_f32])
        .bind(vec![Uuid::nil(), Uuid::max()])
        .bind(vec![dec("-1.50"), dec("0")])
        .bind(vec![json!({"a": [1]}), Value::Null])
        .bind(vec![vec![1_u8, 2], vec![]])
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(back.0, [i16::MIN, 0]);
    assert_eq!(back.1, [0.25]);
    assert_eq!(back.2, [Uuid::nil(), Uuid::max()]);
    assert_eq!(
        back.3.iter().map(Decimal::to_string).collect::<Vec<_>>(),
        ["-1.50", "0"]
    );
    assert_eq!(back.4, [json!({"a": [1]}), Value::Null]);
    assert_eq!(back.5, [vec![1, 2], vec![]]);
}

fn array_text_by_the_server(db: &mut TestDb<PgConnection>) {
    db.exec("SET TIME ZONE 'UTC'");
    let cases: Vec<(String, &str)> = vec![
        (
            server_text(db, as_text().bind(vec![Some(1), None, Some(3)])),
            "{1,NULL,3}",
        ),
        (server_text(db, as_text().bind(Vec::<String>::new())), "{}"),
        (
            server_text(db, as_text().bind(vec![Some("a b"), Some("\"q\""), None])),
            r#"{"a b","\"q\"",NULL}"#,
        ),
        (server_text(db, as_text().bind(vec![-5_i64])), "{-5}"),
        (server_text(db, as_text().bind(vec![2_i16])), "{2}"),
        (server_text(db, as_text().bind(vec![true])), "{t}"),
        (server_text(db, as_text().bind(vec![0.5_f64])), "{0.5}"),
        (server_text(db, as_text().bind(vec![0.25_f32])), "{0.25}"),
        (
            server_text(db, as_text().bind(vec![date("2000-02-29")])),
            "{2000-02-29}",
        ),
        (
            server_text(db, as_text().bind(vec![ts("1970-01-01 00:00:00.000001")])),
            r#"{"1970-01-01 00:00:00.000001"}"#,
        ),
        (
            server_text(
                db,
                as_text().bind(vec![ts("1969-12-31 23:59:59.999999").and_utc()]),
            ),
            r#"{"1969-12-31 23:59:59.999999+00"}"#,
        ),
        (
            server_text(db, as_text().bind(vec![clock("00:00:01")])),
            "{00:00:01}",
        ),
        (
            server_text(db, as_text().bind(vec![time_date(date("1900-01-01"))])),
            "{1900-01-01}",
        ),
        (
            server_text(db, as_text().bind(vec![dec("-1.50")])),
            "{-1.50}",
        ),
        (
            server_text(db, as_text().bind(vec![Uuid::nil()])),
            "{00000000-0000-0000-0000-000000000000}",
        ),
        (server_text(db, as_text().bind(vec![json!(1)])), "{1}"),
        (
            server_text(
                db,
                as_text().bind_as::<sql::Array<sql::Json>, _>(vec![json!(2)]),
            ),
            "{2}",
        ),
        (
            server_text(db, as_text().bind(vec![vec![1_u8]])),
            r#"{"\\x01"}"#,
        ),
    ];
    for (got, expected) in cases {
        assert_eq!(got, expected);
    }
}

fn array_shapes_and_element_types(db: &mut TestDb<PgConnection>) {
    // A lower bound other than 1 loads in order.
    let shifted: Vec<i32> = sql_query("SELECT '[0:1]={7,8}'::int4[]")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(shifted, [7, 8]);
    assert_decode_error(
        sql_query("SELECT ARRAY[[1, 2], [3, 4]] AS grid").load::<Vec<i32>, _>(&mut db.conn),
        "grid",
        "Array",
        "a 2-dimensional array; only one-dimensional arrays load into a Vec",
    );
    let scalar =
        expect_decode_error(sql_query("SELECT 1 AS one").load::<Vec<i32>, _>(&mut db.conn));
    assert_eq!(
        (scalar.0.as_str(), scalar.1, scalar.2.as_str()),
        ("one", "Array", "int4")
    );
    // Element values keep their own type.
    let nums: Vec<Option<Decimal>> = sql_query("SELECT ARRAY[1.5, NULL]::numeric[]")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(nums, [Some(dec("1.5")), None]);
    let mixed: (Vec<Option<NaiveDateTime>>, Vec<Uuid>, Vec<Value>) = sql_query(
        "SELECT ARRAY[TIMESTAMP '1969-07-20 20:17:40.123456', NULL],
                ARRAY['67e55044-10b1-426f-9247-bb680e5fe0c8'::uuid],
                ARRAY['{\"a\": 1}'::jsonb, 'null']",
    )
    .get_result(&mut db.conn)
    .unwrap();
    assert_eq!(
        mixed,
        (
            vec![Some(ts("1969-07-20 20:17:40.123456")), None],
            vec![uuid("67e55044-10b1-426f-9247-bb680e5fe0c8")],
            vec![json!({"a": 1}), Value::Null],
        )
    );
    let wrong = expect_decode_error(
        sql_query("SELECT ARRAY['x'] AS texts").load::<Vec<i32>, _>(&mut db.conn),
    );
    assert_eq!((wrong.0.as_str(), wrong.1), ("texts", "Array"));
}

fn array_with_a_null_element_is_a_decode_error(db: &mut TestDb<PgConnection>) {
    db.exec(
        "INSERT INTO arrays (id, ints, bigs, texts, flags, floats, maybe_ints, maybe_texts, days)
         VALUES (9, ARRAY[1, NULL], '{}', '{}', '{}', '{}', '{}', NULL, '{}')",
    );
    let err = expect_err(
        arrays::table
            .filter(arrays::id.eq(9))
            .select(arrays::ints)
            .load(&mut db.conn),
    );
    assert_eq!(
        err.to_string(),
        "cannot load column `ints` as Array: found an array with a NULL element; declare the \
         column `Array<Nullable<…>>` to load NULL elements as `None`"
    );
    let (column, expected, _) = expect_decode_error(arrays::table.load(&mut db.conn));
    assert_eq!((column.as_str(), expected), ("ints", "Array"));
    let raw = expect_decode_error(
        sql_query("SELECT ints FROM arrays WHERE id = 9").load::<Vec<i32>, _>(&mut db.conn),
    );
    assert_eq!(raw.0, "ints");
    // Declared with nullable elements, the same value loads.
    let nullable: Vec<Vec<Option<i32>>> = db.rows("SELECT ints FROM arrays WHERE id = 9");
    assert_eq!(nullable, [vec![Some(1), None]]);
}

common::backend_tests! {
    extra_schema: TYPES;
    datetimes_written_as_literals_load_as_chrono_values,
    datetimes_load_into_time_crate_types,
    bound_datetimes_find_the_rows_written_as_literals,
    datetime_comparisons_follow_time_order,
    datetimes_round_trip_through_sql_query_binds,
    timestamptz_with_an_offset_loads_in_utc,
    database_date_arithmetic_reads_stored_values,
    uuids_written_as_literals_load,
    uuids_round_trip_through_binds,
    typed_multi_row_inserts_keep_every_rows_values,
    numerics_written_as_literals_load_exactly,
    bound_numerics_find_the_rows_written_as_literals,
    numerics_beyond_rust_decimal,
    numeric_comparisons_compare_numbers,
    json_written_as_literals_load,
    json_round_trips_through_binds,
}

common::backend_tests! {
    extra_schema: TYPES;
    only sqlite:
    sqlite_stores_the_documented_forms,
    sqlite_reads_other_date_time_and_uuid_forms,
    malformed_text_in_sqlite_is_a_decode_error,
}

common::backend_tests! {
    extra_schema: TYPES;
    only pg:
    pg_dates_and_times_match_the_servers_text,
    pg_values_without_a_rust_value_are_decode_errors,
    numeric_nan_and_infinity_are_decode_errors,
    pg_numerics_match_the_servers_text,
    pg_uuid_and_json_text,
    pg_jsonb_filter_with_eq,
    pg_jsonb_operators,
    array_operators,
    arrays_written_as_literals_load,
    arrays_filter_with_eq,
    arrays_round_trip_through_binds,
    array_text_by_the_server,
    array_shapes_and_element_types,
    array_with_a_null_element_is_a_decode_error,
}
