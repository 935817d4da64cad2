use quarry::expr::{Month, date_trunc};
use quarry::prelude::*;

quarry::table! {
    events (id) {
        id -> Int4,
        label -> Text,
    }
}

fn main() {
    // `date_trunc` truncates timestamps.
    let _ = events::table.select(date_trunc(Month, events::label));
}
