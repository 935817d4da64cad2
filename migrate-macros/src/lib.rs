//! `embed_migrations!`, quarry's macro that compiles a migrations folder into the
//! program. Use it through the `quarry` crate: `quarry::embed_migrations!("migrations")`.
//!
//! The macro reads the folder when the crate compiles, with the same rules as the
//! runtime's `Migrations::from_dir` (the file `source.rs` is shared by both), checks each
//! migration (a folder named `<version>_<name>` with an `up.sql`; a script marked
//! `-- quarry: no-transaction` must be one statement), and expands to a
//! `quarry::migrate::Migrations` value whose SQL comes from `include_str!` of each file,
//! so that editing a file rebuilds the crate.

// A macro reports bad input as a compile error with its span, never by panicking.
#![warn(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[allow(unreachable_pub, dead_code)] // the runtime uses the rest of it
#[path = "../../dsl-runtime/src/migrate/source.rs"]
mod source;

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use std::path::{Path, PathBuf};

/// Compiles the migrations of a folder (relative to the crate's `Cargo.toml`;
/// `"migrations"` when no path is given) into a `quarry::migrate::Migrations` value.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    expand(input.into(), manifest_dir.as_deref()).into()
}

/// The expansion of `embed_migrations!(input)` for a crate whose manifest is in
/// `manifest_dir`.
fn expand(input: TokenStream2, manifest_dir: Option<&Path>) -> TokenStream2 {
    match try_expand(input, manifest_dir) {
        Ok(tokens) => tokens,
        Err(e) => e.into_compile_error(),
    }
}

fn try_expand(input: TokenStream2, manifest_dir: Option<&Path>) -> syn::Result<TokenStream2> {
    let Input {
        relative,
        span,
        krate,
    } = syn::parse2(input)?;
    let Some(manifest_dir) = manifest_dir else {
        return Err(syn::Error::new(
            span,
            "CARGO_MANIFEST_DIR is not set: build with cargo to embed migrations",
        ));
    };
    let dir = manifest_dir.join(&relative);
    if !dir.is_dir() {
        return Err(syn::Error::new(
            span,
            format!("there is no migrations folder `{relative}` beside this crate's Cargo.toml"),
        ));
    }
    let found = source::find_migrations(&dir)
        .map_err(|e| syn::Error::new(span, relative_message(&e, manifest_dir)))?;

    let mut errors: Option<syn::Error> = None;
    let mut entries = Vec::new();
    for m in &found {
        let read = |path: &Path| {
            source::read_sql(path)
                .map_err(|e| syn::Error::new(span, relative_message(&e, manifest_dir)))
        };
        let up_sql = read(&m.up)?;
        let down_sql = match &m.down {
            Some(path) => Some(read(path)?),
            None => None,
        };
        for (file, sql) in [("up.sql", Some(&up_sql)), ("down.sql", down_sql.as_ref())] {
            if let Some(message) = sql.and_then(|sql| source::check_no_transaction(sql)) {
                let e = syn::Error::new(
                    span,
                    format!("migration `{}_{}`, {file}: {message}", m.version, m.name),
                );
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
            }
        }
        let (version, name) = (&m.version, &m.name);
        let up_path = path_str(&m.up, span)?;
        let up_no_transaction = source::wants_no_transaction(&up_sql);
        let down_no_transaction = down_sql
            .as_deref()
            .is_some_and(source::wants_no_transaction);
        let down = match &m.down {
            Some(path) => {
                let path = path_str(path, span)?;
                quote!(::core::option::Option::Some(::core::include_str!(#path)))
            }
            None => quote!(::core::option::Option::None),
        };
        entries.push(quote! {
            #krate::__private::migrate::Migration::embedded(
                #version,
                #name,
                ::core::include_str!(#up_path),
                #down,
                #up_no_transaction,
                #down_no_transaction,
            )
        });
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    // A `const` item, so that the list is `'static` wherever the macro is used (in a
    // `const`, a `static` or a function body).
    Ok(quote! {
        {
            const __QUARRY_MIGRATIONS: &[#krate::__private::migrate::Migration] = &[#(#entries),*];
            #krate::__private::migrate::Migrations::embedded(__QUARRY_MIGRATIONS)
        }
    })
}

/// The macro's input: `"dir"`, optionally followed by `, crate = path` for a crate that
/// reaches quarry through a re-export; nothing means `"migrations"`.
struct Input {
    relative: String,
    span: Span,
    krate: syn::Path,
}

impl syn::parse::Parse for Input {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let mut parsed = Input {
            relative: "migrations".to_owned(),
            span: Span::call_site(),
            krate: syn::parse_quote!(::quarry),
        };
        if input.is_empty() {
            return Ok(parsed);
        }
        let lit: syn::LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the migrations folder as a string, e.g. `embed_migrations!(\"migrations\")`",
            )
        })?;
        parsed.relative = lit.value();
        parsed.span = lit.span();
        if input.is_empty() {
            return Ok(parsed);
        }
        input.parse::<syn::Token![,]>()?;
        input
            .parse::<syn::Token![crate]>()
            .map_err(|e| syn::Error::new(e.span(), "expected `crate = path` after the folder"))?;
        input.parse::<syn::Token![=]>()?;
        parsed.krate = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("unexpected input after `crate = path`"));
        }
        Ok(parsed)
    }
}

