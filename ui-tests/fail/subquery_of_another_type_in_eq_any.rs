use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

quarry::table! {
    posts (id) {
        id -> Int4,
        user_id -> Int4,
        title -> Text,
    }
}

fn main() {
    // The subquery must select one column of the compared type: titles are not ids.
    let _ = users::table.filter(users::id.eq_any(posts::table.select(posts::title)));
}
