use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

quarry::table! {
    /// The shape of a CTE: ids and names.
    named (id) {
        id -> Int4,
        name -> Text,
    }
}

fn main() {
    // The query fills `named` with (name, id): the columns are in the wrong order.
    let _ = quarry::query::with(named::table, users::table.select((users::name, users::id)));
}
