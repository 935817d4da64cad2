//! Relations, derived by `table!` from `references`, and loading them.
//!
//! Each foreign key `posts.user_id -> Int4 references users` gives two relations, one
//! unit struct each: `posts::users`, to-one from a post to its user (optional when the
//! key is nullable), and the to-many one from a user to their posts: `users::posts` when
//! both tables are declared in the same `table!`, else `posts::by_user_id`. A link table
//! (its primary key two columns that both reference a table) also gives a many-to-many
//! relation through it. The guide's chapter "Relations" shows them all.
//!
//! - [`Relation`]: what a relation is (its tables, key columns, cardinality), and the
//!   checks on it (this file).
//! - `load.rs`: eager loading: `users::table.with(users::posts.with(posts::comments))`,
//!   one statement per level keyed by the parents' keys, into structs with
//!   `#[quarry(relation)]` fields; [`Eager::load`] on a blocking connection,
//!   `Eager::load_async` on an async one (feature `tokio`).
//! - `manual.rs`: `belonging_to` and `grouped_by`, for a child query written by hand, and
//!   relations as join targets (`users::table.inner_join(users::posts)`).

use crate::query::{Column, SqlWriter, Table};
use crate::types::SqlType;
use std::marker::PhantomData;

mod load;
mod manual;

pub use load::*;
pub use manual::*;

/// A relation between two tables, from a foreign key: implemented by `table!` for the
/// unit structs it generates (`posts::users`, `users::posts`, …).
pub trait Relation: Copy + Default + 'static {
    /// The table whose rows the relation belongs to: `users` for `users::posts`.
    type Parent: Table;
    /// The table of the related rows: `posts` for `users::posts`.
    type Child: Table;
    /// The parent's column that the related rows are found by (its primary key, or the
    /// foreign key of a to-one relation).
    type ParentKey: Column<Table = Self::Parent>;
    /// The column the related rows are matched on: the foreign key of a to-many
    /// relation, the child's primary key of a to-one one, the link table's key of a
    /// many-to-many one.
    type ChildKey: Column;
    /// The SQL type both keys hold (without nullability).
    type Key: SqlType;
    /// [`Many`], [`One`] or [`OptionalOne`].
    type Cardinality;
    /// How the child's rows are reached: [`Direct`] or through a [`Link`] table.
    type Via: Via;
    /// The relation's name in schema terms, `users::posts`, for messages.
    const NAME: &'static str;
}

/// A to-many relation: a parent has any number of related rows (`Vec<…>`).
#[derive(Debug, Clone, Copy)]
pub enum Many {}

/// A to-one relation whose key is NOT NULL: every parent has one related row.
#[derive(Debug, Clone, Copy)]
pub enum One {}

/// A to-one relation whose key is nullable: a parent has one related row or none
/// (`Option<…>`).
#[derive(Debug, Clone, Copy)]
pub enum OptionalOne {}

/// The child's rows are read from its table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Direct;

/// The child's rows are read through link table `L`, whose column `K` references the
/// child's primary key `P`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Link<L, K, P>(PhantomData<(L, K, P)>);

/// How a relation reaches its child rows: the FROM clause of a level's statement.
pub trait Via {
    /// Writes the FROM clause, after `FROM `.
    #[doc(hidden)]
    fn walk_from<Child: Table>(out: &mut SqlWriter<'_>);
}

impl Via for Direct {
    fn walk_from<Child: Table>(out: &mut SqlWriter<'_>) {
        out.push_sql(Child::QUOTED);
    }
}

impl<L: Table, K: Column<Table = L>, P: Column> Via for Link<L, K, P> {
    fn walk_from<Child: Table>(out: &mut SqlWriter<'_>) {
        out.push_sql(Child::QUOTED);
        out.push_sql(" INNER JOIN ");
        out.push_sql(L::QUOTED);
        out.push_sql(" ON ");
        out.push_sql(K::QUALIFIED);
        out.push_sql(" = ");
        out.push_sql(P::QUALIFIED);
    }
}

// The checks below are traits of a relation's cardinality or parent table, with the
// relation as a parameter, so that the compiler reports them in the relation's terms.

/// `Parent` is table `T`: `.with(R)` on a query of `T` checks `R::Parent: ParentIs<T, R>`.
#[diagnostic::on_unimplemented(
    message = "`{R}` is not a relation of `{T}`",
    label = "a relation of another table",
    note = "`.with(…)` takes a relation of the table whose rows it loads: one that `{T}` has from a `references` (`users::posts` on users, `posts::users` on posts)"
)]
#[doc(hidden)]
pub trait ParentIs<T, R> {}
impl<T, R> ParentIs<T, R> for T {}

/// A cardinality that `limit_per_parent` takes: [`Many`].
#[diagnostic::on_unimplemented(
    message = "`limit_per_parent` limits a to-many relation, and `{R}` is to-one",
    label = "a parent has at most one row of this relation",
    note = "`limit_per_parent(n)` keeps the first `n` related rows of each parent; it applies to relations such as `users::posts`"
)]
#[doc(hidden)]
pub trait LimitCardinality<R> {}
impl<R> LimitCardinality<R> for Many {}

/// A cardinality whose field is a `Vec<…>`: [`Many`].
#[diagnostic::on_unimplemented(
    message = "`{R}` is a to-one relation: its field holds one row, not a `Vec`",
    label = "a parent has at most one row of this relation",
    note = "write the field as the row's type (`author: User`), or `Option<User>` when the foreign key is nullable"
)]
#[doc(hidden)]
pub trait VecCardinality<R> {}
impl<R> VecCardinality<R> for Many {}

/// A cardinality whose field is one row: [`One`].
#[diagnostic::on_unimplemented(
    message = "`{R}` may find no row for a parent: its field is a `Vec<…>` (to-many) or an `Option<…>` (nullable key)",
    label = "a parent may have no row of this relation"
)]
#[doc(hidden)]
pub trait OneCardinality<R> {}
impl<R> OneCardinality<R> for One {}

/// A cardinality whose field is an `Option<…>`: [`One`] and [`OptionalOne`].
#[diagnostic::on_unimplemented(
    message = "`{R}` is a to-many relation: its field is a `Vec<…>`, not an `Option`",
    label = "a parent may have several rows of this relation"
)]
#[doc(hidden)]
pub trait OptionCardinality<R> {}
impl<R> OptionCardinality<R> for One {}
impl<R> OptionCardinality<R> for OptionalOne {}

/// Checks, where `#[derive(Selectable)]` expands, that a relation field written
/// `Vec<…>` is a to-many relation.
#[doc(hidden)]
pub fn check_vec_field<R: Relation>()
where
    R::Cardinality: VecCardinality<R>,
{
}

/// See [`check_vec_field`]: a field of one row.
#[doc(hidden)]
pub fn check_one_field<R: Relation>()
where
    R::Cardinality: OneCardinality<R>,
{
}

/// See [`check_vec_field`]: an `Option` field.
#[doc(hidden)]
pub fn check_option_field<R: Relation>()
where
    R::Cardinality: OptionCardinality<R>,
{
}
