//! Eager loading: `users::table.with(users::posts.with(posts::comments)).load(&mut conn)`.
//!
//! The parents load first, with the key of each relation asked for; then each relation
//! loads in one statement keyed by the distinct keys of its parents (PostgreSQL: one
//! array parameter, `= ANY($1)`, so one prepared statement for any number of parents;
//! SQLite: `IN (…)` lists in chunks under the bind limit), and so on down the tree:
//! one statement per level. `limit_per_parent(n)` becomes `row_number() OVER
//! (PARTITION BY key ORDER BY …) <= n` in SQL. The rows are put together bottom-up:
//! each parent takes the rows of its key, in the order the statement returned them.
//!
//! The result types are structs derived with `#[derive(Selectable)]` whose relation
//! fields are marked `#[quarry(relation)]`; [`Tree`] is what the derive implements.
//! A relation field whose relation was not asked for with `.with(…)` does not compile.

use super::{LimitCardinality, ParentIs, Relation, Via};
use crate::backend::Backend;
use crate::conn::{Connection, Request, Row, Task};
use crate::error::{Error, QueryResult};
use crate::expr::{And, AsCondition, NoGroupBy, PerRow, ValidGrouping, ValidIn};
use crate::query::source::{Here, There};
use crate::query::{
    AddOrder, AddPredicate, ClauseFragment, DecodeRow, NoOrder, NoWhere, OrderClause, Query,
    QueryDsl, QueryFragment, QuerySource, SelectStatement, SqlWriter, Table, WhereClause,
    decode_value,
};
use crate::types::{BindValue, FromSql, NotNullType, Nullable, OwnedValue, SqlType, ToSql};
// The groups are keyed by integers and such, hashed once per row: SipHash, the
// standard hasher, is a measurable share of a level's time.
use rustc_hash::FxHashMap as HashMap;
use std::future::Future;
use std::hash::Hash;
use std::marker::PhantomData;
use std::ops::ControlFlow;

/// A relation to load, with what was asked of it: what `filter`, `order_by`,
/// `limit_per_parent` and `with` on a relation build. `W` is its filter, `O` its
/// ordering, `N` the relations loaded below it.
#[derive(Debug, Clone)]
#[must_use = "a relation to load does nothing until it is passed to `.with(…)`"]
pub struct Loading<R, W = NoWhere, O = NoOrder, N = ()> {
    relation: R,
    filter: W,
    order: O,
    nested: N,
    limit: Option<i64>,
}

/// A relation, or a [`Loading`] built from one: what `.with(…)` takes.
pub trait IntoLoading: Sized {
    /// The relation.
    type Relation: Relation;
    /// Its filter so far.
    type Where;
    /// Its ordering so far.
    type Order;
    /// The relations loaded below it so far.
    type Nested;

    /// As a [`Loading`].
    fn into_loading(self) -> Loading<Self::Relation, Self::Where, Self::Order, Self::Nested>;
}

impl<R: Relation> IntoLoading for R {
    type Relation = R;
    type Where = NoWhere;
    type Order = NoOrder;
    type Nested = ();

    fn into_loading(self) -> Loading<R> {
        Loading {
            relation: self,
            filter: NoWhere,
            order: NoOrder,
            nested: (),
            limit: None,
        }
    }
}

impl<R: Relation, W, O, N> IntoLoading for Loading<R, W, O, N> {
    type Relation = R;
    type Where = W;
    type Order = O;
    type Nested = N;

    fn into_loading(self) -> Self {
        self
    }
}

/// The [`Loading`] that relation (or loading) `X` is.
pub type LoadingOf<X> = Loading<
    <X as IntoLoading>::Relation,
    <X as IntoLoading>::Where,
    <X as IntoLoading>::Order,
    <X as IntoLoading>::Nested,
>;

/// The rows of the child table of the relation `X` loads, for checking its filters.
type ChildList<X> = <<<X as IntoLoading>::Relation as Relation>::Child as QuerySource>::List;

/// What can be asked of a relation being loaded: `users::posts.filter(…).order_by(…)
/// .limit_per_parent(3).with(posts::comments)`.
pub trait RelationDsl: IntoLoading {
    /// Loads only the related rows for which `predicate` holds; it names columns of
    /// the relation's table. Repeated, the conditions are joined with `AND`.
    #[allow(clippy::type_complexity)]
    fn filter<P, I, IG>(
        self,
        predicate: P,
    ) -> Loading<
        Self::Relation,
        <Self::Where as AddPredicate<P::Expression, And>>::Output,
        Self::Order,
        Self::Nested,
    >
    where
        P: AsCondition,
        P::Expression: ValidIn<ChildList<Self>, I> + PerRow<IG>,
        Self::Where: AddPredicate<P::Expression, And>,
    {
        let l = self.into_loading();
        Loading {
            relation: l.relation,
            filter: l.filter.add(predicate.into_condition()),
            order: l.order,
            nested: l.nested,
            limit: l.limit,
        }
    }

