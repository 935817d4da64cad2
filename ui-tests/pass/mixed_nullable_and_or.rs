use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
        age -> Nullable<Int4>,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT, age INTEGER);
         INSERT INTO users VALUES (1, 'Ada', NULL, 36), (2, 'Grace', 'brown', NULL), (3, 'Linus', 'blond', 20);",
    )?;
    // Nullable and NOT NULL conditions mix freely in `and`/`or`, `filter` and `or_filter`.
    let ids = users::table
        .filter(
            users::name
                .like("%a%")
                .and(users::hair_color.eq("brown"))
                .or(users::age.gt(30).and(users::id.ne(2)))
                .or(users::hair_color.is_null().and(users::age.eq(Some(36)))),
        )
        .or_filter(users::age.lt(25).or(users::name.eq("nobody")))
        .filter(users::hair_color.is_null().not().or(users::id.eq(1)))
        .select(users::id)
        .order_by(users::id)
        .load(&mut conn)?;
    assert_eq!(ids, [1, 2, 3]);
    Ok(())
}
