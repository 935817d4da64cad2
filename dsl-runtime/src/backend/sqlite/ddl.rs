//! SQLite's column types for `quarry::schema::create_all`: the declared types give each
//! column the affinity that keeps the form quarry stores (a `Numeric` is exact text,
//! which `NUMERIC` affinity would round into a float).

use crate::schema::ColumnType;

pub(super) fn column_type(ty: ColumnType) -> Option<String> {
    Some(
        match ty {
            ColumnType::Bool => "BOOLEAN",
            ColumnType::Int2 | ColumnType::Int4 | ColumnType::Int8 => "INTEGER",
            ColumnType::Float4 | ColumnType::Float8 => "REAL",
            ColumnType::Binary | ColumnType::Uuid => "BLOB",
            ColumnType::Numeric
            | ColumnType::Text
            | ColumnType::Timestamp
            | ColumnType::Timestamptz
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Json
            | ColumnType::Jsonb => "TEXT",
            ColumnType::Named(name) => name,
            ColumnType::Array(_) => return None,
        }
        .to_owned(),
    )
}

/// The rowid itself: `INTEGER PRIMARY KEY`, exactly, whatever the integer's width.
pub(super) fn numbered_key(_ty: ColumnType) -> String {
    "INTEGER PRIMARY KEY".to_owned()
}
