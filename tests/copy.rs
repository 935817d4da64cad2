//! COPY on PostgreSQL: typed rows in (`copy_in`) and out (`copy_out`), COPY data in any
//! format (`copy_in_raw`, `copy_out_raw`), and what happens to a COPY sent through the
//! calls that cannot feed or read it (`batch_execute`, `sql_query`): a clear error, the
//! connection usable right after, never a hang.
//!
//! The calls that used to hang run on a thread of their own, with the connection moved
//! there, so that a regression fails the test after 20 s rather than hanging the suite.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::{ExtraSchema, TestDb, expect_database_error, expect_err, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::{DatabaseErrorKind, Error, sql_query};
use rust_decimal::Decimal;
use serde_json::json;
use std::sync::mpsc;
use std::time::Duration;
use uuid::Uuid;

// ---------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------

#[allow(unused_imports)]
mod schema {
    quarry::table! {
        /// One column of each common type.
        copied (id) {
            id -> Int4,
            flag -> Bool,
            small -> Int2,
            big -> Int8,
            ratio -> Float4,
            precise -> Float8,
            label -> Text,
            data -> Binary,
            note -> Nullable<Text>,
            at -> Timestamptz,
            day -> Date,
            amount -> Numeric,
            uid -> Uuid,
            meta -> Jsonb,
            tags -> Array<Text>,
            maybe_count -> Nullable<Int4>,
        }
    }

    quarry::table! {
        /// `users`, with `age` declared `Int8` where the database has `integer`.
        #[sql_name = "users"]
        users_wide (id) {
            id -> Int4 = default,
            name -> Text,
            age -> Int8,
        }
    }

    quarry::table! {
        /// `users`, with `hair_color` declared NOT NULL where the database allows NULL.
        #[sql_name = "users"]
        users_strict (id) {
            id -> Int4,
            hair_color -> Text,
        }
    }
}
use schema::{copied, users_strict, users_wide};

const COPY_SCHEMA: ExtraSchema = ExtraSchema {
    sqlite: "",
    pg: "CREATE TABLE copied (
        id INTEGER PRIMARY KEY,
        flag BOOLEAN NOT NULL,
        small SMALLINT NOT NULL,
        big BIGINT NOT NULL,
        ratio REAL NOT NULL,
        precise DOUBLE PRECISION NOT NULL,
        label VARCHAR(100) NOT NULL,
        data BYTEA NOT NULL,
        note TEXT,
        at TIMESTAMPTZ NOT NULL,
        day DATE NOT NULL,
        amount NUMERIC(20, 4) NOT NULL,
        uid UUID NOT NULL,
        meta JSONB NOT NULL,
        tags TEXT[] NOT NULL,
        maybe_count INTEGER
    );",
    portable: "",
};

#[derive(Insertable, Selectable, Debug, Clone, PartialEq)]
#[quarry(table = copied)]
struct Copied {
    id: i32,
    flag: bool,
    small: i16,
    big: i64,
    ratio: f32,
    precise: f64,
    label: String,
    data: Vec<u8>,
    note: Option<String>,
    at: DateTime<Utc>,
    day: NaiveDate,
    amount: Decimal,
    uid: Uuid,
    meta: serde_json::Value,
    tags: Vec<String>,
    maybe_count: Option<i32>,
}

fn sample(id: i32) -> Copied {
    let odd = id % 2 == 1;
    Copied {
        id,
        flag: odd,
        small: -32768 + id as i16,
        big: 5_000_000_000 * i64::from(id),
        ratio: 1.5 * id as f32,
        precise: 1e100 / f64::from(id),
        label: format!("row {id}: tab\there, quote' \" backslash \\ and ünïcode"),
        data: vec![0, 0xff, id as u8, b'\n'],
        note: odd.then(|| format!("note {id}")),
        at: DateTime::from_timestamp(1_700_000_000 + i64::from(id), 123_456_000).unwrap(),
        day: NaiveDate::from_ymd_opt(1999, 12, 31).unwrap() + chrono::Days::new(id as u64),
        amount: Decimal::new(-123_456_789 * i64::from(id), 4),
        uid: Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0 + id as u128),
        meta: json!({ "id": id, "tags": ["a", "b"], "nested": { "null": null } }),
        tags: if odd {
            vec!["x".into(), format!("y{id}")]
        } else {
            Vec::new()
        },
        maybe_count: (!odd).then_some(id * 10),
    }
}

