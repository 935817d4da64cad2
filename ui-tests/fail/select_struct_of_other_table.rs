use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

quarry::table! {
    posts (id) {
        id -> Int4,
        user_id -> Int4,
        title -> Text,
    }
}

#[derive(Selectable)]
#[quarry(table = users)]
struct User {
    id: i32,
    name: String,
}

fn main() {
    let _ = posts::table.select(User::as_select());
}
