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
    // `||` joins texts: an integer must be cast to text first.
    let _ = users::table.select(users::age.concat(" years"));
}
