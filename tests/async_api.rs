//! The async connections' own API: `.await` on the same query values, transactions
//! with async closures, futures that are `Send`, and what a dropped future, a panic or
//! a lost server leaves behind. (The rest of the suite runs every test body on the
//! async connections too; see `common::OnRuntime`.)
//!
//! Each body is an async function generic over the backend, run on `AsyncSqliteConnection`
//! and on `AsyncPgConnection` by `common::async_tests!`.

mod common;

use common::{AsyncTestBackend, BackendKind, Post, User, memberships, open_async, posts, users};
use quarry::prelude::*;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Polls `f` at most `polls` times, letting the runtime and the database work a little
/// between polls; the output if it finished, `None` if it was dropped unfinished.
async fn poll_then_drop<F: Future>(f: F, polls: usize) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    for _ in 0..polls {
        let step = std::future::poll_fn(|cx| Poll::Ready(f.as_mut().poll(cx))).await;
        if let Poll::Ready(output) = step {
            return Some(output);
        }
        tokio::time::sleep(Duration::from_micros(300)).await;
    }
    None
}

/// A future that turns a panic while polling `F` into an error.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, ()>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(move || inner.poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}

/// Counts how often `F` is polled.
struct CountPolls<'n, F> {
    inner: Pin<Box<F>>,
    polls: &'n mut usize,
}

impl<F: Future> Future for CountPolls<'_, F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        *self.polls += 1;
        self.inner.as_mut().poll(cx)
    }
}

async fn count<C: AsyncConnection>(conn: &mut C, sql: &str) -> i64 {
    quarry::sql_query(sql)
        .get_result(conn)
        .await
        .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"))
}

/// An application error: a lost race is worth a retry.
#[derive(Debug)]
enum Conflict {
    Db(quarry::Error),
    Lost,
}

impl From<quarry::Error> for Conflict {
    fn from(e: quarry::Error) -> Self {
        Conflict::Db(e)
    }
}

impl quarry::conn::RetryableError for Conflict {
    fn is_retryable(&self) -> bool {
        match self {
            Conflict::Db(e) => e.is_retryable(),
            Conflict::Lost => true,
        }
    }
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

async fn every_entry_point_runs_the_same_query_values<B: AsyncTestBackend>() {
    let mut conn = open_async::<B>("every_entry_point").await;
    let conn = &mut conn;

    let names = assert_send(
        users::table
            .filter(users::age.gt(40))
            .order_by(users::id)
            .select(users::name)
            .load(conn),
    )
    .await
    .unwrap();
    assert_eq!(names, ["Grace", "Alan"]);

    let ada: User = users::table
        .filter(users::name.eq("Ada"))
        .select(User::as_select())
        .get_result(conn)
        .await
        .unwrap();
    assert_eq!((ada.id, ada.age), (1, 36));
    let first: String = users::table
        .order_by(users::name)
        .select(users::name)
        .first(conn)
        .await
        .unwrap();
    assert_eq!(first, "Ada");
    let missing = users::table
        .filter(users::id.eq(99))
        .select(users::id)
        .first(conn)
        .await;
    assert!(
        matches!(missing, Err(quarry::Error::NotFound)),
        "{missing:?}"
    );

    // Writes: one row, with RETURNING, an update, a delete.
    let inserted = quarry::insert_into(users::table)
        .values((
            users::id.eq(10),
            users::name.eq("Edsger"),
            users::age.eq(72),
        ))
        .execute(conn)
        .await
        .unwrap();
    assert_eq!(inserted, 1);
    let returned: Vec<(i32, String)> = quarry::insert_into(users::table)
        .values((
            users::id.eq(11),
            users::name.eq("Barbara"),
            users::age.eq(80),
        ))
        .returning((users::id, users::name))
        .get_results(conn)
        .await
        .unwrap();
    assert_eq!(returned, [(11, "Barbara".to_owned())]);
    let changed = quarry::update(users::table.filter(users::id.ge(10)))
        .set(users::visits.eq(7))
        .execute(conn)
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let visits: i32 = quarry::update(users::table.filter(users::id.eq(10)))
        .set(users::visits.eq(users::visits + 1))
        .returning(users::visits)
        .get_result(conn)
        .await
        .unwrap();
    assert_eq!(visits, 8);
    let deleted = quarry::delete(users::table.filter(users::id.eq(11)))
        .execute(conn)
        .await
        .unwrap();
    assert_eq!(deleted, 1);

    // A batch larger than either backend's bind limit: several statements, one
    // transaction.
    let rows: Vec<_> = (0..25_000)
        .map(|i| {
            (
                memberships::user_id.eq(1 + i % 5),
                memberships::team_id.eq(1000 + i),
                memberships::role.eq("member"),
            )
        })
        .collect();
    let inserted = quarry::insert_into(memberships::table)
        .values(rows)
        .execute(conn)
        .await
        .unwrap();
    assert_eq!(inserted, 25_000);
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) FROM memberships WHERE team_id >= 1000"
        )
        .await,
        25_000
    );
    // A batch whose last row fails leaves none of its rows behind.
    let failing: Vec<_> = (0..25_000)
        .map(|i| {
            (
                memberships::user_id.eq(if i == 24_999 { 99 } else { 1 }),
                memberships::team_id.eq(100_000 + i),
                memberships::role.eq("member"),
            )
        })
        .collect();
    let failed = quarry::insert_into(memberships::table)
        .values(failing)
        .execute(conn)
        .await;
    assert!(failed.is_err());
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) FROM memberships WHERE team_id >= 100000"
        )
        .await,
        0
    );

    // An upsert, SQL by hand, a boxed query.
    quarry::insert_into(users::table)
        .values((users::id.eq(1), users::name.eq("Ada"), users::age.eq(37)))
        .on_conflict(users::id)
        .do_update()
        .set(users::age.eq(quarry::excluded(users::age)))
        .execute(conn)
        .await
        .unwrap();
    let age: i32 = quarry::sql_query("SELECT age FROM users WHERE id = $1")
        .bind(1)
        .get_result(conn)
        .await
        .unwrap();
    assert_eq!(age, 37);
    let n = quarry::sql_query("UPDATE users SET visits = visits + 1 WHERE id <= $1")
        .bind(2)
        .execute(conn)
        .await
        .unwrap();
    assert_eq!(n, 2);
    let mut boxed = users::table.select(users::id).into_boxed();
    boxed = boxed.filter(users::hair_color.is_null());
    let ids = boxed.order_by(users::id).load(conn).await.unwrap();
    assert_eq!(ids, [1, 5, 10]);
    assert!(conn.is_idle());
}