    /// Orders each parent's related rows by `terms` (a column, `.desc()` of one, a
    /// tuple of them), replacing an earlier ordering.
    fn order_by<O, I, IG>(
        self,
        terms: O,
    ) -> Loading<Self::Relation, Self::Where, OrderClause<O>, Self::Nested>
    where
        O: crate::query::OrderTerm + ValidIn<ChildList<Self>, I> + ValidGrouping<NoGroupBy, IG>,
    {
        let l = self.into_loading();
        Loading {
            relation: l.relation,
            filter: l.filter,
            order: NoOrder.add(terms),
            nested: l.nested,
            limit: l.limit,
        }
    }

    /// Loads at most `n` related rows for each parent, the first in the relation's
    /// ordering: `row_number() OVER (PARTITION BY key ORDER BY …) <= n` in SQL, so the
    /// rest never leave the database. A negative `n` is refused when the query runs.
    fn limit_per_parent(
        self,
        n: i64,
    ) -> Loading<Self::Relation, Self::Where, Self::Order, Self::Nested>
    where
        <Self::Relation as Relation>::Cardinality: LimitCardinality<Self::Relation>,
    {
        let mut l = self.into_loading();
        l.limit = Some(n);
        l
    }

    /// Also loads relation `X` of this relation's rows (`users::posts.with(posts::comments)`).
    #[allow(clippy::type_complexity)]
    fn with<X: IntoLoading>(
        self,
        relation: X,
    ) -> Loading<Self::Relation, Self::Where, Self::Order, (LoadingOf<X>, Self::Nested)>
    where
        <X::Relation as Relation>::Parent:
            ParentIs<<Self::Relation as Relation>::Child, X::Relation>,
    {
        let l = self.into_loading();
        Loading {
            relation: l.relation,
            filter: l.filter,
            order: l.order,
            nested: (relation.into_loading(), l.nested),
            limit: l.limit,
        }
    }
}

impl<T: IntoLoading> RelationDsl for T {}

/// A query with relations to load: what `.with(…)` on a table's query returns. `L` is
/// the list of the relations asked for. [`load`](Self::load) runs it.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run with `load`"]
pub struct Eager<Q, L> {
    query: Q,
    relations: L,
}

impl<Q, L> Eager<Q, L> {
    pub(crate) fn new(query: Q, relations: L) -> Self {
        Eager { query, relations }
    }

    /// Also loads relation `X` of the query's rows.
    pub fn with<X: IntoLoading>(self, relation: X) -> Eager<Q, (LoadingOf<X>, L)>
    where
        Q: QueryDsl,
        <X::Relation as Relation>::Parent: ParentIs<Q::From, X::Relation>,
    {
        Eager {
            query: self.query,
            relations: (relation.into_loading(), self.relations),
        }
    }

    /// Runs the query and loads the relations asked for: one statement for the query's
    /// rows, then one per relation (per level of the tree), into `T`, a struct derived
    /// with `#[derive(Selectable)]` whose `#[quarry(relation)]` fields are those relations.
    #[allow(clippy::type_complexity)]
    pub fn load<C, T, I>(self, conn: &mut C) -> QueryResult<Vec<T>>
    where
        C: Connection,
        Q: QueryDsl,
        T: Tree<C::Backend, L, I, Table = Q::From>,
        SelectStatement<Q::From, TreeSelect<T, L, I, C::Backend>, Q::Where, Q::Order>:
            Query<Row = TreeSelect<T, L, I, C::Backend>> + QueryFragment<C::Backend>,
    {
        crate::conn::block_on(self.load_with::<crate::conn::Blocking, C, C::Backend, T, I>(conn))
    }

    /// [`load`](Self::load) on an async connection: the same statements, each awaited.
    #[cfg(feature = "tokio")]
    #[allow(clippy::type_complexity)]
    pub async fn load_async<C, T, I>(self, conn: &mut C) -> QueryResult<Vec<T>>
    where
        C: crate::conn::AsyncConnection,
        Q: QueryDsl,
        T: Tree<C::Backend, L, I, Table = Q::From>,
        SelectStatement<Q::From, TreeSelect<T, L, I, C::Backend>, Q::Where, Q::Order>:
            Query<Row = TreeSelect<T, L, I, C::Backend>> + QueryFragment<C::Backend>,
    {
        self.load_with::<crate::conn::Async, C, C::Backend, T, I>(conn)
            .await
    }

