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
    // Unary minus is for numbers.
    let _ = users::table.select(users::name.neg());
}
