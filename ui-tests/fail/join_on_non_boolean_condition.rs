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
    let _ = users::table.inner_join(posts::table.on(posts::user_id));
}
