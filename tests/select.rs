//! What a query selects: single columns, tuples, every column, `Selectable` structs,
//! and the `table!` features that shape the SQL names (`sql_name`, raw identifiers).

mod common;

use common::{Post, TestDb, User, assert_same, fixture_users, memberships, posts, samples, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::query::{Column, Table};

fn select_single_column<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, ["Ada", "Grace", "Linus", "Margaret", "Alan"]);
    assert_same(typed, db.rows("SELECT name FROM users ORDER BY id"));
}

fn select_nullable_column<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<Option<String>> = users::table
        .select(users::hair_color)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], None);
    assert_eq!(typed[1].as_deref(), Some("brown"));
    assert_same(typed, db.rows("SELECT hair_color FROM users ORDER BY id"));
}

fn select_tuple<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select((users::id, users::name, users::hair_color))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[2], (3, "Linus".to_owned(), Some("blond".to_owned())));
    assert_same(
        typed,
        db.rows("SELECT id, name, hair_color FROM users ORDER BY id"),
    );
}

fn select_tuple_in_another_order_with_repeats<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select((users::age, users::id, users::age))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (36, 1, 36));
    assert_same(typed, db.rows("SELECT age, id, age FROM users ORDER BY id"));
}

fn select_all_columns<C: Connection>(db: &mut TestDb<C>) {
    // Without `select`, a table loads as the tuple of all its columns.
    let mut typed: Vec<(i32, String, Option<String>, i32, i32)> =
        users::table.load(&mut db.conn).unwrap();
    typed.sort_by_key(|row| row.0);
    let expected: Vec<_> = fixture_users()
        .into_iter()
        .map(|u| (u.id, u.name, u.hair_color, u.age, u.visits))
        .collect();
    assert_eq!(typed, expected);
    assert_same(typed, db.rows("SELECT * FROM users ORDER BY id"));
}

fn select_all_columns_of_every_type<C: Connection>(db: &mut TestDb<C>) {
    let rows = samples::table
        .order_by(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        rows,
        [
            (
                1,
                true,
                7_i16,
                5_000_000_000_i64,
                1.5_f32,
                2.25_f64,
                "one".to_owned(),
                vec![0x00, 0xff, 0x10],
                None,
                "a".to_owned(),
            ),
            (
                2,
                false,
                i16::MIN,
                -1,
                -0.5,
                1e100,
                "two".to_owned(),
                vec![],
                Some("noted".to_owned()),
                "b".to_owned(),
            ),
        ]
    );
}

fn select_into_selectable_struct<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<User> = users::table
        .select(User::as_select())
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, fixture_users());
    // The same struct loads from plain SQL, by column name.
    let plain: Vec<User> = db.rows("SELECT * FROM users ORDER BY id");
    assert_same(typed, plain);
}

fn selectable_field_with_column_attribute_and_keyword_column<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<Post> = posts::table
        .select(Post::as_select())
        .filter(posts::user_id.eq(1))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            Post {
                id: 1,
                author: 1,
                title: "Notes on the Analytical Engine".to_owned(),
                kind: "essay".to_owned(),
                views: 5_000_000_000,
            },
            Post {
                id: 4,
                author: 1,
                title: "Rust tips".to_owned(),
                kind: "post".to_owned(),
                views: 42,
            },
        ]
    );
    // By name, a field with `column = user_id` reads `user_id`, and `kind` reads `type`.
    let plain: Vec<Post> = db.rows(
        "SELECT views, \"type\", title, user_id, id FROM posts WHERE user_id = 1 ORDER BY id",
    );
    assert_same(typed, plain);
}

#[derive(Selectable, Debug, PartialEq)]
#[quarry(table = samples)]
struct Sample {
    id: i32,
    r#type: String,
    #[quarry(column = note)]
    remark: Option<String>,
}

fn selectable_with_raw_identifier_field<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<Sample> = samples::table
        .select(Sample::as_select())
        .order_by(samples::id.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            Sample {
                id: 2,
                r#type: "b".to_owned(),
                remark: Some("noted".to_owned()),
            },
            Sample {
                id: 1,
                r#type: "a".to_owned(),
                remark: None,
            },
        ]
    );
    let plain: Vec<Sample> = db.rows("SELECT * FROM type_samples ORDER BY id DESC");
    assert_same(typed, plain);
}

/// Fields wider than their columns: Int2 → i32, Int4 → i64, Float4 → f64.
#[derive(Selectable, Debug, PartialEq)]
#[quarry(table = samples)]
struct Widened {
    id: i64,
    small: i32,
    ratio: f64,
}