async fn transactions_commit_roll_back_and_nest<B: AsyncTestBackend>() {
    let mut conn = open_async::<B>("transactions_nest").await;
    let conn = &mut conn;
    let before = count(conn, "SELECT COUNT(*) FROM users").await;

    let kept = conn
        .transaction(async |tx| {
            quarry::sql_query("INSERT INTO users (id, name, age) VALUES (20, 'Kept', 1)")
                .execute(tx)
                .await?;
            // A savepoint whose error rolls back only itself.
            let inner: Result<(), quarry::Error> = tx
                .transaction(async |tx| {
                    quarry::sql_query("INSERT INTO users (id, name, age) VALUES (21, 'Inner', 1)")
                        .execute(tx)
                        .await?;
                    Err(quarry::Error::NotFound)
                })
                .await;
            assert!(inner.is_err());
            Ok::<_, quarry::Error>(7)
        })
        .await
        .unwrap();
    assert_eq!(kept, 7);
    assert_eq!(count(conn, "SELECT COUNT(*) FROM users").await, before + 1);
    assert_eq!(
        count(conn, "SELECT COUNT(*) FROM users WHERE id = 21").await,
        0
    );

    let failed: Result<(), quarry::Error> = conn
        .transaction(async |tx| {
            quarry::sql_query("INSERT INTO users (id, name, age) VALUES (22, 'Gone', 1)")
                .execute(tx)
                .await?;
            Err(quarry::Error::NotFound)
        })
        .await;
    assert!(matches!(failed, Err(quarry::Error::NotFound)));
    assert_eq!(
        count(conn, "SELECT COUNT(*) FROM users WHERE id = 22").await,
        0
    );

    // A failed statement swallowed inside: never a silent commit.
    let swallowed: Result<(), quarry::Error> = conn
        .transaction(async |tx| {
            quarry::sql_query("INSERT INTO users (id, name, age) VALUES (23, 'Lost', 1)")
                .execute(tx)
                .await?;
            let _ = quarry::sql_query("INSERT INTO users (id, name, age) VALUES (23, 'Dup', 1)")
                .execute(tx)
                .await;
            Ok(())
        })
        .await;
    if B::KIND == BackendKind::Pg {
        // PostgreSQL aborts the transaction at the failed statement.
        assert!(
            matches!(swallowed, Err(quarry::Error::TransactionRolledBack { .. })),
            "{swallowed:?}"
        );
        assert_eq!(
            count(conn, "SELECT COUNT(*) FROM users WHERE id = 23").await,
            0
        );
    } else {
        // SQLite undoes the failed statement alone; the rest commits.
        swallowed.unwrap();
        assert_eq!(
            count(conn, "SELECT COUNT(*) FROM users WHERE id = 23").await,
            1
        );
    }

    // Retries: a closure that fails once with an error worth a retry runs again, and
    // what its first attempt wrote is rolled back.
    let mut attempts = 0;
    let retried: Result<i32, Conflict> = conn
        .transaction_with_retry(3, async |tx| {
            attempts += 1;
            quarry::sql_query("UPDATE users SET visits = visits + 1 WHERE id = 1")
                .execute(tx)
                .await?;
            if attempts == 1 {
                return Err(Conflict::Lost);
            }
            Ok(attempts)
        })
        .await;
    assert!(matches!(retried, Ok(2)), "{retried:?}");
    assert_eq!(
        count(conn, "SELECT visits FROM users WHERE id = 1").await,
        41
    );
    assert!(conn.is_idle());

    conn.begin_test_transaction().await.unwrap();
    assert!(!conn.is_idle(), "a test transaction is open");
    assert!(conn.begin_test_transaction().await.is_err());
}

