//! Names for the types that query and expression methods return, so that a function can
//! return a query, and one trait per builder method for code generic over queries.
//!
//! ```
//! use quarry::dsl;
//! use quarry::prelude::*;
//!
//! quarry::table! {
//!     users (id) { id -> Int4, name -> Text, age -> Int4 }
//! }
//!
//! /// The users who are 18 or older.
//! fn adults() -> dsl::Filter<users::table, dsl::Ge<users::age, i32>> {
//!     users::table.filter(users::age.ge(18))
//! }
//!
//! let mut conn = SqliteConnection::establish(":memory:")?;
//! conn.batch_execute(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL);
//!      INSERT INTO users VALUES (1, 'Ada', 36), (2, 'Tim', 12), (3, 'Grace', 45);",
//! )?;
//! // What a function returns is an ordinary query: it composes further.
//! let names = adults().select(users::name).order_by(users::name).load(&mut conn)?;
//! assert_eq!(names, ["Ada", "Grace"]);
//! assert_eq!(adults().count().get_result(&mut conn)?, 2);
//! # Ok::<(), quarry::Error>(())
//! ```
//!
//! Each alias takes the query the method is called on (`Q`: a table or a
//! [`SelectStatement`]) and the method's arguments, as types. An expression alias takes
//! the Rust type of a value where the method takes a value: `dsl::Eq<users::name, &'a
//! str>` is the type of `users::name.eq(name)` for `name: &'a str`.
//!
//! # Positions in the FROM clause
//!
//! [`Select`], [`InnerJoin`] and [`LeftJoin`] take one more parameter: where their
//! argument's tables are in the query's FROM clause. quarry proves that a column's table
//! is in the FROM clause by finding its position there, and a `select` keeps that
//! position in its type (it decides whether the column loads as an `Option`), so its
//! name cannot leave it out. The compiler infers it in a method call; in a type, it
//! is written as follows.
//!
//! - For `select`: [`Here`] for a column (or `Type::as_select()`) of the first table of
//!   the FROM clause, `There<Here>` for the second, `There<There<Here>>` for the third,
//!   and so on; a tuple takes a tuple of its items' positions (`(Here, There<Here>)`);
//!   an expression made of two operands (`a.eq(b)`, `a + b`) takes the pair of theirs,
//!   a bound value takes `()`, and an aggregate or a function call takes its argument's.
//! - For a join on a foreign key declared in `table!`: `(key, P)`, where `key` is the
//!   column that holds the foreign key (`posts::user_id`) and `P` the position of the
//!   table already in the query that the key links (`Here` for the first table).
//! - For a join with `.on(condition)`: `Explicit<P>`, with `P` the position of the
//!   condition as for `select`, in the FROM clause that includes the joined table.
//!
//! When unsure, write the return type as `_`: the compiler refuses it and prints the
//! query's whole type, in which the positions appear
//! (`SelectClause<(name, title), (Here, There<Here>)>`).
//!
//! # One trait per method
//!
//! [`FilterDsl`], [`OrFilterDsl`], [`OrderDsl`], [`ThenOrderDsl`], [`LimitDsl`] and
//! [`OffsetDsl`] are implemented by tables, [`SelectStatement`]s and [`BoxedSelect`]s
//! alike, so that a function generic over the query can build on any of them. They are
//! not in the prelude: [`QueryDsl`] already gives tables and statements these methods,
//! and a boxed query has them as its own. Name them by path in bounds
//! (`Q: dsl::FilterDsl<P, I>`): imported next to the prelude, `.filter(…)` on a table
//! would be ambiguous between the two traits.

use crate::backend::Backend;
use crate::expr::{self, AsCondition, AsExpression, Expression, ValidIn};

/// A typed literal: a Rust value as a bind parameter of its natural SQL type
/// (`val(10)` is an `Int4`, `val("x")` a `Text`), to stand on the left of an operator
/// or in a select list: `quarry::dsl::val(10) - users::age`. See [`expr::val`].
pub use crate::expr::val;
use crate::query::{
    AddHavingTo, AddOrder, AddPredicate, BoxedSelect, CountQuery, EqAll, Grouped, InArgument,
    Inner, Join, JoinTarget, NoHaving, OrderClause, OrderFragment, OrderTerm, Outer, Query,
    QueryDsl, QueryFragment, QuerySource, ScalarSubquery, SelectStatement, SetSelection, Table,
};
use crate::types::Text;

