//! `SELECT` statements: the builder, what a select list is, and how rows decode.

use super::boxed::{BoxOrder, BoxSelect, BoxWhere, BoxedSelect};
use super::group::{AddHaving, Grouped, NoHaving};
use super::join::{FromFragment, Join, JoinTarget};
use super::source::{Contains, Inner, Outer, QuerySource, Table};
use super::subquery::ScalarSubquery;
use super::{Query, QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::conn::Row;
use crate::error::{Error, QueryResult};
use crate::expr::{
    Aggregate, Aggregated, And, AsCondition, AsExpression, AsNullable, Between, Binary, Bound,
    CaseWhen, Coalesce, Combine, Constant, Eq, Expression, FunctionCall, GroupBy, In,
    IntoGroupList, IsNotNull, IsNull, NoGroupBy, Not, NotIn, Now, Or, Over, Plain, ValidGrouping,
    ValidIn,
};
use crate::types::{BindValue, BoolType, FromSql, Int8, Nullability, SqlType, SqlValue};
use std::marker::PhantomData;

/// A `SELECT` statement under construction.
///
/// Built from a table's query methods (`users::table.filter(…)`); each method checks
/// its argument against the tables of the FROM clause `F`. The type parameters record
/// the select list `S`, the WHERE clause `W` and the ORDER BY clause `O`.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run with `load`, `get_result`, `first` or `execute`"]
pub struct SelectStatement<F, S = DefaultSelect, W = NoWhere, O = NoOrder> {
    from: F,
    select: S,
    where_clause: W,
    order: O,
    limit: Option<i64>,
    offset: Option<i64>,
    distinct: bool,
}

/// Select list of a query without `select`: every column of the FROM clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultSelect;

/// Select list set by `select(…)`; `R` decodes its rows.
#[derive(Debug, Clone, Copy)]
pub struct SelectClause<S, R> {
    items: S,
    _row: PhantomData<R>,
}

/// How `select` replaces a select list, keeping a `DISTINCT ON` in front of it.
pub trait SetSelection<S, I> {
    /// The select list after `select(S)`.
    type Output;
    /// Sets the selection.
    fn set(self, selection: S) -> Self::Output;
}

impl<S, I> SetSelection<S, I> for DefaultSelect {
    type Output = SelectClause<S, I>;
    fn set(self, items: S) -> Self::Output {
        SelectClause {
            items,
            _row: PhantomData,
        }
    }
}

impl<S0, I0, S, I> SetSelection<S, I> for SelectClause<S0, I0> {
    type Output = SelectClause<S, I>;
    fn set(self, items: S) -> Self::Output {
        SelectClause {
            items,
            _row: PhantomData,
        }
    }
}

impl<E, X: SetSelection<S, I>, S, I> SetSelection<S, I> for DistinctOn<E, X> {
    type Output = DistinctOn<E, X::Output>;
    fn set(self, selection: S) -> Self::Output {
        DistinctOn {
            on: self.on,
            select: self.select.set(selection),
        }
    }
}

/// `DISTINCT ON (on)` in front of the select list `S` (PostgreSQL only).
#[derive(Debug, Clone, Copy)]
pub struct DistinctOn<E, S> {
    on: E,
    select: S,
}

#[cfg(feature = "postgres")]
impl<E, S, DB: crate::expr::IsPostgres> crate::expr::SupportedBy<DB> for DistinctOn<E, S> {}

impl<F, E, S, DB> SelectClauseFragment<F, DB> for DistinctOn<E, S>
where
    Self: crate::expr::SupportedBy<DB>,
    E: QueryFragment<DB>,
    S: SelectClauseFragment<F, DB>,
    DB: Backend,
{
    const DISTINCT_ON: bool = true;

    fn walk_select<'a>(&'a self, from: &'a F, out: &mut SqlWriter<'a>) {
        out.push_sql("DISTINCT ON (");
        self.on.walk(out);
        out.push_sql(") ");
        self.select.walk_select(from, out);
    }
}

impl<S, I> SelectClause<S, I> {
    pub(crate) fn into_items(self) -> S {
        self.items
    }
}

impl<P> WhereClause<P> {
    pub(crate) fn into_predicate(self) -> P {
        self.0
    }
}

impl<O> OrderClause<O> {
    pub(crate) fn into_terms(self) -> O {
        self.0
    }
}

/// A select list of one expression, whose SQL type a scalar subquery takes.
#[diagnostic::on_unimplemented(
    message = "`single_value` needs a query that selects one expression",
    label = "select one expression first: `.select(count_star())`"
)]
pub trait SelectedExpression {
    /// The expression's SQL type.
    type SqlType: SqlType;
}

impl<S: Expression, I> SelectedExpression for SelectClause<S, I> {
    type SqlType = S::SqlType;
}

/// No WHERE clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoWhere;

/// `WHERE predicate`.
#[derive(Debug, Clone, Copy)]
pub struct WhereClause<P>(P);

/// No ORDER BY clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoOrder;

/// `ORDER BY terms`.
#[derive(Debug, Clone, Copy)]
pub struct OrderClause<O>(O);

