use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

async fn names(conn: &mut AsyncSqliteConnection) -> Result<Vec<i32>, quarry::Error> {
    // `ILIKE` is PostgreSQL-only, on async connections as on blocking ones.
    users::table
        .filter(users::name.ilike("ada%"))
        .select(users::id)
        .load(conn)
        .await
}

fn main() {
    let _ = names;
}
