//! `quarry print-schema`: a live database's tables as `table!` declarations.
//!
//! Each backend reads its catalog into [`Table`] values (SQLite through
//! `pragma_table_info` and `pragma_foreign_key_list`, PostgreSQL through `pg_catalog`
//! for the current schema); [`render`] writes them the same way for both.

use crate::Failure;
use quarry::prelude::*;
use quarry::schema::{
    ColumnDeclaration, ColumnType, DefaultValue, ForeignKey, IndexDeclaration, OnDelete,
    TableDeclaration,
};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What a foreign key references: the table, and the `on delete` action when it is not
/// the default (`no action`), as `table!` writes it.
type Target = (String, Option<&'static str>);

/// A table as the database describes it.
#[derive(Debug, Default)]
pub(crate) struct Table {
    name: String,
    columns: Vec<Column>,
    primary_key: Vec<String>,
    /// Single-column foreign keys: column → referenced table, and `on delete` action
    /// when it is not the default (`no action`).
    references: BTreeMap<String, Target>,
    /// Indexes other than the primary key's, each unique or not, over plain columns.
    indexes: Vec<(bool, Vec<String>)>,
}

#[derive(Debug)]
struct Column {
    name: String,
    /// quarry's SQL type, e.g. `Int4`, `Array<Text>`.
    sql_type: String,
    /// When the database's type has no quarry SQL type: its name, for a comment.
    unmapped: Option<String>,
    nullable: bool,
    has_default: bool,
    /// The default's SQL as the database keeps it, when it has one.
    default_sql: Option<String>,
}

/// The tables of a SQLite database.
pub(crate) fn sqlite(conn: &mut SqliteConnection, only: &[String]) -> Result<Vec<Table>, Failure> {
    let names: Vec<String> = quarry::sql_query(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND name <> 'quarry_migrations' ORDER BY name",
    )
    .load(conn)?;
    missing_tables(only, &names)?;
    let mut tables = Vec::new();
    for name in names
        .into_iter()
        .filter(|n| only.is_empty() || only.contains(n))
    {
        let columns: Vec<(String, String, i64, Option<String>, i64)> = quarry::sql_query(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(name.as_str())
        .load(conn)?;
        let mut pk: Vec<(i64, String)> = columns
            .iter()
            .filter(|c| c.4 > 0)
            .map(|c| (c.4, c.0.clone()))
            .collect();
        pk.sort();
        // `INTEGER PRIMARY KEY` is the rowid: the database fills it.
        let rowid = match pk.as_slice() {
            [(_, only)] => columns
                .iter()
                .find(|c| &c.0 == only && c.1.eq_ignore_ascii_case("INTEGER"))
                .map(|c| c.0.clone()),
            _ => None,
        };
        let keys: Vec<(i64, String, String, String)> = quarry::sql_query(
            "SELECT id, \"from\", \"table\", on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq",
        )
        .bind(name.as_str())
        .load(conn)?;
        // Indexes and UNIQUE constraints (origin `c` and `u`), not the primary key's,
        // each with its columns in order; one on an expression has a NULL name.
        let index_columns: Vec<(String, bool, Option<String>)> = quarry::sql_query(
            "SELECT l.name, l.\"unique\", i.name FROM pragma_index_list($1) AS l, \
             pragma_index_info(l.name) AS i WHERE l.origin IN ('c', 'u') ORDER BY l.seq DESC, i.seqno",
        )
        .bind(name.as_str())
        .load(conn)?;
        let mut table = Table {
            name,
            primary_key: pk.into_iter().map(|(_, c)| c).collect(),
            references: single_column_keys(
                keys.into_iter()
                    .map(|(id, column, target, action)| (id, column, target, on_delete(&action)))
                    .collect(),
            ),
            indexes: grouped_indexes(index_columns),
            ..Table::default()
        };
        for (column, declared, not_null, default, pk) in columns {
            let (sql_type, unmapped) = sqlite_type(&declared);
            table.columns.push(Column {
                has_default: default.is_some() || rowid.as_deref() == Some(column.as_str()),
                nullable: not_null == 0 && pk == 0,
                name: column,
                sql_type,
                unmapped,
                default_sql: default,
            });
        }
        tables.push(table);
    }
    Ok(tables)
}

/// A column as PostgreSQL's catalog gives it: table, column, type, element type (of an
/// array), kind of type (`e` for an enum), NOT NULL, whether the database fills it.
type PgColumnRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    bool,
    bool,
    Option<String>,
);

/// The tables of the current schema of a PostgreSQL database.
pub(crate) fn pg(conn: &mut PgConnection, only: &[String]) -> Result<Vec<Table>, Failure> {
    let columns: Vec<PgColumnRow> = quarry::sql_query(
        "SELECT c.relname::text, a.attname::text, t.typname::text, et.typname::text, \
                    t.typtype::text, a.attnotnull, (a.atthasdef OR a.attidentity <> ''), \
                    pg_get_expr(d.adbin, d.adrelid) \
             FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_type t ON t.oid = a.atttypid \
             LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
               AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> 'quarry_migrations' \
             ORDER BY c.relname, a.attnum",
    )
    .load(conn)?;
    let keys: Vec<(String, String)> = quarry::sql_query(
        "SELECT c.relname::text, a.attname::text \
         FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum \
         WHERE i.indisprimary AND n.nspname = current_schema() \
         ORDER BY c.relname, k.ord",
    )
    .load(conn)?;
    let foreign: Vec<(String, String, String, String)> = quarry::sql_query(
        "SELECT c.relname::text, a.attname::text, fc.relname::text, k.confdeltype::text \
         FROM pg_constraint k \
         JOIN pg_class c ON c.oid = k.conrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_class fc ON fc.oid = k.confrelid \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1] \
         WHERE k.contype = 'f' AND cardinality(k.conkey) = 1 AND n.nspname = current_schema() \
         ORDER BY c.relname, a.attname",
    )
    .load(conn)?;
    // Indexes other than the primary key's, over plain columns (`indkey` 0 is an
    // expression), each with its columns in order.
    let index_columns: Vec<(String, String, bool, String)> = quarry::sql_query(
        "SELECT c.relname::text, ic.relname::text, i.indisunique, a.attname::text \
         FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indrelid \
         JOIN pg_class ic ON ic.oid = i.indexrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum \
         WHERE NOT i.indisprimary AND n.nspname = current_schema() AND i.indexprs IS NULL \
           AND i.indpred IS NULL \
         ORDER BY c.relname, ic.relname, k.ord",
    )
    .load(conn)?;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for (table, column, type_name, element, kind, not_null, has_default, default_sql) in columns {
        if !only.is_empty() && !only.contains(&table) {
            continue;
        }
        let (sql_type, unmapped) = pg_type(&type_name, element.as_deref(), &kind);
        let entry = tables.entry(table.clone()).or_insert_with(|| Table {
            name: table,
            ..Table::default()
        });
        entry.columns.push(Column {
            name: column,
            sql_type,
            unmapped,
            nullable: !not_null,
            has_default,
            default_sql,
        });
    }
    for (table, column) in keys {
        if let Some(t) = tables.get_mut(&table) {
            t.primary_key.push(column);
        }
    }
    for (table, column, target, action) in foreign {
        if let Some(t) = tables.get_mut(&table) {
            let action = match action.as_str() {
                "c" => Some("cascade"),
                "n" => Some("set null"),
                "d" => Some("set default"),
                "r" => Some("restrict"),
                _ => None,
            };
            t.references.insert(column, (target, action));
        }
    }
    let mut by_table: BTreeMap<String, Vec<(String, bool, Option<String>)>> = BTreeMap::new();
    for (table, index, unique, column) in index_columns {
        by_table
            .entry(table)
            .or_default()
            .push((index, unique, Some(column)));
    }
    for (table, rows) in by_table {
        if let Some(t) = tables.get_mut(&table) {
            t.indexes = grouped_indexes(rows);
        }
    }
    let found: Vec<String> = tables.keys().cloned().collect();
    missing_tables(only, &found)?;
    Ok(tables.into_values().collect())
}

/// Fails when `--table` names a table the database does not have.
fn missing_tables(asked: &[String], found: &[String]) -> Result<(), Failure> {
    let missing: Vec<String> = asked
        .iter()
        .filter(|t| !found.contains(t))
        .map(|t| format!("`{t}`"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Failure::Failed(format!(
        "the database has no table named {}",
        missing.join(", ")
    )))
}

/// The foreign keys of one column, from `(key id, column, referenced table, on
/// delete)` rows.
fn single_column_keys(
    rows: Vec<(i64, String, String, Option<&'static str>)>,
) -> BTreeMap<String, Target> {
    let mut by_id: BTreeMap<i64, Vec<(String, Target)>> = BTreeMap::new();
    for (id, column, table, action) in rows {
        by_id.entry(id).or_default().push((column, (table, action)));
    }
    by_id
        .into_values()
        .filter(|parts| parts.len() == 1)
        .flatten()
        .collect()
}

/// SQLite's spelling of an `on delete` action, as `table!` writes it; `None` for the
/// default, `NO ACTION`.
fn on_delete(action: &str) -> Option<&'static str> {
    match action.to_ascii_uppercase().as_str() {
        "CASCADE" => Some("cascade"),
        "SET NULL" => Some("set null"),
        "SET DEFAULT" => Some("set default"),
        "RESTRICT" => Some("restrict"),
        _ => None,
    }
}

/// Indexes from `(index, unique, column)` rows in index and column order; an index
/// with a column that is not a plain column (`None`) is left out.
fn grouped_indexes(rows: Vec<(String, bool, Option<String>)>) -> Vec<(bool, Vec<String>)> {
    let mut indexes: Vec<(String, bool, Option<Vec<String>>)> = Vec::new();
    for (index, unique, column) in rows {
        match indexes.last_mut() {
            Some((name, _, columns)) if *name == index => match (columns.as_mut(), column) {
                (Some(columns), Some(column)) => columns.push(column),
                _ => *columns = None,
            },
            _ => indexes.push((index, unique, column.map(|c| vec![c]))),
        }
    }
    indexes
        .into_iter()
        .filter_map(|(_, unique, columns)| Some((unique, columns?)))
        .collect()
}

/// A default's SQL, as the database keeps it, read as `table!` declares defaults: a
/// number, a string, a bool, `now()`, `current_date`, or else SQL of its own. `None` for
/// what the database numbers itself (a sequence): a bare `= default`.
fn default_value(sql: &str) -> Option<DefaultValue> {
    let mut text = sql.trim();
    if text.starts_with("nextval(") {
        return None;
    }
    // PostgreSQL writes casts after literals (`'a'::text`, `'-1.5'::double precision`).
    let uncast = match text.find("::") {
        Some(at)
            if text.starts_with('\'')
                || text.starts_with('(')
                || text[..at].parse::<f64>().is_ok() =>
        {
            &text[..at]
        }
        _ => text,
    };
    let mut bare = uncast;
    while bare.starts_with('(') && bare.ends_with(')') {
        bare = &bare[1..bare.len() - 1];
    }
    let number = bare.trim_matches('\'');
    let numeric = !number.is_empty()
        && number.parse::<f64>().is_ok()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | 'e' | 'E' | '+'));
    if numeric && (bare == number || uncast != text) {
        return Some(DefaultValue::Number(leak(number)));
    }
    if let Some(inner) = bare.strip_prefix('\'').and_then(|b| b.strip_suffix('\'')) {
        if !inner.replace("''", "").contains('\'') {
            return Some(DefaultValue::StringLiteral(leak(&inner.replace("''", "'"))));
        }
    }
    match bare.to_ascii_lowercase().as_str() {
        "true" => return Some(DefaultValue::BoolLiteral(true)),
        "false" => return Some(DefaultValue::BoolLiteral(false)),
        "now()" | "current_timestamp" => return Some(DefaultValue::CurrentTimestamp),
        "current_date" => return Some(DefaultValue::Today),
        _ => {}
    }
    // SQLite keeps the parentheses a default expression needs; `create_all` adds them.
    while text.starts_with('(') && text.ends_with(')') {
        text = &text[1..text.len() - 1];
    }
    Some(DefaultValue::Sql(leak(text)))
}

