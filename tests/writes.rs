//! `insert_into`, `update` and `delete`: values from tuples, derived structs and
//! vectors, `RETURNING`, upserts, affected-row counts, and no partial rows when a
//! statement fails.

mod common;

use common::{TestDb, expect_database_error, memberships, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::{DatabaseErrorKind, Error, delete, excluded, insert_into, update};

#[derive(Insertable, Debug, Clone)]
#[quarry(table = users)]
struct NewUser<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
    age: i32,
}

#[derive(AsChangeset, Default)]
#[quarry(table = users)]
struct UserChanges<'a> {
    name: Option<&'a str>,
    hair_color: Option<&'a str>,
    age: Option<i32>,
}

#[derive(AsChangeset)]
#[quarry(table = users, treat_none_as_null = true)]
struct HairChange<'a> {
    hair_color: Option<&'a str>,
}

fn count<C: Connection>(db: &mut TestDb<C>) -> i64 {
    users::table.count().get_result(&mut db.conn).unwrap()
}

fn new_user(name: &str, age: i32) -> NewUser<'_> {
    NewUser {
        name,
        hair_color: None,
        age,
    }
}

fn inserts_a_tuple_and_returns_the_generated_id<C: Connection>(db: &mut TestDb<C>) {
    let id: i32 = insert_into(users::table)
        .values((users::name.eq("Barbara"), users::age.eq(40)))
        .returning(users::id)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(id, 6);
    let row = users::table
        .find(id)
        .select((users::name, users::hair_color, users::age, users::visits))
        .first(&mut db.conn)
        .unwrap();
    // Left-out columns take their defaults or NULL.
    assert_eq!(row, ("Barbara".to_owned(), None, 40, 0));
}

fn inserts_a_struct_and_returns_every_column_by_default<C: Connection>(db: &mut TestDb<C>) {
    let user = NewUser {
        name: "Barbara",
        hair_color: Some("grey"),
        age: 40,
    };
    let row = insert_into(users::table)
        .values(&user)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(
        row,
        (6, "Barbara".to_owned(), Some("grey".to_owned()), 40, 0)
    );
    assert_eq!(
        insert_into(users::table)
            .values(new_user("Edsger", 70))
            .execute(&mut db.conn)
            .unwrap(),
        1
    );
    assert_eq!(count(db), 7);
}