pub use crate::query::{Explicit, Here, There};

// ---------------------------------------------------------------------------------
// The parts of a query, by name
// ---------------------------------------------------------------------------------

type FromOf<Q> = <Q as QueryDsl>::From;
type SelectOf<Q> = <Q as QueryDsl>::Select;
type WhereOf<Q> = <Q as QueryDsl>::Where;
type OrderOf<Q> = <Q as QueryDsl>::Order;
type ListOf<Q> = <FromOf<Q> as QuerySource>::List;
type GroupByOf<Q> = <FromOf<Q> as QuerySource>::GroupBy;
type SqlTypeOf<E> = <E as Expression>::SqlType;

// ---------------------------------------------------------------------------------
// What the query methods return
// ---------------------------------------------------------------------------------

/// The query `Q` as a [`SelectStatement`]: what [`limit`](QueryDsl::limit),
/// [`offset`](QueryDsl::offset) and [`distinct`](QueryDsl::distinct) return, and the
/// type of a table used as a query.
pub type Statement<Q> = SelectStatement<FromOf<Q>, SelectOf<Q>, WhereOf<Q>, OrderOf<Q>>;

/// `Q.filter(predicate)`, with `P` the type of `predicate`.
pub type Filter<Q, P> = SelectStatement<
    FromOf<Q>,
    SelectOf<Q>,
    <WhereOf<Q> as AddPredicate<<P as AsCondition>::Expression, expr::And>>::Output,
    OrderOf<Q>,
>;

/// `Q.or_filter(predicate)`, with `P` the type of `predicate`.
pub type OrFilter<Q, P> = SelectStatement<
    FromOf<Q>,
    SelectOf<Q>,
    <WhereOf<Q> as AddPredicate<<P as AsCondition>::Expression, expr::Or>>::Output,
    OrderOf<Q>,
>;

/// `Q.find(key)`, with `K` the type of `key` (a tuple for a composite primary key).
pub type Find<Q, K> = SelectStatement<
    FromOf<Q>,
    SelectOf<Q>,
    <WhereOf<Q> as AddPredicate<
        <<FromOf<Q> as Table>::PrimaryKey as EqAll<K>>::Output,
        expr::And,
    >>::Output,
    OrderOf<Q>,
>;

/// `Q.order_by(terms)`, with `O` the type of `terms`.
pub type Order<Q, O> = SelectStatement<FromOf<Q>, SelectOf<Q>, WhereOf<Q>, OrderClause<O>>;

/// `Q.then_order_by(terms)`, with `O` the type of `terms`.
pub type ThenOrder<Q, O> =
    SelectStatement<FromOf<Q>, SelectOf<Q>, WhereOf<Q>, <OrderOf<Q> as AddOrder<O>>::Output>;

/// `Q.limit(count)`.
pub type Limit<Q> = Statement<Q>;

/// `Q.offset(count)`.
pub type Offset<Q> = Statement<Q>;

/// `Q.distinct()`.
pub type Distinct<Q> = Statement<Q>;

/// `Q.count()`: loads as `i64`.
pub type Count<Q> = CountQuery<Statement<Q>>;

/// `Q.group_by(columns)`, with `G` the type of `columns`.
pub type GroupBy<Q, G> =
    SelectStatement<Grouped<FromOf<Q>, G, NoHaving>, SelectOf<Q>, WhereOf<Q>, OrderOf<Q>>;

/// `Q.having(condition)`, with `P` the type of `condition`.
pub type Having<Q, P> = SelectStatement<
    <FromOf<Q> as AddHavingTo<<P as AsCondition>::Expression>>::Output,
    SelectOf<Q>,
    WhereOf<Q>,
    OrderOf<Q>,
>;

/// `Q.select(selection)`, with `S` the type of `selection` and `I` where its tables are
/// in the FROM clause (see [the module docs](self#positions-in-the-from-clause)):
/// `dsl::Select<users::table, users::name, Here>`.
pub type Select<Q, S, I> =
    SelectStatement<FromOf<Q>, <SelectOf<Q> as SetSelection<S, I>>::Output, WhereOf<Q>, OrderOf<Q>>;

