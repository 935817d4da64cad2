//! Errors the database reports come back as `Error::Database`, classified, with the
//! table, column or constraint when the database names them; statements quarry cannot
//! send are refused before they reach it. The connection stays usable after each.

mod common;

use common::{BackendKind, TestDb, expect_database_error, expect_err, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::{DatabaseErrorKind, sql_query};

fn unique_violation<C: Connection>(db: &mut TestDb<C>) {
    let e = expect_database_error(
        db.conn
            .batch_execute("INSERT INTO users (name, age) VALUES ('Ada', 1)"),
    );
    assert_eq!(e.kind, DatabaseErrorKind::UniqueViolation, "{e:?}");
    match db.kind() {
        BackendKind::Sqlite => {
            assert_eq!(e.table.as_deref(), Some("users"), "{e:?}");
            assert_eq!(e.column.as_deref(), Some("name"), "{e:?}");
            assert_eq!(
                quarry::Error::from(e).to_string(),
                "unique violation: UNIQUE constraint failed: users.name"
            );
        }
        // PostgreSQL names the table and the constraint, and the key in its detail.
        BackendKind::Pg => {
            assert_eq!(e.table.as_deref(), Some("users"), "{e:?}");
            assert_eq!(e.constraint.as_deref(), Some("users_name_key"), "{e:?}");
            assert_eq!(e.sqlstate.as_deref(), Some("23505"), "{e:?}");
            assert!(
                e.detail.as_deref().unwrap_or("").contains("(name)=(Ada)"),
                "{e:?}"
            );
        }
    }
    // Through sql_query and a bind parameter.
    let result = sql_query("INSERT INTO users (name, age) VALUES ($1, $2)")
        .bind("Grace")
        .bind(3)
        .execute(&mut db.conn);
    let error = expect_err(result);
    assert_eq!(
        error.database_kind(),
        Some(DatabaseErrorKind::UniqueViolation)
    );
    assert_eq!(db.count("users"), 5);
}

fn primary_key_violation<C: Connection>(db: &mut TestDb<C>) {
    let e = expect_database_error(
        sql_query("INSERT INTO users (id, name, age) VALUES ($1, 'New', 1)")
            .bind(1)
            .execute(&mut db.conn),
    );
    assert_eq!(e.kind, DatabaseErrorKind::UniqueViolation, "{e:?}");
    match db.kind() {
        BackendKind::Sqlite => {
            assert_eq!(e.table.as_deref(), Some("users"), "{e:?}");
            assert_eq!(e.column.as_deref(), Some("id"), "{e:?}");
        }
        BackendKind::Pg => {
            assert_eq!(e.table.as_deref(), Some("users"), "{e:?}");
            assert_eq!(e.constraint.as_deref(), Some("users_pkey"), "{e:?}");
        }
    }
    // A composite key.
    let e =
        expect_database_error(db.conn.batch_execute(
            "INSERT INTO memberships (user_id, team_id, role) VALUES (1, 10, 'again')",
        ));
    assert_eq!(e.kind, DatabaseErrorKind::UniqueViolation, "{e:?}");
    match db.kind() {
        BackendKind::Sqlite => {
            assert_eq!(e.table.as_deref(), Some("memberships"), "{e:?}");
            // SQLite names every column of the key; `column` holds the first.
            assert_eq!(e.column.as_deref(), Some("user_id"), "{e:?}");
            assert!(e.message.contains("memberships.team_id"), "{e:?}");
        }
        BackendKind::Pg => {
            assert_eq!(e.table.as_deref(), Some("memberships"), "{e:?}");
            assert_eq!(e.constraint.as_deref(), Some("memberships_pkey"), "{e:?}");
        }
    }
}

fn not_null_violation<C: Connection>(db: &mut TestDb<C>) {
    let e = expect_database_error(
        db.conn
            .batch_execute("INSERT INTO users (name, age) VALUES (NULL, 1)"),
    );
    assert_eq!(e.kind, DatabaseErrorKind::NotNullViolation, "{e:?}");
    // Both backends name the table and the column.
    assert_eq!(e.table.as_deref(), Some("users"), "{e:?}");
    assert_eq!(e.column.as_deref(), Some("name"), "{e:?}");
    let e = expect_database_error(
        sql_query("UPDATE users SET age = $1 WHERE id = 1")
            .bind(None::<i32>)
            .execute(&mut db.conn),
    );
    assert_eq!(e.kind, DatabaseErrorKind::NotNullViolation, "{e:?}");
    assert_eq!(e.column.as_deref(), Some("age"), "{e:?}");
    let age = users::table
        .find(1)
        .select(users::age)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(age, 36);
}

fn check_violation<C: Connection>(db: &mut TestDb<C>) {
    let e = expect_database_error(
        sql_query("INSERT INTO users (name, age) VALUES ($1, $2)")
            .bind("Young")
            .bind(-1)
            .execute(&mut db.conn),
    );
    assert_eq!(e.kind, DatabaseErrorKind::CheckViolation, "{e:?}");
    assert_eq!(e.constraint.as_deref(), Some("age_not_negative"), "{e:?}");
    let e = expect_database_error(db.conn.batch_execute("UPDATE users SET age = age - 100"));
    assert_eq!(e.kind, DatabaseErrorKind::CheckViolation, "{e:?}");
    // The failed UPDATE changed nothing.
    let ages = users::table
        .select(users::age)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ages, [36, 85, 28, 36, 41]);
}

