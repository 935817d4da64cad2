//! `Connection::transaction`: commit on `Ok`, roll back on `Err` and on panic, nested
//! transactions as savepoints, and the connection usable after every outcome.

mod common;

use common::{TestDb, expect_database_error, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::{DatabaseErrorKind, Error, sql_query};
use std::panic::{AssertUnwindSafe, catch_unwind};

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
}

common::backend_tests! {
    only sqlite:
    deferred_constraint_failing_at_commit_rolls_back,
    transaction_ended_by_the_database_reports_the_statements_error,
}
