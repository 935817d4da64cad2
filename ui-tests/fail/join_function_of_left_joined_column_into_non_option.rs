use quarry::expr::lower;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }

    posts (id) {
        id -> Int4,
        user_id -> Int4 references users,
        title -> Text,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // A user without posts has no title, so `lower(posts::title)` is NULL for them: it
    // loads as `Option<String>`.
    let v: Vec<String> = users::table
        .left_join(posts::table)
        .select(lower(posts::title))
        .load(&mut conn)?;
    drop(v);
    Ok(())
}
