quarry::table! {
    users (id) {
        id -> Int4,
        #[column_name = "full_name"]
        name -> Text,
    }
}

fn main() {}
