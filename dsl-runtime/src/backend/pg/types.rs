//! PostgreSQL's binary formats for quarry's SQL types, and their type OIDs.
//!
//! [`encode`] turns a [`BindValue`] into a parameter (type OID and bytes); the decoders
//! read result values. Dates and times count from PostgreSQL's epoch, 2000-01-01, in
//! days (`date`) or microseconds (`timestamp`, `timestamptz`); `time` counts
//! microseconds since midnight; `numeric` is a sign, a weight and base-10000 digits;
//! `jsonb` is a version byte (1) and JSON text; arrays carry their element type OID,
//! dimensions and one length-prefixed value per element.

use super::PgValue;
use super::raw::Oid;
use crate::error::{Error, QueryResult};
use crate::types::calendar::MICROS_PER_DAY;
use crate::types::decimal_text::Decimal;
use crate::types::{BindValue, DecodeError, ValueKind};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Type OIDs of the built-in types quarry binds and decodes.
pub(super) mod oid {
    use super::Oid;
    pub(crate) const BOOL: Oid = 16;
    pub(crate) const BYTEA: Oid = 17;
    pub(crate) const CHAR: Oid = 18;
    pub(crate) const NAME: Oid = 19;
    pub(crate) const INT8: Oid = 20;
    pub(crate) const INT2: Oid = 21;
    pub(crate) const INT4: Oid = 23;
    pub(crate) const TEXT: Oid = 25;
    pub(crate) const JSON: Oid = 114;
    pub(crate) const FLOAT4: Oid = 700;
    pub(crate) const FLOAT8: Oid = 701;
    pub(crate) const UNKNOWN: Oid = 705;
    pub(crate) const BPCHAR: Oid = 1042;
    pub(crate) const VARCHAR: Oid = 1043;
    pub(crate) const DATE: Oid = 1082;
    pub(crate) const TIME: Oid = 1083;
    pub(crate) const TIMESTAMP: Oid = 1114;
    pub(crate) const TIMESTAMPTZ: Oid = 1184;
    pub(crate) const NUMERIC: Oid = 1700;
    pub(crate) const UUID: Oid = 2950;
    pub(crate) const JSONB: Oid = 3802;
}

/// Each scalar type: its OID, its array type's OID, and its name.
const TYPES: &[(Oid, Oid, &str)] = &[
    (oid::BOOL, 1000, "boolean"),
    (oid::BYTEA, 1001, "bytea"),
    (oid::CHAR, 1002, "char"),
    (oid::NAME, 1003, "name"),
    (oid::INT8, 1016, "int8"),
    (oid::INT2, 1005, "int2"),
    (oid::INT4, 1007, "int4"),
    (oid::TEXT, 1009, "text"),
    (oid::JSON, 199, "json"),
    (oid::FLOAT4, 1021, "float4"),
    (oid::FLOAT8, 1022, "float8"),
    (oid::BPCHAR, 1014, "bpchar"),
    (oid::VARCHAR, 1015, "varchar"),
    (oid::DATE, 1182, "date"),
    (oid::TIME, 1183, "time"),
    (oid::TIMESTAMP, 1115, "timestamp"),
    (oid::TIMESTAMPTZ, 1185, "timestamptz"),
    (oid::NUMERIC, 1231, "numeric"),
    (oid::UUID, 2951, "uuid"),
    (oid::JSONB, 3807, "jsonb"),
];

/// Whether `oid` is a text type (`text`, `varchar`, `char(n)`, `name`, …).
pub(super) fn is_text(oid: Oid) -> bool {
    matches!(
        oid,
        oid::TEXT | oid::VARCHAR | oid::BPCHAR | oid::NAME | oid::CHAR | oid::UNKNOWN
    )
}

/// How a type is named in messages: `int4`, `text[]`, or its OID for other types.
pub(super) fn type_name(oid: Oid) -> String {
    if oid == oid::UNKNOWN {
        return "text".into();
    }
    for &(scalar, array, name) in TYPES {
        if oid == scalar {
            return name.into();
        }
        if oid == array {
            return format!("{name}[]");
        }
    }
    format!("a value of type OID {oid}")
}

/// Whether `oid` is a scalar type quarry knows (and so certainly not an array).
fn is_known_scalar(oid: Oid) -> bool {
    oid == oid::UNKNOWN || TYPES.iter().any(|&(scalar, _, _)| scalar == oid)
}

