use quarry::expr::substr;
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
    // `substr` takes text: an integer must be cast first.
    let _ = users::table.select(substr(users::age, 1, 2));
}