/// A user without an id: the database numbers it.
#[derive(Insertable, Debug, Clone)]
#[quarry(table = users)]
struct NewUser {
    name: String,
    hair_color: Option<String>,
    age: i32,
}

fn new_users(n: usize) -> Vec<NewUser> {
    (0..n)
        .map(|i| NewUser {
            name: format!("copied {i}"),
            hair_color: (i % 2 == 0).then(|| "grey".to_owned()),
            age: (i % 90) as i32,
        })
        .collect()
}

/// Runs `f` with the test's connection on another thread, and fails the test if it
/// does not return within 20 s. The stuck connection's backend is then terminated, so
/// that the locks it holds do not keep the test's cleanup waiting too.
fn guarded<T: Send + 'static>(
    db: &mut TestDb<PgConnection>,
    f: impl FnOnce(&mut PgConnection) -> T + Send + 'static,
) -> T {
    let pid: i32 = sql_query("SELECT pg_backend_pid()")
        .get_result(&mut db.conn)
        .unwrap();
    let spare = PgConnection::establish(&common::pg_url()).unwrap();
    let mut conn = std::mem::replace(&mut db.conn, spare);
    let (done, wait) = mpsc::channel();
    std::thread::spawn(move || {
        let out = f(&mut conn);
        let _ = done.send((conn, out));
    });
    match wait.recv_timeout(Duration::from_secs(20)) {
        Ok((conn, out)) => {
            db.conn = conn;
            out
        }
        Err(_) => {
            let _ = sql_query("SELECT pg_terminate_backend($1)")
                .bind(pid)
                .execute(&mut db.conn);
            panic!("the call did not return within 20 s: it hangs")
        }
    }
}

/// The error a COPY sent through `batch_execute` or a query must be.
#[track_caller]
fn assert_copy_refused<T: std::fmt::Debug>(result: quarry::QueryResult<T>) {
    match expect_err(result) {
        Error::InvalidQuery(message) => {
            assert!(
                message.starts_with("COPY FROM STDIN and COPY TO STDOUT cannot run through")
                    && message.contains("use `PgConnection::copy_in`/`copy_out`"),
                "{message}"
            );
        }
        other => panic!("expected Error::InvalidQuery, got {other:?}"),
    }
}

fn names_like(db: &mut TestDb<PgConnection>, pattern: &str) -> i64 {
    sql_query("SELECT COUNT(*) FROM users WHERE name LIKE $1")
        .bind(pattern)
        .get_result(&mut db.conn)
        .unwrap()
}

// ---------------------------------------------------------------------------------
// A COPY through calls that cannot feed or read it
// ---------------------------------------------------------------------------------

fn batch_copy_from_stdin_is_an_error(db: &mut TestDb<PgConnection>) {
    assert_copy_refused(guarded(db, |conn| {
        conn.batch_execute("COPY users FROM STDIN")
    }));
    // Usable at once, and nothing was copied.
    assert_eq!(db.count("users"), 5);
    // What a plain-text pg_dump holds: the data lines are not SQL, so the whole script
    // is refused by the server's parser before anything runs.
    let err = guarded(db, |conn| {
        conn.batch_execute("COPY users (name, age) FROM stdin;\nZed\t30\n\\.\n")
    });
    assert_eq!(
        expect_database_error(err).kind,
        DatabaseErrorKind::InvalidStatement
    );
    assert_eq!(db.count("users"), 5);
}

fn batch_copy_to_stdout_is_an_error(db: &mut TestDb<PgConnection>) {
    assert_copy_refused(guarded(db, |conn| {
        conn.batch_execute("COPY users TO STDOUT")
    }));
    assert_eq!(db.count("users"), 5);
    // Binary and CSV output are discarded alike.
    assert_copy_refused(guarded(db, |conn| {
        conn.batch_execute("COPY (SELECT * FROM users) TO STDOUT (FORMAT binary)")
    }));
    assert_copy_refused(guarded(db, |conn| {
        conn.batch_execute("COPY users TO STDOUT (FORMAT csv, HEADER)")
    }));
    assert_eq!(db.count("users"), 5);
}

