// A default whose literal cannot be a value of the column's type.
quarry::table! {
    accounts (id) {
        id -> Int4,
        active -> Bool = default(1),
    }
}

fn main() {}
