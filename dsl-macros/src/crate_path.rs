//! The path by which generated code names the runtime: `::quarry` unless the user
//! overrides it with `#[quarry(crate = …)]`, so that a crate re-exporting quarry can use
//! its macros without depending on `quarry` under that name.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Path;

/// The runtime's hidden module, `<crate>::__private`, through which every generated path goes.
pub(crate) fn private(krate: Option<&Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::quarry::__private),
    }
}
