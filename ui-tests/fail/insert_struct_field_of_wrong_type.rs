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
struct NewUser {
    name: i32,
    age: i32,
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let _ = quarry::insert_into(users::table)
        .values(NewUser { name: 1, age: 2 })
        .execute(&mut conn);
}
