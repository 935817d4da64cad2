//! Calendar arithmetic and ISO 8601 text for the date/time SQL types.
//!
//! Backend-neutral: [`BindValue`](super::BindValue) and [`SqlValue`](super::SqlValue)
//! carry dates as days and times as microseconds since the Unix epoch; this module turns
//! those numbers into the text SQLite stores (`YYYY-MM-DD HH:MM:SS[.ffffff]`, the form its
//! date functions read) and back, and shows them in `debug_query`. Dates are proleptic
//! Gregorian, as in PostgreSQL, chrono and time.

// Parsing is SQLite's alone; a build without it keeps only the formatting.
#![cfg_attr(not(feature = "sqlite"), allow(dead_code))]

use super::{DecodeError, text_preview};
use std::fmt;

/// Microseconds in a second.
pub(crate) const MICROS_PER_SECOND: i64 = 1_000_000;
/// Microseconds in a day.
pub(crate) const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// Days from 1970-01-01 to `year-month-day` (Howard Hinnant's `days_from_civil`).
/// `month` is 1..=12 and `day` 1..=31; any year works.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01, as (year, month, day): the inverse of
/// [`days_from_civil`].
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // day is 1..=31 and month 1..=12 by construction.
    (year, month as u32, day as u32)
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Writes the date `days` after 1970-01-01 as `YYYY-MM-DD`. Years outside 0..=9999 get a
/// sign and at least four digits (`-0044-03-15`, `+10000-01-01`), as in ISO 8601.
pub(crate) fn write_date(out: &mut impl fmt::Write, days: i64) -> fmt::Result {
    let (year, month, day) = civil_from_days(days);
    match year {
        0..=9999 => write!(out, "{year:04}-{month:02}-{day:02}"),
        ..0 => write!(out, "-{:04}-{month:02}-{day:02}", year.unsigned_abs()),
        _ => write!(out, "+{year:04}-{month:02}-{day:02}"),
    }
}

/// Writes a time of day given in microseconds since midnight as `HH:MM:SS`, followed by
/// `.ffffff` unless it is a whole second. Values outside one day are written as a count
/// of microseconds (only `debug_query` shows such values; backends reject them).
pub(crate) fn write_time(out: &mut impl fmt::Write, micros: i64) -> fmt::Result {
    if !(0..=MICROS_PER_DAY).contains(&micros) {
        return write!(out, "{micros} µs");
    }
    let seconds = micros / MICROS_PER_SECOND;
    let fraction = micros % MICROS_PER_SECOND;
    write!(
        out,
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )?;
    if fraction != 0 {
        write!(out, ".{fraction:06}")?;
    }
    Ok(())
}

/// Writes a timestamp given in microseconds since the epoch as
/// `YYYY-MM-DD HH:MM:SS[.ffffff]`, with `+00:00` after it when `utc` is set.
///
/// The fraction is left out for whole seconds so that values compare equal, as text, to
/// those of SQLite's `CURRENT_TIMESTAMP` and `datetime()`; with it, six digits always, so
/// that text order is time order.
pub(crate) fn write_timestamp(out: &mut impl fmt::Write, micros: i64, utc: bool) -> fmt::Result {
    write_date(out, micros.div_euclid(MICROS_PER_DAY))?;
    out.write_char(' ')?;
    write_time(out, micros.rem_euclid(MICROS_PER_DAY))?;
    if utc {
        out.write_str("+00:00")?;
    }
    Ok(())
}

/// The text of a date, time or timestamp, for SQLite.
pub(crate) fn format<F: FnOnce(&mut String) -> fmt::Result>(write: F) -> String {
    let mut text = String::with_capacity(32);
    // Writing into a String cannot fail.
    let _ = write(&mut text);
    text
}

