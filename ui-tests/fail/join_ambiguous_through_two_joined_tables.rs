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
        user_id -> Int4 references users,
        body -> Text,
    }
}

fn main() {
    // `comments` has a key to `users` and one to `posts`, and both are in the query.
    let _ = users::table
        .inner_join(posts::table)
        .inner_join(comments::table);
}
