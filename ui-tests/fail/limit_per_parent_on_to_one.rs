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
    // A post has one user: there is nothing to limit.
    let _ = posts::table.with(posts::users.limit_per_parent(3));
}
