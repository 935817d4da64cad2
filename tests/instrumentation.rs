//! Instrumentation: the hook's events in order (statements, failures, transactions and
//! savepoints), the statement counter and `assert_queries!`, the slow-statement
//! threshold, and the `tracing` span of each statement with OpenTelemetry's field
//! names and without bind values.

mod common;

use common::{TestDb, users};
use quarry::backend::Backend;
use quarry::conn::Connection;
use quarry::instrument::{
    Instrumentation, Instrumented, StatementFinished, StatementStarted, TransactionEvent,
    TransactionEventKind,
};
use quarry::prelude::*;
use quarry::{Error, insert_into};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One event the hook saw.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Start(String),
    Finish {
        sql: String,
        rows: Option<u64>,
        failed: bool,
    },
    Slow(String),
    Tx(TransactionEventKind, u32),
}

/// A hook that writes down what it sees.
struct Recorder(Arc<Mutex<Vec<Seen>>>);

impl Instrumentation for Recorder {
    fn statement_started(&mut self, statement: &StatementStarted<'_>) {
        self.0
            .lock()
            .unwrap()
            .push(Seen::Start(statement.sql.to_owned()));
    }
    fn statement_finished(&mut self, statement: &StatementFinished<'_>) {
        self.0.lock().unwrap().push(Seen::Finish {
            sql: statement.sql.to_owned(),
            rows: statement.rows,
            failed: statement.error.is_some(),
        });
    }
    fn slow_statement(&mut self, statement: &StatementFinished<'_>) {
        self.0
            .lock()
            .unwrap()
            .push(Seen::Slow(statement.sql.to_owned()));
    }
    fn transaction(&mut self, event: &TransactionEvent) {
        self.0
            .lock()
            .unwrap()
            .push(Seen::Tx(event.kind, event.depth));
    }
}

/// Sets a recorder on the connection; the events it sees go into the returned list.
fn record<C: Connection>(conn: &mut C) -> Arc<Mutex<Vec<Seen>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    conn.set_instrumentation(Recorder(Arc::clone(&seen)));
    seen
}

fn taken(seen: &Arc<Mutex<Vec<Seen>>>) -> Vec<Seen> {
    std::mem::take(&mut *seen.lock().unwrap())
}

fn finish(sql: &str, rows: Option<u64>) -> Seen {
    Seen::Finish {
        sql: sql.to_owned(),
        rows,
        failed: false,
    }
}

#[derive(Insertable)]
#[quarry(table = users)]
struct NewUser {
    name: String,
    age: i32,
}

fn a_select_is_seen_starting_and_finishing_with_its_rows<C: Connection>(db: &mut TestDb<C>) {
    let seen = record(&mut db.conn);
    let names = users::table
        .filter(users::age.eq(36))
        .order_by(users::id)
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Ada", "Margaret"]);
    let events = taken(&seen);
    let Some(Seen::Start(sql)) = events.first() else {
        panic!("no start event: {events:?}");
    };
    assert!(sql.starts_with("SELECT"), "{sql}");
    assert!(
        !sql.contains("36"),
        "the bind value is not in the SQL: {sql}"
    );
    assert_eq!(events, [Seen::Start(sql.clone()), finish(sql, Some(2))]);

    // The second run of the statement is seen the same way (from the statement cache).
    users::table
        .filter(users::age.eq(85))
        .order_by(users::id)
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        taken(&seen),
        [Seen::Start(sql.clone()), finish(sql, Some(1))]
    );

    // Removed, the hook sees nothing more.
    assert!(db.conn.take_instrumentation().is_some());
    users::table.count().get_result(&mut db.conn).unwrap();
    assert_eq!(taken(&seen), []);
}