    /// Runs the load on `conn`: the parents' statement, then the levels below.
    #[allow(clippy::type_complexity)]
    async fn load_with<M, X, DB, T, I>(self, conn: &mut X) -> QueryResult<Vec<T>>
    where
        X: Loader<DB, M>,
        DB: Backend,
        Q: QueryDsl,
        T: Tree<DB, L, I, Table = Q::From>,
        SelectStatement<Q::From, TreeSelect<T, L, I, DB>, Q::Where, Q::Order>:
            Query<Row = TreeSelect<T, L, I, DB>> + QueryFragment<DB>,
    {
        let statement = self
            .query
            .into_select()
            .replace_select(TreeSelect(PhantomData));
        let rows = conn.run_level(crate::conn::Load::new(statement)).await?;
        let mut loaded =
            T::Fields::load::<M, X>(conn, &self.relations, rows.iter().map(|r| &r.1).collect())
                .await?;
        rows.into_iter()
            .map(|(head, keys)| Ok(T::build(head, T::Fields::take(&mut loaded, keys)?)))
            .collect()
    }

    /// The number of statements [`load`](Self::load) sends when every level has rows
    /// (on PostgreSQL; SQLite sends one per chunk of keys under its bind limit): one for
    /// the query and one per relation in the tree.
    pub fn statements(&self) -> usize
    where
        L: CountLevels,
    {
        1 + self.relations.count()
    }
}

/// Counts the relations of a tree of [`Loading`]s.
pub trait CountLevels {
    /// How many relations, at every depth.
    fn count(&self) -> usize;
}

impl CountLevels for () {
    fn count(&self) -> usize {
        0
    }
}

impl<R, W, O, N: CountLevels, Rest: CountLevels> CountLevels for (Loading<R, W, O, N>, Rest) {
    fn count(&self) -> usize {
        1 + self.0.nested.count() + self.1.count()
    }
}

/// Proof that list `Self` of relations to load holds relation `R`, at position `I`.
#[diagnostic::on_unimplemented(
    message = "relation `{R}` was not loaded",
    label = "the result type has a field for `{R}`, which this query does not load",
    note = "add `.with({R})` to the query (at the level of the rows that have the field), or remove the field"
)]
#[doc(hidden)]
pub trait Pick<R, I> {
    /// The relation, with what was asked of it.
    type Node;
    /// It.
    fn pick(&self) -> &Self::Node;
}

impl<R, W, O, N, Rest> Pick<R, Here> for (Loading<R, W, O, N>, Rest) {
    type Node = Loading<R, W, O, N>;
    fn pick(&self) -> &Self::Node {
        &self.0
    }
}

#[diagnostic::do_not_recommend]
impl<R, H, Rest: Pick<R, I>, I> Pick<R, There<I>> for (H, Rest) {
    type Node = Rest::Node;
    fn pick(&self) -> &Self::Node {
        self.1.pick()
    }
}

/// One relation being loaded, as a level's statement needs it.
#[doc(hidden)]
pub trait Level<DB> {
    /// The relations loaded below it.
    type Nested;
    /// They.
    fn nested(&self) -> &Self::Nested;
    /// Writes ` AND (filter)`, or nothing.
    fn walk_filter<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// Writes ` ORDER BY terms`, or nothing.
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// Whether an ordering was asked for.
    fn ordered(&self) -> bool;
    /// `limit_per_parent`.
    fn limit(&self) -> Option<i64>;
}

impl<R, W: LevelFilter<DB>, O: ClauseFragment<DB>, N, DB> Level<DB> for Loading<R, W, O, N> {
    type Nested = N;
    fn nested(&self) -> &N {
        &self.nested
    }
    fn walk_filter<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.filter.walk_and(out);
    }
    fn walk_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.order.walk_clause(out);
    }
    fn ordered(&self) -> bool {
        !self.order.is_empty()
    }
    fn limit(&self) -> Option<i64> {
        self.limit
    }
}

/// A relation's filter, written after the condition on the keys.
#[doc(hidden)]
pub trait LevelFilter<DB> {
    /// Writes ` AND (filter)`, or nothing.
    fn walk_and<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<DB> LevelFilter<DB> for NoWhere {
    fn walk_and<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<P: QueryFragment<DB>, DB: Backend> LevelFilter<DB> for WhereClause<P> {
    fn walk_and<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" AND (");
        self.predicate().walk(out);
        out.push_sql(")");
    }
}

