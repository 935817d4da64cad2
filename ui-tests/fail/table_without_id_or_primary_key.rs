quarry::table! {
    users {
        user_id -> Int4,
        name -> Text,
    }
}

fn main() {}
