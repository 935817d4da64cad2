//! The code of the quarry guide, compiled and run as doctests.
//!
//! The guide lives in `src/*.md` and is rendered by `mdbook build book`. Each chapter is
//! included below as the documentation of an empty module, so that
//! `cargo test -p quarry-book --doc` compiles and runs every Rust block in it, and
//! checks that every `compile_fail` block fails to compile. The modules exist only
//! when rustdoc collects doctests.
#![warn(missing_docs)]

#[cfg(doctest)]
#[doc = include_str!("src/introduction.md")]
pub mod introduction {}

#[cfg(doctest)]
#[doc = include_str!("src/getting-started.md")]
pub mod getting_started {}

#[cfg(doctest)]
#[doc = include_str!("src/declaring-tables.md")]
pub mod declaring_tables {}

#[cfg(doctest)]
#[doc = include_str!("src/querying.md")]
pub mod querying {}

#[cfg(doctest)]
#[doc = include_str!("src/joins.md")]
pub mod joins {}

#[cfg(doctest)]
#[doc = include_str!("src/relations.md")]
pub mod relations {}

#[cfg(doctest)]
#[doc = include_str!("src/aggregates.md")]
pub mod aggregates {}

#[cfg(doctest)]
#[doc = include_str!("src/subqueries.md")]
pub mod subqueries {}

#[cfg(doctest)]
#[doc = include_str!("src/writing.md")]
pub mod writing {}

#[cfg(doctest)]
#[doc = include_str!("src/transactions.md")]
pub mod transactions {}

#[cfg(doctest)]
#[doc = include_str!("src/async.md")]
pub mod async_connections {}

#[cfg(doctest)]
#[doc = include_str!("src/instrumentation.md")]
pub mod instrumentation {}

#[cfg(doctest)]
#[doc = include_str!("src/pools.md")]
pub mod pools_and_services {}

#[cfg(doctest)]
#[doc = include_str!("src/migrations.md")]
pub mod migrations {}

#[cfg(doctest)]
#[doc = include_str!("src/cli.md")]
pub mod cli {}

#[cfg(doctest)]
#[doc = include_str!("src/backends.md")]
pub mod backends {}

#[cfg(doctest)]
#[doc = include_str!("src/reading-errors.md")]
pub mod reading_errors {}

#[cfg(doctest)]
#[doc = include_str!("src/performance.md")]
pub mod performance {}