fn inserts_many_rows_in_one_statement<C: Connection>(db: &mut TestDb<C>) {
    let rows: Vec<NewUser<'_>> = ["Barbara", "Edsger", "Tony"]
        .into_iter()
        .map(|name| new_user(name, 50))
        .collect();
    let query = insert_into(users::table).values(&rows[..]);
    let sql = quarry::debug_query::<C::Backend, _>(&query).sql();
    assert_eq!(sql.matches("), (").count(), 2, "{sql}");
    assert_eq!(query.execute(&mut db.conn).unwrap(), 3);
    // An owned Vec, with the rows it inserted returned in order.
    let more = vec![
        new_user("Barbara2", 51),
        new_user("Edsger2", 51),
        new_user("Tony2", 51),
    ];
    let names: Vec<String> = insert_into(users::table)
        .values(more)
        .returning(users::name)
        .get_results(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Barbara2", "Edsger2", "Tony2"]);
    assert_eq!(count(db), 11);
    // An empty batch sends nothing.
    let none: Vec<NewUser<'_>> = Vec::new();
    assert_eq!(
        insert_into(users::table)
            .values(none)
            .execute(&mut db.conn)
            .unwrap(),
        0
    );
}

fn splits_a_large_batch_under_the_bind_limit<C: Connection>(db: &mut TestDb<C>) {
    // 3 binds per row: 25,000 rows need more than one statement on both backends.
    let names: Vec<String> = (0..25_000).map(|i| format!("user{i}")).collect();
    let rows: Vec<NewUser<'_>> = names.iter().map(|n| new_user(n, 20)).collect();
    let inserted = insert_into(users::table)
        .values(&rows)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(inserted, 25_000);
    assert_eq!(count(db), 25_005);
}

fn a_failing_row_leaves_no_rows_behind<C: Connection>(db: &mut TestDb<C>) {
    // The last row repeats a UNIQUE name: the whole multi-row insert fails.
    let rows = vec![
        new_user("Barbara", 40),
        new_user("Edsger", 70),
        new_user("Ada", 1),
    ];
    let err = expect_database_error(
        insert_into(users::table)
            .values(&rows)
            .execute(&mut db.conn),
    );
    assert_eq!(err.kind, DatabaseErrorKind::UniqueViolation);
    assert_eq!(count(db), 5);

    // Large enough to be split: the violation in the last chunk rolls back the others.
    let names: Vec<String> = (0..25_000).map(|i| format!("user{i}")).collect();
    let mut rows: Vec<NewUser<'_>> = names.iter().map(|n| new_user(n, 20)).collect();
    rows.push(new_user("Grace", 3));
    let err = expect_database_error(
        insert_into(users::table)
            .values(&rows)
            .execute(&mut db.conn),
    );
    assert_eq!(err.kind, DatabaseErrorKind::UniqueViolation);
    assert_eq!(count(db), 5);

    // Inside a transaction, the failed statement is rolled back with the transaction.
    let result: Result<(), Error> = db.conn.transaction(|c| {
        insert_into(users::table)
            .values(new_user("Barbara", 40))
            .execute(c)?;
        insert_into(users::table)
            .values(new_user("Tony", -1))
            .execute(c)?;
        Ok(())
    });
    let err = expect_database_error(result);
    assert_eq!(err.kind, DatabaseErrorKind::CheckViolation);
    assert_eq!(count(db), 5);
}

fn constraint_violations_name_the_constraint<C: Connection>(db: &mut TestDb<C>) {
    let err = expect_database_error(
        insert_into(users::table)
            .values(new_user("Barbara", -1))
            .execute(&mut db.conn),
    );
    assert_eq!(err.kind, DatabaseErrorKind::CheckViolation);
    assert_eq!(
        err.constraint.as_deref(),
        Some("age_not_negative"),
        "{err:?}"
    );

    let err = expect_database_error(
        insert_into(common::posts::table)
            .values((
                common::posts::user_id.eq(99),
                common::posts::title.eq("orphan"),
                common::posts::kind.eq("note"),
            ))
            .execute(&mut db.conn),
    );
    assert_eq!(err.kind, DatabaseErrorKind::ForeignKeyViolation);
}

/// `Option` fields of columns declared `= default`: `None` leaves the column to the
/// database.
#[derive(Insertable)]
#[quarry(table = users)]
struct UserWithDefaults<'a> {
    id: Option<i32>,
    name: &'a str,
    age: i32,
    visits: Option<i32>,
}

fn none_leaves_a_defaulted_column_to_the_database<C: Connection>(db: &mut TestDb<C>) {
    let row = |id, name, visits| UserWithDefaults {
        id,
        name,
        age: 30,
        visits,
    };
    let rows = vec![
        row(None, "Barbara", None),
        row(None, "Edsger", Some(7)),
        row(None, "Tony", None),
        row(Some(100), "Niklaus", Some(8)),
    ];
    // The first statement of the batch: the rows that leave out both columns.
    let query = insert_into(users::table).values(&rows);
    let sql = quarry::debug_query::<C::Backend, _>(&query).sql();
    assert!(
        sql.starts_with(r#"INSERT INTO "users" ("name", "age") VALUES ("#),
        "{sql}"
    );
    let inserted: Vec<(i32, String, i32)> = query
        .returning((users::id, users::name, users::visits))
        .get_results(&mut db.conn)
        .unwrap();
    let expected = [
        (6, "Barbara", 0),
        (7, "Edsger", 7),
        (8, "Tony", 0),
        (100, "Niklaus", 8),
    ];
    let expected: Vec<(i32, String, i32)> = expected
        .into_iter()
        .map(|(id, name, visits)| (id, name.to_owned(), visits))
        .collect();
    assert_eq!(inserted, expected);
}

fn default_values_insert_fills_every_column<C: Connection>(db: &mut TestDb<C>) {
    db.exec("CREATE TABLE events (n INTEGER NOT NULL DEFAULT 7, note TEXT)");
    quarry::table! { events (n) { n -> Int4 = default, note -> Nullable<Text> } }
    let n = insert_into(events::table)
        .default_values()
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 1);
    let rows: Vec<(i32, Option<String>)> = events::table.load(&mut db.conn).unwrap();
    assert_eq!(rows, [(7, None)]);

    // Rows whose every field is a `None` for a defaulted column are DEFAULT VALUES too.
    #[derive(Insertable)]
    #[quarry(table = events)]
    struct Event {
        n: Option<i32>,
    }
    let events = [Event { n: None }, Event { n: Some(8) }, Event { n: None }];
    let ns: Vec<i32> = insert_into(events::table)
        .values(&events[..])
        .returning(events::n)
        .get_results(&mut db.conn)
        .unwrap();
    assert_eq!(ns, [7, 8, 7]);
}

