use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // `ILIKE` is PostgreSQL-only.
    let _ = users::table
        .filter(users::name.ilike("ada%"))
        .select(users::id)
        .load(&mut conn)?;
    Ok(())
}
