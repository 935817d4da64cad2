//! How much memory a million rows take when streamed, and when loaded whole: the
//! figure of the guide's Performance chapter for `stream`.
//!
//! `cargo run --release --example stream_memory -- setup`, then
//! `cargo run --release --example stream_memory -- <backend> <stream|load>`, with
//! backend `sqlite`, `pg`, `async-sqlite` or `async-pg` (PostgreSQL from
//! `QUARRY_PG_URL`; SQLite in a file in the temporary directory). `setup` makes the
//! million rows in both databases; each measuring run is a process of its own, so that
//! the process's peak resident memory (`VmHWM`) measures that run alone: it prints the
//! growth of the peak over what the process held before the query.

use quarry::prelude::*;

quarry::table! {
    items (id) {
        id -> Int4,
        name -> Text,
        price -> Float8,
    }
}

#[derive(Selectable, Debug)]
#[quarry(table = items)]
struct Item {
    id: i32,
    name: String,
    price: f64,
}

const ROWS: i64 = 1_000_000;

/// The process's peak resident memory so far, in kB (Linux).
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

fn setup_sql(pg: bool) -> String {
    if pg {
        format!(
            "DROP TABLE IF EXISTS items; CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, \
             price DOUBLE PRECISION NOT NULL); INSERT INTO items SELECT i, 'item number ' || i, i * 0.5 \
             FROM generate_series(1, {ROWS}) AS i"
        )
    } else {
        format!(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL); \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS}) \
             INSERT INTO items SELECT i, 'item number ' || i, i * 0.5 FROM n"
        )
    }
}

/// The query every run makes: a million rows into `Item`s.
macro_rules! query {
    () => {
        items::table.select(Item::as_select())
    };
}

fn report(backend: &str, way: &str, before: u64, rows: usize, check: f64) {
    let after = peak_kb();
    println!(
        "{backend} {way}: {rows} rows, peak memory grew by {:.1} MB (checksum {check})",
        after.saturating_sub(before) as f64 / 1024.0
    );
}

fn main() -> Result<(), quarry::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pg_url = || std::env::var("QUARRY_PG_URL").expect("QUARRY_PG_URL names the server");
    let sqlite_path = std::env::temp_dir().join("quarry-stream-memory.db");
    let sqlite_url = sqlite_path.to_string_lossy().into_owned();
    if args.first().map(String::as_str) == Some("setup") {
        let _ = std::fs::remove_file(&sqlite_path);
        SqliteConnection::establish(&sqlite_url)?.batch_execute(&setup_sql(false))?;
        PgConnection::establish(&pg_url())?.batch_execute(&setup_sql(true))?;
        return Ok(());
    }
    let (backend, way) = match args.as_slice() {
        [backend, way] => (backend.as_str(), way.as_str()),
        _ => {
            eprintln!(
                "usage: stream_memory setup | stream_memory <sqlite|pg|async-sqlite|async-pg> <stream|load>"
            );
            std::process::exit(2);
        }
    };
    let streamed = way == "stream";
    match backend {
        "sqlite" | "pg" => {
            let mut conn_sqlite;
            let mut conn_pg;
            macro_rules! run {
                ($conn:expr) => {{
                    let before = peak_kb();
                    let (mut rows, mut check) = (0, 0.0);
                    if streamed {
                        for item in query!().stream(&mut $conn)? {
                            let item = item?;
                            rows += 1;
                            check += item.price + item.name.len() as f64 + f64::from(item.id);
                        }
                    } else {
                        for item in query!().load(&mut $conn)? {
                            rows += 1;
                            check += item.price + item.name.len() as f64 + f64::from(item.id);
                        }
                    }
                    report(backend, way, before, rows, check);
                }};
            }
            if backend == "pg" {
                conn_pg = PgConnection::establish(&pg_url())?;
                run!(conn_pg);
            } else {
                conn_sqlite = SqliteConnection::establish(&sqlite_url)?;
                run!(conn_sqlite);
            }
        }
        "async-sqlite" | "async-pg" => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| quarry::Error::Connection(e.to_string()))?;
            runtime.block_on(async {
                macro_rules! run {
                    ($conn:expr) => {{
                        let before = peak_kb();
                        let (mut rows, mut check) = (0, 0.0);
                        if streamed {
                            let mut stream = query!().stream(&mut $conn);
                            while let Some(item) = std::future::poll_fn(|cx| {
                                futures_core::Stream::poll_next(std::pin::Pin::new(&mut stream), cx)
                            })
                            .await
                            {
                                let item = item?;
                                rows += 1;
                                check += item.price + item.name.len() as f64 + f64::from(item.id);
                            }
                        } else {
                            for item in query!().load(&mut $conn).await? {
                                rows += 1;
                                check += item.price + item.name.len() as f64 + f64::from(item.id);
                            }
                        }
                        report(backend, way, before, rows, check);
                    }};
                }
                if backend == "async-pg" {
                    let mut conn = AsyncPgConnection::establish(&pg_url()).await?;
                    run!(conn);
                } else {
                    let mut conn = AsyncSqliteConnection::establish(&sqlite_url).await?;
                    run!(conn);
                }
                Ok::<_, quarry::Error>(())
            })?;
        }
        other => {
            eprintln!("unknown backend `{other}`");
            std::process::exit(2);
        }
    }
    Ok(())
}
