use quarry::prelude::*;

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    // Isolation levels and read-only transactions are PostgreSQL's.
    let _ = conn
        .build_transaction()
        .serializable()
        .run(|_conn| Ok::<_, quarry::Error>(()));
}