/// A struct that loads as a tree of rows: implemented by `#[derive(Selectable)]`, for
/// every list `L` of relations to load that holds the relations of its
/// `#[quarry(relation)]` fields.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be loaded with these relations",
    note = "a result struct derives `Selectable`, and each `#[quarry(relation)]` field names a relation loaded with `.with(…)`"
)]
#[doc(hidden)]
pub trait Tree<DB: Backend, L, I>: Sized {
    /// The table its columns come from.
    type Table: Table;
    /// The values of its column fields, in order.
    type Head;
    /// Its relation fields.
    type Fields: Fields<DB, L, I>;
    /// Writes the column fields' select list.
    fn walk_head(out: &mut SqlWriter<'_>);
    /// How many columns the head reads.
    const WIDTH: usize;
    /// Decodes the column fields.
    fn decode_head<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self::Head>;
    /// The struct, from its columns and its loaded relations.
    fn build(head: Self::Head, relations: <Self::Fields as Fields<DB, L, I>>::Values) -> Self;
}

/// The relation fields of a struct, as a list `(Field<R, T, Form>, (…, ()))`.
#[doc(hidden)]
pub trait Fields<DB: Backend, L, I> {
    /// One row's keys, one per relation.
    type Keys: 'static;
    /// The fields' values, one per relation.
    type Values;
    /// The related rows of every relation, by key.
    type Loaded;
    /// How many keys.
    const COUNT: usize;
    /// Writes `, key` for each relation.
    fn walk_keys(out: &mut SqlWriter<'_>);
    /// Decodes a row's keys.
    fn decode_keys<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self::Keys>;
    /// Loads every relation for the rows whose keys `keys` lists.
    fn load<'a, M, X: Loader<DB, M>>(
        conn: &'a mut X,
        list: &'a L,
        keys: Vec<&'a Self::Keys>,
    ) -> impl Future<Output = QueryResult<Self::Loaded>> + 'a;
    /// The fields of the row whose keys are `keys`.
    fn take(loaded: &mut Self::Loaded, keys: Self::Keys) -> QueryResult<Self::Values>;
}

impl<DB: Backend, L> Fields<DB, L, ()> for () {
    type Keys = ();
    type Values = ();
    type Loaded = ();
    const COUNT: usize = 0;
    fn walk_keys(_out: &mut SqlWriter<'_>) {}
    fn decode_keys<R: Row>(_row: &R, _idx: &mut usize) -> QueryResult<()> {
        Ok(())
    }
    fn load<'a, M, X: Loader<DB, M>>(
        _conn: &'a mut X,
        _list: &'a L,
        _keys: Vec<&'a ()>,
    ) -> impl Future<Output = QueryResult<()>> + 'a {
        std::future::ready(Ok(()))
    }
    fn take(_loaded: &mut (), _keys: ()) -> QueryResult<()> {
        Ok(())
    }
}

/// A relation field of a struct: relation `R`, rows of type `T`, in form `F` ([`VecForm`],
/// [`OneForm`] or [`OptionForm`]).
#[doc(hidden)]
#[derive(Debug)]
pub struct Field<R, T, F>(PhantomData<(R, T, F)>);

