//! `#[derive(Selectable)]`: parse → validate → expand.
//!
//! ```text
//! #[derive(Selectable)]
//! #[quarry(table = users)]
//! struct User {
//!     id: i32,
//!     #[quarry(column = name)]
//!     full_name: String,
//! }
//! ```
//!
//! `#[quarry(crate = path::to::quarry)]` on the struct (for this derive and the
//! writable ones) names the runtime when it is re-exported rather than `::quarry`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Path, Type};

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    match syn::parse2::<DeriveInput>(input).and_then(|input| {
        let parsed = parse(&input, "Selectable")?;
        Ok(expand_struct(&input, &parsed))
    }) {
        Ok(tokens) => tokens,
        Err(e) => e.into_compile_error(),
    }
}

pub(crate) struct Parsed {
    pub(crate) table: Path,
    /// `#[quarry(crate = …)]`: the runtime's path when it is not `::quarry`.
    pub(crate) krate: Option<Path>,
    pub(crate) fields: Vec<FieldDef>,
    /// `#[quarry(treat_none_as_null = true)]`, accepted by `AsChangeset` only.
    pub(crate) treat_none_as_null: bool,
}

pub(crate) struct FieldDef {
    pub(crate) member: Ident,
    pub(crate) column: Ident,
    pub(crate) ty: Type,
    /// `#[quarry(relation)]` (the relation `table::member`) or
    /// `#[quarry(relation = posts::author)]`: a field loaded by `.with(…)`, not a column.
    pub(crate) relation: Option<Path>,
}

/// Reads `#[quarry(key = value)]` attributes, calling `f` with each key and its value.
fn each_quarry_attr(
    attrs: &[syn::Attribute],
    mut f: impl FnMut(&Ident, syn::parse::ParseStream<'_>) -> syn::Result<()>,
) -> syn::Result<()> {
    let mut errors: Option<syn::Error> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("quarry")) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(key) = meta.path.get_ident() else {
                return Err(meta.error("expected `table = …` or `column = …`"));
            };
            // `relation` may stand alone: `#[quarry(relation)]`.
            let value = if key == "relation" && !meta.input.peek(syn::Token![=]) {
                meta.input
            } else {
                meta.value()?
            };
            f(key, value)
        });
        if let Err(e) = result {
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
        }
    }
    errors.map_or(Ok(()), Err)
}

/// Parses a struct deriving `derive`: its table and its fields, one per column.
pub(crate) fn parse(input: &DeriveInput, derive: &str) -> syn::Result<Parsed> {
    let mut table = None;
    let mut krate = None;
    let mut treat_none_as_null = false;
    each_quarry_attr(&input.attrs, |key, value| {
        if key == "table" {
            table = Some(value.parse::<Path>()?);
            Ok(())
        } else if key == "crate" {
            krate = Some(value.parse::<Path>()?);
            Ok(())
        } else if key == "treat_none_as_null" && derive == "AsChangeset" {
            treat_none_as_null = value.parse::<syn::LitBool>()?.value;
            Ok(())
        } else {
            Err(syn::Error::new_spanned(
                key,
                format!(
                    "unknown key `{key}`: on the struct, `#[quarry(table = …)]` names the table"
                ),
            ))
        }
    })?;
    let Some(table) = table else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!(
                "`#[derive({derive})]` needs the table: add `#[quarry(table = users)]` to the struct"
            ),
        ));
    };
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!("`#[derive({derive})]` applies to structs with named fields"),
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &data.fields,
            format!("`#[derive({derive})]` applies to structs with named fields, one per column"),
        ));
    };
    let mut errors: Option<syn::Error> = None;
    let mut fields = Vec::new();
    for field in &named.named {
        let Some(member) = field.ident.clone() else {
            continue;
        };
        let mut column = None;
        let mut relation = None;
        let result = each_quarry_attr(&field.attrs, |key, value| {
            if key == "column" {
                column = Some(value.parse::<Ident>()?);
                Ok(())
            } else if key == "relation" && derive == "Selectable" {
                relation = Some(if value.is_empty() || value.peek(syn::Token![,]) {
                    let table = &table;
                    syn::parse_quote!(#table::#member)
                } else {
                    value.parse::<Path>()?
                });
                Ok(())
            } else {
                Err(syn::Error::new_spanned(
                    key,
                    format!(
                        "unknown key `{key}`: on a field, `#[quarry(column = …)]` names its column (and, for `Selectable`, `#[quarry(relation)]` marks a relation)"
                    ),
                ))
            }
        });
        if let Err(e) = result {
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
        }
        fields.push(FieldDef {
            column: column.unwrap_or_else(|| member.clone()),
            member,
            ty: field.ty.clone(),
            relation,
        });
    }
    if let Some(e) = errors {
        return Err(e);
    }
    if fields.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!("`#[derive({derive})]` needs at least one field"),
        ));
    }
    Ok(Parsed {
        table,
        krate,
        fields,
        treat_none_as_null,
    })
}

