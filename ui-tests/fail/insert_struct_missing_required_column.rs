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

#[derive(Insertable)]
#[quarry(table = users)]
struct NewUser<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
}

fn main() {
    let user = NewUser { name: "Ada", hair_color: None };
    let _ = quarry::insert_into(users::table).values(&user);
}
