use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

quarry::table! {
    posts (id) {
        id -> Int4,
        title -> Text,
    }
}

fn main() {
    // A boxed query is built at run time, but its columns are still checked.
    let mut query = users::table.into_boxed::<Sqlite>();
    if std::env::args().count() > 1 {
        query = query.filter(posts::title.eq("Rust"));
    }
    let _ = query;
}
