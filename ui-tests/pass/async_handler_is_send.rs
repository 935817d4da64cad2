// An axum-style handler: its future must be `Send` to run on a multi-threaded runtime.
// It loads, writes and runs a transaction on each async connection.
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        visits -> Int4,
    }
}

fn require_send<F: std::future::Future + Send>(future: F) -> F {
    future
}

async fn pg_handler(mut conn: AsyncPgConnection, name: String) -> Result<Vec<i32>, quarry::Error> {
    let ids = users::table
        .filter(users::name.eq(&name))
        .select(users::id)
        .load(&mut conn)
        .await?;
    conn.transaction(async |tx| {
        quarry::update(users::table.filter(users::name.eq(&name)))
            .set(users::visits.eq(users::visits + 1))
            .execute(tx)
            .await
    })
    .await?;
    Ok(ids)
}

async fn sqlite_handler(mut conn: AsyncSqliteConnection) -> Result<usize, quarry::Error> {
    conn.transaction(async |tx| {
        quarry::insert_into(users::table)
            .values((users::id.eq(1), users::name.eq("Ada"), users::visits.eq(0)))
            .execute(tx)
            .await
    })
    .await
}

fn main() {
    let _ = |pg: AsyncPgConnection, sqlite: AsyncSqliteConnection| {
        let _ = require_send(pg_handler(pg, "Ada".to_owned()));
        let _ = require_send(sqlite_handler(sqlite));
    };
}
