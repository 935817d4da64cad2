//! Every operator, in `filter` and in `select`, each checked against the same condition
//! written in plain SQL.

mod common;

use common::{BackendKind, TestDb, assert_same, posts, samples, users};
use quarry::conn::Connection;
use quarry::prelude::*;

/// The ids of the users matching a typed filter, checked against the ids matching the
/// same condition in plain SQL and against the expected ids.
macro_rules! check_users {
    ($db:expr, $filter:expr, $plain:expr, $expected:expr $(,)?) => {{
        let typed: Vec<i32> = users::table
            .filter($filter)
            .select(users::id)
            .order_by(users::id)
            .load(&mut $db.conn)
            .unwrap();
        let expected: &[i32] = &$expected;
        assert_eq!(typed, expected, "typed filter for `{}`", $plain);
        let plain: Vec<i32> = $db.rows(&format!(
            "SELECT id FROM users WHERE {} ORDER BY id",
            $plain
        ));
        assert_eq!(
            typed, plain,
            "typed filter and plain SQL `{}` differ",
            $plain
        );
    }};
}

// Fixture users (id name hair age visits):
// 1 Ada      NULL  36 40
// 2 Grace    brown 85 85
// 3 Linus    blond 28 10
// 4 Margaret brown 36 50
// 5 Alan     NULL  41 41

fn comparisons_against_values<C: Connection>(db: &mut TestDb<C>) {
    check_users!(db, users::age.eq(36), "age = 36", [1, 4]);
    check_users!(db, users::age.ne(36), "age <> 36", [2, 3, 5]);
    check_users!(db, users::age.lt(36), "age < 36", [3]);
    check_users!(db, users::age.le(36), "age <= 36", [1, 3, 4]);
    check_users!(db, users::age.gt(36), "age > 36", [2, 5]);
    check_users!(db, users::age.ge(36), "age >= 36", [1, 2, 4, 5]);
    check_users!(db, users::age.eq(1000), "age = 1000", []);
}

fn comparisons_against_other_columns<C: Connection>(db: &mut TestDb<C>) {
    check_users!(db, users::age.eq(users::visits), "age = visits", [2, 5]);
    check_users!(db, users::age.ne(users::visits), "age <> visits", [1, 3, 4]);
    check_users!(db, users::age.lt(users::visits), "age < visits", [1, 4]);
    check_users!(
        db,
        users::age.le(users::visits),
        "age <= visits",
        [1, 2, 4, 5]
    );
    check_users!(db, users::age.gt(users::visits), "age > visits", [3]);
    check_users!(db, users::age.ge(users::visits), "age >= visits", [2, 3, 5]);
}

fn comparisons_on_text<C: Connection>(db: &mut TestDb<C>) {
    let name = String::from("Grace");
    check_users!(db, users::name.eq("Ada"), "name = 'Ada'", [1]);
    check_users!(db, users::name.eq(&name), "name = 'Grace'", [2]);
    check_users!(db, users::name.eq(name.clone()), "name = 'Grace'", [2]);
    check_users!(db, users::name.lt("B"), "name < 'B'", [1, 5]);
    check_users!(db, users::name.ge("Linus"), "name >= 'Linus'", [3, 4]);
}

fn comparisons_on_nullable_column<C: Connection>(db: &mut TestDb<C>) {
    // NULL compares as unknown: neither `=` nor `<>` keeps the users without hair color.
    check_users!(
        db,
        users::hair_color.eq("brown"),
        "hair_color = 'brown'",
        [2, 4]
    );
    check_users!(
        db,
        users::hair_color.ne("brown"),
        "hair_color <> 'brown'",
        [3]
    );
    check_users!(
        db,
        users::hair_color.eq(Some("blond")),
        "hair_color = 'blond'",
        [3]
    );
    check_users!(
        db,
        users::hair_color.eq(None::<&str>),
        "hair_color = NULL",
        []
    );
}

fn comparisons_on_every_type<C: Connection>(db: &mut TestDb<C>) {
    let ids = |db: &mut TestDb<C>, sql: &str| -> Vec<i32> { db.rows(sql) };
    let typed = samples::table
        .filter(samples::small.lt(0_i16))
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [2]);
    let typed = samples::table
        .filter(samples::big.gt(4_000_000_000_i64))
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [1]);
    let typed = samples::table
        .filter(samples::ratio.ge(1.0_f32))
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [1]);
    let typed = samples::table
        .filter(samples::precise.gt(1e99_f64))
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [2]);
    let typed = samples::table
        .filter(samples::data.eq(vec![0_u8, 0xff, 0x10]))
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [1]);
    let empty: &[u8] = &[];
    let typed = samples::table
        .filter(samples::data.eq(empty))
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [2]);
    assert_same(
        typed,
        ids(db, "SELECT id FROM type_samples WHERE label = 'two'"),
    );
}

