//! The relations `table!` derives from `references`: parse the `as name` of a key,
//! validate the names, expand one relation per direction of each foreign key.
//!
//! ```text
//! posts (id) {
//!     id -> Int4,
//!     author_id -> Int4 references users as author,   // posts::author (to-one)
//! }                                                   // posts::by_author_id (to-many from users)
//! ```
//!
//! Per foreign key `k references P` of table `C`:
//! - `C::<name>`: to-one, from `C` to `P` (`name` is `P`'s name unless renamed);
//! - `C::by_<k>`: to-many, from `P` to `C`, also named `P::<C>` (`P::<C>_by_<name>` when
//!   renamed) when `P` is declared in the same `table!`.
//!
//! A link table, whose primary key is two columns that both reference a table, also
//! gives `L::through_<k>`: many-to-many from the table `k` references to the other one,
//! named `P1::<P2>` beside the tables when they are in the same `table!`.
//!
//! Each is one unit struct and one impl: O(1) per foreign key, never per table pair.

use crate::table::{ColumnDef, Errors, TableDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Ident, Token};

/// `as name` after `references table`: the name of the to-one relation.
pub(crate) fn parse_rename(input: ParseStream<'_>) -> syn::Result<Option<Ident>> {
    if !input.peek(Token![as]) {
        return Ok(None);
    }
    input.parse::<Token![as]>()?;
    input
        .call(Ident::parse_any)
        .map(Some)
        .map_err(|e| syn::Error::new(e.span(), "expected the relation's name after `as`: `references users as author`"))
}

/// One relation item of a table's module, and where it came from.
struct Item {
    /// The name in the module.
    name: Ident,
    /// The column whose `references` made it, for errors.
    column: Ident,
}

/// The table a key references, when it is a table of this `table!` (named by one
/// identifier).
fn local_target<'t>(column: &ColumnDef, tables: &'t [TableDef]) -> Option<&'t TableDef> {
    let target = column.references.as_ref()?.get_ident()?;
    tables.iter().find(|t| t.name == *target)
}

/// The last segment of the referenced table's path.
fn target_name(column: &ColumnDef) -> Option<Ident> {
    let path = column.references.as_ref()?;
    path.segments.last().map(|s| s.ident.unraw())
}

/// The to-one relation's name: `as name`, or the referenced table's.
fn to_one_name(column: &ColumnDef) -> Option<Ident> {
    column
        .relation_name
        .clone()
        .or_else(|| target_name(column))
}

/// The two keys of a link table: its primary key is two columns, both `references`.
fn link_keys<'t>(table: &'t TableDef, primary_key: &[Ident]) -> Option<(&'t ColumnDef, &'t ColumnDef)> {
    let [a, b] = primary_key else {
        return None;
    };
    let find = |key: &Ident| {
        table
            .columns
            .iter()
            .find(|c| c.name.unraw() == key.unraw() && c.references.is_some())
    };
    Some((find(a)?, find(b)?))
}

/// The items a table's own foreign keys put in its module.
fn own_items(table: &TableDef, primary_key: &[Ident]) -> Vec<Item> {
    let mut items = Vec::new();
    for column in table.columns.iter().filter(|c| c.references.is_some()) {
        if let Some(name) = to_one_name(column) {
            items.push(Item {
                name,
                column: column.name.clone(),
            });
        }
        items.push(Item {
            name: format_ident!("by_{}", column.name.unraw()),
            column: column.name.clone(),
        });
    }
    if let Some((a, b)) = link_keys(table, primary_key) {
        for column in [a, b] {
            items.push(Item {
                name: format_ident!("through_{}", column.name.unraw()),
                column: column.name.clone(),
            });
        }
    }
    items
}

/// An alias that another table's key puts in `parent`'s module: `(name, the child's
/// module, the child's item, the key column)`.
struct Alias {
    name: Ident,
    child: Ident,
    item: Ident,
    column: Ident,
}

/// The reverse relations that the tables of this `table!` give `parent`.
fn aliases_for(parent: &TableDef, tables: &[TableDef], keys: &[Vec<Ident>]) -> Vec<Alias> {
    let mut out = Vec::new();
    for (child, primary_key) in tables.iter().zip(keys) {
        for column in &child.columns {
            if local_target(column, tables).is_none_or(|t| t.name != parent.name) {
                continue;
            }
            let Some(name) = reverse_name(child, column) else {
                continue;
            };
            out.push(Alias {
                name,
                child: child.name.clone(),
                item: format_ident!("by_{}", column.name.unraw()),
                column: column.name.clone(),
            });
        }
        if let Some((a, b)) = link_keys(child, primary_key) {
            for (from, to) in [(a, b), (b, a)] {
                if local_target(from, tables).is_none_or(|t| t.name != parent.name) {
                    continue;
                }
                let Some(name) = to_one_name(to) else {
                    continue;
                };
                out.push(Alias {
                    name,
                    child: child.name.clone(),
                    item: format_ident!("through_{}", from.name.unraw()),
                    column: from.name.clone(),
                });
            }
        }
    }
    out
}

/// The name of the to-many relation that `column` of `child` gives the table it
/// references: the child's name (`users::posts`), or `<child>_by_<to-one name>` when the
/// child has several keys to that table or references itself (`employees::employees_by_manager`).
fn reverse_name(child: &TableDef, column: &ColumnDef) -> Option<Ident> {
    let target = column.references.as_ref()?;
    let keys_to_target = child
        .columns
        .iter()
        .filter(|c| c.references.as_ref() == Some(target))
        .count();
    let self_reference = target.get_ident().is_some_and(|t| *t == child.name);
    if keys_to_target > 1 || self_reference {
        let one = to_one_name(column)?;
        Some(format_ident!("{}_by_{}", child.name.unraw(), one.unraw()))
    } else {
        Some(child.name.unraw())
    }
}

