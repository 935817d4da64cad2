use quarry::expr::count_star;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
    }
}

fn main() {
    // The ordering is checked again when the query becomes grouped.
    let _ = users::table
        .order_by(users::name)
        .group_by(users::age)
        .select((users::age, count_star()));
}