/// `Q.inner_join(target)`, with `J` the type of `target` and `X` how it is joined (see
/// [the module docs](self#positions-in-the-from-clause)):
/// `dsl::InnerJoin<users::table, posts::table, (posts::user_id, Here)>`.
pub type InnerJoin<Q, J, X> = SelectStatement<
    Join<
        FromOf<Q>,
        <J as JoinTarget<ListOf<Q>, X>>::Table,
        Inner,
        <J as JoinTarget<ListOf<Q>, X>>::On,
    >,
    SelectOf<Q>,
    WhereOf<Q>,
    OrderOf<Q>,
>;

/// `Q.left_join(target)`, as [`InnerJoin`].
pub type LeftJoin<Q, J, X> = SelectStatement<
    Join<
        FromOf<Q>,
        <J as JoinTarget<ListOf<Q>, X>>::Table,
        Outer,
        <J as JoinTarget<ListOf<Q>, X>>::On,
    >,
    SelectOf<Q>,
    WhereOf<Q>,
    OrderOf<Q>,
>;

/// `Q.distinct_on(on)`, with `E` the type of `on` (PostgreSQL only).
pub type DistinctOn<Q, E> =
    SelectStatement<FromOf<Q>, crate::query::DistinctOn<E, SelectOf<Q>>, WhereOf<Q>, OrderOf<Q>>;

/// `Q.single_value()`: the query as one value inside another query.
pub type SingleValue<Q> = ScalarSubquery<
    Statement<Q>,
    <SelectOf<Q> as crate::query::select::SelectedExpression>::SqlType,
>;

/// `Q.into_boxed::<DB>()`, borrowing for `'a`.
pub type IntoBoxed<'a, Q, DB> = BoxedSelect<'a, FromOf<Q>, <Statement<Q> as Query>::Row, DB>;

// ---------------------------------------------------------------------------------
// What the expression methods return
// ---------------------------------------------------------------------------------

/// `left.eq(right)`, with `R` the type of `right`: a Rust value or an expression.
pub type Eq<L, R> = expr::Binary<expr::Eq, L, <R as AsExpression<SqlTypeOf<L>>>::Expression>;

/// `left.ne(right)`, as [`Eq`](type@Eq).
pub type Ne<L, R> = expr::Binary<expr::Ne, L, <R as AsExpression<SqlTypeOf<L>>>::Expression>;

/// `left.gt(right)`, as [`Eq`](type@Eq).
pub type Gt<L, R> = expr::Binary<expr::Gt, L, <R as AsExpression<SqlTypeOf<L>>>::Expression>;

/// `left.ge(right)`, as [`Eq`](type@Eq).
pub type Ge<L, R> = expr::Binary<expr::Ge, L, <R as AsExpression<SqlTypeOf<L>>>::Expression>;

/// `left.lt(right)`, as [`Eq`](type@Eq).
pub type Lt<L, R> = expr::Binary<expr::Lt, L, <R as AsExpression<SqlTypeOf<L>>>::Expression>;

/// `left.le(right)`, as [`Eq`](type@Eq).
pub type Le<L, R> = expr::Binary<expr::Le, L, <R as AsExpression<SqlTypeOf<L>>>::Expression>;

/// `expr.between(low, high)`, with `Lo` and `Hi` the types of `low` and `high`.
pub type Between<E, Lo, Hi> = expr::Between<
    E,
    <Lo as AsExpression<SqlTypeOf<E>>>::Expression,
    <Hi as AsExpression<SqlTypeOf<E>>>::Expression,
>;

/// `expr.eq_any(values)`, with `V` the type of `values` (a `Vec`, an array, a slice, an
/// iterator, or a subquery).
pub type EqAny<E, V> = <V as InArgument<E, SqlTypeOf<E>>>::In;

/// `expr.ne_all(values)`, as [`EqAny`].
pub type NeAll<E, V> = <V as InArgument<E, SqlTypeOf<E>>>::NotIn;

/// `expr.like(pattern)`, with `R` the type of `pattern`.
pub type Like<L, R> = expr::Binary<expr::Like, L, <R as AsExpression<Text>>::Expression>;

/// `expr.not_like(pattern)`, as [`Like`].
pub type NotLike<L, R> = expr::Binary<expr::NotLike, L, <R as AsExpression<Text>>::Expression>;

/// `left.and(right)`, with `R` the type of `right`.
pub type And<L, R> = expr::Binary<expr::And, L, <R as AsCondition>::Expression>;

