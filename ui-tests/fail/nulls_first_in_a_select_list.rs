use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        age -> Int4,
        score -> Float8,
        hair_color -> Nullable<Text>,
    }
}

fn main() {
    // NULLS FIRST orders rows: it belongs in `order_by`, not in the select list.
    let _ = users::table.select(users::hair_color.nulls_first());
}