/// How a relation field holds its rows.
#[doc(hidden)]
pub trait Form<T> {
    /// The field's type.
    type Value;
    /// The field, from the rows of its parent's key (`None`: no key or no rows).
    fn from_rows(relation: &'static str, rows: Option<Vec<T>>) -> QueryResult<Self::Value>;
}

/// A `Vec<T>` field: every related row.
#[doc(hidden)]
#[derive(Debug)]
pub enum VecForm {}

/// A `T` field: the one related row.
#[doc(hidden)]
#[derive(Debug)]
pub enum OneForm {}

/// An `Option<T>` field: the related row, if there is one.
#[doc(hidden)]
#[derive(Debug)]
pub enum OptionForm {}

impl<T> Form<T> for VecForm {
    type Value = Vec<T>;
    fn from_rows(_relation: &'static str, rows: Option<Vec<T>>) -> QueryResult<Vec<T>> {
        Ok(rows.unwrap_or_default())
    }
}

impl<T> Form<T> for OptionForm {
    type Value = Option<T>;
    fn from_rows(_relation: &'static str, rows: Option<Vec<T>>) -> QueryResult<Option<T>> {
        Ok(rows.and_then(|rows| rows.into_iter().next()))
    }
}

impl<T> Form<T> for OneForm {
    type Value = T;
    fn from_rows(relation: &'static str, rows: Option<Vec<T>>) -> QueryResult<T> {
        rows.and_then(|rows| rows.into_iter().next()).ok_or_else(|| {
            Error::InvalidQuery(format!(
                "relation `{relation}` found no row for a parent whose field is not an `Option` (a filter on the relation, or a key without its row)"
            ))
        })
    }
}

/// The Rust value of relation `R`'s key.
type KeyOf<R> = <<R as Relation>::Key as SqlType>::Rust;

/// The related rows of one relation, by key, with the number of parents that still
/// take each group (the last one takes it without a copy).
#[doc(hidden)]
#[derive(Debug)]
pub struct Groups<K, T> {
    groups: HashMap<K, (usize, Vec<T>)>,
}

impl<K: Hash + Eq, T: Clone> Groups<K, T> {
    fn take(&mut self, key: Option<K>) -> Option<Vec<T>> {
        let key = key?;
        let (left, rows) = self.groups.get_mut(&key)?;
        if *left > 1 {
            *left -= 1;
            Some(rows.clone())
        } else {
            self.groups.remove(&key).map(|(_, rows)| rows)
        }
    }
}

impl<DB, L, R, T, F, Rest, I, J, IR> Fields<DB, L, (I, J, IR)> for (Field<R, T, F>, Rest)
where
    DB: Backend,
    R: Relation,
    R::Key: NotNullType,
    KeyOf<R>: Hash + Eq + Clone + ToSql<R::Key> + 'static,
    Option<KeyOf<R>>: FromSql<Nullable<R::Key>>,
    L: Pick<R, I>,
    <L as Pick<R, I>>::Node: Level<DB>,
    T: Tree<DB, <<L as Pick<R, I>>::Node as Level<DB>>::Nested, J, Table = R::Child> + Clone,
    F: Form<T>,
    Rest: Fields<DB, L, IR>,
{
    type Keys = (Option<KeyOf<R>>, Rest::Keys);
    type Values = (F::Value, Rest::Values);
    type Loaded = (Groups<KeyOf<R>, T>, Rest::Loaded);
    const COUNT: usize = 1 + Rest::COUNT;

    fn walk_keys(out: &mut SqlWriter<'_>) {
        out.push_sql(", ");
        out.push_sql(<R::ParentKey as crate::query::Column>::QUALIFIED);
        Rest::walk_keys(out);
    }

    fn decode_keys<Ro: Row>(row: &Ro, idx: &mut usize) -> QueryResult<Self::Keys> {
        let key = decode_value::<Nullable<R::Key>, Option<KeyOf<R>>, Ro>(row, idx)?;
        Ok((key, Rest::decode_keys(row, idx)?))
    }

    #[allow(clippy::manual_async_fn)] // the trait's signature, spelled as it declares it
    fn load<'a, M, X: Loader<DB, M>>(
        conn: &'a mut X,
        list: &'a L,
        keys: Vec<&'a Self::Keys>,
    ) -> impl Future<Output = QueryResult<Self::Loaded>> + 'a {
        async move {
            // The distinct keys, in the parents' order, and how many parents have each.
            let mut uses: HashMap<KeyOf<R>, usize> = HashMap::default();
            let mut distinct = Vec::new();
            for key in keys.iter().filter_map(|k| k.0.as_ref()) {
                let count = uses.entry(key.clone()).or_insert(0);
                if *count == 0 {
                    distinct.push(key.clone());
                }
                *count += 1;
            }
            let rows = load_level::<DB, M, X, R, T, _, J>(conn, list.pick(), &distinct).await?;
            let mut groups: HashMap<KeyOf<R>, (usize, Vec<T>)> =
                HashMap::with_capacity_and_hasher(rows.len(), Default::default());
            for (key, row) in rows {
                let left = uses.get(&key).copied().unwrap_or(0);
                groups
                    .entry(key)
                    .or_insert_with(|| (left, Vec::new()))
                    .1
                    .push(row);
            }
            let rest = Rest::load(conn, list, keys.iter().map(|k| &k.1).collect()).await?;
            Ok((Groups { groups }, rest))
        }
    }

    fn take(loaded: &mut Self::Loaded, keys: Self::Keys) -> QueryResult<Self::Values> {
        let rows = loaded.0.take(keys.0);
        Ok((
            F::from_rows(R::NAME, rows)?,
            Rest::take(&mut loaded.1, keys.1)?,
        ))
    }
}

/// The name of the row number column of a statement with `limit_per_parent`.
const ROW_NUMBER: &str = "\"__quarry_rn\"";

