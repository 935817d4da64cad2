use quarry::expr::round;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
        score -> Float8,
    }
}

fn main() {
    // An integer needs no rounding; `round` takes a Float8.
    let _ = users::table.select(round(users::age));
}
