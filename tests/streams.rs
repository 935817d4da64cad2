//! `stream`: a query's rows handed over one at a time, read from the database a batch
//! at a time, on every backend (blocking and async, through the harness).

mod common;

use common::{TestDb, loose, memberships, users};
use quarry::conn::Connection;
use quarry::prelude::*;

/// Adds `n` memberships of user 1 with team ids 1000, 1001, ….
fn add_memberships<C: Connection>(db: &mut TestDb<C>, n: i32) {
    let rows: Vec<_> = (0..n)
        .map(|i| {
            (
                memberships::user_id.eq(1),
                memberships::team_id.eq(1000 + i),
                memberships::role.eq(format!("r{i}")),
            )
        })
        .collect();
    let inserted = quarry::insert_into(memberships::table)
        .values(rows)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(inserted, n as usize);
}

fn a_stream_yields_every_row_in_order<C: Connection>(db: &mut TestDb<C>) {
    add_memberships(db, 1000);
    let query = || {
        memberships::table
            .filter(memberships::team_id.ge(1000))
            .order_by(memberships::team_id)
            .select((memberships::team_id, memberships::role))
    };
    let streamed: Vec<(i32, String)> = query()
        .stream(&mut db.conn)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(streamed.len(), 1000);
    assert_eq!(streamed[0], (1000, "r0".to_owned()));
    assert_eq!(streamed[999], (1999, "r999".to_owned()));
    assert_eq!(streamed, query().load(&mut db.conn).unwrap());
}

fn an_empty_stream_ends_at_once<C: Connection>(db: &mut TestDb<C>) {
    let mut rows = users::table
        .filter(users::id.gt(100))
        .select(users::id)
        .stream(&mut db.conn)
        .unwrap();
    assert!(rows.next().is_none());
    assert!(rows.next().is_none());
    drop(rows);
    assert_eq!(db.count("users"), 5);
}

fn a_stream_dropped_midway_leaves_the_connection_usable<C: Connection>(db: &mut TestDb<C>) {
    add_memberships(db, 2000);
    for take in [0, 1, 255, 256, 257, 1999] {
        let first: Vec<i32> = memberships::table
            .filter(memberships::team_id.ge(1000))
            .order_by(memberships::team_id)
            .select(memberships::team_id)
            .stream(&mut db.conn)
            .unwrap()
            .take(take)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(first.len(), take);
        assert_eq!(first, (1000..1000 + take as i32).collect::<Vec<_>>());
        // The next statement runs, and sees everything.
        assert_eq!(
            db.count("memberships"),
            4 + 2000,
            "after taking {take} rows"
        );
    }
    // Inside a transaction too: the transaction goes on after the stream is dropped.
    db.conn
        .transaction(|conn| {
            let mut rows = memberships::table
                .select(memberships::team_id)
                .stream(conn)?;
            rows.next().transpose()?;
            drop(rows);
            quarry::delete(memberships::table.filter(memberships::team_id.ge(1000))).execute(conn)
        })
        .unwrap();
    assert_eq!(db.count("memberships"), 4);
}

fn a_row_that_does_not_decode_ends_the_stream_with_its_error<C: Connection>(db: &mut TestDb<C>) {
    // `loose.num` is declared NOT NULL but holds a NULL in the third row, after 600
    // good ones (so that the bad row comes in a later batch).
    let values: Vec<String> = (1..=600).map(|i| format!("({i}, {i}, 1, 'a')")).collect();
    db.exec(&format!(
        "INSERT INTO loose (id, num, small, txt) VALUES {}",
        values.join(", ")
    ));
    db.exec(
        "INSERT INTO loose (id, num, small, txt) VALUES (601, NULL, 1, 'a'), (602, 602, 1, 'a')",
    );
    let rows: Vec<_> = loose::table
        .order_by(loose::id)
        .select(loose::num)
        .stream(&mut db.conn)
        .unwrap()
        .collect();
    assert_eq!(
        rows.len(),
        601,
        "the rows before the bad one, then its error, then the end"
    );
    assert!(rows[..600].iter().all(Result::is_ok));
    let err = rows[600].as_ref().unwrap_err();
    assert!(matches!(err, quarry::Error::Decode { .. }), "{err:?}");
    // The connection goes on.
    assert_eq!(db.count("loose"), 602);
}

fn a_query_that_fails_is_the_first_item<C: Connection>(db: &mut TestDb<C>) {
    db.exec("DROP TABLE loose");
    let mut rows = loose::table.select(loose::id).stream(&mut db.conn);
    let failed = match &mut rows {
        Ok(rows) => rows.next().expect("an error, not the end").is_err(),
        Err(_) => true,
    };
    assert!(failed);
    drop(rows);
    assert_eq!(db.count("users"), 5);
}

common::backend_tests! {
    a_stream_yields_every_row_in_order,
    an_empty_stream_ends_at_once,
    a_stream_dropped_midway_leaves_the_connection_usable,
    a_row_that_does_not_decode_ends_the_stream_with_its_error,
    a_query_that_fails_is_the_first_item,
}
