//! SQL written by hand: `sql_query` with bind parameters of every supported type, loaded
//! into values, tuples and `Selectable` structs; and `debug_query`, the SQL and binds a
//! typed query sends.

mod common;

use common::{Post, TestDb, User, expect_err, fixture_users, memberships, posts, samples, users};
use quarry::backend::sqlite::Sqlite;
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::types::{Int4, Nullable, Text};
use quarry::{debug_query, sql_query};

fn bind_every_type_and_read_it_back<C: Connection>(db: &mut TestDb<C>) {
    let bytes: Vec<u8> = vec![0, 1, 2, 255];
    let row: (bool, bool, i16, i32, i64, f32, f64, String, String, Vec<u8>) =
        sql_query("SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10")
            .bind(true)
            .bind(false)
            .bind(i16::MIN)
            .bind(i32::MAX)
            .bind(i64::MIN)
            .bind(0.1_f32)
            .bind(0.1_f64)
            .bind("text with 'quotes', ? and ünïcødé")
            .bind(String::from(""))
            .bind(bytes.clone())
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(
        row,
        (
            true,
            false,
            i16::MIN,
            i32::MAX,
            i64::MIN,
            0.1_f32,
            0.1_f64,
            "text with 'quotes', ? and ünïcødé".to_owned(),
            String::new(),
            bytes,
        )
    );
}

/// One `Option` of each remaining type.
type NullableRow = (
    Option<bool>,
    Option<i16>,
    Option<i64>,
    Option<f32>,
    Option<f64>,
    Option<Vec<u8>>,
);

fn bind_options<C: Connection>(db: &mut TestDb<C>) {
    let row: (Option<i32>, Option<i32>, Option<String>, Option<String>) =
        sql_query("SELECT $1, $2, $3, $4")
            .bind(Some(5))
            .bind(None::<i32>)
            .bind(Some("x"))
            .bind(None::<String>)
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(row, (Some(5), None, Some("x".to_owned()), None));
    let more: NullableRow = sql_query("SELECT $1, $2, $3, $4, $5, $6")
        .bind(Some(true))
        .bind(None::<i16>)
        .bind(Some(-1_i64))
        .bind(None::<f32>)
        .bind(Some(2.5_f64))
        .bind(Some(vec![7_u8]))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(
        more,
        (Some(true), None, Some(-1), None, Some(2.5), Some(vec![7]))
    );
    // bind_as names the SQL type explicitly.
    let typed: (Option<i32>, String) = sql_query("SELECT $1, $2")
        .bind_as::<Nullable<Int4>, _>(None::<i32>)
        .bind_as::<Text, _>("as text")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(typed, (None, "as text".to_owned()));
}

fn binds_round_trip_through_a_table<C: Connection>(db: &mut TestDb<C>) {
    let data: &[u8] = b"\x00\x01binary\xff";
    let changed = sql_query(
            "INSERT INTO type_samples (id, flag, small, big, ratio, precise, label, data, note, \"type\") \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(3)
        .bind(true)
        .bind(i16::MAX)
        .bind(i64::MAX)
        .bind(f32::MAX)
        .bind(-f64::MIN_POSITIVE)
        .bind(String::from("three"))
        .bind(data)
        .bind(Some("a note"))
        .bind("c")
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(changed, 1);
    let row = samples::table.find(3).first(&mut db.conn).unwrap();
    assert_eq!(
        row,
        (
            3,
            true,
            i16::MAX,
            i64::MAX,
            f32::MAX,
            -f64::MIN_POSITIVE,
            "three".to_owned(),
            data.to_vec(),
            Some("a note".to_owned()),
            "c".to_owned(),
        )
    );
    // And a typed filter finds it by each value.
    let found = samples::table
        .filter(samples::big.eq(i64::MAX))
        .filter(samples::data.eq(data))
        .filter(samples::note.eq("a note"))
        .filter(samples::ratio.eq(f32::MAX))
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [3]);
}

