//! The `table!` declarations of a Rust file, read without compiling it: what `quarry
//! diff` and `quarry check` compare the database with.
//!
//! The file is parsed with `syn`; every `table!` (or `quarry::table!`) invocation in it,
//! and in its inline modules, is read for what DDL needs: SQL names, types and
//! nullability, primary keys, defaults with their SQL, `unique`, `references … on
//! delete …`, and `#[index(…)]` / `#[unique(…)]`. The macro itself checks the rest
//! when the crate compiles; here a declaration that does not parse is an error naming
//! the file and the line.

use crate::Failure;
use crate::print_schema::on_delete_action;
use quarry::schema::{
    ColumnDeclaration, ColumnType, DefaultValue, ForeignKey, IndexDeclaration, TableDeclaration,
};
use std::path::Path;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Ident, LitStr, Token};

/// A table as declared, before its foreign keys are resolved to SQL names.
struct Declared {
    /// The name the table has in Rust (what `references` names).
    rust_name: String,
    sql_name: String,
    renamed_from: Option<String>,
    primary_key: Vec<String>,
    columns: Vec<Column>,
    /// Unique or not, with the columns' Rust names.
    indexes: Vec<(bool, Vec<String>)>,
}

struct Column {
    rust_name: String,
    sql_name: String,
    renamed_from: Option<String>,
    ty: ColumnType,
    nullable: bool,
    has_default: bool,
    default: Option<DefaultValue>,
    unique: bool,
    /// The referenced table's Rust name, and the `on delete` words.
    references: Option<(String, Option<String>)>,
}

/// The declarations of the `table!` invocations in the file at `path`.
pub(crate) fn read(path: &Path) -> Result<Vec<TableDeclaration>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(format!(
            "cannot read the declarations in `{}`: {e} (pass --schema, or set `schema` in quarry.toml)",
            path.display()
        ))
    })?;
    let file = syn::parse_file(&text).map_err(|e| at(path, &e))?;
    let mut tables = Vec::new();
    collect(&file.items, &mut tables).map_err(|e| at(path, &e))?;
    if tables.is_empty() {
        return Err(Failure::Usage(format!(
            "`{}` declares no tables with `table!`",
            path.display()
        )));
    }
    Ok(resolve(&tables))
}

fn at(path: &Path, e: &syn::Error) -> Failure {
    let start = e.span().start();
    Failure::Usage(format!(
        "{}:{}:{}: {e}",
        path.display(),
        start.line,
        start.column + 1
    ))
}

