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
//! - to-many, from `P` to `C`: `P::<C>` when `P` is declared in the same `table!`
//!   (`P::<C>_by_<name>` when `C` has several keys to `P`, or `P` is `C`), else
//!   `C::by_<k>` (the referenced table's module is not this macro's to write).
//!
//! A link table, whose primary key is two columns that both reference a table, also
//! gives a many-to-many relation from each of the two tables to the other: `P1::<P2>`
//! when `P1` is in the same `table!`, else `L::through_<k>`.
//!
//! Each is one unit struct and one impl: O(1) per foreign key, never per table pair. A
//! name already taken in its module (a column), or wanted twice there (two keys to one
//! table, neither renamed), is not generated; the foreign keys' joins are unaffected.

use crate::table::{ColumnDef, TableDef};
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
    input.call(Ident::parse_any).map(Some).map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the relation's name after `as`: `references users as author`",
        )
    })
}

/// The table a key references, when it is a table of this `table!` (named by one
/// identifier).
fn local_target<'t>(column: &ColumnDef, tables: &'t [TableDef]) -> Option<&'t TableDef> {
    let target = column.references.as_ref()?.get_ident()?;
    tables.iter().find(|t| t.name == *target)
}

/// The to-one relation's name: `as name`, or the referenced table's (the last segment
/// of its path).
fn to_one_name(column: &ColumnDef) -> Option<Ident> {
    column.relation_name.clone().or_else(|| {
        let path = column.references.as_ref()?;
        path.segments.last().map(|s| s.ident.unraw())
    })
}

/// The two keys of a link table: its primary key is two columns, both `references`.
fn link_keys<'t>(
    table: &'t TableDef,
    primary_key: &[Ident],
) -> Option<(&'t ColumnDef, &'t ColumnDef)> {
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

/// What a relation is.
enum Kind<'t> {
    /// To-one, through key `column` of `child` (the relation's parent is `child`).
    ToOne {
        table: &'t TableDef,
        column: &'t ColumnDef,
    },
    /// To-many, from the table `column` references to `child`.
    ToMany {
        child: &'t TableDef,
        column: &'t ColumnDef,
    },
    /// Many-to-many through `link`, from the table `from` references to the table `to`
    /// references.
    Through {
        link: &'t TableDef,
        from: &'t ColumnDef,
        to: &'t ColumnDef,
    },
}

/// A relation struct to generate: its module, its name, what it is.
struct Planned<'t> {
    module: Ident,
    name: Ident,
    kind: Kind<'t>,
}

/// Every relation of the invocation whose name is free in its module, in a fixed
/// order (so that the structs and the impls, written apart, agree).
fn plan<'t>(tables: &'t [TableDef], keys: &[Vec<Ident>]) -> Vec<Planned<'t>> {
    let mut wanted: Vec<Planned<'t>> = Vec::new();
    for (table, primary_key) in tables.iter().zip(keys) {
        for column in table.columns.iter().filter(|c| c.references.is_some()) {
            if let Some(name) = to_one_name(column) {
                wanted.push(Planned {
                    module: table.name.clone(),
                    name,
                    kind: Kind::ToOne { table, column },
                });
            }
            let (module, name) = match (local_target(column, tables), reverse_name(table, column)) {
                (Some(parent), Some(name)) => (parent.name.clone(), name),
                _ => (
                    table.name.clone(),
                    format_ident!("by_{}", column.name.unraw()),
                ),
            };
            wanted.push(Planned {
                module,
                name,
                kind: Kind::ToMany {
                    child: table,
                    column,
                },
            });
        }
        if let Some((a, b)) = link_keys(table, primary_key) {
            for (from, to) in [(a, b), (b, a)] {
                let (module, name) = match (local_target(from, tables), to_one_name(to)) {
                    (Some(parent), Some(name)) => (parent.name.clone(), name),
                    _ => (
                        table.name.clone(),
                        format_ident!("through_{}", from.name.unraw()),
                    ),
                };
                wanted.push(Planned {
                    module,
                    name,
                    kind: Kind::Through {
                        link: table,
                        from,
                        to,
                    },
                });
            }
        }
    }
    let taken: Vec<(String, String)> = tables
        .iter()
        .flat_map(|t| {
            let module = t.name.unraw().to_string();
            t.columns
                .iter()
                .map(|c| c.name.unraw().to_string())
                .chain(["table", "all_columns", "columns"].map(String::from))
                .map(move |name| (module.clone(), name))
        })
        .collect();
    let key = |p: &Planned<'_>| (p.module.unraw().to_string(), p.name.unraw().to_string());
    let names: Vec<(String, String)> = wanted.iter().map(key).collect();
    // A name wanted twice in one module (two keys to one table, neither renamed) is
    // ambiguous: neither relation is generated, rather than one picked silently.
    wanted
        .into_iter()
        .filter(|p| {
            let name = key(p);
            !taken.contains(&name) && names.iter().filter(|n| **n == name).count() == 1
        })
        .collect()
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

