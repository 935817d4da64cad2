//! `Connection::transaction`: commit on `Ok`, roll back on `Err` and on panic, nested
//! transactions as savepoints, and the connection usable after every outcome; test
//! transactions; PostgreSQL's transaction options; retries after serialization failures,
//! and concurrent writers.

mod common;

use common::BackendKind;
use common::{TestDb, expect_database_error, users};
use quarry::conn::{Connection, RetryableError, TransactionBehavior};
use quarry::prelude::*;
use quarry::{DatabaseErrorKind, Error, sql_query};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};

fn insert_user<C: Connection>(conn: &mut C, name: &str) -> Result<(), Error> {
    conn.batch_execute(&format!(
        "INSERT INTO users (name, age) VALUES ('{name}', 30)"
    ))
}

fn names<C: Connection>(db: &mut TestDb<C>) -> Vec<String> {
    users::table
        .filter(users::id.gt(5))
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap()
}

/// Proves no transaction is left open: a new one can begin, and it commits.
fn assert_usable<C: Connection>(db: &mut TestDb<C>) {
    let n = db
        .conn
        .transaction(|c| {
            insert_user(c, "Probe")?;
            users::table.count().get_result(c)
        })
        .unwrap();
    let after: i64 = users::table.count().get_result(&mut db.conn).unwrap();
    assert_eq!(n, after);
    db.exec("DELETE FROM users WHERE name = 'Probe'");
}

fn commits_on_ok<C: Connection>(db: &mut TestDb<C>) {
    let value = db
        .conn
        .transaction(|c| {
            insert_user(c, "Barbara")?;
            insert_user(c, "Edsger")?;
            // Typed queries see the transaction's own rows.
            let inside = users::table.count().get_result(c)?;
            Ok::<_, Error>(inside)
        })
        .unwrap();
    assert_eq!(value, 7);
    assert_eq!(names(db), ["Barbara", "Edsger"]);
    assert_usable(db);
}

fn rolls_back_on_err<C: Connection>(db: &mut TestDb<C>) {
    let result: Result<(), Error> = db.conn.transaction(|c| {
        insert_user(c, "Barbara")?;
        Err(Error::NotFound)
    });
    assert!(matches!(result, Err(Error::NotFound)), "{result:?}");
    assert!(names(db).is_empty());
    assert_usable(db);
}

#[derive(Debug)]
enum AppError {
    Db(Error),
    Rejected(&'static str),
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Db(e)
    }
}

fn rolls_back_on_an_error_of_the_applications_type<C: Connection>(db: &mut TestDb<C>) {
    let result: Result<i32, AppError> = db.conn.transaction(|c| {
        insert_user(c, "Barbara")?;
        let n = users::table.count().get_result(c)?;
        if n > 5 {
            return Err(AppError::Rejected("too many users"));
        }
        Ok(1)
    });
    assert!(
        matches!(result, Err(AppError::Rejected("too many users"))),
        "{result:?}"
    );
    assert!(names(db).is_empty());
    // A database error converts into the application's error type.
    let result: Result<(), AppError> = db.conn.transaction(|c| {
        insert_user(c, "Barbara")?;
        insert_user(c, "Ada")?;
        Ok(())
    });
    match result {
        Err(AppError::Db(e)) => {
            assert_eq!(e.database_kind(), Some(DatabaseErrorKind::UniqueViolation));
        }
        other => panic!("expected AppError::Db, got {other:?}"),
    }
    assert!(names(db).is_empty());
    assert_usable(db);
}

fn rolls_back_on_panic<C: Connection>(db: &mut TestDb<C>) {
    let conn = &mut db.conn;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        conn.transaction(|c| -> Result<(), Error> {
            insert_user(c, "Barbara")?;
            panic!("boom inside the transaction");
        })
    }));
    let payload = outcome.expect_err("the panic goes on after the rollback");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"boom inside the transaction")
    );
    assert!(names(db).is_empty());
    assert_usable(db);
    // Twice in a row, to be sure the depth was reset.
    let conn = &mut db.conn;
    let again = catch_unwind(AssertUnwindSafe(|| {
        conn.transaction(|c| -> Result<(), Error> {
            insert_user(c, "Edsger")?;
            panic!("again")
        })
    }));
    assert!(again.is_err());
    assert!(names(db).is_empty());
    assert_usable(db);
}

