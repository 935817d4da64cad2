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

fn main() {
    // `tags` is not joined.
    let _ = users::table
        .inner_join(posts::table)
        .select((users::name, tags::label));
}
