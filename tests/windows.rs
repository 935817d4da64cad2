//! Window functions: ranking functions and aggregates over windows, compared with the
//! same SQL written by hand. (SQLite has window functions since 3.25.)

mod common;

use common::{TestDb, assert_same, posts, users};
use quarry::conn::Connection;
use quarry::expr::{count_star, dense_rank, rank, row_number, sum};
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

common::backend_tests! {
    ranking_functions,
    partitioned_windows_and_running_totals,
    window_in_a_filtered_and_joined_query,
}
