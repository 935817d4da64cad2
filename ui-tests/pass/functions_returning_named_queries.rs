// Functions that return queries and conditions, named with `quarry::dsl`'s aliases.
use quarry::dsl::{self, Here, There};
use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

quarry::table! {
    posts (id) {
        id -> Int4,
        user_id -> Int4 references users,
        title -> Text,
    }
}

type WithHairColor = dsl::Filter<users::table, dsl::IsNotNull<users::hair_color>>;

fn with_hair_color() -> WithHairColor {
    users::table.filter(users::hair_color.is_not_null())
}

fn named_like<'a>(
    pattern: &'a str,
) -> dsl::Or<dsl::Like<users::name, &'a str>, dsl::Eq<users::id, i32>> {
    users::name.like(pattern).or(users::id.eq(1))
}

fn sorted() -> dsl::ThenOrder<dsl::Order<WithHairColor, dsl::Desc<users::name>>, dsl::Asc<users::id>>
{
    with_hair_color()
        .order_by(users::name.desc())
        .then_order_by(users::id.asc())
}

fn titles_by_author(
    author: &str,
) -> dsl::Select<
    dsl::Filter<
        dsl::InnerJoin<users::table, posts::table, (posts::user_id, Here)>,
        dsl::Eq<users::name, &str>,
    >,
    posts::title,
    There<Here>,
> {
    users::table
        .inner_join(posts::table)
        .filter(users::name.eq(author))
        .select(posts::title)
}

fn page_of(query: WithHairColor) -> dsl::Offset<dsl::Limit<WithHairColor>> {
    query.limit(10).offset(20)
}

fn main() -> Result<(), quarry::Error> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT NOT NULL);
         INSERT INTO users VALUES (1, 'Ada', NULL), (2, 'Grace', 'brown'), (3, 'Gail', 'red');
         INSERT INTO posts VALUES (1, 2, 'COBOL');",
    )?;
    let ids: Vec<i32> = sorted()
        .filter(named_like("G%"))
        .select(users::id)
        .load(&mut conn)?;
    assert_eq!(ids, [2, 3]);
    let titles: Vec<String> = titles_by_author("Grace").load(&mut conn)?;
    assert_eq!(titles, ["COBOL"]);
    let counted: i64 = page_of(with_hair_color()).count().get_result(&mut conn)?;
    assert_eq!(counted, 0);
    Ok(())
}
