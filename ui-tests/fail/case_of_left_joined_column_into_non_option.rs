use quarry::expr::case_when;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        age -> Int4,
    }

    posts (id) {
        id -> Int4,
        user_id -> Int4 references users,
        title -> Text,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // The ELSE does not help: for a user without posts the first arm's value is NULL.
    let v: Vec<String> = users::table
        .left_join(posts::table)
        .select(case_when(users::age.gt(30), posts::title).otherwise("young"))
        .load(&mut conn)?;
    drop(v);
    Ok(())
}