fn updates_with_tuples_expressions_and_structs<C: Connection>(db: &mut TestDb<C>) {
    let n = update(users::table.filter(users::age.eq(36)))
        .set(users::visits.eq(users::visits + 1))
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 2);
    let visits: Vec<i32> = users::table
        .filter(users::age.eq(36))
        .select(users::visits)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(visits, [41, 51]);

    let (name, age): (String, i32) = update(users::table.find(1))
        .set((users::name.eq("Ada L."), users::age.eq(37)))
        .returning((users::name, users::age))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!((name.as_str(), age), ("Ada L.", 37));

    // `None` fields are left alone.
    let changes = UserChanges {
        hair_color: Some("white"),
        ..Default::default()
    };
    let row = update(users::table.find(2))
        .set(&changes)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(
        row,
        (2, "Grace".to_owned(), Some("white".to_owned()), 85, 85)
    );

    // With `treat_none_as_null`, `None` writes NULL.
    update(users::table.find(2))
        .set(&HairChange { hair_color: None })
        .execute(&mut db.conn)
        .unwrap();
    let hair: Option<String> = users::table
        .find(2)
        .select(users::hair_color)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(hair, None);

    // A changeset with nothing to change is an error, not invalid SQL.
    let err = update(users::table)
        .set(&UserChanges::default())
        .execute(&mut db.conn);
    assert!(matches!(err, Err(Error::InvalidQuery(_))), "{err:?}");
}

fn update_and_delete_targets_reject_limits<C: Connection>(db: &mut TestDb<C>) {
    let err = delete(users::table.filter(users::id.gt(0)).limit(1)).execute(&mut db.conn);
    assert!(matches!(err, Err(Error::InvalidQuery(_))), "{err:?}");
    assert_eq!(count(db), 5);
}

fn deletes_and_returns_what_it_removed<C: Connection>(db: &mut TestDb<C>) {
    db.exec("DELETE FROM memberships");
    db.exec("DELETE FROM posts");
    let mut names: Vec<String> = delete(users::table.filter(users::hair_color.eq("brown")))
        .returning(users::name)
        .get_results(&mut db.conn)
        .unwrap();
    names.sort();
    assert_eq!(names, ["Grace", "Margaret"]);
    assert_eq!(
        delete(users::table.filter(users::id.eq(42)))
            .execute(&mut db.conn)
            .unwrap(),
        0
    );
    assert_eq!(delete(users::table).execute(&mut db.conn).unwrap(), 3);
    assert_eq!(count(db), 0);
}

fn upserts_do_nothing_and_do_update<C: Connection>(db: &mut TestDb<C>) {
    let skipped = insert_into(users::table)
        .values(new_user("Ada", 99))
        .on_conflict(users::name)
        .do_nothing()
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(skipped, 0);
    let none = insert_into(users::table)
        .values(new_user("Ada", 99))
        .on_conflict(users::name)
        .do_nothing()
        .returning(users::id)
        .get_result(&mut db.conn);
    assert!(matches!(none, Err(Error::NotFound)), "{none:?}");

    // Without a target, a row that breaks any unique index is skipped.
    let rows = vec![new_user("Ada", 99), new_user("Barbara", 40)];
    let inserted = insert_into(users::table)
        .values(&rows)
        .on_conflict_do_nothing()
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(inserted, 1);
    db.exec("DELETE FROM users WHERE name = 'Barbara'");

    let rows = vec![new_user("Ada", 37), new_user("Barbara", 40)];
    let mut ages: Vec<(String, i32)> = insert_into(users::table)
        .values(&rows)
        .on_conflict(users::name)
        .do_update()
        .set((
            users::age.eq(excluded(users::age)),
            users::visits.eq(users::visits + 1),
        ))
        .returning((users::name, users::age))
        .get_results(&mut db.conn)
        .unwrap();
    ages.sort();
    assert_eq!(ages, [("Ada".to_owned(), 37), ("Barbara".to_owned(), 40)]);
    let visits: i32 = users::table
        .find(1)
        .select(users::visits)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(visits, 41);
}