fn sql_query_copy_is_an_error(db: &mut TestDb<PgConnection>) {
    assert_copy_refused(guarded(db, |conn| {
        sql_query("COPY users TO STDOUT").execute(conn)
    }));
    assert_copy_refused(guarded(db, |conn| {
        sql_query("COPY users FROM STDIN").execute(conn)
    }));
    assert_copy_refused(guarded(db, |conn| {
        sql_query("COPY users (name) TO STDOUT").load::<(String,), _>(conn)
    }));
    // Again, from the statement cache this time.
    assert_copy_refused(guarded(db, |conn| {
        sql_query("COPY users FROM STDIN").execute(conn)
    }));
    assert_eq!(db.count("users"), 5);
    let name: String = sql_query("SELECT name FROM users WHERE id = $1")
        .bind(2)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(name, "Grace");
}

/// A COPY FROM STDIN fails on the server, and with it the rest of the script (one
/// implicit transaction). A COPY TO STDOUT has run when its data arrives: the
/// statements after it run too, and only its output is lost.
fn copy_inside_a_script(db: &mut TestDb<PgConnection>) {
    assert_copy_refused(guarded(db, |conn| {
        conn.batch_execute(
            "INSERT INTO users (name, age) VALUES ('before', 1); \
             COPY users FROM STDIN; \
             INSERT INTO users (name, age) VALUES ('after', 2);",
        )
    }));
    assert_eq!(names_like(db, "before"), 0);
    assert_eq!(names_like(db, "after"), 0);

    assert_copy_refused(guarded(db, |conn| {
        conn.batch_execute(
            "INSERT INTO users (name, age) VALUES ('before', 1); \
             COPY users TO STDOUT; \
             INSERT INTO users (name, age) VALUES ('after', 2);",
        )
    }));
    assert_eq!(names_like(db, "before"), 1);
    assert_eq!(names_like(db, "after"), 1);
}

/// Inside a transaction, a refused COPY FROM STDIN has failed the transaction (as any
/// failed statement does): the next statement is refused until it rolls back. A
/// refused COPY TO STDOUT ran, so the transaction goes on.
fn copy_inside_a_transaction(db: &mut TestDb<PgConnection>) {
    let (outcome, copy, next) = guarded(db, |conn| {
        let mut seen = None;
        let outcome = conn.transaction(|conn| {
            conn.batch_execute("INSERT INTO users (name, age) VALUES ('in tx', 1)")?;
            let copy = conn.batch_execute("COPY users FROM STDIN");
            let next = conn.batch_execute("SELECT 1");
            seen = Some((copy, next));
            Err::<(), _>(Error::NotFound)
        });
        let (copy, next) = seen.expect("the transaction body ran");
        (outcome, copy, next)
    });
    assert!(matches!(outcome, Err(Error::NotFound)), "{outcome:?}");
    assert_copy_refused(copy);
    let next = expect_database_error(next);
    assert_eq!(next.sqlstate.as_deref(), Some("25P02"), "{next:?}");
    assert_eq!(names_like(db, "in tx"), 0);

    let kept = guarded(db, |conn| {
        conn.transaction(|conn| {
            conn.batch_execute("INSERT INTO users (name, age) VALUES ('in tx', 1)")?;
            let copy = conn.batch_execute("COPY users TO STDOUT");
            conn.batch_execute("INSERT INTO users (name, age) VALUES ('in tx too', 2)")?;
            Ok::<_, Error>(copy)
        })
    });
    assert_copy_refused(kept.unwrap());
    assert_eq!(names_like(db, "in tx%"), 2);
}

// ---------------------------------------------------------------------------------
// copy_in and copy_out
// ---------------------------------------------------------------------------------