/// `left.or(right)`, as [`And`].
pub type Or<L, R> = expr::Binary<expr::Or, L, <R as AsCondition>::Expression>;

/// `expr.not()`.
pub type Not<E> = expr::Not<E>;

/// `expr.is_null()`.
pub type IsNull<E> = expr::IsNull<E>;

/// `expr.is_not_null()`.
pub type IsNotNull<E> = expr::IsNotNull<E>;

/// `expr.asc()`.
pub type Asc<E> = expr::Asc<E>;

/// `expr.desc()`.
pub type Desc<E> = expr::Desc<E>;

/// `expr.nullable()`.
pub type AsNullable<E> = expr::AsNullable<E>;

/// `expr.not_between(low, high)`, as [`Between`].
pub type NotBetween<E, Lo, Hi> = expr::NotBetween<
    E,
    <Lo as AsExpression<SqlTypeOf<E>>>::Expression,
    <Hi as AsExpression<SqlTypeOf<E>>>::Expression,
>;

/// `left.rem(right)` (and `left % right` on an expression), as [`Eq`](type@Eq).
pub type Rem<L, R> = expr::Binary<expr::Rem, L, <R as AsExpression<SqlTypeOf<L>>>::Expression>;

/// `left.concat(right)`, with `R` the type of `right`.
pub type Concat<L, R> = expr::Binary<
    expr::Concat,
    L,
    <R as AsExpression<<SqlTypeOf<L> as expr::ConcatType>::Other>>::Expression,
>;

/// `expr.neg()` (and `-expr` on an expression).
pub type Neg<E> = expr::Neg<E>;

/// `expr.cast::<T>()`.
pub type Cast<E, T> = expr::Cast<E, T>;

/// `term.nulls_first()`.
pub type NullsFirst<O> = expr::NullsFirst<O>;

/// `term.nulls_last()`.
pub type NullsLast<O> = expr::NullsLast<O>;

/// `val(value)`, with `T` the type of `value`.
pub type Val<T> = expr::Bound<<T as expr::DefaultSqlType>::SqlType, T>;

// ---------------------------------------------------------------------------------
// One trait per builder method
// ---------------------------------------------------------------------------------

/// `filter`, on every query that has it: tables, [`SelectStatement`]s, [`BoxedSelect`]s.
/// `I` is where the predicate's tables are in the FROM clause, inferred at the call.
pub trait FilterDsl<P, I> {
    /// The query with the filter added.
    type Output;
    /// Keeps the rows for which `predicate` holds, AND-ed with the filters before it.
    fn filter(self, predicate: P) -> Self::Output;
}

/// `or_filter`, on every query that has it, as [`FilterDsl`].
pub trait OrFilterDsl<P, I> {
    /// The query with the filter added.
    type Output;
    /// Also keeps the rows for which `predicate` holds: OR-ed with the filters before it.
    fn or_filter(self, predicate: P) -> Self::Output;
}

/// `order_by`, on every query that has it. `I` is where the terms' tables are in the
/// FROM clause, inferred at the call.
pub trait OrderDsl<O, I> {
    /// The query with its ordering replaced.
    type Output;
    /// Orders by `terms`, replacing any earlier ordering.
    fn order_by(self, terms: O) -> Self::Output;
}

/// `then_order_by`, on every query that has it, as [`OrderDsl`].
pub trait ThenOrderDsl<O, I> {
    /// The query with the terms added to its ordering.
    type Output;
    /// Orders by `terms` after the current ordering.
    fn then_order_by(self, terms: O) -> Self::Output;
}

/// `limit`, on every query that has it.
pub trait LimitDsl {
    /// The query with the limit set.
    type Output;
    /// Returns at most `count` rows; a negative `count` is refused when the query runs.
    fn limit(self, count: i64) -> Self::Output;
}

/// `offset`, on every query that has it.
pub trait OffsetDsl {
    /// The query with the offset set.
    type Output;
    /// Skips the first `count` rows; a negative `count` is refused when the query runs.
    fn offset(self, count: i64) -> Self::Output;
}

impl<Q, P, I, IG> FilterDsl<P, (I, IG)> for Q
where
    Q: QueryDsl,
    P: AsCondition,
    P::Expression: ValidIn<ListOf<Q>, I> + expr::PerRow<IG>,
    WhereOf<Q>: AddPredicate<P::Expression, expr::And>,
{
    type Output = Filter<Q, P>;
    fn filter(self, predicate: P) -> Self::Output {
        QueryDsl::filter(self, predicate)
    }
}