impl<F: QuerySource> SelectStatement<F> {
    /// `SELECT * FROM from`, with the columns spelled out.
    pub fn new(from: F) -> Self {
        SelectStatement {
            from,
            select: DefaultSelect,
            where_clause: NoWhere,
            order: NoOrder,
            limit: None,
            offset: None,
            distinct: false,
        }
    }
}

/// How a filter joins an existing WHERE clause.
pub trait AddPredicate<P, Op> {
    /// The WHERE clause after adding `P`.
    type Output;
    /// Adds `predicate`.
    fn add(self, predicate: P) -> Self::Output;
}

impl<P, Op> AddPredicate<P, Op> for NoWhere {
    type Output = WhereClause<P>;
    fn add(self, predicate: P) -> WhereClause<P> {
        WhereClause(predicate)
    }
}

impl<W, P, Op> AddPredicate<P, Op> for WhereClause<W> {
    type Output = WhereClause<Binary<Op, W, P>>;
    fn add(self, predicate: P) -> Self::Output {
        WhereClause(Binary::new(self.0, predicate))
    }
}

/// How `then_order_by` extends an ORDER BY clause.
pub trait AddOrder<O> {
    /// The ORDER BY clause after adding `O`.
    type Output;
    /// Adds `term`.
    fn add(self, term: O) -> Self::Output;
}

impl<O> AddOrder<O> for NoOrder {
    type Output = OrderClause<O>;
    fn add(self, term: O) -> OrderClause<O> {
        OrderClause(term)
    }
}

impl<Prev, O> AddOrder<O> for OrderClause<Prev> {
    type Output = OrderClause<(Prev, O)>;
    fn add(self, term: O) -> Self::Output {
        OrderClause((self.0, term))
    }
}

/// A select list checked against a new GROUP BY list `GB`, when `group_by` comes after
/// `select`.
pub trait SelectionGrouping<GB, IG> {}

impl<GB> SelectionGrouping<GB, ()> for DefaultSelect {}

impl<S: ValidGrouping<GB, IG>, I, GB, IG> SelectionGrouping<GB, IG> for SelectClause<S, I> {}

impl<E, X: SelectionGrouping<GB, IG>, GB, IG> SelectionGrouping<GB, IG> for DistinctOn<E, X> {}

/// Adds a HAVING condition to a grouped FROM clause.
#[diagnostic::on_unimplemented(
    message = "`having` needs a grouped query",
    label = "call `.group_by(…)` before `.having(…)`"
)]
pub trait AddHavingTo<P> {
    /// The FROM clause with the condition added.
    type Output;
    /// Adds it.
    fn add_having(self, condition: P) -> Self::Output;
}

impl<F, G, H: AddHaving<P>, P> AddHavingTo<P> for Grouped<F, G, H> {
    type Output = Grouped<F, G, H::Output>;
    fn add_having(self, condition: P) -> Self::Output {
        Grouped {
            from: self.from,
            group_by: self.group_by,
            having: self.having.add(condition),
        }
    }
}

/// Terms `order_by` accepts: expressions, `expr.asc()`, `expr.desc()`, and tuples of them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used to order rows",
    label = "expected a column, an expression, `.asc()`/`.desc()` of one, or a tuple of them"
)]
pub trait OrderTerm {}

impl<E: Expression> OrderTerm for E {}

/// The query builder methods, on tables and on `SELECT` statements.
///
/// Each method checks its argument against the tables the query reads from, so a
/// column of another table, a value of the wrong type or a condition that is not
/// boolean is a compile error.
#[allow(clippy::type_complexity)] // the return types spell out each clause
pub trait QueryDsl: Sized {
    /// The FROM clause.
    type From: QuerySource;
    /// The select list so far.
    type Select;
    /// The WHERE clause so far.
    type Where;
    /// The ORDER BY clause so far.
    type Order;

    /// The query as a `SELECT` statement.
    fn into_select(self) -> SelectStatement<Self::From, Self::Select, Self::Where, Self::Order>;

    /// Chooses what the query returns: a column, an expression, a tuple of them, or a
    /// struct's columns (`User::as_select()`). Every column must belong to a table of
    /// the query.
    fn select<S, I, IG>(
        self,
        selection: S,
    ) -> SelectStatement<
        Self::From,
        <Self::Select as SetSelection<S, I>>::Output,
        Self::Where,
        Self::Order,
    >
    where
        S: SelectList<<Self::From as QuerySource>::List, I>
            + ValidGrouping<<Self::From as QuerySource>::GroupBy, IG>,
        Self::Select: SetSelection<S, I>,
    {
        self.into_select().map_parts(|f| f, |s| s.set(selection))
    }

