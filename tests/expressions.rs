//! Expressions: how nullability follows from operands, operators, literals, casts and
//! the function library, each compared with the same SQL written by hand.

mod common;

use common::{ExtraSchema, TestDb, assert_same, posts, users};
use quarry::conn::Connection;
use quarry::dsl::val;
use quarry::expr::{case, case_when, coalesce, length, lower, row_number, upper};
use quarry::prelude::*;
use quarry::types::{Float8, Int8, Text};

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

/// What the new expression methods return, named (`quarry::dsl`), for functions that
/// build expressions.
fn shouted(name: users::name) -> quarry::dsl::Concat<users::name, &'static str> {
    name.concat("!")
}

fn age_bracket(age: users::age) -> quarry::dsl::Rem<quarry::dsl::Neg<users::age>, i32> {
    age.neg().rem(10)
}

fn named_expression_types<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(String, i32)> = users::table
        .select((shouted(users::name), age_bracket(users::age)))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], ("Ada!".to_owned(), -6));
    let literal: quarry::dsl::Val<&str> = val("x");
    let cast: quarry::dsl::Cast<users::age, Text> = users::age.cast::<Text>();
    let rows: Vec<(String, String)> = users::table
        .select((literal, cast))
        .filter(users::id.eq(2))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rows, [("x".to_owned(), "85".to_owned())]);
}

/// `%`, unary minus and a literal on the left, on both backends.
fn remainder_minus_and_literals_on_the_left<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(i32, i32, i32, i32)> = users::table
        .select((
            users::id,
            users::age.rem(10),
            val(100) - users::age,
            -(users::visits - users::age),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (1, 6, 64, -4));
    assert_same(
        typed,
        db.rows("SELECT id, age % 10, 100 - age, -(visits - age) FROM users ORDER BY id"),
    );
    // A negative dividend keeps its sign, as in Rust.
    let negative: i32 = users::table
        .filter(users::id.eq(1))
        .select(users::age.neg() % 10)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(negative, -36 % 10);
    // Literals in the select list and in conditions, typed from their Rust types.
    let literals: Vec<(String, String, f64, bool)> = users::table
        .filter(val(40).lt(users::age))
        .select((users::name, val("senior"), val(0.5), val(true)))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        literals,
        [
            ("Grace".to_owned(), "senior".to_owned(), 0.5, true),
            ("Alan".to_owned(), "senior".to_owned(), 0.5, true),
        ]
    );
}

/// `||` joins texts; NULL when either side is.
fn text_concatenation<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(String, Option<String>)> = users::table
        .select((
            users::name
                .concat(" (")
                .concat(users::age.cast::<Text>())
                .concat(")"),
            users::hair_color.concat(" hair"),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], ("Ada (36)".to_owned(), None));
    assert_eq!(
        typed[1],
        ("Grace (85)".to_owned(), Some("brown hair".to_owned()))
    );
    assert_same(
        typed,
        db.rows(
            "SELECT name || ' (' || CAST(age AS TEXT) || ')', hair_color || ' hair'
             FROM users ORDER BY id",
        ),
    );
}

/// Casts give the target type on both backends; mixed arithmetic goes through one.
fn casts_and_mixed_arithmetic<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(i64, f64, String)> = posts::table
        .inner_join(users::table)
        .select((
            users::age.cast::<Int8>() + posts::views,
            users::age.cast::<Float8>() / 8.0,
            posts::views.cast::<Text>(),
        ))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (5_000_000_036, 4.5, "5000000000".to_owned()));
    assert_eq!(typed[1], (205, 85.0 / 8.0, "120".to_owned()));
    // Integer division stays integer; a cast to Float8 makes it exact.
    let halves: Vec<(i32, f64)> = users::table
        .filter(users::id.eq(5))
        .select((users::age / 2, users::age.cast::<Float8>() / 2.0))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(halves, [(20, 20.5)]);
    // A nullable expression stays nullable.
    let lengths: Vec<Option<String>> = users::table
        .select(length(users::hair_color).cast::<Text>())
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(lengths[..2], [None, Some("5".to_owned())]);
}

fn not_between<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<i32> = users::table
        .filter(users::age.not_between(30, 50))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, [2, 3]);
    assert_same(
        typed,
        db.rows("SELECT id FROM users WHERE age NOT BETWEEN 30 AND 50 ORDER BY id"),
    );
}

