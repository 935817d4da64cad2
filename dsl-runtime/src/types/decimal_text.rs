//! Exact decimals as text: the backend-neutral form of `Numeric` values.
//!
//! [`BindValue::Numeric`](super::BindValue::Numeric) and
//! [`SqlValue::read_numeric`](super::SqlValue::read_numeric) carry decimals as text;
//! this module checks that text and puts it in canonical form, so that backends and the
//! type integrations agree on one spelling.

// PostgreSQL only parses; canonical text is what SQLite stores.
#![cfg_attr(not(feature = "sqlite"), allow(dead_code))]

use std::borrow::Cow;

/// A decimal number as written: `[+-]digits[.digits]`, `[+-].digits` or `[+-]digits.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal<'s> {
    /// Whether a `-` was written (also before a zero).
    pub(crate) negative: bool,
    /// The digits before the point, without leading zeros (empty for zero).
    pub(crate) int: &'s str,
    /// The digits after the point, as written (trailing zeros give the scale).
    pub(crate) frac: &'s str,
}

impl<'s> Decimal<'s> {
    /// Parses `text`; `None` unless it is a plain decimal number (no exponent, no
    /// white space, no `NaN` or `Infinity`).
    pub(crate) fn parse(text: &'s str) -> Option<Self> {
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        Some(Decimal {
            negative,
            int: int.trim_start_matches('0'),
            frac,
        })
    }

    /// Whether the number is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.int.is_empty() && self.frac.bytes().all(|b| b == b'0')
    }

    /// The canonical text: `-` only before a non-zero value, no leading zeros but one
    /// before the point, the fraction as written, no point without a fraction.
    pub(crate) fn canonical(&self) -> String {
        let mut out = String::with_capacity(self.int.len() + self.frac.len() + 3);
        if self.negative && !self.is_zero() {
            out.push('-');
        }
        out.push_str(if self.int.is_empty() { "0" } else { self.int });
        if !self.frac.is_empty() {
            out.push('.');
            out.push_str(self.frac);
        }
        out
    }
}

/// `text` in canonical form (see [`Decimal::canonical`]), borrowed when it already is;
/// `None` when it is not a decimal number.
pub(crate) fn canonical(text: &str) -> Option<Cow<'_, str>> {
    let canonical = Decimal::parse(text)?.canonical();
    Some(if canonical == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(canonical)
    })
}

/// A float as canonical decimal text; `None` for NaN and the infinities. Rust prints
/// the shortest text that reads back as the same float, never with an exponent.
pub(crate) fn from_f64(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let text = value.to_string();
    Some(canonical(&text)?.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        for (text, expected) in [
            ("0", "0"),
            ("-0", "0"),
            ("-0.00", "0.00"),
            ("+12.50", "12.50"),
            ("007", "7"),
            (".5", "0.5"),
            ("5.", "5"),
            ("-000123.4560", "-123.4560"),
            (
                "123456789012345678901234567890.000000000001",
                "123456789012345678901234567890.000000000001",
            ),
        ] {
            assert_eq!(canonical(text).as_deref(), Some(expected), "{text}");
        }
        assert!(matches!(canonical("-1.5"), Some(Cow::Borrowed(_))));
    }

    #[test]
    fn non_decimals_are_rejected() {
        for text in [
            "", "-", ".", "+.", "1e5", "1.2.3", " 1", "NaN", "Infinity", "1,5", "0x10",
        ] {
            assert_eq!(canonical(text), None, "{text:?}");
        }
    }

    #[test]
    fn floats_become_plain_decimals() {
        assert_eq!(from_f64(1.5).as_deref(), Some("1.5"));
        assert_eq!(from_f64(-0.0).as_deref(), Some("0"));
        assert_eq!(from_f64(1e20).as_deref(), Some("100000000000000000000"));
        assert_eq!(from_f64(1e-7).as_deref(), Some("0.0000001"));
        assert_eq!(from_f64(f64::NAN), None);
        assert_eq!(from_f64(f64::INFINITY), None);
    }
}
