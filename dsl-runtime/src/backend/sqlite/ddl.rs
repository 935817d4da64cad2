//! SQLite's column types for `quarry::schema::create_all`: the declared types give each
//! column the affinity that keeps the form quarry stores (a `Numeric` is exact text,
//! which `NUMERIC` affinity would round into a float).

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
            "Int2" | "Int4" | "Int8" => "INTEGER",
            "Float4" | "Float8" => "REAL",
            "Binary" | "Uuid" => "BLOB",
            _ => "TEXT",
        }
        .to_owned(),
    )
}

/// The rowid itself: `INTEGER PRIMARY KEY`, exactly, whatever the integer's width.
pub(super) fn numbered_key(_ty: ColumnType) -> String {
    "INTEGER PRIMARY KEY".to_owned()
}
