use quarry::prelude::*;

quarry::table! {
    posts (id) {
        id -> Int4,
        tags -> Array<Text>,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // Arrays are PostgreSQL-only.
    let _ = posts::table.select(posts::tags).load(&mut conn)?;
    Ok(())
}
