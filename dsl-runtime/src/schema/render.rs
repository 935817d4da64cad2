//! The DDL of declared tables, in a backend's dialect, and the order that their
//! foreign keys ask for.

use super::{ColumnDeclaration, Declared, DefaultValue, OnDelete, TableDeclaration};
use crate::backend::Backend;
use crate::error::{Error, QueryResult};

/// The statements [`create_all`](super::create_all) runs on backend `DB`: a `CREATE
/// TABLE` for each table, referenced tables first, each followed by its indexes.
///
/// ```
/// # use quarry::backend::sqlite::Sqlite;
/// quarry::table! {
///     tags (id) {
///         id -> Int4 = default,
///         label -> Text unique,
///     }
/// }
/// let sql = quarry::schema::create_all_sql::<Sqlite>(&[&tags::table])?;
/// assert_eq!(
///     sql,
///     [r#"CREATE TABLE "tags" ("id" INTEGER PRIMARY KEY, "label" TEXT NOT NULL UNIQUE)"#]
/// );
/// # Ok::<(), quarry::Error>(())
/// ```
pub fn create_all_sql<DB: Backend>(tables: &[&dyn Declared]) -> QueryResult<Vec<String>> {
    let mut statements = Vec::new();
    for table in in_creation_order(tables.iter().map(|t| t.declaration()))? {
        statements.extend(create_statements::<DB>(table)?);
    }
    Ok(statements)
}

/// A table's `CREATE TABLE`, then its indexes' `CREATE INDEX`.
pub(super) fn create_statements<DB: Backend>(table: &TableDeclaration) -> QueryResult<Vec<String>> {
    let mut statements = vec![create_table::<DB>(table)?];
    for index in table.indexes.iter().filter(|index| !index.unique) {
        statements.push(create_index(table, index.columns));
    }
    Ok(statements)
}

pub(super) fn create_index(table: &TableDeclaration, columns: &[&str]) -> String {
    format!(
        "CREATE INDEX {} ON {} ({})",
        quoted(&index_name(table.name, columns)),
        quoted(table.name),
        column_list(columns)
    )
}

/// The statements [`drop_all`](super::drop_all) runs: a `DROP TABLE IF EXISTS` for each
/// table, those that reference others first.
pub fn drop_all_sql<DB: Backend>(tables: &[&dyn Declared]) -> QueryResult<Vec<String>> {
    let mut order = in_creation_order(tables.iter().map(|t| t.declaration()))?;
    order.reverse();
    Ok(order
        .into_iter()
        .map(|table| format!("DROP TABLE IF EXISTS {}", quoted(table.name)))
        .collect())
}

pub(super) fn create_table<DB: Backend>(table: &TableDeclaration) -> QueryResult<String> {
    let single_key = match table.primary_key {
        [key] => Some(*key),
        _ => None,
    };
    let mut parts = Vec::with_capacity(table.columns.len() + 2);
    for column in table.columns {
        parts.push(column_definition::<DB>(
            table,
            column,
            single_key == Some(column.name),
        )?);
    }
    if table.primary_key.len() > 1 {
        parts.push(format!("PRIMARY KEY ({})", column_list(table.primary_key)));
    }
    for index in table.indexes.iter().filter(|index| index.unique) {
        parts.push(format!("UNIQUE ({})", column_list(index.columns)));
    }
    Ok(format!(
        "CREATE TABLE {} ({})",
        quoted(table.name),
        parts.join(", ")
    ))
}

pub(super) fn column_definition<DB: Backend>(
    table: &TableDeclaration,
    column: &ColumnDeclaration,
    primary_key: bool,
) -> QueryResult<String> {
    let mut sql = quoted(column.name);
    sql.push(' ');
    let numbered =
        primary_key && column.has_default && column.default.is_none() && column.ty.is_integer();
    if numbered {
        sql.push_str(&DB::numbered_key(column.ty));
    } else {
        let ty = DB::column_type(column.ty).ok_or_else(|| {
            Error::InvalidQuery(format!(
                "cannot create `{}`: column `{}` is an array, which {} does not have",
                table.name,
                column.name,
                DB::NAME
            ))
        })?;
        sql.push_str(&ty);
        // NOT NULL on a key too: SQLite lets a key other than the rowid hold NULLs.
        if !column.nullable {
            sql.push_str(" NOT NULL");
        }
        if primary_key {
            sql.push_str(" PRIMARY KEY");
        }
        match column.default {
            Some(default) => {
                sql.push_str(" DEFAULT ");
                push_default::<DB>(&mut sql, default);
            }
            None if column.has_default => {
                return Err(Error::InvalidQuery(format!(
                    "cannot create `{}`: column `{}` is declared `= default` without its SQL; \
                     give it in the table! declaration, as in `= default(0)` or \
                     `= default(sql(\"…\"))`",
                    table.name, column.name
                )));
            }
            None => {}
        }
    }
    if column.unique {
        sql.push_str(" UNIQUE");
    }
    if let Some(key) = &column.references {
        sql.push_str(" REFERENCES ");
        sql.push_str(&quoted(key.table));
        sql.push_str(" (");
        sql.push_str(&quoted(key.column));
        sql.push(')');
        if let Some(action) = key.on_delete {
            sql.push_str(on_delete_sql(action));
        }
    }
    Ok(sql)
}

