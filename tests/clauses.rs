//! The clauses of a query: `filter`, `or_filter`, `order_by`, `then_order_by`, `limit`,
//! `offset`, `distinct`, `count`, and the single-row forms `find`, `first`,
//! `get_result` and `.optional()`.

mod common;

use common::{Post, TestDb, User, assert_same, fixture_users, memberships, posts, users};
use quarry::conn::Connection;
use quarry::conn::RowOf;
use quarry::prelude::*;
use quarry::query::{AsQuery, QueryFragment};

fn filter_repeated_is_and<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .filter(users::age.gt(30))
        .filter(users::hair_color.is_not_null())
        .filter(users::name.ne("Grace"))
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, ["Margaret"]);
    assert_same(
        typed,
        db.rows(
            "SELECT name FROM users \
             WHERE age > 30 AND hair_color IS NOT NULL AND name <> 'Grace' ORDER BY id",
        ),
    );
}

fn or_filter<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .filter(users::age.eq(85))
        .or_filter(users::name.eq("Linus"))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [2, 3]);
    assert_same(
        typed,
        db.rows("SELECT id FROM users WHERE age = 85 OR name = 'Linus' ORDER BY id"),
    );

    // Without a filter, `or_filter` is the filter.
    let alone = users::table
        .or_filter(users::id.eq(5))
        .select(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(alone, [5]);
}

fn filters_group_in_call_order<C: Connection>(db: &mut TestDb<C>) {
    // filter(a).or_filter(b).filter(c) is (a OR b) AND c.
    let typed = users::table
        .filter(users::age.eq(36))
        .or_filter(users::age.eq(85))
        .filter(users::visits.gt(45))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [2, 4]);
    assert_same(
        typed,
        db.rows("SELECT id FROM users WHERE (age = 36 OR age = 85) AND visits > 45 ORDER BY id"),
    );
    // filter(a).filter(b).or_filter(c) is (a AND b) OR c.
    let typed = users::table
        .filter(users::age.eq(36))
        .filter(users::visits.gt(45))
        .or_filter(users::name.eq("Alan"))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [4, 5]);
    assert_same(
        typed,
        db.rows(
            "SELECT id FROM users WHERE (age = 36 AND visits > 45) OR name = 'Alan' ORDER BY id",
        ),
    );
}