/// The OID of the SQL type of values of `kind`.
fn scalar_oid(kind: ValueKind) -> Oid {
    match kind {
        ValueKind::Boolean => oid::BOOL,
        ValueKind::I16 => oid::INT2,
        ValueKind::I32 => oid::INT4,
        ValueKind::I64 => oid::INT8,
        ValueKind::F32 => oid::FLOAT4,
        ValueKind::F64 => oid::FLOAT8,
        ValueKind::Str => oid::TEXT,
        ValueKind::Bytes => oid::BYTEA,
        ValueKind::Timestamp => oid::TIMESTAMP,
        ValueKind::Timestamptz => oid::TIMESTAMPTZ,
        ValueKind::Date => oid::DATE,
        ValueKind::Time => oid::TIME,
        ValueKind::Uuid => oid::UUID,
        ValueKind::Numeric => oid::NUMERIC,
        ValueKind::Json => oid::JSON,
        ValueKind::Jsonb => oid::JSONB,
    }
}

/// The OID of the array type whose elements are of `kind`.
fn array_oid(kind: ValueKind) -> Oid {
    let scalar = scalar_oid(kind);
    TYPES
        .iter()
        .find(|&&(s, _, _)| s == scalar)
        .map_or(0, |&(_, array, _)| array)
}

/// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;
/// Days from 1970-01-01 to 2000-01-01.
const PG_EPOCH_DAYS: i32 = 10_957;

/// `numeric`'s sign word.
const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;
/// The largest display scale `numeric` has room for.
const NUMERIC_MAX_DSCALE: usize = 0x3FFF;

// ---------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------

fn invalid(message: String) -> Error {
    Error::InvalidQuery(message)
}

/// The binary form of a fixed-size value; `None` for other values.
fn fixed(value: &BindValue<'_>) -> QueryResult<Option<([u8; 8], usize)>> {
    fn be<const N: usize>(bytes: [u8; N]) -> ([u8; 8], usize) {
        let mut buf = [0; 8];
        buf[..N].copy_from_slice(&bytes);
        (buf, N)
    }
    let since_pg_epoch = |micros: i64| {
        micros
            .checked_sub(PG_EPOCH_MICROS)
            .filter(|&v| v != i64::MIN)
            .ok_or_else(|| invalid(format!("timestamp {micros} µs is out of range")))
    };
    Ok(Some(match *value {
        BindValue::Boolean(v) => be([u8::from(v)]),
        BindValue::I16(v) => be(v.to_be_bytes()),
        BindValue::I32(v) => be(v.to_be_bytes()),
        BindValue::I64(v) => be(v.to_be_bytes()),
        BindValue::F32(v) => be(v.to_be_bytes()),
        BindValue::F64(v) => be(v.to_be_bytes()),
        BindValue::Timestamp(v) | BindValue::Timestamptz(v) => be(since_pg_epoch(v)?.to_be_bytes()),
        BindValue::Date(v) => {
            let days = v
                .checked_sub(PG_EPOCH_DAYS)
                .filter(|&d| d != i32::MIN)
                .ok_or_else(|| invalid(format!("date {v} days is out of range")))?;
            be(days.to_be_bytes())
        }
        BindValue::Time(v) => {
            if !(0..=MICROS_PER_DAY).contains(&v) {
                return Err(invalid(format!("time {v} µs is not within a day")));
            }
            be(v.to_be_bytes())
        }
        _ => return Ok(None),
    }))
}

/// Encodes a value that outlives the parameters: its text, bytes, UUID and JSON stay
/// where they are, and the rest is written to `buf`. Returns its type OID (0, "infer
/// it", for NULL).
pub(super) fn encode_ref<'a>(
    value: &'a BindValue<'a>,
    buf: &mut Vec<u8>,
) -> QueryResult<(Oid, Place<'a>)> {
    match value {
        BindValue::Uuid(b) => Ok((oid::UUID, Place::Borrowed(b))),
        BindValue::Json(text) => Ok((oid::JSON, Place::Borrowed(text.as_bytes()))),
        other => encode_value(other, buf),
    }
}

/// Where the bytes of a parameter given away to a [`ParamSink`](super::raw::ParamSink)
/// are: borrowed for the values' lifetime, or at `start..start + len` of its buffer.
pub(super) enum Place<'a> {
    Null,
    Borrowed(&'a [u8]),
    Encoded { start: usize, len: usize },
}

/// Encodes a value its owner gives away: what it borrows for `'a` stays borrowed, and
/// what it holds is written to `buf`. Returns its type OID (0, "infer it", for NULL).
pub(super) fn encode_given<'a>(
    value: BindValue<'a>,
    buf: &mut Vec<u8>,
) -> QueryResult<(Oid, Place<'a>)> {
    match value {
        BindValue::Json(Cow::Borrowed(text)) => Ok((oid::JSON, Place::Borrowed(text.as_bytes()))),
        other => encode_value(&other, buf),
    }
}

