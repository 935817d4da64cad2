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
    // SQLite has no date type to cast to: dates are not cast targets.
    let _ = users::table.select(users::name.cast::<quarry::types::Date>());
}
