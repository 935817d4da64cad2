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

#[derive(AsChangeset)]
#[quarry(table = users)]
struct Changes {
    age: Option<String>,
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let _ = quarry::update(users::table)
        .set(&Changes { age: None })
        .execute(&mut conn);
}
