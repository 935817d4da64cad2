use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4 = default,
        name -> Text,
        age -> Int4,
        hair_color -> Nullable<Text>,
    }
}

quarry::table! {
    posts (id) {
        id -> Int4 = default,
        user_id -> Int4 references users,
        title -> Text,
    }
}

fn main() {
    let _ = quarry::insert_into(users::table)
        .values((users::name.eq("Ada"), users::age.eq(36)))
        .on_conflict(users::name)
        .do_update()
        .set(posts::title.eq("Hello"));
}
