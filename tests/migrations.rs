//! Migrations, embedded with `embed_migrations!` or read from a folder at run time, on
//! each backend: running, reverting and redoing them, what the tracking table records,
//! concurrent runners, line-end-insensitive checksums, edited and failing migrations.
//!
//! The fixtures are under `tests/migrations/`; their tables are named `mig_*`, apart
//! from the shared schema's.

mod common;

use common::{BackendKind, TestDb, expect_err};
use quarry::conn::Connection;
use quarry::migrate::{MigrationConnection, MigrationError, MigrationState, Migrations};
use quarry::prelude::*;
use std::path::{Path, PathBuf};

/// Three migrations: two tables, a row, a column.
const BASIC: Migrations = quarry::embed_migrations!("migrations/basic");
/// Its second migration fails at its second statement.
const FAILING: Migrations = quarry::embed_migrations!("migrations/failing");
/// A table, then a `CREATE INDEX CONCURRENTLY` outside any transaction (PostgreSQL).
const CONCURRENTLY: Migrations = quarry::embed_migrations!("migrations/concurrently");

fn versions(list: &[quarry::migrate::Migration]) -> Vec<String> {
    list.iter().map(|m| m.version().to_owned()).collect()
}

fn states(
    migrations: &Migrations,
    conn: &mut impl MigrationConnection,
) -> Vec<(String, &'static str)> {
    migrations
        .status(conn)
        .unwrap()
        .into_iter()
        .map(|s| {
            let state = match s.state {
                MigrationState::Pending => "pending",
                MigrationState::Applied { .. } => "applied",
                MigrationState::Edited { .. } => "edited",
                MigrationState::Failed { .. } => "failed",
                MigrationState::Unknown { .. } => "unknown",
                _ => "other",
            };
            (s.version, state)
        })
        .collect()
}

fn pairs(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    list.iter().map(|(v, s)| ((*v).to_owned(), *s)).collect()
}

/// Whether `table` exists (a query on it succeeds).
fn table_exists<C: Connection>(conn: &mut C, table: &str) -> bool {
    quarry::sql_query(format!("SELECT COUNT(*) FROM {table}"))
        .get_result::<i64, _>(conn)
        .is_ok()
}

fn the_migration_error(e: quarry::Error) -> MigrationError {
    match e {
        quarry::Error::Migration(m) => *m,
        other => panic!("expected Error::Migration, got {other:?}"),
    }
}

fn run_revert_and_redo<C: MigrationConnection>(db: &mut TestDb<C>) {
    let conn = &mut db.conn;
    assert_eq!(
        states(&BASIC, conn),
        pairs(&[
            ("0001", "pending"),
            ("0002", "pending"),
            ("0003", "pending")
        ])
    );
    assert_eq!(
        versions(&BASIC.run_pending(conn).unwrap()),
        ["0001", "0002", "0003"]
    );
    assert!(
        BASIC.run_pending(conn).unwrap().is_empty(),
        "a second run applies nothing"
    );

    // The migrations' effects are there: the row of 0002, the column of 0003.
    quarry::sql_query(
        "INSERT INTO mig_books (id, author_id, title, isbn) VALUES (1, 1, 'Notes', '0-123')",
    )
    .execute(conn)
    .unwrap();
    let ada: String = quarry::sql_query("SELECT name FROM mig_authors WHERE id = 1")
        .get_result(conn)
        .unwrap();
    assert_eq!(ada, "Ada");

    // The tracking table: each migration once, with its checksum and a timestamp.
    let applied = BASIC.applied(conn).unwrap();
    assert_eq!(applied.len(), 3);
    for (record, migration) in applied.iter().zip(&BASIC) {
        assert_eq!(record.version, migration.version());
        assert_eq!(record.name, migration.name());
        assert_eq!(record.checksum, migration.checksum());
        assert!(
            record.applied_at.starts_with("20"),
            "applied_at: {}",
            record.applied_at
        );
    }
    assert_eq!(
        states(&BASIC, conn),
        pairs(&[
            ("0001", "applied"),
            ("0002", "applied"),
            ("0003", "applied")
        ])
    );

    // Revert the last one: its column goes, the rest stays.
    let reverted = BASIC
        .revert_last(conn)
        .unwrap()
        .map(|m| m.version().to_owned());
    assert_eq!(reverted.as_deref(), Some("0003"));
    assert!(
        quarry::sql_query("SELECT isbn FROM mig_books")
            .execute(conn)
            .is_err()
    );
    assert!(table_exists(conn, "mig_books"));
    assert_eq!(
        states(&BASIC, conn),
        pairs(&[
            ("0001", "applied"),
            ("0002", "applied"),
            ("0003", "pending")
        ])
    );

    // Redo the (new) last one: 0002 goes down and up again, its row comes back.
    let redone = BASIC
        .redo_last(conn)
        .unwrap()
        .map(|m| m.version().to_owned());
    assert_eq!(redone.as_deref(), Some("0002"));
    let authors: i64 = quarry::sql_query("SELECT COUNT(*) FROM mig_authors")
        .get_result(conn)
        .unwrap();
    assert_eq!(authors, 1);
    assert_eq!(versions(&BASIC.run_pending(conn).unwrap()), ["0003"]);

    // A set that lacks an applied migration reports it, and will not revert it.
    let older = Migrations::new(BASIC.iter().take(2).cloned().collect()).unwrap();
    assert_eq!(
        states(&older, conn),
        pairs(&[
            ("0001", "applied"),
            ("0002", "applied"),
            ("0003", "unknown")
        ])
    );
    match the_migration_error(expect_err(older.revert_last(conn))) {
        MigrationError::Unknown { version, .. } => assert_eq!(version, "0003"),
        other => panic!("expected Unknown, got {other:?}"),
    }

    // Down to nothing.
    for expected in ["0003", "0002", "0001"] {
        assert_eq!(
            BASIC
                .revert_last(conn)
                .unwrap()
                .map(|m| m.version().to_owned())
                .as_deref(),
            Some(expected)
        );
    }
    assert!(BASIC.revert_last(conn).unwrap().is_none());
    assert!(!table_exists(conn, "mig_authors"));
    assert!(BASIC.applied(conn).unwrap().is_empty());
}