impl Parsed {
    /// The runtime's hidden module, through the struct's crate path.
    pub(crate) fn private(&self) -> TokenStream {
        crate::crate_path::private(self.krate.as_ref())
    }
}

fn expand_struct(input: &DeriveInput, parsed: &Parsed) -> TokenStream {
    let q = parsed.private();
    let name = &input.ident;
    let table = &parsed.table;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();

    let column_fields: Vec<&FieldDef> = parsed
        .fields
        .iter()
        .filter(|f| f.relation.is_none())
        .collect();
    let relation_fields: Vec<&FieldDef> = parsed
        .fields
        .iter()
        .filter(|f| f.relation.is_some())
        .collect();

    // Paths to the columns, spanned at the field so that a field naming no column of
    // the table is reported there.
    let columns: Vec<TokenStream> = column_fields
        .iter()
        .map(|f| {
            let column = &f.column;
            quote_spanned!(column.span()=> #table::#column)
        })
        .collect();

    let walk = columns.iter().enumerate().map(|(i, column)| {
        let sep = (i > 0).then(|| quote!(out.push_sql(", ");));
        quote! {
            #sep
            out.push_sql(<#column as #q::Column>::QUALIFIED);
        }
    });
    let walk = quote!(#(#walk)*);

    let decodes: Vec<TokenStream> = column_fields
        .iter()
        .zip(&columns)
        .map(|(f, column)| {
            let ty = &f.ty;
            // Spanned at the field's type: a type that cannot load from the column is
            // reported on the field.
            quote_spanned! {ty.span()=>
                #q::decode_value::<<#column as #q::Column>::SqlType, #ty, __R>(row, idx)?
            }
        })
        .collect();

    // `SupportedColumns<DB>` for each backend that stores every column's SQL type.
    let mut support = input.generics.clone();
    support.params.push(syn::parse_quote!(__DB: #q::Backend));
    let (support_generics, _, _) = support.split_for_impl();
    let mut support_where = input
        .generics
        .where_clause
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(where));
    for column in &columns {
        support_where
            .predicates
            .push(syn::parse_quote!(<#column as #q::Column>::SqlType: #q::SupportedBy<__DB>));
    }
    let width = columns.len();

    if relation_fields.is_empty() {
        let members = column_fields.iter().map(|f| &f.member);
        // A struct without relations is also a leaf of an eager load.
        let mut tree = support.clone();
        tree.params.push(syn::parse_quote!(__L));
        let (tree_generics, _, _) = tree.split_for_impl();
        return quote! {
            const _: () = {
                impl #impl_generics #q::Selectable for #name #ty_generics #where_clause {
                    type Table = #table::table;
                    const COLUMN_NAMES: &'static [&'static str] =
                        &[#(<#columns as #q::Column>::NAME),*];

                    fn walk_columns(out: &mut #q::SqlWriter<'_>) {
                        #walk
                    }

                    fn decode_row<__R: #q::Row>(
                        row: &__R,
                        idx: &mut usize,
                    ) -> #q::QueryResult<Self> {
                        ::core::result::Result::Ok(Self { #(#members: #decodes,)* })
                    }
                }

                impl #support_generics #q::SupportedColumns<__DB> for #name #ty_generics
                #support_where
                {
                }

                impl #impl_generics #q::FromRow for #name #ty_generics #where_clause {
                    fn from_row<__R: #q::Row>(row: &__R) -> #q::QueryResult<Self> {
                        #q::from_row_by_name::<Self, __R>(row)
                    }
                }

                impl #tree_generics #q::Tree<__DB, __L, ()> for #name #ty_generics
                #support_where
                {
                    type Table = #table::table;
                    type Head = Self;
                    type Fields = ();
                    const WIDTH: usize = #width;
                    fn walk_head(out: &mut #q::SqlWriter<'_>) {
                        #walk
                    }
                    fn decode_head<__R: #q::Row>(
                        row: &__R,
                        idx: &mut usize,
                    ) -> #q::QueryResult<Self> {
                        <Self as #q::Selectable>::decode_row(row, idx)
                    }
                    fn build(head: Self, _relations: ()) -> Self {
                        head
                    }
                }
            };
        };
    }

    // A struct with relations: a tree, loaded by `.with(…).load(…)`.
    let mut fields_list = quote!(());
    let mut values = quote!(());
    let mut checks = Vec::new();
    for field in relation_fields.iter().rev() {
        let ty = &field.ty;
        values = quote!((#ty, #values));
        let Some(relation) = &field.relation else {
            continue;
        };
        let (form, elem, check) = relation_form(&field.ty);
        let check = syn::Ident::new(check, field.ty.span());
        // Every token at the field's type, so that a form that does not fit the
        // relation is reported there.
        let at_field = respan(quote!(#relation), field.ty.span());
        checks.push(quote_spanned!(field.ty.span()=> #q::#check::<#at_field>();));
        let form = syn::Ident::new(form, proc_macro2::Span::call_site());
        fields_list = quote!((#q::Field<#relation, #elem, #q::#form>, #fields_list));
    }
    let head_types = column_fields.iter().map(|f| &f.ty);
    let head_vars: Vec<syn::Ident> = (0..column_fields.len())
        .map(|i| quote::format_ident!("__c{i}"))
        .collect();
    let rel_vars: Vec<syn::Ident> = (0..relation_fields.len())
        .map(|i| quote::format_ident!("__r{i}"))
        .collect();
    let mut rel_pattern = quote!(());
    for var in rel_vars.iter().rev() {
        rel_pattern = quote!((#var, #rel_pattern));
    }
    let column_members = column_fields.iter().map(|f| &f.member);
    let relation_members = relation_fields.iter().map(|f| &f.member);

    let mut tree = support.clone();
    tree.params.push(syn::parse_quote!(__L));
    tree.params.push(syn::parse_quote!(__I));
    let (tree_generics, _, _) = tree.split_for_impl();
    let mut tree_where = support_where.clone();
    tree_where
        .predicates
        .push(syn::parse_quote!(#fields_list: #q::Fields<__DB, __L, __I, Values = #values>));

    quote! {
        const _: () = {
            impl #tree_generics #q::Tree<__DB, __L, __I> for #name #ty_generics
            #tree_where
            {
                type Table = #table::table;
                type Head = (#(#head_types,)*);
                type Fields = #fields_list;
                const WIDTH: usize = #width;
                fn walk_head(out: &mut #q::SqlWriter<'_>) {
                    #walk
                }
                fn decode_head<__R: #q::Row>(
                    row: &__R,
                    idx: &mut usize,
                ) -> #q::QueryResult<Self::Head> {
                    ::core::result::Result::Ok((#(#decodes,)*))
                }
                fn build(
                    head: Self::Head,
                    relations: #values,
                ) -> Self {
                    let (#(#head_vars,)*) = head;
                    let #rel_pattern = relations;
                    Self {
                        #(#column_members: #head_vars,)*
                        #(#relation_members: #rel_vars,)*
                    }
                }
            }

            // Each relation field's form (`Vec`, `Option`, one row) fits its relation.
            #[allow(dead_code)]
            fn __check_relation_fields #impl_generics () #where_clause {
                #(#checks)*
            }
        };
    }
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(group) = &token {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                token = proc_macro2::TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// How a relation field holds its rows, from its type: `Vec<T>`, `Option<T>` or `T`.
/// Returns the form, the row type and the check of the relation's cardinality.
fn relation_form(ty: &Type) -> (&'static str, Type, &'static str) {
    for (wrapper, form, check) in [
        ("Vec", "VecForm", "check_vec_field"),
        ("Option", "OptionForm", "check_option_field"),
    ] {
        if crate::table::is_named(ty, wrapper) {
            if let Type::Path(p) = ty {
                if let Some(syn::PathArguments::AngleBracketed(args)) =
                    p.path.segments.last().map(|s| &s.arguments)
                {
                    if let Some(syn::GenericArgument::Type(inner)) = args.args.first() {
                        return (form, inner.clone(), check);
                    }
                }
            }
        }
    }
    ("OneForm", ty.clone(), "check_one_field")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_columns_in_field_order() {
        let out = expand(quote! {
            #[quarry(table = users)]
            struct User {
                id: i32,
                #[quarry(column = name)]
                full_name: String,
            }
        })
        .to_string();
        assert!(out.contains("type Table = users :: table"), "{out}");
        assert!(
            out.contains("users :: name as :: quarry :: __private :: Column"),
            "{out}"
        );
        assert!(out.contains("full_name :"), "{out}");
    }

    #[test]
    fn missing_table_is_reported_on_the_struct() {
        let out = expand(quote! { struct User { id: i32 } }).to_string();
        assert!(out.contains("needs the table"), "{out}");
    }

    #[test]
    fn tuple_structs_are_rejected() {
        let out = expand(quote! { #[quarry(table = users)] struct User(i32); }).to_string();
        assert!(out.contains("named fields"), "{out}");
    }
}