fn collect(items: &[syn::Item], tables: &mut Vec<Declared>) -> syn::Result<()> {
    for item in items {
        match item {
            syn::Item::Macro(m)
                if m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "table") =>
            {
                let parsed =
                    (|input: ParseStream<'_>| parse_tables(input)).parse2(m.mac.tokens.clone())?;
                tables.extend(parsed);
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    collect(items, tables)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn parse_tables(input: ParseStream<'_>) -> syn::Result<Vec<Declared>> {
    let mut tables = Vec::new();
    while !input.is_empty() {
        tables.push(parse_table(input)?);
    }
    Ok(tables)
}

/// What the attributes before a table or a column say.
#[derive(Default)]
struct Attributes {
    sql_name: Option<String>,
    renamed_from: Option<String>,
    indexes: Vec<(bool, Vec<String>)>,
}

fn parse_attributes(input: ParseStream<'_>) -> syn::Result<Attributes> {
    let mut out = Attributes::default();
    for attribute in input.call(syn::Attribute::parse_outer)? {
        let path = attribute.path();
        if path.is_ident("sql_name") || path.is_ident("renamed_from") {
            let value = &attribute.meta.require_name_value()?.value;
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            }) = value
            else {
                return Err(syn::Error::new(
                    value.span(),
                    "expected a string: #[sql_name = \"…\"]",
                ));
            };
            if path.is_ident("sql_name") {
                out.sql_name = Some(name.value());
            } else {
                out.renamed_from = Some(name.value());
            }
        } else if path.is_ident("index") || path.is_ident("unique") {
            let columns = attribute.parse_args_with(
                syn::punctuated::Punctuated::<Ident, Token![,]>::parse_terminated,
            )?;
            out.indexes.push((
                path.is_ident("unique"),
                columns.iter().map(|c| c.unraw().to_string()).collect(),
            ));
        }
        // Doc comments and `#[quarry(crate = …)]` say nothing about the schema.
    }
    Ok(out)
}

fn parse_table(input: ParseStream<'_>) -> syn::Result<Declared> {
    let attributes = parse_attributes(input)?;
    let name: Ident = input.call(Ident::parse_any)?;
    let primary_key = if input.peek(syn::token::Paren) {
        let keys;
        syn::parenthesized!(keys in input);
        keys.parse_terminated(Ident::parse_any, Token![,])?
            .iter()
            .map(|k| k.unraw().to_string())
            .collect()
    } else {
        vec!["id".to_owned()]
    };
    let body;
    syn::braced!(body in input);
    let columns = body.parse_terminated(parse_column, Token![,])?;
    let rust_name = name.unraw().to_string();
    Ok(Declared {
        sql_name: attributes.sql_name.unwrap_or_else(|| rust_name.clone()),
        renamed_from: attributes.renamed_from,
        rust_name,
        primary_key,
        columns: columns.into_iter().collect(),
        indexes: attributes.indexes,
    })
}

fn parse_column(input: ParseStream<'_>) -> syn::Result<Column> {
    let attributes = parse_attributes(input)?;
    let name: Ident = input.call(Ident::parse_any)?;
    input.parse::<Token![->]>()?;
    let ty: syn::Type = input.parse()?;
    let (ty, nullable) = column_type(&ty)?;
    let mut has_default = false;
    let mut default = None;
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        let word: Ident = input.call(Ident::parse_any)?;
        if word != "default" {
            return Err(syn::Error::new(word.span(), "expected `= default`"));
        }
        has_default = true;
        if input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            default = Some(parse_default(&content)?);
        }
    }
    let mut unique = false;
    let mut references = None;
    while input.peek(Ident::peek_any) {
        let word: Ident = input.call(Ident::parse_any)?;
        if word == "unique" {
            unique = true;
        } else if word == "references" {
            let target: syn::Path = input.parse()?;
            let target = target
                .segments
                .last()
                .map(|s| s.ident.unraw().to_string())
                .unwrap_or_default();
            // `as name` renames the relation, which the schema does not see.
            if input.peek(Token![as]) {
                input.parse::<Token![as]>()?;
                input.call(Ident::parse_any)?;
            }
            let mut action = None;
            let fork = input.fork();
            if fork.call(Ident::parse_any).is_ok_and(|w| w == "on") {
                input.call(Ident::parse_any)?;
                let delete: Ident = input.call(Ident::parse_any)?;
                if delete != "delete" {
                    return Err(syn::Error::new(delete.span(), "expected `on delete …`"));
                }
                let first: Ident = input.call(Ident::parse_any)?;
                let mut words = first.to_string();
                if words == "set" || words == "no" {
                    let second: Ident = input.call(Ident::parse_any)?;
                    words = format!("{words} {second}");
                }
                action = Some(words);
            }
            references = Some((target, action));
        } else {
            return Err(syn::Error::new(
                word.span(),
                "expected `,`, `= default`, `unique` or `references <table>`",
            ));
        }
    }
    let rust_name = name.unraw().to_string();
    Ok(Column {
        sql_name: attributes.sql_name.unwrap_or_else(|| rust_name.clone()),
        renamed_from: attributes.renamed_from,
        rust_name,
        ty,
        nullable,
        has_default,
        default,
        unique,
        references,
    })
}