async fn a_panic_inside_a_transaction_rolls_it_back<B: AsyncTestBackend>() {
    let mut conn = open_async::<B>("panic_in_transaction").await;
    let outcome = CatchUnwind(Box::pin(conn.transaction(async |tx| {
        quarry::sql_query("INSERT INTO users (id, name, age) VALUES (30, 'Panics', 1)")
            .execute(tx)
            .await?;
        if tx.transaction_depth() > 0 {
            panic!("inside the transaction");
        }
        Ok::<_, quarry::Error>(())
    })))
    .await;
    assert!(outcome.is_err(), "the closure panicked");
    assert!(
        !conn.is_idle(),
        "the abandoned transaction is rolled back on next use"
    );
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) FROM users WHERE id = 30").await,
        0
    );
    assert!(conn.is_idle());
}

/// Drops `load`, `execute` and `transaction` futures after each number of polls, and
/// checks what the next use finds: no transaction left open, nothing half-done, the
/// committed data there.
async fn a_future_dropped_at_any_poll_leaves_the_connection_clean<B: AsyncTestBackend>() {
    let mut conn = open_async::<B>("dropped_futures").await;
    let conn = &mut conn;
    let pid = if B::KIND == BackendKind::Pg {
        count(conn, "SELECT pg_backend_pid()::int8").await
    } else {
        0
    };
    let mut observer = open_async::<B>("dropped_futures_observer").await;
    let mut finished = [0usize; 3];
    // 1 to 12 polls drop the futures at each await point; the last run polls them to
    // their end on any machine.
    for polls in (1..=12).chain([100_000]) {
        let slow = if B::KIND == BackendKind::Pg {
            "SELECT id FROM users, pg_sleep(0.002) ORDER BY id"
        } else {
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000) \
             SELECT COUNT(*) FROM n"
        };
        let load = quarry::sql_query(slow).load::<i64, _>(conn);
        finished[0] += usize::from(poll_then_drop(load, polls).await.is_some());

        let id = 1000 + polls as i32;
        let insert = quarry::insert_into(users::table).values((
            users::id.eq(id),
            users::name.eq(format!("u{id}")),
            users::age.eq(1),
        ));
        let execute = insert.execute(conn);
        finished[1] += usize::from(poll_then_drop(execute, polls).await.is_some());

        let (a, b) = (2000 + polls as i32, 3000 + polls as i32);
        let transaction = conn.transaction(async |tx| {
            for id in [a, b] {
                quarry::insert_into(users::table)
                    .values((
                        users::id.eq(id),
                        users::name.eq(format!("u{id}")),
                        users::age.eq(1),
                    ))
                    .execute(tx)
                    .await?;
                quarry::sql_query(slow).load::<i64, _>(tx).await?;
            }
            Ok::<_, quarry::Error>(())
        });
        let done = poll_then_drop(transaction, polls).await;
        finished[2] += usize::from(done.is_some());

        // The next use finds the connection usable and outside any transaction.
        let pair = count(
            conn,
            &format!("SELECT COUNT(*) FROM users WHERE id IN ({a}, {b})"),
        )
        .await;
        assert!(
            pair == 0 || pair == 2,
            "after {polls} polls the transaction is all or nothing, found {pair} of 2 rows"
        );
        if let Some(outcome) = done {
            outcome.unwrap();
            assert_eq!(pair, 2);
        } else {
            assert!(
                polls < 100_000,
                "polled to its end, the transaction finishes"
            );
        }
        assert!(
            conn.is_idle(),
            "after {polls} polls the connection is idle again"
        );
        assert_eq!(conn.transaction_depth(), 0);
        if B::KIND == BackendKind::Pg {
            let stuck = count(
                &mut observer,
                &format!(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = {pid} \
                     AND state LIKE 'idle in transaction%'"
                ),
            )
            .await;
            assert_eq!(
                stuck, 0,
                "after {polls} polls the server shows no open transaction"
            );
        }
    }
    // Both ends were reached: some futures were dropped early (at one poll, each is),
    // and the last run finished each.
    assert!(
        finished.iter().all(|&n| (1..13).contains(&n)),
        "some futures were dropped, some finished: {finished:?}"
    );
    // The fixtures (committed before) are all there.
    assert!(count(conn, "SELECT COUNT(*) FROM users WHERE id <= 5").await == 5);
}

