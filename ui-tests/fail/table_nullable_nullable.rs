quarry::table! {
    users (id) {
        id -> Int4,
        hair_color -> Nullable<Nullable<Text>>,
    }
}

fn main() {}
