use quarry::expr::row_number;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

fn main() {
    // Window functions are computed after WHERE: the first three rows need a subquery.
    let _ = users::table
        .filter(row_number().over().order_by(users::id).le(3_i64))
        .select(users::name);
}