async fn a_dropped_query_on_a_slow_statement_is_cancelled<B: AsyncTestBackend>() {
    let mut conn = open_async::<B>("timeout_cancels").await;
    let slow = if B::KIND == BackendKind::Pg {
        "SELECT 1::int8 FROM pg_sleep(30)"
    } else {
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n"
    };
    let started = std::time::Instant::now();
    let timed_out = tokio::time::timeout(
        Duration::from_millis(200),
        quarry::sql_query(slow).get_result::<i64, _>(&mut conn),
    )
    .await;
    assert!(timed_out.is_err(), "the statement ran out of time");
    // The next call waits for the cancelled statement to end, not for 30 seconds.
    assert_eq!(count(&mut conn, "SELECT 1").await, 1);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(conn.is_idle());
}

/// A handler as a web framework runs it: on a spawned task, so its future must be
/// `Send`, with loads, writes and a transaction on a concrete connection type.
macro_rules! spawned_handler {
    ($name:ident, $backend:ty) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let conn = open_async::<$backend>(stringify!($name)).await;
            let handle = tokio::spawn(async move {
                let mut conn = conn;
                let names = users::table
                    .select(users::name)
                    .order_by(users::id)
                    .load(&mut conn)
                    .await?;
                conn.transaction(async |tx| {
                    quarry::update(users::table.filter(users::id.eq(1)))
                        .set(users::visits.eq(0))
                        .execute(tx)
                        .await
                })
                .await?;
                Ok::<_, quarry::Error>(names.len())
            });
            assert_eq!(handle.await.unwrap().unwrap(), 5);
        }
    };
}

spawned_handler!(
    sqlite_futures_are_send_and_run_on_spawned_tasks,
    common::AsyncSqliteHarness
);
spawned_handler!(
    pg_futures_are_send_and_run_on_spawned_tasks,
    common::AsyncPgHarness
);

/// The next item of a stream.
async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

async fn streams_hand_rows_over_and_stop_when_dropped<B: AsyncTestBackend>() {
    let mut conn = open_async::<B>("streams").await;
    let conn = &mut conn;
    let rows: Vec<_> = (0..3000)
        .map(|i| {
            (
                memberships::user_id.eq(1 + i % 5),
                memberships::team_id.eq(1000 + i),
                memberships::role.eq("member"),
            )
        })
        .collect();
    quarry::insert_into(memberships::table)
        .values(rows)
        .execute(conn)
        .await
        .unwrap();
    let query = || {
        memberships::table
            .filter(memberships::team_id.ge(1000))
            .order_by(memberships::team_id)
            .select(memberships::team_id)
    };
    let mut all = Vec::new();
    let mut stream = query().stream(conn);
    while let Some(row) = next(&mut stream).await {
        all.push(row.unwrap());
    }
    drop(stream);
    assert_eq!(all, (1000..4000).collect::<Vec<_>>());
    assert!(conn.is_idle());

    // Dropped after some rows, at every batch boundary and inside one: the next call
    // runs, the connection is idle again.
    for take in [1, 256, 300, 2999] {
        let mut stream = query().stream(conn);
        for _ in 0..take {
            next(&mut stream).await.unwrap().unwrap();
        }
        drop(stream);
        assert_eq!(
            count(conn, "SELECT COUNT(*) FROM memberships").await,
            3004,
            "after taking {take} rows"
        );
        assert!(conn.is_idle(), "after taking {take} rows");
    }
    // Dropped before the first poll, and after a few polls of the first batch.
    drop(query().stream(conn));
    for polls in 1..=6 {
        let mut stream = query().stream(conn);
        let _ = poll_then_drop(next(&mut stream), polls).await;
        drop(stream);
        assert_eq!(count(conn, "SELECT 1").await, 1);
        assert!(conn.is_idle(), "after {polls} polls");
    }
}

