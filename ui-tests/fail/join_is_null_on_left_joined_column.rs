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

fn main() {
    // Users without posts: `posts::id` is NULL in the rows the left join adds, but its
    // SQL type is still `Int4`; `posts::id.nullable().is_null()` is the way to ask.
    let _ = users::table
        .left_join(posts::table)
        .filter(posts::id.is_null())
        .select(users::name);
}