/// Encodes a value, leaving the text and bytes it borrows for `'a` where they are and
/// writing everything else (what the value itself holds) to `buf`.
fn encode_value<'a>(value: &BindValue<'a>, buf: &mut Vec<u8>) -> QueryResult<(Oid, Place<'a>)> {
    let start = buf.len();
    let oid = match *value {
        BindValue::Null => return Ok((0, Place::Null)),
        BindValue::Str(s) => return Ok((oid::TEXT, Place::Borrowed(s.as_bytes()))),
        BindValue::Bytes(b) => return Ok((oid::BYTEA, Place::Borrowed(b))),
        BindValue::Array {
            element,
            ref elements,
        } => {
            buf.extend_from_slice(&encode_array(element, elements)?);
            array_oid(element)
        }
        ref other => {
            write_value(other, buf)?;
            other.kind().map_or(0, scalar_oid)
        }
    };
    let len = buf.len() - start;
    Ok((oid, Place::Encoded { start, len }))
}

/// Appends the binary form of a non-NULL scalar value.
fn write_value(value: &BindValue<'_>, buf: &mut Vec<u8>) -> QueryResult<()> {
    if let Some((bytes, len)) = fixed(value)? {
        buf.extend_from_slice(&bytes[..len]);
        return Ok(());
    }
    match value {
        BindValue::Str(s) => buf.extend_from_slice(s.as_bytes()),
        BindValue::Bytes(b) => buf.extend_from_slice(b),
        BindValue::Uuid(b) => buf.extend_from_slice(b),
        BindValue::Json(text) => buf.extend_from_slice(text.as_bytes()),
        BindValue::Jsonb(text) => {
            buf.push(1);
            buf.extend_from_slice(text.as_bytes());
        }
        BindValue::Numeric(text) => encode_numeric(text, buf)?,
        BindValue::Array { .. } => {
            return Err(invalid(
                "an array cannot be an element of an array; PostgreSQL arrays do not nest".into(),
            ));
        }
        // NULL elements are written by the caller; every fixed-size kind is handled above.
        _ => return Err(invalid(format!("cannot encode {value:?}"))),
    }
    Ok(())
}

fn push_i32(buf: &mut Vec<u8>, v: i32) {
    buf.extend_from_slice(&v.to_be_bytes());
}

