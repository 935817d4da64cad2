//! `table!`: parse → validate → expand.
//!
//! ```text
//! table! {
//!     /// docs
//!     #[sql_name = "people"]
//!     users (id) {
//!         /// docs
//!         id -> Int4 = default,
//!         #[sql_name = "type"]
//!         kind -> Text,
//!         team_id -> Nullable<Int4> references teams,
//!     }
//! }
//! ```
//!
//! A crate that re-exports quarry starts the input with `#[quarry(crate = path)]`; it
//! applies to every table of the invocation. The path is used inside each table's
//! module as well as beside it, so it is written from the crate root
//! (`crate::reexport::quarry`) or as a dependency's name.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, LitStr, Token, Type, braced, parenthesized};

use crate::table_ddl::{self, DefaultSql, OnDelete, TableIndex};

/// Entry point: every error is reported, each at the offending token.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    match syn::parse2::<Tables>(input).and_then(|tables| {
        let q = crate::crate_path::private(tables.krate.as_ref());
        let mut errors = Errors::default();
        let validated: Vec<Validated> = tables
            .tables
            .iter()
            .map(|t| validate(t, &q, &mut errors))
            .collect();
        let keys: Vec<Vec<Ident>> = validated.iter().map(|v| v.primary_key.clone()).collect();
        let out: Vec<_> = tables
            .tables
            .iter()
            .zip(&validated)
            .map(|(t, v)| expand_table(t, v, &q, &tables.tables, &keys))
            .collect();
        errors.finish()?;
        Ok(quote!(#(#out)*))
    }) {
        Ok(tokens) => tokens,
        Err(e) => e.into_compile_error(),
    }
}

struct Tables {
    /// `#[quarry(crate = …)]` at the start of the input.
    krate: Option<syn::Path>,
    tables: Vec<TableDef>,
}

pub(crate) struct TableDef {
    docs: Vec<TokenStream>,
    sql_name: Option<LitStr>,
    pub(crate) name: Ident,
    primary_key: Option<Punctuated<Ident, Token![,]>>,
    pub(crate) columns: Vec<ColumnDef>,
    /// `#[index(…)]` and `#[unique(…)]`.
    indexes: Vec<TableIndex>,
    /// `#[renamed_from = "…"]`: the SQL name it had, for `quarry diff`.
    renamed_from: Option<LitStr>,
}

pub(crate) struct ColumnDef {
    docs: Vec<TokenStream>,
    sql_name: Option<LitStr>,
    pub(crate) name: Ident,
    pub(crate) sql_type: Type,
    has_default: bool,
    /// The default's SQL: `= default(…)`.
    default_sql: Option<DefaultSql>,
    /// `unique` after the type.
    unique: bool,
    pub(crate) references: Option<syn::Path>,
    /// `references users as author`: the to-one relation's name.
    pub(crate) relation_name: Option<Ident>,
    /// `on delete …` after `references <table>`.
    on_delete: Option<OnDelete>,
    /// `#[renamed_from = "…"]`: the SQL name it had, for `quarry diff`.
    renamed_from: Option<LitStr>,
}

impl Parse for Tables {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let krate = if starts_with_quarry_attribute(input) {
            Some(parse_crate_attribute(input)?)
        } else {
            None
        };
        let mut tables = Vec::new();
        while !input.is_empty() {
            tables.push(input.parse()?);
        }
        if tables.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "expected a table: `users (id) { id -> Int4, name -> Text }`",
            ));
        }
        Ok(Tables { krate, tables })
    }
}

