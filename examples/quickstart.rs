use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

#[derive(Selectable, Debug)]
#[quarry(table = users)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
         INSERT INTO users (name, hair_color) VALUES ('Ada', NULL), ('Grace', 'brown'), ('Linus', 'blond');",
    )?;
    let rows = users::table
        .select((users::id, users::name))
        .filter(users::hair_color.is_not_null())
        .order_by(users::name.desc())
        .load(&mut conn)?;
    println!("{rows:?}");
    let all = users::table.load(&mut conn)?;
    println!("{all:?}");
    let people: Vec<User> = users::table
        .select(User::as_select())
        .filter(users::id.eq_any([1, 3]))
        .load(&mut conn)?;
    println!("{people:?}");
    let n = users::table.count().get_result(&mut conn)?;
    println!("{n}");
    let u = users::table
        .find(2)
        .select(User::as_select())
        .first(&mut conn)?;
    println!("{u:?}");
    let x = users::table.find(99).first(&mut conn).optional()?;
    println!("{x:?}");
    let q = users::table
        .filter(users::id.gt(1).and(users::name.like("%a%")))
        .select(users::id + 1)
        .limit(2)
        .offset(1);
    println!(
        "{}",
        quarry::debug_query::<quarry::backend::sqlite::Sqlite, _>(&q)
    );
    println!("{:?}", q.load(&mut conn)?);
    let raw: Vec<User> = quarry::sql_query("SELECT * FROM users WHERE id > ?")
        .bind(1)
        .load(&mut conn)?;
    println!("{raw:?}");
    Ok(())
}