fn upserts_refuse_rows_that_repeat_the_conflict_key<C: Connection>(db: &mut TestDb<C>) {
    let refused = |result: quarry::QueryResult<usize>| match result {
        Err(Error::InvalidQuery(reason)) => reason,
        other => panic!("expected Error::InvalidQuery, got {other:?}"),
    };
    let message = |first: usize, second: usize, columns: &str, table: &str| {
        format!(
            "the rows at index {first} and {second} of this upsert into `{table}` have the \
             same {columns} (its conflict target); ON CONFLICT DO UPDATE cannot change a row \
             twice in one statement, so give each key once (merge the rows first), or use \
             `do_nothing()`"
        )
    };
    let upsert = |rows: &[NewUser<'_>], conn: &mut C| {
        insert_into(users::table)
            .values(rows)
            .on_conflict(users::name)
            .do_update()
            .set(users::age.eq(excluded(users::age)))
            .execute(conn)
    };

    // Repeats in one statement: PostgreSQL alone would refuse them.
    let one_chunk = [new_user("Zed", 1), new_user("Yul", 2), new_user("Zed", 3)];
    assert_eq!(
        refused(upsert(&one_chunk, &mut db.conn)),
        message(0, 2, "`name`", "users")
    );
    // Repeats 25,000 rows apart fall in two statements on both backends, where each
    // backend alone would let the second update the first: refused all the same.
    let names: Vec<String> = (0..25_000).map(|i| format!("bulk{i}")).collect();
    let mut rows: Vec<NewUser<'_>> = names.iter().map(|n| new_user(n, 20)).collect();
    rows[24_999].name = "bulk0";
    assert_eq!(
        refused(upsert(&rows, &mut db.conn)),
        message(0, 24_999, "`name`", "users")
    );
    rows[24_999].name = "bulk24999";
    // Rows that leave out different columns go in different statements too.
    let split = vec![
        UserWithDefaults {
            id: None,
            name: "Zed",
            age: 1,
            visits: None,
        },
        UserWithDefaults {
            id: Some(50),
            name: "Zed",
            age: 2,
            visits: None,
        },
    ];
    let split = insert_into(users::table)
        .values(&split)
        .on_conflict(users::name)
        .do_update()
        .set(users::age.eq(excluded(users::age)))
        .returning(users::id)
        .get_results(&mut db.conn)
        .map(|ids| ids.len());
    assert_eq!(refused(split), message(0, 1, "`name`", "users"));
    // Tuples of assignments, and a conflict target of two columns.
    let tuples = vec![
        (users::name.eq("Zed"), users::age.eq(1)),
        (users::name.eq("Zed"), users::age.eq(2)),
    ];
    let tuples = insert_into(users::table)
        .values(&tuples)
        .on_conflict(users::name)
        .do_update()
        .set(users::age.eq(excluded(users::age)))
        .execute(&mut db.conn);
    assert_eq!(refused(tuples), message(0, 1, "`name`", "users"));
    let member = |user: i32, team: i32, role: &'static str| {
        (
            memberships::user_id.eq(user),
            memberships::team_id.eq(team),
            memberships::role.eq(role),
        )
    };
    let upsert_members = |rows: &[_], conn: &mut C| {
        insert_into(memberships::table)
            .values(rows)
            .on_conflict((memberships::user_id, memberships::team_id))
            .do_update()
            .set(memberships::role.eq(excluded(memberships::role)))
            .execute(conn)
    };
    let repeated = [member(2, 20, "a"), member(1, 10, "b"), member(2, 20, "c")];
    assert_eq!(
        refused(upsert_members(&repeated, &mut db.conn)),
        message(0, 2, "`user_id`, `team_id`", "memberships")
    );
    // Nothing was sent.
    assert_eq!(count(db), 5);
    assert_eq!(db.count("memberships"), 4);

    // Keys that differ in any column are different keys, and update as asked.
    let distinct = [
        member(1, 10, "owner"),
        member(1, 20, "owner"),
        member(2, 20, "new"),
    ];
    assert_eq!(upsert_members(&distinct, &mut db.conn).unwrap(), 3);
    let roles: Vec<(i32, i32, String)> =
        db.rows("SELECT user_id, team_id, role FROM memberships ORDER BY user_id, team_id");
    let roles: Vec<(i32, i32, &str)> = roles.iter().map(|(u, t, r)| (*u, *t, r.as_str())).collect();
    assert_eq!(
        roles,
        [
            (1, 10, "owner"),
            (1, 20, "owner"),
            (2, 10, "member"),
            (2, 20, "new"),
            (3, 30, "lead")
        ]
    );
    assert_eq!(upsert(&rows, &mut db.conn).unwrap(), 25_000);
    // DO NOTHING may see a key twice: the first row is inserted, the second skipped.
    let skipped = insert_into(users::table)
        .values(&one_chunk[..])
        .on_conflict(users::name)
        .do_nothing()
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(skipped, 2);
    let zed: i32 = users::table
        .filter(users::name.eq("Zed"))
        .select(users::age)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(zed, 1);
}

