//! The `quarry` binary, run as a process against a SQLite file and against the
//! PostgreSQL test server (`QUARRY_PG_URL`, in a schema of its own): what each command
//! prints and the exit codes (0 done, 1 failed, 2 usage or configuration).

use quarry::conn::Connection;
use quarry::prelude::*;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `quarry ARGS` in `dir` with `DATABASE_URL` set to `url` (when given).
fn quarry(dir: &Path, url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_quarry"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("QUARRY_MIGRATIONS_DIR");
    if let Some(url) = url {
        command.env("DATABASE_URL", url);
    }
    command.output().expect("the quarry binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the exit code, showing what the command printed when it differs.
#[track_caller]
fn expect_code(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A connection to the test server in a fresh schema `schema` (its `search_path`), and a
/// URL that puts the `quarry` binary's connections in it too.
fn pg_schema(schema: &str) -> (PgConnection, String) {
    let base = std::env::var("QUARRY_PG_URL").unwrap_or_else(|_| {
        panic!(
            "QUARRY_PG_URL is not set: these tests need the server that `cargo xtask test` starts"
        )
    });
    let mut conn = PgConnection::establish(&base).unwrap();
    conn.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; SET search_path TO {schema}"
    ))
    .unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    (
        conn,
        format!("{base}{separator}options=-csearch_path%3D{schema}"),
    )
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for command in [
        &["--help"][..],
        &["setup", "--help"],
        &["migration", "--help"],
        &["migration", "generate", "--help"],
        &["migration", "run", "--help"],
        &["migration", "revert", "--help"],
        &["migration", "redo", "--help"],
        &["migration", "status", "--help"],
        &["migration", "rehash", "--help"],
        &["print-schema", "--help"],
        &["diff", "--help"],
        &["check", "--help"],
    ] {
        let output = quarry(dir.path(), None, command);
        expect_code(&output, 0);
        let usage = format!("Usage: quarry {}", command[..command.len() - 1].join(" "));
        assert!(
            stdout(&output).contains(usage.trim_end()),
            "{command:?}: {}",
            stdout(&output)
        );
    }
}

#[test]
fn usage_and_configuration_errors_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(Option<&str>, &[&str], &str)] = &[
        (None, &["migration", "run"], "no database given"),
        (None, &["frobnicate"], "unrecognized subcommand"),
        (
            Some("mysql://localhost/app"),
            &["migration", "status"],
            "unsupported database URL scheme `mysql://`",
        ),
        (
            Some("sqlite:app.db"),
            &["migration", "run"],
            "there is no migrations folder `migrations`",
        ),
        (
            Some("sqlite:absent.db"),
            &["print-schema"],
            "does not exist (`quarry setup` creates it)",
        ),
        (
            None,
            &["migration", "generate", "add users"],
            "must be letters, digits and `_`",
        ),
    ];
    for (url, args, message) in cases {
        let output = quarry(dir.path(), *url, args);
        expect_code(&output, 2);
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // A malformed migrations folder.
    std::fs::create_dir_all(dir.path().join("migrations/create_users")).unwrap();
    std::fs::write(dir.path().join("app.db"), "").unwrap();
    let output = quarry(dir.path(), Some("sqlite:app.db"), &["migration", "run"]);
    expect_code(&output, 2);
    assert!(
        stderr(&output).contains("`<version>_<name>`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_database_that_cannot_be_reached_exits_with_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    // Port 1 on loopback: nothing listens there.
    let refused = quarry(
        dir.path(),
        Some("postgres://postgres@127.0.0.1:1/app"),
        &["migration", "status"],
    );
    expect_code(&refused, 1);
    assert!(
        stderr(&refused).contains("connection error"),
        "{}",
        stderr(&refused)
    );
    // A SQLite file in a folder that does not exist cannot be created.
    let nowhere = quarry(dir.path(), Some("sqlite:no/such/folder/app.db"), &["setup"]);
    expect_code(&nowhere, 1);
    assert!(
        stderr(&nowhere).starts_with("error: "),
        "{}",
        stderr(&nowhere)
    );
}

/// The whole life of a migrations folder, on the database `url`; `schema` is what
/// `print-schema` must print once the first two migrations are applied.
fn migrations_from_setup_to_rehash(url: &str, schema: &str) {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let run = |args: &[&str]| quarry(dir, Some(url), args);

    let setup = run(&["setup"]);
    expect_code(&setup, 0);
    assert!(
        stdout(&setup).contains("Created the migrations folder migrations"),
        "{}",
        stdout(&setup)
    );
    assert!(dir.join("migrations").is_dir());

    let generated = run(&["migration", "generate", "create_users", "--version", "0001"]);
    expect_code(&generated, 0);
    assert!(dir.join("migrations/0001_create_users/up.sql").is_file());
    assert!(dir.join("migrations/0001_create_users/down.sql").is_file());
    let taken = run(&["migration", "generate", "again", "--version", "0001"]);
    expect_code(&taken, 2);
    assert!(
        stderr(&taken).contains("the version 0001 is taken by 0001_create_users"),
        "{}",
        stderr(&taken)
    );

    write(
        dir,
        "migrations/0001_create_users/up.sql",
        "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n    visits INTEGER NOT NULL DEFAULT 0\n);\n",
    );
    write(
        dir,
        "migrations/0001_create_users/down.sql",
        "DROP TABLE users;\n",
    );
    write(
        dir,
        "migrations/0002_create_posts/up.sql",
        "CREATE TABLE posts (\n    id INTEGER PRIMARY KEY,\n    user_id INTEGER NOT NULL REFERENCES users (id),\n    title TEXT\n);\n",
    );
    write(
        dir,
        "migrations/0002_create_posts/down.sql",
        "DROP TABLE posts;\n",
    );

    let pending = run(&["migration", "status"]);
    expect_code(&pending, 0);
    assert_eq!(
        stdout(&pending),
        "0001_create_users  pending\n0002_create_posts  pending\n"
    );

    let applied = run(&["migration", "run"]);
    expect_code(&applied, 0);
    assert_eq!(
        stdout(&applied),
        "Applied 0001_create_users\nApplied 0002_create_posts\n"
    );
    let again = run(&["migration", "run"]);
    expect_code(&again, 0);
    assert_eq!(
        stdout(&again),
        "No pending migration; the database is up to date\n"
    );

    let status = run(&["migration", "status"]);
    expect_code(&status, 0);
    let lines: Vec<String> = stdout(&status).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("0001_create_users  applied  20"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("0002_create_posts  applied  20"),
        "{lines:?}"
    );

    let printed = run(&["print-schema"]);
    expect_code(&printed, 0);
    assert_eq!(stdout(&printed), schema);
    let one = run(&["print-schema", "--table", "users"]);
    expect_code(&one, 0);
    assert!(
        !stdout(&one).contains("posts") && stdout(&one).contains("users (id)"),
        "{}",
        stdout(&one)
    );
    let absent = run(&["print-schema", "--table", "comments"]);
    expect_code(&absent, 1);
    assert!(
        stderr(&absent).contains("the database has no table named `comments`"),
        "{}",
        stderr(&absent)
    );

    // A migration that fails: exit code 1, nothing of it left, reported by status.
    write(
        dir,
        "migrations/0003_broken/up.sql",
        "CREATE TABLE half (x INTEGER PRIMARY KEY);\nINSERT INTO missing (x) VALUES (1);\n",
    );
    write(dir, "migrations/0003_broken/down.sql", "DROP TABLE half;\n");
    let failed = run(&["migration", "run"]);
    expect_code(&failed, 1);
    assert!(
        stderr(&failed).contains("migration 0003_broken failed (up), nothing of it was kept"),
        "{}",
        stderr(&failed)
    );
    assert!(stderr(&failed).contains("missing"), "{}", stderr(&failed));
    let status = run(&["migration", "status"]);
    expect_code(&status, 1);
    assert!(
        stdout(&status).contains("0003_broken        FAILED"),
        "{}",
        stdout(&status)
    );
    assert!(
        stderr(&status).contains("1 migration(s) failed or were edited"),
        "{}",
        stderr(&status)
    );
    assert_eq!(
        stdout(&run(&["print-schema"])),
        schema,
        "the failed migration left no table"
    );

    // Fixed, it runs.
    write(
        dir,
        "migrations/0003_broken/up.sql",
        "CREATE TABLE half (x INTEGER PRIMARY KEY);\n",
    );
    let fixed = run(&["migration", "run"]);
    expect_code(&fixed, 0);
    assert_eq!(stdout(&fixed), "Applied 0003_broken\n");

    let reverted = run(&["migration", "revert"]);
    expect_code(&reverted, 0);
    assert_eq!(stdout(&reverted), "Reverted 0003_broken\n");
    let redone = run(&["migration", "redo"]);
    expect_code(&redone, 0);
    assert_eq!(stdout(&redone), "Redid 0002_create_posts (down, then up)\n");
    assert_eq!(stdout(&run(&["print-schema"])), schema);

    // An applied migration edited: refused, with the change shown, until rehashed.
    write(
        dir,
        "migrations/0001_create_users/up.sql",
        "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n    visits INTEGER NOT NULL DEFAULT 1\n);\n",
    );
    let edited = run(&["migration", "run"]);
    expect_code(&edited, 1);
    let message = stderr(&edited);
    assert!(
        message.contains("migration 0001_create_users was edited after it was applied"),
        "{message}"
    );
    assert!(
        message.contains("-     visits INTEGER NOT NULL DEFAULT 0")
            && message.contains("+     visits INTEGER NOT NULL DEFAULT 1"),
        "{message}"
    );
    let status = run(&["migration", "status"]);
    expect_code(&status, 1);
    assert!(
        stdout(&status).contains("0001_create_users  EDITED"),
        "{}",
        stdout(&status)
    );
    let rehashed = run(&["migration", "rehash", "0001"]);
    expect_code(&rehashed, 0);
    let accepted = run(&["migration", "run"]);
    expect_code(&accepted, 0);
    assert_eq!(stdout(&accepted), "Applied 0003_broken\n");
    let unknown = run(&["migration", "rehash", "0042"]);
    expect_code(&unknown, 1);
    assert!(
        stderr(&unknown).contains("there is no migration 0042 among these migrations"),
        "{}",
        stderr(&unknown)
    );

    for _ in 0..3 {
        expect_code(&run(&["migration", "revert"]), 0);
    }
    let nothing = run(&["migration", "revert"]);
    expect_code(&nothing, 0);
    assert_eq!(
        stdout(&nothing),
        "No migration is applied; nothing to revert\n"
    );
}

#[test]
fn sqlite_file() {
    let db = tempfile::tempdir().unwrap();
    let path = db.path().join("app.db");
    let url = format!("sqlite:{}", path.display());
    migrations_from_setup_to_rehash(
        &url,
        "// The tables of the database, as `quarry print-schema` read them.

quarry::table! {
    posts (id) {
        id -> Int4 = default,
        user_id -> Int4 references users,
        title -> Nullable<Text>,
    }
}

quarry::table! {
    users (id) {
        id -> Int4 = default,
        name -> Text,
        visits -> Int4 = default(0),
    }
}
",
    );
    assert!(path.is_file(), "setup created the file");
}

#[test]
fn postgresql_schema() {
    let schema = "cli_postgresql_schema";
    let (mut conn, url) = pg_schema(schema);
    migrations_from_setup_to_rehash(
        &url,
        "// The tables of the database, as `quarry print-schema` read them.

quarry::table! {
    posts (id) {
        id -> Int4,
        user_id -> Int4 references users,
        title -> Nullable<Text>,
    }
}

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        visits -> Int4 = default(0),
    }
}
",
    );
    // Everything happened in the schema of this test.
    let tables: i64 = quarry::sql_query(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'quarry_migrations'",
    )
    .bind(schema)
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(tables, 1);
    conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .unwrap();
}

