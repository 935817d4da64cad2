use quarry::expr::greatest;
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
    // `greatest` compares two values of one type.
    let _ = users::table.select(greatest(users::age, users::name));
}
