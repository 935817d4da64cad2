use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
        visits -> Int2,
    }
}

#[derive(Selectable, Debug, PartialEq)]
#[quarry(table = users)]
struct Person {
    #[quarry(column = id)]
    user_id: i32,
    #[quarry(column = name)]
    full_name: String,
    hair_color: Option<String>,
    // A field may be wider than its column: Int2 loads into i64.
    visits: i64,
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT, visits INTEGER NOT NULL);
         INSERT INTO users VALUES (1, 'Ada', NULL, 3);",
    )?;
    let people: Vec<Person> = users::table.select(Person::as_select()).load(&mut conn)?;
    assert_eq!(
        people,
        [Person {
            user_id: 1,
            full_name: "Ada".to_owned(),
            hair_color: None,
            visits: 3
        }]
    );
    Ok(())
}
