use quarry::prelude::*;

quarry::table! {
    jobs (id) {
        id -> Int4,
        queue -> Text,
    }
}

fn main() {
    // PostgreSQL refuses `FOR UPDATE` with GROUP BY.
    let _ = jobs::table
        .group_by(jobs::queue)
        .select(jobs::queue)
        .for_update();
}
