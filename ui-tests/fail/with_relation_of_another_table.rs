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

fn main() {
    // `posts::comments` is a relation of posts, not of users.
    let _ = users::table.with(posts::comments);
}
