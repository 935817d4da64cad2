//! SQLite's column types for `quarry::schema::create_all`.
//!
//! A declared type decides a column's affinity, and the affinity what SQLite does with a
//! value as it stores it. Each name below keeps the form quarry writes: integers under
//! INTEGER affinity, floats under REAL; dates, times and UUIDs under NUMERIC affinity,
//! which leaves their text and blobs as they are (none reads as a number). A `Numeric`
//! is exact text and JSON may be a bare number, which NUMERIC affinity would turn into
//! a float: their names end in `TEXT`, for TEXT affinity. The names also tell
//! `quarry print-schema` the type back.

use crate::schema::ColumnType;

pub(super) fn column_type(ty: ColumnType) -> Option<String> {
    if ty.is_array() {
        return None;
    }
    if ty.is_own() {
        return Some(ty.name().to_owned());
    }
    Some(
        match ty.name() {
            "Bool" => "BOOLEAN",
            "Int2" => "SMALLINT",
            "Int4" => "INTEGER",
            "Int8" => "BIGINT",
            "Float4" => "REAL",
            "Float8" => "DOUBLE PRECISION",
            "Binary" => "BLOB",
            "Uuid" => "UUID",
            "Timestamp" => "TIMESTAMP",
            "Timestamptz" => "TIMESTAMPTZ",
            "Date" => "DATE",
            "Time" => "TIME",
            "Numeric" => "NUMERIC_TEXT",
            "Json" => "JSON_TEXT",
            "Jsonb" => "JSONB_TEXT",
            _ => "TEXT",
        }
        .to_owned(),
    )
}

/// The rowid itself: `INTEGER PRIMARY KEY`, exactly, whatever the integer's width.
pub(super) fn numbered_key(_ty: ColumnType) -> String {
    "INTEGER PRIMARY KEY".to_owned()
}
