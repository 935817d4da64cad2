use quarry::prelude::*;

quarry::table! {
    jobs (id) {
        id -> Int4,
        done -> Bool,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    // `SKIP LOCKED` is PostgreSQL-only too, and so is `first` on a locking query.
    let _ = jobs::table
        .filter(jobs::done.eq(false))
        .for_share()
        .skip_locked()
        .first(&mut conn)?;
    Ok(())
}
