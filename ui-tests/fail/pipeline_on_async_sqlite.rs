use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
}

async fn names(conn: &mut AsyncSqliteConnection) {
    // Pipelines are PostgreSQL's: SQLite has no round trips to save.
    let _ = conn
        .pipeline(|p| (p.load(users::table.select(users::name)),))
        .await;
}

fn main() {
    let _ = names;
}