fn selectable_with_widened_fields<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<Widened> = samples::table
        .select(Widened::as_select())
        .order_by(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            Widened {
                id: 1,
                small: 7,
                ratio: 1.5,
            },
            Widened {
                id: 2,
                small: -32768,
                ratio: -0.5,
            },
        ]
    );
}

fn select_struct_and_expression_in_a_tuple<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(User, i32, String)> = users::table
        .select((User::as_select(), users::age + 1, users::name))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed.len(), 5);
    for ((user, next_age, name), expected) in typed.iter().zip(fixture_users()) {
        assert_eq!(user, &expected);
        assert_eq!(*next_age, expected.age + 1);
        assert_eq!(name, &expected.name);
    }
}

fn sql_name_on_table<C: Connection>(db: &mut TestDb<C>) {
    assert_eq!(<samples::table as Table>::NAME, "type_samples");
    assert_eq!(<samples::table as Table>::QUOTED, "\"type_samples\"");
    let labels = samples::table
        .select(samples::label)
        .filter(samples::flag.eq(true))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(labels, ["one"]);
}

fn sql_name_on_keyword_column<C: Connection>(db: &mut TestDb<C>) {
    assert_eq!(<posts::kind as Column>::NAME, "type");
    assert_eq!(<posts::kind as Column>::QUALIFIED, "\"posts\".\"type\"");
    let typed = posts::table
        .select((posts::id, posts::kind))
        .filter(posts::kind.ne("spec"))
        .order_by((posts::kind.desc(), posts::id.asc()))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (3, "post".to_owned()));
    assert_same(
        typed,
        db.rows(
            "SELECT id, \"type\" FROM posts WHERE \"type\" <> 'spec' ORDER BY \"type\" DESC, id ASC",
        ),
    );
}

fn raw_identifier_column<C: Connection>(db: &mut TestDb<C>) {
    assert_eq!(<samples::r#type as Column>::NAME, "type");
    let typed = samples::table
        .select(samples::r#type)
        .filter(samples::r#type.eq("b"))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, ["b"]);
    assert_same(
        typed,
        db.rows("SELECT \"type\" FROM type_samples WHERE \"type\" = 'b'"),
    );
}

fn default_marker_and_references_are_metadata<C: Connection>(db: &mut TestDb<C>) {
    let has_default = [
        <users::id as Column>::HAS_DEFAULT,
        <posts::id as Column>::HAS_DEFAULT,
        <users::name as Column>::HAS_DEFAULT,
        <posts::user_id as Column>::HAS_DEFAULT,
        <memberships::user_id as Column>::HAS_DEFAULT,
    ];
    assert_eq!(has_default, [true, true, false, false, false]);
    assert_eq!(
        <users::table as Table>::ALL_COLUMNS_SQL,
        "\"users\".\"id\", \"users\".\"name\", \"users\".\"hair_color\", \"users\".\"age\", \"users\".\"visits\""
    );
    // `= default` columns are filled by the database when left out.
    db.exec("INSERT INTO users (name, age) VALUES ('Barbara', 50)");
    let (id, visits) = users::table
        .filter(users::name.eq("Barbara"))
        .select((users::id, users::visits))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!((id, visits), (6, 0));
}

fn columns_module_reexports_columns<C: Connection>(db: &mut TestDb<C>) {
    use users::columns::*;
    let rows = users::table
        .select((id, name))
        .filter(age.eq(36))
        .order_by(id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rows, [(1, "Ada".to_owned()), (4, "Margaret".to_owned())]);
}

fn get_results_is_load<C: Connection>(db: &mut TestDb<C>) {
    let a = users::table
        .select(users::id)
        .order_by(users::id)
        .get_results(&mut db.conn)
        .unwrap();
    let b = users::table
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(a, [1, 2, 3, 4, 5]);
    assert_eq!(a, b);
}

common::backend_tests! {
    select_single_column,
    select_nullable_column,
    select_tuple,
    select_tuple_in_another_order_with_repeats,
    select_all_columns,
    select_all_columns_of_every_type,
    select_into_selectable_struct,
    selectable_field_with_column_attribute_and_keyword_column,
    selectable_with_raw_identifier_field,
    selectable_with_widened_fields,
    select_struct_and_expression_in_a_tuple,
    sql_name_on_table,
    sql_name_on_keyword_column,
    raw_identifier_column,
    default_marker_and_references_are_metadata,
    columns_module_reexports_columns,
    get_results_is_load,
}