fn an_insert_is_seen_with_the_rows_it_changed<C: Connection>(db: &mut TestDb<C>) {
    let seen = record(&mut db.conn);
    let sql = "UPDATE users SET visits = visits + 1 WHERE age = $1";
    let changed = quarry::sql_query(sql)
        .bind(36)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(changed, 2);
    assert_eq!(
        taken(&seen),
        [Seen::Start(sql.into()), finish(sql, Some(2))]
    );

    insert_into(users::table)
        .values(&NewUser {
            name: "Barbara".into(),
            age: 50,
        })
        .execute(&mut db.conn)
        .unwrap();
    let events = taken(&seen);
    assert_eq!(events.len(), 2, "{events:?}");
    let Seen::Start(sql) = &events[0] else {
        panic!("{events:?}")
    };
    assert!(sql.starts_with("INSERT INTO"), "{sql}");
    assert!(!sql.contains("Barbara"), "{sql}");
    assert_eq!(events[1], finish(sql, Some(1)));
}

fn a_failing_statement_is_seen_with_its_error<C: Connection>(db: &mut TestDb<C>) {
    let seen = record(&mut db.conn);
    let sql = "SELECT id FROM no_such_table WHERE id = $1";
    let result = quarry::sql_query(sql).bind(1).load::<i32, _>(&mut db.conn);
    assert!(result.is_err());
    assert_eq!(
        taken(&seen),
        [
            Seen::Start(sql.into()),
            Seen::Finish {
                sql: sql.into(),
                rows: None,
                failed: true
            }
        ]
    );
    // A unique violation, from a statement that was prepared well.
    let sql = "INSERT INTO users (name, age) VALUES ($1, $2)";
    let result = quarry::sql_query(sql)
        .bind("Ada")
        .bind(1)
        .execute(&mut db.conn);
    assert!(result.is_err());
    assert_eq!(
        taken(&seen),
        [
            Seen::Start(sql.into()),
            Seen::Finish {
                sql: sql.into(),
                rows: None,
                failed: true
            }
        ]
    );
}

fn transactions_and_savepoints_are_seen_in_order<C: Connection>(db: &mut TestDb<C>) {
    let seen = record(&mut db.conn);
    let insert = "INSERT INTO users (name, age) VALUES ('Edsger', 72)";
    let update = "UPDATE users SET age = 0";
    db.conn
        .transaction(|conn| {
            quarry::sql_query(insert).execute(conn)?;
            let inner: Result<(), Error> = conn.transaction(|conn| {
                quarry::sql_query(update).execute(conn)?;
                Err(Error::NotFound)
            });
            assert!(inner.is_err());
            Ok::<_, Error>(())
        })
        .unwrap();
    use TransactionEventKind::{Begin, Commit, Rollback};
    assert_eq!(
        taken(&seen),
        [
            Seen::Tx(Begin, 1),
            Seen::Start(insert.into()),
            finish(insert, Some(1)),
            Seen::Tx(Begin, 2),
            Seen::Start(update.into()),
            finish(update, Some(6)),
            Seen::Tx(Rollback, 2),
            Seen::Tx(Commit, 1),
        ]
    );
    // The savepoint's update was undone, the insert kept.
    assert_eq!(db.count("users WHERE age = 0"), 0);
    assert_eq!(db.count("users"), 6);
    taken(&seen);

    // A transaction whose code fails is rolled back at depth 1.
    let failed: Result<(), Error> = db.conn.transaction(|_| Err(Error::NotFound));
    assert!(failed.is_err());
    assert_eq!(taken(&seen), [Seen::Tx(Begin, 1), Seen::Tx(Rollback, 1)]);
}

