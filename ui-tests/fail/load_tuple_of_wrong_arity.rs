use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    let v: Vec<(i32, String)> = users::table
        .select((users::id, users::name, users::hair_color))
        .load(&mut conn)?;
    drop(v);
    Ok(())
}
