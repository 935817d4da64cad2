//! Aliases: a table under another name, to join it twice or to itself.
//!
//! `quarry::alias!(users as managers)` declares `managers`, an [`Alias`] of `users`.
//! Its columns are `managers.col(users::name)`; it joins with `.on(…)`, and it is a
//! table of its own for the membership check, so a query may read `users` and
//! `managers` side by side.

use super::join::{FromFragment, JoinableTable};
use super::source::{Column, Contains, Table};
use super::{QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::expr::{AsExpression, Expression, NoGroupBy, Plain, ValidGrouping, ValidIn};
use crate::types::Nullability;
use std::marker::PhantomData;

/// The name of an alias and the table it stands for; declared by
/// [`alias!`](crate::alias).
pub trait AliasName: Copy + Default + 'static {
    /// The table aliased.
    type Table: Table;
    /// The alias, as SQL names it.
    const NAME: &'static str;
}

/// Table `A::Table` under the name `A::NAME`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Alias<A>(PhantomData<A>);

impl<A> Alias<A> {
    #[doc(hidden)]
    pub const fn new() -> Self {
        Alias(PhantomData)
    }
}

impl<A: AliasName> Alias<A> {
    /// Column `column` of the table, through this alias: `managers.col(users::name)`.
    pub fn col<C>(self, column: C) -> AliasedColumn<A, C>
    where
        C: Column<Table = A::Table>,
    {
        let _ = column;
        AliasedColumn {
            _column: PhantomData,
            _alias: PhantomData,
        }
    }
}

impl<A: AliasName> JoinableTable for Alias<A>
where
    <A::Table as Table>::AllColumns: super::DecodeRow,
{
    type AllColumns = <A::Table as Table>::AllColumns;
    fn walk_all_columns(&self, out: &mut SqlWriter<'_>) {
        for (i, name) in <A::Table as Table>::COLUMN_NAMES.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_identifier(A::NAME);
            out.push_sql(".");
            out.push_identifier(name);
        }
    }
}

impl<A: AliasName, DB: Backend> FromFragment<DB> for Alias<A> {
    fn walk_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(<A::Table as Table>::QUOTED);
        out.push_sql(" AS ");
        out.push_identifier(A::NAME);
    }
}

/// A column read through an alias: `"managers"."name"`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AliasedColumn<A, C> {
    _column: PhantomData<C>,
    _alias: PhantomData<A>,
}

impl<A, C: Column> Expression for AliasedColumn<A, C> {
    type SqlType = C::SqlType;
}

impl<A, C, QS, I> ValidIn<QS, I> for AliasedColumn<A, C>
where
    QS: Contains<Alias<A>, I>,
{
    type Nullability = QS::Nullability;
}

impl<A, C> ValidGrouping<NoGroupBy, ()> for AliasedColumn<A, C> {
    type Kind = Plain;
}

impl<A, C> ValidGrouping<crate::expr::InWhere, ()> for AliasedColumn<A, C> {
    type Kind = Plain;
}

impl<A, C> ValidGrouping<crate::expr::InHaving, ()> for AliasedColumn<A, C> {
    type Kind = crate::expr::Constant;
}

impl<A: AliasName, C: Column, DB: Backend> QueryFragment<DB> for AliasedColumn<A, C> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_identifier(A::NAME);
        out.push_sql(".");
        out.push_identifier(C::NAME);
    }
}

impl<A, C: Column> AsExpression<C::SqlType> for AliasedColumn<A, C> {
    type Expression = Self;
    fn into_expression(self) -> Self {
        self
    }
}

impl<A, C: Column, QS, I> super::SelectList<QS, I> for AliasedColumn<A, C>
where
    QS: Contains<Alias<A>, I>,
    <QS::Nullability as Nullability>::Apply<C::SqlType>: super::DecodeRow,
{
    type Row = <QS::Nullability as Nullability>::Apply<C::SqlType>;
}

/// Declares an alias of a table, to read it twice in one query or join it to itself:
/// `quarry::alias!(users as managers);` declares `managers`, whose columns are
/// `managers.col(users::name)`.
///
/// ```
/// use quarry::prelude::*;
///
/// quarry::table! {
///     employees (id) {
///         id -> Int4,
///         name -> Text,
///         manager_id -> Nullable<Int4>,
///     }
/// }
/// quarry::alias!(employees as managers);
///
/// let with_managers = employees::table
///     .left_join(managers.on(managers.col(employees::id).nullable().eq(employees::manager_id)))
///     .select((employees::name, managers.col(employees::name)));
/// assert_eq!(
///     quarry::debug_query::<Sqlite, _>(&with_managers).sql(),
///     r#"SELECT "employees"."name", "managers"."name" FROM "employees" LEFT JOIN "employees" AS "managers" ON "managers"."id" = "employees"."manager_id""#,
/// );
/// ```
#[macro_export]
macro_rules! alias {
    ($table:ident as $alias:ident) => {
        #[allow(non_upper_case_globals)]
        #[doc = ::core::concat!("`", ::core::stringify!($table), "` under the name `", ::core::stringify!($alias), "`.")]
        pub const $alias: $crate::query::Alias<$alias::name> = $crate::query::Alias::new();

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        pub mod $alias {
            /// The alias's name, as a type.
            #[derive(Debug, Clone, Copy, Default)]
            pub struct name;
        }

        impl $crate::query::AliasName for $alias::name {
            type Table = $table::table;
            const NAME: &'static str = ::core::stringify!($alias);
        }
    };
}