fn copy_in_every_type_with_nulls(db: &mut TestDb<PgConnection>) {
    let rows: Vec<Copied> = (1..=4).map(sample).collect();
    assert_eq!(db.conn.copy_in(copied::table, &rows).unwrap(), 4);
    let back: Vec<Copied> = copied::table
        .select(Copied::as_select())
        .order_by(copied::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(back, rows);
    // The database holds what the literals say, not only what quarry decodes.
    let (label, note, tags, meta): (String, Option<String>, String, String) =
        sql_query("SELECT label, note, tags::text, meta->>'id' FROM copied WHERE id = 1")
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(label, rows[0].label);
    assert_eq!(note.as_deref(), Some("note 1"));
    assert_eq!(tags, "{x,y1}");
    assert_eq!(meta, "1");
    let nulls: i64 = sql_query(
        "SELECT COUNT(*) FROM copied WHERE (note IS NULL) = (id % 2 = 0) \
         AND (maybe_count IS NULL) = (id % 2 = 1)",
    )
    .get_result(&mut db.conn)
    .unwrap();
    assert_eq!(nulls, 4);
}

fn copy_in_no_rows(db: &mut TestDb<PgConnection>) {
    let none: Vec<Copied> = Vec::new();
    assert_eq!(db.conn.copy_in(copied::table, &none).unwrap(), 0);
    assert_eq!(db.count("copied"), 0);
}

fn copy_in_many_rows(db: &mut TestDb<PgConnection>) {
    // Well over one 64 KiB piece of data.
    let rows = new_users(20_000);
    assert_eq!(db.conn.copy_in(users::table, &rows).unwrap(), 20_000);
    assert_eq!(db.count("users"), 20_005);
    let grey: i64 =
        sql_query("SELECT COUNT(*) FROM users WHERE name LIKE 'copied %' AND hair_color = 'grey'")
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(grey, 10_000);
}

fn copy_in_tuples(db: &mut TestDb<PgConnection>) {
    let one = (users::name.eq("Tuple"), users::age.eq(7));
    assert_eq!(db.conn.copy_in(users::table, one).unwrap(), 1);
    let many = vec![
        (users::name.eq("Tuple 2"), users::age.eq(8)),
        (users::name.eq("Tuple 3"), users::age.eq(9)),
    ];
    assert_eq!(db.conn.copy_in(users::table, &many).unwrap(), 2);
    let ages: Vec<i32> = users::table
        .filter(users::name.like("Tuple%"))
        .select(users::age)
        .order_by(users::age)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ages, [7, 8, 9]);
}

/// Rows that leave out different columns (an `Option` id with a default) go in as
/// one COPY per run, in one transaction.
fn copy_in_rows_that_leave_out_different_columns(db: &mut TestDb<PgConnection>) {
    #[derive(Insertable)]
    #[quarry(table = users)]
    struct Numbered {
        id: Option<i32>,
        name: &'static str,
        age: i32,
    }
    let rows = [
        Numbered {
            id: Some(100),
            name: "hundred",
            age: 1,
        },
        Numbered {
            id: None,
            name: "numbered",
            age: 2,
        },
        Numbered {
            id: Some(102),
            name: "hundred and two",
            age: 3,
        },
    ];
    assert_eq!(db.conn.copy_in(users::table, &rows[..]).unwrap(), 3);
    let ids: Vec<i32> = users::table
        .filter(users::age.lt(4))
        .select(users::id)
        .order_by(users::age)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [100, 6, 102]);

    // A failure in the last run takes the earlier runs with it.
    let again = [
        Numbered {
            id: Some(200),
            name: "two hundred",
            age: 1,
        },
        Numbered {
            id: None,
            name: "unnumbered",
            age: 2,
        },
        Numbered {
            id: Some(202),
            name: "Ada",
            age: 3,
        },
    ];
    let err = expect_database_error(db.conn.copy_in(users::table, &again[..]));
    assert_eq!(err.kind, DatabaseErrorKind::UniqueViolation);
    assert_eq!(db.count("users"), 8);
}

fn copy_in_constraint_violation_keeps_nothing(db: &mut TestDb<PgConnection>) {
    let mut rows = new_users(50_000);
    // Early, so that the server fails the COPY while rows are still being sent.
    rows[10].name = "Ada".into();
    let err = expect_database_error(db.conn.copy_in(users::table, &rows));
    assert_eq!(err.kind, DatabaseErrorKind::UniqueViolation);
    assert_eq!(err.constraint.as_deref(), Some("users_name_key"));
    assert_eq!(db.count("users"), 5);

    // Late: the last row.
    let mut rows = new_users(1_000);
    rows[999].age = -1;
    let err = expect_database_error(db.conn.copy_in(users::table, &rows));
    assert_eq!(err.kind, DatabaseErrorKind::CheckViolation);
    assert_eq!(err.constraint.as_deref(), Some("age_not_negative"));
    assert_eq!(db.count("users"), 5);

    // The connection goes on: the same rows, mended, go in.
    rows[999].age = 1;
    assert_eq!(db.conn.copy_in(users::table, &rows).unwrap(), 1_000);
    assert_eq!(db.count("users"), 1_005);
}

