//! Expansion snapshots: each macro expands a small input, pretty-printed and compared
//! with `snapshots/<name>.expanded.rs`. After a deliberate change to an expansion,
//! `QUARRY_BLESS=1 cargo test -p quarry-macros` rewrites the files; read the diff.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use std::path::PathBuf;

fn assert_expansion(name: &str, expanded: TokenStream) {
    let file: syn::File = syn::parse2(expanded).expect("an expansion is a list of items");
    let actual = prettyplease::unparse(&file);
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "snapshots",
        &format!("{name}.expanded.rs"),
    ]
    .iter()
    .collect();
    if std::env::var_os("QUARRY_BLESS").is_some() {
        std::fs::write(&path, &actual).expect("the snapshots folder is writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; QUARRY_BLESS=1 writes it",
            path.display()
        )
    });
    assert!(
        actual == expected,
        "the expansion differs from {}; if the change is meant, QUARRY_BLESS=1 rewrites it. \
         The expansion now:\n{actual}",
        path.display()
    );
}

#[test]
fn table() {
    assert_expansion(
        "table",
        crate::table::expand(quote! {
            /// Posts.
            posts (id) {
                id -> Int4 = default,
                title -> Text,
                #[sql_name = "type"]
                kind -> Nullable<Text>,
            }
        }),
    );
}

/// A foreign key's `JoinTo` impls, and a crate path given to `table!`.
#[test]
fn table_with_references_and_crate_path() {
    assert_expansion(
        "table_with_references_and_crate_path",
        crate::table::expand(quote! {
            #[quarry(crate = crate::db)]
            comments (id) {
                id -> Uuid,
                post_id -> Uuid references posts,
            }
        }),
    );
}

#[test]
fn selectable() {
    assert_expansion(
        "selectable",
        crate::selectable::expand(quote! {
            #[quarry(table = users)]
            struct User {
                id: i32,
                #[quarry(column = name)]
                full_name: String,
            }
        }),
    );
}

#[test]
fn insertable() {
    assert_expansion(
        "insertable",
        crate::writable::expand_insertable(quote! {
            #[quarry(table = users)]
            struct NewUser<'a> {
                name: &'a str,
                hair_color: Option<&'a str>,
            }
        }),
    );
}

#[test]
fn as_changeset() {
    assert_expansion(
        "as_changeset",
        crate::writable::expand_changeset(quote! {
            #[quarry(table = users)]
            struct UserChanges<'a> {
                name: &'a str,
                hair_color: Option<&'a str>,
            }
        }),
    );
}

/// The distinct paths written before `__private` in `expanded`: `":: quarry"`.
fn runtime_paths(expanded: &TokenStream) -> Vec<String> {
    fn collect(stream: TokenStream, paths: &mut Vec<String>) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Group(group) => collect(group.stream(), paths),
                TokenTree::Ident(ident) if ident == "__private" => {
                    // Walk back over `segment ::` pairs, and a leading `::`.
                    let mut start = i;
                    while start >= 2 && is_colon(&tokens[start - 1]) && is_colon(&tokens[start - 2])
                    {
                        start -= 2;
                        match start.checked_sub(1).map(|j| &tokens[j]) {
                            Some(TokenTree::Ident(segment)) if !is_keyword(segment) => start -= 1,
                            _ => break,
                        }
                    }
                    let path: TokenStream = tokens[start..i - 2].iter().cloned().collect();
                    paths.push(path.to_string());
                }
                _ => {}
            }
        }
    }
    // The words that may stand before a path in the expansions, and are no segment of it
    // (`static` as the lifetime of `&'static path`).
    fn is_keyword(ident: &proc_macro2::Ident) -> bool {
        ["as", "dyn", "for", "impl", "mut", "static", "where"]
            .iter()
            .any(|k| ident == k)
    }
    fn is_colon(token: &TokenTree) -> bool {
        matches!(token, TokenTree::Punct(p) if p.as_char() == ':')
    }
    let mut paths = Vec::new();
    collect(expanded.clone(), &mut paths);
    paths.sort();
    paths.dedup();
    paths
}

#[test]
fn crate_path_override_reaches_every_runtime_path() {
    let table = crate::table::expand(quote! {
        #[quarry(crate = crate::reexport::db)]
        users (id) {
            id -> Int4 = default,
            team_id -> Nullable<Int4> references teams,
            tags -> Array<Text>,
        }
        teams (id) { id -> Int4 }
    });
    let selectable = crate::selectable::expand(quote! {
        #[quarry(crate = crate::reexport::db, table = users)]
        struct User { id: i32 }
    });
    let insertable = crate::writable::expand_insertable(quote! {
        #[quarry(table = users)]
        #[quarry(crate = crate::reexport::db)]
        struct NewUser { team_id: Option<i32> }
    });
    let changeset = crate::writable::expand_changeset(quote! {
        #[quarry(crate = crate::reexport::db, table = users)]
        struct UserChanges { team_id: Option<i32> }
    });
    for expanded in [table, selectable, insertable, changeset] {
        let text = expanded.to_string();
        assert!(!text.contains("compile_error"), "{text}");
        assert!(!text.contains("quarry ::"), "{text}");
        assert_eq!(
            runtime_paths(&expanded),
            ["crate :: reexport :: db"],
            "{text}"
        );
    }
}

#[test]
fn default_crate_path_is_absolute() {
    let expanded = crate::table::expand(quote! { users (id) { id -> Int4 } });
    assert_eq!(runtime_paths(&expanded), [":: quarry"]);
}

#[test]
fn table_crate_attribute_goes_first() {
    let text = crate::table::expand(quote! {
        /// Users.
        #[quarry(crate = crate::db)]
        users (id) { id -> Int4 }
    })
    .to_string();
    assert!(
        text.contains("`#[quarry(crate = …)]` goes first in `table!`"),
        "{text}"
    );
    let text = crate::table::expand(quote! {
        #[quarry(krate = crate::db)]
        users (id) { id -> Int4 }
    })
    .to_string();
    assert!(
        text.contains("`table!` takes `#[quarry(crate = path::to::quarry)]` before its tables"),
        "{text}"
    );
}
