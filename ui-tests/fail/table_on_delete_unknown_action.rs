// `on delete` with an action SQL does not have.
quarry::table! {
    authors (id) {
        id -> Int4,
    }
}

quarry::table! {
    books (id) {
        id -> Int4,
        author_id -> Int4 references authors on delete remove,
    }
}

fn main() {}