pub(super) fn on_delete_sql(action: OnDelete) -> &'static str {
    match action {
        OnDelete::Cascade => " ON DELETE CASCADE",
        OnDelete::SetNull => " ON DELETE SET NULL",
        OnDelete::SetDefault => " ON DELETE SET DEFAULT",
        OnDelete::Restrict => " ON DELETE RESTRICT",
        OnDelete::NoAction => " ON DELETE NO ACTION",
    }
}

pub(super) fn push_default<DB: Backend>(sql: &mut String, default: DefaultValue) {
    match default {
        DefaultValue::Number(number) => sql.push_str(number),
        DefaultValue::StringLiteral(text) => {
            sql.push('\'');
            sql.push_str(&text.replace('\'', "''"));
            sql.push('\'');
        }
        DefaultValue::BoolLiteral(value) => sql.push_str(if value { "TRUE" } else { "FALSE" }),
        DefaultValue::CurrentTimestamp => sql.push_str(DB::CURRENT_TIMESTAMP),
        DefaultValue::Today => sql.push_str("CURRENT_DATE"),
        // In parentheses: SQLite takes an expression as a default only so.
        DefaultValue::Sql(text) => {
            sql.push('(');
            sql.push_str(text);
            sql.push(')');
        }
    }
}

/// The declarations of `tables`, each after the ones it references among them (a
/// table's key to itself does not count), otherwise in the order given; each once.
pub(super) fn in_creation_order<'t>(
    tables: impl IntoIterator<Item = &'t TableDeclaration>,
) -> QueryResult<Vec<&'t TableDeclaration>> {
    let mut left: Vec<&'t TableDeclaration> = Vec::new();
    for declaration in tables {
        if !left.iter().any(|t| t.name == declaration.name) {
            left.push(declaration);
        }
    }
    let mut order: Vec<&'t TableDeclaration> = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready = left.iter().position(|table| {
            table.columns.iter().all(|column| {
                column.references.is_none_or(|key| {
                    key.table == table.name || !left.iter().any(|other| other.name == key.table)
                })
            })
        });
        match ready {
            Some(index) => order.push(left.remove(index)),
            None => {
                let names: Vec<String> = left.iter().map(|t| format!("`{}`", t.name)).collect();
                return Err(Error::InvalidQuery(format!(
                    "the tables {} reference each other in a cycle, so that none can be \
                     created first; create one of them with SQL of your own",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(order)
}

/// `<table>_<columns>_idx`, within PostgreSQL's 63 bytes (a long one keeps a hash of
/// the whole name, so two long names stay apart).
pub(super) fn index_name(table: &str, columns: &[&str]) -> String {
    object_name(table, columns, "idx")
}

/// `<table>_<columns>_key`, PostgreSQL's own name for a unique constraint, for a unique
/// index that `diff` adds.
pub(super) fn unique_index_name(table: &str, columns: &[&str]) -> String {
    object_name(table, columns, "key")
}

/// `<table>_<columns>_<suffix>`, cut to 63 bytes with a hash when it is longer.
fn object_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let name = format!("{table}_{}_{suffix}", columns.join("_"));
    if name.len() <= 63 {
        return name;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut cut = 46;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash:016x}", &name[..cut])
}

pub(super) fn column_list(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| quoted(c))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_index_names_fit_postgresql() {
        let long = "a_very_long_column_name_that_goes_on";
        let name = index_name("some_table", &[long, long]);
        assert!(name.len() <= 63, "{name}");
        assert_ne!(name, index_name("some_table", &[long, "other"]));
        assert_eq!(index_name("t", &["a", "b"]), "t_a_b_idx");
    }
}
