//! Row locks (`FOR UPDATE`, `FOR SHARE`, `SKIP LOCKED`, `NOWAIT`): PostgreSQL only, so
//! every test here runs on PostgreSQL alone; that SQLite refuses them at compile time is
//! pinned by the ui-tests `row_lock_*`.
//!
//! The locking tests hold a lock in a transaction on the test's connection and look at
//! the locked rows from a second connection to the same schema.

mod common;

use common::{TestDb, expect_database_error, pg_url, users};
use quarry::prelude::*;
use quarry::{DatabaseErrorKind, Error, debug_query, sql_query};

/// A second connection, seeing the test's own schema.
fn other_connection(db: &mut TestDb<PgConnection>) -> PgConnection {
    let schema: String = sql_query("SELECT current_schema()")
        .get_result(&mut db.conn)
        .unwrap();
    let mut other = PgConnection::establish(&pg_url()).unwrap();
    // Quoted as an identifier; the harness's schema names hold no `"`.
    other
        .batch_execute(&format!("SET search_path TO \"{schema}\""))
        .unwrap();
    other
}

/// The SQLSTATE of a database error.
#[track_caller]
fn sqlstate<T: std::fmt::Debug>(result: quarry::QueryResult<T>) -> String {
    let e = expect_database_error(result);
    e.sqlstate
        .clone()
        .unwrap_or_else(|| panic!("no SQLSTATE: {e:?}"))
}

fn locks_render_after_limit_and_offset(_db: &mut TestDb<PgConnection>) {
    let query = users::table
        .filter(users::name.ne("Ada"))
        .order_by(users::id)
        .limit(2)
        .offset(1)
        .select(users::id)
        .for_update()
        .skip_locked();
    let shown = debug_query::<Pg, _>(&query);
    assert_eq!(
        shown.sql(),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."name" <> $1 ORDER BY "users"."id" LIMIT $2 OFFSET $3 FOR UPDATE SKIP LOCKED"#
    );
    // Values stay bind parameters; the locking clause adds none.
    assert_eq!(shown.binds(), [r#""Ada""#, "2", "1"]);

    let query = users::table.find(1).for_share().no_wait();
    assert!(
        debug_query::<Pg, _>(&query)
            .sql()
            .ends_with(r#"WHERE "users"."id" = $1 FOR SHARE NOWAIT"#),
        "{query:?}"
    );
    let query = users::table.for_no_key_update();
    assert!(
        debug_query::<Pg, _>(&query)
            .sql()
            .ends_with(r#" FROM "users" FOR NO KEY UPDATE"#)
    );
    let query = users::table.for_key_share().skip_locked();
    assert!(
        debug_query::<Pg, _>(&query)
            .sql()
            .ends_with(r#" FROM "users" FOR KEY SHARE SKIP LOCKED"#)
    );
}

/// A row locked `FOR UPDATE` in one transaction: another connection's `SKIP LOCKED`
/// query passes over it, its `NOWAIT` query fails at once with `lock_not_available`,
/// and once the transaction ends the row can be locked again.
fn a_locked_row_is_skipped_or_refused_elsewhere(db: &mut TestDb<PgConnection>) {
    let mut other = other_connection(db);
    db.conn
        .transaction(|conn| {
            let locked = users::table
                .find(1)
                .select(users::name)
                .for_update()
                .load(conn)?;
            assert_eq!(locked, ["Ada"]);

            let free = users::table
                .order_by(users::id)
                .select(users::id)
                .for_update()
                .skip_locked()
                .load(&mut other)?;
            assert_eq!(free, [2, 3, 4, 5]);
            // `first` keeps the lock clause, after its LIMIT 1.
            let next = users::table
                .order_by(users::id)
                .select(users::id)
                .for_update()
                .skip_locked()
                .first(&mut other)?;
            assert_eq!(next, 2);

            let refused = users::table.find(1).for_update().no_wait().load(&mut other);
            let refused = expect_database_error(refused);
            assert_eq!(
                refused.sqlstate.as_deref(),
                Some("55P03"),
                "lock_not_available"
            );
            assert_eq!(refused.kind, DatabaseErrorKind::Busy);
            // Rows nobody holds lock without waiting.
            let row = users::table
                .find(2)
                .select(users::name)
                .for_update()
                .no_wait()
                .get_result(&mut other)?;
            assert_eq!(row, "Grace");
            Ok::<_, Error>(())
        })
        .unwrap();

    // The transaction is over: its lock is released.
    let row = users::table
        .find(1)
        .select(users::id)
        .for_update()
        .no_wait()
        .first(&mut other)
        .unwrap();
    assert_eq!(row, 1);
}

/// The four strengths are PostgreSQL's: `FOR NO KEY UPDATE` lets `FOR KEY SHARE` in
/// but not `FOR SHARE`; `FOR SHARE` is shared, and keeps `FOR UPDATE` out.
fn lock_strengths_conflict_as_postgres_defines(db: &mut TestDb<PgConnection>) {
    let mut other = other_connection(db);
    db.conn
        .transaction(|conn| {
            users::table.find(1).for_no_key_update().load(conn)?;
            let key_share = users::table
                .find(1)
                .select(users::id)
                .for_key_share()
                .no_wait()
                .load(&mut other)?;
            assert_eq!(key_share, [1]);
            let share = users::table.find(1).for_share().no_wait().load(&mut other);
            assert_eq!(sqlstate(share), "55P03");
            Ok::<_, Error>(())
        })
        .unwrap();

    db.conn
        .transaction(|conn| {
            users::table.find(3).for_share().load(conn)?;
            let shared = users::table
                .find(3)
                .select(users::name)
                .for_share()
                .no_wait()
                .load(&mut other)?;
            assert_eq!(shared, ["Linus"]);
            let update = users::table.find(3).for_update().no_wait().load(&mut other);
            assert_eq!(sqlstate(update), "55P03");
            let skipped = users::table
                .filter(users::id.le(3))
                .order_by(users::id)
                .select(users::id)
                .for_update()
                .skip_locked()
                .load(&mut other)?;
            assert_eq!(skipped, [1, 2]);
            Ok::<_, Error>(())
        })
        .unwrap();
}

/// GROUP BY and aggregates are refused at compile time (ui-tests); `distinct()` is left
/// to PostgreSQL, which refuses it when the statement runs.
fn distinct_with_a_lock_is_refused_by_postgres(db: &mut TestDb<PgConnection>) {
    let result = users::table
        .select(users::hair_color)
        .distinct()
        .for_update()
        .load(&mut db.conn);
    assert_eq!(sqlstate(result), "0A000", "feature_not_supported");
}

common::backend_tests! {
    only pg:
        locks_render_after_limit_and_offset,
        a_locked_row_is_skipped_or_refused_elsewhere,
        lock_strengths_conflict_as_postgres_defines,
        distinct_with_a_lock_is_refused_by_postgres,
}
