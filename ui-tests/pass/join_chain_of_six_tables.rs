use quarry::prelude::*;

// A chain of six tables, each linked to the next by one foreign key, declared once per
// key and never per pair of tables.
quarry::table! {
    countries (id) {
        id -> Int4,
        name -> Text,
    }

    users (id) {
        id -> Int4,
        country_id -> Int4 references countries,
        name -> Text,
    }

    categories (id) {
        id -> Int4,
        name -> Text,
    }

    posts (id) {
        id -> Int4,
        user_id -> Int4 references users,
        category_id -> Nullable<Int4> references categories,
        title -> Text,
    }

    comments (id) {
        id -> Int4,
        post_id -> Int4 references posts,
        body -> Text,
    }

    reactions (id) {
        id -> Int4,
        comment_id -> Int4 references comments,
        emoji -> Text,
    }
}

#[derive(Selectable, Debug, PartialEq)]
#[quarry(table = comments)]
struct Comment {
    id: i32,
    body: String,
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE countries (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE users (id INTEGER PRIMARY KEY, country_id INTEGER NOT NULL, name TEXT NOT NULL);
         CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, category_id INTEGER, title TEXT NOT NULL);
         CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, body TEXT NOT NULL);
         CREATE TABLE reactions (id INTEGER PRIMARY KEY, comment_id INTEGER NOT NULL, emoji TEXT NOT NULL);
         INSERT INTO countries VALUES (1, 'UK'), (2, 'US'), (3, 'FI');
         INSERT INTO users VALUES (1, 1, 'Ada'), (2, 2, 'Grace'), (3, 3, 'Linus');
         INSERT INTO categories VALUES (1, 'history');
         INSERT INTO posts VALUES (1, 1, 1, 'Engines'), (2, 2, NULL, 'Bugs');
         INSERT INTO comments VALUES (1, 1, 'Lovely'), (2, 2, 'Found one');
         INSERT INTO reactions VALUES (1, 1, 'heart');",
    )?;

    // `countries` to `users` follows the key backwards (users.country_id), the rest
    // forwards or backwards as declared; each left-joined table selects as `Option`.
    let query = countries::table
        .inner_join(users::table)
        .inner_join(posts::table)
        .left_join(categories::table)
        .left_join(comments::table)
        .left_join(reactions::table);
    assert_eq!(
        quarry::debug_query::<Sqlite, _>(&query.clone().select(countries::id)).sql(),
        r#"SELECT "countries"."id" FROM "countries" INNER JOIN "users" ON "users"."country_id" = "countries"."id" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" LEFT JOIN "categories" ON "posts"."category_id" = "categories"."id" LEFT JOIN "comments" ON "comments"."post_id" = "posts"."id" LEFT JOIN "reactions" ON "reactions"."comment_id" = "comments"."id""#,
    );

    let rows: Vec<Row> = query
        .clone()
        .select((
            countries::name,
            users::name,
            posts::title,
            categories::name,
            comments::body,
            reactions::emoji,
        ))
        .order_by(posts::id)
        .load(&mut conn)?;
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        rows,
        [
            (
                "UK".into(),
                "Ada".into(),
                "Engines".into(),
                some("history"),
                some("Lovely"),
                some("heart")
            ),
            (
                "US".into(),
                "Grace".into(),
                "Bugs".into(),
                None,
                some("Found one"),
                None
            ),
        ]
    );

    // A struct of a left-joined table loads as `Option<Comment>`.
    let comments: Vec<(String, Option<Comment>)> = query
        .clone()
        .select((users::name, Comment::as_select()))
        .filter(reactions::id.nullable().is_null())
        .load(&mut conn)?;
    assert_eq!(
        comments,
        [(
            "Grace".to_owned(),
            Some(Comment {
                id: 2,
                body: "Found one".to_owned()
            })
        )]
    );

    // Filters and ordering may use any table of the chain.
    let count = query
        .clone()
        .filter(
            countries::name
                .ne("FI")
                .and(categories::name.nullable().is_null()),
        )
        .count()
        .get_result(&mut conn)?;
    assert_eq!(count, 1);

    // Linus has no posts: the inner joins drop him, a left join keeps him.
    let posters: Vec<(String, Option<String>)> = users::table
        .left_join(posts::table)
        .select((users::name, posts::title))
        .order_by(users::id)
        .load(&mut conn)?;
    assert_eq!(posters[2], ("Linus".to_owned(), None));
    Ok(())
}
