//! Subqueries (`eq_any`/`ne_all` of a query, `exists`, scalar subqueries) and set
//! operations, each compared with the same SQL written by hand.

mod common;

use common::{TestDb, assert_same, posts, users};
use quarry::conn::Connection;
use quarry::expr::{count_star, max};
use quarry::prelude::*;
use quarry::query::{exists, not_exists};

fn eq_any_and_ne_all_of_a_subquery<C: Connection>(db: &mut TestDb<C>) {
    let authors = users::table
        .filter(
            users::id.eq_any(
                posts::table
                    .select(posts::user_id)
                    .filter(posts::views.gt(100_i64)),
            ),
        )
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(authors, ["Ada", "Grace", "Linus"]);
    assert_same(
        authors,
        db.rows(
            "SELECT name FROM users WHERE id IN (SELECT user_id FROM posts WHERE views > 100)
             ORDER BY id",
        ),
    );
    let silent = users::table
        .filter(users::id.ne_all(posts::table.select(posts::user_id)))
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(silent, ["Margaret", "Alan"]);
}

fn exists_and_not_exists<C: Connection>(db: &mut TestDb<C>) {
    let any_essay = exists(posts::table.filter(posts::kind.eq("essay")));
    let typed = users::table
        .filter(any_essay.and(users::age.gt(40)))
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_same(
        typed,
        db.rows(
            "SELECT name FROM users WHERE EXISTS (SELECT 1 FROM posts WHERE \"type\" = 'essay')
             AND age > 40 ORDER BY id",
        ),
    );
    let none = users::table
        .filter(not_exists(posts::table.filter(posts::kind.eq("poem"))))
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(none, 5);
}

fn scalar_subquery_in_select_and_filter<C: Connection>(db: &mut TestDb<C>) {
    let post_count = posts::table.select(count_star()).single_value();
    let typed: Vec<(String, Option<i64>)> = users::table
        .select((users::name, post_count))
        .filter(users::id.le(2))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [("Ada".to_owned(), Some(5)), ("Grace".to_owned(), Some(5))]
    );
    // The oldest users: age equal to the maximum.
    let oldest = users::table
        .filter(
            users::age
                .nullable()
                .eq(users::table.select(max(users::age)).single_value()),
        )
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(oldest, ["Grace"]);
}

fn set_operations<C: Connection>(db: &mut TestDb<C>) {
    let young = users::table.filter(users::age.lt(37)).select(users::id);
    let brown = users::table
        .filter(users::hair_color.eq("brown"))
        .select(users::id);
    let mut union = young
        .clone()
        .union(brown.clone())
        .load(&mut db.conn)
        .unwrap();
    union.sort();
    assert_eq!(union, [1, 2, 3, 4]);
    let mut all = young
        .clone()
        .union_all(brown.clone())
        .load(&mut db.conn)
        .unwrap();
    all.sort();
    assert_eq!(all, [1, 2, 3, 4, 4]);
    let both = young
        .clone()
        .intersect(brown.clone())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(both, [4]);
    let mut only_young = young.except(brown).load(&mut db.conn).unwrap();
    only_young.sort();
    assert_eq!(only_young, [1, 3]);
    let plain: Vec<i32> = db.rows(
        "SELECT id FROM users WHERE age < 37 INTERSECT SELECT id FROM users WHERE hair_color = 'brown'",
    );
    assert_eq!(plain, [4]);
}

/// Nested set operations keep the nesting they were built with, on both backends, and
/// an operand with its own ORDER BY and LIMIT keeps them to itself.
fn nested_set_operations_keep_their_meaning<C: Connection>(db: &mut TestDb<C>) {
    let young = || users::table.filter(users::age.lt(37)).select(users::id);
    let brown = || {
        users::table
            .filter(users::hair_color.eq("brown"))
            .select(users::id)
    };
    let sorted = |mut ids: Vec<i32>| {
        ids.sort();
        ids
    };
    // young − (brown ∪ young) is empty; read as (young − brown) ∪ young it is not.
    let none = young()
        .except(brown().union(young()))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(none, Vec::<i32>::new());
    // (young ∪ brown) ∩ brown is brown; PostgreSQL would read young ∪ (brown ∩ brown).
    let brown_ids = young()
        .union(brown())
        .intersect(brown())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(sorted(brown_ids), [2, 4]);
    // The first young user, then the brown-haired ones.
    let first_and_brown = young()
        .order_by(users::id)
        .limit(1)
        .union(brown())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(sorted(first_and_brown), [1, 2, 4]);
}

common::backend_tests! {
    nested_set_operations_keep_their_meaning,
    eq_any_and_ne_all_of_a_subquery,
    exists_and_not_exists,
    scalar_subquery_in_select_and_filter,
    set_operations,
}
