use quarry::prelude::*;

// Two keys from `messages` to `users`: a join without `.on(…)` would be ambiguous, so
// each join names its key.
quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }

    messages (id) {
        id -> Int4,
        sender_id -> Int4 references users,
        recipient_id -> Int4 references users,
        body -> Text,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE messages (id INTEGER PRIMARY KEY, sender_id INTEGER NOT NULL,
             recipient_id INTEGER NOT NULL, body TEXT NOT NULL);
         INSERT INTO users VALUES (1, 'Ada'), (2, 'Grace');
         INSERT INTO messages VALUES (1, 1, 2, 'hello Grace'), (2, 2, 1, 'hello Ada'), (3, 1, 1, 'note to self');",
    )?;

    let by_sender = messages::table
        .inner_join(users::table.on(messages::sender_id.eq(users::id)))
        .select((users::name, messages::body))
        .order_by(messages::id)
        .load(&mut conn)?;
    assert_eq!(
        by_sender,
        [
            ("Ada".to_owned(), "hello Grace".to_owned()),
            ("Grace".to_owned(), "hello Ada".to_owned()),
            ("Ada".to_owned(), "note to self".to_owned()),
        ]
    );

    // From the other side, and with a condition beyond the key.
    let inbox = users::table
        .left_join(
            messages::table.on(messages::recipient_id
                .eq(users::id)
                .and(messages::sender_id.ne(users::id))),
        )
        .select((users::name, messages::body))
        .order_by(users::id)
        .load(&mut conn)?;
    assert_eq!(
        inbox,
        [
            ("Ada".to_owned(), Some("hello Ada".to_owned())),
            ("Grace".to_owned(), Some("hello Grace".to_owned())),
        ]
    );
    Ok(())
}
