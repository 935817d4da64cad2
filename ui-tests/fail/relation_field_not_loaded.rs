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

    comments (id) {
        id -> Int4,
        post_id -> Int4 references posts,
        body -> Text,
    }
}

#[derive(Selectable, Clone)]
#[quarry(table = comments)]
struct Comment {
    id: i32,
}

#[derive(Selectable)]
#[quarry(table = posts)]
struct PostWithComments {
    id: i32,
    #[quarry(relation)]
    comments: Vec<Comment>,
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    // The struct has a field for `posts::comments`, but the query loads `posts::users`.
    let _: Vec<PostWithComments> = posts::table
        .with(posts::users)
        .load(&mut conn)
        .unwrap();
}
