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
    // One row per age: there is no single name to order the groups by.
    let _ = users::table
        .group_by(users::age)
        .select((users::age, count_star()))
        .order_by(users::name);
}
