use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        age -> Int4,
        visits -> Int8,
    }
}

fn main() {
    // quarry does not promote Int4 to Int8 on its own: cast one side,
    // `users::age.cast::<quarry::types::Int8>() + users::visits`.
    let _ = users::table.select(users::age + users::visits);
}
