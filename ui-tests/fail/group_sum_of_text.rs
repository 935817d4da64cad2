use quarry::prelude::*;
use quarry::expr::sum;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
    }
}

fn main() {
    // Text cannot be summed.
    let _ = users::table.select(sum(users::name));
}