fn a_chunked_batch_insert_counts_one_statement_per_chunk<C: Connection>(db: &mut TestDb<C>) {
    // Two values a row; each chunk stays under the backend's bind limit.
    let rows: Vec<NewUser> = (0..40_000)
        .map(|i| NewUser {
            name: format!("user {i}"),
            age: i % 100,
        })
        .collect();
    let per_chunk = (<C::Backend as Backend>::BIND_LIMIT - 256) / 2;
    let chunks = rows.len().div_ceil(per_chunk);
    assert!(chunks >= 2, "the test needs a chunked insert");

    let seen = record(&mut db.conn);
    let counter = db.conn.count_queries();
    let inserted = insert_into(users::table)
        .values(&rows)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(inserted, 40_000);
    let count = counter.stop();
    assert_eq!(count.len(), chunks, "{count}");
    assert!(
        count
            .statements()
            .iter()
            .all(|sql| sql.starts_with("INSERT INTO")),
        "{count}"
    );
    // Full chunks share one statement; the last, shorter one has its own.
    assert_eq!(count.distinct_statements().len(), 2, "{count}");
    // The chunks ran in one transaction, which the counter does not count.
    let events = taken(&seen);
    assert_eq!(
        events.first(),
        Some(&Seen::Tx(TransactionEventKind::Begin, 1))
    );
    assert_eq!(
        events.last(),
        Some(&Seen::Tx(TransactionEventKind::Commit, 1))
    );
    assert_eq!(events.len(), 2 * chunks + 2, "{events:?}");

    // The same through the macro, which returns the block's value: two chunks and a
    // count.
    let more: Vec<NewUser> = (0..per_chunk + 1)
        .map(|i| NewUser {
            name: format!("more {i}"),
            age: 1,
        })
        .collect();
    let n: i64 = quarry::assert_queries!(db.conn, 3, {
        insert_into(users::table)
            .values(&more)
            .execute(&mut db.conn)
            .unwrap();
        users::table.count().get_result(&mut db.conn).unwrap()
    });
    assert_eq!(n, 40_005 + per_chunk as i64 + 1);
}

fn assert_queries_lists_the_statements_when_the_count_is_wrong<C: Connection>(db: &mut TestDb<C>) {
    let conn = &mut db.conn;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        quarry::assert_queries!(conn, 1, {
            users::table
                .find(1)
                .select(users::name)
                .get_result(&mut *conn)
                .unwrap();
            users::table
                .find(2)
                .select(users::name)
                .get_result(&mut *conn)
                .unwrap();
        })
    }));
    let panic = outcome.expect_err("two statements are not one");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.starts_with("expected 1 statement(s), but 2 were sent:\n  1. SELECT"),
        "{message}"
    );
    assert!(message.contains("\n  2. SELECT"), "{message}");
    // Counters nest, and a counter that is dropped stops counting.
    let outer = conn.count_queries();
    {
        let inner = conn.count_queries();
        conn.batch_execute("SELECT 1").unwrap();
        assert_eq!(inner.count(), 1);
    }
    conn.batch_execute("SELECT 2").unwrap();
    assert_eq!(outer.stop().statements(), ["SELECT 1", "SELECT 2"]);
}

fn a_slow_statement_is_reported_once<C: Connection>(db: &mut TestDb<C>) {
    let seen = record(&mut db.conn);
    db.conn.set_slow_query_threshold(Some(Duration::ZERO));
    let sql = "SELECT COUNT(*) FROM users WHERE age > $1";
    let n: i64 = quarry::sql_query(sql)
        .bind(30)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(n, 4);
    assert_eq!(
        taken(&seen),
        [
            Seen::Start(sql.into()),
            finish(sql, Some(1)),
            Seen::Slow(sql.into())
        ]
    );
    // Under the threshold: not slow.
    db.conn
        .set_slow_query_threshold(Some(Duration::from_secs(60)));
    quarry::sql_query(sql)
        .bind(30)
        .get_result::<i64, _>(&mut db.conn)
        .unwrap();
    assert_eq!(
        taken(&seen),
        [Seen::Start(sql.into()), finish(sql, Some(1))]
    );
}

// ----- tracing --------------------------------------------------------------------