/// Whether the input starts with `#[quarry(…)]`.
fn starts_with_quarry_attribute(input: ParseStream<'_>) -> bool {
    fn peek(input: ParseStream<'_>) -> syn::Result<bool> {
        input.parse::<Token![#]>()?;
        let content;
        syn::bracketed!(content in input);
        Ok(content.call(Ident::parse_any)? == "quarry")
    }
    peek(&input.fork()).unwrap_or(false)
}

/// `#[quarry(crate = path)]`: the runtime's path, for every table of the invocation.
fn parse_crate_attribute(input: ParseStream<'_>) -> syn::Result<syn::Path> {
    input.parse::<Token![#]>()?;
    let content;
    syn::bracketed!(content in input);
    let meta: syn::Meta = content.parse()?;
    let mut krate = None;
    meta.require_list()?.parse_nested_meta(|meta| {
        if meta.path.is_ident("crate") {
            krate = Some(meta.value()?.parse()?);
            Ok(())
        } else {
            Err(meta
                .error("`table!` takes `#[quarry(crate = path::to::quarry)]` before its tables"))
        }
    })?;
    krate.ok_or_else(|| {
        syn::Error::new_spanned(&meta, "expected `#[quarry(crate = path::to::quarry)]`")
    })
}

/// Splits doc comments from `#[sql_name = "…"]` and a table's `#[index(…)]` /
/// `#[unique(…)]`; anything else is an error. Parsed by hand so that
/// `#[sql_name = type]` (a keyword, not a string) gets a clear message.
fn parse_attributes(input: ParseStream<'_>) -> syn::Result<Attributes> {
    let mut docs = Vec::new();
    let mut sql_name = None;
    let mut indexes = Vec::new();
    let mut renamed_from = None;
    while input.peek(Token![#]) {
        input.parse::<Token![#]>()?;
        let content;
        syn::bracketed!(content in input);
        let name: Ident = content.call(Ident::parse_any)?;
        if name == "doc" {
            let rest: TokenStream = content.parse()?;
            docs.push(quote!(#[doc #rest]));
        } else if name == "sql_name" {
            let message = "`sql_name` takes the name as a non-empty string: #[sql_name = \"type\"]";
            if !content.peek(Token![=]) {
                return Err(syn::Error::new_spanned(name, message));
            }
            content.parse::<Token![=]>()?;
            let value: proc_macro2::TokenTree = content
                .parse()
                .map_err(|e| syn::Error::new(e.span(), message))?;
            match syn::parse2::<LitStr>(value.clone().into()) {
                Ok(s) if !s.value().is_empty() && content.is_empty() => sql_name = Some(s),
                _ => return Err(syn::Error::new_spanned(value, message)),
            }
        } else if name == "renamed_from" {
            let message = "`renamed_from` takes the SQL name it had as a string: #[renamed_from = \"old_name\"]";
            let value = content
                .parse::<Token![=]>()
                .and_then(|_| content.parse::<LitStr>())
                .map_err(|e| syn::Error::new(e.span(), message))?;
            if value.value().is_empty() || !content.is_empty() {
                return Err(syn::Error::new_spanned(value, message));
            }
            renamed_from = Some(value);
        } else if name == "index" || name == "unique" {
            indexes.push(table_ddl::parse_index(&name, &content)?);
        } else if name == "quarry" {
            return Err(syn::Error::new_spanned(
                name,
                "`#[quarry(crate = …)]` goes first in `table!`, once, before every table and doc comment, and applies to all of them",
            ));
        } else {
            return Err(syn::Error::new_spanned(
                name,
                "unknown attribute: `table!` accepts doc comments, #[sql_name = \"…\"], #[renamed_from = \"…\"], and on a table #[index(…)] and #[unique(…)]",
            ));
        }
    }
    Ok(Attributes {
        docs,
        sql_name,
        indexes,
        renamed_from,
    })
}

/// The attributes before a table or a column.
struct Attributes {
    docs: Vec<TokenStream>,
    sql_name: Option<LitStr>,
    /// `#[index(…)]` / `#[unique(…)]`: a table's only.
    indexes: Vec<TableIndex>,
    /// `#[renamed_from = "…"]`.
    renamed_from: Option<LitStr>,
}

impl Parse for TableDef {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let Attributes {
            docs,
            sql_name,
            indexes,
            renamed_from,
        } = parse_attributes(input)?;
        let name: Ident = input
            .call(Ident::parse_any)
            .map_err(|e| syn::Error::new(e.span(), "expected a table name: `users (id) { … }`"))?;
        let primary_key = if input.peek(syn::token::Paren) {
            let content;
            parenthesized!(content in input);
            let keys = content.parse_terminated(Ident::parse_any, Token![,])?;
            if keys.is_empty() {
                return Err(syn::Error::new(
                    content.span(),
                    "the primary key needs at least one column: `users (id) { … }`",
                ));
            }
            Some(keys)
        } else {
            None
        };
        if !input.peek(syn::token::Brace) {
            return Err(syn::Error::new(
                input.span(),
                format!(
                    "expected `{{` and the columns of `{name}`: `{name} (id) {{ id -> Int4, … }}`"
                ),
            ));
        }
        let content;
        braced!(content in input);
        let columns = content.parse_terminated(ColumnDef::parse, Token![,])?;
        Ok(TableDef {
            docs,
            sql_name,
            name,
            primary_key,
            columns: columns.into_iter().collect(),
            indexes,
            renamed_from,
        })
    }
}

impl Parse for ColumnDef {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let Attributes {
            docs,
            sql_name,
            indexes,
            renamed_from,
        } = parse_attributes(input)?;
        if let Some(index) = indexes.first() {
            return Err(syn::Error::new_spanned(
                &index.attribute,
                format!(
                    "`#[{}(…)]` goes on the table, before its name, and names its columns",
                    index.attribute
                ),
            ));
        }
        let name: Ident = input
            .call(Ident::parse_any)
            .map_err(|e| syn::Error::new(e.span(), "expected a column: `name -> Text`"))?;
        if !input.peek(Token![->]) {
            return Err(syn::Error::new(
                input.span(),
                format!("expected `->` and the SQL type of `{name}`: `{name} -> Text`"),
            ));
        }
        input.parse::<Token![->]>()?;
        let sql_type: Type = input.parse()?;
        let mut has_default = false;
        let mut default_sql = None;
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            let word: proc_macro2::TokenTree = input.parse()?;
            if !matches!(&word, proc_macro2::TokenTree::Ident(i) if i == "default") {
                return Err(syn::Error::new_spanned(
                    word,
                    "expected `default` after `=`: `= default` marks a column the database fills in when an insert leaves it out, `= default(0)` gives its SQL too",
                ));
            }
            has_default = true;
            default_sql = table_ddl::parse_default(input)?;
        }
        let mut unique = false;
        let mut references = None;
        let mut relation_name = None;
        let mut on_delete = None;
        while input.peek(Ident::peek_any) {
            let word: Ident = input.call(Ident::parse_any)?;
            if word == "unique" && !unique && references.is_none() {
                unique = true;
            } else if word == "references" && references.is_none() {
                references = Some(input.parse()?);
                relation_name = crate::relations::parse_rename(input)?;
                on_delete = table_ddl::parse_on_delete(input)?;
            } else {
                return Err(syn::Error::new_spanned(
                    word,
                    "expected `,`, `= default`, `unique` or `references <table>` (`as <relation name>`) after the column's type",
                ));
            }
        }
        Ok(ColumnDef {
            docs,
            sql_name,
            name,
            sql_type,
            has_default,
            default_sql,
            unique,
            references,
            relation_name,
            on_delete,
            renamed_from,
        })
    }
}

#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// The SQL types `table!` knows by name, with the names they may also be spelled as.
pub(crate) const SQL_TYPES: &[(&str, &str)] = &[
    ("Bool", "Bool"),
    ("Boolean", "Bool"),
    ("Int2", "Int2"),
    ("SmallInt", "Int2"),
    ("Int4", "Int4"),
    ("Integer", "Int4"),
    ("Int8", "Int8"),
    ("BigInt", "Int8"),
    ("Float4", "Float4"),
    ("Float", "Float4"),
    ("Float8", "Float8"),
    ("Double", "Float8"),
    ("Text", "Text"),
    ("Varchar", "Text"),
    ("Binary", "Binary"),
    ("Blob", "Binary"),
    ("Bytea", "Binary"),
    ("Numeric", "Numeric"),
    ("Decimal", "Numeric"),
    ("Timestamp", "Timestamp"),
    ("Timestamptz", "Timestamptz"),
    ("TimestampTz", "Timestamptz"),
    ("Date", "Date"),
    ("Time", "Time"),
    ("Uuid", "Uuid"),
    ("Json", "Json"),
    ("Jsonb", "Jsonb"),
];

const KNOWN: &str = "Bool, Int2, Int4, Int8, Float4, Float8, Numeric, Text, Binary, Timestamp, \
     Timestamptz, Date, Time, Uuid, Json, Jsonb, or Nullable<…> or Array<…> of one of them";

/// Where a type being resolved sits: inside `Nullable<…>`, inside `Array<…>`.
#[derive(Clone, Copy, Default)]
struct TypeContext {
    in_nullable: bool,
    in_array: bool,
}

/// The SQL type meant by an unknown name: a Rust type's SQL counterpart (`String` →
/// `Text`), a known name in another case, or one a typo or two away.
fn suggest_type(name: &str) -> Option<&'static str> {
    const RUST_TYPES: &[(&str, &str)] = &[
        ("String", "Text"),
        ("str", "Text"),
        ("i16", "Int2"),
        ("i32", "Int4"),
        ("i64", "Int8"),
        ("f32", "Float4"),
        ("f64", "Float8"),
        ("bool", "Bool"),
        ("Vec", "Binary"),
        ("Option", "Nullable"),
    ];
    let sql_names = SQL_TYPES
        .iter()
        .map(|(alias, _)| (*alias, *alias))
        .chain([("Nullable", "Nullable"), ("Array", "Array")]);
    let name = name.to_lowercase();
    RUST_TYPES
        .iter()
        .copied()
        .chain(sql_names)
        .map(|(spelling, meant)| (edit_distance(&name, &spelling.to_lowercase()), meant))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, meant)| meant)
}

