use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

fn main() {
    // UNION needs the same columns on both sides.
    let _ = users::table
        .select(users::id)
        .union(users::table.select(users::name));
}