fn values_travel_as_bind_parameters<C: Connection>(db: &mut TestDb<C>) {
    let name = "Robert'); DROP TABLE users; --";
    let query = insert_into(users::table).values(new_user(name, 10));
    assert!(
        !quarry::debug_query::<C::Backend, _>(&query)
            .sql()
            .contains("DROP")
    );
    query.execute(&mut db.conn).unwrap();
    let stored: String = users::table
        .filter(users::age.eq(10))
        .select(users::name)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(stored, name);

    // Updates and deletes show their SQL and binds too.
    let rename = quarry::update(users::table.filter(users::age.eq(10))).set(users::name.eq(name));
    let shown = quarry::debug_query::<C::Backend, _>(&rename);
    assert!(
        shown.sql().starts_with(r#"UPDATE "users" SET "name" = "#),
        "{}",
        shown.sql()
    );
    assert!(!shown.sql().contains("DROP"));
    assert_eq!(shown.binds().len(), 2);
    let remove = quarry::delete(users::table.filter(users::name.eq(name)));
    let shown = quarry::debug_query::<C::Backend, _>(&remove);
    assert!(
        shown.sql().starts_with(r#"DELETE FROM "users" WHERE "#),
        "{}",
        shown.sql()
    );
    assert!(!shown.sql().contains("DROP"));
    assert_eq!(remove.execute(&mut db.conn).unwrap(), 1);
    // A statement that cannot run says why, as an SQL comment.
    let limited = quarry::delete(users::table.limit(1));
    let shown = quarry::debug_query::<C::Backend, _>(&limited).sql();
    assert!(shown.starts_with("/* cannot run: "), "{shown}");
}

/// On PostgreSQL, a NULL fits a prepared parameter of any type, and a statement first
/// prepared for a NULL where a later row has a value is prepared again with the types
/// of both: rows whose NULLs fall in different places end up sharing one statement.
fn nulls_share_a_prepared_statement<C: Connection>(db: &mut TestDb<C>) {
    let colours = [None, Some("grey"), None, Some("red")];
    for (i, hair_color) in colours.into_iter().enumerate() {
        let name = format!("user{i}");
        let user = NewUser {
            name: &name,
            hair_color,
            age: 20,
        };
        insert_into(users::table)
            .values(&user)
            .execute(&mut db.conn)
            .unwrap();
    }
    let prepared: i64 = quarry::sql_query(
        "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO \"users\"%'",
    )
    .get_result(&mut db.conn)
    .unwrap();
    assert_eq!(prepared, 1);
}

common::backend_tests! {
    only pg: nulls_share_a_prepared_statement
}

common::backend_tests! {
    inserts_a_tuple_and_returns_the_generated_id,
    inserts_a_struct_and_returns_every_column_by_default,
    inserts_many_rows_in_one_statement,
    splits_a_large_batch_under_the_bind_limit,
    a_failing_row_leaves_no_rows_behind,
    constraint_violations_name_the_constraint,
    default_values_insert_fills_every_column,
    none_leaves_a_defaulted_column_to_the_database,
    updates_with_tuples_expressions_and_structs,
    update_and_delete_targets_reject_limits,
    deletes_and_returns_what_it_removed,
    upserts_do_nothing_and_do_update,
    upserts_refuse_rows_that_repeat_the_conflict_key,
    values_travel_as_bind_parameters,
}
