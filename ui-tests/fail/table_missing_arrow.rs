quarry::table! {
    users (id) {
        id -> Int4,
        name Text,
    }
}

fn main() {}
