use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        score -> Nullable<Float8>,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL);
         INSERT INTO users VALUES (1, 'Ada', 1.5), (2, 'Grace', NULL);",
    )?;
    let rows = users::table
        .select((
            (users::id + 1) * 2,
            users::id - users::id / 2,
            users::score * 2.0,
        ))
        .filter((users::id * 10).gt(5))
        .order_by((users::id + 0).desc())
        .load(&mut conn)?;
    let rows: Vec<(i32, i32, Option<f64>)> = rows;
    assert_eq!(rows, [(6, 1, None), (4, 1, Some(3.0))]);
    Ok(())
}
