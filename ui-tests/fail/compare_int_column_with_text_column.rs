use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

fn main() {
    let _ = users::table.filter(users::id.eq(users::name));
}