/// What `= default(…)` holds, as `table!` reads it.
fn parse_default(input: ParseStream<'_>) -> syn::Result<DefaultValue> {
    let negative = input.peek(Token![-]);
    if negative {
        input.parse::<Token![-]>()?;
    }
    if input.peek(syn::Lit) {
        let lit: syn::Lit = input.parse()?;
        let sign = if negative { "-" } else { "" };
        return Ok(match lit {
            syn::Lit::Int(i) => DefaultValue::Number(leak(format!("{sign}{}", i.base10_digits()))),
            syn::Lit::Float(f) => {
                DefaultValue::Number(leak(format!("{sign}{}", f.base10_digits())))
            }
            syn::Lit::Str(s) => DefaultValue::StringLiteral(leak(s.value())),
            syn::Lit::Bool(b) => DefaultValue::BoolLiteral(b.value),
            other => return Err(syn::Error::new(other.span(), "unsupported default")),
        });
    }
    let word: Ident = input.call(Ident::parse_any)?;
    let value = match word.to_string().as_str() {
        "now" | "current_timestamp" => {
            if input.peek(syn::token::Paren) {
                let _empty;
                syn::parenthesized!(_empty in input);
            }
            DefaultValue::CurrentTimestamp
        }
        "current_date" => DefaultValue::Today,
        "sql" => {
            let text;
            syn::parenthesized!(text in input);
            let sql: LitStr = text.parse()?;
            DefaultValue::Sql(leak(sql.value()))
        }
        _ => return Err(syn::Error::new(word.span(), "unsupported default")),
    };
    Ok(value)
}

/// The SQL names `table!` knows, with the spellings it also takes.
const ALIASES: &[(&str, &str)] = &[
    ("Boolean", "Bool"),
    ("SmallInt", "Int2"),
    ("Integer", "Int4"),
    ("BigInt", "Int8"),
    ("Float", "Float4"),
    ("Double", "Float8"),
    ("Varchar", "Text"),
    ("Blob", "Binary"),
    ("Bytea", "Binary"),
    ("Decimal", "Numeric"),
    ("TimestampTz", "Timestamptz"),
];

/// A column's type, and whether it is `Nullable<…>`.
fn column_type(ty: &syn::Type) -> syn::Result<(ColumnType, bool)> {
    let syn::Type::Path(path) = ty else {
        return Err(syn::Error::new(ty.span(), "expected a SQL type"));
    };
    let Some(last) = path.path.segments.last() else {
        return Err(syn::Error::new(ty.span(), "expected a SQL type"));
    };
    if path.path.segments.len() > 1 {
        // A SQL type of the user's own, by the last part of its path.
        return Ok((
            ColumnType::named(leak(last.ident.to_string().to_lowercase())),
            false,
        ));
    }
    let inner = || match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first() {
            Some(syn::GenericArgument::Type(inner)) => Ok(inner),
            _ => Err(syn::Error::new(ty.span(), "expected one SQL type")),
        },
        _ => Err(syn::Error::new(ty.span(), "expected one SQL type")),
    };
    let name = last.ident.to_string();
    match name.as_str() {
        "Nullable" => Ok((column_type(inner()?)?.0, true)),
        "Array" => Ok((ColumnType::array_of(column_type(inner()?)?.0), false)),
        _ => {
            let canonical = ALIASES
                .iter()
                .find(|(alias, _)| *alias == name)
                .map_or(name.as_str(), |(_, canonical)| canonical);
            Ok((ColumnType::builtin(leak(canonical.to_owned())), false))
        }
    }
}

