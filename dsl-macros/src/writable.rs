//! `#[derive(Insertable)]` and `#[derive(AsChangeset)]`: the same parsing as
//! `Selectable` (a table, one field per column), expanded into the traits that `insert_into`
//! and `update` take.
//!
//! ```text
//! #[derive(Insertable, AsChangeset)]
//! #[quarry(table = users)]
//! struct NewUser<'a> {
//!     name: &'a str,
//!     hair_color: Option<&'a str>,
//! }
//! ```

use crate::selectable::{FieldDef, Parsed, parse};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Type, parse_quote};

fn with_input(
    input: TokenStream,
    derive: &str,
    f: impl FnOnce(&DeriveInput, &Parsed) -> TokenStream,
) -> TokenStream {
    match syn::parse2::<DeriveInput>(input).and_then(|input| {
        let parsed = parse(&input, derive)?;
        Ok(f(&input, &parsed))
    }) {
        Ok(tokens) => tokens,
        Err(e) => e.into_compile_error(),
    }
}

/// The column type of a field: `users::name`.
fn column(parsed: &Parsed, field: &FieldDef) -> TokenStream {
    let table = &parsed.table;
    let column = &field.column;
    quote!(#table::#column)
}

/// `impl` generics with a backend parameter `__DB` added.
fn generics_with_backend(input: &DeriveInput, parsed: &Parsed) -> syn::Generics {
    let q = parsed.private();
    let mut generics = input.generics.clone();
    generics.params.push(parse_quote!(__DB: #q::Backend));
    generics
}

/// The field's column, with the span of the field's type: errors about the pair point
/// at the field.
fn column_at_field(parsed: &Parsed, field: &FieldDef) -> TokenStream {
    let span = field.ty.span();
    column(parsed, field)
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}

/// Binds `value` (an expression of type `&field type`) as a value of the field's column,
/// reporting a type mismatch at the field.
fn push_value(parsed: &Parsed, field: &FieldDef, value: TokenStream) -> TokenStream {
    let q = parsed.private();
    let column = column_at_field(parsed, field);
    quote_spanned! {field.ty.span()=>
        #q::push_field::<#column, __DB, _>(#value, out);
    }
}

pub(crate) fn expand_insertable(input: TokenStream) -> TokenStream {
    with_input(input, "Insertable", |input, parsed| {
        if parsed.fields.len() > 64 {
            return syn::Error::new_spanned(
                &input.ident,
                "`#[derive(Insertable)]` takes at most 64 fields",
            )
            .into_compile_error();
        }
        let q = parsed.private();
        let name = &input.ident;
        let table = &parsed.table;
        let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
        let columns: Vec<TokenStream> = parsed.fields.iter().map(|f| column(parsed, f)).collect();
        let list = columns
            .iter()
            .rev()
            .fold(quote!(()), |rest, column| quote!((#column, #rest)));
        let count = parsed.fields.len() as u32;
        let db_generics = generics_with_backend(input, parsed);
        let (db_impl_generics, _, _) = db_generics.split_for_impl();
        // An `Option` field that is `None` leaves its column out when the column has a
        // default (it is NULL otherwise): bit `i` of `omitted` for field `i`.
        let omitted = parsed
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| is_option(&f.ty))
            .map(|(i, field)| {
                let member = &field.member;
                let column = column(parsed, field);
                quote! {
                    if <#column as #q::Column>::HAS_DEFAULT && self.#member.is_none() {
                        omitted |= 1 << #i;
                    }
                }
            });
        let names = columns.iter().enumerate().map(|(i, column)| {
            quote! {
                if omitted & (1 << #i) == 0 {
                    separator.next(out);
                    out.push_identifier(<#column as #q::Column>::NAME);
                }
            }
        });
        // The values, given to a backend's statement or, through `walk_bound_row`, written
        // as placeholders: one call per field, so that a field of the wrong type is one
        // error.
        let binds = parsed.fields.iter().enumerate().map(|(i, field)| {
            let member = &field.member;
            let column = column_at_field(parsed, field);
            let bind = if is_option(&field.ty) {
                quote_spanned! {field.ty.span()=>
                    #q::bind_option::<#column, __DB, _, __S>(&self.#member, sink);
                }
            } else {
                quote_spanned! {field.ty.span()=>
                    #q::bind_field::<#column, __DB, _, __S>(&self.#member, sink);
                }
            };
            quote! {
                if omitted & (1 << #i) == 0 {
                    #bind
                }
            }
        });
        let supported = columns
            .iter()
            .map(|column| quote!(<#column as #q::Column>::SqlType: #q::SupportedBy<__DB>));
        let where_items = where_clause.map(|w| &w.predicates);
        quote! {
            const _: () = {
                impl #impl_generics #q::InsertValues<#table::table> for #name #ty_generics #where_clause {
                    type Columns = #list;
                    const COLUMN_COUNT: u32 = #count;
                    fn walk_columns(omitted: u64, out: &mut #q::SqlWriter<'_>) {
                        let mut separator = <#q::Separator as #q::Default>::default();
                        #(#names)*
                    }
                    fn omitted(&self, _row: usize) -> u64 {
                        let mut omitted = 0;
                        #(#omitted)*
                        omitted
                    }
                }

                impl #db_impl_generics #q::InsertRows<__DB> for #name #ty_generics
                where
                    #(#supported,)*
                    #where_items
                {
                    const BINDS_ROWS: bool = true;

                    fn walk_row<'__a>(
                        &'__a self,
                        row: usize,
                        omitted: u64,
                        out: &mut #q::SqlWriter<'__a>,
                    ) {
                        #q::walk_bound_row::<__DB, Self>(self, row, omitted, out);
                    }

                    #[inline]
                    fn bind_row<'__a, __S: #q::BindSink<'__a>>(
                        &'__a self,
                        _row: usize,
                        omitted: u64,
                        sink: &mut __S,
                    ) {
                        #(#binds)*
                    }
                }
            };
        }
    })
}

/// Whether a field's type is written `Option<…>`. In a changeset such a field is
/// skipped when `None` (unless the struct has `#[quarry(treat_none_as_null = true)]`);
/// in an insert, `None` leaves out a column that has a default.
fn is_option(ty: &Type) -> bool {
    crate::table::is_named(ty, "Option")
}

pub(crate) fn expand_changeset(input: TokenStream) -> TokenStream {
    with_input(input, "AsChangeset", |input, parsed| {
        let q = parsed.private();
        let name = &input.ident;
        let table = &parsed.table;
        let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
        let db_generics = generics_with_backend(input, parsed);
        let (db_impl_generics, _, _) = db_generics.split_for_impl();
        let skippable = |field: &FieldDef| !parsed.treat_none_as_null && is_option(&field.ty);
        let noop = if parsed.fields.iter().all(skippable) {
            let members = parsed.fields.iter().map(|f| &f.member);
            quote!(true #(&& self.#members.is_none())*)
        } else {
            quote!(false)
        };
        let assignments = parsed.fields.iter().map(|field| {
            let member = &field.member;
            let column = column(parsed, field);
            let assign = |value: TokenStream| {
                let push = push_value(parsed, field, value);
                quote! {
                    separator.next(out);
                    out.push_identifier(<#column as #q::Column>::NAME);
                    out.push_sql(" = ");
                    #push
                }
            };
            if skippable(field) {
                let body = assign(quote!(value));
                quote!(if let ::core::option::Option::Some(value) = &self.#member { #body })
            } else {
                assign(quote!(&self.#member))
            }
        });
        let supported = parsed.fields.iter().map(|field| {
            let column = column(parsed, field);
            quote!(<#column as #q::Column>::SqlType: #q::SupportedBy<__DB>)
        });
        let columns = parsed.fields.iter().map(|field| column(parsed, field));
        let where_items = where_clause.map(|w| &w.predicates);
        quote! {
            const _: () = {
                impl #impl_generics #q::AsChangeset<#table::table, ()> for #name #ty_generics
                where
                    #(#columns: #q::ColumnOf<#table::table>,)*
                    #where_items
                {
                }

                impl #db_impl_generics #q::ChangesetFragment<__DB> for #name #ty_generics
                where
                    #(#supported,)*
                    #where_items
                {
                    fn is_noop(&self) -> bool {
                        #noop
                    }
                    fn walk_changes<'__a>(&'__a self, out: &mut #q::SqlWriter<'__a>) {
                        let mut separator = <#q::Separator as #q::Default>::default();
                        #(#assignments)*
                    }
                }
            };
        }
    })
}
