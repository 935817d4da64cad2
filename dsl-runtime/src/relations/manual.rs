//! The manual tools, for a child query written by hand (Diesel's idiom): a relation's
//! [`belonging_to`](BelongingTo::belonging_to) query, and [`grouped_by`](GroupedBy::grouped_by)
//! to put its rows with their parents.

use super::{Direct, Many, Relation};
use crate::query::{Column, DefaultSelect, InArgument, SelectStatement, WhereClause};
use std::collections::HashMap;
use std::hash::Hash;

/// `users::posts.belonging_to(keys)`: the child rows of a to-many relation whose key is
/// one of `keys`.
pub trait BelongingTo: Relation<Cardinality = Many, Via = Direct> {
    /// The rows of the relation's table whose key is one of `keys` (the parents'
    /// primary keys): `posts::table.filter(posts::user_id.eq_any(keys))`, a query to
    /// filter, order and load further. On PostgreSQL the keys are one array parameter.
    #[allow(clippy::type_complexity)]
    fn belonging_to<V>(
        self,
        keys: V,
    ) -> SelectStatement<
        Self::Child,
        DefaultSelect,
        WhereClause<<V as InArgument<Self::ChildKey, <Self::ChildKey as Column>::SqlType>>::In>,
    >
    where
        V: InArgument<Self::ChildKey, <Self::ChildKey as Column>::SqlType>,
    {
        SelectStatement::filtered(
            Self::Child::default(),
            keys.eq_any(Self::ChildKey::default()),
        )
    }
}

impl<R: Relation<Cardinality = Many, Via = Direct>> BelongingTo for R {}

/// `children.grouped_by(&parents, …)`: the rows of a child query put with their
/// parents.
pub trait GroupedBy<C>: Sized {
    /// One `Vec` per parent, in the parents' order, holding the children whose key
    /// (`child_key`, an `Option` for a nullable key) is the parent's (`parent_key`), in
    /// the children's order. A child whose key matches no parent is left out; a parent
    /// listed twice gets its children twice.
    fn grouped_by<P, K, KC>(
        self,
        parents: &[P],
        parent_key: impl Fn(&P) -> K,
        child_key: impl Fn(&C) -> KC,
    ) -> Vec<Vec<C>>
    where
        K: Hash + Eq,
        KC: Into<Option<K>>,
        C: Clone;
}

impl<C> GroupedBy<C> for Vec<C> {
    fn grouped_by<P, K, KC>(
        self,
        parents: &[P],
        parent_key: impl Fn(&P) -> K,
        child_key: impl Fn(&C) -> KC,
    ) -> Vec<Vec<C>>
    where
        K: Hash + Eq,
        KC: Into<Option<K>>,
        C: Clone,
    {
        let mut slots: HashMap<K, Vec<usize>> = HashMap::with_capacity(parents.len());
        for (i, parent) in parents.iter().enumerate() {
            slots.entry(parent_key(parent)).or_default().push(i);
        }
        let mut grouped: Vec<Vec<C>> = parents.iter().map(|_| Vec::new()).collect();
        for child in self {
            let Some(key) = child_key(&child).into() else {
                continue;
            };
            if let Some(indices) = slots.get(&key) {
                if let Some((last, rest)) = indices.split_last() {
                    for &i in rest {
                        grouped[i].push(child.clone());
                    }
                    grouped[*last].push(child);
                }
            }
        }
        grouped
    }
}

/// Where a relation joined with `inner_join` / `left_join` finds its parent table in
/// the query: at position `I` of the FROM list.
#[doc(hidden)]
#[derive(Debug)]
pub struct ByRelation<I>(std::marker::PhantomData<I>);

/// The ON clause of a join by relation `R`: its child key equal to its parent key.
#[doc(hidden)]
pub type RelationOn<R> =
    crate::expr::Binary<crate::expr::Eq, <R as Relation>::ChildKey, <R as Relation>::ParentKey>;

/// What `table!`'s `JoinTarget` impl of a relation returns: a relation is a join target,
/// `users::table.inner_join(users::posts)` joins `posts` `ON "posts"."author_id" =
/// "users"."id"`, by the relation's key, even where two keys link the same tables
/// (where joining the table alone would not know which). The impl is generated per
/// relation rather than written once for every relation, so that a table that cannot be
/// joined is still reported by the foreign keys it lacks.
#[doc(hidden)]
pub fn relation_join<R: Relation>(_relation: R) -> (R::Child, RelationOn<R>) {
    (
        R::Child::default(),
        crate::expr::Binary::new(R::ChildKey::default(), R::ParentKey::default()),
    )
}