    /// The query as a [`BoxedSelect`] for backend `DB`: one type whatever filters,
    /// ordering and limits are added to it later, for queries built at run time. Every
    /// column added is still checked against the tables of the query.
    #[allow(clippy::type_complexity)]
    fn into_boxed<'a, DB: Backend>(
        self,
    ) -> BoxedSelect<
        'a,
        Self::From,
        <SelectStatement<Self::From, Self::Select, Self::Where, Self::Order> as Query>::Row,
        DB,
    >
    where
        Self::From: QuerySource<GroupBy = NoGroupBy>,
        SelectStatement<Self::From, Self::Select, Self::Where, Self::Order>: Query,
        Self::Select: BoxSelect<'a, Self::From, DB>,
        Self::Where: BoxWhere<'a, DB>,
        Self::Order: BoxOrder<'a, DB>,
    {
        let q = self.into_select();
        let select = q.select.boxed(&q.from);
        BoxedSelect::new(
            q.from,
            select,
            q.distinct,
            q.where_clause.boxed(),
            q.order.boxed(),
            q.limit,
            q.offset,
        )
    }

    /// The query as one value, `(SELECT …)`, to use inside another query: the first
    /// column of its first row, NULL when it returns none. The query selects one
    /// expression, such as `count_star()` or `max(posts::likes)`.
    #[allow(clippy::type_complexity)]
    fn single_value(
        self,
    ) -> ScalarSubquery<
        SelectStatement<Self::From, Self::Select, Self::Where, Self::Order>,
        <Self::Select as SelectedExpression>::SqlType,
    >
    where
        Self::Select: SelectedExpression,
    {
        ScalarSubquery::new(self.into_select())
    }

    /// `GROUP BY columns` (a column or a tuple of columns). After it, `select` may name
    /// only these columns outside aggregates (`count`, `sum`, `max`, …).
    #[allow(clippy::type_complexity)]
    fn group_by<G, I, IG>(
        self,
        columns: G,
    ) -> SelectStatement<Grouped<Self::From, G, NoHaving>, Self::Select, Self::Where, Self::Order>
    where
        Self::From: QuerySource<GroupBy = NoGroupBy>,
        G: IntoGroupList + ValidIn<<Self::From as QuerySource>::List, I> + Copy,
        Self::Select: SelectionGrouping<GroupBy<G>, IG>,
    {
        self.into_select().map_parts(
            |from| Grouped {
                from,
                group_by: columns,
                having: NoHaving,
            },
            |s| s,
        )
    }

    /// `HAVING condition`: keeps the groups for which `condition` holds. It may use the
    /// grouped columns and aggregates. Repeated, the conditions are joined with `AND`.
    #[allow(clippy::type_complexity)]
    fn having<P, I, IG>(
        self,
        condition: P,
    ) -> SelectStatement<
        <Self::From as AddHavingTo<P::Expression>>::Output,
        Self::Select,
        Self::Where,
        Self::Order,
    >
    where
        P: AsCondition,
        P::Expression: ValidIn<<Self::From as QuerySource>::List, I>
            + ValidGrouping<<Self::From as QuerySource>::GroupBy, IG>,
        Self::From: AddHavingTo<P::Expression>,
    {
        let condition = condition.into_condition();
        self.into_select()
            .map_parts(|from| from.add_having(condition), |s| s)
    }

    /// Joins `target`: a table linked to a table of the query by a foreign key declared in
    /// `table!` (the ON clause follows from it), or `table.on(condition)`. Only rows with
    /// a match on both sides remain.
    #[allow(clippy::type_complexity)]
    fn inner_join<J, X>(
        self,
        target: J,
    ) -> SelectStatement<
        Join<Self::From, J::Table, Inner, J::On>,
        Self::Select,
        Self::Where,
        Self::Order,
    >
    where
        J: JoinTarget<<Self::From as QuerySource>::List, X>,
    {
        self.into_select().join(target)
    }

    /// Joins `target` as [`inner_join`](Self::inner_join) does, but keeps every row of
    /// the query: where `target` has no match, its columns are NULL. They select as
    /// nullable (`Option<_>`), and a struct of that table loads as an `Option`.
    #[allow(clippy::type_complexity)]
    fn left_join<J, X>(
        self,
        target: J,
    ) -> SelectStatement<
        Join<Self::From, J::Table, Outer, J::On>,
        Self::Select,
        Self::Where,
        Self::Order,
    >
    where
        J: JoinTarget<<Self::From as QuerySource>::List, X>,
    {
        self.into_select().join(target)
    }

    /// `SELECT DISTINCT ON (on) …`: keeps the first row of each group of rows equal on
    /// `on` (PostgreSQL only; order by `on` first to choose which row is kept).
    fn distinct_on<E, I>(
        self,
        on: E,
    ) -> SelectStatement<Self::From, DistinctOn<E, Self::Select>, Self::Where, Self::Order>
    where
        E: ValidIn<<Self::From as QuerySource>::List, I>,
    {
        let mut q = self.into_select();
        // DISTINCT ON replaces a plain DISTINCT.
        q.distinct = false;
        q.map_parts(|f| f, |select| DistinctOn { on, select })
    }

    /// Keeps the rows for which `predicate` holds. Repeated filters are joined with `AND`.
    fn filter<P, I>(
        self,
        predicate: P,
    ) -> SelectStatement<
        Self::From,
        Self::Select,
        <Self::Where as AddPredicate<P::Expression, And>>::Output,
        Self::Order,
    >
    where
        P: AsCondition,
        P::Expression: ValidIn<<Self::From as QuerySource>::List, I>,
        Self::Where: AddPredicate<P::Expression, And>,
    {
        let predicate = predicate.into_condition();
        self.into_select().map_where(|w| w.add(predicate))
    }

    /// Also keeps the rows for which `predicate` holds: joins it to the existing filter
    /// with `OR` (on a query without a filter, it is the filter).
    fn or_filter<P, I>(
        self,
        predicate: P,
    ) -> SelectStatement<
        Self::From,
        Self::Select,
        <Self::Where as AddPredicate<P::Expression, Or>>::Output,
        Self::Order,
    >
    where
        P: AsCondition,
        P::Expression: ValidIn<<Self::From as QuerySource>::List, I>,
        Self::Where: AddPredicate<P::Expression, Or>,
    {
        let predicate = predicate.into_condition();
        self.into_select().map_where(|w| w.add(predicate))
    }

    /// Orders the rows by `terms` (an expression, `expr.desc()`, or a tuple of them),
    /// replacing any earlier ordering.
    fn order_by<O, I>(
        self,
        terms: O,
    ) -> SelectStatement<Self::From, Self::Select, Self::Where, OrderClause<O>>
    where
        O: OrderTerm + ValidIn<<Self::From as QuerySource>::List, I>,
    {
        self.into_select().map_order(|_| OrderClause(terms))
    }

    /// Orders by `terms` after the current ordering.
    fn then_order_by<O, I>(
        self,
        terms: O,
    ) -> SelectStatement<Self::From, Self::Select, Self::Where, <Self::Order as AddOrder<O>>::Output>
    where
        O: OrderTerm + ValidIn<<Self::From as QuerySource>::List, I>,
        Self::Order: AddOrder<O>,
    {
        self.into_select().map_order(|o| o.add(terms))
    }

    /// Returns at most `count` rows (`LIMIT`, sent as a bind parameter). A negative
    /// `count` is refused with [`Error::InvalidQuery`](crate::Error::InvalidQuery) when
    /// the query runs, on every backend.
    fn limit(
        self,
        count: i64,
    ) -> SelectStatement<Self::From, Self::Select, Self::Where, Self::Order> {
        let mut q = self.into_select();
        q.limit = Some(count);
        q
    }

    /// Skips the first `count` rows (`OFFSET`, sent as a bind parameter). A negative
    /// `count` is refused as for [`limit`](Self::limit).
    fn offset(
        self,
        count: i64,
    ) -> SelectStatement<Self::From, Self::Select, Self::Where, Self::Order> {
        let mut q = self.into_select();
        q.offset = Some(count);
        q
    }

    /// Returns each distinct row once (`SELECT DISTINCT`). After `distinct_on`, which
    /// already returns one row of each group, it changes nothing.
    fn distinct(self) -> SelectStatement<Self::From, Self::Select, Self::Where, Self::Order> {
        let mut q = self.into_select();
        q.distinct = true;
        q
    }

    /// `SELECT COUNT(*)` of the rows the query would return; loads as `i64`. A query
    /// with `limit`, `offset`, `distinct` or `distinct_on` is counted as a subquery, so
    /// the count is of the rows it really returns.
    fn count(
        self,
    ) -> CountQuery<SelectStatement<Self::From, Self::Select, Self::Where, Self::Order>> {
        CountQuery(self.into_select())
    }

    /// Keeps the row whose primary key is `key` (a tuple for a composite key).
    fn find<K, I>(
        self,
        key: K,
    ) -> SelectStatement<
        Self::From,
        Self::Select,
        <Self::Where as AddPredicate<
            <<Self::From as Table>::PrimaryKey as EqAll<K>>::Output,
            And,
        >>::Output,
        Self::Order,
    >
    where
        Self::From: Table,
        <Self::From as Table>::PrimaryKey: EqAll<K>,
        <<Self::From as Table>::PrimaryKey as EqAll<K>>::Output:
            Expression<SqlType: BoolType> + ValidIn<<Self::From as QuerySource>::List, I>,
        Self::Where: AddPredicate<<<Self::From as Table>::PrimaryKey as EqAll<K>>::Output, And>,
    {
        let key = <Self::From as Table>::PrimaryKey::default().eq_all(key);
        self.into_select().map_where(|w| w.add(key))
    }
}