/// An array in PostgreSQL's binary array format: one dimension, lower bound 1.
fn encode_array(element: ValueKind, elements: &[BindValue<'_>]) -> QueryResult<Vec<u8>> {
    let too_long = || invalid("an array has more than 2^31 elements or bytes".into());
    let mut buf = Vec::with_capacity(20 + elements.len() * 8);
    let has_nulls = elements.contains(&BindValue::Null);
    push_i32(&mut buf, i32::from(!elements.is_empty()));
    push_i32(&mut buf, i32::from(has_nulls));
    buf.extend_from_slice(&scalar_oid(element).to_be_bytes());
    if !elements.is_empty() {
        push_i32(
            &mut buf,
            i32::try_from(elements.len()).map_err(|_| too_long())?,
        );
        push_i32(&mut buf, 1);
    }
    for e in elements {
        if *e == BindValue::Null {
            push_i32(&mut buf, -1);
            continue;
        }
        if e.kind() != Some(element) {
            return Err(invalid(format!(
                "an array of {element:?} values holds {e:?}, a value of another type"
            )));
        }
        let at = buf.len();
        push_i32(&mut buf, 0);
        write_value(e, &mut buf)?;
        let len = i32::try_from(buf.len() - at - 4).map_err(|_| too_long())?;
        buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(buf)
}

/// Appends `text`, a decimal number, in `numeric`'s binary format.
fn encode_numeric(text: &str, buf: &mut Vec<u8>) -> QueryResult<()> {
    let decimal =
        Decimal::parse(text).ok_or_else(|| invalid(format!("{text:?} is not a decimal number")))?;
    let dscale = decimal.frac.len();
    if dscale > NUMERIC_MAX_DSCALE {
        return Err(invalid(format!(
            "the decimal {text} has more than {NUMERIC_MAX_DSCALE} digits after the point"
        )));
    }
    // Base-10000 digits, aligned on the decimal point.
    let int_groups = decimal.int.len().div_ceil(4);
    let frac_groups = dscale.div_ceil(4);
    let pad = int_groups * 4 - decimal.int.len();
    let digit_at = |i: usize| -> i16 {
        let d = if i < pad {
            b'0'
        } else if i - pad < decimal.int.len() {
            decimal.int.as_bytes()[i - pad]
        } else {
            decimal
                .frac
                .as_bytes()
                .get(i - pad - decimal.int.len())
                .copied()
                .unwrap_or(b'0')
        };
        i16::from(d - b'0')
    };
    let mut groups: Vec<i16> = (0..int_groups + frac_groups)
        .map(|g| (0..4).fold(0, |acc, k| acc * 10 + digit_at(g * 4 + k)))
        .collect();
    let mut weight = int_groups as i64 - 1;
    let leading = groups.iter().take_while(|&&g| g == 0).count();
    groups.drain(..leading);
    weight -= leading as i64;
    while groups.last() == Some(&0) {
        groups.pop();
    }
    let (weight, sign) = if groups.is_empty() {
        (0, NUMERIC_POS)
    } else if decimal.negative {
        (weight, NUMERIC_NEG)
    } else {
        (weight, NUMERIC_POS)
    };
    let too_large = || invalid(format!("the decimal {text} is too large for numeric"));
    let ndigits = i16::try_from(groups.len()).map_err(|_| too_large())?;
    let weight = i16::try_from(weight).map_err(|_| too_large())?;
    buf.extend_from_slice(&ndigits.to_be_bytes());
    buf.extend_from_slice(&weight.to_be_bytes());
    buf.extend_from_slice(&sign.to_be_bytes());
    // At most NUMERIC_MAX_DSCALE, checked above.
    buf.extend_from_slice(&(dscale as u16).to_be_bytes());
    for g in groups {
        buf.extend_from_slice(&g.to_be_bytes());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------

fn malformed(what: &str) -> DecodeError {
    DecodeError::Invalid(format!("a malformed {what} value"))
}

fn exact<const N: usize>(bytes: &[u8], what: &str) -> Result<[u8; N], DecodeError> {
    bytes.try_into().map_err(|_| malformed(what))
}

/// A `timestamp`/`timestamptz` value: microseconds since 1970-01-01.
pub(super) fn timestamp(bytes: &[u8], what: &str) -> Result<i64, DecodeError> {
    let v = i64::from_be_bytes(exact(bytes, what)?);
    match v {
        i64::MAX => Err(DecodeError::Invalid(format!(
            "{what} 'infinity', which has no Rust value"
        ))),
        i64::MIN => Err(DecodeError::Invalid(format!(
            "{what} '-infinity', which has no Rust value"
        ))),
        _ => v
            .checked_add(PG_EPOCH_MICROS)
            .ok_or_else(|| DecodeError::OutOfRange {
                value: format!("{what} {v} µs after 2000-01-01"),
            }),
    }
}

/// A `date` value: days since 1970-01-01.
pub(super) fn date(bytes: &[u8]) -> Result<i32, DecodeError> {
    let v = i32::from_be_bytes(exact(bytes, "date")?);
    match v {
        i32::MAX => Err(DecodeError::Invalid(
            "date 'infinity', which has no Rust value".into(),
        )),
        i32::MIN => Err(DecodeError::Invalid(
            "date '-infinity', which has no Rust value".into(),
        )),
        _ => v
            .checked_add(PG_EPOCH_DAYS)
            .ok_or_else(|| DecodeError::OutOfRange {
                value: format!("date {v} days after 2000-01-01"),
            }),
    }
}

/// A `time` value: microseconds since midnight (24:00:00 included, as in PostgreSQL).
pub(super) fn time(bytes: &[u8]) -> Result<i64, DecodeError> {
    let v = i64::from_be_bytes(exact(bytes, "time")?);
    if (0..=MICROS_PER_DAY).contains(&v) {
        Ok(v)
    } else {
        Err(malformed("time"))
    }
}

/// A `jsonb` value: its JSON text, after the format version byte.
pub(super) fn jsonb(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    match bytes.split_first() {
        Some((1, text)) => Ok(text),
        Some((version, _)) => Err(DecodeError::Invalid(format!(
            "jsonb in format version {version}, which quarry does not read"
        ))),
        None => Err(malformed("jsonb")),
    }
}

/// A `numeric` value split into its header and its base-10000 digits.
struct Numeric<'a> {
    weight: i16,
    negative: bool,
    dscale: usize,
    digits: &'a [u8],
}

impl Numeric<'_> {
    fn parse(bytes: &[u8]) -> Result<Numeric<'_>, DecodeError> {
        let word = |i: usize| -> Result<[u8; 2], DecodeError> {
            bytes
                .get(i..i + 2)
                .and_then(|w| w.try_into().ok())
                .ok_or_else(|| malformed("numeric"))
        };
        let ndigits =
            usize::try_from(i16::from_be_bytes(word(0)?)).map_err(|_| malformed("numeric"))?;
        let weight = i16::from_be_bytes(word(2)?);
        let sign = u16::from_be_bytes(word(4)?);
        let dscale = usize::from(u16::from_be_bytes(word(6)?));
        let negative = match sign {
            NUMERIC_POS => false,
            NUMERIC_NEG => true,
            NUMERIC_NAN => {
                return Err(DecodeError::Invalid(
                    "numeric NaN, which is not a number".into(),
                ));
            }
            NUMERIC_PINF => {
                return Err(DecodeError::Invalid(
                    "numeric Infinity, which has no decimal value".into(),
                ));
            }
            NUMERIC_NINF => {
                return Err(DecodeError::Invalid(
                    "numeric -Infinity, which has no decimal value".into(),
                ));
            }
            _ => return Err(malformed("numeric")),
        };
        let digits = &bytes[8..];
        if digits.len() != ndigits * 2 || dscale > NUMERIC_MAX_DSCALE {
            return Err(malformed("numeric"));
        }
        let numeric = Numeric {
            weight,
            negative,
            dscale,
            digits,
        };
        if (0..ndigits).any(|i| !(0..10_000).contains(&numeric.digit(i as i64))) {
            return Err(malformed("numeric"));
        }
        Ok(numeric)
    }

    /// The base-10000 digit at `i` (0 is the first, of weight `weight`); 0 outside.
    fn digit(&self, i: i64) -> i16 {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.digits.get(i * 2..i * 2 + 2))
            .map_or(0, |d| i16::from_be_bytes([d[0], d[1]]))
    }

    fn ndigits(&self) -> i64 {
        (self.digits.len() / 2) as i64
    }

    /// The value as canonical decimal text, with `dscale` digits after the point.
    fn to_text(&self) -> String {
        let weight = i64::from(self.weight);
        let mut int = String::new();
        for i in 0..=weight {
            // Writing into a String cannot fail.
            let _ = write!(int, "{:04}", self.digit(i));
        }
        let int = int.trim_start_matches('0');
        let mut out = String::with_capacity(int.len() + self.dscale + 3);
        let is_zero = (0..self.ndigits()).all(|i| self.digit(i) == 0);
        if self.negative && !is_zero {
            out.push('-');
        }
        out.push_str(if int.is_empty() { "0" } else { int });
        if self.dscale > 0 {
            out.push('.');
            let mut i = weight + 1;
            let start = out.len();
            while out.len() - start < self.dscale {
                let _ = write!(out, "{:04}", self.digit(i));
                i += 1;
            }
            out.truncate(start + self.dscale);
        }
        out
    }

    /// The value as an i64, when it is an integer that fits.
    fn to_i64(&self) -> Result<i64, DecodeError> {
        let weight = i64::from(self.weight);
        if (weight.max(-1) + 1..self.ndigits()).any(|i| self.digit(i) != 0) {
            return Err(DecodeError::Invalid(format!(
                "numeric {}, which is not an integer",
                self.to_text()
            )));
        }
        let mut value: i128 = 0;
        for i in 0..=weight {
            value = value
                .checked_mul(10_000)
                .and_then(|v| v.checked_add(i128::from(self.digit(i))))
                .filter(|v| *v <= i128::from(i64::MAX) + 1)
                .ok_or_else(|| DecodeError::OutOfRange {
                    value: self.to_text(),
                })?;
        }
        let value = if self.negative { -value } else { value };
        i64::try_from(value).map_err(|_| DecodeError::OutOfRange {
            value: self.to_text(),
        })
    }
}