fn foreign_key_violation<C: Connection>(db: &mut TestDb<C>) {
    let e = expect_database_error(db.conn.batch_execute(
        "INSERT INTO posts (user_id, title, \"type\") VALUES (99, 'Orphan', 'post')",
    ));
    assert_eq!(e.kind, DatabaseErrorKind::ForeignKeyViolation, "{e:?}");
    // Deleting a user whom posts reference.
    let e = expect_database_error(
        sql_query("DELETE FROM users WHERE id = $1")
            .bind(1)
            .execute(&mut db.conn),
    );
    assert_eq!(e.kind, DatabaseErrorKind::ForeignKeyViolation, "{e:?}");
    assert_eq!(db.count("users"), 5);
    assert_eq!(db.count("posts"), 5);
    // A user nobody references can go.
    let deleted = sql_query("DELETE FROM users WHERE id = $1")
        .bind(5)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(deleted, 1);
}

fn invalid_sql_is_invalid_statement<C: Connection>(db: &mut TestDb<C>) {
    let scripts = [
        "SELEKT 1",
        "SELECT * FROM no_such_table",
        "SELECT no_such_column FROM users",
        "INSERT INTO users (name) VALUES",
    ];
    for sql in scripts {
        let e = expect_database_error(db.conn.batch_execute(sql));
        assert_eq!(e.kind, DatabaseErrorKind::InvalidStatement, "{sql}: {e:?}");
        let e = expect_database_error(sql_query(sql).load::<i32, _>(&mut db.conn));
        assert_eq!(e.kind, DatabaseErrorKind::InvalidStatement, "{sql}: {e:?}");
        let e = expect_database_error(sql_query(sql).execute(&mut db.conn));
        assert_eq!(e.kind, DatabaseErrorKind::InvalidStatement, "{sql}: {e:?}");
    }
    let e = expect_database_error(
        sql_query("SELECT * FROM no_such_table").load::<i32, _>(&mut db.conn),
    );
    assert!(e.message.contains("no_such_table"), "{e:?}");
    // Still usable.
    assert_eq!(db.count("users"), 5);
}

fn two_statements_in_one_sql_query_are_refused<C: Connection>(db: &mut TestDb<C>) {
    let e = expect_err(sql_query("SELECT 1; SELECT 2").load::<i32, _>(&mut db.conn));
    assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{e:?}");
    assert!(e.to_string().contains("one statement"), "{e}");
    assert!(e.to_string().contains("batch_execute"), "{e}");
    // Refused before anything runs: the first statement did not happen either.
    let e = expect_err(
        sql_query("INSERT INTO users (name, age) VALUES ($1, 1); DELETE FROM users")
            .bind("Sneaky")
            .execute(&mut db.conn),
    );
    assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{e:?}");
    assert_eq!(db.count("users"), 5);
    // A trailing `;` and white space are not a second statement.
    let one: i32 = sql_query("SELECT 1;  \n").get_result(&mut db.conn).unwrap();
    assert_eq!(one, 1);
    // batch_execute is the way to run several.
    db.exec("INSERT INTO users (name, age) VALUES ('Barbara', 50); DELETE FROM users WHERE name = 'Barbara'");
    assert_eq!(db.count("users"), 5);
}

