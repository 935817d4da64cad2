//! Expressions: how nullability follows from operands, operators, literals, casts and
//! the function library, each compared with the same SQL written by hand.

mod common;

use common::{TestDb, assert_same, posts, users};
use quarry::conn::Connection;
use quarry::expr::{case_when, coalesce, length, lower, upper};
use quarry::prelude::*;

/// Users 4 and 5 wrote no posts: a function over a left-joined column is NULL for them,
/// and loads as `Option`.
fn function_of_a_left_joined_column_is_nullable<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(i32, Option<String>)> = users::table
        .left_join(posts::table)
        .select((users::id, lower(posts::title)))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed.len(), 7);
    assert_eq!(
        typed[0],
        (1, Some("notes on the analytical engine".to_owned()))
    );
    assert_eq!(typed[5..], [(4, None), (5, None)]);
    assert_same(
        typed,
        db.rows(
            "SELECT users.id, lower(posts.title) FROM users
             LEFT JOIN posts ON posts.user_id = users.id ORDER BY users.id, posts.id",
        ),
    );
    // Nested calls and operators keep it: `length(upper(title)) + 1`.
    let lengths: Vec<Option<i32>> = users::table
        .left_join(posts::table)
        .select(length(upper(posts::title)) + 1)
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(lengths[0], Some(31));
    assert_eq!(lengths[5..], [None, None]);
    // A comparison with the left-joined column is a nullable condition.
    let is_rust: Vec<Option<bool>> = users::table
        .left_join(posts::table)
        .select(posts::title.like("Rust%"))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(is_rust[..2], [Some(false), Some(true)]);
    assert_eq!(is_rust[5..], [None, None]);
}

/// A CASE whose value or ELSE is a left-joined column is nullable even with an ELSE;
/// one whose values are all bound values or columns of the left side is not.
fn case_over_a_left_joined_column_is_nullable<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(i32, Option<String>)> = users::table
        .left_join(posts::table)
        .select((
            users::id,
            case_when(users::age.gt(30), posts::title).otherwise("young"),
        ))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[5..], [(4, None), (5, None)]);
    assert_same(
        typed,
        db.rows(
            "SELECT users.id, CASE WHEN users.age > 30 THEN posts.title ELSE 'young' END
             FROM users LEFT JOIN posts ON posts.user_id = users.id
             ORDER BY users.id, posts.id",
        ),
    );
    // The left-joined column only in a condition: the value is never NULL.
    let kinds: Vec<String> = users::table
        .left_join(posts::table)
        .select(case_when(posts::kind.eq("essay"), "essay").otherwise("other"))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(kinds[0], "essay");
    assert_eq!(kinds[5..], ["other", "other"]);
    // `coalesce` of a left-joined column with a value is not NULL again.
    let titles: Vec<String> = users::table
        .left_join(posts::table)
        .select(coalesce(lower(posts::title).nullable(), "-"))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(titles[5..], ["-", "-"]);
}

common::backend_tests! {
    function_of_a_left_joined_column_is_nullable,
    case_over_a_left_joined_column_is_nullable,
}