/// Eager loading on an async connection: the same statements as on a blocking one, each
/// awaited. (Awaited on the test's own task: the future is not yet proven `Send`, see
/// the Relations chapter.)
async fn eager_loading_awaits_each_level<B: AsyncTestBackend>() {
    #[derive(Selectable, Debug)]
    #[quarry(table = users)]
    struct UserWithPosts {
        id: i32,
        #[quarry(relation = posts::by_user_id)]
        posts: Vec<Post>,
    }
    #[derive(Selectable, Debug)]
    #[quarry(table = posts)]
    struct PostWithUser {
        id: i32,
        #[quarry(relation)]
        users: User,
    }
    let mut conn = open_async::<B>("eager_loading_awaits_each_level").await;
    let result = async {
        let people: Vec<UserWithPosts> = users::table
            .order_by(users::id)
            .with(posts::by_user_id.order_by(posts::id))
            .load_async(&mut conn)
            .await?;
        let posts: Vec<PostWithUser> = posts::table
            .order_by(posts::id)
            .with(posts::users)
            .load_async(&mut conn)
            .await?;
        let tree: Vec<(i32, Vec<i32>)> = people
            .iter()
            .map(|u| (u.id, u.posts.iter().map(|p| p.id).collect()))
            .collect();
        let authors: Vec<(i32, String)> = posts.into_iter().map(|p| (p.id, p.users.name)).collect();
        Ok::<_, quarry::Error>((tree, authors))
    };
    let (tree, authors) = result.await.unwrap();
    assert_eq!(
        tree,
        [
            (1, vec![1, 4]),
            (2, vec![2]),
            (3, vec![3, 5]),
            (4, vec![]),
            (5, vec![])
        ]
    );
    let names: Vec<&str> = authors.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["Ada", "Grace", "Linus", "Ada", "Linus"]);
}

common::async_tests! {
    eager_loading_awaits_each_level,
    streams_hand_rows_over_and_stop_when_dropped,
    every_entry_point_runs_the_same_query_values,
    transactions_commit_roll_back_and_nest,
    a_panic_inside_a_transaction_rolls_it_back,
    a_future_dropped_at_any_poll_leaves_the_connection_clean,
    a_dropped_query_on_a_slow_statement_is_cancelled,
}

mod pg_only {
    use super::*;

    #[tokio::test]
    async fn awaiting_a_slow_statement_wakes_the_task_a_handful_of_times() {
        let mut conn = open_async::<common::AsyncPgHarness>("wakeups").await;
        let mut polls = 0;
        let query = quarry::sql_query("SELECT pg_sleep(1)");
        let sleep = query.execute(&mut conn);
        CountPolls {
            inner: Box::pin(sleep),
            polls: &mut polls,
        }
        .await
        .unwrap();
        assert!(polls <= 10, "polled {polls} times while the server slept");
    }

