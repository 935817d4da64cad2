//! Procedural macros of quarry. Use them through the `quarry` crate, which re-exports
//! them: `quarry::table!` and `#[derive(quarry::Selectable, quarry::Insertable, quarry::AsChangeset)]`.
//!
//! Each macro is parse → validate → expand; errors are `syn::Error`s at the user's
//! token, all reported at once. The entry points call `expand` functions that take and
//! return `proc_macro2::TokenStream`, so expansions are unit-tested without a compiler.
//!
//! Generated code reaches the runtime only through `::quarry::__private`, its impls sit
//! in `const _: () = { … };` blocks, and the generics it introduces are named `__QS`,
//! `__DB`, … so that they cannot capture a user's names. A crate that reaches quarry
//! through a re-export names it with `#[quarry(crate = path)]`: on the struct for the
//! derives, as the first item of the input for `table!`.

// A macro reports bad input as a compile error with its span, never by panicking.
#![warn(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod crate_path;
#[cfg(test)]
mod expansion_tests;
mod relations;
mod selectable;
mod table;
mod table_ddl;
mod writable;

use proc_macro::TokenStream;

/// Declares a table. See `quarry::table!` for the syntax.
#[proc_macro]
pub fn table(input: TokenStream) -> TokenStream {
    table::expand(input.into()).into()
}

/// Derives `quarry::query::InsertValues` for a struct whose fields are columns: the
/// struct, a `Vec` of it or a slice of it can be inserted with `insert_into(…).values(…)`.
#[proc_macro_derive(Insertable, attributes(quarry))]
pub fn derive_insertable(input: TokenStream) -> TokenStream {
    writable::expand_insertable(input.into()).into()
}

/// Derives `quarry::query::AsChangeset` for a struct whose fields are columns: fields
/// written `Option<…>` are skipped when `None`, unless the struct has
/// `#[quarry(treat_none_as_null = true)]`.
#[proc_macro_derive(AsChangeset, attributes(quarry))]
pub fn derive_as_changeset(input: TokenStream) -> TokenStream {
    writable::expand_changeset(input.into()).into()
}

/// Derives `quarry::query::Selectable` for a struct whose fields are columns.
#[proc_macro_derive(Selectable, attributes(quarry))]
pub fn derive_selectable(input: TokenStream) -> TokenStream {
    selectable::expand(input.into()).into()
}
