use quarry::expr::case;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
        score -> Float8,
        hair_color -> Nullable<Text>,
    }
}

fn main() {
    // The values of a simple CASE are compared with its subject, an Int4.
    let _ = users::table.select(case(users::age).when("thirty", "a").otherwise("b"));
}
