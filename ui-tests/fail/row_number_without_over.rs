use quarry::expr::row_number;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

fn main() {
    // ROW_NUMBER() numbers the rows of a window: `.over()` is missing.
    let _ = users::table.select((users::name, row_number()));
}
