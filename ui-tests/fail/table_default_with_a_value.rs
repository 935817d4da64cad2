quarry::table! {
    users (id) {
        id -> Int4,
        // The default's value belongs in the database, not in the schema.
        visits -> Int4 = 0,
    }
}

fn main() {}