/// Levenshtein distance, for short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Names a column cannot take because the table's module already uses them.
const RESERVED: &[&str] = &["table", "all_columns", "columns"];

struct Validated {
    /// Each column's SQL type as a path into the runtime, and whether it is numeric.
    types: Vec<(TokenStream, bool)>,
    primary_key: Vec<Ident>,
}

fn validate(table: &TableDef, q: &TokenStream, errors: &mut Errors) -> Validated {
    let mut seen: Vec<String> = Vec::new();
    let mut seen_sql: Vec<String> = Vec::new();
    for column in &table.columns {
        let rust = column.name.unraw().to_string();
        let sql = column.sql_name.as_ref().map_or(rust.clone(), LitStr::value);
        if seen.contains(&rust) {
            errors.push(syn::Error::new_spanned(
                &column.name,
                format!("duplicate column `{rust}` in table `{}`", table.name),
            ));
        } else if seen_sql.contains(&sql) {
            errors.push(syn::Error::new_spanned(
                &column.name,
                format!("two columns of `{}` have the SQL name `{sql}`", table.name),
            ));
        }
        seen.push(rust.clone());
        seen_sql.push(sql);
        if RESERVED.contains(&rust.as_str()) {
            errors.push(syn::Error::new_spanned(
                &column.name,
                format!(
                    "a column cannot be named `{rust}` in Rust: name it otherwise and keep the SQL name with #[sql_name = \"{rust}\"]"
                ),
            ));
        }
    }
    if table.columns.is_empty() {
        errors.push(syn::Error::new_spanned(
            &table.name,
            format!("table `{}` has no columns", table.name),
        ));
    }
    for column in &table.columns {
        if let Some(e) = column
            .default_sql
            .as_ref()
            .and_then(|d| table_ddl::check_default(d, &column.sql_type))
        {
            errors.push(e);
        }
    }
    for index in &table.indexes {
        for key in &index.columns {
            if !seen.contains(&key.unraw().to_string()) {
                errors.push(syn::Error::new_spanned(
                    key,
                    format!(
                        "`#[{}(…)]` names `{key}`, which is not a column of `{}`",
                        index.attribute, table.name
                    ),
                ));
            }
        }
    }

    let types = table
        .columns
        .iter()
        .map(
            |c| match resolve_type(&c.sql_type, q, TypeContext::default()) {
                Ok(resolved) => resolved,
                Err(e) => {
                    errors.push(e);
                    (quote!(()), false)
                }
            },
        )
        .collect();

    let primary_key = match &table.primary_key {
        // A table without columns is already reported; no second error about its key.
        _ if table.columns.is_empty() => Vec::new(),
        Some(keys) => {
            let mut pk = Vec::new();
            for key in keys {
                if !seen.contains(&key.unraw().to_string()) {
                    errors.push(syn::Error::new_spanned(
                        key,
                        format!(
                            "primary key column `{key}` is not a column of `{}`",
                            table.name
                        ),
                    ));
                } else if pk.iter().any(|k: &Ident| k.unraw() == key.unraw()) {
                    errors.push(syn::Error::new_spanned(
                        key,
                        format!("`{key}` appears twice in the primary key"),
                    ));
                } else {
                    pk.push(key.clone());
                }
            }
            pk
        }
        None => match table.columns.iter().find(|c| c.name.unraw() == "id") {
            Some(id) => vec![id.name.clone()],
            None => {
                errors.push(syn::Error::new_spanned(
                    &table.name,
                    format!(
                        "table `{}` has no `id` column: name its primary key, as in `{} (key_column) {{ … }}`",
                        table.name, table.name
                    ),
                ));
                Vec::new()
            }
        },
    };
    Validated { types, primary_key }
}

