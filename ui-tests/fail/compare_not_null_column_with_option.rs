use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

fn main() {
    let name: Option<&str> = Some("Ada");
    let _ = users::table.filter(users::name.eq(name));
}