/// A `numeric` value as canonical decimal text. NaN and the infinities are errors.
pub(super) fn numeric_text(bytes: &[u8]) -> Result<String, DecodeError> {
    Numeric::parse(bytes).map(|n| n.to_text())
}

/// A `numeric` value that is an integer fitting an i64.
pub(super) fn numeric_i64(bytes: &[u8]) -> Result<i64, DecodeError> {
    Numeric::parse(bytes)?.to_i64()
}

/// The elements of a one-dimensional array value, in order, as values of their own
/// type. Returned by [`SqlValue::read_array`](crate::types::SqlValue::read_array) on
/// PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgArrayElements<'a> {
    rest: &'a [u8],
    remaining: usize,
    element_oid: Oid,
}

/// Reads an array value's header.
pub(super) fn array(bytes: &[u8]) -> Result<PgArrayElements<'_>, DecodeError> {
    let int = |i: usize| -> Result<i32, DecodeError> {
        bytes
            .get(i..i + 4)
            .and_then(|w| w.try_into().ok())
            .map(i32::from_be_bytes)
            .ok_or_else(|| malformed("array"))
    };
    let ndim = int(0)?;
    let element_oid = int(8)? as Oid;
    let (remaining, header) = match ndim {
        0 => (0, 12),
        1 => (
            usize::try_from(int(12)?).map_err(|_| malformed("array"))?,
            20,
        ),
        n if n > 1 => {
            return Err(DecodeError::Invalid(format!(
                "a {n}-dimensional array; only one-dimensional arrays load into a Vec"
            )));
        }
        _ => return Err(malformed("array")),
    };
    Ok(PgArrayElements {
        rest: bytes.get(header..).ok_or_else(|| malformed("array"))?,
        remaining,
        element_oid,
    })
}

