//! Window functions: ranking functions and aggregates over windows, compared with the
//! same SQL written by hand. (SQLite has window functions since 3.25.)

mod common;

use common::{TestDb, assert_same, posts, users};
use quarry::conn::Connection;
use quarry::expr::{
    FrameBound, count_star, dense_rank, first_value, lag, lag_by, last_value, lead, ntile, rank,
    row_number, sum,
};
use quarry::prelude::*;

fn ranking_functions<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select((
            users::name,
            row_number().over().order_by(users::id),
            rank().over().order_by(users::age.desc()),
            dense_rank().over().order_by(users::age.desc()),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    // Ages 36, 85, 28, 36, 41: ranks by age descending.
    assert_eq!(
        typed,
        [
            ("Ada".to_owned(), 1, 3, 3),
            ("Grace".to_owned(), 2, 1, 1),
            ("Linus".to_owned(), 3, 5, 4),
            ("Margaret".to_owned(), 4, 3, 3),
            ("Alan".to_owned(), 5, 2, 2),
        ]
    );
    assert_same(
        typed,
        db.rows(
            "SELECT name, ROW_NUMBER() OVER (ORDER BY id), RANK() OVER (ORDER BY age DESC),
                    DENSE_RANK() OVER (ORDER BY age DESC)
             FROM users ORDER BY id",
        ),
    );
}

fn partitioned_windows_and_running_totals<C: Connection>(db: &mut TestDb<C>) {
    let typed = posts::table
        .select((
            posts::id,
            row_number()
                .over()
                .partition_by(posts::user_id)
                .order_by(posts::id),
            sum(posts::views).over().partition_by(posts::user_id),
            count_star().over(),
        ))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_same(
        typed,
        db.rows(
            "SELECT id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY id),
                    SUM(views) OVER (PARTITION BY user_id), COUNT(*) OVER ()
             FROM posts ORDER BY id",
        ),
    );
}

fn window_in_a_filtered_and_joined_query<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .inner_join(posts::table)
        .filter(posts::views.gt(10_i64))
        .select((
            users::name,
            posts::title,
            rank()
                .over()
                .partition_by(users::id)
                .order_by(posts::views.desc()),
        ))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_same(
        typed,
        db.rows(
            "SELECT users.name, posts.title,
                    RANK() OVER (PARTITION BY users.id ORDER BY posts.views DESC)
             FROM users INNER JOIN posts ON posts.user_id = users.id
             WHERE posts.views > 10 ORDER BY users.id, posts.id",
        ),
    );
}

/// id, lag, lag by 2, lead, first value, last value, ntile.
type ValueWindows = (
    i32,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    String,
    String,
    i32,
);

/// Users by id: ages 36, 85, 28, 36, 41.
fn lag_lead_first_last_and_ntile<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<ValueWindows> = users::table
        .select((
            users::id,
            lag(users::age).over().order_by(users::id),
            lag_by(users::age, 2).over().order_by(users::id),
            lead(users::age).over().order_by(users::id),
            first_value(users::name).over().order_by(users::id),
            last_value(users::name)
                .over()
                .order_by(users::id)
                .rows_between(
                    FrameBound::UnboundedPreceding,
                    FrameBound::UnboundedFollowing,
                ),
            ntile(2).over().order_by(users::id),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed[0],
        (
            1,
            None,
            None,
            Some(85),
            "Ada".to_owned(),
            "Alan".to_owned(),
            1
        )
    );
    assert_eq!(
        typed[4],
        (
            5,
            Some(36),
            Some(28),
            None,
            "Ada".to_owned(),
            "Alan".to_owned(),
            2
        )
    );
    assert_same(
        typed,
        db.rows(
            "SELECT id, LAG(age) OVER (ORDER BY id), LAG(age, 2) OVER (ORDER BY id),
                    LEAD(age) OVER (ORDER BY id), FIRST_VALUE(name) OVER (ORDER BY id),
                    LAST_VALUE(name) OVER (ORDER BY id
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
                    NTILE(2) OVER (ORDER BY id)
             FROM users ORDER BY id",
        ),
    );
}

fn frames<C: Connection>(db: &mut TestDb<C>) {
    // A moving sum of the row and the one before it, and a count of what is left.
    let typed: Vec<(i32, Option<i64>, i64)> = users::table
        .select((
            users::id,
            sum(users::age)
                .over()
                .order_by(users::id)
                .rows_between(FrameBound::Preceding(1), FrameBound::CurrentRow),
            count_star()
                .over()
                .order_by(users::id)
                .rows_between(FrameBound::CurrentRow, FrameBound::UnboundedFollowing),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (1, Some(36), 5));
    assert_eq!(typed[1], (2, Some(121), 4));
    assert_eq!(typed[4], (5, Some(77), 1));
    // RANGE: rows with equal ages are peers and share one frame.
    let by_age: Vec<(i32, i64)> = users::table
        .select((
            users::id,
            count_star()
                .over()
                .order_by(users::age)
                .range_between(FrameBound::UnboundedPreceding, FrameBound::CurrentRow),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(by_age, [(1, 3), (2, 5), (3, 1), (4, 3), (5, 4)]);
    // A negative offset is refused before anything is sent.
    let refused = users::table
        .select(
            sum(users::age)
                .over()
                .order_by(users::id)
                .rows_between(FrameBound::Preceding(-1), FrameBound::CurrentRow),
        )
        .load(&mut db.conn);
    let err = common::expect_err(refused);
    assert!(err.to_string().contains("must not be negative"), "{err}");
}

/// A value window over a left-joined column is nullable like the column.
fn value_windows_over_a_left_join<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(i32, Option<String>)> = users::table
        .left_join(posts::table)
        .select((
            users::id,
            first_value(posts::title)
                .over()
                .partition_by(users::id)
                .order_by(posts::id),
        ))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[5..], [(4, None), (5, None)]);
}

common::backend_tests! {
    lag_lead_first_last_and_ntile,
    frames,
    value_windows_over_a_left_join,
    ranking_functions,
    partitioned_windows_and_running_totals,
    window_in_a_filtered_and_joined_query,
}