/// Checks that every relation name is free in its module.
pub(crate) fn validate(tables: &[TableDef], keys: &[Vec<Ident>], errors: &mut Errors) {
    for (table, primary_key) in tables.iter().zip(keys) {
        let mut taken: Vec<String> = table
            .columns
            .iter()
            .map(|c| c.name.unraw().to_string())
            .chain(["table", "all_columns", "columns"].map(String::from))
            .collect();
        let own = own_items(table, primary_key)
            .into_iter()
            .map(|i| (i.name, i.column));
        let aliases = aliases_for(table, tables, keys)
            .into_iter()
            .map(|a| (a.name, a.column));
        for (name, column) in own.chain(aliases) {
            let text = name.unraw().to_string();
            if taken.contains(&text) {
                errors.push(syn::Error::new_spanned(
                    &column,
                    format!(
                        "the relation `{}::{text}` that `{column}` makes has the name of another column or relation of `{}`: name it with `references … as other_name`",
                        table.name, table.name
                    ),
                ));
            } else {
                taken.push(text);
            }
        }
    }
}

/// The relation structs of a table's module, and the aliases of the relations other
/// tables of the same `table!` have to it.
pub(crate) fn module_items(
    table: &TableDef,
    primary_key: &[Ident],
    tables: &[TableDef],
    keys: &[Vec<Ident>],
) -> TokenStream {
    let structs = own_items(table, primary_key).into_iter().map(|item| {
        let name = &item.name;
        let doc = format!(
            "A relation of `{}`, from the foreign key `{}`: pass it to `.with(…)`.",
            table.name, item.column
        );
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, Default)]
            pub struct #name;
        }
    });
    let aliases = aliases_for(table, tables, keys).into_iter().map(|alias| {
        let Alias {
            name, child, item, ..
        } = alias;
        quote! {
            #[doc(inline)]
            pub use super::#child::#item as #name;
        }
    });
    quote!(#(#structs)* #(#aliases)*)
}

/// The `Relation` impls of a table's keys, beside its module (where the referenced
/// tables' paths mean what the user wrote).
pub(crate) fn impls(
    table: &TableDef,
    primary_key: &[Ident],
    tables: &[TableDef],
    q: &TokenStream,
) -> TokenStream {
    let module = &table.name;
    let mut out = Vec::new();
    for column in table.columns.iter() {
        let Some(target) = &column.references else {
            continue;
        };
        let key = &column.name;
        let target_pk = quote!(<#target::table as #q::Table>::PrimaryKey);
        let key_type = quote!(<#target_pk as #q::Column>::SqlType);
        if let Some(name) = to_one_name(column) {
            let cardinality = if crate::table::is_nullable(&column.sql_type) {
                quote!(#q::OptionalOne)
            } else {
                quote!(#q::One)
            };
            let text = format!("{module}::{}", name.unraw());
            out.push(quote! {
                impl #q::Relation for #module::#name {
                    type Parent = #module::table;
                    type Child = #target::table;
                    type ParentKey = #module::#key;
                    type ChildKey = #target_pk;
                    type Key = #key_type;
                    type Cardinality = #cardinality;
                    type Via = #q::Direct;
                    const NAME: &'static str = #text;
                }
            });
        }
        let by = format_ident!("by_{}", key.unraw());
        let text = match (local_target(column, tables), reverse_name(table, column)) {
            (Some(parent), Some(name)) => format!("{}::{name}", parent.name),
            _ => format!("{module}::{by}"),
        };
        out.push(quote! {
            impl #q::Relation for #module::#by {
                type Parent = #target::table;
                type Child = #module::table;
                type ParentKey = #target_pk;
                type ChildKey = #module::#key;
                type Key = #key_type;
                type Cardinality = #q::Many;
                type Via = #q::Direct;
                const NAME: &'static str = #text;
            }
        });
    }
    if let Some((a, b)) = link_keys(table, primary_key) {
        for (from, to) in [(a, b), (b, a)] {
            let (Some(from_target), Some(to_target)) = (&from.references, &to.references) else {
                continue;
            };
            let item = format_ident!("through_{}", from.name.unraw());
            let from_key = &from.name;
            let to_key = &to.name;
            let from_pk = quote!(<#from_target::table as #q::Table>::PrimaryKey);
            let to_pk = quote!(<#to_target::table as #q::Table>::PrimaryKey);
            let text = match (local_target(from, tables), to_one_name(to)) {
                (Some(parent), Some(name)) => format!("{}::{}", parent.name, name.unraw()),
                _ => format!("{module}::{item}"),
            };
            out.push(quote! {
                impl #q::Relation for #module::#item {
                    type Parent = #from_target::table;
                    type Child = #to_target::table;
                    type ParentKey = #from_pk;
                    type ChildKey = #module::#from_key;
                    type Key = <#from_pk as #q::Column>::SqlType;
                    type Cardinality = #q::Many;
                    type Via = #q::Link<#module::table, #module::#to_key, #to_pk>;
                    const NAME: &'static str = #text;
                }
            });
        }
    }
    if out.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const _: () = {
            #(#out)*
        };
    }
}