/// A subscriber that keeps every span's fields and every event's, process-wide: the
/// async SQLite connection runs its statements on a thread of its own, which a
/// thread-local subscriber would not see. Tests find their own by the SQL text.
mod capture {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Mutex, OnceLock};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    pub(crate) type Fields = BTreeMap<String, String>;

    /// A span: its name, target, fields and parent (ids are positions in `spans`, from 1).
    pub(crate) struct SpanSeen {
        pub(crate) name: &'static str,
        pub(crate) target: String,
        pub(crate) fields: Fields,
        pub(crate) parent: Option<u64>,
        meta: &'static Metadata<'static>,
    }

    #[derive(Default)]
    pub(crate) struct Captured {
        pub(crate) spans: Vec<SpanSeen>,
        pub(crate) events: Vec<(String, tracing::Level, Fields)>,
    }

    thread_local! {
        /// The spans entered on this thread, innermost last.
        static ENTERED: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    struct Capture {
        next: AtomicU64,
        seen: Mutex<Captured>,
    }

    struct Visitor<'a>(&'a mut Fields);

    impl Visit for Visitor<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_owned(), value.to_owned());
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut fields = Fields::new();
            span.record(&mut Visitor(&mut fields));
            let parent = match span.parent() {
                Some(parent) => Some(parent.into_u64()),
                None if span.is_contextual() => ENTERED.with(|e| e.borrow().last().copied()),
                None => None,
            };
            let mut seen = self.seen.lock().unwrap();
            seen.spans.push(SpanSeen {
                name: span.metadata().name(),
                target: span.metadata().target().to_owned(),
                fields,
                parent,
                meta: span.metadata(),
            });
            let id = self.next.fetch_add(1, Ordering::Relaxed);
            Id::from_u64(id + 1)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut seen = self.seen.lock().unwrap();
            if let Some(span) = seen.spans.get_mut(span.into_u64() as usize - 1) {
                values.record(&mut Visitor(&mut span.fields));
            }
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Fields::new();
            event.record(&mut Visitor(&mut fields));
            let meta = event.metadata();
            self.seen.lock().unwrap().events.push((
                meta.target().to_owned(),
                *meta.level(),
                fields,
            ));
        }
        fn enter(&self, span: &Id) {
            ENTERED.with(|e| e.borrow_mut().push(span.into_u64()));
        }
        fn exit(&self, _: &Id) {
            ENTERED.with(|e| e.borrow_mut().pop());
        }
        fn current_span(&self) -> tracing_core::span::Current {
            let Some(id) = ENTERED.with(|e| e.borrow().last().copied()) else {
                return tracing_core::span::Current::none();
            };
            let seen = self.seen.lock().unwrap();
            match seen.spans.get(id as usize - 1) {
                Some(span) => tracing_core::span::Current::new(Id::from_u64(id), span.meta),
                None => tracing_core::span::Current::none(),
            }
        }
    }

    static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();

    /// What the subscriber has seen, installing it the first time.
    pub(crate) fn seen<T>(f: impl FnOnce(&Captured) -> T) -> T {
        let capture = CAPTURE.get_or_init(|| {
            let capture: &'static Capture = Box::leak(Box::new(Capture {
                next: AtomicU64::new(0),
                seen: Mutex::default(),
            }));
            tracing::subscriber::set_global_default(Forward(capture))
                .expect("no other global subscriber in this test binary");
            capture
        });
        f(&capture.seen.lock().unwrap())
    }

    /// The global subscriber: forwards to the leaked `Capture`.
    struct Forward(&'static Capture);

    impl Subscriber for Forward {
        fn enabled(&self, m: &Metadata<'_>) -> bool {
            self.0.enabled(m)
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            self.0.new_span(span)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            self.0.record(span, values)
        }
        fn record_follows_from(&self, a: &Id, b: &Id) {
            self.0.record_follows_from(a, b)
        }
        fn event(&self, event: &Event<'_>) {
            self.0.event(event)
        }
        fn enter(&self, span: &Id) {
            self.0.enter(span)
        }
        fn exit(&self, span: &Id) {
            self.0.exit(span)
        }
        fn current_span(&self) -> tracing_core::span::Current {
            self.0.current_span()
        }
    }
}

/// The fields of the spans whose SQL contains `marker`.
fn spans_with(marker: &str) -> Vec<capture::Fields> {
    capture::seen(|seen| {
        seen.spans
            .iter()
            .filter(|span| {
                span.target == "quarry::query"
                    && span
                        .fields
                        .get("db.query.text")
                        .is_some_and(|sql| sql.contains(marker))
            })
            .map(|span| span.fields.clone())
            .collect()
    })
}

/// A word no other test's SQL holds.
fn unique(prefix: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}_zz{n}zz")
}

fn system<C: Connection>(db: &TestDb<C>) -> &'static str {
    match db.kind() {
        common::BackendKind::Sqlite => "sqlite",
        common::BackendKind::Pg => "postgresql",
    }
}

