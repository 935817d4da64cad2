quarry::table! {
    users (id) {
        id -> Int4,
        table -> Text,
    }
}

fn main() {}
