use quarry::expr::ntile;
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        age -> Int4,
    }
}

fn main() {
    // The top quarter needs the window computed first, in a subquery or a CTE.
    let _ = users::table
        .filter(ntile(4).over().order_by(users::age.desc()).eq(1))
        .select(users::id);
}
