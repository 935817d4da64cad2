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

#[derive(Selectable)]
#[quarry(table = users)]
struct User {
    id: i32,
    name: String,
}

#[derive(Selectable)]
#[quarry(table = posts)]
struct Post {
    id: i32,
    title: String,
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // A user without posts has no post: `Post` loads as `Option<Post>`.
    let v: Vec<(User, Post)> = users::table
        .left_join(posts::table)
        .select((User::as_select(), Post::as_select()))
        .load(&mut conn)?;
    drop(v);
    Ok(())
}
