//! How quarry's SQL types are stored in SQLite's storage classes.
//!
//! | SQL type | stored as | also read from |
//! |---|---|---|
//! | `Timestamp` | TEXT `YYYY-MM-DD HH:MM:SS[.ffffff]` | `T` for the space, fewer fraction digits, a `Z`/`±HH:MM` zone (converted to UTC), INTEGER Unix seconds |
//! | `Timestamptz` | TEXT in UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00` | as `Timestamp`; no zone means UTC |
//! | `Date` | TEXT `YYYY-MM-DD` | |
//! | `Time` | TEXT `HH:MM:SS[.ffffff]` | `HH:MM`, fewer fraction digits |
//! | `Uuid` | 16-byte BLOB | TEXT, hyphenated or 32 hex digits |
//! | `Numeric` | TEXT, the exact decimal | INTEGER, REAL |
//! | `Json`, `Jsonb` | TEXT | INTEGER, REAL (a bare JSON number under NUMERIC affinity) |
//! | `Array<_>` | — (PostgreSQL only) | |
//!
//! These are the forms SQLite's date and JSON functions read. The fraction of a
//! timestamp or time is left out for whole seconds, matching `CURRENT_TIMESTAMP`.

use super::SqliteValue;
use super::raw::Storage;
use crate::error::{Error, QueryResult};
use crate::types::calendar::{self, MICROS_PER_DAY, MICROS_PER_SECOND};
use crate::types::decimal_text;
use crate::types::{BindValue, DecodeError};
use std::borrow::Cow;

/// A bind value in one of SQLite's storage classes.
#[derive(Debug, PartialEq)]
pub(super) enum Stored<'a> {
    Null,
    Integer(i64),
    Real(f64),
    /// Borrowed text is bound in place; owned text is copied by SQLite.
    Text(Cow<'a, str>),
    Blob(&'a [u8]),
}

/// How `value` is stored.
pub(super) fn store<'a>(value: &'a BindValue<'a>) -> QueryResult<Stored<'a>> {
    Ok(match value {
        BindValue::Null => Stored::Null,
        BindValue::Boolean(v) => Stored::Integer(i64::from(*v)),
        BindValue::I16(v) => Stored::Integer(i64::from(*v)),
        BindValue::I32(v) => Stored::Integer(i64::from(*v)),
        BindValue::I64(v) => Stored::Integer(*v),
        BindValue::F32(v) => Stored::Real(f64::from(*v)),
        BindValue::F64(v) => Stored::Real(*v),
        BindValue::Str(s) => Stored::Text(Cow::Borrowed(s)),
        BindValue::Bytes(b) => Stored::Blob(b),
        BindValue::Timestamp(v) => {
            Stored::Text(calendar::format(|s| calendar::write_timestamp(s, *v, false)).into())
        }
        BindValue::Timestamptz(v) => {
            Stored::Text(calendar::format(|s| calendar::write_timestamp(s, *v, true)).into())
        }
        BindValue::Date(v) => {
            Stored::Text(calendar::format(|s| calendar::write_date(s, i64::from(*v))).into())
        }
        BindValue::Time(v) => {
            if !(0..MICROS_PER_DAY).contains(v) {
                return Err(Error::InvalidQuery(format!(
                    "time {v} µs is not within a day"
                )));
            }
            Stored::Text(calendar::format(|s| calendar::write_time(s, *v)).into())
        }
        BindValue::Uuid(b) => Stored::Blob(b),
        BindValue::Numeric(text) => Stored::Text(
            decimal_text::canonical(text)
                .ok_or_else(|| Error::InvalidQuery(format!("{text:?} is not a decimal number")))?,
        ),
        BindValue::Json(text) | BindValue::Jsonb(text) => Stored::Text(Cow::Borrowed(text)),
        BindValue::Array { .. } => {
            return Err(Error::InvalidQuery(
                "SQLite has no arrays: an `Array` value can only be sent to PostgreSQL".into(),
            ));
        }
    })
}

/// Parses a UUID written as text: hyphenated, 32 hex digits, or either in braces.
fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let text = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    let bytes = text.as_bytes();
    let hex: Vec<u8> = match bytes.len() {
        32 => bytes.to_vec(),
        36 if [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-') => bytes
            .iter()
            .enumerate()
            .filter(|&(i, _)| ![8, 13, 18, 23].contains(&i))
            .map(|(_, &b)| b)
            .collect(),
        _ => return None,
    };
    let nibble = |b: u8| char::from(b).to_digit(16);
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        // Each nibble is below 16, so the byte fits.
        out[i] = (nibble(pair[0])? * 16 + nibble(pair[1])?) as u8;
    }
    Some(out)
}