impl<T: Table> QueryDsl for T {
    type From = T;
    type Select = DefaultSelect;
    type Where = NoWhere;
    type Order = NoOrder;

    fn into_select(self) -> SelectStatement<T> {
        SelectStatement::new(self)
    }
}

impl<F: QuerySource, S, W, O> QueryDsl for SelectStatement<F, S, W, O> {
    type From = F;
    type Select = S;
    type Where = W;
    type Order = O;

    fn into_select(self) -> Self {
        self
    }
}

impl<F, S, W, O> SelectStatement<F, S, W, O> {
    #[allow(clippy::type_complexity)]
    fn join<J, X, M>(self, target: J) -> SelectStatement<Join<F, J::Table, M, J::On>, S, W, O>
    where
        F: QuerySource,
        J: JoinTarget<F::List, X>,
    {
        let (table, on) = target.into_parts();
        self.map_parts(|from| Join::new(from, table, on), |s| s)
    }

    /// The statement with its FROM clause and select list transformed.
    fn map_parts<F2, S2>(
        self,
        from: impl FnOnce(F) -> F2,
        select: impl FnOnce(S) -> S2,
    ) -> SelectStatement<F2, S2, W, O> {
        SelectStatement {
            from: from(self.from),
            select: select(self.select),
            where_clause: self.where_clause,
            order: self.order,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
        }
    }

