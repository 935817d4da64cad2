use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
    }
}

fn main() {
    // `group_by` after `select` checks the selection: `name` is not grouped.
    let _ = users::table
        .select((users::age, users::name))
        .group_by(users::age);
}