/// Loads the rows of relation `R` whose keys are `keys`, with the relations below
/// them: one statement (or, on a backend that lists the keys one by one, one per chunk
/// under its bind limit), then the levels below. Returns each row with its key, in the
/// order the statement returned them.
async fn load_level<DB, M, X, R, T, Lv, J>(
    conn: &mut X,
    level: &Lv,
    keys: &[KeyOf<R>],
) -> QueryResult<Vec<(KeyOf<R>, T)>>
where
    DB: Backend,
    X: Loader<DB, M>,
    R: Relation,
    R::Key: NotNullType,
    KeyOf<R>: Hash + Eq + Clone + ToSql<R::Key>,
    Option<KeyOf<R>>: FromSql<Nullable<R::Key>>,
    Lv: Level<DB>,
    T: Tree<DB, Lv::Nested, J>,
{
    let mut rows: Vec<LevelRow<R, T, DB, Lv::Nested, J>> = Vec::new();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let chunk = if DB::IN_LIST_AS_ARRAY {
        keys.len()
    } else {
        // The filter's and the limit's parameters share the statement with the keys.
        let mut probe = SqlWriter::new::<DB>();
        level.walk_filter(&mut probe);
        level.walk_order(&mut probe);
        DB::BIND_LIMIT
            .saturating_sub(probe.binds().len() + 1)
            .max(1)
    };
    for keys in keys.chunks(chunk) {
        let mut out = SqlWriter::new::<DB>();
        write_level::<DB, R, T, Lv, J>(level, keys, &mut out);
        out.check()?;
        let (sql, binds) = out.into_parts();
        let task = LevelTask::<R, T, DB, Lv::Nested, J> {
            sql,
            binds: binds.into_iter().map(OwnedValue::from_bind).collect(),
            rows: Vec::new(),
        };
        rows.extend(conn.run_level(task).await?);
    }
    let mut loaded =
        T::Fields::load(conn, level.nested(), rows.iter().map(|r| &r.2).collect()).await?;
    rows.into_iter()
        .map(|(key, head, nested)| Ok((key, T::build(head, T::Fields::take(&mut loaded, nested)?))))
        .collect()
}

/// One row of a level: its key, its columns, the keys of the relations below it.
type LevelRow<R, T, DB, N, J> = (
    KeyOf<R>,
    <T as Tree<DB, N, J>>::Head,
    <<T as Tree<DB, N, J>>::Fields as Fields<DB, N, J>>::Keys,
);

/// The statement of one level, with its values owned: a [`Task`] that runs on a
/// blocking connection or becomes an async connection's request.
struct LevelTask<R: Relation, T: Tree<DB, N, J>, DB: Backend, N, J> {
    sql: String,
    binds: Vec<OwnedValue>,
    rows: Vec<LevelRow<R, T, DB, N, J>>,
}

impl<R, T, DB, N, J> LevelTask<R, T, DB, N, J>
where
    R: Relation,
    R::Key: NotNullType,
    Option<KeyOf<R>>: FromSql<Nullable<R::Key>>,
    T: Tree<DB, N, J>,
    DB: Backend,
{
    fn push<Ro: Row>(rows: &mut Vec<LevelRow<R, T, DB, N, J>>, row: &Ro) -> QueryResult<()> {
        let mut idx = 0;
        let head = T::decode_head(row, &mut idx)?;
        let nested = T::Fields::decode_keys(row, &mut idx)?;
        let key = decode_value::<Nullable<R::Key>, Option<KeyOf<R>>, _>(row, &mut idx)?;
        // A row matched its key, so the key is never NULL.
        if let Some(key) = key {
            rows.push((key, head, nested));
        }
        Ok(())
    }
}

