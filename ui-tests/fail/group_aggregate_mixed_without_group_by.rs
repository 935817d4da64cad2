use quarry::prelude::*;
use quarry::expr::count_star;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
    }
}

fn main() {
    // An aggregate next to a bare column needs `group_by`.
    let _ = users::table.select((users::name, count_star()));
}
