quarry::table! {
    users (id) {
        id -> Int4,
        name -> Strng,
    }
}

fn main() {}
