use quarry::prelude::*;

quarry::table! {
    memberships (user_id, team_id) {
        user_id -> Int4,
        team_id -> Int4,
        role -> Text,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE memberships (user_id INTEGER, team_id INTEGER, role TEXT NOT NULL);
         INSERT INTO memberships VALUES (1, 2, 'owner'), (1, 3, 'member'), (2, 2, 'member');",
    )?;
    let role = memberships::table
        .find((1, 2))
        .select(memberships::role)
        .first(&mut conn)?;
    assert_eq!(role, "owner");
    Ok(())
}