/// COPY's binary format does not convert: a value of another type than its column's
/// is refused before it is sent, and nothing is kept.
fn copy_in_type_mismatch_is_an_error(db: &mut TestDb<PgConnection>) {
    let rows = vec![
        (users_wide::name.eq("Wide"), users_wide::age.eq(1_i64)),
        (users_wide::name.eq("Wider"), users_wide::age.eq(2_i64)),
    ];
    let err = expect_err(db.conn.copy_in(users_wide::table, &rows));
    assert_eq!(
        err.to_string(),
        "invalid query: column `age` of `users` is int4 in the database, but the row gives a \
         int8 value, and COPY does not convert: declare the column with its database type in \
         `table!`"
    );
    assert_eq!(db.count("users"), 5);
    // An insert converts, and the connection is usable.
    let n = quarry::insert_into(users_wide::table)
        .values(&rows)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 2);
}

fn copy_in_missing_table_is_a_database_error(db: &mut TestDb<PgConnection>) {
    db.exec("ALTER TABLE copied RENAME TO gone");
    let err = expect_database_error(db.conn.copy_in(copied::table, &[sample(1)][..]));
    assert_eq!(err.kind, DatabaseErrorKind::InvalidStatement);
    assert_eq!(err.sqlstate.as_deref(), Some("42P01"));
    assert_eq!(db.count("users"), 5);
}

fn copy_out_round_trip(db: &mut TestDb<PgConnection>) {
    let rows: Vec<Copied> = (1..=6).map(sample).collect();
    db.conn.copy_in(copied::table, &rows).unwrap();
    let out = db
        .conn
        .copy_out(
            copied::table
                .select(Copied::as_select())
                .order_by(copied::id),
        )
        .unwrap();
    assert_eq!(out, rows);
    // Tuples, a join-free expression list, decoded like `load`.
    let query = || {
        users::table
            .select((users::id, users::name, users::hair_color))
            .order_by(users::id)
    };
    let out = db.conn.copy_out(query()).unwrap();
    assert_eq!(out, query().load(&mut db.conn).unwrap());
    assert_eq!(out[0], (1, "Ada".to_owned(), None));
    // No rows.
    db.exec("DELETE FROM copied");
    assert!(db.conn.copy_out(copied::table).unwrap().is_empty());
}

fn copy_out_with_values_is_an_error(db: &mut TestDb<PgConnection>) {
    let err = expect_err(
        db.conn
            .copy_out(users::table.filter(users::id.eq(1)).select(users::name)),
    );
    assert_eq!(
        err.to_string(),
        "invalid query: copy_out cannot run a query with values in it (1 bind parameters): \
         COPY takes no parameters, and quarry never writes values into SQL text; run it with \
         `load`"
    );
    assert_eq!(db.count("users"), 5);
}

fn copy_out_each_streams_and_stops(db: &mut TestDb<PgConnection>) {
    db.conn.copy_in(users::table, new_users(3_000)).unwrap();
    let mut ages = 0_i64;
    let n = db
        .conn
        .copy_out_each(users::table.select(users::age), |age| {
            ages += i64::from(age);
            Ok(())
        })
        .unwrap();
    assert_eq!(n, 3_005);
    let expected: i64 = sql_query("SELECT SUM(age)::int8 FROM users")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(ages, expected);

    // An error from the callback stops it; the rest of the data is read and dropped.
    let mut seen = 0;
    let err = db.conn.copy_out_each(users::table.select(users::id), |_| {
        seen += 1;
        if seen == 10 {
            Err(Error::NotFound)
        } else {
            Ok(())
        }
    });
    assert!(matches!(err, Err(Error::NotFound)), "{err:?}");
    assert_eq!(seen, 10);
    assert_eq!(db.count("users"), 3_005);
}

/// A decode failure names the column, as `load` does.
fn copy_out_decode_error(db: &mut TestDb<PgConnection>) {
    let err = expect_err(
        db.conn
            .copy_out(users_strict::table.select(users_strict::hair_color)),
    );
    assert!(
        matches!(err, Error::Decode { ref column, .. } if column == "hair_color"),
        "{err:?}"
    );
    assert_eq!(db.count("users"), 5);
}

