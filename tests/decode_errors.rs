//! Values that do not fit their Rust type come back as `Error::Decode` naming the
//! column, the expected SQL type and what was found; never as a panic, and the
//! connection stays usable.

mod common;

use common::{BackendKind, TestDb, User, expect_decode_error, expect_err, loose, samples};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::sql_query;

#[derive(Selectable, Debug, PartialEq)]
#[quarry(table = loose)]
struct Loose {
    id: i32,
    num: i32,
    small: i16,
    txt: String,
}

fn null_into_non_option_field<C: Connection>(db: &mut TestDb<C>) {
    db.exec("INSERT INTO loose (id, num, small, txt) VALUES (1, NULL, 1, 'x')");

    let column = loose::table.select(loose::num).load(&mut db.conn);
    let (column, expected, found) = expect_decode_error(column);
    assert_eq!(
        (column.as_str(), expected, found.as_str()),
        ("num", "Int4", "NULL")
    );

    let error = expect_err(loose::table.select(Loose::as_select()).load(&mut db.conn));
    assert_eq!(
        error.to_string(),
        "cannot load column `num` as Int4: found NULL"
    );

    let all = expect_decode_error(loose::table.load(&mut db.conn));
    assert_eq!(all.0, "num");

    let raw = expect_decode_error(
        sql_query("SELECT hair_color FROM users").load::<String, _>(&mut db.conn),
    );
    assert_eq!(
        (raw.0.as_str(), raw.1, raw.2.as_str()),
        ("hair_color", "Text", "NULL")
    );

    let by_name =
        expect_decode_error(sql_query("SELECT * FROM loose").load::<Loose, _>(&mut db.conn));
    assert_eq!(by_name.0, "num");
}

fn null_error_is_not_swallowed_by_optional<C: Connection>(db: &mut TestDb<C>) {
    db.exec("INSERT INTO loose (id, num, small, txt) VALUES (1, 5, 1, NULL)");
    let result = loose::table
        .find(1)
        .select(loose::txt)
        .first(&mut db.conn)
        .optional();
    let (column, expected, found) = expect_decode_error(result);
    assert_eq!(
        (column.as_str(), expected, found.as_str()),
        ("txt", "Text", "NULL")
    );
}