impl<R, T, DB, N, J> Task<DB> for LevelTask<R, T, DB, N, J>
where
    R: Relation,
    R::Key: NotNullType,
    Option<KeyOf<R>>: FromSql<Nullable<R::Key>>,
    T: Tree<DB, N, J>,
    DB: Backend,
{
    type Output = Vec<LevelRow<R, T, DB, N, J>>;

    fn run<C: Connection<Backend = DB>>(mut self, conn: &mut C) -> QueryResult<Self::Output> {
        let binds: Vec<BindValue<'_>> = self.binds.iter().map(OwnedValue::as_bind).collect();
        let rows = &mut self.rows;
        conn.query_sql(&self.sql, &binds, |row| {
            Self::push(rows, row)?;
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(self.rows)
    }

    fn request(&mut self) -> QueryResult<Request> {
        Ok(Request::one(
            std::mem::take(&mut self.sql),
            std::mem::take(&mut self.binds),
            true,
        ))
    }

    fn row<Ro: Row>(&mut self, row: &Ro) -> QueryResult<ControlFlow<()>> {
        Self::push(&mut self.rows, row)?;
        Ok(ControlFlow::Continue(()))
    }

    fn finish(&mut self, _changed: usize) -> QueryResult<Self::Output> {
        Ok(std::mem::take(&mut self.rows))
    }
}

/// What runs the statements of an eager load: a blocking connection (`M` =
/// [`Blocking`](crate::conn::Blocking)), whose futures are ready when first polled, or an
/// async one (`M` = `Async`). The mode keeps the two impls apart without a wrapper type
/// (a wrapper borrowing the connection would make the load's future not provably `Send`).
#[doc(hidden)]
pub trait Loader<DB: Backend, M> {
    /// Runs one statement.
    fn run_level<'a, K: Task<DB> + 'a>(
        &'a mut self,
        task: K,
    ) -> impl Future<Output = QueryResult<K::Output>>
    where
        K::Output: 'a;
}

impl<C: Connection> Loader<C::Backend, crate::conn::Blocking> for C {
    fn run_level<'a, K: Task<C::Backend> + 'a>(
        &'a mut self,
        task: K,
    ) -> impl Future<Output = QueryResult<K::Output>>
    where
        K::Output: 'a,
    {
        std::future::ready(task.run(self))
    }
}

#[cfg(feature = "tokio")]
impl<C: crate::conn::AsyncConnection> Loader<C::Backend, crate::conn::Async> for C {
    fn run_level<'a, K: Task<C::Backend> + 'a>(
        &'a mut self,
        task: K,
    ) -> impl Future<Output = QueryResult<K::Output>>
    where
        K::Output: 'a,
    {
        // Boxed: an async connection's future moves its task, which must be `Unpin`.
        crate::conn::Executor::run(self, BoxedTask(Box::new(task)))
    }
}

/// A task behind a box, so that it is `Unpin` whatever it holds.
#[cfg(feature = "tokio")]
struct BoxedTask<K>(Box<K>);

#[cfg(feature = "tokio")]
impl<DB: Backend, K: Task<DB>> Task<DB> for BoxedTask<K> {
    type Output = K::Output;
    fn run<C: Connection<Backend = DB>>(self, conn: &mut C) -> QueryResult<K::Output> {
        (*self.0).run(conn)
    }
    fn request(&mut self) -> QueryResult<Request> {
        self.0.request()
    }
    fn row<Ro: Row>(&mut self, row: &Ro) -> QueryResult<ControlFlow<()>> {
        self.0.row(row)
    }
    fn finish(&mut self, changed: usize) -> QueryResult<K::Output> {
        self.0.finish(changed)
    }
}

/// Writes a level's statement for `keys`:
///
/// ```text
/// SELECT <columns>, <keys of the relations below>, <key> FROM <child>
/// WHERE <key> = ANY($1) [AND (<filter>)] [ORDER BY <ordering>]
/// ```
///
/// With `limit_per_parent(n)`, the rows are numbered per key in the ordering and those
/// after the `n`th are left out in SQL:
///
/// ```text
/// SELECT * FROM (SELECT …, row_number() OVER (PARTITION BY <key> ORDER BY …) AS rn
///                FROM … WHERE …) AS level WHERE rn <= $2 ORDER BY rn
/// ```
fn write_level<'a, DB, R, T, Lv, J>(level: &'a Lv, keys: &'a [KeyOf<R>], out: &mut SqlWriter<'a>)
where
    DB: Backend,
    R: Relation,
    KeyOf<R>: ToSql<R::Key>,
    Lv: Level<DB>,
    T: Tree<DB, Lv::Nested, J>,
{
    let key = <R::ChildKey as crate::query::Column>::QUALIFIED;
    let limit = level.limit();
    if limit.is_some() {
        out.push_sql("SELECT * FROM (");
    }
    out.push_sql("SELECT ");
    T::walk_head(out);
    T::Fields::walk_keys(out);
    out.push_sql(", ");
    out.push_sql(key);
    if limit.is_some() {
        out.push_sql(", row_number() OVER (PARTITION BY ");
        out.push_sql(key);
        level.walk_order(out);
        out.push_sql(") AS ");
        out.push_sql(ROW_NUMBER);
    }
    out.push_sql(" FROM ");
    R::Via::walk_from::<R::Child>(out);
    out.push_sql(" WHERE ");
    out.push_sql(key);
    let elements: Vec<BindValue<'a>> = keys.iter().map(ToSql::to_bind).collect();
    let kind = elements.first().and_then(BindValue::kind);
    match kind {
        Some(element) if DB::IN_LIST_AS_ARRAY => {
            out.push_sql(" = ANY(");
            out.push_bind(BindValue::Array { element, elements });
            out.push_sql(")");
        }
        _ => {
            out.push_sql(" IN (");
            for (i, value) in elements.into_iter().enumerate() {
                if i > 0 {
                    out.push_sql(", ");
                }
                out.push_bind(value);
            }
            out.push_sql(")");
        }
    }
    level.walk_filter(out);
    match limit {
        Some(n) => {
            if n < 0 {
                out.reject(|| {
                    format!(
                        "limit_per_parent({n}) on `{}`: the limit cannot be negative",
                        R::NAME
                    )
                });
            }
            out.push_sql(") AS \"__quarry_level\" WHERE ");
            out.push_sql(ROW_NUMBER);
            out.push_sql(" <= ");
            out.push_bind(BindValue::I64(n));
            out.push_sql(" ORDER BY ");
            out.push_sql(ROW_NUMBER);
        }
        None => level.walk_order(out),
    }
}

/// The select list of an eager query's first statement: the columns of `T`, then the
/// key of each relation loaded below it.
#[doc(hidden)]
#[derive(Debug)]
// `fn() -> …`: a select list holds no value of these types, so it is `Send` and `Sync`
// whatever they are.
#[allow(clippy::type_complexity)]
pub struct TreeSelect<T, L, I, DB>(PhantomData<fn() -> (T, L, I, DB)>);

impl<T, L, I, DB> Clone for TreeSelect<T, L, I, DB> {
    fn clone(&self) -> Self {
        TreeSelect(PhantomData)
    }
}

impl<T: Tree<DB, L, I>, L, I, DB: Backend> DecodeRow for TreeSelect<T, L, I, DB> {
    type Output = (T::Head, <T::Fields as Fields<DB, L, I>>::Keys);
    const WIDTH: usize = T::WIDTH + <T::Fields as Fields<DB, L, I>>::COUNT;
    fn decode<R: Row>(row: &R, idx: &mut usize) -> QueryResult<Self::Output> {
        let head = T::decode_head(row, idx)?;
        Ok((head, T::Fields::decode_keys(row, idx)?))
    }
}

impl<F, T: Tree<DB, L, I>, L, I, DB: Backend> crate::query::select::SelectClauseFragment<F, DB>
    for TreeSelect<T, L, I, DB>
{
    fn walk_select<'a>(&'a self, _from: &'a F, out: &mut SqlWriter<'a>) {
        T::walk_head(out);
        T::Fields::walk_keys(out);
    }
}

