use quarry::prelude::*;

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

fn main() {
    // Two keys link `messages` to `users`: by sender, or by recipient?
    let _ = messages::table.inner_join(users::table);
}
