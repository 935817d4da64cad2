//! [`QueryDsl`]: the builder methods on tables and `SELECT` statements.
use super::*;

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
    fn group_by<G, I, IG, IO>(
        self,
        columns: G,
    ) -> SelectStatement<Grouped<Self::From, G, NoHaving>, Self::Select, Self::Where, Self::Order>
    where
        Self::From: QuerySource<GroupBy = NoGroupBy>,
        G: IntoGroupList + ValidIn<<Self::From as QuerySource>::List, I> + Copy,
        Self::Select: SelectionGrouping<GroupBy<G>, IG>,
        Self::Order: OrderGrouping<GroupBy<G>, IO>,
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
    fn having<P, I, IG, IW>(
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
        P::Expression: PerGroup<IW>,
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
    fn filter<P, I, IG>(
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
        P::Expression: PerRow<IG>,
        Self::Where: AddPredicate<P::Expression, And>,
    {
        let predicate = predicate.into_condition();
        self.into_select().map_where(|w| w.add(predicate))
    }

    /// Also keeps the rows for which `predicate` holds: joins it to the existing filter
    /// with `OR` (on a query without a filter, it is the filter).
    fn or_filter<P, I, IG>(
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
        P::Expression: PerRow<IG>,
        Self::Where: AddPredicate<P::Expression, Or>,
    {
        let predicate = predicate.into_condition();
        self.into_select().map_where(|w| w.add(predicate))
    }

    /// Orders the rows by `terms` (an expression, `expr.desc()`, or a tuple of them),
    /// replacing any earlier ordering.
    ///
    /// In a grouped query, the terms may name only the GROUP BY columns outside
    /// aggregates, as `select` may.
    fn order_by<O, I, IG>(
        self,
        terms: O,
    ) -> SelectStatement<Self::From, Self::Select, Self::Where, OrderClause<O>>
    where
        O: OrderTerm + ValidIn<<Self::From as QuerySource>::List, I>,
        O: ValidGrouping<<Self::From as QuerySource>::GroupBy, IG>,
    {
        self.into_select().map_order(|_| OrderClause(terms))
    }

    /// Orders by `terms` after the current ordering.
    fn then_order_by<O, I, IG>(
        self,
        terms: O,
    ) -> SelectStatement<Self::From, Self::Select, Self::Where, <Self::Order as AddOrder<O>>::Output>
    where
        O: OrderTerm + ValidIn<<Self::From as QuerySource>::List, I>,
        O: ValidGrouping<<Self::From as QuerySource>::GroupBy, IG>,
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

    /// Also loads relation `relation` of the query's rows (`users::posts`, or one built
    /// from it: `users::posts.filter(…).order_by(…).limit_per_parent(3).with(…)`):
    /// [`Eager::load`](crate::relations::Eager::load) runs one statement for the rows,
    /// then one per relation, into structs with `#[quarry(relation)]` fields. The query
    /// reads one table and has no `select`.
    #[allow(clippy::type_complexity)]
    fn with<X>(
        self,
        relation: X,
    ) -> crate::relations::Eager<Self, (crate::relations::LoadingOf<X>, ())>
    where
        X: crate::relations::IntoLoading,
        Self: QueryDsl<Select = DefaultSelect>,
        <X::Relation as crate::relations::Relation>::Parent:
            crate::relations::ParentIs<Self::From, X::Relation>,
    {
        crate::relations::Eager::new(self, (relation.into_loading(), ()))
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
    C: crate::query::source::Column,
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