    /// The source and WHERE clause of a statement used as an update or delete target,
    /// or `None` when it has a limit, an offset or `distinct`, which such a target
    /// cannot keep.
    pub(crate) fn into_filter_parts(self) -> Option<(F, W)> {
        let plain = self.limit.is_none() && self.offset.is_none() && !self.distinct;
        plain.then_some((self.from, self.where_clause))
    }

    fn map_where<W2>(self, f: impl FnOnce(W) -> W2) -> SelectStatement<F, S, W2, O> {
        SelectStatement {
            from: self.from,
            select: self.select,
            where_clause: f(self.where_clause),
            order: self.order,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
        }
    }

    fn map_order<O2>(self, f: impl FnOnce(O) -> O2) -> SelectStatement<F, S, W, O2> {
        SelectStatement {
            from: self.from,
            select: self.select,
            where_clause: self.where_clause,
            order: f(self.order),
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
        }
    }
}

/// `key columns = values`, for `find`: one column and a value, or tuples of both.
#[diagnostic::on_unimplemented(
    message = "`{K}` does not match the primary key `{Self}`",
    label = "expected a value for each primary key column",
    note = "a composite primary key takes a tuple with one value per key column"
)]
pub trait EqAll<K> {
    /// The condition.
    type Output;
    /// Builds the condition.
    fn eq_all(self, key: K) -> Self::Output;
}

impl<C, K> EqAll<K> for C
where
    C: super::source::Column,
    K: AsExpression<<C as Expression>::SqlType>,
{
    type Output = Binary<Eq, C, K::Expression>;
    fn eq_all(self, key: K) -> Self::Output {
        Binary::new(self, key.into_expression())
    }
}

macro_rules! eq_all_tuples {
    ($( ($($c:ident $k:ident),+) ; )*) => {$(
        impl<C0, K0, $($c, $k),+> EqAll<(K0, $($k),+)> for (C0, $($c),+)
        where
            C0: EqAll<K0>,
            $($c: EqAll<$k>),+
        {
            type Output = eq_all_tuples!(@and C0::Output, $($c::Output),+);
            #[allow(non_snake_case)]
            fn eq_all(self, key: (K0, $($k),+)) -> Self::Output {
                let (C0, $($c),+) = self;
                let (K0, $($k),+) = key;
                let cond = C0.eq_all(K0);
                $(let cond = Binary::new(cond, $c.eq_all($k));)+
                cond
            }
        }
    )*};
    (@and $acc:ty, $next:ty $(, $rest:ty)*) => {
        eq_all_tuples!(@and Binary<And, $acc, $next> $(, $rest)*)
    };
    (@and $acc:ty) => { $acc };
}

eq_all_tuples! {
    (C1 K1);
    (C1 K1, C2 K2);
    (C1 K1, C2 K2, C3 K3);
}

/// `COUNT(*)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountStar;

impl Expression for CountStar {
    type SqlType = Int8;
}

impl AsExpression<Int8> for CountStar {
    type Expression = Self;
    fn into_expression(self) -> Self {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<QS> ValidIn<QS, ()> for CountStar {
    type Nullability = crate::types::NotNull;
}

impl<GB> ValidGrouping<GB, ()> for CountStar {
    type Kind = Aggregated;
}

impl<DB: Backend> QueryFragment<DB> for CountStar {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("COUNT(*)");
    }
}

/// `SELECT COUNT(*)` of the rows of a query, built by [`QueryDsl::count`].
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run with `get_result` or `load`"]
pub struct CountQuery<Q>(Q);

impl<Q> Query for CountQuery<Q> {
    type Row = Int8;
}

impl<Q> crate::query::AsQuery for CountQuery<Q> {
    type Query = Self;
    fn into_query(self) -> Self {
        self
    }
}

impl<F, S, W, O, DB> QueryFragment<DB> for CountQuery<SelectStatement<F, S, W, O>>
where
    DB: Backend,
    F: QuerySource + FromFragment<DB>,
    S: SelectClauseFragment<F, DB>,
    W: ClauseFragment<DB>,
    O: ClauseFragment<DB>,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let q = &self.0;
        let subquery =
            q.limit.is_some() || q.offset.is_some() || q.distinct || S::DISTINCT_ON || F::GROUPED;
        out.shape(u64::from(subquery));
        if subquery {
            out.push_sql("SELECT COUNT(*) FROM (");
            // A grouped query's default select list names ungrouped columns; the count
            // of its groups needs none of them.
            q.walk_with(out, F::GROUPED && !q.distinct);
            out.push_sql(") AS \"counted\"");
        } else {
            // Ordering does not change a count: leave it out.
            FromFragment::<DB>::walk_prelude(&q.from, out);
            out.push_sql("SELECT COUNT(*) FROM ");
            FromFragment::<DB>::walk_from(&q.from, out);
            q.where_clause.walk_clause(out);
        }
    }
}

/// Decodes one row's values, starting at column `*idx`, into [`Output`](Self::Output).
pub trait DecodeRow {
    /// The Rust value a row decodes into.
    type Output;
    /// How many columns it reads.
    const WIDTH: usize;
    /// Decodes from `row`, advancing `idx` past the columns read.
    fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self::Output>;
}

impl<ST> DecodeRow for ST
where
    ST: SqlType,
    ST::Rust: FromSql<ST>,
{
    type Output = ST::Rust;
    const WIDTH: usize = 1;
    #[inline]
    fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<ST::Rust> {
        decode_value::<ST, ST::Rust, R>(row, idx)
    }
}