/// A default as `table!` writes it, inside `= default(…)`.
pub(crate) fn default_syntax(default: DefaultValue) -> String {
    match default {
        DefaultValue::Number(number) => number.to_owned(),
        DefaultValue::StringLiteral(text) => format!("{text:?}"),
        DefaultValue::BoolLiteral(value) => value.to_string(),
        DefaultValue::CurrentTimestamp => "now()".to_owned(),
        DefaultValue::Today => "current_date".to_owned(),
        DefaultValue::Sql(sql) => format!("sql({sql:?})"),
    }
}

/// A string that lives as long as the program: the CLI reads one schema and exits.
fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// quarry's SQL type by its `table!` name (`Array<Text>`, or a name `quarry` does not
/// know, for a type of the database's own).
fn column_type(sql_type: &str, unmapped: Option<&str>) -> ColumnType {
    if let Some(own) = unmapped {
        return ColumnType::named(leak(own.trim_end_matches("[]").trim_start_matches("enum ")));
    }
    match sql_type
        .strip_prefix("Array<")
        .and_then(|t| t.strip_suffix('>'))
    {
        Some(element) => ColumnType::array_of(ColumnType::builtin(leak(element))),
        None => ColumnType::builtin(leak(sql_type)),
    }
}

impl Table {
    /// The table as `create_all` and `diff` read declarations; `all` are the other
    /// tables, for the keys that foreign keys reference.
    pub(crate) fn declaration(&self, all: &[Table]) -> TableDeclaration {
        let columns: Vec<ColumnDeclaration> =
            self.columns
                .iter()
                .map(|c| ColumnDeclaration {
                    name: leak(&c.name),
                    ty: column_type(&c.sql_type, c.unmapped.as_deref()),
                    nullable: c.nullable,
                    has_default: c.has_default,
                    default: c.default_sql.as_deref().and_then(default_value),
                    unique: self.indexes.iter().any(|(unique, columns)| {
                        *unique && columns == std::slice::from_ref(&c.name)
                    }),
                    references: self
                        .references
                        .get(&c.name)
                        .map(|(target, action)| ForeignKey {
                            table: leak(target),
                            column: all
                                .iter()
                                .find(|t| &t.name == target)
                                .and_then(|t| t.primary_key.first())
                                .map_or("id", |key| leak(key)),
                            on_delete: action.and_then(on_delete_action),
                        }),
                    renamed_from: None,
                })
                .collect();
        let indexes: Vec<IndexDeclaration> = self
            .indexes
            .iter()
            .filter(|(unique, columns)| !(*unique && columns.len() == 1))
            .map(|(unique, columns)| IndexDeclaration {
                unique: *unique,
                columns: Box::leak(
                    columns
                        .iter()
                        .map(|c| leak(c))
                        .collect::<Vec<_>>()
                        .into_boxed_slice(),
                ),
            })
            .collect();
        TableDeclaration {
            name: leak(&self.name),
            columns: Box::leak(columns.into_boxed_slice()),
            primary_key: Box::leak(
                self.primary_key
                    .iter()
                    .map(|c| leak(c))
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            ),
            indexes: Box::leak(indexes.into_boxed_slice()),
            renamed_from: None,
        }
    }
}

