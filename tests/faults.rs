//! Faults: a server that goes away, a port nobody listens on, values a column's Rust
//! type cannot hold. Each gives a `quarry::Error` saying what and where, never a panic,
//! and (where the connection survives) leaves the connection usable.

mod common;

use common::{BackendKind, TestDb, expect_decode_error, expect_err, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::sql_query;

quarry::table! {
    /// `loose` as a test declares it here: each column claims a narrower type than the
    /// data the test stores in it.
    #[sql_name = "loose"]
    narrow (id) {
        id -> Int4,
        num -> Int2,
        small -> Int2,
        txt -> Int4,
    }
}

fn out_of_range_integer_names_the_column<C: Connection>(db: &mut TestDb<C>) {
    db.exec("INSERT INTO loose (id, num, small, txt) VALUES (1, 70000, 1, '1')");
    let (column, expected, found) =
        expect_decode_error(narrow::table.select(narrow::num).load(&mut db.conn));
    assert_eq!(column, "num");
    assert_eq!(expected, "Int2");
    assert!(
        found.contains("70000") && found.contains("out of range"),
        "{found}"
    );
    // A value that does fit still loads: the connection is fine.
    assert_eq!(
        narrow::table
            .select(narrow::small)
            .load(&mut db.conn)
            .unwrap(),
        [1]
    );
}

fn text_where_an_integer_is_declared_names_the_column<C: Connection>(db: &mut TestDb<C>) {
    db.exec("INSERT INTO loose (id, num, small, txt) VALUES (1, 1, 1, 'eleven')");
    let (column, expected, found) =
        expect_decode_error(narrow::table.select(narrow::txt).load(&mut db.conn));
    assert_eq!(column, "txt");
    assert_eq!(expected, "Int4");
    match db.kind() {
        // SQLite describes the value it found.
        BackendKind::Sqlite => assert!(found.contains("\"eleven\""), "{found}"),
        // PostgreSQL's column has a type of its own, which is what is reported.
        BackendKind::Pg => assert_eq!(found, "text"),
    }
}

fn bigint_result_into_i32_is_out_of_range<C: Connection>(db: &mut TestDb<C>) {
    let result = sql_query("SELECT CAST($1 AS BIGINT) * 1000 AS big")
        .bind(5_000_000_i64)
        .get_result::<i32, _>(&mut db.conn);
    let (column, expected, found) = expect_decode_error(result);
    assert_eq!(column, "big");
    assert_eq!(expected, "Int4");
    assert!(found.contains("5000000000"), "{found}");
    let ok: i64 = sql_query("SELECT CAST($1 AS BIGINT) * 1000 AS big")
        .bind(5_000_000_i64)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(ok, 5_000_000_000);
}

/// The server ends this connection's backend (as an administrator or a restart would):
/// the next query reports a lost connection, the connection says it is broken, and
/// nothing panics.
fn terminated_backend_gives_a_clear_error(db: &mut TestDb<PgConnection>) {
    let pid: i32 = sql_query("SELECT pg_backend_pid()")
        .get_result(&mut db.conn)
        .unwrap();
    assert!(!db.conn.is_broken());
    let mut admin = PgConnection::establish(&common::pg_url()).unwrap();
    let terminated: bool = sql_query("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .get_result(&mut admin)
        .unwrap();
    assert!(terminated);

    let first = expect_err(users::table.select(users::name).load(&mut db.conn));
    assert!(
        matches!(&first, quarry::Error::Connection(m) if m.contains("connection")),
        "{first:?}"
    );
    assert!(db.conn.is_broken());
    // Every later call says the same, whichever way it comes in.
    for error in [
        expect_err(users::table.count().get_result(&mut db.conn)),
        expect_err(db.conn.batch_execute("SELECT 1")),
        expect_err(sql_query("SELECT 1").execute(&mut db.conn)),
    ] {
        assert!(
            matches!(&error, quarry::Error::Connection(m) if m.contains("establish a new one")),
            "{error:?}"
        );
    }
    // A transaction on a broken connection fails to begin, cleanly.
    let result: Result<(), quarry::Error> = db.conn.transaction(|_| Ok(()));
    assert!(
        matches!(result, Err(quarry::Error::Connection(_))),
        "{result:?}"
    );
    // A new connection works, and the other session's data is intact.
    let mut fresh = PgConnection::establish(&common::pg_url()).unwrap();
    assert!(!fresh.is_broken());
    let one: i32 = sql_query("SELECT 1").get_result(&mut fresh).unwrap();
    assert_eq!(one, 1);
}

/// Nobody listens on port 1 of the loopback interface: the attempt is refused at once
/// (the connect timeout bounds it for hosts that do not answer) and the error names the
/// host and the port.
fn closed_port_names_host_and_port(_db: &mut TestDb<PgConnection>) {
    for url in [
        "postgres://postgres@127.0.0.1:1/postgres",
        "host=127.0.0.1 port=1 user=postgres",
    ] {
        match PgConnection::establish(url) {
            Err(quarry::Error::Connection(message)) => {
                assert!(message.contains("127.0.0.1"), "{message}");
                assert!(message.contains("port 1"), "{message}");
            }
            other => panic!("{url}: expected Error::Connection, got {other:?}"),
        }
    }
}

common::backend_tests! {
    out_of_range_integer_names_the_column,
    text_where_an_integer_is_declared_names_the_column,
    bigint_result_into_i32_is_out_of_range,
}

common::backend_tests! {
    only pg: terminated_backend_gives_a_clear_error, closed_port_names_host_and_port
}
