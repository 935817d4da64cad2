//! Faults: a server that goes away, a port nobody listens on, values a column's Rust
//! type cannot hold. Each gives a `quarry::Error` saying what and where, never a panic,
//! and (where the connection survives) leaves the connection usable.

mod common;

use common::{BackendKind, TestDb, expect_decode_error, expect_err, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::sql_query;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

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

/// A statement that would never end, in both dialects.
const ENDLESS: &str =
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n";

fn statement_timeout_stops_a_statement_and_the_connection_goes_on<C: Connection>(
    db: &mut TestDb<C>,
) {
    db.conn
        .set_statement_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let error = expect_err(sql_query(ENDLESS).get_result::<i64, _>(&mut db.conn));
    assert_eq!(
        error.database_kind(),
        Some(quarry::DatabaseErrorKind::Canceled),
        "{error:?}"
    );
    assert!(error.to_string().contains("timeout"), "{error}");
    // The connection is usable, and a typed query under the limit runs.
    assert_eq!(users::table.count().get_result(&mut db.conn).unwrap(), 5);
    // A timed-out write inside a transaction: the transaction does not commit it.
    let result: Result<(), quarry::Error> = db.conn.transaction(|c| {
        c.batch_execute("INSERT INTO users (name, age) VALUES ('Kept?', 1)")?;
        sql_query(ENDLESS).get_result::<i64, _>(c)?;
        Ok(())
    });
    assert_eq!(
        result.unwrap_err().database_kind(),
        Some(quarry::DatabaseErrorKind::Canceled)
    );
    assert_eq!(users::table.count().get_result(&mut db.conn).unwrap(), 5);
    // Lifted, a statement runs to its end again.
    db.conn.set_statement_timeout(None).unwrap();
    let n: i64 = sql_query(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) \
         SELECT COUNT(*) FROM n",
    )
    .get_result(&mut db.conn)
    .unwrap();
    assert_eq!(n, 100_000);
}

fn statement_timeout_is_set_outside_transactions(db: &mut TestDb<PgConnection>) {
    let result: Result<(), quarry::Error> = db
        .conn
        .transaction(|c| c.set_statement_timeout(Some(Duration::from_secs(1))));
    assert!(
        matches!(&result, Err(quarry::Error::InvalidQuery(m)) if m.contains("outside a transaction")),
        "{result:?}"
    );
}

/// A TCP relay on loopback between a client and the test server that can stop
/// forwarding, as a server or network that stops answering would.
struct Relay {
    port: u16,
    frozen: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl Relay {
    fn start(server: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let frozen = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (frozen2, stop2) = (frozen.clone(), stop.clone());
        thread::spawn(move || {
            // One client: the connection under test.
            let Ok((client, _)) = listener.accept() else {
                return;
            };
            let upstream = TcpStream::connect(server).unwrap();
            let pipe = |from: TcpStream, to: TcpStream| {
                let (frozen, stop) = (frozen2.clone(), stop2.clone());
                thread::spawn(move || forward(from, to, &frozen, &stop))
            };
            let a = pipe(client.try_clone().unwrap(), upstream.try_clone().unwrap());
            let b = pipe(upstream, client);
            let _ = (a.join(), b.join());
        });
        Relay { port, frozen, stop }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Copies bytes until either side closes or `stop` is set; while `frozen`, holds
/// what arrives instead of passing it on.
fn forward(mut from: TcpStream, mut to: TcpStream, frozen: &AtomicBool, stop: &AtomicBool) {
    from.set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut buf = [0u8; 16 * 1024];
    while !stop.load(Ordering::SeqCst) {
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                while frozen.load(Ordering::SeqCst) && !stop.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(20));
                }
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    let _ = to.shutdown(Shutdown::Both);
}

/// The test server's address and database, from `QUARRY_PG_URL`
/// (`postgres://user@host:port/database`).
fn test_server() -> (SocketAddr, String) {
    let url = common::pg_url();
    let rest = url.split_once('@').map_or(url.as_str(), |(_, r)| r);
    let (address, database) = rest.split_once('/').unwrap_or((rest, "postgres"));
    let address = address.to_socket_addrs().unwrap().next().unwrap();
    (
        address,
        database.split('?').next().unwrap_or(database).to_owned(),
    )
}

/// The server stops answering in the middle of a query: the read timeout ends the
/// wait with a clear error, and the connection is given up rather than reused.
fn read_timeout_gives_up_on_a_server_that_stops_answering(_db: &mut TestDb<PgConnection>) {
    let (server, database) = test_server();
    let relay = Relay::start(server);
    let mut conn = PgConnection::establish(&format!(
        "host=127.0.0.1 port={} user=postgres dbname={database}",
        relay.port
    ))
    .unwrap();
    conn.set_read_timeout(Some(Duration::from_millis(300)));
    let one: i32 = sql_query("SELECT 1").get_result(&mut conn).unwrap();
    assert_eq!(one, 1);

    relay.frozen.store(true, Ordering::SeqCst);
    let error = expect_err(sql_query("SELECT 2").get_result::<i32, _>(&mut conn));
    assert!(
        matches!(&error, quarry::Error::Connection(m) if m.contains("did not answer within 300ms")),
        "{error:?}"
    );
    assert!(conn.is_broken());
    // Even once the server answers again, the connection stays given up: the answer
    // to the abandoned query must never be read as another one's.
    relay.frozen.store(false, Ordering::SeqCst);
    let later = expect_err(sql_query("SELECT 3").get_result::<i32, _>(&mut conn));
    assert!(
        matches!(&later, quarry::Error::Connection(m) if m.contains("establish a new one")),
        "{later:?}"
    );
}

/// The default connect timeout applies whatever the text of the other options, and a
/// `key=value` string ending in a backslash is taken as libpq reads it.
fn connection_options_are_passed_as_given(_db: &mut TestDb<PgConnection>) {
    let (server, database) = test_server();
    let base = format!(
        "host={} port={} user=postgres dbname={database}",
        server.ip(),
        server.port()
    );
    let mut conn = PgConnection::establish(&format!("{base} application_name=ends_in\\")).unwrap();
    let name: String = sql_query("SHOW application_name")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(name, "ends_in");
    let url =
        format!("postgres://postgres@{server}/{database}?application_name=connect_timeout_test");
    let mut conn = PgConnection::establish(&url).unwrap();
    let name: String = sql_query("SHOW application_name")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(name, "connect_timeout_test");
    // The URL's own connect_timeout is accepted, not doubled.
    PgConnection::establish(&format!("{base} connect_timeout=3")).unwrap();
}

common::backend_tests! {
    out_of_range_integer_names_the_column,
    text_where_an_integer_is_declared_names_the_column,
    bigint_result_into_i32_is_out_of_range,
    statement_timeout_stops_a_statement_and_the_connection_goes_on,
}

common::backend_tests! {
    only pg: terminated_backend_gives_a_clear_error, closed_port_names_host_and_port,
    statement_timeout_is_set_outside_transactions,
    read_timeout_gives_up_on_a_server_that_stops_answering,
    connection_options_are_passed_as_given,
}
