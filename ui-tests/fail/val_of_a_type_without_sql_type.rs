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
    // A literal needs a Rust type with a SQL type of its own.
    let _ = users::table.select((users::name, quarry::dsl::val(std::time::Duration::from_secs(1))));
}