fn binds_in_where_clauses<C: Connection>(db: &mut TestDb<C>) {
    let names: Vec<String> =
        sql_query("SELECT name FROM users WHERE age = $1 AND hair_color = $2 ORDER BY id")
            .bind(36)
            .bind("brown")
            .load(&mut db.conn)
            .unwrap();
    assert_eq!(names, ["Margaret"]);
    // A value that looks like SQL is only a value.
    let none: Vec<String> = sql_query("SELECT name FROM users WHERE name = $1")
        .bind("x' OR '1' = '1")
        .load(&mut db.conn)
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
}

fn load_into_values_and_tuples<C: Connection>(db: &mut TestDb<C>) {
    let ids: Vec<i32> = db.rows("SELECT id FROM users ORDER BY id");
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let wide: Vec<i64> = db.rows("SELECT views FROM posts ORDER BY id");
    assert_eq!(wide[0], 5_000_000_000);
    let rows: Vec<(i32, String, Option<String>)> =
        db.rows("SELECT id, name, hair_color FROM users ORDER BY id");
    let expected: Vec<_> = fixture_users()
        .into_iter()
        .map(|u| (u.id, u.name, u.hair_color))
        .collect();
    assert_eq!(rows, expected);
    // Tuples load by position, whatever the columns are called.
    let renamed: Vec<(String, i32)> = db.rows("SELECT name AS a, age AS b FROM users WHERE id = 1");
    assert_eq!(renamed, [("Ada".to_owned(), 36)]);
    let twelve: (i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32) =
        sql_query("SELECT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12")
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(twelve, (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
}

fn load_into_selectable_struct_by_column_name<C: Connection>(db: &mut TestDb<C>) {
    // Columns in another order, plus one the struct does not have.
    let users: Vec<User> = db
        .rows("SELECT visits, 'extra' AS extra, age, hair_color, name, id FROM users ORDER BY id");
    assert_eq!(users, fixture_users());
    let posts: Vec<Post> = sql_query("SELECT * FROM posts WHERE \"type\" = $1 ORDER BY id")
        .bind("essay")
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        posts.iter().map(|p| (p.id, p.author)).collect::<Vec<_>>(),
        [(1, 1), (5, 3)]
    );
    let one: User = sql_query("SELECT * FROM users WHERE id = $1")
        .bind(5)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(one.name, "Alan");
}

fn positional_loads_read_every_column_of_the_result<C: Connection>(db: &mut TestDb<C>) {
    let refused = |e: quarry::Error| match e {
        quarry::Error::InvalidQuery(reason) => reason,
        other => panic!("expected Error::InvalidQuery, got {other:?}"),
    };
    let message = |found: &str, reads: &str| {
        format!(
            "the query returns {found} but the row type reads {reads} by position: give it \
             one value per column, or load a `#[derive(Selectable)]` struct, which reads its \
             columns by name"
        )
    };
    // A column more than the tuple reads.
    let extra = sql_query("SELECT id, name, age FROM users ORDER BY id")
        .load::<(i32, String), _>(&mut db.conn);
    assert_eq!(
        refused(expect_err(extra)),
        message("3 columns", "2 columns")
    );
    let one_more = sql_query("SELECT id, name FROM users WHERE id = $1")
        .bind(1)
        .get_result::<i32, _>(&mut db.conn);
    assert_eq!(
        refused(expect_err(one_more)),
        message("2 columns", "1 column")
    );
    // And one fewer.
    let fewer = sql_query("SELECT 1").get_result::<(i32, i32), _>(&mut db.conn);
    assert_eq!(refused(expect_err(fewer)), message("1 column", "2 columns"));
    // As many columns as the tuple has load, and the connection is still usable.
    let exact: Vec<(i32, String)> = db.rows("SELECT id, name FROM users WHERE id < 3 ORDER BY id");
    assert_eq!(exact, [(1, "Ada".to_owned()), (2, "Grace".to_owned())]);
    // A struct reads by name, and leaves the columns it has no field for.
    let by_name: User = sql_query("SELECT 'extra' AS extra, users.* FROM users WHERE id = 1")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(by_name, fixture_users()[0]);
}

fn get_result_on_no_rows_is_not_found<C: Connection>(db: &mut TestDb<C>) {
    let result = sql_query("SELECT id FROM users WHERE id = $1")
        .bind(42)
        .get_result::<i32, _>(&mut db.conn);
    assert!(matches!(result, Err(quarry::Error::NotFound)), "{result:?}");
    let optional = sql_query("SELECT id FROM users WHERE id = $1")
        .bind(42)
        .get_result::<i32, _>(&mut db.conn)
        .optional()
        .unwrap();
    assert_eq!(optional, None);
    let empty: Vec<i32> = db.rows("SELECT id FROM users WHERE 1 = 0");
    assert!(empty.is_empty());
}

fn execute_returns_the_number_of_changed_rows<C: Connection>(db: &mut TestDb<C>) {
    let changed = sql_query("UPDATE users SET visits = visits + $1 WHERE age = $2")
        .bind(1)
        .bind(36)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(changed, 2);
    let visits: Vec<i32> = db.rows("SELECT visits FROM users WHERE age = 36 ORDER BY id");
    assert_eq!(visits, [41, 51]);
    let none = sql_query("DELETE FROM posts WHERE id > $1")
        .bind(100)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(none, 0);
    let deleted = sql_query("DELETE FROM memberships")
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(deleted, 4);
}

fn execute_of_a_statement_that_changes_nothing_returns_zero<C: Connection>(db: &mut TestDb<C>) {
    let deleted = sql_query("DELETE FROM memberships")
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(deleted, 4);
    // Neither a query nor DDL changes a row; the count of the DELETE before must not
    // leak into theirs.
    let selected = sql_query("SELECT id FROM users")
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(selected, 0, "execute of a SELECT");
    let created = sql_query("CREATE TABLE scratch (x INTEGER)")
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(created, 0, "execute of CREATE TABLE");
}

fn wrong_number_of_binds_is_an_error<C: Connection>(db: &mut TestDb<C>) {
    let too_few = sql_query("SELECT $1, $2")
        .bind(1)
        .get_result::<(i32, i32), _>(&mut db.conn);
    let e = expect_err(too_few);
    assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{e:?}");
    assert!(e.to_string().contains("2 bind parameters but 1"), "{e}");
    let too_many = sql_query("SELECT $1")
        .bind(1)
        .bind(2)
        .get_result::<i32, _>(&mut db.conn);
    let e = expect_err(too_many);
    assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{e:?}");
    // Nothing was left bound: the same statement runs with the right binds.
    let ok: (i32, i32) = sql_query("SELECT $1, $2")
        .bind(1)
        .bind(2)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(ok, (1, 2));
}

fn dollar_placeholders_by_number<C: Connection>(db: &mut TestDb<C>) {
    // `$N` takes the N-th bound value: reused, and in any order.
    let row: (String, i32, String, i32) = sql_query("SELECT $2, $1, $2, $1 + 1")
        .bind(41)
        .bind("two")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(row, ("two".to_owned(), 41, "two".to_owned(), 42));
    let ids: Vec<i32> = sql_query("SELECT id FROM users WHERE age = $1 OR visits = $1 ORDER BY id")
        .bind(85)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2]);
    // A number past the values bound is refused.
    let e = expect_err(
        sql_query("SELECT $1, $3")
            .bind(1)
            .bind(2)
            .get_result::<(i32, i32), _>(&mut db.conn),
    );
    assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{e:?}");
    assert!(e.to_string().contains("$3"), "{e}");
}