impl<Q, P, I, IG> OrFilterDsl<P, (I, IG)> for Q
where
    Q: QueryDsl,
    P: AsCondition,
    P::Expression: ValidIn<ListOf<Q>, I> + expr::PerRow<IG>,
    WhereOf<Q>: AddPredicate<P::Expression, expr::Or>,
{
    type Output = OrFilter<Q, P>;
    fn or_filter(self, predicate: P) -> Self::Output {
        QueryDsl::or_filter(self, predicate)
    }
}

impl<Q, O, I, IG> OrderDsl<O, (I, IG)> for Q
where
    Q: QueryDsl,
    O: OrderTerm + ValidIn<ListOf<Q>, I> + expr::ValidGrouping<GroupByOf<Q>, IG>,
{
    type Output = Order<Q, O>;
    fn order_by(self, terms: O) -> Self::Output {
        QueryDsl::order_by(self, terms)
    }
}

impl<Q, O, I, IG> ThenOrderDsl<O, (I, IG)> for Q
where
    Q: QueryDsl,
    O: OrderTerm + ValidIn<ListOf<Q>, I> + expr::ValidGrouping<GroupByOf<Q>, IG>,
    OrderOf<Q>: AddOrder<O>,
{
    type Output = ThenOrder<Q, O>;
    fn then_order_by(self, terms: O) -> Self::Output {
        QueryDsl::then_order_by(self, terms)
    }
}

impl<Q: QueryDsl> LimitDsl for Q {
    type Output = Limit<Q>;
    fn limit(self, count: i64) -> Self::Output {
        QueryDsl::limit(self, count)
    }
}

impl<Q: QueryDsl> OffsetDsl for Q {
    type Output = Offset<Q>;
    fn offset(self, count: i64) -> Self::Output {
        QueryDsl::offset(self, count)
    }
}

// A boxed query keeps its type whatever is added to it.

impl<'a, F, R, DB, P, I, IG> FilterDsl<P, (I, IG)> for BoxedSelect<'a, F, R, DB>
where
    F: QuerySource,
    DB: Backend,
    P: AsCondition,
    P::Expression: ValidIn<F::List, I> + expr::PerRow<IG> + QueryFragment<DB> + 'a,
{
    type Output = Self;
    fn filter(self, predicate: P) -> Self {
        BoxedSelect::filter(self, predicate)
    }
}

impl<'a, F, R, DB, P, I, IG> OrFilterDsl<P, (I, IG)> for BoxedSelect<'a, F, R, DB>
where
    F: QuerySource,
    DB: Backend,
    P: AsCondition,
    P::Expression: ValidIn<F::List, I> + expr::PerRow<IG> + QueryFragment<DB> + 'a,
{
    type Output = Self;
    fn or_filter(self, predicate: P) -> Self {
        BoxedSelect::or_filter(self, predicate)
    }
}

impl<'a, F, R, DB, O, I> OrderDsl<O, I> for BoxedSelect<'a, F, R, DB>
where
    F: QuerySource,
    DB: Backend,
    O: OrderTerm + ValidIn<F::List, I> + OrderFragment<DB> + 'a,
{
    type Output = Self;
    fn order_by(self, terms: O) -> Self {
        BoxedSelect::order_by(self, terms)
    }
}

impl<'a, F, R, DB, O, I> ThenOrderDsl<O, I> for BoxedSelect<'a, F, R, DB>
where
    F: QuerySource,
    DB: Backend,
    O: OrderTerm + ValidIn<F::List, I> + OrderFragment<DB> + 'a,
{
    type Output = Self;
    fn then_order_by(self, terms: O) -> Self {
        BoxedSelect::then_order_by(self, terms)
    }
}

impl<F: QuerySource, R, DB: Backend> LimitDsl for BoxedSelect<'_, F, R, DB> {
    type Output = Self;
    fn limit(self, count: i64) -> Self {
        BoxedSelect::limit(self, count)
    }
}

impl<F: QuerySource, R, DB: Backend> OffsetDsl for BoxedSelect<'_, F, R, DB> {
    type Output = Self;
    fn offset(self, count: i64) -> Self {
        BoxedSelect::offset(self, count)
    }
}
