use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

quarry::table! {
    posts (id) {
        id -> Int4,
        title -> Text,
    }
}

#[derive(Selectable)]
#[quarry(table = users)]
struct User {
    id: i32,
    name: i32,
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let _ = users::table.select(posts::title).load(&mut conn);
    let _ = users::table.filter(posts::id.eq(1));
    let _ = users::table.select((users::id, posts::title));
    let _ = users::table.filter(users::id.eq(1).and(posts::title.like("x")));
    let _ = users::table.filter(posts::title.like("x"));
    let _ = users::table.filter(users::id.eq("x"));
    let _ = users::table.filter(users::id.eq(users::name));
    let _ = users::table.filter(users::id.is_null());
    let _ = users::table.filter(users::id.like("a"));
    let _ = users::table.filter(users::id);
    let _ = users::table.order_by(posts::id);
    let _: Vec<(i32, String)> = users::table.select((users::id, users::name, users::hair_color)).load(&mut conn).unwrap();
}
