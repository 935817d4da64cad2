// A crate that reaches quarry through a re-export: `#[quarry(crate = …)]` on `table!`
// and on the derives makes the generated code use that path. `::quarry` names this
// crate itself here, which has no `__private`, so any path the override missed fails.
pub extern crate quarry as real_quarry;
extern crate self as quarry;

mod reexport {
    pub use ::real_quarry as db;
}

use crate::reexport::db;
use db::prelude::*;

db::table! {
    #[quarry(crate = crate::reexport::db)]
    users (id) {
        id -> Int4 = default,
        name -> Text,
        score -> Nullable<Int4>,
    }

    posts (id) {
        id -> Int4,
        user_id -> Int4 references users,
        title -> Text,
    }
}

#[derive(Selectable, Insertable, AsChangeset, Debug, PartialEq)]
#[quarry(crate = crate::reexport::db, table = users)]
struct User {
    name: String,
    score: Option<i32>,
}

fn main() -> Result<(), db::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT NOT NULL);
         INSERT INTO posts VALUES (1, 1, 'Notes');",
    )?;
    let ada = User {
        name: "Ada".to_owned(),
        score: Some(3),
    };
    db::insert_into(users::table)
        .values(&ada)
        .execute(&mut conn)?;
    db::update(users::table.find(1))
        .set(&User {
            score: Some(4),
            ..ada
        })
        .execute(&mut conn)?;
    let rows = users::table
        .inner_join(posts::table)
        .select((users::id * 10, User::as_select(), posts::title))
        .load(&mut conn)?;
    assert_eq!(
        rows,
        [(
            10,
            User {
                name: "Ada".to_owned(),
                score: Some(4)
            },
            "Notes".to_owned()
        )]
    );
    Ok(())
}