/// `on delete` as `table!` writes it, as the schema module names it.
pub(crate) fn on_delete_action(words: &str) -> Option<OnDelete> {
    match words {
        "cascade" => Some(OnDelete::Cascade),
        "set null" => Some(OnDelete::SetNull),
        "set default" => Some(OnDelete::SetDefault),
        "restrict" => Some(OnDelete::Restrict),
        "no action" => Some(OnDelete::NoAction),
        _ => None,
    }
}

/// quarry's SQL type for a SQLite column's declared type.
fn sqlite_type(declared: &str) -> (String, Option<String>) {
    let upper = declared.trim().to_ascii_uppercase();
    let base = upper.split('(').next().unwrap_or("").trim();
    let known = match base {
        "BOOLEAN" | "BOOL" => Some("Bool"),
        "SMALLINT" | "INT2" | "TINYINT" => Some("Int2"),
        "BIGINT" | "INT8" => Some("Int8"),
        "REAL" | "FLOAT4" => Some("Float4"),
        "DOUBLE" | "DOUBLE PRECISION" | "FLOAT" | "FLOAT8" => Some("Float8"),
        "TIMESTAMPTZ" => Some("Timestamptz"),
        "TIMESTAMP" | "DATETIME" => Some("Timestamp"),
        "DATE" => Some("Date"),
        "TIME" => Some("Time"),
        "UUID" => Some("Uuid"),
        // `create_all`'s names for TEXT affinity.
        "NUMERIC" | "DECIMAL" | "NUMERIC_TEXT" => Some("Numeric"),
        "JSON" | "JSON_TEXT" => Some("Json"),
        "JSONB" | "JSONB_TEXT" => Some("Jsonb"),
        "BLOB" | "BYTEA" | "" => Some("Binary"),
        _ => None,
    };
    if let Some(known) = known {
        return (known.to_owned(), None);
    }
    // SQLite's affinity rules, in their order.
    if upper.contains("INT") {
        ("Int4".to_owned(), None)
    } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
        ("Text".to_owned(), None)
    } else {
        ("Text".to_owned(), Some(declared.to_owned()))
    }
}

