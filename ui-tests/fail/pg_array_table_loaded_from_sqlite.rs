use quarry::prelude::*;

quarry::table! {
    posts (id) {
        id -> Int4,
        tags -> Array<Text>,
    }
}

#[derive(Selectable)]
#[quarry(table = posts)]
struct Post {
    id: i32,
    tags: Vec<String>,
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // A table with an `Array` column cannot be loaded whole from SQLite, nor through a
    // struct that has the column.
    let _ = posts::table.load(&mut conn)?;
    let _: Vec<Post> = posts::table.select(Post::as_select()).load(&mut conn)?;
    Ok(())
}
