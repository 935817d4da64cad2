// `#[index(…)]` names a column the table does not have.
quarry::table! {
    #[index(author, created_at)]
    books (id) {
        id -> Int4,
        author_id -> Int4,
        created_at -> Timestamp,
    }
}

fn main() {}
