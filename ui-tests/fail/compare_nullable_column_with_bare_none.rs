use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

fn main() {
    // `= NULL` never matches: the comparison with NULL is itself NULL.
    let _ = users::table.filter(users::hair_color.eq(None));
}