fn each_statement_has_a_span_with_opentelemetry_fields_and_no_bind_values<C: Connection>(
    db: &mut TestDb<C>,
) {
    capture::seen(|_| ());
    let marker = unique("span");
    let select = format!("SELECT name FROM users WHERE name <> '{marker}' AND age = $1");
    let secret = "a-bind-value-nobody-may-see";
    let names: Vec<String> = quarry::sql_query(&*select)
        .bind(36)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names.len(), 2);
    let insert = format!("INSERT INTO users (name, age) VALUES ($1, $2) -- {marker}");
    quarry::sql_query(&*insert)
        .bind(secret)
        .bind(7)
        .execute(&mut db.conn)
        .unwrap();
    let failing = format!("SELECT missing FROM {marker}");
    assert!(quarry::sql_query(&*failing).execute(&mut db.conn).is_err());

    let spans = spans_with(&marker);
    assert_eq!(spans.len(), 3, "{spans:#?}");
    let field = |i: usize, name: &str| spans[i].get(name).cloned().unwrap_or_default();
    for i in 0..3 {
        assert_eq!(field(i, "db.system.name"), system(db));
    }
    assert_eq!(field(0, "db.query.text"), select);
    assert_eq!(field(0, "db.operation.name"), "SELECT");
    assert_eq!(field(0, "db.response.returned_rows"), "2");
    assert_eq!(field(1, "db.query.text"), insert);
    assert_eq!(field(1, "db.operation.name"), "INSERT");
    assert_eq!(field(1, "db.response.returned_rows"), "1");
    assert_eq!(field(2, "otel.status_code"), "ERROR");
    assert!(!field(2, "error.message").is_empty(), "{spans:#?}");
    if db.kind() == common::BackendKind::Pg {
        // The SQLSTATE of an undefined table.
        assert_eq!(field(2, "error.type"), "42P01");
    }
    for fields in &spans {
        assert!(
            fields
                .values()
                .all(|v| !v.contains(secret) && !v.contains("36")),
            "a bind value is in a span: {fields:#?}"
        );
    }
}

fn a_slow_statement_is_logged_once_at_warn<C: Connection>(db: &mut TestDb<C>) {
    capture::seen(|_| ());
    let marker = unique("slow");
    let sql = format!("SELECT COUNT(*) FROM users WHERE name <> '{marker}'");
    db.conn.set_slow_query_threshold(Some(Duration::ZERO));
    let n: i64 = quarry::sql_query(&*sql).get_result(&mut db.conn).unwrap();
    assert_eq!(n, 5);
    db.conn.set_slow_query_threshold(None);
    quarry::sql_query(&*sql)
        .get_result::<i64, _>(&mut db.conn)
        .unwrap();
    let warnings = capture::seen(|seen| {
        seen.events
            .iter()
            .filter(|(target, _, fields)| {
                target == "quarry::slow_query"
                    && fields
                        .get("db.query.text")
                        .is_some_and(|s| s.contains(&marker))
            })
            .map(|(_, level, fields)| (*level, fields.clone()))
            .collect::<Vec<_>>()
    });
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].0, tracing::Level::WARN);
    assert_eq!(warnings[0].1["db.system.name"], system(db));
    assert!(warnings[0].1.contains_key("duration_ms"));
    // Both runs have their span.
    assert_eq!(spans_with(&marker).len(), 2);
}

fn a_statement_span_is_a_child_of_the_callers_span<C: Connection>(db: &mut TestDb<C>) {
    capture::seen(|_| ());
    let marker = unique("parent");
    let sql = format!("SELECT COUNT(*) FROM users WHERE name <> '{marker}'");
    let request = tracing::info_span!("request", marker = marker.as_str());
    let n: i64 = request
        .in_scope(|| quarry::sql_query(&*sql).get_result(&mut db.conn))
        .unwrap();
    assert_eq!(n, 5);
    let (request_id, parents) = capture::seen(|seen| {
        let request_id = seen
            .spans
            .iter()
            .position(|s| s.name == "request" && s.fields.get("marker") == Some(&marker))
            .map(|i| i as u64 + 1);
        let parents: Vec<Option<u64>> = seen
            .spans
            .iter()
            .filter(|s| s.target == "quarry::query" && s.fields.get("db.query.text") == Some(&sql))
            .map(|s| s.parent)
            .collect();
        (request_id, parents)
    });
    assert!(request_id.is_some());
    assert_eq!(parents, [request_id]);
}

