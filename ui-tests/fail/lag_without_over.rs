use quarry::expr::lag;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        age -> Int4,
    }
}

fn main() {
    // A window function needs its window: `lag(users::age).over().order_by(users::id)`.
    let _ = users::table.select(lag(users::age));
}
