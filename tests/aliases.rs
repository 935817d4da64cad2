//! Aliases: a table read twice in one query, or joined to itself, through
//! `quarry::alias!`, compared with the same SQL written by hand.

mod common;

use common::{ExtraSchema, TestDb, assert_same, users};
use quarry::conn::Connection;
use quarry::prelude::*;

quarry::table! {
    employees (id) {
        id -> Int4,
        name -> Text,
        manager_id -> Nullable<Int4>,
    }
}

quarry::table! {
    messages (id) {
        id -> Int4,
        sender_id -> Int4 references users,
        recipient_id -> Int4 references users,
        body -> Text,
    }
}

quarry::alias!(employees as managers);
quarry::alias!(users as senders);
quarry::alias!(users as recipients);

const SCHEMA: ExtraSchema = ExtraSchema {
    sqlite: "",
    pg: "",
    portable: "
CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT NOT NULL, manager_id INTEGER);
CREATE TABLE messages (id INTEGER PRIMARY KEY, sender_id INTEGER NOT NULL,
                       recipient_id INTEGER NOT NULL, body TEXT NOT NULL);
INSERT INTO employees VALUES (1, 'Grace', NULL), (2, 'Ada', 1), (3, 'Linus', 2), (4, 'Alan', 1);
INSERT INTO messages VALUES (1, 1, 2, 'hello'), (2, 2, 1, 're: hello'), (3, 3, 1, 'patch');
",
};

fn self_join_through_an_alias<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(String, Option<String>)> = employees::table
        .left_join(
            managers.on(managers
                .col(employees::id)
                .nullable()
                .eq(employees::manager_id)),
        )
        .select((employees::name, managers.col(employees::name)))
        .order_by(employees::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], ("Grace".to_owned(), None));
    assert_eq!(typed[2], ("Linus".to_owned(), Some("Ada".to_owned())));
    assert_same(
        typed,
        db.rows(
            "SELECT e.name, m.name FROM employees e LEFT JOIN employees m ON m.id = e.manager_id
             ORDER BY e.id",
        ),
    );
    // Filters and ordering on the alias's columns.
    let reports_of_grace = employees::table
        .inner_join(
            managers.on(managers
                .col(employees::id)
                .nullable()
                .eq(employees::manager_id)),
        )
        .filter(managers.col(employees::name).eq("Grace"))
        .select(employees::name)
        .order_by(employees::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(reports_of_grace, ["Ada", "Alan"]);
}

fn one_table_twice_through_two_aliases<C: Connection>(db: &mut TestDb<C>) {
    let typed = messages::table
        .inner_join(senders.on(senders.col(users::id).eq(messages::sender_id)))
        .inner_join(recipients.on(recipients.col(users::id).eq(messages::recipient_id)))
        .select((
            senders.col(users::name),
            recipients.col(users::name),
            messages::body,
        ))
        .order_by(messages::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed[0],
        ("Ada".to_owned(), "Grace".to_owned(), "hello".to_owned())
    );
    assert_same(
        typed,
        db.rows(
            "SELECT s.name, r.name, messages.body FROM messages
             INNER JOIN users AS s ON s.id = messages.sender_id
             INNER JOIN users AS r ON r.id = messages.recipient_id
             ORDER BY messages.id",
        ),
    );
    // The default select of an aliased join names the alias's columns.
    let rows = messages::table
        .inner_join(senders.on(senders.col(users::id).eq(messages::sender_id)))
        .filter(messages::id.eq(3))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rows[0].0, (3, 3, 1, "patch".to_owned()));
    assert_eq!(rows[0].1.1, "Linus");
}

/// A boxed join with an alias and no select list reads the alias's columns, as the
/// query does unboxed (it used to read the aliased table's own columns twice).
fn boxed_self_join_reads_the_alias_columns<C: Connection>(db: &mut TestDb<C>)
where
    C::Backend: Default,
{
    let on = managers
        .col(employees::id)
        .nullable()
        .eq(employees::manager_id);
    let unboxed = employees::table
        .inner_join(managers.on(on))
        .order_by(employees::id)
        .load(&mut db.conn)
        .unwrap();
    let boxed = employees::table
        .inner_join(managers.on(on))
        .into_boxed::<C::Backend>()
        .order_by(employees::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(boxed, unboxed);
    let names: Vec<(String, String)> = boxed
        .into_iter()
        .map(|((_, name, _), (_, manager, _))| (name, manager))
        .collect();
    assert_eq!(
        names,
        [
            ("Ada".to_owned(), "Grace".to_owned()),
            ("Linus".to_owned(), "Ada".to_owned()),
            ("Alan".to_owned(), "Grace".to_owned()),
        ]
    );
}

common::backend_tests! {
    extra_schema: SCHEMA;
    boxed_self_join_reads_the_alias_columns,
    self_join_through_an_alias,
    one_table_twice_through_two_aliases,
}
