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
    // The bounds of NOT BETWEEN have the type of the expression.
    let _ = users::table.filter(users::age.not_between("a", "m"));
}
