use quarry::expr::floor;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
        score -> Float8,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // The bundled SQLite has no math functions: `floor` is PostgreSQL-only.
    let _ = users::table.select(floor(users::score)).load(&mut conn)?;
    Ok(())
}