/// The message of a folder error, with paths relative to the crate.
fn relative_message(e: &source::FolderError, manifest_dir: &Path) -> String {
    let path = e.path.strip_prefix(manifest_dir).unwrap_or(&e.path);
    format!("{}: {}", path.display(), e.message)
}

fn path_str(path: &Path, span: Span) -> syn::Result<String> {
    path.to_str().map(str::to_owned).ok_or_else(|| {
        syn::Error::new(
            span,
            format!("the path {} is not valid UTF-8", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("quarry-embed-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn write(dir: &Path, file: &str, text: &str) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn each_migration_becomes_an_embedded_value_in_version_order() {
        let dir = temp_dir("order");
        write(&dir, "migrations/0002_b/up.sql", "SELECT 2;");
        write(&dir, "migrations/0001_a/up.sql", "SELECT 1;");
        write(&dir, "migrations/0001_a/down.sql", "SELECT -1;");
        let out = expand(quote!("migrations"), Some(&dir)).to_string();
        let a = out.find("\"0001\"").unwrap();
        let b = out.find("\"0002\"").unwrap();
        assert!(a < b, "{out}");
        assert!(out.contains("include_str"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
        let renamed = expand(quote!("migrations", crate = ::db::quarry), Some(&dir)).to_string();
        assert!(
            renamed.contains(":: db :: quarry :: __private"),
            "{renamed}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The expansion for `snapshots/migrations`, pretty-printed, compared with
    /// `snapshots/embed_migrations.expanded.rs` (`QUARRY_BLESS=1` rewrites it; read the
    /// diff).
    #[test]
    fn expansion_snapshot() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let expanded = expand(quote!("snapshots/migrations"), Some(manifest));
        let file: syn::File =
            syn::parse2(quote!(const MIGRATIONS: Migrations = #expanded;)).unwrap();
        let actual =
            prettyplease::unparse(&file).replace(manifest.to_str().unwrap(), "$CARGO_MANIFEST_DIR");
        let path = manifest.join("snapshots/embed_migrations.expanded.rs");
        if std::env::var_os("QUARRY_BLESS").is_some() {
            std::fs::write(&path, &actual).unwrap();
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        assert!(
            actual == expected,
            "the expansion differs from {}; QUARRY_BLESS=1 rewrites it. Now:\n{actual}",
            path.display()
        );
    }

    #[test]
    fn malformed_folders_are_compile_errors_naming_the_folder() {
        let dir = temp_dir("bad");
        write(&dir, "migrations/create_users/up.sql", "SELECT 1;");
        let out = expand(quote!("migrations"), Some(&dir)).to_string();
        assert!(
            out.contains("compile_error") && out.contains("create_users"),
            "{out}"
        );
        let missing = expand(quote!("nowhere"), Some(&dir)).to_string();
        write(
            &dir,
            "indexes/0001_i/up.sql",
            "-- quarry: no-transaction\nCREATE INDEX i ON t (x);",
        );
        write(
            &dir,
            "indexes/0001_i/down.sql",
            "-- quarry: no-transaction\nDROP INDEX i; DROP INDEX j;",
        );
        let down = expand(quote!("indexes"), Some(&dir)).to_string();
        assert!(
            down.contains("migration `0001_i`, down.sql") && down.contains("has 2 statements"),
            "{down}"
        );
        assert!(!down.contains("up.sql:"), "{down}");
        let garbage = expand(quote!(migrations), Some(&dir)).to_string();
        assert!(
            garbage.contains("expected the migrations folder as a string"),
            "{garbage}"
        );
        assert!(missing.contains("no migrations folder"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