// ----- PostgreSQL only: dollar-quoted strings -------------------------------------

fn dollar_quoted_text_is_not_scanned_for_placeholders(db: &mut TestDb<PgConnection>) {
    // The tag of a dollar quote may hold digits after its first character; the `$5`
    // inside is text, so the statement has one parameter.
    let row: (String, String, String, i32) =
        sql_query("SELECT $a1$costs $5$a1$, $_$ $2 $_$, $$ $3 $$, $1")
            .bind(7)
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(
        row,
        (
            "costs $5".to_owned(),
            " $2 ".to_owned(),
            " $3 ".to_owned(),
            7
        )
    );
    // A quote holding another tag ends at its own tag only.
    let nested: String = sql_query("SELECT $outer$ $in1$ $4 $in1$ $outer$")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(nested, " $in1$ $4 $in1$ ");
}

// ----- debug_query (SQLite's spelling) -------------------------------------------

fn question_mark_placeholders_on_sqlite(db: &mut TestDb<SqliteConnection>) {
    // SQLite's own spellings: `?` takes the next value, `?N` the N-th.
    let row: (i32, String, String) = sql_query("SELECT ?, ?, ?2")
        .bind(1)
        .bind("b")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(row, (1, "b".to_owned(), "b".to_owned()));
    // Named parameters are not supported, and say so.
    let e = expect_err(
        sql_query("SELECT :name")
            .bind(1)
            .get_result::<i32, _>(&mut db.conn),
    );
    assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{e:?}");
    assert!(e.to_string().contains(":name"), "{e}");
}