/// Decodes the value at `*idx` as SQL type `ST` into `T`, naming the column on failure.
#[inline]
pub fn decode_value<ST: SqlType, T: FromSql<ST>, R: Row>(
    row: &R,
    idx: &mut usize,
) -> QueryResult<T> {
    let i = *idx;
    *idx += 1;
    let result = match row.value(i) {
        Some(value) => T::from_sql(value),
        None => Err(crate::types::DecodeError::MissingColumn),
    };
    result.map_err(|e| Error::decode(row, i, ST::NAME, e))
}

/// What `select` accepts in a query reading from `QS`: an expression, a tuple of them,
/// or a struct's columns; `Row` decodes what it returns.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected from this query",
    label = "each item must be a column or expression of a table in the FROM clause, or `Type::as_select()`",
    note = "the FROM clause is the first parameter of `SelectList<…>` above: read each `Entry<T, …>` in it as table `T`"
)]
pub trait SelectList<QS, I> {
    /// Decodes the rows of the selection.
    type Row: DecodeRow;
}
/// Expressions select as their SQL type. One impl per expression type (columns get
/// theirs from `table!`) rather than a blanket impl, so that a tuple or a struct that
/// cannot be selected is reported at the offending item.
macro_rules! expression_select_list {
    ($($ty:ident<$($param:ident),*>;)*) => {$(
        impl<QS, I, $($param),*> SelectList<QS, I> for $ty<$($param),*>
        where
            Self: Expression + ValidIn<QS, I>,
            <<Self as ValidIn<QS, I>>::Nullability as Nullability>::Apply<
                <Self as Expression>::SqlType,
            >: DecodeRow,
        {
            type Row = <<Self as ValidIn<QS, I>>::Nullability as Nullability>::Apply<
                <Self as Expression>::SqlType,
            >;
        }
    )*};
}

expression_select_list! {
    CaseWhen<ST, Arms, E>;
    Over<W, P, O>;
    Aggregate<F, E>;
    ScalarSubquery<Q, ST>;
    Coalesce<A, B>;
    FunctionCall<F, Args>;
    Now<>;
    AsNullable<E>;
    CountStar<>;
    Binary<Op, L, R>;
    Bound<ST, T>;
    Not<E>;
    IsNull<E>;
    IsNotNull<E>;
    Between<E, Lo, Hi>;
    In<E, ST, T>;
    NotIn<E, ST, T>;
}

/// A struct whose fields are loaded from columns of one table, by
/// `#[derive(Selectable)]`.
pub trait Selectable: Sized {
    /// The table the fields come from.
    type Table: Table;

    /// The SQL names of the struct's columns, in field order.
    #[doc(hidden)]
    const COLUMN_NAMES: &'static [&'static str];

    /// Renders the struct's columns as a select list.
    #[doc(hidden)]
    fn walk_columns(out: &mut SqlWriter<'_>);

    /// Decodes the struct from `row`, starting at `*idx`.
    #[doc(hidden)]
    fn decode_row<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self>;

    /// Selects the struct's columns: `users::table.select(User::as_select())`.
    fn as_select() -> AsSelect<Self> {
        AsSelect(PhantomData)
    }
}

/// Implemented by `#[derive(Selectable)]` for each backend that stores the SQL types of
/// all of the struct's columns (a struct with an `Array` column is PostgreSQL-only).
#[doc(hidden)]
pub trait SupportedColumns<DB> {}

/// The select list of a [`Selectable`] struct.
#[derive(Debug)]
pub struct AsSelect<U>(PhantomData<U>);

impl<U> Clone for AsSelect<U> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<U> Copy for AsSelect<U> {}
impl<U: Selectable> ValidGrouping<NoGroupBy, ()> for AsSelect<U> {
    type Kind = Plain;
}

impl<U: Selectable, QS, I> SelectList<QS, I> for AsSelect<U>
where
    QS: Contains<U::Table, I>,
{
    /// `Option<U>` when the table is left-joined.
    type Row = <QS::Nullability as Nullability>::WrapRow<AsSelect<U>>;
}

/// Decodes `R`, or `None` when all its columns are NULL: the row part of a table joined
/// with `left_join` that had no matching row.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalRow<R>(R);

impl<R: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for OptionalRow<R> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.0.walk(out);
    }
}

impl<R: DecodeRow> DecodeRow for OptionalRow<R> {
    type Output = Option<R::Output>;
    const WIDTH: usize = R::WIDTH;
    #[inline]
    fn decode<W: Row>(row: &W, idx: &mut usize) -> QueryResult<Self::Output> {
        let start = *idx;
        let missing = (start..start + R::WIDTH).all(|i| row.value(i).is_none_or(|v| v.is_null()));
        if missing {
            *idx += R::WIDTH;
            Ok(None)
        } else {
            R::decode(row, idx).map(Some)
        }
    }
}

impl<U: Selectable> DecodeRow for AsSelect<U> {
    type Output = U;
    const WIDTH: usize = U::COLUMN_NAMES.len();
    #[inline]
    fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<U> {
        U::decode_row(row, idx)
    }
}