fn simple_case<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(i32, String, Option<i32>)> = users::table
        .select((
            users::id,
            case(users::age)
                .when(36, "thirty-six")
                .when(85, "eighty-five")
                .otherwise("other"),
            case(users::hair_color).when("brown", users::visits),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (1, "thirty-six".to_owned(), None));
    assert_eq!(typed[1], (2, "eighty-five".to_owned(), Some(85)));
    assert_eq!(typed[2], (3, "other".to_owned(), None));
    assert_same(
        typed,
        db.rows(
            "SELECT id, CASE age WHEN 36 THEN 'thirty-six' WHEN 85 THEN 'eighty-five'
                        ELSE 'other' END,
                    CASE hair_color WHEN 'brown' THEN visits END
             FROM users ORDER BY id",
        ),
    );
    // As a condition.
    let brown: Vec<i32> = users::table
        .filter(case(users::hair_color).when("brown", true).otherwise(false))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(brown, [2, 4]);
}

/// Without NULLS FIRST / LAST the backends disagree (PostgreSQL sorts NULL as the
/// largest value, SQLite as the smallest); with it, they agree.
fn nulls_first_and_last<C: Connection>(db: &mut TestDb<C>) {
    let first: Vec<i32> = users::table
        .select(users::id)
        .order_by((users::hair_color.asc().nulls_first(), users::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(first, [1, 5, 3, 2, 4]);
    let last: Vec<i32> = users::table
        .select(users::id)
        .order_by((users::hair_color.desc().nulls_last(), users::id.desc()))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(last, [4, 2, 3, 5, 1]);
    assert_same(
        last,
        db.rows("SELECT id FROM users ORDER BY hair_color DESC NULLS LAST, id DESC"),
    );
    // In a window.
    let numbered: Vec<(i32, i64)> = users::table
        .select((
            users::id,
            row_number()
                .over()
                .order_by((users::hair_color.asc().nulls_last(), users::id)),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(numbered, [(1, 4), (2, 2), (3, 1), (4, 3), (5, 5)]);
}

/// The function library, each compared with the same call in hand-written SQL for the
/// backend (whose spelling differs for `trim`, `position`, `greatest` and `least`).
fn text_functions_of_the_library<C: Connection>(db: &mut TestDb<C>) {
    use quarry::expr::{char_length, ltrim, position, replace, rtrim, substr, substr_from, trim};
    let typed: Vec<(String, String, String, i32, Option<String>)> = users::table
        .select((
            substr(users::name, 2, 3),
            substr_from(users::name, 3),
            replace(users::name, "a", "4"),
            position(users::name, "a"),
            substr(users::hair_color, 1, 2),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed[1],
        (
            "rac".to_owned(),
            "ace".to_owned(),
            "Gr4ce".to_owned(),
            3,
            Some("br".to_owned())
        )
    );
    // "Ada": the first lower-case `a` is the third character.
    assert_eq!(typed[0].3, 3);
    let strpos = if db.kind() == common::BackendKind::Pg {
        "strpos"
    } else {
        "instr"
    };
    assert_same(
        typed,
        db.rows(&format!(
            "SELECT substr(name, 2, 3), substr(name, 3), replace(name, 'a', '4'),
                    {strpos}(name, 'a'), substr(hair_color, 1, 2)
             FROM users ORDER BY id"
        )),
    );
    let trimmed: (String, String, String) = users::table
        .select((trim(val("  x  ")), ltrim(val("  x  ")), rtrim(val("  x  "))))
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(
        trimmed,
        ("x".to_owned(), "x  ".to_owned(), "  x".to_owned())
    );
    let lengths: Vec<Option<i32>> = users::table
        .select(char_length(users::hair_color))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(lengths, [None, Some(5), Some(5), Some(5), None]);
    // Over a left-joined column the call is nullable, by the same rule as every node.
    let titles: Vec<Option<String>> = users::table
        .left_join(posts::table)
        .select(substr(posts::title, 1, 4))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(titles[0].as_deref(), Some("Note"));
    assert_eq!(titles[5..], [None, None]);
}

fn comparison_and_rounding_functions<C: Connection>(db: &mut TestDb<C>) {
    use quarry::expr::{current_date, greatest, least, nullif, round};
    let typed: Vec<(Option<i32>, i32, i32, f64)> = users::table
        .select((
            nullif(users::age, 36),
            greatest(users::age, users::visits),
            least(users::age, 40),
            round(users::age.cast::<Float8>() / 7.0),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (None, 40, 36, 5.0));
    assert_eq!(typed[2], (Some(28), 28, 28, 4.0));
    let (max, min) = if db.kind() == common::BackendKind::Pg {
        ("greatest", "least")
    } else {
        ("max", "min")
    };
    assert_same(
        typed,
        db.rows(&format!(
            "SELECT nullif(age, 36), {max}(age, visits), {min}(age, 40),
                    round(CAST(age AS DOUBLE PRECISION) / 7.0)
             FROM users ORDER BY id"
        )),
    );
    // Halves differ: PostgreSQL rounds a double precision half to even, SQLite away
    // from zero.
    let halves: (f64, f64) = users::table
        .select((round(val(2.5)), round(val(-2.5))))
        .first(&mut db.conn)
        .unwrap();
    match db.kind() {
        common::BackendKind::Pg => assert_eq!(halves, (2.0, -2.0)),
        common::BackendKind::Sqlite => assert_eq!(halves, (3.0, -3.0)),
    }
    // Today, on the database's clock, is today or yesterday/tomorrow here (time zones).
    let today: chrono::NaiveDate = users::table
        .select(current_date())
        .first(&mut db.conn)
        .unwrap();
    use chrono::Datelike;
    let epoch_days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    let unix_epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let here = unix_epoch.num_days_from_ce() + i32::try_from(epoch_days).unwrap();
    assert!((today.num_days_from_ce() - here).abs() <= 1, "{today}");
}

/// `floor` and `ceil` exist on PostgreSQL only: the bundled SQLite has no math
/// functions (a ui-test shows they do not compile there).
fn floor_and_ceil_on_postgres<C: Connection>(db: &mut TestDb<C>)
where
    quarry::expr::FloorFn: quarry::expr::SupportedBy<C::Backend>,
    quarry::expr::CeilFn: quarry::expr::SupportedBy<C::Backend>,
{
    use quarry::expr::{ceil, floor};
    let typed: Vec<(f64, f64)> = users::table
        .select((
            floor(users::age.cast::<Float8>() / 8.0),
            ceil(users::age.cast::<Float8>() / 8.0),
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (4.0, 5.0));
    assert_same(
        typed,
        db.rows("SELECT floor(age / 8.0::float8), ceil(age / 8.0::float8) FROM users ORDER BY id"),
    );
}

quarry::table! {
    /// Dates and timestamps, for `extract` and `date_trunc`.
    events (id) {
        id -> Int4,
        day -> Date,
        at -> Timestamp,
        seen -> Nullable<Timestamp>,
    }
}

const EVENTS: ExtraSchema = ExtraSchema {
    sqlite: "CREATE TABLE events (id INTEGER PRIMARY KEY, day TEXT NOT NULL, at TEXT NOT NULL, seen TEXT);",
    pg: "CREATE TABLE events (id INTEGER PRIMARY KEY, day DATE NOT NULL, at TIMESTAMP NOT NULL, seen TIMESTAMP);",
    portable: "INSERT INTO events VALUES
        (1, '2024-03-05', '2024-03-05 14:35:10', NULL),
        (2, '1999-12-31', '1999-12-31 23:59:59', '2000-01-01 00:00:00');",
};

fn date_parts_and_truncation<C: Connection>(db: &mut TestDb<C>) {
    use quarry::expr::{Day, Hour, Minute, Month, Year, date_trunc, extract};
    // year, month and day of the date; hour, minute and year of the timestamp; the
    // year of a nullable timestamp.
    type Parts = (i32, i32, i32, i32, i32, i32, Option<i32>);
    let typed: Vec<Parts> = events::table
        .select((
            extract(Year, events::day),
            extract(Month, events::day),
            extract(Day, events::day),
            extract(Hour, events::at),
            extract(Minute, events::at),
            extract(Year, events::at),
            extract(Year, events::seen),
        ))
        .order_by(events::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            (2024, 3, 5, 14, 35, 2024, None),
            (1999, 12, 31, 23, 59, 1999, Some(2000))
        ]
    );
    let at = |text: &str| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
    let truncated: Vec<(
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    )> = events::table
        .select((
            date_trunc(Year, events::at),
            date_trunc(Month, events::at),
            date_trunc(Hour, events::at),
        ))
        .order_by(events::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        truncated[0],
        (
            at("2024-01-01 00:00:00"),
            at("2024-03-01 00:00:00"),
            at("2024-03-05 14:00:00")
        )
    );
    // In a filter, like any expression.
    let in_2024: Vec<i32> = events::table
        .filter(extract(Year, events::at).eq(2024))
        .select(events::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(in_2024, [1]);
}

common::backend_tests! {
    extra_schema: EVENTS;
    only pg: floor_and_ceil_on_postgres
}

common::backend_tests! {
    extra_schema: EVENTS;
    date_parts_and_truncation,
    named_expression_types,
    text_functions_of_the_library,
    comparison_and_rounding_functions,
    remainder_minus_and_literals_on_the_left,
    text_concatenation,
    casts_and_mixed_arithmetic,
    not_between,
    simple_case,
    nulls_first_and_last,
    function_of_a_left_joined_column_is_nullable,
    case_over_a_left_joined_column_is_nullable,
}