/// `CompleteInsert` for the table: an insert's column list must provide every column
/// that is NOT NULL and has no `= default`.
fn complete_insert_impl(table: &TableDef, q: &TokenStream) -> TokenStream {
    let required: Vec<&Ident> = table
        .columns
        .iter()
        .filter(|c| !c.has_default && !is_nullable(&c.sql_type))
        .map(|c| &c.name)
        .collect();
    let indices: Vec<Ident> = (0..required.len()).map(|i| format_ident!("I{i}")).collect();
    // `L` and `I0…` show in "the trait `CompleteInsert<L, (I0, I1)>` is implemented"; the
    // columns are named through `self::` so that a column called `L` or `I0` still means
    // the column here.
    quote! {
        impl<L, #(#indices),*> #q::CompleteInsert<L, (#(#indices,)*)> for table
        where
            #(L: #q::Provides<self::#required, #indices>,)*
        {
        }
    }
}

/// Whether a column's declared type is `Nullable<…>`.
pub(crate) fn is_nullable(ty: &Type) -> bool {
    is_named(ty, "Nullable")
}

/// Whether `ty` is a path whose last segment is `name`: `Option<…>`, `std::option::Option<…>`.
pub(crate) fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// Resolves a column's SQL type: a known name (possibly inside `Nullable<…>` or
/// `Array<…>`), or a path with `::`, taken as a user-defined SQL type.
fn resolve_type(
    ty: &Type,
    q: &TokenStream,
    context: TypeContext,
) -> syn::Result<(TokenStream, bool)> {
    let Type::Path(path) = ty else {
        return Err(syn::Error::new_spanned(
            ty,
            format!("expected a SQL type: {KNOWN}"),
        ));
    };
    if path.qself.is_some() || path.path.segments.len() != 1 {
        // A user-defined SQL type, named by its path.
        return Ok((quote!(#ty), false));
    }
    let segment = &path.path.segments[0];
    let name = segment.ident.to_string();
    if name == "Nullable" || name == "Array" {
        if name == "Nullable" && context.in_nullable {
            return Err(syn::Error::new_spanned(
                ty,
                "`Nullable<Nullable<…>>` is the same as `Nullable<…>`: write it once",
            ));
        }
        if name == "Array" && context.in_array {
            return Err(syn::Error::new_spanned(
                ty,
                "arrays do not nest: PostgreSQL arrays have one element type (`Array<Int4>`), and quarry loads one-dimensional ones",
            ));
        }
        let inner = match &segment.arguments {
            syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0]
            {
                syn::GenericArgument::Type(inner) => inner,
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        format!("expected a SQL type inside `{name}<…>`"),
                    ));
                }
            },
            _ => {
                return Err(syn::Error::new_spanned(
                    ty,
                    format!("`{name}` takes one SQL type: `{name}<Text>`"),
                ));
            }
        };
        return if name == "Nullable" {
            let inner_context = TypeContext {
                in_nullable: true,
                ..context
            };
            let (inner, numeric) = resolve_type(inner, q, inner_context)?;
            Ok((
                quote_spanned!(ty.span()=> #q::types::Nullable<#inner>),
                numeric,
            ))
        } else {
            // Elements may be nullable again: `Nullable<Array<Nullable<Int4>>>`.
            let inner_context = TypeContext {
                in_nullable: false,
                in_array: true,
            };
            let (inner, _) = resolve_type(inner, q, inner_context)?;
            Ok((quote_spanned!(ty.span()=> #q::types::Array<#inner>), false))
        };
    }
    let Some((_, canonical)) = SQL_TYPES.iter().find(|(alias, _)| *alias == name) else {
        let hint =
            suggest_type(&name).map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
        return Err(syn::Error::new_spanned(
            ty,
            format!(
                "unknown SQL type `{name}`{hint}; expected {KNOWN}, or the path of a SQL type of your own (`crate::sql::MyType`)"
            ),
        ));
    };
    if !segment.arguments.is_none() {
        return Err(syn::Error::new_spanned(
            &segment.arguments,
            format!("`{name}` takes no type arguments"),
        ));
    }
    let numeric = matches!(
        *canonical,
        "Int2" | "Int4" | "Int8" | "Float4" | "Float8" | "Numeric"
    );
    let ident = Ident::new(canonical, segment.ident.span());
    Ok((quote!(#q::types::#ident), numeric))
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn expand_table(
    table: &TableDef,
    validated: &Validated,
    q: &TokenStream,
    tables: &[TableDef],
    keys: &[Vec<Ident>],
) -> TokenStream {
    let module = &table.name;
    let table_sql = table
        .sql_name
        .as_ref()
        .map_or_else(|| table.name.unraw().to_string(), LitStr::value);
    let table_quoted = quoted(&table_sql);
    let docs = &table.docs;

    let column_names: Vec<&Ident> = table.columns.iter().map(|c| &c.name).collect();
    let column_sql: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            c.sql_name
                .as_ref()
                .map_or_else(|| c.name.unraw().to_string(), LitStr::value)
        })
        .collect();
    let all_columns_sql = column_sql
        .iter()
        .map(|c| format!("{table_quoted}.{}", quoted(c)))
        .collect::<Vec<_>>()
        .join(", ");

    let primary_key = match validated.primary_key.as_slice() {
        [single] => quote!(#single),
        keys => quote!((#(#keys),*)),
    };

    // The column types, which users name; their impls go in the `const _` block below.
    let column_structs = table
        .columns
        .iter()
        .zip(&column_sql)
        .map(|(column, sql_name)| {
            let name = &column.name;
            let docs = &column.docs;
            let default_doc = column.has_default.then(|| {
            quote!(#[doc = ""] #[doc = "The database fills it when an insert leaves it out."])
        });
            let references_doc = column.references.as_ref().map(|path| {
                let text = format!(
                    "References `{}`.",
                    quote!(#path).to_string().replace(' ', "")
                );
                quote!(#[doc = ""] #[doc = #text])
            });
            let summary = format!("Column `{sql_name}` of `{table_sql}`.");
            quote! {
                #[doc = #summary]
                #(#docs)*
                #default_doc
                #references_doc
                // Few derives: each costs time on every column of a large schema.
                #[derive(Debug, Clone, Copy, Default)]
                pub struct #name;
            }
        });

    let column_impls = table
        .columns
        .iter()
        .zip(&validated.types)
        .zip(&column_sql)
        .map(|((column, (sql_type, numeric)), sql_name)| {
            let name = &column.name;
            let qualified = format!("{table_quoted}.{}", quoted(sql_name));
            let has_default = column.has_default;
            let omittable = (has_default || is_nullable(&column.sql_type))
                .then(|| quote!(impl #q::Omittable for #name {}));
            // A NOT NULL column of a built-in type also stands where its nullable type
            // is expected: `users::hair_color.eq(users::name)`.
            let builtin_not_null = matches!(
                &column.sql_type,
                Type::Path(p) if p.qself.is_none()
                    && p.path.segments.len() == 1
                    && p.path.segments[0].ident != "Nullable"
            );
            let as_nullable = builtin_not_null.then(|| {
                quote! {
                    impl #q::AsExpression<#q::types::Nullable<#sql_type>> for #name {
                        type Expression = #q::AsNullable<#name>;
                        #[inline]
                        fn into_expression(self) -> Self::Expression {
                            #q::ExpressionMethods::nullable(self)
                        }
                    }
                }
            });
            // `+ - * /` on numeric columns only: four impls on every column of a large
            // schema cost a second of its build (measured at 50 tables × 20 columns). A
            // text column then reports rustc's own "cannot add `&str` to `name`".
            let operators: &[(&str, &str)] = if *numeric {
                &[
                    ("Add", "add"),
                    ("Sub", "sub"),
                    ("Mul", "mul"),
                    ("Div", "div"),
                ]
            } else {
                &[]
            };
            let arithmetic = operators.iter().map(|(op, method)| {
                let op = format_ident!("{op}");
                let method = format_ident!("{method}");
                quote! {
                    impl<__Rhs> #q::ops::#op<__Rhs> for #name
                    where
                        __Rhs: #q::AsExpression<#sql_type>,
                        __Rhs::Expression: #q::Expression<SqlType: #q::types::NumericType>,
                    {
                        type Output = #q::Binary<#q::sql_ops::#op, #name, __Rhs::Expression>;
                        fn #method(self, rhs: __Rhs) -> Self::Output {
                            #q::Binary::new(self, #q::AsExpression::into_expression(rhs))
                        }
                    }
                }
            });
            quote! {
                impl #q::AsExpression<#sql_type> for #name {
                    type Expression = #name;
                    #[inline]
                    fn into_expression(self) -> #name {
                        self
                    }
                }

                #as_nullable

                impl #q::Column for #name {
                    type Table = table;
                    type SqlType = #sql_type;
                    const NAME: &'static str = #sql_name;
                    const QUALIFIED: &'static str = #qualified;
                    const HAS_DEFAULT: bool = #has_default;
                }
                impl #q::ColumnOf<table> for #name {}
                #omittable

                impl<__QS, __I> #q::SelectList<__QS, __I> for #name
                where
                    __QS: #q::Contains<table, __I>,
                    <__QS::Nullability as #q::Nullability>::Apply<#sql_type>: #q::DecodeRow,
                {
                    // Nullable when the table is left-joined.
                    type Row = <__QS::Nullability as #q::Nullability>::Apply<#sql_type>;
                }

                #(#arithmetic)*
            }
        });

    let decode_types = validated.types.iter().map(|(ty, _)| ty);
    let decode_types2 = decode_types.clone();
    let support_types = decode_types.clone();
    let column_count = table.columns.len();
    let joins = join_impls(table, q);
    let declaration = declaration(table, &table_sql, &column_sql, validated, q);
    let relation_items = crate::relations::module_items(table, tables, keys);
    let relations = crate::relations::impls(table, tables, keys, q);
    let complete_insert = complete_insert_impl(table, q);
    let table_doc = format!("The `{table_sql}` table.");
    let all_doc = format!("Every column of `{table_sql}`, in declaration order.");

    quote! {
        #(#docs)*
        #[allow(non_camel_case_types, non_upper_case_globals, dead_code, unreachable_pub)]
        pub mod #module {
            #[doc = #table_doc]
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
            pub struct table;

            #[doc = #all_doc]
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
            pub struct all_columns;

            #(#column_structs)*

            #relation_items

            /// The columns of this table, to import with `use …::columns::*`.
            pub mod columns {
                // In a private module, re-exports nobody imports would be reported.
                #[allow(unused_imports)]
                pub use super::{#(#column_names),*};
            }

            const _: () = {
                #complete_insert

                impl #q::Table for table {
                    const NAME: &'static str = #table_sql;
                    const QUOTED: &'static str = #table_quoted;
                    type PrimaryKey = #primary_key;
                    type AllColumns = all_columns;
                    const ALL_COLUMNS_SQL: &'static str = #all_columns_sql;
                    const COLUMN_NAMES: &'static [&'static str] = &[#(#column_sql),*];
                }

                impl #q::ValidGrouping<#q::NoGroupBy, ()> for all_columns {
                    type Kind = #q::Plain;
                }

                impl<__QS, __I> #q::SelectList<__QS, __I> for all_columns
                where
                    __QS: #q::Contains<table, __I>,
                {
                    type Row = <__QS::Nullability as #q::Nullability>::WrapRow<all_columns>;
                }

                impl #q::DecodeRow for all_columns {
                    type Output = (#(<#decode_types as #q::SqlType>::Rust,)*);
                    const WIDTH: usize = #column_count;
                    #[inline]
                    fn decode<__R: #q::Row>(
                        row: &__R,
                        idx: &mut usize,
                    ) -> #q::QueryResult<Self::Output> {
                        ::core::result::Result::Ok((
                            #(#q::decode_value::<#decode_types2, _, __R>(row, idx)?,)*
                        ))
                    }
                }

                // Renders only on backends that store every column's type: a table with
                // an `Array` column cannot be loaded whole from SQLite.
                impl<__DB: #q::Backend> #q::QueryFragment<__DB> for all_columns
                where
                    #(#support_types: #q::SupportedBy<__DB>,)*
                {
                    fn walk<'__a>(&'__a self, out: &mut #q::SqlWriter<'__a>) {
                        out.push_sql(#all_columns_sql);
                    }
                }

                #(#column_impls)*
            };
        }

        #joins
        #declaration
        #relations
    }
}

/// The table's declaration for `quarry::schema::create_all` (see `table_ddl`).
fn declaration(
    table: &TableDef,
    table_sql: &str,
    column_sql: &[String],
    validated: &Validated,
    q: &TokenStream,
) -> TokenStream {
    let sql_name_of = |key: &Ident| {
        table
            .columns
            .iter()
            .zip(column_sql)
            .find(|(c, _)| c.name.unraw() == key.unraw())
            .map(|(_, sql)| sql.clone())
    };
    let columns: Vec<table_ddl::Column<'_>> = table
        .columns
        .iter()
        .zip(column_sql)
        .map(|(c, sql_name)| table_ddl::Column {
            sql_name,
            sql_type: &c.sql_type,
            nullable: is_nullable(&c.sql_type),
            has_default: c.has_default,
            default: c.default_sql.as_ref(),
            unique: c.unique,
            references: c.references.as_ref(),
            on_delete: c.on_delete.as_ref(),
            renamed_from: c.renamed_from.as_ref().map(LitStr::value),
        })
        .collect();
    let primary_key: Vec<String> = validated
        .primary_key
        .iter()
        .filter_map(sql_name_of)
        .collect();
    let indexes: Vec<(bool, Vec<String>)> = table
        .indexes
        .iter()
        .map(|index| {
            (
                index.unique,
                index.columns.iter().filter_map(sql_name_of).collect(),
            )
        })
        .collect();
    let renamed_from = table.renamed_from.as_ref().map(LitStr::value);
    table_ddl::expand(
        &table.name,
        table_sql,
        renamed_from.as_deref(),
        &columns,
        &primary_key,
        &indexes,
        q,
    )
}

/// `JoinTo` impls for each foreign key, in both directions, so that `inner_join` and
/// `left_join` find the ON clause. They are emitted beside the table's module, where the
/// referenced table's path means what the user wrote. Each impl names the key column,
/// so several keys to the same table coexist (and a join between them must say which
/// with `.on(…)`).
fn join_impls(table: &TableDef, q: &TokenStream) -> TokenStream {
    let module = &table.name;
    let impls: Vec<TokenStream> = table
        .columns
        .iter()
        .filter_map(|column| {
            let target = column.references.as_ref()?;
            // A key to the table itself (a tree) joins through an alias, not this way:
            // a table joined to itself would name its columns ambiguously.
            if target.get_ident().is_some_and(|t| t == module) {
                return None;
            }
            let key = &column.name;
            let on = quote! {
                #q::Binary<#q::Eq, #module::#key, <#target::table as #q::Table>::PrimaryKey>
            };
            Some(quote! {
                impl #q::JoinTo<#target::table, #module::#key> for #module::table {
                    type On = #on;
                }
                impl #q::JoinTo<#module::table, #module::#key> for #target::table {
                    type On = #on;
                }
            })
        })
        .collect();
    if impls.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const _: () = {
            #(#impls)*
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(input: TokenStream) -> String {
        expand(input).to_string()
    }

    #[test]
    fn expands_columns_and_metadata() {
        let out = expand(quote! {
            users (id) {
                id -> Int4 = default,
                #[sql_name = "type"]
                kind -> Text,
                hair_color -> Nullable<Text>,
            }
        })
        .to_string();
        assert!(out.contains("pub mod users"), "{out}");
        assert!(
            out.contains(r#"const NAME : & 'static str = "type""#),
            "{out}"
        );
        assert!(out.contains(r#"const HAS_DEFAULT : bool = true"#), "{out}");
        assert!(
            out.contains(r#""\"users\".\"id\", \"users\".\"type\", \"users\".\"hair_color\"""#),
            "{out}"
        );
        assert!(out.contains("type PrimaryKey = id"), "{out}");
    }

    #[test]
    fn composite_primary_key_is_a_tuple() {
        let out =
            expand(quote! { memberships (user_id, team_id) { user_id -> Int4, team_id -> Int4 } })
                .to_string();
        assert!(
            out.contains("type PrimaryKey = (user_id , team_id)"),
            "{out}"
        );
    }

    #[test]
    fn reports_every_mistake_at_once() {
        let out = errors_of(quote! {
            users (nope) {
                id -> Int4,
                id -> Text,
                name -> Strng,
            }
        });
        assert!(out.contains("duplicate column `id`"), "{out}");
        assert!(
            out.contains("unknown SQL type `Strng` (did you mean `Text`?)"),
            "{out}"
        );
        assert!(out.contains("primary key column `nope`"), "{out}");
    }

    #[test]
    fn new_types_aliases_and_arrays_resolve() {
        let out = expand(quote! {
            events (id) {
                id -> Uuid,
                at -> TimestampTz,
                day -> Nullable<Date>,
                price -> Decimal,
                doc -> Jsonb,
                tags -> Array<Nullable<Text>>,
                scores -> Nullable<Array<Int4>>,
            }
        })
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("types :: Timestamptz"), "{out}");
        assert!(out.contains("types :: Numeric"), "{out}");
        assert!(
            out.contains("types :: Array < :: quarry :: __private :: types :: Nullable < :: quarry :: __private :: types :: Text > >"),
            "{out}"
        );
        assert!(
            out.contains("types :: Nullable < :: quarry :: __private :: types :: Array <"),
            "{out}"
        );
    }

    #[test]
    fn nested_arrays_are_rejected() {
        let out = errors_of(quote! { t (id) { id -> Int4, grid -> Array<Nullable<Array<Int4>>> } });
        assert!(out.contains("arrays do not nest"), "{out}");
        let out = errors_of(quote! { t (id) { id -> Int4, xs -> Array } });
        assert!(out.contains("`Array` takes one SQL type"), "{out}");
    }

    #[test]
    fn suggestions_for_unknown_types() {
        assert_eq!(suggest_type("String"), Some("Text"));
        assert_eq!(suggest_type("i32"), Some("Int4"));
        assert_eq!(suggest_type("int4"), Some("Int4"));
        assert_eq!(suggest_type("Timestmp"), Some("Timestamp"));
        assert_eq!(suggest_type("Geometry"), None);
    }

    #[test]
    fn reserved_column_names_are_rejected() {
        let out = errors_of(quote! { t (id) { id -> Int4, table -> Text } });
        assert!(out.contains("cannot be named `table`"), "{out}");
    }
}
