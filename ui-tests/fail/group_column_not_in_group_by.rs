use quarry::prelude::*;
use quarry::expr::max;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
    }
}

fn main() {
    // `name` is neither grouped nor aggregated.
    let _ = users::table
        .group_by(users::age)
        .select((users::age, users::name, max(users::id)));
}