// ---------------------------------------------------------------------------------
// copy_in_raw and copy_out_raw: text and CSV
// ---------------------------------------------------------------------------------

fn raw_copy_in_and_out_csv_and_text(db: &mut TestDb<PgConnection>) {
    let csv = "Zed,30\n\"Quote, Me\",40\n";
    let n = db
        .conn
        .copy_in_raw(
            "COPY users (name, age) FROM STDIN (FORMAT csv)",
            csv.as_bytes(),
        )
        .unwrap();
    assert_eq!(n, 2);
    let text = "Tab\\tName\t50\n";
    let n = db
        .conn
        .copy_in_raw("COPY users (name, age) FROM STDIN", text.as_bytes())
        .unwrap();
    assert_eq!(n, 1);

    let mut out = Vec::new();
    let n = db
        .conn
        .copy_out_raw(
            "COPY (SELECT name, age FROM users WHERE age >= 30 AND id > 5 ORDER BY age) \
             TO STDOUT (FORMAT csv)",
            &mut out,
        )
        .unwrap();
    assert_eq!(n, 3);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Zed,30\n\"Quote, Me\",40\nTab\tName,50\n"
    );
}

fn raw_copy_errors(db: &mut TestDb<PgConnection>) {
    // Bad data: the server's error, and nothing kept.
    let err = expect_database_error(db.conn.copy_in_raw(
        "COPY users (name, age) FROM STDIN (FORMAT csv)",
        "Good,1\nBad,not a number\n".as_bytes(),
    ));
    assert_eq!(err.sqlstate.as_deref(), Some("22P02"), "{err:?}");
    assert_eq!(db.count("users"), 5);

    // A reader that fails midway.
    struct Failing(usize);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("disk on fire"));
            }
            self.0 -= 1;
            let line = b"Reader,1\n";
            buf[..line.len()].copy_from_slice(line);
            Ok(line.len())
        }
    }
    let err = expect_err(
        db.conn
            .copy_in_raw("COPY users (name, age) FROM STDIN (FORMAT csv)", Failing(1)),
    );
    assert_eq!(
        err.to_string(),
        "invalid query: reading the COPY data failed: disk on fire"
    );
    assert_eq!(db.count("users"), 5);

    // Not a COPY of the right kind.
    let err = expect_err(db.conn.copy_in_raw("SELECT 1", &b""[..]));
    assert_eq!(
        err.to_string(),
        "invalid query: the statement is not a COPY … FROM STDIN"
    );
    let err = expect_err(db.conn.copy_in_raw("COPY users TO STDOUT", &b""[..]));
    assert_eq!(
        err.to_string(),
        "invalid query: the statement is not a COPY … FROM STDIN"
    );
    let err = expect_err(
        db.conn
            .copy_out_raw("COPY users FROM STDIN", std::io::sink()),
    );
    assert_eq!(
        err.to_string(),
        "invalid query: the statement is not a COPY … TO STDOUT"
    );
    assert_eq!(db.count("users"), 5);
}

common::backend_tests! {
    extra_schema: COPY_SCHEMA;
    only pg:
        batch_copy_from_stdin_is_an_error,
        batch_copy_to_stdout_is_an_error,
        sql_query_copy_is_an_error,
        copy_inside_a_script,
        copy_inside_a_transaction,
        copy_in_every_type_with_nulls,
        copy_in_no_rows,
        copy_in_many_rows,
        copy_in_tuples,
        copy_in_rows_that_leave_out_different_columns,
        copy_in_constraint_violation_keeps_nothing,
        copy_in_type_mismatch_is_an_error,
        copy_in_missing_table_is_a_database_error,
        copy_out_round_trip,
        copy_out_with_values_is_an_error,
        copy_out_each_streams_and_stops,
        copy_out_decode_error,
        raw_copy_in_and_out_csv_and_text,
        raw_copy_errors,
}

/// SQLite has no COPY: its parser refuses it.
fn sqlite_copy_is_a_syntax_error(db: &mut TestDb<SqliteConnection>) {
    let err = expect_err(db.conn.batch_execute("COPY users FROM STDIN"));
    assert_eq!(
        err.to_string(),
        "invalid statement: near \"COPY\": syntax error"
    );
    assert_eq!(db.count("users"), 5);
}

common::backend_tests! {
    only sqlite: sqlite_copy_is_a_syntax_error
}