fn decode_error_on_a_later_row_leaves_the_connection_usable<C: Connection>(db: &mut TestDb<C>) {
    db.exec(
        "INSERT INTO loose (id, num, small, txt) VALUES (1, 1, 1, 'a'), (2, 2, 2, 'b'), (3, NULL, 3, 'c')",
    );
    for _ in 0..3 {
        let result = loose::table
            .select((loose::id, loose::num))
            .order_by(loose::id)
            .load(&mut db.conn);
        let (column, _, _) = expect_decode_error(result);
        assert_eq!(column, "num");
    }
    // The same statement, now over rows that decode.
    let good = loose::table
        .select((loose::id, loose::num))
        .filter(loose::id.lt(3))
        .order_by(loose::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(good, [(1, 1), (2, 2)]);
    // And the table can be changed: no statement was left running.
    db.exec("DELETE FROM loose");
    assert_eq!(db.count("loose"), 0);
}

fn column_missing_from_sql_query_result<C: Connection>(db: &mut TestDb<C>) {
    let result = sql_query("SELECT id, name, age FROM users").load::<User, _>(&mut db.conn);
    let (column, expected, found) = expect_decode_error(result);
    assert_eq!(column, "hair_color");
    assert_eq!(expected, "Text");
    assert_eq!(found, "no such column in the row");
    // A column with the right name under an alias counts as that column.
    let renamed: Vec<User> =
        db.rows("SELECT id, name, hair_color, age, age + 4 AS visits FROM users WHERE id = 1");
    assert_eq!(renamed[0].visits, 40);
}

fn a_double_beyond_the_range_of_f32_is_out_of_range_as_float4<C: Connection>(db: &mut TestDb<C>) {
    // Row 2 of `type_samples` holds 1e100 in its double precision column.
    let too_big =
        sql_query("SELECT precise FROM type_samples WHERE id = 2").load::<f32, _>(&mut db.conn);
    let (column, expected, found) = expect_decode_error(too_big);
    assert_eq!(
        (column.as_str(), expected, found.as_str()),
        ("precise", "Float4", "1e100, which is out of range")
    );
    let negative = sql_query("SELECT -precise AS negated FROM type_samples WHERE id = 2")
        .get_result::<f32, _>(&mut db.conn);
    assert_eq!(
        expect_decode_error(negative).2,
        "-1e100, which is out of range"
    );

    // Within range, a double rounds to the nearest f32.
    let exact: f32 = sql_query("SELECT precise FROM type_samples WHERE id = 1")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(exact, 2.25);
    let tenth: f32 = sql_query("SELECT CAST(0.1 AS DOUBLE PRECISION)")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(tenth, 0.1_f32);

    // An infinite double stays infinite: it was not out of range, it was infinite.
    let infinity = match db.kind() {
        BackendKind::Sqlite => "SELECT -1e999",
        BackendKind::Pg => "SELECT CAST('-Infinity' AS DOUBLE PRECISION)",
    };
    let infinite: f32 = sql_query(infinity).get_result(&mut db.conn).unwrap();
    assert_eq!(infinite, f32::NEG_INFINITY);

    if db.kind() == BackendKind::Sqlite {
        // SQLite's REAL is a double, so a `Float4` column can hold one too big for it.
        db.exec("UPDATE type_samples SET ratio = 1e100 WHERE id = 2");
        let typed = samples::table
            .filter(samples::id.eq(2))
            .select(samples::ratio)
            .load(&mut db.conn);
        let (column, expected, found) = expect_decode_error(typed);
        assert_eq!(
            (column.as_str(), expected, found.as_str()),
            ("ratio", "Float4", "1e100, which is out of range")
        );
    }
}

// ----- SQLite only: its loose typing lets any value into any column ----------------

fn text_stored_in_an_integer_column(db: &mut TestDb<SqliteConnection>) {
    db.exec("INSERT INTO loose (id, num, small, txt) VALUES (1, 'abc', 1, 'x')");
    let stored: Vec<String> = db.rows("SELECT typeof(num) FROM loose");
    assert_eq!(stored, ["text"]);
    let (column, expected, found) =
        expect_decode_error(loose::table.select(loose::num).load(&mut db.conn));
    assert_eq!(column, "num");
    assert_eq!(expected, "Int4");
    assert_eq!(found, r#"text "abc""#);
    let (column, _, _) =
        expect_decode_error(loose::table.select(Loose::as_select()).first(&mut db.conn));
    assert_eq!(column, "num");
}

fn other_storage_classes_in_the_wrong_column(db: &mut TestDb<SqliteConnection>) {
    db.exec("INSERT INTO loose (id, num, small, txt) VALUES (1, 1.5, x'0102', 42)");
    let (_, _, found) = expect_decode_error(loose::table.select(loose::num).load(&mut db.conn));
    assert_eq!(found, "real 1.5");
    let (column, expected, found) =
        expect_decode_error(loose::table.select(loose::small).load(&mut db.conn));
    assert_eq!((column.as_str(), expected), ("small", "Int2"));
    assert_eq!(found, "blob of 2 bytes");
    // An integer where text is expected (a TEXT column would convert it on insert).
    let (_, expected, found) =
        expect_decode_error(sql_query("SELECT 42 AS n").load::<String, _>(&mut db.conn));
    assert_eq!((expected, found.as_str()), ("Text", "integer 42"));
    let (_, _, found) =
        expect_decode_error(sql_query("SELECT 'yes'").load::<bool, _>(&mut db.conn));
    assert_eq!(found, r#"text "yes""#);
    let (_, _, found) =
        expect_decode_error(sql_query("SELECT x'00'").load::<String, _>(&mut db.conn));
    assert_eq!(found, "blob of 1 bytes");
    let (_, _, found) =
        expect_decode_error(sql_query("SELECT 'abc'").load::<Vec<u8>, _>(&mut db.conn));
    assert_eq!(found, r#"text "abc""#);
    let (_, _, found) = expect_decode_error(sql_query("SELECT 'abc'").load::<f64, _>(&mut db.conn));
    assert_eq!(found, r#"text "abc""#);
}

fn out_of_range_integers(db: &mut TestDb<SqliteConnection>) {
    db.exec("INSERT INTO loose (id, num, small, txt) VALUES (1, 1099511627776, 40000, 'x')");
    let (column, expected, found) =
        expect_decode_error(loose::table.select(loose::num).load(&mut db.conn));
    assert_eq!((column.as_str(), expected), ("num", "Int4"));
    assert_eq!(found, "1099511627776, which is out of range");
    let (column, expected, found) =
        expect_decode_error(loose::table.select(loose::small).load(&mut db.conn));
    assert_eq!((column.as_str(), expected), ("small", "Int2"));
    assert_eq!(found, "40000, which is out of range");
    let (_, _, found) =
        expect_decode_error(sql_query("SELECT -2147483649").load::<i32, _>(&mut db.conn));
    assert_eq!(found, "-2147483649, which is out of range");
    let (_, _, found) =
        expect_decode_error(sql_query("SELECT -32769").load::<i16, _>(&mut db.conn));
    assert_eq!(found, "-32769, which is out of range");
    // A boolean is 0 or 1.
    let (_, expected, found) =
        expect_decode_error(sql_query("SELECT 2").load::<bool, _>(&mut db.conn));
    assert_eq!(
        (expected, found.as_str()),
        ("Bool", "2, which is out of range")
    );
    // The bounds themselves fit.
    let bounds: (i32, i32, i16, i16) = sql_query("SELECT 2147483647, -2147483648, 32767, -32768")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(bounds, (i32::MAX, i32::MIN, i16::MAX, i16::MIN));
}

fn invalid_utf8_text(db: &mut TestDb<SqliteConnection>) {
    db.exec("INSERT INTO loose (id, num, small, txt) VALUES (1, 1, 1, CAST(x'ff' AS TEXT))");
    let stored: Vec<String> = db.rows("SELECT typeof(txt) FROM loose");
    assert_eq!(stored, ["text"]);
    let (column, expected, found) =
        expect_decode_error(loose::table.select(loose::txt).load(&mut db.conn));
    assert_eq!((column.as_str(), expected), ("txt", "Text"));
    assert_eq!(found, "text that is not valid UTF-8");
    let by_name =
        expect_decode_error(sql_query("SELECT * FROM loose").load::<Loose, _>(&mut db.conn));
    assert_eq!(by_name.0, "txt");
    // A truncated multi-byte sequence, through a filter on the same column.
    let result = sql_query("SELECT CAST(x'41c3' AS TEXT) AS t").load::<String, _>(&mut db.conn);
    let (column, _, found) = expect_decode_error(result);
    assert_eq!(
        (column.as_str(), found.as_str()),
        ("t", "text that is not valid UTF-8")
    );
    let ok = loose::table
        .filter(loose::id.eq(1))
        .select(loose::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ok, [1]);
}

fn nan_and_infinity_are_not_decode_errors(db: &mut TestDb<SqliteConnection>) {
    // SQLite has no NaN (it stores NULL), but it has infinities.
    let inf: f64 = sql_query("SELECT 1e999").get_result(&mut db.conn).unwrap();
    assert_eq!(inf, f64::INFINITY);
    let nan: Option<f64> = sql_query("SELECT ?")
        .bind(f64::NAN)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(nan, None);
}

common::backend_tests! {
    null_into_non_option_field,
    null_error_is_not_swallowed_by_optional,
    decode_error_on_a_later_row_leaves_the_connection_usable,
    column_missing_from_sql_query_result,
    a_double_beyond_the_range_of_f32_is_out_of_range_as_float4,
}

common::backend_tests! {
    only sqlite:
    text_stored_in_an_integer_column,
    other_storage_classes_in_the_wrong_column,
    out_of_range_integers,
    invalid_utf8_text,
    nan_and_infinity_are_not_decode_errors,
}
