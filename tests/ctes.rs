//! Common table expressions, plain and recursive, compared with the same SQL written by
//! hand.

mod common;

use common::{ExtraSchema, TestDb, assert_same, posts, users};
use quarry::conn::Connection;
use quarry::expr::count_star;
use quarry::prelude::*;
use quarry::query::{with, with_recursive};

quarry::table! {
    /// The shape of a CTE: posts per author.
    prolific (user_id) {
        user_id -> Int4 references users,
        posts -> Int8,
    }
}

quarry::table! {
    employees (id) {
        id -> Int4,
        name -> Text,
        manager_id -> Nullable<Int4>,
    }
}

quarry::table! {
    /// The shape of a recursive CTE: a chain of managers.
    chain (id) {
        id -> Int4,
        manager_id -> Nullable<Int4>,
    }
}

const SCHEMA: ExtraSchema = ExtraSchema {
    sqlite: "",
    pg: "",
    portable: "
CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT NOT NULL, manager_id INTEGER);
INSERT INTO employees VALUES (1, 'Grace', NULL), (2, 'Ada', 1), (3, 'Linus', 2), (4, 'Alan', 1);
",
};

fn cte_filtered_and_joined<C: Connection>(db: &mut TestDb<C>) {
    let per_author = with(
        prolific::table,
        posts::table
            .group_by(posts::user_id)
            .select((posts::user_id, count_star())),
    );
    let typed = per_author
        .filter(prolific::posts.ge(2_i64))
        .inner_join(users::table)
        .select((users::name, prolific::posts))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [("Ada".to_owned(), 2), ("Linus".to_owned(), 2)]);
    assert_same(
        typed,
        db.rows(
            "WITH prolific (user_id, posts) AS (SELECT user_id, COUNT(*) FROM posts GROUP BY user_id)
             SELECT users.name, prolific.posts FROM prolific
             INNER JOIN users ON prolific.user_id = users.id
             WHERE prolific.posts >= 2 ORDER BY users.id",
        ),
    );
    // The whole CTE, and a count of it.
    let all = with(
        prolific::table,
        posts::table
            .group_by(posts::user_id)
            .select((posts::user_id, count_star())),
    );
    assert_eq!(all.clone().count().get_result(&mut db.conn).unwrap(), 3);
    let mut rows = all.load(&mut db.conn).unwrap();
    rows.sort();
    assert_eq!(rows, [(1, 2), (2, 1), (3, 2)]);
}

fn recursive_cte_walks_a_tree<C: Connection>(db: &mut TestDb<C>) {
    let start = employees::table
        .filter(employees::id.eq(3))
        .select((employees::id, employees::manager_id));
    let step = employees::table
        .inner_join(chain::table.on(employees::id.nullable().eq(chain::manager_id)))
        .select((employees::id, employees::manager_id));
    let managers_of_linus = with_recursive(chain::table, start.union_all(step))
        .select(chain::id)
        .order_by(chain::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(managers_of_linus, [1, 2, 3]);
    assert_same(
        managers_of_linus,
        db.rows(
            "WITH RECURSIVE chain (id, manager_id) AS (
                 SELECT id, manager_id FROM employees WHERE id = 3
                 UNION ALL
                 SELECT employees.id, employees.manager_id FROM employees
                 INNER JOIN chain ON employees.id = chain.manager_id)
             SELECT id FROM chain ORDER BY id",
        ),
    );
}

common::backend_tests! {
    extra_schema: SCHEMA;
    cte_filtered_and_joined,
    recursive_cte_walks_a_tree,
}
