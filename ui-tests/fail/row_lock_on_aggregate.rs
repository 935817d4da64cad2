use quarry::expr::count_star;
use quarry::prelude::*;

quarry::table! {
    jobs (id) {
        id -> Int4,
        queue -> Text,
    }
}

fn main() {
    // PostgreSQL refuses `FOR UPDATE` with aggregates.
    let _ = jobs::table.select(count_star()).for_update();
}
