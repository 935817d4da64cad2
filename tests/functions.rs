//! SQL functions: the built-in ones and functions declared with `sql_function!`, each
//! compared with the same call in plain SQL.

mod common;

use common::{TestDb, assert_same, users};
use quarry::conn::Connection;
use quarry::expr::{abs, case_when, coalesce, length, lower, now, upper};
use quarry::prelude::*;
use quarry::types::{Int4, Text};

quarry::sql_function! {
    /// `replace(text, from, to)`, the same on both backends.
    fn replace(text: Text, from: Text, to: Text) -> Text;
    /// `nullif(a, b)`: NULL when both are equal.
    fn nullif(a: Int4, b: Int4) -> quarry::types::Nullable<Int4>;
}

fn text_functions<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select((lower(users::name), upper(users::name), length(users::name)))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], ("ada".to_owned(), "ADA".to_owned(), 3));
    assert_same(
        typed,
        db.rows("SELECT lower(name), upper(name), length(name) FROM users ORDER BY id"),
    );
    // On a nullable column the result is nullable.
    let hair: Vec<Option<String>> = users::table
        .select(upper(users::hair_color))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(hair[..2], [None, Some("BROWN".to_owned())]);
    // In a filter.
    let found = users::table
        .filter(lower(users::name).eq("grace"))
        .select(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(found, [2]);
}

fn numeric_functions_and_coalesce<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select((
            abs(users::visits - users::age),
            coalesce(users::hair_color, "none"),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (4, "none".to_owned()));
    assert_eq!(typed[1], (0, "brown".to_owned()));
    assert_same(
        typed,
        db.rows("SELECT abs(visits - age), COALESCE(hair_color, 'none') FROM users ORDER BY id"),
    );
}

fn declared_functions<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select((replace(users::name, "a", "4"), nullif(users::age, 36)))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], ("Ad4".to_owned(), None));
    assert_eq!(typed[1], ("Gr4ce".to_owned(), Some(85)));
    assert_same(
        typed,
        db.rows("SELECT replace(name, 'a', '4'), nullif(age, 36) FROM users ORDER BY id"),
    );
}

fn now_is_a_timestamp<C: Connection>(db: &mut TestDb<C>) {
    let stamp: chrono::DateTime<chrono::Utc> = users::table
        .select(now())
        .limit(1)
        .get_result(&mut db.conn)
        .unwrap();
    let here = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // The database's clock and this process's are the same machine's.
    assert!((here - stamp.timestamp()).abs() < 60, "{stamp}");
}

fn case_when_with_and_without_else<C: Connection>(db: &mut TestDb<C>) {
    let bracket = case_when(users::age.lt(30), "young")
        .when(users::age.lt(50), "middle")
        .otherwise("senior");
    let typed = users::table
        .select((users::name, bracket))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[1], ("Grace".to_owned(), "senior".to_owned()));
    assert_same(
        typed,
        db.rows(
            "SELECT name, CASE WHEN age < 30 THEN 'young' WHEN age < 50 THEN 'middle'
                               ELSE 'senior' END
             FROM users ORDER BY id",
        ),
    );
    // Without `otherwise`, unmatched rows are NULL: the value loads as an Option.
    let brown: Vec<Option<i32>> = users::table
        .select(case_when(users::hair_color.eq("brown"), users::age))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(brown, [None, Some(85), None, Some(36), None]);
    // As a condition, and with column values.
    let typed = users::table
        .filter(case_when(users::visits.gt(users::age), true).otherwise(false))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [1, 4]);
}

common::backend_tests! {
    case_when_with_and_without_else,
    text_functions,
    numeric_functions_and_coalesce,
    declared_functions,
    now_is_a_timestamp,
}
