use quarry::prelude::*;

quarry::table! {
    documents (id) {
        id -> Int4,
        body -> Jsonb,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // JSONB columns are stored as text on SQLite, but its operators are PostgreSQL's.
    let _ = documents::table
        .filter(documents::body.has_key("tags"))
        .select(documents::id)
        .load(&mut conn)?;
    Ok(())
}
