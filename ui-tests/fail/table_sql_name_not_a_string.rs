quarry::table! {
    posts (id) {
        id -> Int4,
        #[sql_name = type]
        kind -> Text,
    }
}

fn main() {}