    #[tokio::test]
    async fn a_pipeline_returns_each_result_typed_and_reports_errors_for_their_own_statement() {
        let mut conn = open_async::<common::AsyncPgHarness>("pipeline").await;
        for _ in 0..2 {
            // Twice: the second time every statement comes from the cache.
            let (names, first, changed, failed, missing) = conn
                .pipeline(|p| {
                    (
                        p.load(users::table.order_by(users::id).select(users::name)),
                        p.first(
                            users::table
                                .filter(users::age.gt(40))
                                .order_by(users::id)
                                .select(users::id),
                        ),
                        p.execute(&quarry::sql_query(
                            "UPDATE users SET visits = visits + 1 WHERE id <= 2",
                        )),
                        p.execute(&quarry::sql_query("UPDATE no_such_table SET x = 1")),
                        p.first(users::table.filter(users::id.eq(99)).select(users::id)),
                    )
                })
                .await
                .unwrap();
            assert_eq!(
                names.unwrap(),
                ["Ada", "Grace", "Linus", "Margaret", "Alan"]
            );
            assert_eq!(first.unwrap(), 2);
            assert_eq!(changed.unwrap(), 2);
            let err = failed.unwrap_err();
            assert!(err.to_string().contains("no_such_table"), "{err}");
            assert!(
                matches!(missing, Err(quarry::Error::NotFound)),
                "{missing:?}"
            );
            assert!(conn.is_idle());
        }
        // The update of each pipeline committed on its own, the failure did not undo it.
        assert_eq!(
            count(&mut conn, "SELECT visits FROM users WHERE id = 1").await,
            42
        );
        // An aggregate, read as `get_result` reads it (no `LIMIT`).
        let (adults,) = conn
            .pipeline(|p| (p.get_result(users::table.filter(users::age.gt(30)).count()),))
            .await
            .unwrap();
        assert_eq!(adults.unwrap(), 4);
        // One statement, and a pipeline inside a transaction.
        let (one,) = conn
            .pipeline(|p| (p.load(users::table.select(users::id).filter(users::id.eq(3))),))
            .await
            .unwrap();
        assert_eq!(one.unwrap(), [3]);
        conn.transaction(async |tx| {
            let (n,) = tx
                .pipeline(|p| (p.execute(&quarry::sql_query("DELETE FROM memberships")),))
                .await?;
            assert_eq!(n?, 4);
            Err::<(), _>(quarry::Error::NotFound)
        })
        .await
        .unwrap_err();
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) FROM memberships").await,
            4
        );
    }

    #[tokio::test]
    async fn a_pipeline_dropped_at_any_poll_leaves_the_connection_clean() {
        let mut conn = open_async::<common::AsyncPgHarness>("pipeline_dropped").await;
        let mut finished = 0;
        for polls in 1..=10 {
            let pipeline = conn.pipeline(|p| {
                (
                    p.execute(&quarry::sql_query("SELECT pg_sleep(0.002)")),
                    p.load(users::table.select(users::id)),
                )
            });
            finished += usize::from(poll_then_drop(pipeline, polls).await.is_some());
            assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM users").await, 5);
            assert!(conn.is_idle(), "after {polls} polls");
        }
        assert!(finished < 10, "some pipelines were dropped unfinished");
    }

    #[tokio::test]
    async fn a_closed_port_is_a_connection_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let err = AsyncPgConnection::establish(&format!("postgres://postgres@127.0.0.1:{port}/x"))
            .await
            .unwrap_err();
        assert!(matches!(err, quarry::Error::Connection(_)), "{err:?}");
        assert!(err.to_string().contains(&port.to_string()), "{err}");
    }

    #[tokio::test]
    async fn a_server_that_never_answers_the_connect_times_out() {
        // A listener that accepts nothing: the connect waits for the server's first
        // message until the connect timeout.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let started = std::time::Instant::now();
        let err = AsyncPgConnection::establish(&format!(
            "postgres://postgres@127.0.0.1:{port}/x?connect_timeout=2"
        ))
        .await
        .unwrap_err();
        assert!(matches!(err, quarry::Error::Connection(_)), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{:?}",
            started.elapsed()
        );
        drop(listener);
    }

    #[tokio::test]
    async fn a_host_name_is_resolved_without_blocking() {
        let url = common::pg_url().replace("127.0.0.1", "localhost");
        let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
        assert_eq!(count(&mut conn, "SELECT 1").await, 1);
    }

    #[tokio::test]
    async fn a_terminated_backend_is_a_connection_error_and_marks_the_connection_broken() {
        let mut conn = open_async::<common::AsyncPgHarness>("terminated").await;
        let pid = count(&mut conn, "SELECT pg_backend_pid()::int8").await;
        let mut other = open_async::<common::AsyncPgHarness>("terminated_other").await;
        count(
            &mut other,
            &format!("SELECT pg_terminate_backend({pid})::int::int8"),
        )
        .await;
        let err = quarry::sql_query("SELECT 1")
            .get_result::<i32, _>(&mut conn)
            .await
            .unwrap_err();
        assert!(matches!(err, quarry::Error::Connection(_)), "{err:?}");
        assert!(conn.is_broken());
        assert!(!conn.is_idle());
    }
}