fn order_by_asc_and_desc<C: Connection>(db: &mut TestDb<C>) {
    let plain_asc: Vec<String> = db.rows("SELECT name FROM users ORDER BY name ASC");
    let asc = users::table
        .select(users::name)
        .order_by(users::name.asc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(asc, ["Ada", "Alan", "Grace", "Linus", "Margaret"]);
    assert_same(asc.clone(), plain_asc);
    let implicit = users::table
        .select(users::name)
        .order_by(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(implicit, asc);
    let desc = users::table
        .select(users::name)
        .order_by(users::name.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(desc, ["Margaret", "Linus", "Grace", "Alan", "Ada"]);
    assert_same(desc, db.rows("SELECT name FROM users ORDER BY name DESC"));
}

fn order_by_tuple_and_expression<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select((users::age, users::name))
        .order_by((users::age.desc(), users::name))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[2], (36, "Ada".to_owned()));
    assert_eq!(typed[3], (36, "Margaret".to_owned()));
    assert_same(
        typed,
        db.rows("SELECT age, name FROM users ORDER BY age DESC, name"),
    );

    let by_expression = users::table
        .select(users::id)
        .order_by(((users::age - users::visits).desc(), users::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(by_expression, [3, 2, 5, 1, 4]);
    assert_same(
        by_expression,
        db.rows("SELECT id FROM users ORDER BY age - visits DESC, id"),
    );
}

fn order_by_replaces_then_order_by_appends<C: Connection>(db: &mut TestDb<C>) {
    let replaced = users::table
        .select(users::id)
        .order_by(users::name)
        .order_by(users::id.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(replaced, [5, 4, 3, 2, 1]);

    let appended = users::table
        .select(users::name)
        .order_by(users::age.desc())
        .then_order_by(users::name.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(appended, ["Grace", "Alan", "Margaret", "Ada", "Linus"]);
    assert_same(
        appended,
        db.rows("SELECT name FROM users ORDER BY age DESC, name DESC"),
    );

    // then_order_by without an order_by starts the ordering; it chains.
    let chained = users::table
        .select(users::id)
        .then_order_by(users::hair_color.desc())
        .then_order_by(users::age)
        .then_order_by(users::id.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_same(
        chained,
        db.rows("SELECT id FROM users ORDER BY hair_color DESC, age, id DESC"),
    );
}

fn limit<C: Connection>(db: &mut TestDb<C>) {
    let two = users::table
        .select(users::id)
        .order_by(users::id)
        .limit(2)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(two, [1, 2]);
    let none = users::table
        .select(users::id)
        .limit(0)
        .load(&mut db.conn)
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    let more_than_all = users::table
        .select(users::id)
        .order_by(users::id)
        .limit(100)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(more_than_all, [1, 2, 3, 4, 5]);
    // The last limit wins.
    let last = users::table
        .select(users::id)
        .order_by(users::id)
        .limit(1)
        .limit(3)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(last, [1, 2, 3]);
}

fn offset_with_and_without_limit<C: Connection>(db: &mut TestDb<C>) {
    let page = users::table
        .select(users::id)
        .order_by(users::id)
        .limit(2)
        .offset(1)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(page, [2, 3]);
    assert_same(
        page,
        db.rows("SELECT id FROM users ORDER BY id LIMIT 2 OFFSET 1"),
    );
    // Offset before limit in the call chain means the same.
    let swapped = users::table
        .select(users::id)
        .order_by(users::id)
        .offset(1)
        .limit(2)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(swapped, [2, 3]);

    let rest = users::table
        .select(users::id)
        .order_by(users::id)
        .offset(3)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rest, [4, 5]);
    let past_the_end = users::table
        .select(users::id)
        .offset(10)
        .load(&mut db.conn)
        .unwrap();
    assert!(past_the_end.is_empty(), "{past_the_end:?}");
    let zero = users::table
        .select(users::id)
        .order_by(users::id)
        .offset(0)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(zero, [1, 2, 3, 4, 5]);
}

fn negative_limit_and_offset_are_refused<C: Connection>(db: &mut TestDb<C>) {
    const LIMIT: &str = "invalid query: LIMIT must not be negative, but `limit(-1)` was given; \
                         leave out `limit` to return every row";
    let offset = |n: i64| {
        format!(
            "invalid query: OFFSET must not be negative, but `offset({n})` was given; \
             leave out `offset` to skip no row"
        )
    };
    let refused = |result: quarry::QueryResult<Vec<i32>>| match result {
        Err(quarry::Error::InvalidQuery(reason)) => format!("invalid query: {reason}"),
        other => panic!("expected Error::InvalidQuery, got {other:?}"),
    };
    // SQLite alone would return every row for LIMIT -1; PostgreSQL would refuse it.
    let query = users::table.select(users::id).limit(-1);
    assert_eq!(refused(query.clone().load(&mut db.conn)), LIMIT);
    assert_eq!(
        refused(query.get_result(&mut db.conn).map(|id| vec![id])),
        LIMIT
    );
    let with_limit = users::table.select(users::id).limit(2).offset(-1);
    assert_eq!(refused(with_limit.load(&mut db.conn)), offset(-1));
    // Offset alone is `LIMIT -1 OFFSET ?` on SQLite: still refused for its offset.
    let offset_only = users::table.select(users::id).offset(-3);
    assert_eq!(refused(offset_only.load(&mut db.conn)), offset(-3));
    let first = users::table
        .select(users::id)
        .offset(-2)
        .first(&mut db.conn);
    assert_eq!(refused(first.map(|id| vec![id])), offset(-2));
    let boxed = users::table.select(users::id).into_boxed().limit(-1);
    assert_eq!(refused(boxed.load(&mut db.conn)), LIMIT);
    let counted = users::table.limit(-1).count().get_result(&mut db.conn);
    assert_eq!(refused(counted.map(|n: i64| vec![n as i32])), LIMIT);
    // Inside a subquery, and in the subquery of an update, which changes nothing.
    let authors = posts::table.select(posts::user_id).limit(-1);
    let filtered = users::table
        .filter(users::id.eq_any(authors.clone()))
        .select(users::id)
        .load(&mut db.conn);
    assert_eq!(refused(filtered), LIMIT);
    let update = quarry::update(users::table.filter(users::id.eq_any(authors)))
        .set(users::visits.eq(0))
        .execute(&mut db.conn);
    assert_eq!(refused(update.map(|n| vec![n as i32])), LIMIT);
    let visits: Vec<i32> = db.rows("SELECT visits FROM users ORDER BY id");
    assert_eq!(visits, [40, 85, 10, 50, 41]);

    // Zero is a limit like any other, and the connection is still usable.
    let zero = users::table
        .select(users::id)
        .order_by(users::id)
        .limit(0)
        .offset(0)
        .load(&mut db.conn)
        .unwrap();
    assert!(zero.is_empty(), "{zero:?}");
    let rest = users::table
        .select(users::id)
        .order_by(users::id)
        .offset(3)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rest, [4, 5]);
}

fn distinct<C: Connection>(db: &mut TestDb<C>) {
    let ages = users::table
        .select(users::age)
        .distinct()
        .order_by(users::age)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ages, [28, 36, 41, 85]);
    assert_same(ages, db.rows("SELECT DISTINCT age FROM users ORDER BY age"));
    let colors = users::table
        .select(users::hair_color)
        .distinct()
        .order_by(users::hair_color.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(colors.len(), 3);
    assert!(colors.contains(&None));
    assert_same(
        colors,
        db.rows("SELECT DISTINCT hair_color FROM users ORDER BY hair_color DESC"),
    );
    let pairs = posts::table
        .select((posts::user_id, posts::kind))
        .distinct()
        .order_by((posts::user_id, posts::kind))
        .load(&mut db.conn)
        .unwrap();
    assert_same(
        pairs,
        db.rows("SELECT DISTINCT user_id, \"type\" FROM posts ORDER BY user_id, \"type\""),
    );
}

fn count<C: Connection>(db: &mut TestDb<C>) {
    let all: i64 = users::table.count().get_result(&mut db.conn).unwrap();
    assert_eq!(all, 5);
    let filtered = users::table
        .filter(users::age.eq(36))
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(filtered, 2);
    // count() drops the ordering, which COUNT(*) has no use for.
    let ordered = users::table
        .filter(users::hair_color.is_null())
        .order_by(users::name)
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(ordered, 2);
    let none = users::table
        .filter(users::age.gt(1000))
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(none, 0);
    let loaded = posts::table
        .filter(posts::kind.eq("essay"))
        .count()
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(loaded, [2]);
    let plain: i64 = db.count("posts");
    assert_eq!(plain, 5);
}

fn find_by_primary_key<C: Connection>(db: &mut TestDb<C>) {
    let linus = users::table
        .find(3)
        .select(User::as_select())
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(linus, fixture_users()[2]);
    let all_columns = users::table.find(2).first(&mut db.conn).unwrap();
    assert_eq!(all_columns.1, "Grace");
    let loaded = users::table
        .find(4)
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(loaded, ["Margaret"]);
    // find combines with an existing filter.
    let filtered = users::table
        .filter(users::age.eq(36))
        .find(4)
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(filtered, ["Margaret"]);
    let excluded = users::table
        .filter(users::age.eq(85))
        .find(4)
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert!(excluded.is_empty(), "{excluded:?}");
}

fn find_missing_row_is_not_found<C: Connection>(db: &mut TestDb<C>) {
    let missing = users::table.find(99).first(&mut db.conn);
    assert!(
        matches!(missing, Err(quarry::Error::NotFound)),
        "{missing:?}"
    );
    let optional = users::table
        .find(99)
        .first(&mut db.conn)
        .optional()
        .unwrap();
    assert_eq!(optional, None);
    let present = users::table
        .find(1)
        .select(users::name)
        .first(&mut db.conn)
        .optional()
        .unwrap();
    assert_eq!(present.as_deref(), Some("Ada"));
}

fn find_by_composite_primary_key<C: Connection>(db: &mut TestDb<C>) {
    let role = memberships::table
        .find((1, 20))
        .select(memberships::role)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(role, "member");
    let row = memberships::table
        .find((3, 30))
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(row, (3, 30, "lead".to_owned()));
    let plain: Vec<(i32, i32, String)> = db
        .rows("SELECT user_id, team_id, role FROM memberships WHERE user_id = 3 AND team_id = 30");
    assert_same(vec![row], plain);
    // Each half of the key alone matches rows; together they match none.
    let none = memberships::table
        .find((2, 20))
        .first(&mut db.conn)
        .optional()
        .unwrap();
    assert_eq!(none, None);
}

fn first<C: Connection>(db: &mut TestDb<C>) {
    let youngest = users::table
        .order_by(users::age)
        .select(users::name)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(youngest, "Linus");
    // first() keeps the offset and overrides the limit.
    let third = users::table
        .order_by(users::id)
        .limit(3)
        .offset(2)
        .select(users::id)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(third, 3);
    let post = posts::table
        .select(Post::as_select())
        .order_by(posts::views.desc())
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(post.views, 5_000_000_000);
    let nothing = users::table
        .filter(users::name.eq("Nobody"))
        .first(&mut db.conn);
    assert!(
        matches!(nothing, Err(quarry::Error::NotFound)),
        "{nothing:?}"
    );
}

fn get_result_returns_the_first_row<C: Connection>(db: &mut TestDb<C>) {
    let oldest = users::table
        .order_by(users::age.desc())
        .select((users::id, users::name))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(oldest, (2, "Grace".to_owned()));
    let nothing = users::table
        .filter(users::id.gt(100))
        .select(users::id)
        .get_result(&mut db.conn);
    assert!(
        matches!(nothing, Err(quarry::Error::NotFound)),
        "{nothing:?}"
    );
    let optional = users::table
        .filter(users::id.gt(100))
        .select(users::id)
        .get_result(&mut db.conn)
        .optional()
        .unwrap();
    assert_eq!(optional, None);
}

fn query_values_are_reusable<C: Connection>(db: &mut TestDb<C>) {
    // A query is a value: build it once, run it several times, extend it.
    let base = || users::table.filter(users::age.ge(36)).select(users::id);
    let all = base().order_by(users::id).load(&mut db.conn).unwrap();
    let first_two = base()
        .order_by(users::id)
        .limit(2)
        .load(&mut db.conn)
        .unwrap();
    let counted = base().count().get_result(&mut db.conn).unwrap();
    assert_eq!(all, [1, 2, 4, 5]);
    assert_eq!(first_two, [1, 2]);
    assert_eq!(counted, 4);
    for _ in 0..3 {
        let query = base().order_by(users::id.desc());
        assert_eq!(query.load(&mut db.conn).unwrap(), [5, 4, 2, 1]);
    }
}

/// Clones `query`, running both the clone and the original: query values are plain
/// data, reusable as often as needed. (A query type that lost `Clone` fails the build.)
fn load_twice<Q, C>(query: Q, conn: &mut C) -> (Vec<RowOf<Q>>, Vec<RowOf<Q>>)
where
    Q: AsQuery + Clone,
    Q::Query: QueryFragment<C::Backend>,
    C: Connection,
{
    (query.clone().load(conn).unwrap(), query.load(conn).unwrap())
}

fn query_values_are_clone<C: Connection>(db: &mut TestDb<C>) {
    let filtered = users::table.filter(users::age.ge(36)).order_by(users::id);
    let (a, b) = load_twice(filtered, &mut db.conn);
    assert_eq!((a.len(), b.len()), (4, 4));
    let counted = users::table.filter(users::age.ge(36)).count();
    assert_eq!(load_twice(counted, &mut db.conn), (vec![4], vec![4]));
    let selected = users::table
        .filter(users::age.ge(36))
        .select(users::id)
        .order_by(users::id);
    assert_eq!(
        load_twice(selected, &mut db.conn),
        (vec![1, 2, 4, 5], vec![1, 2, 4, 5])
    );
    let tuple = users::table
        .select((users::id, users::name))
        .filter(users::id.eq(2));
    let grace = vec![(2, "Grace".to_owned())];
    assert_eq!(load_twice(tuple, &mut db.conn), (grace.clone(), grace));
    let structs = users::table
        .select(User::as_select())
        .filter(users::id.eq(1));
    let (a, b) = load_twice(structs, &mut db.conn);
    assert_eq!(a, b);
    assert_eq!(a[0].name, "Ada");
}

common::backend_tests! {
    filter_repeated_is_and,
    or_filter,
    filters_group_in_call_order,
    order_by_asc_and_desc,
    order_by_tuple_and_expression,
    order_by_replaces_then_order_by_appends,
    limit,
    offset_with_and_without_limit,
    negative_limit_and_offset_are_refused,
    distinct,
    count,
    find_by_primary_key,
    find_missing_row_is_not_found,
    find_by_composite_primary_key,
    first,
    get_result_returns_the_first_row,
    query_values_are_reusable,
    query_values_are_clone,
}
