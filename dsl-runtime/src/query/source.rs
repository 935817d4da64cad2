//! Tables, columns, and the FROM clause as a type-level list.
//!
//! A query's FROM clause is a list of entries, `(Entry<users::table, Inner>, ())` for a
//! query on one table. A column may be used in a query when its table is in that list:
//! [`Contains<T, I>`] proves it, with `I` the table's position (`Here`, `There<Here>`,
//! …) inferred by the compiler. This is linear in the number of tables (no impl per
//! pair of tables), and a table that appears twice makes the position ambiguous, which
//! is why a self-join needs an alias.

use super::{QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::expr::{
    Constant, Expression, GroupBy, GroupContains, IntoGroupList, NoGroupBy, Plain, ValidGrouping,
    ValidIn,
};
use crate::query::select::DecodeRow;
use crate::types::{IsNullable, NotNull, Nullability, SqlType};
use std::marker::PhantomData;

/// A table declared with [`table!`](crate::table).
pub trait Table: QuerySource + Copy + Default + 'static {
    /// The table's name in SQL.
    const NAME: &'static str;
    /// The table's name quoted for SQL.
    const QUOTED: &'static str;
    /// The primary key column, or a tuple of columns for a composite key.
    type PrimaryKey: Copy + Default;
    /// All columns, in declaration order; what a query selects when it has no `select`.
    type AllColumns: Copy + Default;
    /// All columns as a select list: `"users"."id", "users"."name"`.
    const ALL_COLUMNS_SQL: &'static str;
    /// The SQL names of all columns, in declaration order.
    const COLUMN_NAMES: &'static [&'static str];
}

/// A column of a table declared with [`table!`](crate::table).
pub trait Column: Copy + Default + 'static {
    /// The table the column belongs to.
    type Table: Table;
    /// The column's SQL type.
    type SqlType: SqlType;
    /// The column's name in SQL.
    const NAME: &'static str;
    /// The column's name, qualified by its table and quoted: `"users"."name"`.
    const QUALIFIED: &'static str;
    /// Whether the database fills the column when an insert leaves it out.
    const HAS_DEFAULT: bool;
}

#[diagnostic::do_not_recommend]
impl<C: Column> Expression for C {
    type SqlType = <C as Column>::SqlType;
}
impl<C: Column, QS, I> ValidIn<QS, I> for C
where
    QS: Contains<C::Table, I>,
{
    type Nullability = QS::Nullability;
}

/// A column renders on the backends that store its SQL type (not an `Array` on SQLite).
impl<C: Column, DB: Backend> QueryFragment<DB> for C
where
    C::SqlType: crate::expr::SupportedBy<DB>,
{
    #[inline]
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(C::QUALIFIED);
    }
}

impl<C: Column> ValidGrouping<NoGroupBy, ()> for C {
    type Kind = Plain;
}

impl<C: Column> ValidGrouping<crate::expr::InWhere, ()> for C {
    type Kind = Plain;
}

impl<C: Column> ValidGrouping<crate::expr::InHaving, ()> for C {
    type Kind = Constant;
}

impl<C: Column, G: IntoGroupList, I> ValidGrouping<GroupBy<G>, I> for C
where
    G::List: GroupContains<C, I>,
{
    type Kind = Constant;
}

/// Something a query can read from: a table, or a join of tables.
pub trait QuerySource {
    /// The FROM clause as a type-level list of [`Entry`]s.
    type List;
    /// What each table contributes to the default selection, as a type-level list.
    type DefaultRows;
    /// Decodes what the query selects when it has no `select`.
    type DefaultSelection: DecodeRow;
    /// Renders the default select list.
    fn walk_default_selection(&self, out: &mut SqlWriter<'_>);
    /// The GROUP BY list: [`NoGroupBy`], or [`GroupBy`] after `group_by`.
    type GroupBy;
    /// Whether the query is grouped (counting it needs a subquery).
    const GROUPED: bool = false;
}

impl<T: Table> QuerySource for T
where
    T::AllColumns: DecodeRow,
{
    type List = (Entry<T, Inner>, ());
    type GroupBy = NoGroupBy;
    type DefaultRows = (T::AllColumns, ());
    type DefaultSelection = T::AllColumns;

    fn walk_default_selection(&self, out: &mut SqlWriter<'_>) {
        out.push_sql(T::ALL_COLUMNS_SQL);
    }
}

/// One table of a FROM clause, joined in mode `M`.
#[derive(Debug)]
pub struct Entry<T, M>(PhantomData<(T, M)>);

/// An entry whose rows are always present: the first table, or an inner join.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inner;

/// An entry whose rows may be missing: a table joined with `left_join`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outer;

/// How a table is joined: [`Inner`] or [`Outer`].
pub trait JoinMode: Copy + Default + 'static {
    /// `NotNull` for an inner join, `IsNullable` for an outer one.
    type Nullability: Nullability;
    /// The join keyword.
    const SQL: &'static str;
}

impl JoinMode for Inner {
    type Nullability = NotNull;
    const SQL: &'static str = " INNER JOIN ";
}

impl JoinMode for Outer {
    type Nullability = IsNullable;
    const SQL: &'static str = " LEFT JOIN ";
}

/// Position of a table in a FROM list: the head.
#[derive(Debug, Clone, Copy)]
pub struct Here;

/// Position of a table in a FROM list: somewhere in the tail, at `I`.
#[derive(Debug, Clone, Copy)]
pub struct There<I>(PhantomData<I>);

/// Proof that the FROM list `Self` contains table `T`, at position `I`.
#[diagnostic::on_unimplemented(
    message = "table `{T}` is not in this query's FROM clause",
    label = "this uses a column of `{T}`",
    note = "a query may only use columns of the tables it reads from: join `{T}` first, or remove the column"
)]
pub trait Contains<T, I> {
    /// Whether the table's columns can be NULL in this query: `IsNullable` for a table
    /// joined with `left_join`.
    type Nullability: Nullability;
}

impl<T, M: JoinMode, Rest> Contains<T, Here> for (Entry<T, M>, Rest) {
    type Nullability = M::Nullability;
}

#[diagnostic::do_not_recommend]
impl<T, H, M, Rest, I> Contains<T, There<I>> for (Entry<H, M>, Rest)
where
    Rest: Contains<T, I>,
{
    type Nullability = Rest::Nullability;
}