/// quarry's SQL type for a PostgreSQL type (`element` for an array's elements).
fn pg_type(name: &str, element: Option<&str>, kind: &str) -> (String, Option<String>) {
    if let Some(element) = element {
        let (inner, unmapped) = pg_type(element, None, "b");
        return (
            format!("Array<{inner}>"),
            unmapped.map(|u| format!("{u}[]")),
        );
    }
    let known = match name {
        "bool" => "Bool",
        "int2" => "Int2",
        "int4" => "Int4",
        "int8" => "Int8",
        "float4" => "Float4",
        "float8" => "Float8",
        "text" | "varchar" | "bpchar" | "name" | "citext" => "Text",
        "bytea" => "Binary",
        "timestamp" => "Timestamp",
        "timestamptz" => "Timestamptz",
        "date" => "Date",
        "time" => "Time",
        "uuid" => "Uuid",
        "numeric" => "Numeric",
        "json" => "Json",
        "jsonb" => "Jsonb",
        _ => {
            let what = if kind == "e" {
                format!("enum {name}")
            } else {
                name.to_owned()
            };
            return ("Text".to_owned(), Some(what));
        }
    };
    (known.to_owned(), None)
}

/// Rust's keywords, which a column name must be written as a raw identifier for.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// How a SQL name is written in `table!`: the identifier, and the `#[sql_name]` it needs
/// when it cannot be the name itself.
fn rust_name(sql: &str) -> (String, Option<String>) {
    let plain = !sql.is_empty()
        && sql
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !sql.starts_with(|c: char| c.is_ascii_digit())
        && sql != "_";
    if plain && KEYWORDS.contains(&sql) {
        return (format!("r#{sql}"), None);
    }
    if plain && !matches!(sql, "self" | "super" | "crate") {
        return (sql.to_owned(), None);
    }
    let mut ident: String = sql
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if ident.is_empty()
        || ident.starts_with(|c: char| c.is_ascii_digit())
        || KEYWORDS.contains(&ident.as_str())
        || matches!(ident.as_str(), "_" | "self" | "super" | "crate")
    {
        ident.insert_str(0, "c_");
    }
    (ident, Some(sql.to_owned()))
}

