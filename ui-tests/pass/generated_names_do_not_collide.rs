// The generic parameters and helper names that `table!` and the derives introduce must
// not capture the user's names: here types and columns are named like the usual
// generics (`QS`, `I`, `DB`, `Rhs`, `L`, `I0`, `R`, `S`, `T`).
#![allow(dead_code)]

use quarry::prelude::*;

struct DB;
struct QS;
struct Rhs;
struct T;
struct L;
struct R;
struct S;

quarry::table! {
    #[sql_name = "points"]
    points (I) {
        I -> Int4,
        QS -> Int4,
        Rhs -> Int4,
        DB -> Text,
        L -> Int8,
        I0 -> Nullable<Text>,
        R -> Int4 = default,
    }
}

quarry::table! {
    labels (id) {
        id -> Int4,
        S -> Int4 references points,
        T -> Text,
    }
}

#[derive(Selectable, Insertable, AsChangeset, Debug, PartialEq)]
#[quarry(table = points)]
struct Point {
    #[quarry(column = I)]
    i: i32,
    #[quarry(column = QS)]
    qs: i32,
    #[quarry(column = Rhs)]
    rhs: i32,
    #[quarry(column = DB)]
    db: String,
    #[quarry(column = L)]
    l: i64,
    #[quarry(column = I0)]
    i0: Option<String>,
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        r#"CREATE TABLE points ("I" INTEGER PRIMARY KEY, "QS" INTEGER NOT NULL, "Rhs" INTEGER NOT NULL,
             "DB" TEXT NOT NULL, "L" BIGINT NOT NULL, "I0" TEXT, "R" INTEGER NOT NULL DEFAULT 7);
           CREATE TABLE labels (id INTEGER PRIMARY KEY, "S" INTEGER NOT NULL, "T" TEXT NOT NULL);
           INSERT INTO labels VALUES (1, 1, 'origin');"#,
    )?;
    let point = Point {
        i: 1,
        qs: 2,
        rhs: 3,
        db: "a".to_owned(),
        l: 4,
        i0: None,
    };
    quarry::insert_into(points::table)
        .values(&point)
        .execute(&mut conn)?;
    quarry::update(points::table.find(1))
        .set(&Point {
            db: "b".to_owned(),
            ..point
        })
        .execute(&mut conn)?;

    // Arithmetic on a column named `Rhs`, a join through a key named `S`.
    let sums = points::table
        .inner_join(labels::table)
        .select((points::Rhs + points::QS, labels::T, points::R))
        .load(&mut conn)?;
    assert_eq!(sums, [(5, "origin".to_owned(), 7)]);

    let loaded: Vec<Point> = points::table.select(Point::as_select()).load(&mut conn)?;
    assert_eq!(loaded[0].db, "b");
    let whole = points::table.load(&mut conn)?;
    assert_eq!(whole, [(1, 2, 3, "b".to_owned(), 4, None, 7)]);
    let _ = (DB, QS, Rhs, T, L, R, S);
    Ok(())
}
