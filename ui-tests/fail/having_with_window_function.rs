use quarry::expr::{count_star, rank};
use quarry::prelude::*;

quarry::table! {
    posts (id) {
        id -> Int4,
        user_id -> Int4,
    }
}

fn main() {
    // Windows are computed after HAVING: the top authors need a subquery or a CTE.
    let _ = posts::table
        .group_by(posts::user_id)
        .having(rank().over().order_by(count_star().desc()).le(3_i64))
        .select(posts::user_id);
}
