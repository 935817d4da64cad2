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
    // `%` is for integers: PostgreSQL has no `%` on double precision.
    let _ = users::table.select(users::score.rem(2.0));
}
