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

    tags (id) {
        id -> Int4,
        label -> Text,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // A user without posts has no title: `posts::title` loads as `Option<String>`.
    let v: Vec<(String, String)> = users::table
        .left_join(posts::table)
        .select((users::name, posts::title))
        .load(&mut conn)?;
    drop(v);
    Ok(())
}