fn comment_after_the_statement_is_not_a_second_statement<C: Connection>(db: &mut TestDb<C>) {
    let one: i32 = sql_query("SELECT 1; -- the answer")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(one, 1);
    let two: i32 = sql_query("SELECT 2; /* done */")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(two, 2);
}

fn empty_sql_query_is_refused<C: Connection>(db: &mut TestDb<C>) {
    for sql in ["", "   ", ";", "-- only a comment"] {
        let e = expect_err(sql_query(sql).load::<i32, _>(&mut db.conn));
        assert!(
            matches!(e, quarry::Error::InvalidQuery(_)),
            "{sql:?}: {e:?}"
        );
        assert!(e.to_string().contains("no statement"), "{sql:?}: {e}");
    }
}

fn nul_byte_in_sql_is_refused<C: Connection>(db: &mut TestDb<C>) {
    let e = expect_err(
        db.conn
            .batch_execute("DELETE FROM posts\0; DELETE FROM users"),
    );
    assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{e:?}");
    assert!(e.to_string().contains("NUL"), "{e}");
    // The same through sql_query: refused, and said to be a NUL byte (not "more than
    // one statement", which the text after the NUL is not).
    let e = expect_err(sql_query("DELETE FROM posts\0").execute(&mut db.conn));
    assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{e:?}");
    assert_eq!(db.count("posts"), 5);
    assert!(e.to_string().contains("NUL"), "{e}");
}

fn connection_survives_a_series_of_errors<C: Connection>(db: &mut TestDb<C>) {
    for i in 0..20 {
        let result = match i % 4 {
            0 => db
                .conn
                .batch_execute("INSERT INTO users (name, age) VALUES ('Ada', 1)"),
            1 => db.conn.batch_execute("SELEKT"),
            2 => sql_query("SELECT 1; SELECT 2")
                .execute(&mut db.conn)
                .map(drop),
            _ => sql_query("INSERT INTO users (name, age) VALUES ($1, $2)")
                .bind("Neg")
                .bind(-5)
                .execute(&mut db.conn)
                .map(drop),
        };
        assert!(result.is_err(), "iteration {i}");
    }
    let names = users::table
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Ada", "Grace", "Linus", "Margaret", "Alan"]);
}

fn connect_to_a_path_that_cannot_be_opened<C: Connection>(db: &mut TestDb<C>) {
    let (url, names) = match db.kind() {
        BackendKind::Sqlite => (
            "/nonexistent-directory/sub/db.sqlite",
            ["nonexistent-directory", "nonexistent-directory"],
        ),
        // Port 1 on loopback is closed: refused at once, and the message names both.
        BackendKind::Pg => (
            "postgres://postgres@127.0.0.1:1/postgres",
            ["127.0.0.1", "port 1"],
        ),
    };
    match C::establish(url) {
        Ok(_) => panic!("opening {url} should fail"),
        Err(quarry::Error::Connection(message)) => {
            for name in names {
                assert!(message.contains(name), "{message}");
            }
        }
        Err(other) => panic!("expected Error::Connection, got {other:?}"),
    }
}

common::backend_tests! {
    unique_violation,
    primary_key_violation,
    not_null_violation,
    check_violation,
    foreign_key_violation,
    invalid_sql_is_invalid_statement,
    two_statements_in_one_sql_query_are_refused,
    comment_after_the_statement_is_not_a_second_statement,
    empty_sql_query_is_refused,
    nul_byte_in_sql_is_refused,
    connection_survives_a_series_of_errors,
    connect_to_a_path_that_cannot_be_opened,
}