fn nested_transaction_rolls_back_only_the_inner_part<C: Connection>(db: &mut TestDb<C>) {
    db.conn
        .transaction(|c| {
            insert_user(c, "Outer1")?;
            let inner: Result<(), Error> = c.transaction(|c| {
                insert_user(c, "Inner")?;
                Err(Error::NotFound)
            });
            assert!(matches!(inner, Err(Error::NotFound)), "{inner:?}");
            insert_user(c, "Outer2")?;
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(names(db), ["Outer1", "Outer2"]);
    assert_usable(db);
}

fn nested_commit_is_undone_by_the_outer_rollback<C: Connection>(db: &mut TestDb<C>) {
    let result: Result<(), Error> = db.conn.transaction(|c| {
        insert_user(c, "Outer")?;
        c.transaction(|c| insert_user(c, "Inner"))?;
        let inside = users::table
            .filter(users::name.eq("Inner"))
            .count()
            .get_result(c)?;
        assert_eq!(inside, 1, "the released savepoint's row is visible inside");
        Err(Error::NotFound)
    });
    assert!(result.is_err());
    assert!(names(db).is_empty());
    assert_usable(db);
}

fn three_levels_of_nesting<C: Connection>(db: &mut TestDb<C>) {
    db.conn
        .transaction(|c| {
            insert_user(c, "L1")?;
            c.transaction(|c| {
                insert_user(c, "L2")?;
                let deepest: Result<(), Error> = c.transaction(|c| {
                    insert_user(c, "L3")?;
                    Err(Error::NotFound)
                });
                assert!(deepest.is_err());
                c.transaction(|c| insert_user(c, "L3b"))
            })?;
            let failed: Result<(), Error> = c.transaction(|c| {
                insert_user(c, "L2b")?;
                c.transaction(|c| insert_user(c, "L3c"))?;
                Err(Error::NotFound)
            });
            assert!(failed.is_err());
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(names(db), ["L1", "L2", "L3b"]);
    assert_usable(db);
}

fn panic_in_a_nested_transaction_rolls_back_only_that_level<C: Connection>(db: &mut TestDb<C>) {
    db.conn
        .transaction(|c| {
            insert_user(c, "Before")?;
            let caught = catch_unwind(AssertUnwindSafe(|| {
                c.transaction(|c| -> Result<(), Error> {
                    insert_user(c, "Doomed")?;
                    panic!("inner boom")
                })
            }));
            assert!(caught.is_err());
            insert_user(c, "After")?;
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(names(db), ["Before", "After"]);
    assert_usable(db);
}

fn failed_statement_rolls_back_the_earlier_rows<C: Connection>(db: &mut TestDb<C>) {
    let result: Result<(), Error> = db.conn.transaction(|c| {
        insert_user(c, "Barbara")?;
        insert_user(c, "Edsger")?;
        insert_user(c, "Grace")?; // UNIQUE violation
        insert_user(c, "Never")?;
        Ok(())
    });
    // The error is the statement's, unchanged.
    let e = expect_database_error(result);
    assert_eq!(e.kind, DatabaseErrorKind::UniqueViolation, "{e:?}");
    assert!(names(db).is_empty());
    assert_usable(db);
}

fn failed_statement_in_a_savepoint_loses_nothing_else<C: Connection>(db: &mut TestDb<C>) {
    // A statement that may fail runs in a nested transaction; its failure undoes only
    // itself, and the transaction goes on (on every backend, PostgreSQL included).
    db.conn
        .transaction(|c| {
            insert_user(c, "Barbara")?;
            let duplicate = c.transaction(|c| insert_user(c, "Ada"));
            let e = expect_database_error(duplicate);
            assert_eq!(e.kind, DatabaseErrorKind::UniqueViolation);
            insert_user(c, "Edsger")?;
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(names(db), ["Barbara", "Edsger"]);
    assert_usable(db);
}

/// An error that carries what the transaction saw, to roll back and still report it.
#[derive(Debug)]
enum Seen {
    Db(Error),
    Rows(i64, Vec<i32>),
}

impl From<Error> for Seen {
    fn from(e: Error) -> Self {
        Seen::Db(e)
    }
}

fn typed_and_raw_queries_in_a_transaction<C: Connection>(db: &mut TestDb<C>) {
    let result: Result<(), Seen> = db.conn.transaction(|c| {
        let before = users::table
            .filter(users::age.eq(36))
            .count()
            .get_result(c)?;
        sql_query("UPDATE users SET age = 36 WHERE id = 5").execute(c)?;
        let during = users::table
            .filter(users::age.eq(36))
            .select(users::id)
            .order_by(users::id)
            .load(c)?;
        Err(Seen::Rows(before, during))
    });
    match result {
        Err(Seen::Rows(before, during)) => {
            assert_eq!(before, 2);
            assert_eq!(during, [1, 4, 5]);
        }
        Err(Seen::Db(e)) => panic!("a query failed: {e}"),
        Ok(()) => panic!("the closure returned Err"),
    }
    // Rolled back.
    let ids = users::table
        .filter(users::age.eq(36))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [1, 4]);
}

// ----- Statements that fail inside a transaction whose closure goes on ---------------

/// What `TransactionRolledBack` says: the first failed statement's error, its SQL, and
/// whether only a savepoint was rolled back.
#[track_caller]
fn expect_rolled_back<T: std::fmt::Debug>(
    result: Result<T, Error>,
) -> (Option<Error>, Option<String>, bool) {
    match result {
        Err(Error::TransactionRolledBack {
            cause,
            statement,
            savepoint,
        }) => (cause.map(|c| *c), statement, savepoint),
        other => panic!("expected Error::TransactionRolledBack, got {other:?}"),
    }
}

/// The kind of the database error `error` must be.
#[track_caller]
fn kind_of(error: Option<Error>) -> DatabaseErrorKind {
    match error {
        Some(Error::Database(e)) => e.kind,
        other => panic!("expected a database error, got {other:?}"),
    }
}

const DUPLICATE_ADA: &str = "INSERT INTO users (name, age) VALUES ('Ada', 30)";

fn swallowed_failure_on_pg_commits_nothing(db: &mut TestDb<PgConnection>) {
    // PostgreSQL aborts the transaction at the failed INSERT; the closure ignores the
    // error and returns Ok. The COMMIT would be answered with ROLLBACK: quarry says so.
    let mut refused = None;
    let result: Result<(), Error> = db.conn.transaction(|c| {
        insert_user(c, "Barbara")?;
        let _ = c.batch_execute(DUPLICATE_ADA);
        refused = insert_user(c, "Edsger").err();
        Ok(())
    });
    let error = result.as_ref().map_err(ToString::to_string).unwrap_err();
    let (cause, statement, savepoint) = expect_rolled_back(result);
    // The statement after the failure was refused by the server.
    let refused = expect_database_error::<()>(Err(refused.expect("Edsger was refused")));
    assert_eq!(refused.sqlstate.as_deref(), Some("25P02"), "{refused:?}");
    // The error names the first failure, not the refusals after it.
    let cause = cause.expect("the failed statement's error");
    assert_eq!(
        cause.database_kind(),
        Some(DatabaseErrorKind::UniqueViolation)
    );
    assert_eq!(statement.as_deref(), Some(DUPLICATE_ADA));
    assert!(!savepoint);
    assert_eq!(
        error,
        format!(
            "the transaction was rolled back because an earlier statement failed: \
             {cause}, in `{DUPLICATE_ADA}`"
        )
    );
    assert!(names(db).is_empty());
    assert_usable(db);
}

fn swallowed_failure_in_a_savepoint_rolls_back_only_the_savepoint(db: &mut TestDb<PgConnection>) {
    db.conn
        .transaction(|c| {
            insert_user(c, "Outer1")?;
            let inner: Result<(), Error> = c.transaction(|c| {
                insert_user(c, "Inner")?;
                let _ = c.batch_execute(DUPLICATE_ADA);
                Ok(())
            });
            let message = inner.as_ref().map_err(ToString::to_string).unwrap_err();
            assert!(
                message.starts_with(
                    "the savepoint (nested transaction) was rolled back because an earlier \
                     statement in it failed: unique violation"
                ),
                "{message}"
            );
            let (cause, statement, savepoint) = expect_rolled_back(inner);
            assert_eq!(kind_of(cause), DatabaseErrorKind::UniqueViolation);
            assert_eq!(statement.as_deref(), Some(DUPLICATE_ADA));
            assert!(savepoint);
            // Rolled back to the savepoint, the outer transaction goes on and commits.
            insert_user(c, "Outer2")
        })
        .unwrap();
    assert_eq!(names(db), ["Outer1", "Outer2"]);
    assert_usable(db);
}

fn a_failure_undone_by_its_savepoint_is_not_reported_later(db: &mut TestDb<PgConnection>) {
    let result: Result<(), Error> = db.conn.transaction(|c| {
        // Fails, and its savepoint is rolled back: the transaction is sound again.
        let inner = c.transaction(|c| c.batch_execute(DUPLICATE_ADA));
        assert_eq!(
            expect_database_error(inner).kind,
            DatabaseErrorKind::UniqueViolation
        );
        insert_user(c, "Barbara")?;
        // This failure is the one that spoils the transaction.
        let _ = c.batch_execute("INSERT INTO no_such_table VALUES (1)");
        Ok(())
    });
    let (cause, statement, savepoint) = expect_rolled_back(result);
    assert_eq!(kind_of(cause), DatabaseErrorKind::InvalidStatement);
    assert_eq!(
        statement.as_deref(),
        Some("INSERT INTO no_such_table VALUES (1)")
    );
    assert!(!savepoint);
    assert!(names(db).is_empty());
    // The next transaction starts with no failure of its own.
    db.conn.transaction(|c| insert_user(c, "Edsger")).unwrap();
    assert_eq!(names(db), ["Edsger"]);
}

fn swallowed_failure_on_sqlite_keeps_the_other_statements(db: &mut TestDb<SqliteConnection>) {
    // SQLite undoes the failed statement only; the transaction goes on and commits the
    // rest, as the guide says.
    db.conn
        .transaction(|c| {
            insert_user(c, "Barbara")?;
            let failed = c.batch_execute(DUPLICATE_ADA);
            assert_eq!(
                expect_database_error(failed).kind,
                DatabaseErrorKind::UniqueViolation
            );
            insert_user(c, "Edsger")
        })
        .unwrap();
    assert_eq!(names(db), ["Barbara", "Edsger"]);
    assert_usable(db);
}

const DUPLICATE_ADA_OR_ROLLBACK: &str =
    "INSERT OR ROLLBACK INTO users (name, age) VALUES ('Ada', 1)";

fn swallowed_failure_after_sqlite_rolled_back_commits_nothing(db: &mut TestDb<SqliteConnection>) {
    // `OR ROLLBACK` makes SQLite roll the whole transaction back itself. The closure
    // ignores that and goes on: its next statement must not run outside any
    // transaction (where it would commit on its own), and the transaction must not
    // report success.
    let mut refused = None;
    let result: Result<(), Error> = db.conn.transaction(|c| {
        insert_user(c, "Barbara")?;
        let _ = c.batch_execute(DUPLICATE_ADA_OR_ROLLBACK);
        refused = Some(insert_user(c, "Edsger"));
        Ok(())
    });
    let (cause, statement, savepoint) = expect_rolled_back(result);
    assert_eq!(kind_of(cause), DatabaseErrorKind::UniqueViolation);
    assert_eq!(statement.as_deref(), Some(DUPLICATE_ADA_OR_ROLLBACK));
    assert!(!savepoint);
    let (cause, _, _) = expect_rolled_back(refused.expect("the closure ran"));
    assert_eq!(kind_of(cause), DatabaseErrorKind::UniqueViolation);
    // Neither Barbara (rolled back) nor Edsger (refused) was kept.
    assert!(names(db).is_empty());
    assert_usable(db);
}

fn sqlite_rollback_under_a_savepoint_ends_every_level(db: &mut TestDb<SqliteConnection>) {
    let result: Result<(), Error> = db.conn.transaction(|c| {
        insert_user(c, "Outer")?;
        let inner: Result<(), Error> = c.transaction(|c| {
            insert_user(c, "Inner")?;
            let _ = c.batch_execute(DUPLICATE_ADA_OR_ROLLBACK);
            Ok(())
        });
        // The whole transaction is gone, not only the savepoint.
        let (cause, _, savepoint) = expect_rolled_back(inner);
        assert_eq!(kind_of(cause), DatabaseErrorKind::UniqueViolation);
        assert!(!savepoint);
        // A nested transaction cannot start either (a SAVEPOINT would open a new one).
        let again = c.transaction(|c| insert_user(c, "Again"));
        expect_rolled_back(again);
        Ok(())
    });
    let (cause, statement, savepoint) = expect_rolled_back(result);
    assert_eq!(kind_of(cause), DatabaseErrorKind::UniqueViolation);
    assert_eq!(statement.as_deref(), Some(DUPLICATE_ADA_OR_ROLLBACK));
    assert!(!savepoint);
    assert!(names(db).is_empty());
    assert_usable(db);
}

// ----- Test transactions and retries ------------------------------------------------

/// More connections to the test's database. An in-memory SQLite database is private to
/// its connection, so on SQLite they open a file of the test's own instead (empty: the
/// test creates what it needs through them).
struct OtherConnections {
    url: String,
    setup: String,
    file: Option<PathBuf>,
}

impl OtherConnections {
    fn new<C: Connection>(db: &mut TestDb<C>, test: &str) -> Self {
        match db.kind() {
            BackendKind::Sqlite => {
                let file = std::env::temp_dir().join(format!(
                    "quarry-transactions-{}-{test}.db",
                    std::process::id()
                ));
                let _ = std::fs::remove_file(&file);
                OtherConnections {
                    url: file.to_str().unwrap().to_owned(),
                    setup: String::new(),
                    file: Some(file),
                }
            }
            BackendKind::Pg => {
                let schema: String = sql_query("SELECT current_schema()")
                    .get_result(&mut db.conn)
                    .unwrap();
                OtherConnections {
                    url: common::pg_url(),
                    setup: format!("SET search_path TO \"{schema}\""),
                    file: None,
                }
            }
        }
    }

    fn open<C: Connection>(&self) -> C {
        let mut conn = C::establish(&self.url).unwrap();
        if !self.setup.is_empty() {
            conn.batch_execute(&self.setup).unwrap();
        }
        conn
    }
}

impl Drop for OtherConnections {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            let _ = std::fs::remove_file(file);
        }
    }
}

fn notes<C: Connection>(conn: &mut C) -> Vec<String> {
    sql_query("SELECT body FROM notes ORDER BY body")
        .load(conn)
        .unwrap()
}

fn test_transaction_is_never_committed<C: Connection>(db: &mut TestDb<C>) {
    let others = OtherConnections::new(db, "test_transaction");
    let mut observer: C = others.open();
    observer
        .batch_execute("CREATE TABLE notes (body TEXT NOT NULL)")
        .unwrap();

    let mut conn: C = others.open();
    conn.begin_test_transaction().unwrap();
    conn.batch_execute("INSERT INTO notes VALUES ('a')")
        .unwrap();
    // Transactions inside are savepoints: the inner commit stays inside the test
    // transaction, the inner rollback undoes its own part only.
    conn.transaction(|c| c.batch_execute("INSERT INTO notes VALUES ('b')"))
        .unwrap();
    let failed: Result<(), Error> = conn.transaction(|c| {
        c.batch_execute("INSERT INTO notes VALUES ('c')")?;
        Err(Error::NotFound)
    });
    assert!(matches!(failed, Err(Error::NotFound)), "{failed:?}");
    assert_eq!(notes(&mut conn), ["a", "b"]);
    // A second test transaction is refused; the first one goes on.
    let again = conn.begin_test_transaction();
    assert!(
        matches!(&again, Err(Error::InvalidQuery(m)) if m.contains("begin_test_transaction")),
        "{again:?}"
    );
    assert_eq!(notes(&mut conn), ["a", "b"]);
    // Nothing was committed, not even by the inner `transaction`.
    assert!(notes(&mut observer).is_empty());

    drop(conn);
    assert!(notes(&mut observer).is_empty());
    let mut later: C = others.open();
    assert!(notes(&mut later).is_empty());
}

fn test_transaction_cannot_begin_inside_a_transaction<C: Connection>(db: &mut TestDb<C>) {
    db.conn
        .transaction(|c| {
            insert_user(c, "Barbara")?;
            let refused = c.begin_test_transaction();
            assert!(
                matches!(&refused, Err(Error::InvalidQuery(_))),
                "{refused:?}"
            );
            insert_user(c, "Edsger")
        })
        .unwrap();
    assert_eq!(names(db), ["Barbara", "Edsger"]);
    assert_usable(db);
}

/// An application error with a failure of its own that is worth a retry, to drive the
/// retry loop without a concurrent transaction.
#[derive(Debug)]
enum Contended {
    Db(Error),
    Busy(u32),
}

impl From<Error> for Contended {
    fn from(e: Error) -> Self {
        Contended::Db(e)
    }
}

impl RetryableError for Contended {
    fn is_retryable(&self) -> bool {
        match self {
            Contended::Db(e) => e.is_retryable(),
            Contended::Busy(_) => true,
        }
    }
}

fn retry_reruns_the_whole_transaction<C: Connection>(db: &mut TestDb<C>) {
    let mut attempts = 0;
    let n = db
        .conn
        .transaction_with_retry(5, |c| {
            attempts += 1;
            insert_user(c, &format!("Attempt{attempts}"))?;
            if attempts < 3 {
                return Err(Contended::Busy(attempts));
            }
            Ok(users::table.count().get_result(c)?)
        })
        .unwrap();
    assert_eq!(attempts, 3);
    // The failed attempts were rolled back.
    assert_eq!(n, 6);
    assert_eq!(names(db), ["Attempt3"]);
    assert_usable(db);
}

fn retry_gives_up_after_the_last_attempt<C: Connection>(db: &mut TestDb<C>) {
    let mut attempts = 0;
    let result: Result<(), Contended> = db.conn.transaction_with_retry(4, |c| {
        attempts += 1;
        insert_user(c, &format!("Attempt{attempts}"))?;
        Err(Contended::Busy(attempts))
    });
    assert_eq!(attempts, 4);
    // The last error is returned.
    assert!(matches!(result, Err(Contended::Busy(4))), "{result:?}");
    assert!(names(db).is_empty());
    // Zero attempts still runs the closure once.
    let mut attempts = 0;
    let result: Result<(), Contended> = db.conn.transaction_with_retry(0, |_| {
        attempts += 1;
        Err(Contended::Busy(attempts))
    });
    assert_eq!(attempts, 1);
    assert!(result.is_err());
    assert_usable(db);
}

fn retry_does_not_rerun_other_errors<C: Connection>(db: &mut TestDb<C>) {
    let mut attempts = 0;
    let result: Result<(), Error> = db.conn.transaction_with_retry(5, |c| {
        attempts += 1;
        insert_user(c, "Barbara")?;
        insert_user(c, "Ada") // UNIQUE violation: not worth a retry
    });
    assert_eq!(attempts, 1);
    let e = expect_database_error(result);
    assert_eq!(e.kind, DatabaseErrorKind::UniqueViolation, "{e:?}");
    assert!(names(db).is_empty());
    assert_usable(db);
}

fn retry_inside_a_transaction_runs_once<C: Connection>(db: &mut TestDb<C>) {
    let mut attempts = 0;
    db.conn
        .transaction(|c| {
            insert_user(c, "Outer")?;
            // A savepoint cannot be retried on its own: the outer transaction's caller
            // decides.
            let inner: Result<(), Contended> = c.transaction_with_retry(5, |c| {
                attempts += 1;
                insert_user(c, "Inner")?;
                Err(Contended::Busy(attempts))
            });
            assert!(matches!(inner, Err(Contended::Busy(1))), "{inner:?}");
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(attempts, 1);
    assert_eq!(names(db), ["Outer"]);
    assert_usable(db);
}

// ----- PostgreSQL only: transaction options, serialization failures, concurrency ------

fn show(conn: &mut PgConnection, setting: &str) -> Result<String, Error> {
    sql_query(&*format!("SHOW {setting}")).get_result(conn)
}

fn options_set_the_isolation_level_and_access_mode(db: &mut TestDb<PgConnection>) {
    let outside = show(&mut db.conn, "transaction_isolation").unwrap();
    assert_eq!(outside, "read committed");
    let (level, read_only, deferrable) = db
        .conn
        .build_transaction()
        .serializable()
        .read_only()
        .deferrable()
        .run(|c| {
            Ok::<_, Error>((
                show(c, "transaction_isolation")?,
                show(c, "transaction_read_only")?,
                show(c, "transaction_deferrable")?,
            ))
        })
        .unwrap();
    assert_eq!(
        (level.as_str(), read_only.as_str(), deferrable.as_str()),
        ("serializable", "on", "on")
    );
    for (build, expected) in [
        (
            (|c: &mut PgConnection| c.build_transaction().repeatable_read().read_write())
                as fn(&mut PgConnection) -> quarry::conn::TransactionBuilder<'_>,
            ("repeatable read", "off"),
        ),
        (
            |c: &mut PgConnection| c.build_transaction().read_committed(),
            ("read committed", "off"),
        ),
        (
            |c: &mut PgConnection| c.build_transaction().read_only(),
            ("read committed", "on"),
        ),
    ] {
        let seen = build(&mut db.conn)
            .run(|c| {
                Ok::<_, Error>((
                    show(c, "transaction_isolation")?,
                    show(c, "transaction_read_only")?,
                ))
            })
            .unwrap();
        assert_eq!((seen.0.as_str(), seen.1.as_str()), expected);
    }
    // The options ended with the transaction.
    assert_eq!(
        show(&mut db.conn, "transaction_isolation").unwrap(),
        "read committed"
    );
    assert_usable(db);
}

fn read_only_transaction_rejects_writes(db: &mut TestDb<PgConnection>) {
    let result: Result<(), Error> = db
        .conn
        .build_transaction()
        .read_only()
        .run(|c| insert_user(c, "Barbara"));
    let e = expect_database_error(result);
    assert_eq!(e.sqlstate.as_deref(), Some("25006"), "{e:?}");
    assert!(e.message.contains("read-only transaction"), "{e:?}");
    assert!(names(db).is_empty());
    // Reading works, and the connection is usable afterwards.
    let n = db
        .conn
        .build_transaction()
        .read_only()
        .run(|c| users::table.count().get_result(c))
        .unwrap();
    assert_eq!(n, 5);
    assert_usable(db);
}

fn options_are_refused_inside_a_transaction(db: &mut TestDb<PgConnection>) {
    db.conn
        .transaction(|c| {
            insert_user(c, "Barbara")?;
            let nested: Result<(), Error> =
                c.build_transaction().serializable().run(|_| Ok(()));
            assert!(
                matches!(&nested, Err(Error::InvalidQuery(m)) if m.contains("outermost transaction")),
                "{nested:?}"
            );
            let nested: Result<(), Error> =
                c.build_transaction().read_only().run_with_retry(3, |_| Ok(()));
            assert!(matches!(&nested, Err(Error::InvalidQuery(_))), "{nested:?}");
            // The refusal sent nothing: the outer transaction goes on.
            insert_user(c, "Edsger")
        })
        .unwrap();
    assert_eq!(names(db), ["Barbara", "Edsger"]);
    // Inside a test transaction as well.
    let others = OtherConnections::new(db, "options_in_test_transaction");
    let mut conn: PgConnection = others.open();
    conn.begin_test_transaction().unwrap();
    let nested: Result<(), Error> = conn.build_transaction().serializable().run(|_| Ok(()));
    assert!(matches!(&nested, Err(Error::InvalidQuery(_))), "{nested:?}");
    assert_usable(db);
}

fn serialization_failure_is_retried(db: &mut TestDb<PgConnection>) {
    let others = OtherConnections::new(db, "serialization_failure");
    let mut other: PgConnection = others.open();
    let mut attempts = 0;
    let visits = db
        .conn
        .build_transaction()
        .serializable()
        .run_with_retry(5, |c| {
            attempts += 1;
            let seen: i32 = sql_query("SELECT visits FROM users WHERE id = 1").get_result(c)?;
            if attempts == 1 {
                // Another session changes the row after this transaction read it.
                sql_query("UPDATE users SET visits = visits + 100 WHERE id = 1")
                    .execute(&mut other)?;
            }
            sql_query("UPDATE users SET visits = $1 WHERE id = 1")
                .bind(seen + 1)
                .execute(c)?;
            Ok::<_, Error>(seen + 1)
        })
        .unwrap();
    assert_eq!(attempts, 2, "the first attempt failed to serialize");
    // The second attempt read the other session's update: nothing was lost.
    assert_eq!(visits, 40 + 100 + 1);
    let stored: i32 = sql_query("SELECT visits FROM users WHERE id = 1")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(stored, visits);

    // Without retries, the same conflict is the caller's serialization failure.
    let mut attempts = 0;
    let result: Result<(), Error> = db.conn.build_transaction().serializable().run(|c| {
        attempts += 1;
        let seen: i32 = sql_query("SELECT visits FROM users WHERE id = 1").get_result(c)?;
        sql_query("UPDATE users SET visits = visits + 100 WHERE id = 1").execute(&mut other)?;
        sql_query("UPDATE users SET visits = $1 WHERE id = 1")
            .bind(seen + 1)
            .execute(c)?;
        Ok(())
    });
    assert_eq!(attempts, 1);
    let e = expect_database_error(result);
    assert_eq!(e.kind, DatabaseErrorKind::SerializationFailure, "{e:?}");
    assert!(Error::from(e).is_retryable());
    assert_usable(db);
}

fn swallowed_serialization_failure_is_retried(db: &mut TestDb<PgConnection>) {
    // The closure ignores the conflict's error and returns Ok: the transaction was
    // rolled back all the same, and it is still worth running again.
    let others = OtherConnections::new(db, "swallowed_serialization_failure");
    let mut other: PgConnection = others.open();
    let mut attempts = 0;
    let mut swallowed = Vec::new();
    db.conn
        .build_transaction()
        .serializable()
        .run_with_retry(5, |c| {
            attempts += 1;
            let seen: i32 = sql_query("SELECT visits FROM users WHERE id = 1").get_result(c)?;
            if attempts == 1 {
                sql_query("UPDATE users SET visits = visits + 100 WHERE id = 1")
                    .execute(&mut other)?;
            }
            let update = sql_query("UPDATE users SET visits = $1 WHERE id = 1")
                .bind(seen + 1)
                .execute(c);
            if let Err(e) = update {
                swallowed.push(e.database_kind());
            }
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(attempts, 2);
    assert_eq!(swallowed, [Some(DatabaseErrorKind::SerializationFailure)]);
    let stored: i32 = sql_query("SELECT visits FROM users WHERE id = 1")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(stored, 40 + 100 + 1);
}

fn lock_not_available_is_retried(db: &mut TestDb<PgConnection>) {
    // `NOWAIT` finds the row locked by another session (lock_not_available, Busy); the
    // other session then lets go, and the retry takes the lock.
    let others = OtherConnections::new(db, "lock_not_available");
    let mut other: PgConnection = others.open();
    let mut failures = Vec::new();
    let mut attempts = 0;
    db.conn
        .transaction_with_retry(3, |c| {
            attempts += 1;
            if attempts == 1 {
                other.batch_execute("BEGIN; SELECT 1 FROM users WHERE id = 1 FOR UPDATE")?;
            }
            let locked = sql_query("SELECT visits FROM users WHERE id = 1 FOR UPDATE NOWAIT")
                .get_result::<i32, _>(c);
            if attempts == 1 {
                other.batch_execute("COMMIT")?;
            }
            if let Err(e) = &locked {
                failures.push(e.database_kind());
            }
            sql_query("UPDATE users SET visits = $1 WHERE id = 1")
                .bind(locked? + 1)
                .execute(c)?;
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(attempts, 2);
    assert_eq!(failures, [Some(DatabaseErrorKind::Busy)]);
    let stored: i32 = sql_query("SELECT visits FROM users WHERE id = 1")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(stored, 41);
}

fn deadlock_victim_is_retried(db: &mut TestDb<PgConnection>) {
    // Two transactions lock users 1 and 2 in opposite orders; the server picks one as the
    // deadlock victim (after `deadlock_timeout`), and the retry runs it again.
    let others = Arc::new(OtherConnections::new(db, "deadlock"));
    let both_locked_one = Arc::new(Barrier::new(2));
    let workers: Vec<_> = [(1, 2), (2, 1)]
        .into_iter()
        .map(|(first, second)| {
            let (others, both_locked_one) = (others.clone(), both_locked_one.clone());
            std::thread::spawn(move || {
                let mut conn: PgConnection = others.open();
                let mut attempts = 0;
                let mut kinds = Vec::new();
                conn.transaction_with_retry(10, |c| {
                    attempts += 1;
                    let bump = |c: &mut PgConnection, id: i32| {
                        sql_query("UPDATE users SET visits = visits + 1 WHERE id = $1")
                            .bind(id)
                            .execute(c)
                    };
                    let outcome = bump(c, first).and_then(|_| {
                        if attempts == 1 {
                            both_locked_one.wait();
                        }
                        bump(c, second)
                    });
                    if let Err(e) = &outcome {
                        kinds.push(e.database_kind());
                    }
                    outcome
                })
                .unwrap();
                (attempts, kinds)
            })
        })
        .collect();
    let outcomes: Vec<_> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    // The retry may deadlock again (its first UPDATE can lock the row before the other
    // transaction, woken by the rollback, takes it), so only the kind of every failure
    // and the outcome are certain.
    let attempts: u32 = outcomes.iter().map(|(n, _)| n).sum();
    let kinds: Vec<_> = outcomes.iter().flat_map(|(_, k)| k).collect();
    assert!(attempts >= 3, "no deadlock: {outcomes:?}");
    assert_eq!(kinds.len() as u32, attempts - 2, "{outcomes:?}");
    assert!(
        kinds
            .iter()
            .all(|k| **k == Some(DatabaseErrorKind::Deadlock)),
        "{outcomes:?}"
    );
    // Both transactions committed in the end.
    let visits: Vec<i32> = sql_query("SELECT visits FROM users WHERE id IN (1, 2) ORDER BY id")
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(visits, [40 + 2, 85 + 2]);
}

/// Runs `increments` increments on each of `threads` connections of `others` at once,
/// each connection prepared by `setup` and each increment run through `increment`;
/// returns the number of attempts the increments took in all.
fn concurrent_increments<C: Connection + 'static>(
    others: Arc<OtherConnections>,
    threads: usize,
    increments: u32,
    setup: fn(&mut C),
    increment: fn(&mut C, &AtomicU32) -> Result<(), Error>,
) -> u32 {
    let start = Arc::new(Barrier::new(threads));
    let attempts = Arc::new(AtomicU32::new(0));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (others, start, attempts) = (others.clone(), start.clone(), attempts.clone());
            std::thread::spawn(move || {
                let mut conn: C = others.open();
                setup(&mut conn);
                start.wait();
                for _ in 0..increments {
                    increment(&mut conn, &attempts).unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    attempts.load(Ordering::Relaxed)
}

/// `concurrent_increments` of `users.visits` of user 1 on PostgreSQL; returns the final
/// value and the number of attempts.
fn concurrent_visits(
    db: &mut TestDb<PgConnection>,
    test: &str,
    threads: usize,
    increments: u32,
    increment: fn(&mut PgConnection, &AtomicU32) -> Result<(), Error>,
) -> (i32, u32) {
    let others = Arc::new(OtherConnections::new(db, test));
    let attempts = concurrent_increments(others, threads, increments, |_| {}, increment);
    let visits = sql_query("SELECT visits FROM users WHERE id = 1")
        .get_result(&mut db.conn)
        .unwrap();
    (visits, attempts)
}

fn concurrent_writers_lose_no_update(db: &mut TestDb<PgConnection>) {
    // An atomic `visits = visits + 1` in a transaction at the default level: the row
    // lock orders the writers.
    let (visits, attempts) = concurrent_visits(db, "concurrent_atomic", 4, 25, |c, n| {
        c.transaction(|c| {
            n.fetch_add(1, Ordering::Relaxed);
            c.batch_execute("UPDATE users SET visits = visits + 1 WHERE id = 1")
        })
    });
    assert_eq!(visits, 40 + 100);
    assert_eq!(attempts, 100);
}

fn concurrent_serializable_writers_lose_no_update(db: &mut TestDb<PgConnection>) {
    // Read, then write what was read plus one: at read committed this loses updates;
    // serializable transactions fail instead, and the retry runs them again.
    let (visits, attempts) = concurrent_visits(db, "concurrent_serializable", 4, 25, |c, n| {
        c.build_transaction()
            .serializable()
            .run_with_retry(100, |c| {
                n.fetch_add(1, Ordering::Relaxed);
                let seen: i32 = sql_query("SELECT visits FROM users WHERE id = 1").get_result(c)?;
                sql_query("UPDATE users SET visits = $1 WHERE id = 1")
                    .bind(seen + 1)
                    .execute(c)?;
                Ok(())
            })
    });
    assert_eq!(visits, 40 + 100);
    assert!(
        attempts > 100,
        "no transaction had to be retried: {attempts}"
    );
    eprintln!("100 serializable increments on 4 connections took {attempts} attempts");
}

// ----- SQLite only ------------------------------------------------------------------

fn deferred_constraint_failing_at_commit_rolls_back(db: &mut TestDb<SqliteConnection>) {
    let result: Result<(), Error> = db.conn.transaction(|c| {
        c.batch_execute("PRAGMA defer_foreign_keys = ON")?;
        c.batch_execute(
            "INSERT INTO posts (id, user_id, title, \"type\") VALUES (10, 99, 'Orphan', 'post')",
        )?;
        insert_user(c, "Barbara")?;
        Ok(())
    });
    let e = expect_database_error(result);
    assert_eq!(e.kind, DatabaseErrorKind::ForeignKeyViolation, "{e:?}");
    // The failed COMMIT did not leave the transaction open, nor keep its rows.
    assert!(names(db).is_empty());
    assert_eq!(db.count("posts"), 5);
    assert_usable(db);
}

fn transaction_ended_by_the_database_reports_the_statements_error(
    db: &mut TestDb<SqliteConnection>,
) {
    // `OR ROLLBACK` makes SQLite roll the whole transaction back itself when the
    // statement fails. quarry's own ROLLBACK then finds no transaction; the caller must
    // still learn why the transaction failed: the UNIQUE violation.
    let result: Result<(), Error> = db.conn.transaction(|c| {
        insert_user(c, "Barbara")?;
        c.batch_execute("INSERT OR ROLLBACK INTO users (name, age) VALUES ('Ada', 1)")?;
        Ok(())
    });
    assert!(names(db).is_empty());
    assert_usable(db);
    let e = expect_database_error(result);
    assert_eq!(e.kind, DatabaseErrorKind::UniqueViolation, "{e:?}");
}

/// A connection to the SQLite file of `others`, in WAL mode (readers and one writer at
/// once, as applications run it).
fn wal_connection(others: &OtherConnections) -> SqliteConnection {
    let mut conn: SqliteConnection = others.open();
    let mode: String = sql_query("PRAGMA journal_mode = WAL")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(mode, "wal");
    conn
}

fn counter(conn: &mut SqliteConnection) -> Result<i32, Error> {
    sql_query("SELECT n FROM counter").get_result(conn)
}

/// A read, then a write of what was read plus one: the transaction needs the write
/// lock after it has read.
fn read_then_increment(conn: &mut SqliteConnection) -> Result<(), Error> {
    let n = counter(conn)?;
    sql_query("UPDATE counter SET n = $1")
        .bind(n + 1)
        .execute(conn)?;
    Ok(())
}

fn deferred_read_then_write_conflict_is_retried(db: &mut TestDb<SqliteConnection>) {
    let others = OtherConnections::new(db, "deferred_conflict");
    let mut conn = wal_connection(&others);
    conn.batch_execute("CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)")
        .unwrap();
    let mut other = wal_connection(&others);
    let mut attempts = 0;
    let mut failures = Vec::new();
    conn.transaction_with_retry(5, |c| {
        attempts += 1;
        let n = counter(c)?;
        if attempts == 1 {
            // Another connection writes after this transaction read: its snapshot is
            // stale, and SQLite refuses it the write lock at once, busy timeout or not.
            other.batch_execute("UPDATE counter SET n = n + 10")?;
        }
        let write = sql_query("UPDATE counter SET n = $1")
            .bind(n + 1)
            .execute(c);
        if let Err(e) = &write {
            failures.push(e.database_kind());
        }
        write
    })
    .unwrap();
    assert_eq!(attempts, 2);
    assert_eq!(failures, [Some(DatabaseErrorKind::Busy)]);
    // The retry read the other connection's write: nothing was lost.
    assert_eq!(counter(&mut conn).unwrap(), 11);
}

fn immediate_and_exclusive_transactions_take_the_write_lock_at_begin(
    db: &mut TestDb<SqliteConnection>,
) {
    let others = OtherConnections::new(db, "immediate_lock");
    let mut conn: SqliteConnection = others.open();
    conn.batch_execute("CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)")
        .unwrap();
    let mut other: SqliteConnection = others.open();
    // Fail at once rather than wait the 5 s busy timeout.
    other.batch_execute("PRAGMA busy_timeout = 0").unwrap();
    let other_write = |other: &mut SqliteConnection| {
        other
            .batch_execute("UPDATE counter SET n = n + 10")
            .map_err(|e| e.database_kind())
    };

    // Deferred: BEGIN takes no lock; the first statement will.
    conn.transaction(|_| {
        assert_eq!(other_write(&mut other), Ok(()));
        Ok::<_, Error>(())
    })
    .unwrap();
    // Immediate: the lock is taken at BEGIN, before any statement.
    conn.immediate_transaction(|c| {
        assert_eq!(other_write(&mut other), Err(Some(DatabaseErrorKind::Busy)));
        read_then_increment(c)
    })
    .unwrap();
    // Exclusive (not in WAL mode): other connections cannot even read.
    conn.exclusive_transaction(|c| {
        assert_eq!(other_write(&mut other), Err(Some(DatabaseErrorKind::Busy)));
        let read = counter(&mut other).map_err(|e| e.database_kind());
        assert_eq!(read, Err(Some(DatabaseErrorKind::Busy)));
        read_then_increment(c)
    })
    .unwrap();
    // The connection's default, for `transaction` and `transaction_with_retry`.
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    conn.transaction(|c| {
        assert_eq!(other_write(&mut other), Err(Some(DatabaseErrorKind::Busy)));
        // Nested, it is a savepoint of the immediate transaction.
        c.immediate_transaction(read_then_increment)
    })
    .unwrap();
    conn.transaction_with_retry(3, |_| {
        assert_eq!(other_write(&mut other), Err(Some(DatabaseErrorKind::Busy)));
        Ok::<_, Error>(())
    })
    .unwrap();
    conn.set_transaction_behavior(TransactionBehavior::Deferred);
    conn.transaction(|_| other_write(&mut other).map_err(|_| Error::NotFound))
        .unwrap();
    assert_eq!(counter(&mut conn).unwrap(), 10 + 3 + 10);
}

/// 8 connections × 50 read-then-write increments of one counter in a WAL-mode file,
/// each connection's transactions beginning with `behavior`; returns the attempts.
fn contended_sqlite_increments(
    db: &mut TestDb<SqliteConnection>,
    test: &str,
    immediate: bool,
) -> u32 {
    let others = Arc::new(OtherConnections::new(db, test));
    let mut conn = wal_connection(&others);
    conn.batch_execute("CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)")
        .unwrap();
    let setup: fn(&mut SqliteConnection) = if immediate {
        |c| c.set_transaction_behavior(TransactionBehavior::Immediate)
    } else {
        |_| {}
    };
    let attempts = concurrent_increments(others, 8, 50, setup, |c, n| {
        c.transaction_with_retry(100, |c| {
            n.fetch_add(1, Ordering::Relaxed);
            read_then_increment(c)
        })
    });
    // Every increment committed, none was lost.
    assert_eq!(counter(&mut conn).unwrap(), 400);
    attempts
}

fn immediate_transactions_wait_for_the_write_lock(db: &mut TestDb<SqliteConnection>) {
    let attempts = contended_sqlite_increments(db, "contended_immediate", true);
    // Each transaction waits for the lock at BEGIN: a retry happens only when one waited
    // longer than the 5 s busy timeout.
    assert!(attempts < 450, "{attempts} attempts for 400 increments");
    eprintln!("400 immediate increments on 8 SQLite connections took {attempts} attempts");
}

fn deferred_transactions_are_retried_with_backoff(db: &mut TestDb<SqliteConnection>) {
    let attempts = contended_sqlite_increments(db, "contended_deferred", false);
    // Without retries of busy errors, most increments failed; retried at once, without
    // a pause, they took about 77,000 attempts (here some ran out of 100 attempts).
    // With the backoff they take a few hundred.
    assert!(attempts < 2_000, "{attempts} attempts for 400 increments");
    eprintln!("400 deferred increments on 8 SQLite connections took {attempts} attempts");
}

common::backend_tests! {
    commits_on_ok,
    rolls_back_on_err,
    rolls_back_on_an_error_of_the_applications_type,
    rolls_back_on_panic,
    nested_transaction_rolls_back_only_the_inner_part,
    nested_commit_is_undone_by_the_outer_rollback,
    three_levels_of_nesting,
    panic_in_a_nested_transaction_rolls_back_only_that_level,
    failed_statement_rolls_back_the_earlier_rows,
    failed_statement_in_a_savepoint_loses_nothing_else,
    typed_and_raw_queries_in_a_transaction,
    test_transaction_is_never_committed,
    test_transaction_cannot_begin_inside_a_transaction,
    retry_reruns_the_whole_transaction,
    retry_gives_up_after_the_last_attempt,
    retry_does_not_rerun_other_errors,
    retry_inside_a_transaction_runs_once,
}

common::backend_tests! {
    only sqlite:
    deferred_constraint_failing_at_commit_rolls_back,
    transaction_ended_by_the_database_reports_the_statements_error,
    swallowed_failure_on_sqlite_keeps_the_other_statements,
    swallowed_failure_after_sqlite_rolled_back_commits_nothing,
    sqlite_rollback_under_a_savepoint_ends_every_level,
    deferred_read_then_write_conflict_is_retried,
    immediate_and_exclusive_transactions_take_the_write_lock_at_begin,
    immediate_transactions_wait_for_the_write_lock,
    deferred_transactions_are_retried_with_backoff,
}

common::backend_tests! {
    only pg:
    options_set_the_isolation_level_and_access_mode,
    read_only_transaction_rejects_writes,
    options_are_refused_inside_a_transaction,
    serialization_failure_is_retried,
    swallowed_serialization_failure_is_retried,
    lock_not_available_is_retried,
    swallowed_failure_on_pg_commits_nothing,
    swallowed_failure_in_a_savepoint_rolls_back_only_the_savepoint,
    a_failure_undone_by_its_savepoint_is_not_reported_later,
    deadlock_victim_is_retried,
    concurrent_writers_lose_no_update,
    concurrent_serializable_writers_lose_no_update,
}
