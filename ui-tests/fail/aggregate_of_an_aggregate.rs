// SQL has no aggregate of an aggregate: `SUM(COUNT(…))` fails in the database.
use quarry::expr::{count, sum};
use quarry::prelude::*;

quarry::table! {
    posts (id) {
        id -> Int4,
        user_id -> Int4,
        views -> Int4,
    }
}

fn main() {
    let _ = posts::table
        .group_by(posts::user_id)
        .select(sum(count(posts::views)));
}