fn bool_column_as_condition<C: Connection>(db: &mut TestDb<C>) {
    let yes = samples::table
        .filter(samples::flag)
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    let no = samples::table
        .filter(samples::flag.not())
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    let eq_false = samples::table
        .filter(samples::flag.eq(false))
        .select(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(yes, [1]);
    assert_eq!(no, [2]);
    assert_eq!(eq_false, [2]);
}

fn and_or_not<C: Connection>(db: &mut TestDb<C>) {
    check_users!(
        db,
        users::age.eq(36).and(users::visits.gt(45)),
        "age = 36 AND visits > 45",
        [4]
    );
    check_users!(
        db,
        users::age.eq(36).or(users::visits.lt(20)),
        "age = 36 OR visits < 20",
        [1, 3, 4]
    );
    check_users!(db, users::age.eq(36).not(), "NOT (age = 36)", [2, 3, 5]);
    // Grouping follows the method calls, whatever SQL's precedence would say.
    check_users!(
        db,
        users::age
            .eq(85)
            .or(users::age.eq(36))
            .and(users::visits.eq(40)),
        "(age = 85 OR age = 36) AND visits = 40",
        [1]
    );
    check_users!(
        db,
        users::age
            .eq(85)
            .or(users::age.eq(36).and(users::visits.eq(40))),
        "age = 85 OR (age = 36 AND visits = 40)",
        [1, 2]
    );
    check_users!(
        db,
        users::age.eq(36).and(users::visits.eq(40)).not(),
        "NOT (age = 36 AND visits = 40)",
        [2, 3, 4, 5]
    );
    check_users!(
        db,
        users::age.gt(30).not().not(),
        "NOT (NOT (age > 30))",
        [1, 2, 4, 5]
    );
}

fn not_of_a_nullable_condition<C: Connection>(db: &mut TestDb<C>) {
    // NOT (NULL = 'brown') is NULL: the users without hair color match neither.
    check_users!(
        db,
        users::hair_color.eq("brown").not(),
        "NOT (hair_color = 'brown')",
        [3]
    );
    check_users!(
        db,
        users::hair_color.eq("brown").or(users::age.lt(30)),
        "hair_color = 'brown' OR age < 30",
        [2, 3, 4]
    );
}

fn is_null_and_is_not_null<C: Connection>(db: &mut TestDb<C>) {
    check_users!(
        db,
        users::hair_color.is_null(),
        "hair_color IS NULL",
        [1, 5]
    );
    check_users!(
        db,
        users::hair_color.is_not_null(),
        "hair_color IS NOT NULL",
        [2, 3, 4]
    );
    check_users!(
        db,
        users::hair_color
            .is_null()
            .or(users::hair_color.eq("blond")),
        "hair_color IS NULL OR hair_color = 'blond'",
        [1, 3, 5]
    );
}

fn like_and_not_like<C: Connection>(db: &mut TestDb<C>) {
    // Patterns whose matches do not depend on case (SQLite's LIKE ignores ASCII case,
    // PostgreSQL's does not).
    check_users!(db, users::name.like("%ar%"), "name LIKE '%ar%'", [4]);
    check_users!(db, users::name.like("_l%"), "name LIKE '_l%'", [5]);
    check_users!(db, users::name.like("%"), "name LIKE '%'", [1, 2, 3, 4, 5]);
    check_users!(
        db,
        users::name.not_like("%ar%"),
        "name NOT LIKE '%ar%'",
        [1, 2, 3, 5]
    );
    let pattern = String::from("%nus");
    check_users!(db, users::name.like(pattern), "name LIKE '%nus'", [3]);
    // On a nullable column, NULL matches neither LIKE nor NOT LIKE.
    check_users!(
        db,
        users::hair_color.like("b%"),
        "hair_color LIKE 'b%'",
        [2, 3, 4]
    );
    check_users!(
        db,
        users::hair_color.not_like("br%"),
        "hair_color NOT LIKE 'br%'",
        [3]
    );
    // A pattern from another column.
    check_users!(
        db,
        users::name.like(users::name),
        "name LIKE name",
        [1, 2, 3, 4, 5]
    );
}

/// Users 10 to 15, whose names hold LIKE's special characters.
const SPECIAL_NAMES: &str = r"INSERT INTO users (id, name, age) VALUES
    (10, '50%_off', 1), (11, '50 percent off', 1), (12, 'back\slash', 1),
    (13, 'backslash', 1), (14, 'a_b', 1), (15, 'axb', 1)";

/// The ids, in order, of the users of `SPECIAL_NAMES` that `filter` keeps.
macro_rules! special_ids {
    ($db:expr, $filter:expr) => {
        users::table
            .filter(users::id.ge(10))
            .filter($filter)
            .select(users::id)
            .order_by(users::id)
            .load(&mut $db.conn)
            .unwrap()
    };
}

fn like_patterns_from_user_text_match_it_literally<C: Connection>(db: &mut TestDb<C>) {
    db.exec(SPECIAL_NAMES);
    let escape = quarry::escape_like;
    assert_eq!(escape(r"50%_ back\"), r"50\%\_ back\\");
    // Unescaped, `%` and `_` are wildcards; escaped, they match themselves.
    assert_eq!(special_ids!(db, users::name.like("50%_%")), [10, 11]);
    assert_eq!(
        special_ids!(db, users::name.like(escape("50%_") + "%")),
        [10]
    );
    assert_eq!(
        special_ids!(db, users::name.like(format!("%{}%", escape("%_")))),
        [10]
    );
    assert_eq!(special_ids!(db, users::name.like("a_b")), [14, 15]);
    assert_eq!(special_ids!(db, users::name.like(escape("a_b"))), [14]);
    assert_eq!(
        special_ids!(db, users::name.not_like(escape("a_b"))),
        [10, 11, 12, 13, 15]
    );
    // A backslash of the user's text matches a backslash.
    assert_eq!(
        special_ids!(db, users::name.like(escape(r"back\") + "%")),
        [12]
    );
    assert_eq!(
        special_ids!(db, users::name.like(format!("%{}", escape(r"\slash")))),
        [12]
    );
    assert_eq!(
        special_ids!(db, users::name.like(format!("%{}%", escape(r"k\s")))),
        [12]
    );
    // A backslash escapes in a pattern of one's own too, on both backends (SQLite has
    // no escape character unless the SQL names one).
    assert_eq!(special_ids!(db, users::name.like(r"a\_b")), [14]);
    assert_eq!(special_ids!(db, users::name.like(r"50\%%")), [10]);
    // The escape character is named in the SQL, in each backend's spelling.
    let query = users::table
        .filter(users::name.not_like("x"))
        .select(users::id);
    let sql = |text: String| text.split(" WHERE ").nth(1).map(str::to_owned);
    assert_eq!(
        sql(quarry::debug_query::<Sqlite, _>(&query).sql()).as_deref(),
        Some(r#""users"."name" NOT LIKE ? ESCAPE '\'"#)
    );
    assert_eq!(
        sql(quarry::debug_query::<Pg, _>(&query).sql()).as_deref(),
        Some(r#""users"."name" NOT LIKE $1 ESCAPE E'\\'"#)
    );
}

fn between<C: Connection>(db: &mut TestDb<C>) {
    check_users!(
        db,
        users::age.between(36, 41),
        "age BETWEEN 36 AND 41",
        [1, 4, 5]
    );
    check_users!(db, users::age.between(41, 36), "age BETWEEN 41 AND 36", []);
    check_users!(
        db,
        users::age.between(users::visits, 100),
        "age BETWEEN visits AND 100",
        [2, 3, 5]
    );
    check_users!(
        db,
        users::name.between("B", "M"),
        "name BETWEEN 'B' AND 'M'",
        [2, 3]
    );
    check_users!(
        db,
        users::age.between(30, 40).not(),
        "NOT (age BETWEEN 30 AND 40)",
        [2, 3, 5]
    );
}

fn eq_any_and_ne_all<C: Connection>(db: &mut TestDb<C>) {
    check_users!(db, users::id.eq_any([2, 4, 99]), "id IN (2, 4, 99)", [2, 4]);
    check_users!(db, users::id.eq_any(vec![3]), "id IN (3)", [3]);
    check_users!(
        db,
        users::id.ne_all([2, 4, 99]),
        "id NOT IN (2, 4, 99)",
        [1, 3, 5]
    );
    check_users!(
        db,
        users::name.eq_any(["Ada", "Alan"]),
        "name IN ('Ada', 'Alan')",
        [1, 5]
    );
    let names = [String::from("Grace"), String::from("Linus")];
    check_users!(
        db,
        users::name.eq_any(names.iter()),
        "name IN ('Grace', 'Linus')",
        [2, 3]
    );
    check_users!(
        db,
        users::age.eq_any((30..=40).filter(|a| a % 2 == 0)),
        "age IN (30, 32, 34, 36, 38, 40)",
        [1, 4]
    );
    check_users!(
        db,
        users::hair_color.eq_any(["brown"]),
        "hair_color IN ('brown')",
        [2, 4]
    );
    check_users!(
        db,
        users::hair_color.ne_all(["brown"]),
        "hair_color NOT IN ('brown')",
        [3]
    );
    // NULL in the list: on PostgreSQL it is an element of the array parameter, with the
    // same three-valued logic as in `IN (…)`.
    check_users!(
        db,
        users::hair_color.eq_any([None, Some("blond")]),
        "hair_color IN (NULL, 'blond')",
        [3]
    );
    check_users!(
        db,
        users::hair_color.ne_all([Some("blond"), None]),
        "hair_color NOT IN ('blond', NULL)",
        []
    );
    // Only NULLs: no array type to infer, so PostgreSQL gets `IN (NULL)` too.
    check_users!(
        db,
        users::hair_color.eq_any([None::<&str>]),
        "hair_color IN (NULL)",
        []
    );
}

fn eq_any_and_ne_all_with_empty_lists<C: Connection>(db: &mut TestDb<C>) {
    // `IN ()` is not SQL: an empty list matches no row, and negated every row.
    check_users!(db, users::id.eq_any(Vec::<i32>::new()), "1 = 0", []);
    check_users!(
        db,
        users::id.ne_all(Vec::<i32>::new()),
        "1 = 1",
        [1, 2, 3, 4, 5]
    );
    check_users!(
        db,
        users::id.eq_any(Vec::<i32>::new()).not(),
        "NOT (1 = 0)",
        [1, 2, 3, 4, 5]
    );
    check_users!(
        db,
        users::id.eq_any(Vec::<i32>::new()).or(users::id.eq(2)),
        "1 = 0 OR id = 2",
        [2]
    );
    check_users!(
        db,
        users::name
            .ne_all(Vec::<&str>::new())
            .and(users::age.eq(36)),
        "age = 36",
        [1, 4]
    );
    // Empty lists keep bind numbering right for the values after them.
    let rows = users::table
        .filter(
            users::id
                .eq_any(Vec::<i32>::new())
                .or(users::name.eq("Alan")),
        )
        .filter(users::age.gt(40))
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rows, ["Alan"]);
}

fn arithmetic_in_select<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .select((
            users::age + 1,
            users::age - users::visits,
            users::age * 2,
            users::age / 5,
            (users::age + 1) * 2,
            users::age - 1 - 1,
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (37, -4, 72, 7, 74, 34));
    assert_same(
        typed,
        db.rows(
            "SELECT age + 1, age - visits, age * 2, age / 5, (age + 1) * 2, (age - 1) - 1 \
             FROM users ORDER BY id",
        ),
    );
}

fn arithmetic_on_wide_and_float_types<C: Connection>(db: &mut TestDb<C>) {
    let typed = posts::table
        .select((posts::views * 2, posts::views / 1000 + posts::views))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (10_000_000_000_i64, 5_005_000_000));
    assert_same(
        typed,
        db.rows("SELECT views * 2, views / 1000 + views FROM posts ORDER BY id"),
    );
    let floats = samples::table
        .select((samples::precise / 2.0, samples::ratio * 2.0_f32))
        .order_by(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(floats, [(1.125, 3.0), (5e99, -1.0)]);
    let small = samples::table
        .select(samples::small + 1_i16)
        .order_by(samples::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(small, [8, -32767]);
}

fn arithmetic_in_filter<C: Connection>(db: &mut TestDb<C>) {
    check_users!(
        db,
        (users::age + users::visits).gt(100),
        "age + visits > 100",
        [2]
    );
    check_users!(db, (users::age * 2).eq(72), "age * 2 = 72", [1, 4]);
    check_users!(db, (users::visits / 10).eq(4), "visits / 10 = 4", [1, 5]);
    check_users!(
        db,
        users::age.lt(users::visits - 5),
        "age < visits - 5",
        [4]
    );
    check_users!(
        db,
        (users::age - users::visits).between(-5, 5),
        "age - visits BETWEEN -5 AND 5",
        [1, 2, 5]
    );
}

fn integer_division_by_zero_is_an_error_not_a_panic<C: Connection>(db: &mut TestDb<C>) {
    let result = users::table
        .select(users::age / 0)
        .filter(users::id.eq(1))
        .load(&mut db.conn);
    match db.kind() {
        // SQLite answers NULL, which an Int4 (i32) cannot hold.
        BackendKind::Sqlite => {
            let (column, expected, found) = common::expect_decode_error(result);
            assert_eq!(expected, "Int4");
            assert_eq!(found, "NULL");
            assert!(column.contains("age"), "{column}");
        }
        // PostgreSQL refuses with SQLSTATE 22012.
        BackendKind::Pg => {
            let e = common::expect_database_error(result);
            assert_eq!(e.sqlstate.as_deref(), Some("22012"), "{e:?}");
            assert!(e.message.contains("division by zero"), "{e:?}");
        }
    }
}

fn integer_overflow_is_an_error_not_a_panic<C: Connection>(db: &mut TestDb<C>) {
    let result = users::table
        .select(users::age + i32::MAX)
        .filter(users::id.eq(1))
        .load(&mut db.conn);
    match db.kind() {
        // SQLite computes in 64 bits; the result does not fit the i32 of an Int4.
        BackendKind::Sqlite => {
            let (_, expected, found) = common::expect_decode_error(result);
            assert_eq!(expected, "Int4");
            assert!(found.contains("2147483683"), "{found}");
            assert!(found.contains("out of range"), "{found}");
        }
        // PostgreSQL computes in the column's 32 bits and refuses (SQLSTATE 22003).
        BackendKind::Pg => {
            let e = common::expect_database_error(result);
            assert_eq!(e.sqlstate.as_deref(), Some("22003"), "{e:?}");
            assert!(e.message.contains("out of range"), "{e:?}");
        }
    }
}

/// A comparison whose operand is itself a comparison runs on both backends and means
/// the same on each: `(a > b) = (a < c)`, never `a > b = a < c`, which PostgreSQL
/// refuses as a syntax error.
fn comparisons_of_comparisons<C: Connection>(db: &mut TestDb<C>) {
    let rows: Vec<(i32, bool)> = users::table
        .select((users::id, users::age.gt(30).eq(users::age.lt(40))))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<(i32, bool)> = common::fixture_users()
        .iter()
        .map(|u| (u.id, (u.age > 30) == (u.age < 40)))
        .collect();
    assert_eq!(rows, expected);
    let like_false: Vec<i32> = users::table
        .filter(users::name.like("A%").eq(false))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<i32> = common::fixture_users()
        .iter()
        .filter(|u| !u.name.starts_with('A'))
        .map(|u| u.id)
        .collect();
    assert_eq!(like_false, expected);
}

common::backend_tests! {
    comparisons_of_comparisons,
    comparisons_against_values,
    comparisons_against_other_columns,
    comparisons_on_text,
    comparisons_on_nullable_column,
    comparisons_on_every_type,
    bool_column_as_condition,
    and_or_not,
    not_of_a_nullable_condition,
    is_null_and_is_not_null,
    like_and_not_like,
    like_patterns_from_user_text_match_it_literally,
    between,
    eq_any_and_ne_all,
    eq_any_and_ne_all_with_empty_lists,
    arithmetic_in_select,
    arithmetic_on_wide_and_float_types,
    arithmetic_in_filter,
    integer_division_by_zero_is_an_error_not_a_panic,
    integer_overflow_is_an_error_not_a_panic,
}

fn ilike_patterns_from_user_text_match_it_literally(db: &mut TestDb<PgConnection>) {
    db.exec(SPECIAL_NAMES);
    let pattern = quarry::escape_like("50%_OFF");
    assert_eq!(special_ids!(db, users::name.ilike("50%_OFF")), [10, 11]);
    assert_eq!(special_ids!(db, users::name.ilike(pattern.clone())), [10]);
    assert_eq!(
        special_ids!(db, users::name.not_ilike(pattern)),
        [11, 12, 13, 14, 15]
    );
}

common::backend_tests! {
    only pg:
    ilike_patterns_from_user_text_match_it_literally,
}