pub(crate) fn render(tables: &[Table]) -> String {
    let mut out =
        String::from("// The tables of the database, as `quarry print-schema` read them.\n");
    for table in tables {
        out.push('\n');
        let (name, sql_name) = rust_name(&table.name);
        if table.primary_key.is_empty() {
            let _ = writeln!(
                out,
                "// `{}` is left out: it has no primary key, which `table!` needs.",
                table.name
            );
            continue;
        }
        let key: Vec<String> = table.primary_key.iter().map(|c| rust_name(c).0).collect();
        let _ = writeln!(out, "quarry::table! {{");
        // A unique index of one column is that column's `unique`.
        let unique_columns: Vec<&str> = table
            .indexes
            .iter()
            .filter_map(|(unique, columns)| match columns.as_slice() {
                [column] if *unique => Some(column.as_str()),
                _ => None,
            })
            .collect();
        for (unique, columns) in &table.indexes {
            if *unique && columns.len() == 1 {
                continue;
            }
            let names: Vec<String> = columns.iter().map(|c| rust_name(c).0).collect();
            let attribute = if *unique { "unique" } else { "index" };
            let _ = writeln!(out, "    #[{attribute}({})]", names.join(", "));
        }
        if let Some(sql) = sql_name {
            let _ = writeln!(out, "    #[sql_name = {sql:?}]");
        }
        let _ = writeln!(out, "    {name} ({}) {{", key.join(", "));
        for column in &table.columns {
            let (ident, sql_name) = rust_name(&column.name);
            if let Some(unmapped) = &column.unmapped {
                let _ = writeln!(
                    out,
                    "        /// The database's type is `{unmapped}`, which quarry reads as text."
                );
            }
            if let Some(sql) = sql_name {
                let _ = writeln!(out, "        #[sql_name = {sql:?}]");
            }
            let mut line = format!("        {ident} -> ");
            if column.nullable {
                let _ = write!(line, "Nullable<{}>", column.sql_type);
            } else {
                line.push_str(&column.sql_type);
            }
            if column.has_default {
                line.push_str(" = default");
                if let Some(default) = column.default_sql.as_deref().and_then(default_value) {
                    let _ = write!(line, "({})", default_syntax(default));
                }
            }
            if unique_columns.contains(&column.name.as_str()) {
                line.push_str(" unique");
            }
            if let Some((target, action)) = table.references.get(&column.name) {
                let _ = write!(line, " references {}", rust_name(target).0);
                if let Some(action) = action {
                    let _ = write!(line, " on delete {action}");
                }
            }
            let _ = writeln!(out, "{line},");
        }
        let _ = writeln!(out, "    }}\n}}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_names_that_are_not_identifiers_get_sql_name() {
        assert_eq!(rust_name("users"), ("users".to_owned(), None));
        assert_eq!(rust_name("type"), ("r#type".to_owned(), None));
        assert_eq!(
            rust_name("Order Lines"),
            ("order_lines".to_owned(), Some("Order Lines".to_owned()))
        );
        assert_eq!(
            rust_name("1st"),
            ("c_1st".to_owned(), Some("1st".to_owned()))
        );
    }

    #[test]
    fn defaults_read_back_as_table_syntax() {
        let syntax = |sql: &str| default_value(sql).map(default_syntax);
        assert_eq!(syntax("0").as_deref(), Some("0"));
        assert_eq!(syntax("-1.5").as_deref(), Some("-1.5"));
        assert_eq!(syntax("'-1.5'::double precision").as_deref(), Some("-1.5"));
        assert_eq!(syntax("(0)").as_deref(), Some("0"));
        assert_eq!(syntax("'it''s'").as_deref(), Some("\"it's\""));
        assert_eq!(syntax("'it''s'::text").as_deref(), Some("\"it's\""));
        assert_eq!(syntax("TRUE").as_deref(), Some("true"));
        assert_eq!(syntax("false").as_deref(), Some("false"));
        assert_eq!(syntax("now()").as_deref(), Some("now()"));
        assert_eq!(syntax("CURRENT_TIMESTAMP").as_deref(), Some("now()"));
        assert_eq!(syntax("CURRENT_DATE").as_deref(), Some("current_date"));
        assert_eq!(
            syntax("(datetime('now'))").as_deref(),
            Some("sql(\"datetime('now')\")")
        );
        assert_eq!(syntax("nextval('t_id_seq'::regclass)"), None);
    }

    #[test]
    fn indexes_group_their_columns_in_order() {
        let rows = vec![
            ("a".to_owned(), false, Some("x".to_owned())),
            ("a".to_owned(), false, Some("y".to_owned())),
            ("b".to_owned(), true, Some("z".to_owned())),
            ("c".to_owned(), false, None),
        ];
        assert_eq!(
            grouped_indexes(rows),
            [
                (false, vec!["x".to_owned(), "y".to_owned()]),
                (true, vec!["z".to_owned()])
            ]
        );
    }

    #[test]
    fn declared_types_follow_sqlite_affinity() {
        assert_eq!(sqlite_type("INTEGER").0, "Int4");
        assert_eq!(sqlite_type("bigint").0, "Int8");
        assert_eq!(sqlite_type("VARCHAR(20)").0, "Text");
        assert_eq!(sqlite_type("BLOB").0, "Binary");
        assert_eq!(
            sqlite_type("MONEY"),
            ("Text".to_owned(), Some("MONEY".to_owned()))
        );
    }
}
