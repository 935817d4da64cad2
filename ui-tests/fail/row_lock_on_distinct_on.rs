use quarry::prelude::*;

quarry::table! {
    jobs (id) {
        id -> Int4,
        queue -> Text,
    }
}

fn main() {
    // PostgreSQL refuses `FOR UPDATE` with DISTINCT.
    let _ = jobs::table
        .distinct_on(jobs::queue)
        .order_by((jobs::queue, jobs::id))
        .for_update();
}
