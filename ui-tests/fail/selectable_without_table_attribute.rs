use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

#[derive(Selectable)]
struct User {
    id: i32,
    name: String,
}

fn main() {}
