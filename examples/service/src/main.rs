//! `cargo run -p service`: the service on an embedded SQLite file (`service.db`), or on
//! PostgreSQL when `DATABASE_URL` is a `postgres://` URL. `BIND` sets the address
//! (default `127.0.0.1:3000`).

use quarry::pool::PoolConfig;
use quarry::prelude::*;

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "service.db".to_owned());
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let config = PoolConfig::new(16);
    let outcome = if service::is_postgres_url(&url) {
        service::serve_at::<AsyncPgConnection>(&url, &config, &bind).await
    } else {
        service::serve_at::<AsyncSqliteConnection>(&url, &config, &bind).await
    };
    if let Err(e) = outcome {
        eprintln!("service: {e}");
        std::process::exit(1);
    }
}
