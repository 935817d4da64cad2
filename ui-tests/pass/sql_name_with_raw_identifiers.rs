use quarry::prelude::*;

quarry::table! {
    /// A table whose SQL name is a Rust keyword.
    #[sql_name = "match"]
    r#match (id) {
        id -> Int4,
        r#type -> Text,
        #[sql_name = "where"]
        place -> Nullable<Text>,
        #[sql_name = "table"]
        table_name -> Text,
    }
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        r#"CREATE TABLE "match" (id INTEGER PRIMARY KEY, "type" TEXT NOT NULL, "where" TEXT, "table" TEXT NOT NULL);
           INSERT INTO "match" VALUES (1, 'final', 'Paris', 'a'), (2, 'semi', NULL, 'b');"#,
    )?;
    let rows: Vec<(String, Option<String>, String)> = r#match::table
        .filter(r#match::r#type.eq("final"))
        .select((r#match::r#type, r#match::place, r#match::table_name))
        .load(&mut conn)?;
    assert_eq!(
        rows,
        [("final".to_owned(), Some("Paris".to_owned()), "a".to_owned())]
    );
    let all = r#match::table.find(2).first(&mut conn)?;
    assert_eq!(all, (2, "semi".to_owned(), None, "b".to_owned()));
    Ok(())
}
