use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

#[derive(Selectable)]
#[quarry(table = users)]
struct User {
    id: i32,
    #[quarry(rename = name)]
    full_name: String,
}

fn main() {}
