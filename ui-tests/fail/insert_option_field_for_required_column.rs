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
    // NOT NULL without a default: `None` would leave it without a value.
    age: Option<i32>,
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let user = NewUser { name: "Ada", age: None };
    let _ = quarry::insert_into(users::table).values(&user).execute(&mut conn);
}