/// The relation structs of a table's module.
pub(crate) fn module_items(
    table: &TableDef,
    tables: &[TableDef],
    keys: &[Vec<Ident>],
) -> TokenStream {
    let structs = plan(tables, keys)
        .into_iter()
        .filter(|p| p.module == table.name)
        .map(|p| {
            let name = &p.name;
            let doc = match p.kind {
                Kind::ToOne { table, column } => format!(
                    "To-one relation of `{}`, by its key `{}`: pass it to `.with(…)`.",
                    table.name, column.name
                ),
                Kind::ToMany { child, column } => format!(
                    "To-many relation: the rows of `{}` whose `{}` references this row. Pass it to `.with(…)`.",
                    child.name, column.name
                ),
                Kind::Through { link, to, .. } => format!(
                    "Many-to-many relation through `{}`, to the rows its `{}` references. Pass it to `.with(…)`.",
                    link.name, to.name
                ),
            };
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Copy, Default)]
                pub struct #name;
            }
        });
    quote!(#(#structs)*)
}

/// The `Relation` impls of the relations that a table's keys make, beside its module
/// (where the referenced tables' paths mean what the user wrote).
pub(crate) fn impls(
    table: &TableDef,
    tables: &[TableDef],
    keys: &[Vec<Ident>],
    q: &TokenStream,
) -> TokenStream {
    let this = &table.name;
    let out: Vec<TokenStream> = plan(tables, keys)
        .into_iter()
        .filter_map(|p| {
            let module = &p.module;
            let name = &p.name;
            let text = format!("{}::{}", module.unraw(), name.unraw());
            let (parent, child, parent_key, child_key, key_type, cardinality, via) = match p.kind {
                Kind::ToOne { table: t, column } if t.name == *this => {
                    let target = column.references.as_ref()?;
                    let key = &column.name;
                    let target_pk = quote!(<#target::table as #q::Table>::PrimaryKey);
                    let cardinality = if crate::table::is_nullable(&column.sql_type) {
                        quote!(#q::OptionalOne)
                    } else {
                        quote!(#q::One)
                    };
                    (
                        quote!(#this::table),
                        quote!(#target::table),
                        quote!(#this::#key),
                        target_pk.clone(),
                        quote!(<#target_pk as #q::Column>::SqlType),
                        cardinality,
                        quote!(#q::Direct),
                    )
                }
                Kind::ToMany { child, column } if child.name == *this => {
                    let target = column.references.as_ref()?;
                    let key = &column.name;
                    let target_pk = quote!(<#target::table as #q::Table>::PrimaryKey);
                    (
                        quote!(#target::table),
                        quote!(#this::table),
                        target_pk.clone(),
                        quote!(#this::#key),
                        quote!(<#target_pk as #q::Column>::SqlType),
                        quote!(#q::Many),
                        quote!(#q::Direct),
                    )
                }
                Kind::Through { link, from, to } if link.name == *this => {
                    let from_target = from.references.as_ref()?;
                    let to_target = to.references.as_ref()?;
                    let from_key = &from.name;
                    let to_key = &to.name;
                    let from_pk = quote!(<#from_target::table as #q::Table>::PrimaryKey);
                    let to_pk = quote!(<#to_target::table as #q::Table>::PrimaryKey);
                    (
                        quote!(#from_target::table),
                        quote!(#to_target::table),
                        from_pk.clone(),
                        quote!(#this::#from_key),
                        quote!(<#from_pk as #q::Column>::SqlType),
                        quote!(#q::Many),
                        quote!(#q::Link<#this::table, #this::#to_key, #to_pk>),
                    )
                }
                _ => return None,
            };
            // A relation read from its child's table directly is also a join target.
            let join = (via.to_string() == quote!(#q::Direct).to_string()).then(|| {
                quote! {
                    impl<__L, __I> #q::JoinTarget<__L, #q::ByRelation<__I>> for #module::#name
                    where
                        __L: #q::Contains<#parent, __I>,
                    {
                        type Table = #child;
                        type On = #q::RelationOn<Self>;
                        fn into_parts(self) -> (#child, Self::On) {
                            #q::relation_join(self)
                        }
                    }
                }
            });
            Some(quote! {
                #join
                impl #q::Relation for #module::#name {
                    type Parent = #parent;
                    type Child = #child;
                    type ParentKey = #parent_key;
                    type ChildKey = #child_key;
                    type Key = #key_type;
                    type Cardinality = #cardinality;
                    type Via = #via;
                    const NAME: &'static str = #text;
                }
            })
        })
        .collect();
    if out.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const _: () = {
            #(#out)*
        };
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn expand(input: proc_macro2::TokenStream) -> String {
        crate::table::expand(input).to_string()
    }

    #[test]
    fn a_key_gives_a_to_one_relation_and_its_reverse() {
        let out = expand(quote! {
            users (id) { id -> Int4 }
            posts (id) { id -> Int4, user_id -> Int4 references users }
        });
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("Relation for posts :: users"), "{out}");
        // The reverse lives in the referenced table's module: both are declared here.
        assert!(out.contains("Relation for users :: posts"), "{out}");
        assert!(!out.contains("by_user_id"), "{out}");
        assert!(out.contains("One ;"), "{out}");
        assert!(out.contains("Many ;"), "{out}");
    }

    #[test]
    fn a_table_declared_elsewhere_gets_its_reverse_from_the_key() {
        let out = expand(quote! {
            posts (id) { id -> Int4, user_id -> Nullable<Int4> references crate::schema::users }
        });
        assert!(out.contains("Relation for posts :: users"), "{out}");
        assert!(out.contains("Relation for posts :: by_user_id"), "{out}");
        assert!(out.contains("OptionalOne"), "{out}");
    }

    #[test]
    fn renamed_keys_and_self_references() {
        let out = expand(quote! {
            users (id) { id -> Int4 }
            posts (id) {
                id -> Int4,
                author_id -> Int4 references users as author,
                editor_id -> Nullable<Int4> references users as editor,
            }
            employees (id) { id -> Int4, manager_id -> Nullable<Int4> references employees as manager }
        });
        assert!(!out.contains("compile_error"), "{out}");
        for relation in [
            "posts :: author",
            "posts :: editor",
            "users :: posts_by_author",
            "users :: posts_by_editor",
            "employees :: manager",
            "employees :: employees_by_manager",
        ] {
            assert!(
                out.contains(&format!("Relation for {relation}")),
                "{relation}: {out}"
            );
        }
    }

    #[test]
    fn a_link_table_gives_many_to_many_relations() {
        let out = expand(quote! {
            products (id) { id -> Int4 }
            tags (id) { id -> Int4 }
            product_tags (product_id, tag_id) {
                product_id -> Int4 references products,
                tag_id -> Int4 references tags,
            }
        });
        assert!(out.contains("Relation for products :: tags"), "{out}");
        assert!(out.contains("Relation for tags :: products"), "{out}");
        assert!(
            out.contains("Link < product_tags :: table , product_tags :: tag_id"),
            "{out}"
        );
    }

    #[test]
    fn a_name_already_taken_is_left_out() {
        // Two keys to one table, neither renamed: no `posts::users`, the joins remain.
        let out = expand(quote! {
            users (id) { id -> Int4 }
            posts (id) {
                id -> Int4,
                author_id -> Int4 references users,
                editor_id -> Int4 references users,
            }
        });
        assert!(!out.contains("compile_error"), "{out}");
        assert!(!out.contains("Relation for posts :: users"), "{out}");
        assert!(!out.contains("posts_by_users"), "{out}");
        assert!(out.contains("JoinTo"), "{out}");
    }

    #[test]
    fn as_needs_a_name() {
        let out = expand(quote! {
            posts (id) { id -> Int4, user_id -> Int4 references users as }
        });
        assert!(
            out.contains("expected the relation's name after `as`"),
            "{out}"
        );
    }
}
