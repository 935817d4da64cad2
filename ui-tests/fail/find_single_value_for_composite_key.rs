use quarry::prelude::*;

quarry::table! {
    memberships (user_id, team_id) {
        user_id -> Int4,
        team_id -> Int4,
    }
}

fn main() {
    let _ = memberships::table.find(1);
}
