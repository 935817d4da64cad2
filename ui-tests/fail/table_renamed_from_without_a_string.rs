// `#[renamed_from]` takes the old SQL name as a string.
quarry::table! {
    books (id) {
        id -> Int4,
        #[renamed_from = title]
        headline -> Text,
    }
}

fn main() {}
