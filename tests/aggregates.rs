//! Aggregates, `group_by` and `having`, each compared with the same query in plain SQL.
//! Result types are the ones both backends agree on: `count` is `Int8`, `sum` of
//! integers `Int8` (of `Int8`, `Numeric`), `avg` of integers `Numeric`, all nullable
//! but `count`.

mod common;

use common::{TestDb, assert_same, posts, users};
use quarry::conn::Connection;
use quarry::expr::{avg, count, count_distinct, count_star, max, min, sum};
use quarry::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn counts<C: Connection>(db: &mut TestDb<C>) {
    let (all, with_hair, ages): (i64, i64, i64) = users::table
        .select((
            count_star(),
            count(users::hair_color),
            count_distinct(users::age),
        ))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!((all, with_hair, ages), (5, 3, 4));
    let plain: (i64, i64, i64) =
        quarry::sql_query("SELECT COUNT(*), COUNT(hair_color), COUNT(DISTINCT age) FROM users")
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!((all, with_hair, ages), plain);
}

fn sum_avg_min_max<C: Connection>(db: &mut TestDb<C>) {
    // Int4 sums to Int8; Int8 sums to Numeric (as PostgreSQL does); avg is Numeric.
    let (age_sum, view_sum, age_avg): (Option<i64>, Option<Decimal>, Option<Decimal>) =
        users::table
            .inner_join(posts::table)
            .select((sum(users::age), sum(posts::views), avg(users::visits)))
            .get_result(&mut db.conn)
            .unwrap();
    // Posts by user 1, 2, 3, 1, 3: ages 36 + 85 + 28 + 36 + 28.
    assert_eq!(age_sum, Some(213));
    assert_eq!(view_sum, Some(dec("8000000169")));
    // Visits 40, 85, 10, 40, 10 over five rows: 37.
    assert_eq!(age_avg.map(|d| d.round_dp(6)), Some(dec("37")));
    let (youngest, oldest, first_name, last_name) = users::table
        .select((
            min(users::age),
            max(users::age),
            min(users::name),
            max(users::name),
        ))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(
        (
            youngest,
            oldest,
            first_name.as_deref(),
            last_name.as_deref()
        ),
        (Some(28), Some(85), Some("Ada"), Some("Margaret"))
    );
}

fn aggregates_of_no_rows<C: Connection>(db: &mut TestDb<C>) {
    let (n, total, oldest) = users::table
        .filter(users::age.gt(1000))
        .select((count_star(), sum(users::age), max(users::age)))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!((n, total, oldest), (0, None, None));
}

fn group_by_with_count_and_sum<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .group_by(users::age)
        .select((users::age, count_star(), sum(users::visits)))
        .order_by(users::age)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            (28, 1, Some(10)),
            (36, 2, Some(90)),
            (41, 1, Some(41)),
            (85, 1, Some(85))
        ]
    );
    assert_same(
        typed,
        db.rows("SELECT age, COUNT(*), SUM(visits) FROM users GROUP BY age ORDER BY age"),
    );
}

fn group_by_several_columns_and_having<C: Connection>(db: &mut TestDb<C>) {
    let typed = posts::table
        .group_by((posts::user_id, posts::kind))
        .having(count_star().ge(1).and(sum(posts::views).gt(dec("100"))))
        .select((posts::user_id, posts::kind, count(posts::id)))
        .order_by((posts::user_id, posts::kind))
        .load(&mut db.conn)
        .unwrap();
    assert_same(
        typed,
        db.rows(
            "SELECT user_id, \"type\", COUNT(id) FROM posts GROUP BY user_id, \"type\"
             HAVING COUNT(*) >= 1 AND SUM(views) > 100 ORDER BY user_id, \"type\"",
        ),
    );
    // Repeated `having` joins with AND.
    let busy: Vec<i32> = posts::table
        .group_by(posts::user_id)
        .having(count_star().gt(1))
        .having(max(posts::views).gt(1_000_000_i64))
        .select(posts::user_id)
        .order_by(posts::user_id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(busy, [1, 3]);
}

fn group_by_over_a_left_join<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .left_join(posts::table)
        .group_by((users::id, users::name))
        .select((users::name, count(posts::id), max(posts::title)))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[1], ("Grace".to_owned(), 1, Some("COBOL".to_owned())));
    // Users without posts count zero and have no maximum.
    assert_eq!(typed[3], ("Margaret".to_owned(), 0, None));
    assert_same(
        typed,
        db.rows(
            "SELECT users.name, COUNT(posts.id), MAX(posts.title) FROM users
             LEFT JOIN posts ON posts.user_id = users.id
             GROUP BY users.id, users.name ORDER BY users.id",
        ),
    );
}

fn count_of_a_grouped_query_counts_groups<C: Connection>(db: &mut TestDb<C>) {
    let groups = users::table
        .group_by(users::age)
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(groups, 4);
    let plain: i64 = quarry::sql_query("SELECT COUNT(DISTINCT age) FROM users")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(groups, plain);
}

fn aggregates_in_filters_of_groups_only<C: Connection>(db: &mut TestDb<C>) {
    // A plain filter runs before grouping, `having` after: both together.
    let typed: Vec<(i32, i64)> = users::table
        .filter(users::visits.ge(40))
        .group_by(users::age)
        .having(count_star().eq(2_i64))
        .select((users::age, count_star()))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [(36, 2)]);
}

/// A query grouped before a join keeps its `GROUP BY` and `HAVING`, applied to the
/// joined rows (they used to be left out of the SQL: every row came back ungrouped).
fn grouping_before_a_join_groups_the_joined_rows<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(i32, i64)> = posts::table
        .group_by(posts::user_id)
        .having(count_star().gt(1_i64))
        .inner_join(users::table)
        .select((posts::user_id, count_star()))
        .order_by(posts::user_id)
        .load(&mut db.conn)
        .unwrap();
    let plain: Vec<(i32, i64)> = db.rows(
        "SELECT posts.user_id, COUNT(*) FROM posts INNER JOIN users ON posts.user_id = users.id \
         GROUP BY posts.user_id HAVING COUNT(*) > 1 ORDER BY posts.user_id",
    );
    assert!(!plain.is_empty());
    assert_same(typed, plain);
}

/// A grouped query orders by its groups and its aggregates (checked against the GROUP
/// BY list, also for an `order_by` written before `group_by`); an aggregate in a filter
/// goes through a subquery, which is computed on its own.
fn grouped_ordering_and_aggregates_in_subquery_filters<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(i32, i64)> = users::table
        .group_by(users::age)
        .select((users::age, count_star()))
        .order_by((count_star().desc(), users::age.desc()))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [(36, 2), (85, 1), (41, 1), (28, 1)]);
    assert_same(
        typed,
        db.rows("SELECT age, COUNT(*) FROM users GROUP BY age ORDER BY COUNT(*) DESC, age DESC"),
    );
    let first: Vec<i32> = users::table
        .order_by(users::age)
        .group_by(users::age)
        .select(users::age)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(first, [28, 36, 41, 85]);
    let oldest: Vec<String> = users::table
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

common::backend_tests! {
    grouped_ordering_and_aggregates_in_subquery_filters,
    grouping_before_a_join_groups_the_joined_rows,
    counts,
    sum_avg_min_max,
    aggregates_of_no_rows,
    group_by_with_count_and_sum,
    group_by_several_columns_and_having,
    group_by_over_a_left_join,
    count_of_a_grouped_query_counts_groups,
    aggregates_in_filters_of_groups_only,
}
