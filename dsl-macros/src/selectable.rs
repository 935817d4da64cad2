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
            let value = meta.value()?;
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
        let result = each_quarry_attr(&field.attrs, |key, value| {
            if key == "column" {
                column = Some(value.parse::<Ident>()?);
                Ok(())
            } else {
                Err(syn::Error::new_spanned(
                    key,
                    format!(
                        "unknown key `{key}`: on a field, `#[quarry(column = …)]` names its column"
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
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let table = &parsed.table;

    // Paths to the columns, spanned at the field so that a field naming no column of
    // the table is reported there.
    let columns: Vec<TokenStream> = parsed
        .fields
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

    let positional = parsed.fields.iter().zip(&columns).map(|(f, column)| {
        let member = &f.member;
        let ty = &f.ty;
        // Spanned at the field's type: a type that cannot load from the column is
        // reported on the field.
        let decode = quote_spanned! {ty.span()=>
            #q::decode_value::<<#column as #q::Column>::SqlType, #ty, __R>(row, idx)?
        };
        quote!(#member: #decode)
    });

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

    quote! {
        const _: () = {
            impl #impl_generics #q::Selectable for #name #ty_generics #where_clause {
                type Table = #table::table;
                const COLUMN_NAMES: &'static [&'static str] =
                    &[#(<#columns as #q::Column>::NAME),*];

                fn walk_columns(out: &mut #q::SqlWriter<'_>) {
                    #(#walk)*
                }

                fn decode_row<__R: #q::Row>(
                    row: &__R,
                    idx: &mut usize,
                ) -> #q::QueryResult<Self> {
                    ::core::result::Result::Ok(Self { #(#positional,)* })
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
        };
    }
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