fn a_failing_migration_leaves_nothing_and_is_reported<C: MigrationConnection>(db: &mut TestDb<C>) {
    let conn = &mut db.conn;
    match the_migration_error(expect_err(FAILING.run_pending(conn))) {
        MigrationError::Failed {
            version,
            direction,
            cause,
            ..
        } => {
            assert_eq!(version, "0002");
            assert_eq!(direction, "up");
            assert!(cause.to_string().contains("mig_missing"), "{cause}");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(table_exists(conn, "mig_authors"), "0001 stays applied");
    assert!(
        !table_exists(conn, "mig_half"),
        "the failed migration's first statement was rolled back"
    );
    assert!(
        !table_exists(conn, "mig_never"),
        "the migrations after it did not run"
    );
    assert_eq!(
        states(&FAILING, conn),
        pairs(&[("0001", "applied"), ("0002", "failed"), ("0003", "pending")])
    );
    let failed = FAILING.status(conn).unwrap().remove(1);
    match failed.state {
        MigrationState::Failed { error, .. } => assert!(error.contains("mig_missing"), "{error}"),
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(
        BASIC.applied(conn).unwrap().len(),
        1,
        "a failed migration is not applied"
    );

    // Fixed, it runs, and the failure is forgotten.
    let mut fixed: Vec<_> = FAILING.iter().cloned().collect();
    fixed[1] = quarry::migrate::Migration::new(
        "0002",
        "broken",
        "CREATE TABLE mig_half (x INTEGER);",
        None,
    )
    .unwrap();
    let fixed = Migrations::new(fixed).unwrap();
    assert_eq!(
        versions(&fixed.run_pending(conn).unwrap()),
        ["0002", "0003"]
    );
    assert_eq!(
        states(&fixed, conn),
        pairs(&[
            ("0001", "applied"),
            ("0002", "applied"),
            ("0003", "applied")
        ])
    );
}

/// A copy of a fixture folder, each file's text changed by `edit`.
fn copy_migrations(from: &str, edit: impl Fn(&Path, String) -> String) -> tempfile::TempDir {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(from);
    let target = tempfile::tempdir().unwrap();
    for folder in std::fs::read_dir(&source).unwrap() {
        let folder = folder.unwrap().path();
        let copy = target.path().join(folder.file_name().unwrap());
        std::fs::create_dir(&copy).unwrap();
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            let relative: PathBuf = file.strip_prefix(&source).unwrap().to_owned();
            let text = edit(&relative, std::fs::read_to_string(&file).unwrap());
            std::fs::write(copy.join(file.file_name().unwrap()), text).unwrap();
        }
    }
    target
}

fn a_crlf_checkout_runs_as_applied<C: MigrationConnection>(db: &mut TestDb<C>) {
    let conn = &mut db.conn;
    BASIC.run_pending(conn).unwrap();
    // What a Windows checkout with `core.autocrlf` makes of the files, plus a BOM and
    // trailing blanks.
    let dir = copy_migrations("migrations/basic", |_, text| {
        format!("\u{feff}{}  \r\n\r\n", text.replace('\n', " \r\n"))
    });
    // The folder read at run time is what the macro embedded.
    let lf = Migrations::from_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/basic"))
        .unwrap();
    assert_eq!(
        lf.iter().collect::<Vec<_>>(),
        BASIC.iter().collect::<Vec<_>>()
    );
    let crlf = Migrations::from_dir(dir.path()).unwrap();
    assert!(crlf.get("0002").unwrap().up_sql().contains("\r\n"));
    for (a, b) in crlf.iter().zip(&BASIC) {
        assert_eq!(a.checksum(), b.checksum(), "{}", a.name());
    }
    assert!(crlf.run_pending(conn).unwrap().is_empty());
    assert_eq!(
        states(&crlf, conn),
        pairs(&[
            ("0001", "applied"),
            ("0002", "applied"),
            ("0003", "applied")
        ])
    );
}

fn an_edited_applied_migration_is_refused_until_rehashed<C: MigrationConnection>(
    db: &mut TestDb<C>,
) {
    let conn = &mut db.conn;
    let first_two = Migrations::new(BASIC.iter().take(2).cloned().collect()).unwrap();
    first_two.run_pending(conn).unwrap();
    let dir = copy_migrations("migrations/basic", |path, text| {
        if path.starts_with("0002_create_books") {
            text.replace("'Ada'", "'Grace'")
        } else {
            text
        }
    });
    let edited = Migrations::from_dir(dir.path()).unwrap();
    match the_migration_error(expect_err(edited.run_pending(conn))) {
        MigrationError::Edited {
            version,
            diff,
            applied_checksum,
            current_checksum,
            ..
        } => {
            assert_eq!(version, "0002");
            assert_ne!(applied_checksum, current_checksum);
            assert!(
                diff.contains("- INSERT INTO mig_authors (id, name) VALUES (1, 'Ada');")
                    && diff.contains("+ INSERT INTO mig_authors (id, name) VALUES (1, 'Grace');"),
                "{diff}"
            );
        }
        other => panic!("expected Edited, got {other:?}"),
    }
    // Nothing ran: the pending 0003 is still pending.
    assert!(
        quarry::sql_query("SELECT isbn FROM mig_books")
            .execute(conn)
            .is_err()
    );
    assert_eq!(
        states(&edited, conn),
        pairs(&[("0001", "applied"), ("0002", "edited"), ("0003", "pending")])
    );
    // The message names the migration and shows the change.
    let message = expect_err(edited.run_pending(conn)).to_string();
    assert!(
        message.contains("0002_create_books was edited") && message.contains("'Grace'"),
        "{message}"
    );

    // Re-hashing on purpose accepts the new text.
    edited.rehash(conn, "0002").unwrap();
    assert_eq!(versions(&edited.run_pending(conn).unwrap()), ["0003"]);
    assert!(matches!(
        the_migration_error(expect_err(edited.rehash(conn, "0042"))),
        MigrationError::NoSuchVersion { .. }
    ));
    // A version the set has but the database has not applied: nothing to rehash.
    edited.revert_last(conn).unwrap();
    assert!(matches!(
        the_migration_error(expect_err(edited.rehash(conn, "0003"))),
        MigrationError::NotApplied { .. }
    ));
}

/// Where a second connection to the test's database comes from.
trait Reopen: MigrationConnection {
    /// Something every thread's connection can reach: for SQLite a file in a temp dir
    /// (the test's own database is in memory), for PostgreSQL the test's schema.
    fn shared(db: &mut TestDb<Self>) -> Shared;
    fn open(shared: &Shared) -> Self;
}

enum Shared {
    SqliteFile(tempfile::TempDir),
    PgSchema(String),
}

impl Reopen for SqliteConnection {
    fn shared(_db: &mut TestDb<Self>) -> Shared {
        Shared::SqliteFile(tempfile::tempdir().unwrap())
    }
    fn open(shared: &Shared) -> Self {
        let Shared::SqliteFile(dir) = shared else {
            unreachable!()
        };
        SqliteConnection::establish(dir.path().join("shared.db").to_str().unwrap()).unwrap()
    }
}

impl Reopen for PgConnection {
    fn shared(db: &mut TestDb<Self>) -> Shared {
        let schema: String = quarry::sql_query("SELECT current_schema()")
            .get_result(&mut db.conn)
            .unwrap();
        Shared::PgSchema(schema)
    }
    fn open(shared: &Shared) -> Self {
        let Shared::PgSchema(schema) = shared else {
            unreachable!()
        };
        let mut conn = PgConnection::establish(&common::pg_url()).unwrap();
        conn.batch_execute(&format!("SET search_path TO \"{schema}\""))
            .unwrap();
        conn
    }
}

fn sixteen_concurrent_runners_apply_each_migration_once<C: Reopen>(db: &mut TestDb<C>) {
    let shared = C::shared(db);
    let barrier = std::sync::Barrier::new(16);
    let ran: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = C::open(&shared);
                    barrier.wait();
                    versions(&BASIC.run_pending(&mut conn).unwrap())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<String> = ran.into_iter().flatten().collect();
    all.sort();
    assert_eq!(
        all,
        ["0001", "0002", "0003"],
        "each version is applied by exactly one runner"
    );
    let mut conn = C::open(&shared);
    assert_eq!(BASIC.applied(&mut conn).unwrap().len(), 3);
    let authors: i64 = quarry::sql_query("SELECT COUNT(*) FROM mig_authors")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(authors, 1, "0002's insert ran once");
    drop(conn);
    if db.kind() == BackendKind::Sqlite {
        assert!(
            BASIC.applied(&mut db.conn).unwrap().is_empty(),
            "the file, not the test's database"
        );
    }
}

fn create_index_concurrently_runs_outside_a_transaction(db: &mut TestDb<PgConnection>) {
    let conn = &mut db.conn;
    let second = CONCURRENTLY.get("0002").unwrap().clone();
    assert!(second.up_runs_outside_transaction() && second.down_runs_outside_transaction());
    assert_eq!(
        versions(&CONCURRENTLY.run_pending(conn).unwrap()),
        ["0001", "0002"]
    );
    let index_valid = "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE c.relname = 'mig_items_label' AND c.relnamespace = current_schema()::regnamespace \
         AND i.indisvalid";
    let count: i64 = quarry::sql_query(index_valid).get_result(conn).unwrap();
    assert_eq!(count, 1, "the index was built, and is valid");
    assert_eq!(
        CONCURRENTLY
            .revert_last(conn)
            .unwrap()
            .map(|m| m.version().to_owned())
            .as_deref(),
        Some("0002")
    );
    let count: i64 = quarry::sql_query(index_valid).get_result(conn).unwrap();
    assert_eq!(count, 0);
    // Inside a transaction, the same migration cannot run: PostgreSQL refuses it, and
    // the migration is reported as failed rather than half-applied.
    let failed = conn.transaction(|conn| CONCURRENTLY.run_pending(conn).map(|_| ()));
    let message = expect_err(failed).to_string();
    assert!(message.contains("0002_index_items failed"), "{message}");
}

fn vacuum_runs_outside_a_transaction_on_sqlite(db: &mut TestDb<SqliteConnection>) {
    let conn = &mut db.conn;
    // SQLite refuses VACUUM inside a transaction.
    assert!(
        conn.transaction(|conn| conn.batch_execute("VACUUM"))
            .is_err()
    );
    let migrations = Migrations::new(vec![
        quarry::migrate::Migration::new("1", "create", "CREATE TABLE mig_t (x INTEGER);", None)
            .unwrap(),
        quarry::migrate::Migration::new("2", "vacuum", "-- quarry: no-transaction\nVACUUM;", None)
            .unwrap(),
    ])
    .unwrap();
    assert_eq!(versions(&migrations.run_pending(conn).unwrap()), ["1", "2"]);
    assert_eq!(
        states(&migrations, conn),
        pairs(&[("1", "applied"), ("2", "applied")])
    );
}

fn a_malformed_folder_is_an_error_not_a_panic<C: MigrationConnection>(_db: &mut TestDb<C>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("create_users")).unwrap();
    let e = the_migration_error(expect_err(Migrations::from_dir(dir.path())));
    assert!(e.to_string().contains("`<version>_<name>`"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("0001_index");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("up.sql"),
        "-- quarry: no-transaction\nSELECT 1; SELECT 2;",
    )
    .unwrap();
    let e = the_migration_error(expect_err(Migrations::from_dir(dir.path())));
    assert!(e.to_string().contains("exactly one statement"), "{e}");

    let e = the_migration_error(expect_err(Migrations::from_dir(dir.path().join("nowhere"))));
    assert!(matches!(e, MigrationError::Folder { .. }), "{e}");
}

// The bodies run on each blocking connection, which is what `MigrationConnection` is
// implemented for; `only sqlite:` and `only pg:` name those two backends.
common::backend_tests! {
    only sqlite:
    run_revert_and_redo,
    a_failing_migration_leaves_nothing_and_is_reported,
    a_crlf_checkout_runs_as_applied,
    an_edited_applied_migration_is_refused_until_rehashed,
    sixteen_concurrent_runners_apply_each_migration_once,
    a_malformed_folder_is_an_error_not_a_panic,
    vacuum_runs_outside_a_transaction_on_sqlite,
}

common::backend_tests! {
    only pg:
    run_revert_and_redo,
    a_failing_migration_leaves_nothing_and_is_reported,
    a_crlf_checkout_runs_as_applied,
    an_edited_applied_migration_is_refused_until_rehashed,
    sixteen_concurrent_runners_apply_each_migration_once,
    a_malformed_folder_is_an_error_not_a_panic,
    create_index_concurrently_runs_outside_a_transaction,
}
