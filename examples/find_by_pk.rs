//! A find by primary key into a struct, N times, on SQLite in memory: the hot path
//! whose cost per call the guide's Performance chapter counts with callgrind.
//!
//! ```sh
//! cargo build --release --example find_by_pk
//! valgrind --tool=callgrind target/release/examples/find_by_pk 10000        # no hook
//! valgrind --tool=callgrind target/release/examples/find_by_pk 10000 hook   # a hook set
//! ```
//!
//! The instructions per call are the difference between two runs (10,000 and 20,000
//! finds) divided by 10,000, so that opening the database and preparing the statement
//! do not count.

use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

#[derive(Selectable)]
#[quarry(table = users)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

struct Hook(u64);

impl quarry::instrument::Instrumentation for Hook {
    fn statement_finished(&mut self, statement: &quarry::instrument::StatementFinished<'_>) {
        self.0 += statement.rows.unwrap_or(0);
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut args = std::env::args().skip(1);
    let n: i32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let hooked = args.next().as_deref() == Some("hook");
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
         INSERT INTO users (id, name)
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
             SELECT i, 'user ' || i FROM n;",
    )?;
    if hooked {
        conn.set_instrumentation(Hook(0));
    }
    let mut found = 0_usize;
    for i in 0..n {
        let user = users::table
            .find(i % 100 + 1)
            .select(User::as_select())
            .first(&mut conn)?;
        found += std::hint::black_box(&user).name.len()
            + user.id as usize
            + user.hair_color.map_or(0, |h| h.len());
    }
    println!("{n} finds, {found}");
    Ok(())
}