impl<'a> Iterator for PgArrayElements<'a> {
    type Item = Result<PgValue<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let element = (|| {
            let (len, rest) = self.rest.split_first_chunk::<4>()?;
            let len = i32::from_be_bytes(*len);
            if len == -1 {
                self.rest = rest;
                return Some(None);
            }
            let len = usize::try_from(len).ok()?;
            let (value, rest) = rest.split_at_checked(len)?;
            self.rest = rest;
            Some(Some(value))
        })();
        Some(match element {
            Some(bytes) => Ok(PgValue {
                bytes,
                oid: self.element_oid,
            }),
            None => {
                self.remaining = 0;
                Err(malformed("array"))
            }
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}

/// Whether a value of type `oid` may be read as an array: a known array type, or a
/// type quarry does not know (an array of a user-defined type, say).
pub(super) fn may_be_array(oid: Oid) -> bool {
    !is_known_scalar(oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value's bytes as a parameter, or `None` for NULL.
    struct Encoded(Option<Vec<u8>>);

    impl Encoded {
        fn bytes(&self) -> Option<&[u8]> {
            self.0.as_deref()
        }
    }

    /// A value as a statement's parameter: its type OID and bytes.
    fn encode(value: &BindValue<'_>) -> QueryResult<(Oid, Encoded)> {
        let mut buf = Vec::new();
        let (oid, place) = encode_ref(value, &mut buf)?;
        let bytes = match place {
            Place::Null => None,
            Place::Borrowed(bytes) => Some(bytes.to_vec()),
            Place::Encoded { start, len } => Some(buf[start..start + len].to_vec()),
        };
        Ok((oid, Encoded(bytes)))
    }
    use std::borrow::Cow;

    fn numeric_bytes(text: &str) -> Vec<u8> {
        let mut buf = Vec::new();
        encode_numeric(text, &mut buf).unwrap();
        buf
    }

    /// The header words and digits of a numeric encoding.
    fn numeric_words(text: &str) -> Vec<i32> {
        numeric_bytes(text)
            .chunks(2)
            .enumerate()
            .map(|(i, w)| {
                let w = [w[0], w[1]];
                if i == 2 || i == 3 {
                    i32::from(u16::from_be_bytes(w))
                } else {
                    i32::from(i16::from_be_bytes(w))
                }
            })
            .collect()
    }

    #[test]
    fn numeric_encodes_as_postgres_does() {
        // ndigits, weight, sign, dscale, digits… (checked against numeric_send)
        assert_eq!(numeric_words("0"), [0, 0, 0, 0]);
        assert_eq!(numeric_words("0.00"), [0, 0, 0, 2]);
        assert_eq!(numeric_words("-0.0"), [0, 0, 0, 1]);
        assert_eq!(numeric_words("1"), [1, 0, 0, 0, 1]);
        assert_eq!(numeric_words("10000"), [1, 1, 0, 0, 1]);
        assert_eq!(numeric_words("12345.678"), [3, 1, 0, 3, 1, 2345, 6780]);
        assert_eq!(numeric_words("-0.0001"), [1, -1, 0x4000, 4, 1]);
        assert_eq!(numeric_words("0.00001"), [1, -2, 0, 5, 1000]);
        assert_eq!(
            numeric_words("123456789012345678901234567890"),
            [8, 7, 0, 0, 12, 3456, 7890, 1234, 5678, 9012, 3456, 7890]
        );
    }

    #[test]
    fn numeric_round_trips_through_its_binary_form() {
        for text in [
            "0",
            "0.00",
            "1",
            "-1",
            "1.5",
            "-12345.678",
            "0.0001",
            "0.00001",
            "-0.000000000000000000001",
            "10000",
            "99999999",
            "100000000.00000001",
            "3.14159265358979323846264338327950288419716939937510",
            "123456789012345678901234567890123456789012345678901234567890",
            "9223372036854775807",
            "-9223372036854775808",
        ] {
            assert_eq!(numeric_text(&numeric_bytes(text)).unwrap(), text);
        }
        let huge = format!("1{}", "0".repeat(4000));
        assert_eq!(numeric_text(&numeric_bytes(&huge)).unwrap(), huge);
        assert_eq!(numeric_text(&numeric_bytes("+007.50")).unwrap(), "7.50");
    }

    #[test]
    fn numeric_reads_as_an_integer_when_it_is_one() {
        assert_eq!(numeric_i64(&numeric_bytes("0")), Ok(0));
        assert_eq!(numeric_i64(&numeric_bytes("42.000")), Ok(42));
        assert_eq!(numeric_i64(&numeric_bytes("-10000")), Ok(-10000));
        assert_eq!(
            numeric_i64(&numeric_bytes("9223372036854775807")),
            Ok(i64::MAX)
        );
        assert_eq!(
            numeric_i64(&numeric_bytes("-9223372036854775808")),
            Ok(i64::MIN)
        );
        assert!(matches!(
            numeric_i64(&numeric_bytes("9223372036854775808")),
            Err(DecodeError::OutOfRange { .. })
        ));
        assert!(matches!(
            numeric_i64(&numeric_bytes(&format!("1{}", "0".repeat(1000)))),
            Err(DecodeError::OutOfRange { .. })
        ));
        assert_eq!(
            numeric_i64(&numeric_bytes("1.5")).unwrap_err().to_string(),
            "numeric 1.5, which is not an integer"
        );
    }

    #[test]
    fn numeric_special_and_malformed_values_are_decode_errors() {
        let special = |sign: u16| {
            let mut b = vec![0, 0, 0, 0];
            b.extend_from_slice(&sign.to_be_bytes());
            b.extend_from_slice(&[0, 0]);
            numeric_text(&b).unwrap_err().to_string()
        };
        assert_eq!(special(NUMERIC_NAN), "numeric NaN, which is not a number");
        assert!(special(NUMERIC_PINF).contains("Infinity"));
        assert!(special(NUMERIC_NINF).contains("-Infinity"));
        assert!(special(0x1234).contains("malformed"));
        // Too short, a digit count that does not match, a digit ≥ 10000.
        assert!(numeric_text(&[0, 1]).is_err());
        assert!(numeric_text(&[0, 2, 0, 0, 0, 0, 0, 0, 0, 1]).is_err());
        assert!(numeric_text(&[0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10]).is_err());
        assert!(encode_numeric("1e5", &mut Vec::new()).is_err());
        assert!(encode_numeric("NaN", &mut Vec::new()).is_err());
    }

    #[test]
    fn dates_and_times_count_from_2000() {
        let enc = |v: BindValue<'static>| {
            let (oid, e) = encode(&v).unwrap();
            (oid, e.bytes().unwrap().to_vec())
        };
        assert_eq!(
            enc(BindValue::Timestamp(PG_EPOCH_MICROS)),
            (oid::TIMESTAMP, vec![0; 8])
        );
        assert_eq!(
            enc(BindValue::Timestamptz(-1)),
            (
                oid::TIMESTAMPTZ,
                (-PG_EPOCH_MICROS - 1).to_be_bytes().to_vec()
            )
        );
        assert_eq!(
            enc(BindValue::Date(0)),
            (oid::DATE, (-10_957i32).to_be_bytes().to_vec())
        );
        assert_eq!(
            enc(BindValue::Time(1)),
            (oid::TIME, 1i64.to_be_bytes().to_vec())
        );
        assert!(encode(&BindValue::Time(-1)).is_err());
        assert!(encode(&BindValue::Timestamp(i64::MIN)).is_err());

        // Before 1970 and before 2000; leap day.
        for micros in [
            -1,
            0,
            PG_EPOCH_MICROS - 1,
            951_782_400_000_000,
            -62_135_596_800_000_000,
        ] {
            let value = BindValue::Timestamp(micros);
            let (_, e) = encode(&value).unwrap();
            assert_eq!(timestamp(e.bytes().unwrap(), "timestamp"), Ok(micros));
        }
        for days in [-1, 0, 10_956, 11_016, -719_162] {
            let value = BindValue::Date(days);
            let (_, e) = encode(&value).unwrap();
            assert_eq!(date(e.bytes().unwrap()), Ok(days));
        }
        assert_eq!(time(&86_400_000_000i64.to_be_bytes()), Ok(86_400_000_000));
        assert!(time(&(-1i64).to_be_bytes()).is_err());
        assert!(time(&[0; 4]).is_err());
    }

    #[test]
    fn infinities_are_decode_errors() {
        let err = timestamp(&i64::MAX.to_be_bytes(), "timestamp").unwrap_err();
        assert_eq!(
            err.to_string(),
            "timestamp 'infinity', which has no Rust value"
        );
        assert!(timestamp(&i64::MIN.to_be_bytes(), "timestamptz").is_err());
        assert!(date(&i32::MAX.to_be_bytes()).is_err());
        assert!(date(&i32::MIN.to_be_bytes()).is_err());
        assert!(
            timestamp(&[0; 7], "timestamp")
                .unwrap_err()
                .to_string()
                .contains("malformed")
        );
    }

    #[test]
    fn jsonb_has_a_version_byte() {
        let (oid, e) = encode(&BindValue::Jsonb(Cow::Borrowed("{}"))).unwrap();
        assert_eq!((oid, e.bytes().unwrap()), (oid::JSONB, &b"\x01{}"[..]));
        assert_eq!(jsonb(b"\x01[1]"), Ok(&b"[1]"[..]));
        assert!(jsonb(b"\x02[1]").is_err());
        assert!(jsonb(b"").is_err());
        let (oid, e) = encode(&BindValue::Json(Cow::Borrowed("{}"))).unwrap();
        assert_eq!((oid, e.bytes().unwrap()), (oid::JSON, &b"{}"[..]));
    }

    fn elements(bytes: &[u8]) -> Result<Vec<Option<Vec<u8>>>, DecodeError> {
        array(bytes)?
            .map(|e| e.map(|v| v.bytes.map(<[u8]>::to_vec)))
            .collect()
    }

    #[test]
    fn arrays_round_trip_with_nulls_and_empty() {
        let value = BindValue::Array {
            element: ValueKind::I32,
            elements: vec![BindValue::I32(1), BindValue::Null, BindValue::I32(-2)],
        };
        let (oid, e) = encode(&value).unwrap();
        assert_eq!(oid, 1007);
        let bytes = e.bytes().unwrap();
        assert_eq!(
            &bytes[..20],
            &[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 23, 0, 0, 0, 3, 0, 0, 0, 1]
        );
        assert_eq!(
            elements(bytes).unwrap(),
            [
                Some(vec![0, 0, 0, 1]),
                None,
                Some((-2i32).to_be_bytes().to_vec())
            ]
        );
        assert!(array(bytes).unwrap().all(|e| e.unwrap().oid == oid::INT4));

        let empty = BindValue::Array {
            element: ValueKind::Str,
            elements: vec![],
        };
        let (oid, e) = encode(&empty).unwrap();
        assert_eq!(oid, 1009);
        assert_eq!(e.bytes().unwrap(), &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25]);
        assert_eq!(elements(e.bytes().unwrap()).unwrap(), []);

        let texts = BindValue::Array {
            element: ValueKind::Numeric,
            elements: vec![BindValue::Numeric(Cow::Borrowed("1.5"))],
        };
        let (oid, e) = encode(&texts).unwrap();
        assert_eq!(oid, 1231);
        let first = elements(e.bytes().unwrap()).unwrap().remove(0).unwrap();
        assert_eq!(numeric_text(&first).unwrap(), "1.5");
    }

    #[test]
    fn mismatched_and_nested_array_elements_are_rejected() {
        let mixed = BindValue::Array {
            element: ValueKind::I32,
            elements: vec![BindValue::I64(1)],
        };
        assert!(encode(&mixed).is_err());
        let nested = BindValue::Array {
            element: ValueKind::I32,
            elements: vec![BindValue::Array {
                element: ValueKind::I32,
                elements: vec![],
            }],
        };
        assert!(encode(&nested).is_err());
    }

    #[test]
    fn malformed_and_multidimensional_arrays_are_decode_errors() {
        let mut two_dims = vec![0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 23];
        two_dims.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
        assert_eq!(
            array(&two_dims).unwrap_err().to_string(),
            "a 2-dimensional array; only one-dimensional arrays load into a Vec"
        );
        // Says three elements, holds one; an element longer than what is left.
        let short = [
            0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 7,
        ];
        let decoded = elements(&short);
        assert!(decoded.unwrap_err().to_string().contains("malformed"));
        let long = [
            0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0,
        ];
        assert!(elements(&long).is_err());
        assert!(array(&[0, 0, 0, 1]).is_err());
        assert!(array(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 23]).is_err());
    }

    #[test]
    fn type_names_cover_arrays() {
        assert_eq!(type_name(1007), "int4[]");
        assert_eq!(type_name(oid::TIMESTAMPTZ), "timestamptz");
        assert_eq!(type_name(99_999), "a value of type OID 99999");
        assert!(may_be_array(1007) && may_be_array(99_999) && !may_be_array(oid::INT4));
    }
}