impl<U: Selectable + SupportedColumns<DB>, DB: Backend> QueryFragment<DB> for AsSelect<U> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        U::walk_columns(out);
    }
}

/// Tuples: select lists, ordering terms, row decoders and SQL lists.
macro_rules! tuples {
    ($( ($($t:ident $i:ident),+) ; )*) => {$(
        impl<QS, $($t, $i),+> SelectList<QS, ($($i,)+)> for ($($t,)+)
        where
            $($t: SelectList<QS, $i>),+
        {
            type Row = ($($t::Row,)+);
        }

        impl<$($t: DecodeRow),+> DecodeRow for ($($t,)+) {
            type Output = ($($t::Output,)+);
            const WIDTH: usize = 0 $(+ $t::WIDTH)+;
            #[inline]
            fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self::Output> {
                Ok(($($t::decode(row, idx)?,)+))
            }
        }
        impl<QS, $($t, $i),+> ValidIn<QS, ($($i,)+)> for ($($t,)+)
        where
            $($t: ValidIn<QS, $i>),+
        {
            // A tuple is not one value; each element's own nullability counts.
            type Nullability = crate::types::NotNull;
        }

        impl<$($t: OrderTerm),+> OrderTerm for ($($t,)+) {}

        impl<GB, $($t, $i),+> ValidGrouping<GB, ($($i,)+)> for ($($t,)+)
        where
            $($t: ValidGrouping<GB, $i>,)+
            tuples!(@kinds $($t),+): FoldKind<Constant>,
        {
            type Kind = <tuples!(@kinds $($t),+) as FoldKind<Constant>>::Out;
        }

        impl<DB: Backend, $($t: OrderFragment<DB>),+> OrderFragment<DB> for ($($t,)+) {
            #[allow(non_snake_case)]
            fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($($t,)+) = self;
                let mut _first = true;
                $(
                    if !_first {
                        out.push_sql(", ");
                    }
                    _first = false;
                    $t.walk_order(out);
                )+
            }
        }

        impl<DB: Backend, $($t: QueryFragment<DB>),+> QueryFragment<DB> for ($($t,)+) {
            #[allow(non_snake_case)]
            fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($($t,)+) = self;
                let mut _first = true;
                $(
                    if !_first {
                        out.push_sql(", ");
                    }
                    _first = false;
                    $t.walk(out);
                )+
            }
        }
    )*};
    (@kinds $head:ident $(, $rest:ident)*) => { ($head::Kind, tuples!(@kinds $($rest),*)) };
    (@kinds) => { () };
}

/// The grouping kind of a list of kinds `(A, (B, …))`, combined from `Acc`.
pub trait FoldKind<Acc> {
    /// The combined kind.
    type Out;
}

impl<Acc> FoldKind<Acc> for () {
    type Out = Acc;
}

impl<Acc: Combine<H>, H, T: FoldKind<Acc::Out>> FoldKind<Acc> for (H, T) {
    type Out = T::Out;
}

tuples! {
    (A IA);
    (A IA, B IB);
    (A IA, B IB, C IC);
    (A IA, B IB, C IC, D ID);
    (A IA, B IB, C IC, D ID, E IE);
    (A IA, B IB, C IC, D ID, E IE, F IF);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM, N IN);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM, N IN, P IP);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM, N IN, P IP, Q IQ);
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, J IJ, K IK, L IL, M IM, N IN, P IP, Q IQ, S IS);
}

/// Renders the select list of a query.
pub trait SelectClauseFragment<F, DB> {
    /// Whether the list starts with `DISTINCT ON`.
    const DISTINCT_ON: bool = false;
    /// Whether it is the default select list.
    const IS_DEFAULT: bool = false;

    /// Renders it.
    fn walk_select<'a>(&'a self, from: &'a F, out: &mut SqlWriter<'a>);
}

impl<F: QuerySource, DB: Backend> SelectClauseFragment<F, DB> for DefaultSelect
where
    // Checks that the backend stores every column's type; the SQL itself is static.
    F::DefaultSelection: QueryFragment<DB>,
{
    const IS_DEFAULT: bool = true;

    fn walk_select<'a>(&'a self, from: &'a F, out: &mut SqlWriter<'a>) {
        from.walk_default_selection(out);
    }
}

impl<F, S: QueryFragment<DB>, R, DB: Backend> SelectClauseFragment<F, DB> for SelectClause<S, R> {
    fn walk_select<'a>(&'a self, _from: &'a F, out: &mut SqlWriter<'a>) {
        self.items.walk(out);
    }
}

/// Renders `LIMIT` and `OFFSET`, as bind parameters. A negative value rejects the
/// statement: PostgreSQL refuses one while SQLite reads a negative LIMIT as no limit at
/// all, so quarry refuses it on both.
pub(crate) fn walk_limit_offset<DB: Backend>(
    limit: Option<i64>,
    offset: Option<i64>,
    out: &mut SqlWriter<'_>,
) {
    out.shape(u64::from(limit.is_some()) | (u64::from(offset.is_some()) << 1));
    let clauses = [
        ("LIMIT", "limit", limit, "return every row"),
        ("OFFSET", "offset", offset, "skip no row"),
    ];
    for (clause, method, value, instead) in clauses {
        if let Some(value) = value.filter(|v| *v < 0) {
            out.reject(|| {
                format!(
                    "{clause} must not be negative, but `{method}({value})` was given; \
                     leave out `{method}` to {instead}"
                )
            });
        }
    }
    match (limit, offset) {
        (None, None) => {}
        (Some(limit), offset) => {
            out.push_sql(" LIMIT ");
            out.push_bind(BindValue::I64(limit));
            if let Some(offset) = offset {
                out.push_sql(" OFFSET ");
                out.push_bind(BindValue::I64(offset));
            }
        }
        (None, Some(offset)) => {
            out.push_sql(DB::OFFSET_WITHOUT_LIMIT);
            out.push_sql(" OFFSET ");
            out.push_bind(BindValue::I64(offset));
        }
    }
}