fn debug_query_of_filter_and_select(db: &mut TestDb<SqliteConnection>) {
    let query = users::table.filter(users::name.eq("Ada")).select(users::id);
    assert_eq!(
        debug_query::<Sqlite, _>(&query).to_string(),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."name" = ? -- binds: ["Ada"]"#
    );
    assert_eq!(query.load(&mut db.conn).unwrap(), [1]);
}

fn debug_query_of_all_columns_order_limit_offset(db: &mut TestDb<SqliteConnection>) {
    let query = users::table
        .order_by(users::id.desc())
        .then_order_by(users::name)
        .limit(2)
        .offset(1);
    let debug = debug_query::<Sqlite, _>(&query);
    assert_eq!(
        debug.sql(),
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."visits" FROM "users" ORDER BY "users"."id" DESC, "users"."name" LIMIT ? OFFSET ?"#
    );
    assert_eq!(debug.binds(), ["2", "1"]);
    let ids: Vec<i32> = query
        .load(&mut db.conn)
        .unwrap()
        .into_iter()
        .map(|row| row.0)
        .collect();
    assert_eq!(ids, [4, 3]);

    let offset_only = users::table.select(users::id).offset(3);
    assert_eq!(
        debug_query::<Sqlite, _>(&offset_only).to_string(),
        r#"SELECT "users"."id" FROM "users" LIMIT -1 OFFSET ? -- binds: [3]"#
    );
}

fn debug_query_of_operators(db: &mut TestDb<SqliteConnection>) {
    let query = users::table
        .filter(
            users::age
                .between(30, 40)
                .and(users::hair_color.is_null().or(users::id.eq_any([1, 2])))
                .not(),
        )
        .filter(users::name.like("A%"))
        .or_filter(users::visits.ne_all(Vec::<i32>::new()))
        .select((users::name, (users::age + 1) * 2))
        .distinct();
    assert_eq!(
        debug_query::<Sqlite, _>(&query).to_string(),
        "SELECT DISTINCT \"users\".\"name\", ((\"users\".\"age\" + ?) * ?) FROM \"users\" \
         WHERE ((NOT ((\"users\".\"age\" BETWEEN ? AND ? AND (\"users\".\"hair_color\" IS NULL OR \"users\".\"id\" IN (?, ?)))) \
         AND \"users\".\"name\" LIKE ? ESCAPE '\\') OR 1 = 1) \
         -- binds: [1, 2, 30, 40, 1, 2, \"A%\"]"
    );
    assert_eq!(query.load(&mut db.conn).unwrap().len(), 5);
}

