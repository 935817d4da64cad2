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
    // HAVING belongs to grouped queries.
    let _ = users::table.having(count_star().gt(1));
}
