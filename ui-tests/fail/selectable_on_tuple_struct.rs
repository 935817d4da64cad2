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
struct User(i32, String);

fn main() {}