fn debug_query_of_count_find_and_struct(db: &mut TestDb<SqliteConnection>) {
    let count = samples::table.filter(samples::flag.eq(true)).count();
    assert_eq!(
        debug_query::<Sqlite, _>(&count).to_string(),
        r#"SELECT COUNT(*) FROM "type_samples" WHERE "type_samples"."flag" = ? -- binds: [true]"#
    );
    assert_eq!(count.get_result(&mut db.conn).unwrap(), 1);

    let find = memberships::table.find((1, 20)).select(memberships::role);
    assert_eq!(
        debug_query::<Sqlite, _>(&find).to_string(),
        r#"SELECT "memberships"."role" FROM "memberships" WHERE ("memberships"."user_id" = ? AND "memberships"."team_id" = ?) -- binds: [1, 20]"#
    );
    assert_eq!(find.first(&mut db.conn).unwrap(), "member");

    let structs = posts::table.select(Post::as_select()).find(2);
    assert_eq!(
        debug_query::<Sqlite, _>(&structs).to_string(),
        r#"SELECT "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "posts" WHERE "posts"."id" = ? -- binds: [2]"#
    );
    assert_eq!(structs.first(&mut db.conn).unwrap().title, "COBOL");
}

fn debug_query_formats_each_bind_type(db: &mut TestDb<SqliteConnection>) {
    let query = samples::table
        .filter(samples::label.eq("O'Brien \"quoted\""))
        .or_filter(samples::data.eq(vec![1_u8, 2, 3]))
        .or_filter(samples::precise.eq(2.5))
        .or_filter(samples::ratio.eq(1.0_f32))
        .or_filter(samples::note.eq(None::<&str>))
        .or_filter(samples::small.eq(-3_i16))
        .or_filter(samples::big.eq(1_i64 << 40))
        .select(samples::id);
    let debug = debug_query::<Sqlite, _>(&query);
    assert_eq!(
        debug.binds(),
        [
            r#""O'Brien \"quoted\"""#,
            "<3 bytes>",
            "2.5",
            "1.0",
            "NULL",
            "-3",
            "1099511627776",
        ]
    );
    assert!(
        debug.to_string().ends_with(
            r#" -- binds: ["O'Brien \"quoted\"", <3 bytes>, 2.5, 1.0, NULL, -3, 1099511627776]"#
        ),
        "{debug}"
    );
    assert!(query.load(&mut db.conn).unwrap().is_empty());

    let raw = sql_query("SELECT ? + ?").bind(1).bind(2_i64);
    assert_eq!(
        debug_query::<Sqlite, _>(&raw).to_string(),
        "SELECT ? + ? -- binds: [1, 2]"
    );
    assert_eq!(raw.get_result::<i64, _>(&mut db.conn).unwrap(), 3);
}

common::backend_tests! {
    bind_every_type_and_read_it_back,
    bind_options,
    binds_round_trip_through_a_table,
    binds_in_where_clauses,
    load_into_values_and_tuples,
    load_into_selectable_struct_by_column_name,
    positional_loads_read_every_column_of_the_result,
    get_result_on_no_rows_is_not_found,
    execute_returns_the_number_of_changed_rows,
    execute_of_a_statement_that_changes_nothing_returns_zero,
    wrong_number_of_binds_is_an_error,
    dollar_placeholders_by_number,
}

common::backend_tests! {
    only sqlite:
    question_mark_placeholders_on_sqlite,
    debug_query_of_filter_and_select,
    debug_query_of_all_columns_order_limit_offset,
    debug_query_of_operators,
    debug_query_of_count_find_and_struct,
    debug_query_formats_each_bind_type,
}

common::backend_tests! {
    only pg:
    dollar_quoted_text_is_not_scanned_for_placeholders,
}