#[test]
fn print_schema_reads_types_keys_and_defaults_on_postgresql() {
    let schema = "cli_print_schema_types";
    let (mut conn, url) = pg_schema(schema);
    conn.batch_execute(
        "CREATE TYPE mood AS ENUM ('happy', 'sad');
         CREATE TABLE teams (id SERIAL PRIMARY KEY, name VARCHAR(40) NOT NULL);
         CREATE TABLE people (
             id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
             team_id INTEGER REFERENCES teams (id),
             \"type\" TEXT NOT NULL,
             \"Display Name\" TEXT,
             flags BOOLEAN NOT NULL DEFAULT false,
             tags TEXT[] NOT NULL,
             feeling mood,
             born DATE,
             seen TIMESTAMPTZ NOT NULL DEFAULT now(),
             photo BYTEA
         );
         CREATE TABLE memberships (person_id BIGINT NOT NULL REFERENCES people (id),
             team_id INTEGER NOT NULL REFERENCES teams (id), PRIMARY KEY (person_id, team_id));",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = quarry(dir.path(), Some(&url), &["print-schema"]);
    expect_code(&output, 0);
    assert_eq!(
        stdout(&output),
        "// The tables of the database, as `quarry print-schema` read them.

quarry::table! {
    memberships (person_id, team_id) {
        person_id -> Int8 references people,
        team_id -> Int4 references teams,
    }
}

quarry::table! {
    people (id) {
        id -> Int8 = default,
        team_id -> Nullable<Int4> references teams,
        r#type -> Text,
        #[sql_name = \"Display Name\"]
        display_name -> Nullable<Text>,
        flags -> Bool = default(false),
        tags -> Array<Text>,
        /// The database's type is `enum mood`, which quarry reads as text.
        feeling -> Nullable<Text>,
        born -> Nullable<Date>,
        seen -> Timestamptz = default(now()),
        photo -> Nullable<Binary>,
    }
}

quarry::table! {
    teams (id) {
        id -> Int4 = default,
        name -> Text,
    }
}
"
    );
    conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .unwrap();
}

#[test]
fn quarry_toml_names_the_database_and_the_migrations_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "quarry.toml",
        "[database]\nurl = \"sqlite:app.db\"\n\n[migrations]\ndir = \"db/migrations\"\n",
    );
    write(
        dir.path(),
        "db/migrations/0001_create_tags/up.sql",
        "CREATE TABLE tags (name TEXT PRIMARY KEY);\n",
    );
    let setup = quarry(dir.path(), None, &["setup"]);
    expect_code(&setup, 0);
    assert_eq!(
        stdout(&setup),
        "Creating the SQLite database app.db\nApplied 0001_create_tags\n"
    );
    assert!(dir.path().join("app.db").is_file());
    // The command line wins over the file.
    let elsewhere = quarry(
        dir.path(),
        None,
        &["--migrations-dir", "nowhere", "migration", "status"],
    );
    expect_code(&elsewhere, 2);
    assert!(
        stderr(&elsewhere).contains("no migrations folder `nowhere`"),
        "{}",
        stderr(&elsewhere)
    );
    // A mistake in the file is a configuration error.
    write(
        dir.path(),
        "quarry.toml",
        "[database]\nurls = \"sqlite:app.db\"\n",
    );
    let bad = quarry(dir.path(), None, &["migration", "status"]);
    expect_code(&bad, 2);
    assert!(
        stderr(&bad).contains("quarry.toml") && stderr(&bad).contains("urls"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn the_guide_shows_what_print_schema_prints_for_its_migrations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let chapter = std::fs::read_to_string(root.join("book/src/cli.md")).unwrap();
    let after = chapter
        .split_once("(the\nguide's `book/migrations/` folder), on SQLite:\n\n```text\n")
        .expect("the chapter shows print-schema's output")
        .1;
    let shown = &after[..after.find("```").unwrap()];

    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", db.path().join("guide.db").display());
    let migrations = root.join("book/migrations");
    let migrations = migrations.to_str().unwrap();
    let setup = quarry(
        db.path(),
        Some(&url),
        &["--migrations-dir", migrations, "setup"],
    );
    expect_code(&setup, 0);
    let printed = quarry(db.path(), Some(&url), &["print-schema"]);
    expect_code(&printed, 0);
    let output = stdout(&printed);
    let tables = output.split_once("\n\n").unwrap().1;
    assert_eq!(tables, shown);
}

/// The declarations that [`print_schema_gives_back_what_create_all_made`] creates, as
/// `table!` input: what print-schema must print back, table for table. (The keys are
/// `Int4`: SQLite's rowid is `INTEGER PRIMARY KEY` whatever its declared width, and
/// reads back as `Int4`.)
const ROUND_TRIP: &str = include_str!("data/round_trip.rs");

/// The same declarations, compiled: what `create_all` creates.
#[allow(dead_code)]
mod round_trip {
    include!("data/round_trip.rs");
}

/// `create_all`, then `print-schema`: the same declarations come back.
fn print_schema_gives_back_what_create_all_made<C: Connection>(conn: &mut C, url: &str) {
    quarry::schema::create_all(
        conn,
        &[&round_trip::rt_books::table, &round_trip::rt_authors::table],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let printed = quarry(dir.path(), Some(url), &["print-schema"]);
    expect_code(&printed, 0);
    assert_eq!(stdout(&printed), ROUND_TRIP);
}

#[test]
fn print_schema_gives_back_what_create_all_made_on_sqlite() {
    let db = tempfile::tempdir().unwrap();
    let path = db.path().join("round_trip.db");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    print_schema_gives_back_what_create_all_made(&mut conn, &format!("sqlite:{}", path.display()));
}

#[test]
fn print_schema_gives_back_what_create_all_made_on_postgresql() {
    let schema = "cli_round_trip";
    let (mut conn, url) = pg_schema(schema);
    print_schema_gives_back_what_create_all_made(&mut conn, &url);
    conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .unwrap();
}

/// `ROUND_TRIP` changed: a column's type (`pages`), a new column (`subtitle`), a new
/// index, a column made unique (`slug`), and a new table.
fn changed_declarations() -> String {
    ROUND_TRIP
        .replace("        slug -> Text,\n", "        slug -> Text unique,\n")
        .replace(
            "        pages -> Int2 = default(0),\n",
            "        pages -> Int4 = default(0),\n        subtitle -> Nullable<Text>,\n",
        )
        .replace(
            "    #[index(author_id, title)]\n",
            "    #[index(author_id, title)]\n    #[index(published)]\n",
        )
        + "
quarry::table! {
    rt_reviews (id) {
        id -> Int4 = default,
        book_id -> Int4 references rt_books on delete cascade,
        stars -> Int2,
    }
}
"
}

/// `check` and `diff` against a database that `create_all` made: nothing to do for
/// the declarations it was made from; for changed ones, a migration that `migration
/// run` applies and `migration revert` takes back.
fn diff_and_check_against_the_declarations<C: Connection>(conn: &mut C, url: &str, pg: bool) {
    quarry::schema::create_all(
        conn,
        &[&round_trip::rt_books::table, &round_trip::rt_authors::table],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| quarry(dir.path(), Some(url), args);
    write(dir.path(), "src/schema.rs", ROUND_TRIP);
    let same = run(&["check"]);
    expect_code(&same, 0);
    assert_eq!(
        stdout(&same),
        "The database is as declared in src/schema.rs\n"
    );
    let nothing = run(&["diff", "nothing"]);
    expect_code(&nothing, 0);
    assert!(
        stdout(&nothing).contains("no migration written"),
        "{}",
        stdout(&nothing)
    );
    assert!(!dir.path().join("migrations").exists());

    write(dir.path(), "src/schema.rs", &changed_declarations());
    let differs = run(&["check"]);
    expect_code(&differs, 1);
    let report = stderr(&differs);
    assert!(
        report.contains("the database differs from the declarations in src/schema.rs"),
        "{report}"
    );
    assert!(report.contains("CREATE TABLE \"rt_reviews\""), "{report}");
    assert!(report.contains("ADD COLUMN \"subtitle\""), "{report}");

    expect_code(&run(&["setup"]), 0);
    let diff = run(&["diff", "grow", "--version", "2"]);
    expect_code(&diff, 0);
    let up = std::fs::read_to_string(dir.path().join("migrations/2_grow/up.sql")).unwrap();
    let down = std::fs::read_to_string(dir.path().join("migrations/2_grow/down.sql")).unwrap();
    if pg {
        assert_eq!(
            up,
            "CREATE TABLE \"rt_reviews\" (\"id\" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             \"book_id\" integer NOT NULL REFERENCES \"rt_books\" (\"id\") ON DELETE CASCADE, \
             \"stars\" smallint NOT NULL);\n\
             CREATE UNIQUE INDEX \"rt_books_slug_key\" ON \"rt_books\" (\"slug\");\n\
             ALTER TABLE \"rt_books\" ALTER COLUMN \"pages\" TYPE integer USING \"pages\"::integer;\n\
             ALTER TABLE \"rt_books\" ADD COLUMN \"subtitle\" text;\n\
             CREATE INDEX \"rt_books_published_idx\" ON \"rt_books\" (\"published\");\n"
        );
        assert_eq!(
            down,
            "DROP INDEX \"rt_books_published_idx\";\n\
             ALTER TABLE \"rt_books\" DROP COLUMN \"subtitle\";\n\
             ALTER TABLE \"rt_books\" ALTER COLUMN \"pages\" TYPE smallint USING \"pages\"::smallint;\n\
             DROP INDEX \"rt_books_slug_key\";\n\
             DROP TABLE \"rt_reviews\";\n"
        );
    } else {
        // SQLite alters no column's type: that change is reported, the rest written.
        assert!(
            stderr(&diff).contains(
                "note: column `rt_books.pages` changes type from Int2 to Int4, which SQLite cannot alter in place"
            ),
            "{}",
            stderr(&diff)
        );
        assert!(!up.contains("\"pages\""), "{up}");
        assert!(
            up.contains("ALTER TABLE \"rt_books\" ADD COLUMN \"subtitle\" TEXT;"),
            "{up}"
        );
        assert!(
            up.contains("CREATE UNIQUE INDEX \"rt_books_slug_key\" ON \"rt_books\" (\"slug\");"),
            "{up}"
        );
    }
    expect_code(&run(&["migration", "run"]), 0);
    let after = run(&["check"]);
    if pg {
        expect_code(&after, 0);
    } else {
        expect_code(&after, 1);
        assert!(
            stderr(&after).contains("changes type from Int2 to Int4"),
            "{}",
            stderr(&after)
        );
    }
    // Down again: the database is as it was made.
    expect_code(&run(&["migration", "revert"]), 0);
    write(dir.path(), "src/schema.rs", ROUND_TRIP);
    expect_code(&run(&["check"]), 0);
    std::fs::remove_dir_all(dir.path().join("migrations/2_grow")).unwrap();

    // Renames, declared: the column and the table keep their data.
    let renamed = ROUND_TRIP
        .replace(
            "        title -> Text,\n",
            "        #[renamed_from = \"title\"]\n        headline -> Text,\n",
        )
        .replace(
            "#[index(author_id, title)]",
            "#[index(author_id, headline)]",
        )
        .replace(
            "    rt_authors (id) {",
            "    #[renamed_from = \"rt_authors\"]\n    rt_writers (id) {",
        )
        .replace("references rt_authors", "references rt_writers");
    write(dir.path(), "src/schema.rs", &renamed);
    let rename = run(&["diff", "rename", "--version", "5"]);
    expect_code(&rename, 0);
    let up = std::fs::read_to_string(dir.path().join("migrations/5_rename/up.sql")).unwrap();
    assert_eq!(
        up,
        "ALTER TABLE \"rt_authors\" RENAME TO \"rt_writers\";\n\
         ALTER TABLE \"rt_books\" RENAME COLUMN \"title\" TO \"headline\";\n"
    );
    let down = std::fs::read_to_string(dir.path().join("migrations/5_rename/down.sql")).unwrap();
    assert_eq!(
        down,
        "ALTER TABLE \"rt_books\" RENAME COLUMN \"headline\" TO \"title\";\n\
         ALTER TABLE \"rt_writers\" RENAME TO \"rt_authors\";\n"
    );
    expect_code(&run(&["migration", "run"]), 0);
    expect_code(&run(&["check"]), 0);
    expect_code(&run(&["migration", "revert"]), 0);
    write(dir.path(), "src/schema.rs", ROUND_TRIP);
    expect_code(&run(&["check"]), 0);
    std::fs::remove_dir_all(dir.path().join("migrations/5_rename")).unwrap();

    // A column only the database has: reported, dropped only with --destructive.
    write(
        dir.path(),
        "src/schema.rs",
        &ROUND_TRIP.replace("        at -> Time,\n", ""),
    );
    let kept = run(&["diff", "shrink", "--version", "3"]);
    expect_code(&kept, 0);
    assert!(
        stderr(&kept).contains("column `rt_books.at` is in the database but not declared"),
        "{}",
        stderr(&kept)
    );
    let dropped = run(&["diff", "shrink", "--version", "4", "--destructive"]);
    expect_code(&dropped, 0);
    let up = std::fs::read_to_string(dir.path().join("migrations/4_shrink/up.sql")).unwrap();
    assert_eq!(up, "ALTER TABLE \"rt_books\" DROP COLUMN \"at\";\n");

    // A declarations file that does not parse names the place.
    write(
        dir.path(),
        "src/schema.rs",
        "quarry::table! { t (id) { id -> } }",
    );
    let broken = run(&["check"]);
    expect_code(&broken, 2);
    assert!(
        stderr(&broken).contains("src/schema.rs:1:"),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn diff_and_check_on_sqlite() {
    let db = tempfile::tempdir().unwrap();
    let path = db.path().join("diff.db");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    diff_and_check_against_the_declarations(
        &mut conn,
        &format!("sqlite:{}", path.display()),
        false,
    );
}

#[test]
fn diff_and_check_on_postgresql() {
    let schema = "cli_diff_check";
    let (mut conn, url) = pg_schema(schema);
    diff_and_check_against_the_declarations(&mut conn, &url, true);
    conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .unwrap();
}
