quarry::table! {
    users (user_id) {
        id -> Int4,
        name -> Text,
    }
}

fn main() {}