impl<F: QuerySource, T: Tree<DB, L, I>, L, I, DB: Backend, W, O> Query
    for SelectStatement<F, TreeSelect<T, L, I, DB>, W, O>
{
    type Row = TreeSelect<T, L, I, DB>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    crate::table! {
        users (id) { id -> Int4, name -> Text }
        posts (id) { id -> Int4, user_id -> Int4 references users, likes -> Int4 }
    }

    #[derive(Selectable, Clone)]
    #[quarry(table = posts)]
    #[allow(dead_code)] // only its SQL is looked at
    struct Post {
        id: i32,
    }

    /// The SQL of the level that loads `level` for keys 1, 2, 3.
    fn level_sql<DB: Backend, Lv: Level<DB>>(level: &Lv) -> String
    where
        Post: Tree<DB, Lv::Nested, ()>,
    {
        let keys = [1, 2, 3];
        let mut out = SqlWriter::new::<DB>();
        write_level::<DB, users::posts, Post, Lv, ()>(level, &keys, &mut out);
        out.sql().to_owned()
    }

    #[test]
    fn a_level_is_keyed_by_one_array_on_postgres_and_a_list_on_sqlite() {
        let level = users::posts
            .filter(posts::likes.gt(10))
            .order_by(posts::id)
            .into_loading();
        assert_eq!(
            level_sql::<crate::backend::pg::Pg, _>(&level),
            r#"SELECT "posts"."id", "posts"."user_id" FROM "posts" WHERE "posts"."user_id" = ANY($1) AND ("posts"."likes" > $2) ORDER BY "posts"."id""#
        );
        assert_eq!(
            level_sql::<crate::backend::sqlite::Sqlite, _>(&level),
            r#"SELECT "posts"."id", "posts"."user_id" FROM "posts" WHERE "posts"."user_id" IN (?, ?, ?) AND ("posts"."likes" > ?) ORDER BY "posts"."id""#
        );
    }

    #[test]
    fn limit_per_parent_numbers_the_rows_of_each_key() {
        let level = users::posts
            .order_by(posts::likes.desc())
            .limit_per_parent(3);
        assert_eq!(
            level_sql::<crate::backend::pg::Pg, _>(&level),
            r#"SELECT * FROM (SELECT "posts"."id", "posts"."user_id", row_number() OVER (PARTITION BY "posts"."user_id" ORDER BY "posts"."likes" DESC) AS "__quarry_rn" FROM "posts" WHERE "posts"."user_id" = ANY($1)) AS "__quarry_level" WHERE "__quarry_rn" <= $2 ORDER BY "__quarry_rn""#
        );
    }
}
