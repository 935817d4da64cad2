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

#[derive(Selectable)]
#[quarry(table = users)]
struct User {
    id: i32,
}

#[derive(Selectable)]
#[quarry(table = posts)]
struct PostWithUser {
    id: i32,
    // A post has one user: the field is `User`, not `Vec<User>`.
    #[quarry(relation)]
    users: Vec<User>,
}

fn main() {}
