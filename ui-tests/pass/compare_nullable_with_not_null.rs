use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        nickname -> Nullable<Text>,
        age -> Int4,
        lucky -> Nullable<Int4>,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, nickname TEXT,
                             age INTEGER NOT NULL, lucky INTEGER);
         INSERT INTO users VALUES (1, 'Ada', 'Ada', 36, 7), (2, 'Grace', NULL, 85, 85),
                                  (3, 'Linus', 'lt', 28, NULL);",
    )?;
    // A NOT NULL column where a nullable one is expected, directly or with `nullable()`.
    let same = users::table
        .filter(users::nickname.eq(users::name))
        .select(users::id)
        .load(&mut conn)?;
    assert_eq!(same, [1]);
    let same_age = users::table
        .filter(users::lucky.eq(users::age.nullable()))
        .select(users::id)
        .load(&mut conn)?;
    assert_eq!(same_age, [2]);
    // `nullable()` in a select makes the Rust type an Option.
    let ages: Vec<Option<i32>> = users::table
        .select(users::age.nullable())
        .order_by(users::id)
        .load(&mut conn)?;
    assert_eq!(ages, [Some(36), Some(85), Some(28)]);
    Ok(())
}