fn a_stream_is_one_statement<C: Connection>(db: &mut TestDb<C>) {
    let seen = record(&mut db.conn);
    let ids: Vec<i32> = quarry::assert_queries!(db.conn, 1, {
        users::table
            .select(users::id)
            .order_by(users::id)
            .stream(&mut db.conn)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    });
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let events = taken(&seen);
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(matches!(&events[0], Seen::Start(sql) if sql.starts_with("SELECT")));
    assert!(matches!(&events[1], Seen::Finish { failed: false, .. }));
}

common::backend_tests! {
    a_stream_is_one_statement,
    a_statement_span_is_a_child_of_the_callers_span,
    a_select_is_seen_starting_and_finishing_with_its_rows,
    an_insert_is_seen_with_the_rows_it_changed,
    a_failing_statement_is_seen_with_its_error,
    transactions_and_savepoints_are_seen_in_order,
    a_chunked_batch_insert_counts_one_statement_per_chunk,
    assert_queries_lists_the_statements_when_the_count_is_wrong,
    a_slow_statement_is_reported_once,
    each_statement_has_a_span_with_opentelemetry_fields_and_no_bind_values,
    a_slow_statement_is_logged_once_at_warn,
}

/// The async connections' own API: `assert_queries!` with `.await` inside, and a hook
/// set on the connection users await.
mod awaited {
    use super::*;
    use crate::common::{AsyncTestBackend, open_async};

    async fn assert_queries_counts_awaited_statements<B: AsyncTestBackend>() {
        let mut conn = open_async::<B>("awaited_assert_queries").await;
        let seen = record_async(&mut conn);
        let (ada, n) = quarry::assert_queries!(conn, 2, {
            let ada = users::table
                .find(1)
                .select(users::name)
                .first(&mut conn)
                .await
                .unwrap();
            let n = users::table.count().get_result(&mut conn).await.unwrap();
            (ada, n)
        });
        assert_eq!((ada.as_str(), n), ("Ada", 5));
        conn.transaction(async |tx| {
            quarry::sql_query("UPDATE users SET visits = 0")
                .execute(tx)
                .await?;
            Ok::<_, Error>(())
        })
        .await
        .unwrap();
        let events = taken(&seen);
        assert_eq!(events.len(), 4 + 4, "{events:?}");
        assert_eq!(events[4], Seen::Tx(TransactionEventKind::Begin, 1));
        assert_eq!(events[6], finish("UPDATE users SET visits = 0", Some(5)));
        assert_eq!(events[7], Seen::Tx(TransactionEventKind::Commit, 1));
    }

    fn record_async<C: Instrumented>(conn: &mut C) -> Arc<Mutex<Vec<Seen>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        conn.set_instrumentation(Recorder(Arc::clone(&seen)));
        seen
    }

    crate::common::async_tests! {
        assert_queries_counts_awaited_statements,
    }

    #[tokio::test]
    async fn each_statement_of_a_pipeline_is_seen_and_counted() {
        let mut conn = open_async::<crate::common::AsyncPgHarness>("awaited_pipeline").await;
        let seen = record_async(&mut conn);
        let missing = "SELECT nothing FROM no_such_table";
        let (names, failed) = quarry::assert_queries!(conn, 2, {
            conn.pipeline(|p| {
                (
                    p.load(users::table.order_by(users::id).select(users::name)),
                    p.execute(&quarry::sql_query(missing)),
                )
            })
            .await
            .unwrap()
        });
        assert_eq!(names.unwrap().len(), 5);
        assert!(failed.is_err());
        let events = taken(&seen);
        // Both are sent before either finishes.
        assert!(matches!(&events[0], Seen::Start(sql) if sql.starts_with("SELECT")));
        assert_eq!(events[1], Seen::Start(missing.into()));
        assert!(matches!(
            &events[2],
            Seen::Finish {
                rows: Some(5),
                failed: false,
                ..
            }
        ));
        assert_eq!(
            events[3],
            Seen::Finish {
                sql: missing.into(),
                rows: None,
                failed: true
            }
        );
        assert_eq!(events.len(), 4);
    }
}
