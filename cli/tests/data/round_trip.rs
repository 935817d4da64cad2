// The tables of the database, as `quarry print-schema` read them.

quarry::table! {
    rt_authors (id) {
        id -> Int4 = default,
        name -> Text unique,
        active -> Bool = default(true),
        score -> Float8 = default(-1.5),
        motto -> Nullable<Text> = default("it's fine"),
        joined -> Timestamptz = default(now()),
        day -> Date = default(current_date),
    }
}

quarry::table! {
    #[unique(author_id, slug)]
    #[index(author_id, title)]
    rt_books (id) {
        id -> Int4 = default,
        author_id -> Int4 references rt_authors on delete cascade,
        editor_id -> Nullable<Int4> references rt_authors on delete set null,
        slug -> Text,
        title -> Text,
        price -> Numeric,
        pages -> Int2 = default(0),
        cover -> Nullable<Binary>,
        isbn -> Uuid unique,
        doc -> Json,
        published -> Timestamp,
        at -> Time,
    }
}
