//! What `table!` says about creating its table, for `quarry::schema::create_all`: a
//! default's SQL (`= default(0)`, `= default(now())`), `unique` columns, `on delete`
//! actions of foreign keys, and the table's indexes (`#[index(a, b)]`,
//! `#[unique(a, b)]`). Parsed here beside the column syntax of `table.rs`, validated
//! against the table's columns, and expanded into one constant per table that the
//! runtime renders in each backend's dialect.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token, Type};

/// The SQL a column's default is, when the declaration gives it.
pub(crate) enum DefaultSql {
    /// A number, a string or a bool, written as an SQL literal; `negative` for `-1`.
    Literal { lit: syn::Lit, negative: bool },
    /// `now()`: the backend's current timestamp.
    Now,
    /// `current_date`.
    CurrentDate,
    /// `sql("…")`: SQL text of the user's own, used as written.
    Sql(LitStr),
}

/// `on delete …` of a foreign key.
pub(crate) struct OnDelete {
    /// The runtime's variant: `Cascade`, `SetNull`, `Restrict`, `NoAction`.
    variant: Ident,
}

/// `#[index(a, b)]` or `#[unique(a, b)]` on a table.
pub(crate) struct TableIndex {
    /// `index` or `unique`, for errors.
    pub(crate) attribute: Ident,
    pub(crate) unique: bool,
    pub(crate) columns: Punctuated<Ident, Token![,]>,
}

const DEFAULT_FORMS: &str = "`= default` (the database fills it), or `= default(<SQL>)` with a number, a string, `true`/`false`, `now()`, `current_date` or `sql(\"…\")`";

/// What may follow `default`: nothing (the database's own default, as declared in SQL
/// elsewhere), or its SQL in parentheses.
pub(crate) fn parse_default(input: ParseStream<'_>) -> syn::Result<Option<DefaultSql>> {
    if !input.peek(syn::token::Paren) {
        return Ok(None);
    }
    let content;
    syn::parenthesized!(content in input);
    let value = if content.peek(Token![-]) {
        content.parse::<Token![-]>()?;
        match content.parse::<syn::Lit>()? {
            lit @ (syn::Lit::Int(_) | syn::Lit::Float(_)) => DefaultSql::Literal {
                lit,
                negative: true,
            },
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "only a number can be negative",
                ));
            }
        }
    } else if content.peek(syn::Lit) {
        match content.parse::<syn::Lit>()? {
            lit
            @ (syn::Lit::Int(_) | syn::Lit::Float(_) | syn::Lit::Str(_) | syn::Lit::Bool(_)) => {
                DefaultSql::Literal {
                    lit,
                    negative: false,
                }
            }
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    format!("unsupported default; expected {DEFAULT_FORMS}"),
                ));
            }
        }
    } else {
        let word: Ident = content.call(Ident::parse_any)?;
        if word == "now" || word == "current_timestamp" {
            if content.peek(syn::token::Paren) {
                let empty;
                syn::parenthesized!(empty in content);
                if !empty.is_empty() {
                    return Err(empty.error("`now()` takes no arguments"));
                }
            }
            DefaultSql::Now
        } else if word == "current_date" {
            DefaultSql::CurrentDate
        } else if word == "sql" {
            let text;
            syn::parenthesized!(text in content);
            let sql: LitStr = text.parse()?;
            if sql.value().trim().is_empty() {
                return Err(syn::Error::new_spanned(sql, "`sql(\"…\")` needs SQL text"));
            }
            DefaultSql::Sql(sql)
        } else {
            return Err(syn::Error::new_spanned(
                word,
                format!("unsupported default; expected {DEFAULT_FORMS}"),
            ));
        }
    };
    if !content.is_empty() {
        return Err(content.error(format!("expected one default: {DEFAULT_FORMS}")));
    }
    Ok(Some(value))
}