/// A byte cursor over date/time text.
struct Cursor<'s> {
    bytes: &'s [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    /// Exactly `n` ASCII digits.
    fn number(&mut self, n: usize) -> Option<i64> {
        let digits = self.bytes.get(self.pos..self.pos + n)?;
        let mut value = 0i64;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i64::from(d - b'0');
        }
        self.pos += n;
        Some(value)
    }

    /// `[+-]YYYY-MM-DD`, with four or more year digits: days since 1970-01-01.
    fn date(&mut self) -> Option<i64> {
        let negative = self.eat(b'-');
        if !negative {
            self.eat(b'+');
        }
        let year_digits = self.bytes[self.pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if !(4..=9).contains(&year_digits) {
            return None;
        }
        let year = self.number(year_digits)?;
        let year = if negative { -year } else { year };
        if !self.eat(b'-') {
            return None;
        }
        let month = u32::try_from(self.number(2)?).ok()?;
        if !self.eat(b'-') {
            return None;
        }
        let day = u32::try_from(self.number(2)?).ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(days_from_civil(year, month, day))
    }

    /// `HH:MM[:SS[.fraction]]`: microseconds since midnight. Fraction digits past the
    /// sixth are dropped.
    fn time(&mut self) -> Option<i64> {
        let hour = self.number(2)?;
        if !self.eat(b':') {
            return None;
        }
        let minute = self.number(2)?;
        let mut second = 0;
        let mut micros = 0;
        if self.eat(b':') {
            second = self.number(2)?;
            if self.eat(b'.') {
                let start = self.pos;
                while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
                    if self.pos - start < 6 {
                        micros = micros * 10 + i64::from(d - b'0');
                    }
                    self.pos += 1;
                }
                let digits = self.pos - start;
                if digits == 0 {
                    return None;
                }
                for _ in digits..6 {
                    micros *= 10;
                }
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        Some(((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + micros)
    }

    /// `Z`, or `[+-]HH[:MM]` / `[+-]HHMM`: the offset from UTC in microseconds.
    fn offset(&mut self) -> Option<i64> {
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let hours = self.number(2)?;
        let minutes = if self.eat(b':') {
            self.number(2)?
        } else if self.at_end() {
            0
        } else {
            self.number(2)?
        };
        if hours > 23 || minutes > 59 {
            return None;
        }
        Some(sign * (hours * 60 + minutes) * 60 * MICROS_PER_SECOND)
    }
}

fn parse<T>(
    text: &str,
    what: &str,
    form: &str,
    f: impl FnOnce(&mut Cursor<'_>) -> Option<T>,
) -> Result<T, DecodeError> {
    let mut cursor = Cursor {
        bytes: text.trim().as_bytes(),
        pos: 0,
    };
    f(&mut cursor).filter(|_| cursor.at_end()).ok_or_else(|| {
        DecodeError::Invalid(format!(
            "{}, which is not a {what} ({form})",
            text_preview(text)
        ))
    })
}

/// Parses a timestamp as SQLite writes and reads them: `YYYY-MM-DD`, then optionally
/// ` HH:MM[:SS[.fraction]]` (or with `T` for the space), then optionally a time zone,
/// `Z` or `[+-]HH:MM`. A time zone converts the time to UTC, as SQLite's date functions
/// do; without one the time is taken as it is. Returns microseconds since the epoch.
pub(crate) fn parse_timestamp(text: &str) -> Result<i64, DecodeError> {
    parse(
        text,
        "timestamp",
        "YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]",
        |c| {
            let days = c.date()?;
            let mut time = 0;
            let mut offset = 0;
            if !c.at_end() {
                if !(c.eat(b' ') || c.eat(b'T') || c.eat(b't')) {
                    return None;
                }
                time = c.time()?;
                if !c.at_end() {
                    offset = c.offset()?;
                }
            }
            days.checked_mul(MICROS_PER_DAY)?
                .checked_add(time)?
                .checked_sub(offset)
        },
    )
}

/// Parses a date, `YYYY-MM-DD`: days since 1970-01-01.
pub(crate) fn parse_date(text: &str) -> Result<i32, DecodeError> {
    parse(text, "date", "YYYY-MM-DD", |c| {
        c.date().and_then(|d| i32::try_from(d).ok())
    })
}

/// Parses a time of day, `HH:MM[:SS[.fraction]]`: microseconds since midnight.
pub(crate) fn parse_time(text: &str) -> Result<i64, DecodeError> {
    parse(text, "time", "HH:MM:SS[.ffffff]", |c| c.time())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timestamp(micros: i64, utc: bool) -> String {
        format(|s| write_timestamp(s, micros, utc))
    }

    #[test]
    fn civil_days_round_trip_over_a_wide_range() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 1, 1), 10_957);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        for days in (-1_000_000..1_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn timestamps_format_as_sqlite_writes_them() {
        assert_eq!(timestamp(0, false), "1970-01-01 00:00:00");
        assert_eq!(timestamp(1, false), "1970-01-01 00:00:00.000001");
        assert_eq!(timestamp(-1, false), "1969-12-31 23:59:59.999999");
        assert_eq!(
            timestamp(951_782_400_000_000, true),
            "2000-02-29 00:00:00+00:00"
        );
        // Before the PostgreSQL epoch and before the Gregorian reform.
        let days = days_from_civil(1582, 10, 4);
        assert_eq!(
            timestamp(days * MICROS_PER_DAY + 500_000, false),
            "1582-10-04 00:00:00.500000"
        );
        let days = days_from_civil(-44, 3, 15);
        assert_eq!(
            timestamp(days * MICROS_PER_DAY, false),
            "-0044-03-15 00:00:00"
        );
        let days = days_from_civil(12_345, 1, 2);
        assert_eq!(
            timestamp(days * MICROS_PER_DAY, false),
            "+12345-01-02 00:00:00"
        );
    }

    #[test]
    fn timestamps_round_trip_through_text() {
        for micros in [
            0,
            1,
            -1,
            951_782_400_123_456,
            -2_208_988_800_000_000, // 1900-01-01
            days_from_civil(-4713, 11, 24) * MICROS_PER_DAY,
            days_from_civil(294_246, 12, 31) * MICROS_PER_DAY + MICROS_PER_DAY - 1,
        ] {
            for utc in [false, true] {
                let text = timestamp(micros, utc);
                assert_eq!(parse_timestamp(&text), Ok(micros), "{text}");
            }
        }
    }

    #[test]
    fn timestamps_accept_what_sqlite_accepts() {
        let base = parse_timestamp("2024-02-29 13:45:00").unwrap();
        assert_eq!(parse_timestamp("2024-02-29T13:45:00"), Ok(base));
        assert_eq!(parse_timestamp("2024-02-29 13:45"), Ok(base));
        assert_eq!(parse_timestamp("2024-02-29 13:45:00.000"), Ok(base));
        assert_eq!(parse_timestamp(" 2024-02-29 13:45:00 "), Ok(base));
        assert_eq!(parse_timestamp("2024-02-29 13:45:00Z"), Ok(base));
        assert_eq!(parse_timestamp("2024-02-29 15:45:00+02:00"), Ok(base));
        assert_eq!(parse_timestamp("2024-02-29 10:15:00-0330"), Ok(base));
        assert_eq!(parse_timestamp("2024-02-29 13:45:00.5"), Ok(base + 500_000));
        assert_eq!(
            parse_timestamp("2024-02-29 13:45:00.123456789"),
            Ok(base + 123_456)
        );
        assert_eq!(
            parse_timestamp("2024-02-29"),
            Ok(base - (13 * 60 + 45) * 60 * MICROS_PER_SECOND)
        );
    }

    #[test]
    fn malformed_timestamps_are_decode_errors() {
        for text in [
            "",
            "2023-02-29 00:00:00", // not a leap year
            "2024-13-01 00:00:00",
            "2024-00-10",
            "2024-01-32",
            "24-01-01",
            "2024-01-01 24:00:00",
            "2024-01-01 10:60",
            "2024-01-01 10:00:00.",
            "2024-01-01 10:00:00 +01:00",
            "2024-01-01x10:00:00",
            "now",
        ] {
            let err = parse_timestamp(text).unwrap_err();
            assert!(
                err.to_string().contains("which is not a timestamp"),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn dates_and_times_parse_and_format() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("1999-12-31"), Ok(10_956));
        assert_eq!(parse_date("2000-02-29"), Ok(11_016));
        assert_eq!(
            parse_date("1900-02-29").unwrap_err().to_string(),
            "text \"1900-02-29\", which is not a date (YYYY-MM-DD)"
        );
        assert!(parse_date("2000-01-01 00:00:00").is_err());
        assert_eq!(format(|s| write_date(s, 11_016)), "2000-02-29");

        assert_eq!(parse_time("00:00"), Ok(0));
        assert_eq!(parse_time("23:59:59.999999"), Ok(MICROS_PER_DAY - 1));
        assert_eq!(parse_time("12:30:15.25"), Ok(45_015_250_000));
        assert!(parse_time("12").is_err());
        assert!(parse_time("25:00:00").is_err());
        assert_eq!(format(|s| write_time(s, 45_015_250_000)), "12:30:15.250000");
        assert_eq!(format(|s| write_time(s, 0)), "00:00:00");
    }
}
