//! The per-connection statement cache: a statement prepared once and run many times
//! gives the right rows every time, whatever ran before it (errors, early exits, schema
//! changes), and more distinct statements than the cache holds still run.

mod common;

use common::{TestDb, User, fixture_users, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::sql_query;

/// SQLite's cache holds 256 statements.
const MORE_THAN_THE_CACHE: usize = 600;

fn same_query_many_times<C: Connection>(db: &mut TestDb<C>) {
    let fixture = fixture_users();
    for i in 0..1000 {
        let id = (i % 5) + 1;
        let user = users::table
            .find(id)
            .select(User::as_select())
            .first(&mut db.conn)
            .unwrap();
        assert_eq!(user, fixture[(id - 1) as usize]);
        let name: String = sql_query("SELECT name FROM users WHERE id = $1")
            .bind(id)
            .get_result(&mut db.conn)
            .unwrap();
        assert_eq!(name, user.name);
    }
    let all: Vec<User> = users::table
        .select(User::as_select())
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(all, fixture);
}

fn same_query_sees_changed_data<C: Connection>(db: &mut TestDb<C>) {
    let query = users::table.filter(users::age.ge(36)).count();
    for extra in 0..50_i64 {
        assert_eq!(query.clone().get_result(&mut db.conn).unwrap(), 4 + extra);
        db.exec(&format!(
            "INSERT INTO users (name, age) VALUES ('User{extra}', 50)"
        ));
    }
}

fn more_distinct_typed_queries_than_the_cache_holds<C: Connection>(db: &mut TestDb<C>) {
    // On SQLite each IN list length is a different SQL text (on PostgreSQL the list is one
    // array parameter, so this is one statement there).
    let run = |db: &mut TestDb<C>, n: usize| -> Vec<i32> {
        let values: Vec<i32> = (1..=n as i32).collect();
        users::table
            .filter(users::id.eq_any(values))
            .select(users::id)
            .order_by(users::id)
            .load(&mut db.conn)
            .unwrap()
    };
    let expected = |n: usize| -> Vec<i32> { (1..=n.min(5) as i32).collect() };
    for n in 1..=MORE_THAN_THE_CACHE {
        assert_eq!(run(db, n), expected(n), "IN list of {n}");
    }
    // Again: the cached ones and the ones that did not fit.
    for n in [1, 2, 100, 255, 256, 257, 300, MORE_THAN_THE_CACHE] {
        assert_eq!(run(db, n), expected(n), "IN list of {n}, second run");
    }
}

fn more_distinct_sql_queries_than_the_cache_holds<C: Connection>(db: &mut TestDb<C>) {
    for round in 0..2 {
        for i in 0..MORE_THAN_THE_CACHE as i64 {
            let sql = format!("SELECT $1 + {i}");
            let sum: i64 = sql_query(&sql)
                .bind(round)
                .get_result(&mut db.conn)
                .unwrap();
            assert_eq!(sum, round + i);
            // A query that is always cached, in between.
            let n: i64 = users::table.count().get_result(&mut db.conn).unwrap();
            assert_eq!(n, 5);
        }
    }
}

fn cached_statement_runs_again_after_it_failed<C: Connection>(db: &mut TestDb<C>) {
    for name in ["Ada", "Grace", "Ada"] {
        let result = sql_query("INSERT INTO users (name, age) VALUES ($1, $2)")
            .bind(name)
            .bind(1)
            .execute(&mut db.conn);
        assert!(result.is_err(), "{name} is taken");
    }
    for name in ["Barbara", "Edsger"] {
        let changed = sql_query("INSERT INTO users (name, age) VALUES ($1, $2)")
            .bind(name)
            .bind(1)
            .execute(&mut db.conn)
            .unwrap();
        assert_eq!(changed, 1);
    }
    assert_eq!(db.count("users"), 7);
}

fn statement_left_after_the_first_row_does_not_lock_the_table<C: Connection>(db: &mut TestDb<C>) {
    db.exec("CREATE TABLE scratch (x INTEGER NOT NULL); INSERT INTO scratch VALUES (1), (2), (3)");
    // first() and get_result stop after one row; the statement must not stay open.
    let first: i32 = sql_query("SELECT x FROM scratch ORDER BY x")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(first, 1);
    let first_user = users::table
        .select(users::id)
        .order_by(users::id)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(first_user, 1);
    db.exec("DROP TABLE scratch");
    db.exec("DELETE FROM memberships; DELETE FROM posts; DELETE FROM users");
    assert_eq!(db.count("users"), 0);
}

fn cached_statement_after_the_table_was_recreated<C: Connection>(db: &mut TestDb<C>) {
    let query = || {
        users::table
            .select((users::id, users::name))
            .order_by(users::id)
    };
    assert_eq!(query().load(&mut db.conn).unwrap().len(), 5);
    // Same columns, another order and other rows.
    db.exec(
        "DROP TABLE memberships; DROP TABLE posts; DROP TABLE users;
         CREATE TABLE users (visits INTEGER NOT NULL, age INTEGER NOT NULL, hair_color TEXT,
                             name TEXT NOT NULL, id INTEGER PRIMARY KEY);
         INSERT INTO users (id, name, age, visits) VALUES (7, 'Seven', 7, 7);",
    );
    assert_eq!(
        query().load(&mut db.conn).unwrap(),
        [(7, "Seven".to_owned())]
    );
}

fn cached_select_star_after_a_column_was_added<C: Connection>(db: &mut TestDb<C>) {
    db.exec("CREATE TABLE scratch (a INTEGER NOT NULL, b INTEGER NOT NULL); INSERT INTO scratch VALUES (1, 2)");
    let before: (i32, i32) = sql_query("SELECT * FROM scratch")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(before, (1, 2));
    db.exec("ALTER TABLE scratch ADD COLUMN c INTEGER NOT NULL DEFAULT 3");
    // The same SQL text now returns three columns.
    let after: (i32, i32, i32) = sql_query("SELECT * FROM scratch")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(after, (1, 2, 3));
}

fn cached_select_star_after_a_column_was_dropped<C: Connection>(db: &mut TestDb<C>) {
    db.exec(
        "CREATE TABLE scratch (a INTEGER NOT NULL, b INTEGER, c INTEGER NOT NULL); INSERT INTO scratch VALUES (1, 2, 3)",
    );
    let before: (i32, Option<i32>, i32) = sql_query("SELECT * FROM scratch")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(before, (1, Some(2), 3));
    db.exec("ALTER TABLE scratch DROP COLUMN b");
    // Two columns now: loading three must say so, loading two works.
    let result =
        sql_query("SELECT * FROM scratch").get_result::<(i32, Option<i32>, i32), _>(&mut db.conn);
    let error = common::expect_err(result).to_string();
    assert!(
        error.starts_with(
            "invalid query: the query returns 2 columns but the row type reads 3 columns"
        ),
        "{error}"
    );
    let after: (i32, i32) = sql_query("SELECT * FROM scratch")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(after, (1, 3));
}

fn cache_survives_rolled_back_transactions<C: Connection>(db: &mut TestDb<C>) {
    let count = || users::table.filter(users::hair_color.is_null()).count();
    for i in 0..20 {
        let result: Result<(), quarry::Error> = db.conn.transaction(|c| {
            c.batch_execute(&format!(
                "INSERT INTO users (name, age) VALUES ('Tmp{i}', 1)"
            ))?;
            assert_eq!(count().get_result(c)?, 3);
            Err(quarry::Error::NotFound)
        });
        assert!(result.is_err());
        assert_eq!(count().get_result(&mut db.conn).unwrap(), 2);
    }
}

/// The statements the server holds for this session.
fn server_statements<C: Connection>(db: &mut TestDb<C>) -> i64 {
    sql_query("SELECT COUNT(*) FROM pg_prepared_statements")
        .get_result(&mut db.conn)
        .unwrap()
}

/// A cached statement that fails because its table changed shape inside a transaction
/// is dropped from the cache while the transaction has failed, which refuses
/// `DEALLOCATE`; it is deallocated once the transaction is over, so repeating this does
/// not pile statements up on the server.
fn statements_dropped_in_failed_transactions_are_deallocated<C: Connection>(db: &mut TestDb<C>) {
    db.exec("CREATE TABLE scratch (a INTEGER NOT NULL); INSERT INTO scratch VALUES (1)");
    let before = server_statements(db);
    for i in 0..400 {
        let row: (i32,) = sql_query("SELECT * FROM scratch")
            .get_result(&mut db.conn)
            .unwrap();
        assert_eq!(row, (1,));
        let result: Result<(), quarry::Error> = db.conn.transaction(|c| {
            c.batch_execute(&format!("ALTER TABLE scratch ADD COLUMN c{i} INTEGER"))?;
            // The cached plan no longer fits the table: PostgreSQL fails the statement
            // (0A000) and with it the transaction.
            sql_query("SELECT * FROM scratch").get_result::<(i32, Option<i32>), _>(c)?;
            Ok(())
        });
        let error = result.unwrap_err();
        assert!(
            matches!(&error, quarry::Error::Database(e) if e.sqlstate.as_deref() == Some("0A000")),
            "{error:?}"
        );
    }
    let after = server_statements(db);
    // The statement of the loop, and the counting one: nothing left over per round.
    assert!(
        after <= before + 2,
        "{before} statements before, {after} after"
    );
}

/// Once the cache is full, the least recently used statement makes room for a new one,
/// and the server never holds more statements than the cache.
fn the_server_holds_no_more_statements_than_the_cache<C: Connection>(db: &mut TestDb<C>) {
    for i in 0..MORE_THAN_THE_CACHE {
        let n: i32 = sql_query(format!("SELECT {i} + $1"))
            .bind(1)
            .get_result(&mut db.conn)
            .unwrap();
        assert_eq!(n, i as i32 + 1);
    }
    assert!(server_statements(db) <= 256);
    // The newest statements are the ones prepared: the oldest made room for them.
    let last = format!("SELECT {} + $1", MORE_THAN_THE_CACHE - 1);
    let prepared: i64 =
        sql_query("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = $1")
            .bind(last.as_str())
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(prepared, 1, "`{last}` is not prepared");
    let first: i64 =
        sql_query("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = 'SELECT 0 + $1'")
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(first, 0);
}

common::backend_tests! {
    same_query_many_times,
    same_query_sees_changed_data,
    more_distinct_typed_queries_than_the_cache_holds,
    more_distinct_sql_queries_than_the_cache_holds,
    cached_statement_runs_again_after_it_failed,
    statement_left_after_the_first_row_does_not_lock_the_table,
    cached_statement_after_the_table_was_recreated,
    cached_select_star_after_a_column_was_added,
    cached_select_star_after_a_column_was_dropped,
    cache_survives_rolled_back_transactions,
}

common::backend_tests! {
    only pg:
    statements_dropped_in_failed_transactions_are_deallocated,
    the_server_holds_no_more_statements_than_the_cache,
}

/// `statement_cache=off` in the URL (for PgBouncer before 1.21 in transaction mode):
/// every statement is sent unnamed, so the server holds no prepared statement, and
/// typed queries, bound values and transactions work as with the cache.
mod pg_statement_cache_off {
    use super::*;

    fn url(option: &str) -> String {
        let base = common::pg_url();
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}{option}")
    }

    fn prepared<C: Connection>(conn: &mut C) -> i64 {
        sql_query("SELECT COUNT(*) FROM pg_prepared_statements")
            .get_result(conn)
            .unwrap()
    }

    fn exercise<C: Connection>(conn: &mut C) {
        conn.batch_execute(
            "CREATE TEMP TABLE cache_off (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n BIGINT)",
        )
        .unwrap();
        for i in 0..50_i32 {
            conn.transaction(|tx| {
                sql_query("INSERT INTO cache_off (id, name, n) VALUES ($1, $2, $3)")
                    .bind(i)
                    .bind(format!("row {i}"))
                    .bind(i64::from(i) * 5_000_000_000)
                    .execute(tx)
            })
            .unwrap();
        }
        let big: i64 = sql_query("SELECT n FROM cache_off WHERE id = $1")
            .bind(7)
            .get_result(conn)
            .unwrap();
        assert_eq!(big, 35_000_000_000, "binary values both ways");
        let name: String = sql_query("SELECT name FROM cache_off WHERE id = $1")
            .bind(49)
            .get_result(conn)
            .unwrap();
        assert_eq!(name, "row 49");
    }

    #[test]
    fn blocking() {
        let mut off = PgConnection::establish(&url("statement_cache=off")).unwrap();
        exercise(&mut off);
        assert_eq!(prepared(&mut off), 0, "nothing prepared on the server");
        let mut on = PgConnection::establish(&url("statement_cache=on")).unwrap();
        exercise(&mut on);
        assert!(prepared(&mut on) > 0, "the cache prepares statements");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn async_connection() {
        let mut conn = AsyncPgConnection::establish(&url("statement_cache=off"))
            .await
            .unwrap();
        conn.batch_execute("CREATE TEMP TABLE cache_off (id INTEGER, name TEXT)")
            .await
            .unwrap();
        for i in 0..20_i32 {
            sql_query("INSERT INTO cache_off VALUES ($1, $2)")
                .bind(i)
                .bind(format!("row {i}"))
                .execute(&mut conn)
                .await
                .unwrap();
        }
        let names: Vec<String> = sql_query("SELECT name FROM cache_off WHERE id < $1 ORDER BY id")
            .bind(3)
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(names, ["row 0", "row 1", "row 2"]);
        let prepared: i64 = sql_query("SELECT COUNT(*) FROM pg_prepared_statements")
            .get_result(&mut conn)
            .await
            .unwrap();
        assert_eq!(prepared, 0);
    }

    #[test]
    fn a_bad_value_is_refused_by_name() {
        let err = PgConnection::establish(&url("statement_cache=maybe")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "connection error: `statement_cache` in the connection URL must be `on` or `off`, \
             not `maybe`"
        );
        // The key=value form takes it too.
        // postgres://user@host:port/db, as the test server's URL is written.
        let base = common::pg_url();
        let rest = base
            .split_once("://")
            .map_or(base.as_str(), |(_, rest)| rest);
        let rest = rest.split('?').next().unwrap_or(rest);
        let (user, rest) = rest.split_once('@').unwrap_or(("postgres", rest));
        let (address, db) = rest.split_once('/').unwrap_or((rest, "postgres"));
        let (host, port) = address.split_once(':').unwrap_or((address, "5432"));
        let keywords =
            format!("host={host} port={port} user={user} dbname={db} statement_cache=off");
        let mut conn = PgConnection::establish(&keywords).unwrap();
        exercise(&mut conn);
        assert_eq!(prepared(&mut conn), 0);
    }
}
