use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // `DISTINCT ON` is PostgreSQL-only.
    let _ = users::table
        .distinct_on(users::hair_color)
        .select(users::name)
        .load(&mut conn)?;
    Ok(())
}
