use quarry::prelude::*;

quarry::table! {
    jobs (id) {
        id -> Int4,
        done -> Bool,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // Row locks are PostgreSQL-only.
    let _ = jobs::table
        .filter(jobs::done.eq(false))
        .select(jobs::id)
        .for_update()
        .load(&mut conn)?;
    Ok(())
}