/// The declarations, with Rust names turned into SQL names and foreign keys into the
/// tables and keys they reference.
fn resolve(tables: &[Declared]) -> Vec<TableDeclaration> {
    tables
        .iter()
        .map(|table| {
            let sql_of = |rust: &str| {
                table
                    .columns
                    .iter()
                    .find(|c| c.rust_name == rust)
                    .map_or(rust, |c| c.sql_name.as_str())
                    .to_owned()
            };
            let columns: Vec<ColumnDeclaration> = table
                .columns
                .iter()
                .map(|c| ColumnDeclaration {
                    name: leak(c.sql_name.clone()),
                    ty: c.ty,
                    nullable: c.nullable,
                    has_default: c.has_default,
                    default: c.default,
                    unique: c.unique,
                    references: c.references.as_ref().map(|(target, action)| {
                        let target = tables.iter().find(|t| &t.rust_name == target);
                        ForeignKey {
                            table: leak(target.map_or_else(
                                || {
                                    c.references
                                        .as_ref()
                                        .map(|r| r.0.clone())
                                        .unwrap_or_default()
                                },
                                |t| t.sql_name.clone(),
                            )),
                            column: leak(
                                target
                                    .and_then(|t| {
                                        let key = t.primary_key.first()?;
                                        t.columns
                                            .iter()
                                            .find(|c| &c.rust_name == key)
                                            .map(|c| c.sql_name.clone())
                                    })
                                    .unwrap_or_else(|| "id".to_owned()),
                            ),
                            on_delete: action.as_deref().and_then(on_delete_action),
                        }
                    }),
                    renamed_from: c.renamed_from.clone().map(leak),
                })
                .collect();
            let indexes: Vec<IndexDeclaration> = table
                .indexes
                .iter()
                .map(|(unique, columns)| IndexDeclaration {
                    unique: *unique,
                    columns: leak_list(columns.iter().map(|c| sql_of(c)).collect()),
                })
                .collect();
            TableDeclaration {
                name: leak(table.sql_name.clone()),
                columns: Box::leak(columns.into_boxed_slice()),
                primary_key: leak_list(table.primary_key.iter().map(|k| sql_of(k)).collect()),
                indexes: Box::leak(indexes.into_boxed_slice()),
                renamed_from: table.renamed_from.clone().map(leak),
            }
        })
        .collect()
}

/// A string that lives as long as the program: the CLI reads one schema and exits.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn leak_list(items: Vec<String>) -> &'static [&'static str] {
    Box::leak(
        items
            .into_iter()
            .map(leak)
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_ddl_needs() {
        let file: syn::File = syn::parse_quote! {
            mod schema {
                quarry::table! {
                    /// Doc comments say nothing about the schema.
                    #[index(author_id, title)]
                    books (id) {
                        id -> Int4 = default,
                        author_id -> Int4 references authors as writer on delete set null,
                        #[sql_name = "type"]
                        kind -> Nullable<Varchar> = default("novel"),
                        tags -> Array<Text>,
                        title -> Text unique,
                        pages -> Int2 = default(-1),
                    }
                }
            }
            quarry::table! {
                #[sql_name = "Writers"]
                authors (key) { key -> Int8, at -> Timestamptz = default(now()) }
            }
        };
        let mut tables = Vec::new();
        collect(&file.items, &mut tables).unwrap();
        let tables = resolve(&tables);
        let books = &tables[0];
        assert_eq!(books.name, "books");
        assert_eq!(books.primary_key, ["id"]);
        let kind = &books.columns[2];
        assert_eq!(kind.name, "type");
        assert_eq!(kind.ty, ColumnType::builtin("Text"));
        assert!(kind.nullable);
        assert_eq!(kind.default, Some(DefaultValue::StringLiteral("novel")));
        assert_eq!(
            books.columns[3].ty,
            ColumnType::array_of(ColumnType::builtin("Text"))
        );
        assert!(books.columns[4].unique);
        assert_eq!(books.columns[5].default, Some(DefaultValue::Number("-1")));
        let key = books.columns[1].references.unwrap();
        assert_eq!((key.table, key.column), ("Writers", "key"));
        assert_eq!(key.on_delete, Some(quarry::schema::OnDelete::SetNull));
        assert_eq!(books.indexes[0].columns, ["author_id", "title"]);
        assert_eq!(
            tables[1].columns[1].default,
            Some(DefaultValue::CurrentTimestamp)
        );
    }
}