/// `on delete cascade | set null | set default | restrict | no action`, after a
/// foreign key's table, if it is there.
pub(crate) fn parse_on_delete(input: ParseStream<'_>) -> syn::Result<Option<OnDelete>> {
    let fork = input.fork();
    let starts = fork
        .call(Ident::parse_any)
        .is_ok_and(|word| word == "on" && fork.peek(Ident::peek_any));
    if !starts {
        return Ok(None);
    }
    input.call(Ident::parse_any)?;
    let delete: Ident = input.call(Ident::parse_any)?;
    if delete != "delete" {
        return Err(syn::Error::new_spanned(
            delete,
            "expected `on delete …` (an `on update` action is not supported)",
        ));
    }
    let message =
        "expected `on delete cascade`, `set null`, `set default`, `restrict` or `no action`";
    let first: Ident = input
        .call(Ident::parse_any)
        .map_err(|e| syn::Error::new(e.span(), message))?;
    let variant = match first.to_string().as_str() {
        "cascade" => "Cascade",
        "restrict" => "Restrict",
        "set" | "no" => {
            let second: Ident = input
                .call(Ident::parse_any)
                .map_err(|e| syn::Error::new(e.span(), message))?;
            match (first.to_string().as_str(), second.to_string().as_str()) {
                ("set", "null") => "SetNull",
                ("set", "default") => "SetDefault",
                ("no", "action") => "NoAction",
                _ => return Err(syn::Error::new_spanned(second, message)),
            }
        }
        _ => return Err(syn::Error::new_spanned(first, message)),
    };
    Ok(Some(OnDelete {
        variant: Ident::new(variant, first.span()),
    }))
}

/// The columns of `#[index(…)]` / `#[unique(…)]`.
pub(crate) fn parse_index(name: &Ident, content: ParseStream<'_>) -> syn::Result<TableIndex> {
    let message = format!(
        "`#[{name}(…)]` names one or more columns of the table: #[{name}(user_id, created_at)]"
    );
    let inner;
    if !content.peek(syn::token::Paren) {
        return Err(syn::Error::new_spanned(name, message));
    }
    syn::parenthesized!(inner in content);
    let columns = inner.parse_terminated(Ident::parse_any, Token![,])?;
    if columns.is_empty() || !content.is_empty() {
        return Err(syn::Error::new_spanned(name, message));
    }
    Ok(TableIndex {
        attribute: name.clone(),
        unique: name == "unique",
        columns,
    })
}

/// One column, as `expand` sees it.
pub(crate) struct Column<'a> {
    pub(crate) sql_name: &'a str,
    pub(crate) sql_type: &'a Type,
    pub(crate) nullable: bool,
    pub(crate) has_default: bool,
    pub(crate) default: Option<&'a DefaultSql>,
    pub(crate) unique: bool,
    pub(crate) references: Option<&'a syn::Path>,
    pub(crate) on_delete: Option<&'a OnDelete>,
    pub(crate) renamed_from: Option<String>,
}