/// Renders an optional clause.
pub trait ClauseFragment<DB> {
    /// Renders it, with its leading keyword, or nothing.
    fn walk_clause<'a>(&'a self, out: &mut SqlWriter<'a>);

    /// Whether it renders nothing.
    fn is_empty(&self) -> bool {
        false
    }
}

impl<DB> ClauseFragment<DB> for NoWhere {
    fn walk_clause<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
    fn is_empty(&self) -> bool {
        true
    }
}

impl<P: QueryFragment<DB>, DB: Backend> ClauseFragment<DB> for WhereClause<P> {
    fn walk_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" WHERE ");
        self.0.walk(out);
    }
}

impl<DB> ClauseFragment<DB> for NoOrder {
    fn walk_clause<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
    fn is_empty(&self) -> bool {
        true
    }
}

impl<O: OrderFragment<DB>, DB: Backend> ClauseFragment<DB> for OrderClause<O> {
    fn walk_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" ORDER BY ");
        self.0.walk_order(out);
    }
}

/// Renders an ordering term. Values are compared, so an expression renders as it would
/// in a comparison (on SQLite, a `Numeric` orders as a number, not as its text).
pub trait OrderFragment<DB> {
    /// Renders the term.
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<E: Expression + QueryFragment<DB>, DB: Backend> OrderFragment<DB> for E {
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
        crate::expr::walk_operand(self, true, out);
    }
}

impl<E: Expression + QueryFragment<DB>, DB: Backend> OrderFragment<DB> for crate::expr::Asc<E> {
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.walk(out);
    }
}

impl<E: Expression + QueryFragment<DB>, DB: Backend> OrderFragment<DB> for crate::expr::Desc<E> {
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.walk(out);
    }
}

impl<F, S, W, O, DB> QueryFragment<DB> for SelectStatement<F, S, W, O>
where
    DB: Backend,
    F: QuerySource + FromFragment<DB>,
    S: SelectClauseFragment<F, DB>,
    W: ClauseFragment<DB>,
    O: ClauseFragment<DB>,
{
    fn set_operand(&self) -> super::SetOperand {
        if self.limit.is_some()
            || self.offset.is_some()
            || !ClauseFragment::<DB>::is_empty(&self.order)
        {
            super::SetOperand::Limited
        } else if FromFragment::<DB>::has_prelude(&self.from) {
            super::SetOperand::Prelude
        } else {
            super::SetOperand::Simple
        }
    }

    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.walk_with(out, false);
    }
}

impl<F, S, W, O> SelectStatement<F, S, W, O> {
    /// Renders the statement; `select_one` replaces a default select list by `1`, for a
    /// count of groups.
    fn walk_with<'a, DB>(&'a self, out: &mut SqlWriter<'a>, select_one: bool)
    where
        DB: Backend,
        F: QuerySource + FromFragment<DB>,
        S: SelectClauseFragment<F, DB>,
        W: ClauseFragment<DB>,
        O: ClauseFragment<DB>,
    {
        out.shape(u64::from(self.distinct) | (u64::from(select_one) << 1));
        FromFragment::<DB>::walk_prelude(&self.from, out);
        // DISTINCT ON already keeps one row of each group: a plain DISTINCT after it
        // adds nothing (and `DISTINCT DISTINCT ON` is not SQL).
        out.push_sql(if self.distinct && !S::DISTINCT_ON {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        if select_one && S::IS_DEFAULT {
            out.push_sql("1");
        } else {
            self.select.walk_select(&self.from, out);
        }
        out.push_sql(" FROM ");
        FromFragment::<DB>::walk_from(&self.from, out);
        self.where_clause.walk_clause(out);
        FromFragment::<DB>::walk_grouping(&self.from, out);
        self.order.walk_clause(out);
        walk_limit_offset::<DB>(self.limit, self.offset, out);
    }
}

impl<F: QuerySource, W, O> Query for SelectStatement<F, DefaultSelect, W, O> {
    type Row = F::DefaultSelection;
}

impl<F: QuerySource, E, W, O> Query for SelectStatement<F, DistinctOn<E, DefaultSelect>, W, O> {
    type Row = F::DefaultSelection;
}

impl<F: QuerySource, E, S, I, W, O> Query
    for SelectStatement<F, DistinctOn<E, SelectClause<S, I>>, W, O>
where
    S: SelectList<F::List, I>,
{
    type Row = S::Row;
}

impl<F: QuerySource, S, I, W, O> Query for SelectStatement<F, SelectClause<S, I>, W, O>
where
    S: SelectList<F::List, I>,
{
    type Row = S::Row;
}
