use quarry::expr::count;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
    }
}

fn main() {
    // WHERE runs on each row: ages shared by several users need `group_by` + `having`.
    let _ = users::table
        .filter(count(users::id).gt(1_i64))
        .select(users::age);
}