#[allow(private_bounds)] // private methods over the crate's own two kinds of value
impl<'s, V: super::CellView<'s>> SqliteValue<'s, V> {
    fn wrong_type(&self) -> DecodeError {
        super::wrong_type(&self.0)
    }

    pub(super) fn timestamp(&self) -> Result<i64, DecodeError> {
        match self.0.storage() {
            Storage::Text => calendar::parse_timestamp(self.text()?),
            Storage::Integer => {
                let seconds = self.0.int64();
                seconds
                    .checked_mul(MICROS_PER_SECOND)
                    .ok_or_else(|| DecodeError::OutOfRange {
                        value: format!("{seconds} seconds since 1970"),
                    })
            }
            _ => Err(self.wrong_type()),
        }
    }

    pub(super) fn date(&self) -> Result<i32, DecodeError> {
        match self.0.storage() {
            Storage::Text => calendar::parse_date(self.text()?),
            _ => Err(self.wrong_type()),
        }
    }

    pub(super) fn time(&self) -> Result<i64, DecodeError> {
        match self.0.storage() {
            Storage::Text => calendar::parse_time(self.text()?),
            _ => Err(self.wrong_type()),
        }
    }

    pub(super) fn uuid(&self) -> Result<[u8; 16], DecodeError> {
        match self.0.storage() {
            Storage::Blob => {
                let bytes = self.0.bytes(false);
                bytes.try_into().map_err(|_| {
                    DecodeError::Invalid(format!(
                        "a blob of {} bytes, which is not a UUID (16 bytes)",
                        bytes.len()
                    ))
                })
            }
            Storage::Text => {
                let text = self.text()?;
                parse_uuid(text.trim()).ok_or_else(|| {
                    DecodeError::Invalid(format!(
                        "{}, which is not a UUID",
                        crate::types::text_preview(text)
                    ))
                })
            }
            _ => Err(self.wrong_type()),
        }
    }

    pub(super) fn numeric(&self) -> Result<Cow<'s, str>, DecodeError> {
        match self.0.storage() {
            Storage::Text => {
                let text = self.text()?;
                decimal_text::canonical(text.trim()).ok_or_else(|| {
                    DecodeError::Invalid(format!(
                        "{}, which is not a decimal number",
                        crate::types::text_preview(text)
                    ))
                })
            }
            Storage::Integer => Ok(Cow::Owned(self.0.int64().to_string())),
            Storage::Real => {
                let v = self.0.double();
                decimal_text::from_f64(v)
                    .map(Cow::Owned)
                    .ok_or_else(|| DecodeError::OutOfRange {
                        value: format!("real {v}"),
                    })
            }
            _ => Err(self.wrong_type()),
        }
    }

    pub(super) fn json(&self) -> Result<Cow<'s, str>, DecodeError> {
        match self.0.storage() {
            Storage::Text => self.text().map(Cow::Borrowed),
            Storage::Integer => Ok(Cow::Owned(self.0.int64().to_string())),
            Storage::Real => decimal_text::from_f64(self.0.double())
                .map(Cow::Owned)
                .ok_or_else(|| self.wrong_type()),
            _ => Err(self.wrong_type()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::{Connection, Row};
    use crate::types::{SqlValue, ValueKind};
    use crate::{QueryResult, backend::sqlite::SqliteConnection};
    use std::ops::ControlFlow;

    fn conn() -> SqliteConnection {
        SqliteConnection::establish(":memory:").unwrap()
    }

    /// Runs `sql` with `binds` and applies `read` to the first column of its one row.
    fn read<T>(
        conn: &mut SqliteConnection,
        sql: &str,
        binds: &[BindValue<'_>],
        read: impl Fn(&SqliteValue<'_>) -> Result<T, DecodeError>,
    ) -> QueryResult<Result<T, DecodeError>> {
        let mut out = None;
        conn.query_sql(sql, binds, |row| {
            out = Some(read(&row.value(0).unwrap()));
            Ok(ControlFlow::Break(()))
        })?;
        Ok(out.expect("one row"))
    }

    #[test]
    fn values_round_trip_through_sqlite() {
        let mut c = conn();
        let c = &mut c;
        for micros in [0, -1, 951_782_400_123_456, -2_208_988_800_000_000] {
            let v = BindValue::Timestamp(micros);
            let got = read(c, "SELECT ?", &[v], |v| v.read_timestamp_micros());
            assert_eq!(got.unwrap(), Ok(micros));
            let v = BindValue::Timestamptz(micros);
            let got = read(c, "SELECT ?", &[v], |v| v.read_timestamptz_micros());
            assert_eq!(got.unwrap(), Ok(micros));
        }
        for days in [0, -1, 11_016, -719_162] {
            let got = read(c, "SELECT ?", &[BindValue::Date(days)], |v| {
                v.read_date_days()
            });
            assert_eq!(got.unwrap(), Ok(days));
        }
        let got = read(c, "SELECT ?", &[BindValue::Time(1)], |v| {
            v.read_time_micros()
        });
        assert_eq!(got.unwrap(), Ok(1));
        let id = *b"0123456789abcdef";
        let got = read(c, "SELECT ?", &[BindValue::Uuid(id)], |v| v.read_uuid());
        assert_eq!(got.unwrap(), Ok(id));
        let n = BindValue::Numeric(Cow::Borrowed("-0012345678901234567890.120"));
        let got = read(c, "SELECT ?", &[n], |v| {
            v.read_numeric().map(Cow::into_owned)
        });
        assert_eq!(got.unwrap().as_deref(), Ok("-12345678901234567890.120"));
        let j = BindValue::Jsonb(Cow::Borrowed(r#"{"a":[1,null]}"#));
        let got = read(c, "SELECT json_extract(?, '$.a[0]')", &[j], |v| {
            v.read_i64()
        });
        assert_eq!(got.unwrap(), Ok(1));
    }

    #[test]
    fn stored_forms_are_what_sqlite_functions_read() {
        let mut c = conn();
        let c = &mut c;
        let typeof_and_text = |c: &mut SqliteConnection, v: BindValue<'_>| {
            read(c, "SELECT typeof(?1) || ' ' || quote(?1)", &[v], |v| {
                v.read_text().map(str::to_owned)
            })
            .unwrap()
            .unwrap()
        };
        assert_eq!(
            typeof_and_text(c, BindValue::Timestamp(951_782_400_500_000)),
            "text '2000-02-29 00:00:00.500000'"
        );
        assert_eq!(
            typeof_and_text(c, BindValue::Timestamptz(0)),
            "text '1970-01-01 00:00:00+00:00'"
        );
        assert_eq!(typeof_and_text(c, BindValue::Date(-1)), "text '1969-12-31'");
        assert_eq!(
            typeof_and_text(c, BindValue::Uuid([0xab; 16])),
            "blob X'ABABABABABABABABABABABABABABABAB'"
        );
        // SQLite's own functions agree with the stored text.
        let ts = BindValue::Timestamptz(951_782_400_500_000);
        let got = read(c, "SELECT strftime('%Y-%m-%d %H:%M:%f', ?)", &[ts], |v| {
            v.read_text().map(str::to_owned)
        });
        assert_eq!(got.unwrap().unwrap(), "2000-02-29 00:00:00.500");
        let now = read(c, "SELECT CURRENT_TIMESTAMP", &[], |v| {
            v.read_timestamp_micros()
        });
        assert!(now.unwrap().unwrap() > 1_700_000_000_000_000);
        let day = read(c, "SELECT date('2024-02-28', '+1 day')", &[], |v| {
            v.read_date_days()
        });
        assert_eq!(day.unwrap(), Ok(19_782));
    }

    #[test]
    fn other_stored_forms_are_read() {
        let mut c = conn();
        let c = &mut c;
        let ts = |c: &mut SqliteConnection, sql: &str| {
            read(c, sql, &[], |v| v.read_timestamp_micros()).unwrap()
        };
        assert_eq!(ts(c, "SELECT '1970-01-01T00:00:01Z'"), Ok(1_000_000));
        assert_eq!(ts(c, "SELECT '1970-01-01 01:00:01+01:00'"), Ok(1_000_000));
        assert_eq!(ts(c, "SELECT 86400"), Ok(86_400_000_000));
        assert_eq!(ts(c, "SELECT -1"), Ok(-1_000_000));
        let uuid = read(
            c,
            "SELECT '00112233-4455-6677-8899-aabbccddeeff'",
            &[],
            |v| v.read_uuid(),
        );
        assert_eq!(uuid.unwrap().unwrap()[15], 0xff);
        let num = |c: &mut SqliteConnection, sql: &str| {
            read(c, sql, &[], |v| v.read_numeric().map(Cow::into_owned)).unwrap()
        };
        assert_eq!(num(c, "SELECT 42").as_deref(), Ok("42"));
        assert_eq!(num(c, "SELECT 2.5").as_deref(), Ok("2.5"));
        assert_eq!(num(c, "SELECT ' 7.10 '").as_deref(), Ok("7.10"));
        // A NUMERIC column turns decimal text into a REAL; it still reads.
        c.batch_execute("CREATE TABLE n (x NUMERIC); INSERT INTO n VALUES ('1.25')")
            .unwrap();
        assert_eq!(num(c, "SELECT x FROM n").as_deref(), Ok("1.25"));
        let json = read(c, "SELECT json('[1, 2]')", &[], |v| {
            v.read_json().map(Cow::into_owned)
        });
        assert_eq!(json.unwrap().as_deref(), Ok("[1,2]"));
        let json = read(c, "SELECT 12", &[], |v| v.read_json().map(Cow::into_owned));
        assert_eq!(json.unwrap().as_deref(), Ok("12"));
    }

    #[test]
    fn malformed_values_are_decode_errors() {
        let mut c = conn();
        let c = &mut c;
        let err = |c: &mut SqliteConnection,
                   sql: &str,
                   f: fn(&SqliteValue<'_>) -> Result<(), DecodeError>| {
            read(c, sql, &[], f).unwrap().unwrap_err().to_string()
        };
        assert_eq!(
            err(c, "SELECT '2023-02-29 10:00:00'", |v| v
                .read_timestamp_micros()
                .map(drop)),
            "text \"2023-02-29 10:00:00\", which is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM])"
        );
        assert_eq!(
            err(c, "SELECT 1.5", |v| v.read_timestamp_micros().map(drop)),
            "real 1.5"
        );
        assert_eq!(
            err(c, "SELECT NULL", |v| v.read_date_days().map(drop)),
            "NULL"
        );
        assert_eq!(
            err(c, "SELECT x'0011'", |v| v.read_uuid().map(drop)),
            "a blob of 2 bytes, which is not a UUID (16 bytes)"
        );
        assert_eq!(
            err(c, "SELECT 'not-a-uuid'", |v| v.read_uuid().map(drop)),
            "text \"not-a-uuid\", which is not a UUID"
        );
        assert_eq!(
            err(c, "SELECT '1,5'", |v| v.read_numeric().map(drop)),
            "text \"1,5\", which is not a decimal number"
        );
        assert_eq!(
            err(c, "SELECT '25:00'", |v| v.read_time_micros().map(drop)),
            "text \"25:00\", which is not a time (HH:MM:SS[.ffffff])"
        );
        assert_eq!(
            err(c, "SELECT 9223372036854775807", |v| v
                .read_timestamp_micros()
                .map(drop)),
            "9223372036854775807 seconds since 1970, which is out of range"
        );
        assert_eq!(
            err(c, "SELECT '[1]'", |v| v.read_array().map(drop)),
            "text \"[1]\""
        );
        let bind_err = c.query_sql(
            "SELECT ?",
            &[BindValue::Array {
                element: ValueKind::I32,
                elements: vec![BindValue::I32(1)],
            }],
            |_| Ok(ControlFlow::Continue(())),
        );
        assert!(
            bind_err
                .unwrap_err()
                .to_string()
                .contains("SQLite has no arrays")
        );
    }

    fn text(value: BindValue<'_>) -> String {
        match store(&value).unwrap() {
            Stored::Text(t) => t.into_owned(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dates_and_times_are_stored_as_iso_text() {
        assert_eq!(text(BindValue::Timestamp(0)), "1970-01-01 00:00:00");
        assert_eq!(text(BindValue::Timestamp(-1)), "1969-12-31 23:59:59.999999");
        assert_eq!(
            text(BindValue::Timestamptz(951_782_400_250_000)),
            "2000-02-29 00:00:00.250000+00:00"
        );
        assert_eq!(text(BindValue::Date(-1)), "1969-12-31");
        assert_eq!(text(BindValue::Date(11_016)), "2000-02-29");
        assert_eq!(text(BindValue::Time(45_015_000_001)), "12:30:15.000001");
        assert!(store(&BindValue::Time(MICROS_PER_DAY)).is_err());
        assert!(store(&BindValue::Time(-1)).is_err());
    }

    #[test]
    fn uuids_are_blobs_and_numerics_exact_text() {
        let id = [7u8; 16];
        assert_eq!(store(&BindValue::Uuid(id)).unwrap(), Stored::Blob(&id));
        assert_eq!(text(BindValue::Numeric(Cow::Borrowed("+0012.50"))), "12.50");
        assert!(matches!(
            store(&BindValue::Numeric(Cow::Borrowed("-1.5"))).unwrap(),
            Stored::Text(Cow::Borrowed("-1.5"))
        ));
        assert!(store(&BindValue::Numeric(Cow::Borrowed("1e3"))).is_err());
        assert_eq!(text(BindValue::Jsonb(Cow::Borrowed("[1]"))), "[1]");
    }

    #[test]
    fn arrays_cannot_be_stored() {
        let err = store(&BindValue::Array {
            element: ValueKind::I32,
            elements: vec![],
        })
        .unwrap_err();
        assert!(err.to_string().contains("SQLite has no arrays"), "{err}");
    }

    #[test]
    fn uuid_text_forms() {
        let expected = [
            0x67, 0xe5, 0x50, 0x44, 0x10, 0xb1, 0x42, 0x6f, 0x92, 0x47, 0xbb, 0x68, 0x0e, 0x5f,
            0xe0, 0xc8,
        ];
        for text in [
            "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "67E55044-10B1-426F-9247-BB680E5FE0C8",
            "67e5504410b1426f9247bb680e5fe0c8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
        ] {
            assert_eq!(parse_uuid(text), Some(expected), "{text}");
        }
        for text in [
            "",
            "67e55044-10b1-426f-9247-bb680e5fe0c",
            "67e55044x10b1-426f-9247-bb680e5fe0c8",
            "g7e55044-10b1-426f-9247-bb680e5fe0c8",
            "+7e5504410b1426f9247bb680e5fe0c8",
        ] {
            assert_eq!(parse_uuid(text), None, "{text}");
        }
    }
}
