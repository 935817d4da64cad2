use quarry::expr::{Hour, extract};
use quarry::prelude::*;

quarry::table! {
    events (id) {
        id -> Int4,
        day -> Date,
    }
}

fn main() {
    // A date has no hour.
    let _ = events::table.select(extract(Hour, events::day));
}