/// The table's declaration for `create_all`: one constant, one entry per column. Emitted
/// beside the table's module, where the referenced tables' paths mean what the user
/// wrote. `indexes` holds each index's columns by SQL name.
pub(crate) fn expand(
    module: &Ident,
    table_sql: &str,
    renamed_from: Option<&str>,
    columns: &[Column<'_>],
    primary_key: &[String],
    indexes: &[(bool, Vec<String>)],
    q: &TokenStream,
) -> TokenStream {
    let columns = columns.iter().map(|c| {
        let name = c.sql_name;
        let ty = column_type(c.sql_type, q);
        let nullable = c.nullable;
        let has_default = c.has_default;
        let default = match c.default {
            None => quote!(::core::option::Option::None),
            Some(d) => {
                let d = default_tokens(d, q);
                quote!(::core::option::Option::Some(#d))
            }
        };
        let unique = c.unique;
        let renamed = option_str(c.renamed_from.as_deref());
        let references = match c.references {
            None => quote!(::core::option::Option::None),
            Some(target) => {
                let on_delete = c.on_delete.map_or_else(
                    || quote!(::core::option::Option::None),
                    |o| {
                        let v = &o.variant;
                        quote!(::core::option::Option::Some(#q::schema::OnDelete::#v))
                    },
                );
                quote! {
                    ::core::option::Option::Some(#q::schema::ForeignKey {
                        table: <#target::table as #q::Table>::NAME,
                        column: <<#target::table as #q::Table>::PrimaryKey as #q::Column>::NAME,
                        on_delete: #on_delete,
                    })
                }
            }
        };
        quote! {
            #q::schema::ColumnDeclaration {
                name: #name,
                ty: #ty,
                nullable: #nullable,
                has_default: #has_default,
                default: #default,
                unique: #unique,
                references: #references,
                renamed_from: #renamed,
            }
        }
    });
    let indexes = indexes.iter().map(|(unique, cols)| {
        quote!(#q::schema::IndexDeclaration { unique: #unique, columns: &[#(#cols),*] })
    });
    let table_renamed = option_str(renamed_from);
    quote! {
        const _: () = {
            impl #q::schema::Declared for #module::table {
                fn declaration(&self) -> &'static #q::schema::TableDeclaration {
                    const DECLARATION: #q::schema::TableDeclaration = #q::schema::TableDeclaration {
                        name: #table_sql,
                        columns: &[#(#columns),*],
                        primary_key: &[#(#primary_key),*],
                        indexes: &[#(#indexes),*],
                        renamed_from: #table_renamed,
                    };
                    &DECLARATION
                }
            }
        };
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

/// The column's type for DDL: the built-in type the name resolves to (through
/// `Nullable<…>`, which only makes the column nullable), an array of one, or a SQL
/// type of the user's own, created by its `SqlType::NAME`.
fn column_type(ty: &Type, q: &TokenStream) -> TokenStream {
    if let Type::Path(path) = ty {
        if path.qself.is_none() && path.path.segments.len() == 1 {
            let segment = &path.path.segments[0];
            let name = segment.ident.to_string();
            let inner = match &segment.arguments {
                syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => {
                    match &args.args[0] {
                        syn::GenericArgument::Type(inner) => Some(inner),
                        _ => None,
                    }
                }
                _ => None,
            };
            match (name.as_str(), inner) {
                ("Nullable", Some(inner)) => return column_type(inner, q),
                ("Array", Some(inner)) => {
                    let element = column_type(inner, q);
                    return quote!(#q::schema::ColumnType::array_of(#element));
                }
                _ => {}
            }
            if let Some((_, canonical)) = crate::table::SQL_TYPES
                .iter()
                .find(|(alias, _)| *alias == name)
            {
                return quote!(#q::schema::ColumnType::builtin(#canonical));
            }
        }
    }
    quote!(#q::schema::ColumnType::named(<#ty as #q::types::SqlType>::NAME))
}

fn default_tokens(default: &DefaultSql, q: &TokenStream) -> TokenStream {
    match default {
        DefaultSql::Literal { lit, negative } => {
            let text = match lit {
                syn::Lit::Str(s) => s.value(),
                syn::Lit::Bool(b) => b.value.to_string(),
                syn::Lit::Int(i) => {
                    let digits = i.base10_digits();
                    if *negative {
                        format!("-{digits}")
                    } else {
                        digits.to_owned()
                    }
                }
                syn::Lit::Float(f) => {
                    let digits = f.base10_digits();
                    if *negative {
                        format!("-{digits}")
                    } else {
                        digits.to_owned()
                    }
                }
                _ => String::new(),
            };
            match lit {
                syn::Lit::Str(_) => quote!(#q::schema::DefaultValue::StringLiteral(#text)),
                syn::Lit::Bool(b) => {
                    let value = b.value;
                    quote!(#q::schema::DefaultValue::BoolLiteral(#value))
                }
                _ => quote!(#q::schema::DefaultValue::Number(#text)),
            }
        }
        DefaultSql::Now => quote!(#q::schema::DefaultValue::CurrentTimestamp),
        DefaultSql::CurrentDate => quote!(#q::schema::DefaultValue::Today),
        DefaultSql::Sql(sql) => quote!(#q::schema::DefaultValue::Sql(#sql)),
    }
}

/// Checks a default's literal against the column's declared type where the mismatch is
/// plain: a bool default on a non-bool column, a number on a text or bool column.
pub(crate) fn check_default(default: &DefaultSql, ty: &Type) -> Option<syn::Error> {
    let DefaultSql::Literal { lit, .. } = default else {
        return None;
    };
    let base = base_type_name(ty)?;
    let numeric = matches!(
        base.as_str(),
        "Int2"
            | "SmallInt"
            | "Int4"
            | "Integer"
            | "Int8"
            | "BigInt"
            | "Float4"
            | "Float"
            | "Float8"
            | "Double"
            | "Numeric"
            | "Decimal"
    );
    let boolean = matches!(base.as_str(), "Bool" | "Boolean");
    let wrong = match lit {
        syn::Lit::Bool(_) => !boolean,
        syn::Lit::Int(_) | syn::Lit::Float(_) => !numeric,
        _ => false,
    };
    wrong.then(|| {
        syn::Error::new_spanned(
            lit,
            format!("this default does not fit a column of type `{base}`"),
        )
    })
}

/// The name of a built-in type under `Nullable<…>`, `None` for arrays and paths.
fn base_type_name(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() || path.path.segments.len() != 1 {
        return None;
    }
    let segment = &path.path.segments[0];
    let name = segment.ident.to_string();
    if name == "Nullable" {
        if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
            if let Some(syn::GenericArgument::Type(inner)) = args.args.first() {
                return base_type_name(inner);
            }
        }
        return None;
    }
    (name != "Array").then_some(name)
}
