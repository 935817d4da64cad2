//! quarry in one file: declare tables, create them, fill them, run typed queries.
//!
//! ```sh
//! cargo run --example quickstart                      # embedded SQLite, in memory
//! cargo run --example quickstart -- people.db         # a SQLite file
//! DATABASE_URL=postgres://user@localhost/db cargo run --example quickstart
//! ```

use quarry::prelude::*;

quarry::table! {
    /// People who write posts.
    users (id) {
        id -> Int4,
        name -> Text unique,
        hair_color -> Nullable<Text>,
    }
}

quarry::table! {
    #[index(user_id)]
    posts (id) {
        id -> Int4,
        user_id -> Int4 references users on delete cascade,
        title -> Text,
        likes -> Int4 = default(0),
    }
}

/// A row of `users`, loaded by name: each field's type is checked against its column.
#[derive(Selectable, Debug)]
#[quarry(table = users)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

const SAMPLE_DATA: &str = "
    INSERT INTO users (id, name, hair_color) VALUES
        (1, 'Ada', NULL), (2, 'Grace', 'brown'), (3, 'Linus', 'blond');
    INSERT INTO posts (id, user_id, title, likes) VALUES
        (1, 1, 'Notes on the Analytical Engine', 120),
        (2, 2, 'Compilers for everyone', 75),
        (3, 2, 'Finding the first bug', 98),
        (4, 3, 'Rust for kernel hackers', 42);
";

fn main() -> Result<(), quarry::Error> {
    let target = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| ":memory:".to_owned());
    if target.starts_with("postgres://") || target.starts_with("postgresql://") {
        let mut conn = PgConnection::establish(&target)?;
        println!("PostgreSQL at {}", redact(&target));
        // A schema of its own, dropped at the end, so the example leaves nothing behind.
        conn.batch_execute(
            "DROP SCHEMA IF EXISTS quarry_quickstart CASCADE;
             CREATE SCHEMA quarry_quickstart; SET search_path TO quarry_quickstart;",
        )?;
        let result = run(&mut conn);
        conn.batch_execute("DROP SCHEMA quarry_quickstart CASCADE")?;
        result
    } else {
        println!("SQLite at {target}");
        let mut conn = SqliteConnection::establish(&target)?;
        quarry::schema::drop_all(&mut conn, &[&users::table, &posts::table])?;
        run(&mut conn)
    }
}

/// The same typed queries on either backend.
fn run<C: Connection>(conn: &mut C) -> Result<(), quarry::Error> {
    // The tables as `table!` declares them, in each backend's own types, `users`
    // first because `posts` references it.
    quarry::schema::create_all(conn, &[&users::table, &posts::table])?;
    conn.batch_execute(SAMPLE_DATA)?;

    // A tuple select loads as a tuple of the columns' Rust types: Vec<(i32, String)>.
    let with_hair = users::table
        .filter(users::hair_color.is_not_null())
        .select((users::id, users::name))
        .order_by(users::name)
        .load(conn)?;
    println!("\nusers with a known hair color:");
    for (id, name) in &with_hair {
        println!("  #{id} {name}");
    }

    // A struct, its columns checked at compile time.
    let people: Vec<User> = users::table
        .select(User::as_select())
        .order_by(users::id)
        .load(conn)?;
    println!("\nall users:");
    for user in &people {
        let hair = user.hair_color.as_deref().unwrap_or("unknown");
        println!("  #{} {:<6} hair: {hair}", user.id, user.name);
    }

    // Filters, arithmetic and ordering; values always travel as bind parameters.
    let popular = posts::table
        .filter(posts::likes.ge(75).and(posts::title.like("%e%")))
        .select((posts::title, posts::likes * 2))
        .order_by(posts::likes.desc())
        .load(conn)?;
    println!("\nposts with at least 75 likes and an 'e' in the title (likes doubled):");
    for (title, doubled) in &popular {
        println!("  {title:<32} {doubled}");
    }

    let graces_posts = posts::table
        .filter(posts::user_id.eq(2))
        .count()
        .get_result(conn)?;
    println!("\nGrace wrote {graces_posts} posts");

    let ada = users::table.find(1).select(User::as_select()).first(conn)?;
    println!("user #1 is {}", ada.name);
    let nobody = users::table
        .find(99)
        .select(users::name)
        .first(conn)
        .optional()?;
    println!("user #99: {nobody:?}");

    // SQL written by hand, with bound values, loaded into a tuple.
    // `$1, $2, …` placeholders work on both backends.
    let titles: Vec<(String,)> =
        quarry::sql_query("SELECT title FROM posts WHERE likes < $1 ORDER BY id")
            .bind(100)
            .load(conn)?;
    println!("\nposts under 100 likes, by hand-written SQL:");
    for (title,) in &titles {
        println!("  {title}");
    }
    Ok(())
}

/// The URL without its password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
