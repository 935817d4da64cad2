quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        name -> Text,
    }
}

fn main() {}
