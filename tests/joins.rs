//! Joins: `inner_join` and `left_join` with the ON clause inferred from `references`
//! (in both directions), `.on(…)` for conditions of one's own, nullability of the
//! tables reached through `left_join`, chains of joins, and the clauses (`filter`,
//! `order_by`, `count`, `distinct`, `limit`/`offset`) over a join. Each typed query is
//! compared with the same query written as plain SQL.

// Rows of joins, and of the plain SQL that checks them, are wide tuples.
#![allow(clippy::type_complexity)]

mod common;

use common::{ExtraSchema, Post, TestDb, User, assert_same, posts, users};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::{debug_query, sql_query};

// ---------------------------------------------------------------------------------
// This file's tables
// ---------------------------------------------------------------------------------

#[allow(unused_imports)]
mod schema {
    use super::users;

    // A chain of one-to-many links, each child naming its parent:
    // countries ← cities ← citizens ← articles ← remarks ← reactions.
    quarry::table! {
        countries (id) {
            id -> Int4,
            name -> Text,
        }
    }

    quarry::table! {
        cities (id) {
            id -> Int4,
            country_id -> Int4 references countries,
            name -> Text,
            population -> Int4,
        }
    }

    quarry::table! {
        citizens (id) {
            id -> Int4,
            city_id -> Int4 references cities,
            name -> Text,
        }
    }

    quarry::table! {
        articles (id) {
            id -> Int4,
            author_id -> Int4 references citizens,
            title -> Text,
            score -> Nullable<Int4>,
        }
    }

    quarry::table! {
        remarks (id) {
            id -> Int4,
            article_id -> Int4 references articles,
            body -> Text,
        }
    }

    quarry::table! {
        reactions (id) {
            id -> Int4,
            remark_id -> Int4 references remarks,
            emoji -> Text,
            weight -> Int4,
        }
    }

    quarry::table! {
        /// A nullable key to the shared `users` table, and nullable columns.
        profiles (id) {
            id -> Int4,
            user_id -> Nullable<Int4> references users,
            bio -> Nullable<Text>,
            rating -> Nullable<Int4>,
        }
    }

    quarry::table! {
        /// Two keys to the same table.
        messages (id) {
            id -> Int4,
            sender_id -> Int4 references users,
            recipient_id -> Int4 references users,
            body -> Text,
        }
    }

    quarry::table! {
        /// No key to anything: joined by a condition of one's own.
        age_groups (id) {
            id -> Int4,
            label -> Text,
            min_age -> Int4,
            max_age -> Int4,
        }
    }
}
use schema::{
    age_groups, articles, cities, citizens, countries, messages, profiles, reactions, remarks,
};

/// Portable DDL: both backends read it alike.
const DDL: &str = "
CREATE TABLE countries (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE cities (
    id INTEGER PRIMARY KEY,
    country_id INTEGER NOT NULL REFERENCES countries (id),
    name TEXT NOT NULL,
    population INTEGER NOT NULL
);
CREATE TABLE citizens (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL REFERENCES cities (id),
    name TEXT NOT NULL
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES citizens (id),
    title TEXT NOT NULL,
    score INTEGER
);
CREATE TABLE remarks (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    body TEXT NOT NULL
);
CREATE TABLE reactions (
    id INTEGER PRIMARY KEY,
    remark_id INTEGER NOT NULL REFERENCES remarks (id),
    emoji TEXT NOT NULL,
    weight INTEGER NOT NULL
);
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users (id),
    bio TEXT,
    rating INTEGER
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    sender_id INTEGER NOT NULL REFERENCES users (id),
    recipient_id INTEGER NOT NULL REFERENCES users (id),
    body TEXT NOT NULL
);
CREATE TABLE age_groups (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    min_age INTEGER NOT NULL,
    max_age INTEGER NOT NULL
);
";

/// Rows with gaps at every level: Peru has no city, Nice no citizen, Kenji no article,
/// `Metro` and `Cafes` no remark, `too long` and `old` no reaction. Users 4 and 5 have
/// no profile; profile 2 has only NULLs; profile 4 belongs to no one.
const JOINS: ExtraSchema = ExtraSchema {
    sqlite: DDL,
    pg: DDL,
    portable: "
INSERT INTO countries (id, name) VALUES (1, 'France'), (2, 'Japan'), (3, 'Peru');
INSERT INTO cities (id, country_id, name, population) VALUES
    (1, 1, 'Paris', 2100000),
    (2, 1, 'Lyon', 520000),
    (3, 2, 'Tokyo', 14000000),
    (4, 2, 'Osaka', 2700000),
    (5, 1, 'Nice', 340000);
INSERT INTO citizens (id, city_id, name) VALUES
    (1, 1, 'Amelie'),
    (2, 1, 'Jean'),
    (3, 2, 'Claire'),
    (4, 3, 'Haruki'),
    (5, 4, 'Yoko'),
    (6, 3, 'Kenji');
INSERT INTO articles (id, author_id, title, score) VALUES
    (1, 1, 'Baguettes', 10),
    (2, 1, 'Metro', NULL),
    (3, 3, 'Silk', 7),
    (4, 4, 'Trains', 42),
    (5, 5, 'Castles', NULL),
    (6, 2, 'Cafes', 3);
INSERT INTO remarks (id, article_id, body) VALUES
    (1, 1, 'crusty'),
    (2, 1, 'too long'),
    (3, 3, 'shiny'),
    (4, 4, 'fast'),
    (5, 4, 'on time'),
    (6, 5, 'old');
INSERT INTO reactions (id, remark_id, emoji, weight) VALUES
    (1, 1, 'like', 1),
    (2, 1, 'love', 2),
    (3, 3, 'like', 1),
    (4, 4, 'wow', 3),
    (5, 5, 'like', 1);
INSERT INTO profiles (id, user_id, bio, rating) VALUES
    (1, 1, 'Analyst', 5),
    (2, 2, NULL, NULL),
    (3, 3, 'Kernel', NULL),
    (4, NULL, 'orphan', 1);
INSERT INTO messages (id, sender_id, recipient_id, body) VALUES
    (1, 1, 2, 'hi Grace'),
    (2, 2, 1, 'hi Ada'),
    (3, 3, 1, 'patch'),
    (4, 1, 4, 'hello'),
    (5, 5, 5, 'note to self');
INSERT INTO age_groups (id, label, min_age, max_age) VALUES
    (1, 'young', 0, 30),
    (2, 'middle', 31, 59),
    (3, 'senior', 60, 120);
",
};

/// A profile, all columns.
#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = profiles)]
struct Profile {
    id: i32,
    user_id: Option<i32>,
    bio: Option<String>,
    rating: Option<i32>,
}

/// An article, some columns.
#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = articles)]
struct Article {
    id: i32,
    title: String,
    score: Option<i32>,
}

type UserRow = (i32, String, Option<String>, i32, i32);
type PostRow = (i32, i32, String, String, i64);

/// A `users` row and a `posts` row that may be missing, from plain SQL's flat columns.
fn user_and_optional_post(
    rows: Vec<(
        i32,
        String,
        Option<String>,
        i32,
        i32,
        Option<i32>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<i64>,
    )>,
) -> Vec<(UserRow, Option<PostRow>)> {
    rows.into_iter()
        .map(
            |(id, name, hair, age, visits, pid, uid, title, kind, views)| {
                let post = pid.map(|pid| {
                    (
                        pid,
                        uid.unwrap(),
                        title.unwrap(),
                        kind.unwrap(),
                        views.unwrap(),
                    )
                });
                ((id, name, hair, age, visits), post)
            },
        )
        .collect()
}

// ---------------------------------------------------------------------------------
// inner_join, ON inferred from `references`
// ---------------------------------------------------------------------------------

fn inner_join_child_to_parent_infers_on<C: Connection>(db: &mut TestDb<C>) {
    let query = posts::table
        .inner_join(users::table)
        .select((posts::title, users::name))
        .order_by(posts::id);
    let sql = debug_query::<C::Backend, _>(&query).sql();
    assert!(
        sql.contains(r#"FROM "posts" INNER JOIN "users" ON "posts"."user_id" = "users"."id""#),
        "{sql}"
    );
    let typed: Vec<(String, String)> = query.load(&mut db.conn).unwrap();
    assert_eq!(
        typed[0],
        ("Notes on the Analytical Engine".into(), "Ada".into())
    );
    assert_eq!(typed.len(), 5);
    assert_same(
        typed,
        db.rows(
            "SELECT posts.title, users.name FROM posts \
             INNER JOIN users ON posts.user_id = users.id ORDER BY posts.id",
        ),
    );
}

fn inner_join_parent_to_child_infers_on<C: Connection>(db: &mut TestDb<C>) {
    let query = users::table
        .inner_join(posts::table)
        .select((users::id, users::name, posts::title))
        .order_by(posts::id);
    let sql = debug_query::<C::Backend, _>(&query).sql();
    assert!(
        sql.contains(r#"FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id""#),
        "{sql}"
    );
    let typed: Vec<(i32, String, String)> = query.load(&mut db.conn).unwrap();
    // Margaret (4) and Alan (5) wrote nothing: an inner join drops them.
    assert!(typed.iter().all(|(id, _, _)| *id <= 3), "{typed:?}");
    assert_eq!(typed.len(), 5);
    assert_same(
        typed,
        db.rows(
            "SELECT users.id, users.name, posts.title FROM users \
             INNER JOIN posts ON posts.user_id = users.id ORDER BY posts.id",
        ),
    );
}

fn inner_join_filter_and_order_on_both_tables<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .inner_join(posts::table)
        .filter(users::age.lt(50))
        .filter(posts::views.gt(10_i64))
        .select((users::name, posts::title, posts::views))
        .order_by((users::name.asc(), posts::views.desc()))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            (
                "Ada".to_owned(),
                "Notes on the Analytical Engine".to_owned(),
                5_000_000_000
            ),
            ("Ada".to_owned(), "Rust tips".to_owned(), 42),
            (
                "Linus".to_owned(),
                "Linux announcement".to_owned(),
                3_000_000_000
            ),
        ]
    );
    let plain: Vec<(String, String, i64)> = sql_query(
        "SELECT users.name, posts.title, posts.views FROM users \
         INNER JOIN posts ON posts.user_id = users.id \
         WHERE users.age < $1 AND posts.views > $2 \
         ORDER BY users.name ASC, posts.views DESC",
    )
    .bind(50)
    .bind(10_i64)
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);
}

fn filter_before_join_is_kept<C: Connection>(db: &mut TestDb<C>) {
    // A filter written before the join stays in the WHERE clause.
    let typed = users::table
        .filter(users::hair_color.is_not_null())
        .inner_join(posts::table)
        .then_order_by(posts::id)
        .select((users::name, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            ("Grace".to_owned(), 2),
            ("Linus".to_owned(), 3),
            ("Linus".to_owned(), 5)
        ]
    );
    assert_same(
        typed,
        db.rows(
            "SELECT users.name, posts.id FROM users INNER JOIN posts ON posts.user_id = users.id \
             WHERE users.hair_color IS NOT NULL ORDER BY posts.id",
        ),
    );
}

fn count_of_joins<C: Connection>(db: &mut TestDb<C>) {
    let inner = posts::table
        .inner_join(users::table)
        .filter(users::hair_color.is_not_null())
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(inner, 3);
    let plain: i64 = sql_query(
        "SELECT COUNT(*) FROM posts INNER JOIN users ON posts.user_id = users.id \
         WHERE users.hair_color IS NOT NULL",
    )
    .get_result(&mut db.conn)
    .unwrap();
    assert_eq!(inner, plain);

    // A left join keeps the two users without posts: 5 posts + 2.
    let outer = users::table
        .left_join(posts::table)
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(outer, 7);
    let plain: i64 =
        sql_query("SELECT COUNT(*) FROM users LEFT JOIN posts ON posts.user_id = users.id")
            .get_result(&mut db.conn)
            .unwrap();
    assert_eq!(outer, plain);

    // Distinct authors: counted as a subquery.
    let authors = users::table
        .inner_join(posts::table)
        .select(users::id)
        .distinct()
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(authors, 3);
    let plain: i64 = sql_query(
        "SELECT COUNT(*) FROM (SELECT DISTINCT users.id FROM users \
         INNER JOIN posts ON posts.user_id = users.id) AS t",
    )
    .get_result(&mut db.conn)
    .unwrap();
    assert_eq!(authors, plain);
}

fn inner_join_default_select_is_a_tuple_of_rows<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(PostRow, UserRow)> = posts::table
        .inner_join(users::table)
        .filter(posts::user_id.eq(3))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    let linus = (3, "Linus".to_owned(), Some("blond".to_owned()), 28, 10);
    assert_eq!(
        typed,
        [
            (
                (
                    3,
                    3,
                    "Linux announcement".into(),
                    "post".into(),
                    3_000_000_000
                ),
                linus.clone()
            ),
            (
                (5, 3, "Rust and the kernel".into(), "essay".into(), 7),
                linus
            ),
        ]
    );
    let plain: Vec<(
        i32,
        i32,
        String,
        String,
        i64,
        i32,
        String,
        Option<String>,
        i32,
        i32,
    )> = db.rows(
        "SELECT posts.*, users.* FROM posts INNER JOIN users ON posts.user_id = users.id \
             WHERE posts.user_id = 3 ORDER BY posts.id",
    );
    let plain = plain
        .into_iter()
        .map(|(a, b, c, d, e, f, g, h, i, j)| ((a, b, c, d, e), (f, g, h, i, j)))
        .collect();
    assert_same(typed, plain);
}

// ---------------------------------------------------------------------------------
// left_join: nullability of the right side
// ---------------------------------------------------------------------------------

fn left_join_right_columns_load_as_option<C: Connection>(db: &mut TestDb<C>) {
    let query = users::table
        .left_join(posts::table)
        .select((users::name, posts::title, posts::views))
        .order_by((users::id, posts::id));
    let sql = debug_query::<C::Backend, _>(&query).sql();
    assert!(
        sql.contains(r#"FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id""#),
        "{sql}"
    );
    // Annotated: NOT NULL columns of the right side load as `Option`.
    let typed: Vec<(String, Option<String>, Option<i64>)> = query.load(&mut db.conn).unwrap();
    assert_eq!(typed.len(), 7);
    assert_eq!(typed[1], ("Ada".into(), Some("Rust tips".into()), Some(42)));
    // No post for Margaret and Alan: their right-side columns are missing.
    assert_eq!(typed[5], ("Margaret".into(), None, None));
    assert_eq!(typed[6], ("Alan".into(), None, None));
    assert_same(
        typed,
        db.rows(
            "SELECT users.name, posts.title, posts.views FROM users \
             LEFT JOIN posts ON posts.user_id = users.id ORDER BY users.id, posts.id",
        ),
    );
}

fn left_join_nullable_right_column_stays_one_option<C: Connection>(db: &mut TestDb<C>) {
    // `profiles.bio` is already nullable: it stays `Option<String>`, whether the profile
    // is missing (users 4, 5) or present with a NULL bio (user 2).
    let typed: Vec<(String, Option<String>, Option<i32>)> = users::table
        .left_join(profiles::table)
        .select((users::name, profiles::bio, profiles::rating))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            ("Ada".to_owned(), Some("Analyst".to_owned()), Some(5)),
            ("Grace".to_owned(), None, None),
            ("Linus".to_owned(), Some("Kernel".to_owned()), None),
            ("Margaret".to_owned(), None, None),
            ("Alan".to_owned(), None, None),
        ]
    );
    assert_same(
        typed,
        db.rows(
            "SELECT users.name, profiles.bio, profiles.rating FROM users \
             LEFT JOIN profiles ON profiles.user_id = users.id ORDER BY users.id",
        ),
    );

    // The parent side left-joined from the child: `users.hair_color` stays one `Option`.
    let typed: Vec<(i32, Option<String>, Option<String>)> = posts::table
        .left_join(users::table.on(users::id.eq(posts::user_id).and(users::age.gt(30))))
        .select((posts::id, users::name, users::hair_color))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], (1, Some("Ada".into()), None));
    assert_eq!(typed[1], (2, Some("Grace".into()), Some("brown".into())));
    assert_eq!(typed[2], (3, None, None), "Linus is 28: no match");
    let plain: Vec<(i32, Option<String>, Option<String>)> = sql_query(
        "SELECT posts.id, users.name, users.hair_color FROM posts \
         LEFT JOIN users ON users.id = posts.user_id AND users.age > $1 ORDER BY posts.id",
    )
    .bind(30)
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);
}

fn joins_through_a_nullable_foreign_key<C: Connection>(db: &mut TestDb<C>) {
    // Child to parent through `user_id -> Nullable<Int4>`: the orphan profile drops out.
    let typed: Vec<(i32, String)> = profiles::table
        .inner_join(users::table)
        .select((profiles::id, users::name))
        .order_by(profiles::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            (1, "Ada".to_owned()),
            (2, "Grace".to_owned()),
            (3, "Linus".to_owned())
        ]
    );
    assert_same(
        typed,
        db.rows(
            "SELECT profiles.id, users.name FROM profiles \
             INNER JOIN users ON profiles.user_id = users.id ORDER BY profiles.id",
        ),
    );

    // …and kept by a left join, with the user's columns missing.
    let typed: Vec<(i32, Option<String>, Option<i32>)> = profiles::table
        .left_join(users::table)
        .select((profiles::id, users::name, users::age))
        .order_by(profiles::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[3], (4, None, None));
    assert_same(
        typed,
        db.rows(
            "SELECT profiles.id, users.name, users.age FROM profiles \
             LEFT JOIN users ON profiles.user_id = users.id ORDER BY profiles.id",
        ),
    );
}

fn left_join_selectable_struct_loads_as_option<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(User, Option<Post>)> = users::table
        .left_join(posts::table)
        .select((User::as_select(), Post::as_select()))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed.len(), 7);
    assert_eq!(typed[0].0.name, "Ada");
    assert_eq!(typed[0].1.as_ref().map(|p| p.author), Some(1));
    assert_eq!(typed[6].0.name, "Alan");
    assert_eq!(typed[6].1, None);

    let plain = user_and_optional_post(db.rows(
        "SELECT users.*, posts.* FROM users \
         LEFT JOIN posts ON posts.user_id = users.id ORDER BY users.id, posts.id",
    ));
    let plain: Vec<(User, Option<Post>)> = plain
        .into_iter()
        .map(|((id, name, hair_color, age, visits), post)| {
            let user = User {
                id,
                name,
                hair_color,
                age,
                visits,
            };
            let post = post.map(|(id, author, title, kind, views)| Post {
                id,
                author,
                title,
                kind,
                views,
            });
            (user, post)
        })
        .collect();
    assert_same(typed, plain);

    // A struct of some of the columns, with a nullable one: `Metro` has no score but is
    // there; Kenji wrote nothing.
    let typed: Vec<(String, Option<Article>)> = citizens::table
        .left_join(articles::table)
        .select((citizens::name, Article::as_select()))
        .order_by((citizens::id, articles::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed[1],
        (
            "Amelie".to_owned(),
            Some(Article {
                id: 2,
                title: "Metro".to_owned(),
                score: None,
            })
        )
    );
    assert_eq!(typed[6], ("Kenji".to_owned(), None));
    let plain: Vec<(String, Option<i32>, Option<String>, Option<i32>)> = db.rows(
        "SELECT citizens.name, articles.id, articles.title, articles.score FROM citizens \
         LEFT JOIN articles ON articles.author_id = citizens.id ORDER BY citizens.id, articles.id",
    );
    let plain = plain
        .into_iter()
        .map(|(name, id, title, score)| {
            let article = id.map(|id| Article {
                id,
                title: title.unwrap(),
                score,
            });
            (name, article)
        })
        .collect();
    assert_same(typed, plain);
}

fn left_join_struct_of_a_matched_row_with_null_columns_is_some<C: Connection>(db: &mut TestDb<C>) {
    // Grace's profile exists but holds only NULLs besides its keys: `Some`, not `None`.
    let typed: Vec<(i32, Option<Profile>)> = users::table
        .left_join(profiles::table)
        .select((users::id, Profile::as_select()))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed[1],
        (
            2,
            Some(Profile {
                id: 2,
                user_id: Some(2),
                bio: None,
                rating: None,
            })
        )
    );
    assert_eq!(typed[3], (4, None));
    let plain: Vec<(i32, Option<i32>, Option<i32>, Option<String>, Option<i32>)> = db.rows(
        "SELECT users.id, profiles.id, profiles.user_id, profiles.bio, profiles.rating \
         FROM users LEFT JOIN profiles ON profiles.user_id = users.id ORDER BY users.id",
    );
    let plain = plain
        .into_iter()
        .map(|(uid, id, user_id, bio, rating)| {
            let profile = id.map(|id| Profile {
                id,
                user_id,
                bio,
                rating,
            });
            (uid, profile)
        })
        .collect();
    assert_same(typed, plain);
}

fn left_join_default_select_wraps_the_right_row_in_option<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(UserRow, Option<PostRow>)> = users::table
        .left_join(posts::table)
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed.len(), 7);
    assert_eq!(
        typed[0],
        (
            (1, "Ada".into(), None, 36, 40),
            Some((
                1,
                1,
                "Notes on the Analytical Engine".into(),
                "essay".into(),
                5_000_000_000
            ))
        )
    );
    assert_eq!(
        typed[5],
        ((4, "Margaret".into(), Some("brown".into()), 36, 50), None)
    );
    let plain = user_and_optional_post(db.rows(
        "SELECT users.*, posts.* FROM users \
         LEFT JOIN posts ON posts.user_id = users.id ORDER BY users.id, posts.id",
    ));
    assert_same(typed, plain);
}

fn anti_join_with_is_null<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .left_join(posts::table)
        .filter(posts::id.nullable().is_null())
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, ["Margaret", "Alan"]);
    assert_same(
        typed,
        db.rows(
            "SELECT users.name FROM users LEFT JOIN posts ON posts.user_id = users.id \
             WHERE posts.id IS NULL ORDER BY users.id",
        ),
    );
}

fn is_null_of_a_left_joined_column_selects_as_bool<C: Connection>(db: &mut TestDb<C>) {
    // `IS NULL` is never NULL itself, even over a left join: `bool`, not `Option<bool>`.
    let typed: Vec<(String, bool)> = users::table
        .left_join(profiles::table)
        .select((users::name, profiles::id.nullable().is_null()))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed
            .iter()
            .map(|(_, missing)| *missing)
            .collect::<Vec<_>>(),
        [false, false, false, true, true]
    );
    assert_same(
        typed,
        db.rows(
            "SELECT users.name, profiles.id IS NULL FROM users \
             LEFT JOIN profiles ON profiles.user_id = users.id ORDER BY users.id",
        ),
    );
}

// ---------------------------------------------------------------------------------
// Chains
// ---------------------------------------------------------------------------------

fn chain_of_six_tables_mixing_inner_and_left_joins<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(
        String,
        String,
        String,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<i32>,
    )> = countries::table
        .inner_join(cities::table)
        .inner_join(citizens::table)
        .left_join(articles::table)
        .left_join(remarks::table)
        .left_join(reactions::table)
        .filter(countries::name.ne("Peru"))
        .filter(cities::population.gt(500_000))
        .filter(citizens::name.ne("Claire"))
        .select((
            countries::name,
            cities::name,
            citizens::name,
            articles::title,
            articles::score,
            remarks::body,
            reactions::emoji,
            reactions::weight,
        ))
        .order_by((citizens::id, articles::id, remarks::id, reactions::id))
        .load(&mut db.conn)
        .unwrap();
    let row = |country: &str,
               city: &str,
               citizen: &str,
               title: Option<&str>,
               score: Option<i32>,
               remark: Option<&str>,
               emoji: Option<&str>,
               weight: Option<i32>| {
        (
            country.to_owned(),
            city.to_owned(),
            citizen.to_owned(),
            title.map(str::to_owned),
            score,
            remark.map(str::to_owned),
            emoji.map(str::to_owned),
            weight,
        )
    };
    assert_eq!(
        typed,
        [
            row(
                "France",
                "Paris",
                "Amelie",
                Some("Baguettes"),
                Some(10),
                Some("crusty"),
                Some("like"),
                Some(1)
            ),
            row(
                "France",
                "Paris",
                "Amelie",
                Some("Baguettes"),
                Some(10),
                Some("crusty"),
                Some("love"),
                Some(2)
            ),
            row(
                "France",
                "Paris",
                "Amelie",
                Some("Baguettes"),
                Some(10),
                Some("too long"),
                None,
                None
            ),
            row(
                "France",
                "Paris",
                "Amelie",
                Some("Metro"),
                None,
                None,
                None,
                None
            ),
            row(
                "France",
                "Paris",
                "Jean",
                Some("Cafes"),
                Some(3),
                None,
                None,
                None
            ),
            row(
                "Japan",
                "Tokyo",
                "Haruki",
                Some("Trains"),
                Some(42),
                Some("fast"),
                Some("wow"),
                Some(3)
            ),
            row(
                "Japan",
                "Tokyo",
                "Haruki",
                Some("Trains"),
                Some(42),
                Some("on time"),
                Some("like"),
                Some(1)
            ),
            row(
                "Japan",
                "Osaka",
                "Yoko",
                Some("Castles"),
                None,
                Some("old"),
                None,
                None
            ),
            row("Japan", "Tokyo", "Kenji", None, None, None, None, None),
        ]
    );
    let plain: Vec<(
        String,
        String,
        String,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<i32>,
    )> = sql_query(
        "SELECT countries.name, cities.name, citizens.name, articles.title, articles.score, \
                remarks.body, reactions.emoji, reactions.weight \
         FROM countries \
         INNER JOIN cities ON cities.country_id = countries.id \
         INNER JOIN citizens ON citizens.city_id = cities.id \
         LEFT JOIN articles ON articles.author_id = citizens.id \
         LEFT JOIN remarks ON remarks.article_id = articles.id \
         LEFT JOIN reactions ON reactions.remark_id = remarks.id \
         WHERE countries.name <> $1 AND cities.population > $2 AND citizens.name <> $3 \
         ORDER BY citizens.id, articles.id, remarks.id, reactions.id",
    )
    .bind("Peru")
    .bind(500_000)
    .bind("Claire")
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);
}

fn chain_of_six_tables_from_the_leaf_up<C: Connection>(db: &mut TestDb<C>) {
    // Child to parent all the way, then a left join back down to a sibling table.
    let typed: Vec<(i32, String, String, String, String, Option<i32>)> = reactions::table
        .inner_join(remarks::table)
        .inner_join(articles::table)
        .inner_join(citizens::table)
        .inner_join(cities::table)
        .inner_join(countries::table)
        .filter(reactions::emoji.eq("like"))
        .filter(articles::score.gt(5))
        .filter(countries::id.eq_any([1, 2]))
        .select((
            reactions::id,
            remarks::body,
            citizens::name,
            cities::name,
            countries::name,
            articles::score,
        ))
        .order_by(reactions::id.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            (
                5,
                "on time".into(),
                "Haruki".into(),
                "Tokyo".into(),
                "Japan".into(),
                Some(42)
            ),
            (
                3,
                "shiny".into(),
                "Claire".into(),
                "Lyon".into(),
                "France".into(),
                Some(7)
            ),
            (
                1,
                "crusty".into(),
                "Amelie".into(),
                "Paris".into(),
                "France".into(),
                Some(10)
            ),
        ]
    );
    let plain: Vec<(i32, String, String, String, String, Option<i32>)> = sql_query(
        "SELECT reactions.id, remarks.body, citizens.name, cities.name, countries.name, \
                articles.score \
         FROM reactions \
         INNER JOIN remarks ON reactions.remark_id = remarks.id \
         INNER JOIN articles ON remarks.article_id = articles.id \
         INNER JOIN citizens ON articles.author_id = citizens.id \
         INNER JOIN cities ON citizens.city_id = cities.id \
         INNER JOIN countries ON cities.country_id = countries.id \
         WHERE reactions.emoji = $1 AND articles.score > $2 AND countries.id IN ($3, $4) \
         ORDER BY reactions.id DESC",
    )
    .bind("like")
    .bind(5)
    .bind(1)
    .bind(2)
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);
}

fn chain_default_select_of_six_tables<C: Connection>(db: &mut TestDb<C>) {
    let typed: Vec<(
        (i32, String),
        (i32, i32, String, i32),
        (i32, i32, String),
        Option<(i32, i32, String, Option<i32>)>,
        Option<(i32, i32, String)>,
        Option<(i32, i32, String, i32)>,
    )> = countries::table
        .inner_join(cities::table)
        .inner_join(citizens::table)
        .left_join(articles::table)
        .left_join(remarks::table)
        .left_join(reactions::table)
        .filter(cities::id.eq(1))
        .order_by((citizens::id, articles::id, remarks::id, reactions::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed.len(), 5);
    assert_eq!(
        typed[0],
        (
            (1, "France".into()),
            (1, 1, "Paris".into(), 2_100_000),
            (1, 1, "Amelie".into()),
            Some((1, 1, "Baguettes".into(), Some(10))),
            Some((1, 1, "crusty".into())),
            Some((1, 1, "like".into(), 1)),
        )
    );
    // Metro: no remark, so no reaction either.
    assert_eq!(typed[3].3, Some((2, 1, "Metro".into(), None)));
    assert_eq!((&typed[3].4, &typed[3].5), (&None, &None));
    // The same rows by their keys.
    let keys: Vec<_> = typed
        .iter()
        .map(|(co, ci, cz, a, r, re)| {
            (
                co.0,
                ci.0,
                cz.0,
                a.as_ref().map(|a| a.0),
                r.as_ref().map(|r| r.0),
                re.as_ref().map(|re| re.0),
            )
        })
        .collect();
    assert_same(
        keys,
        db.rows(
            "SELECT countries.id, cities.id, citizens.id, articles.id, remarks.id, reactions.id \
             FROM countries \
             INNER JOIN cities ON cities.country_id = countries.id \
             INNER JOIN citizens ON citizens.city_id = cities.id \
             LEFT JOIN articles ON articles.author_id = citizens.id \
             LEFT JOIN remarks ON remarks.article_id = articles.id \
             LEFT JOIN reactions ON reactions.remark_id = remarks.id \
             WHERE cities.id = 1 \
             ORDER BY citizens.id, articles.id, remarks.id, reactions.id",
        ),
    );
}

fn left_join_then_inner_join_below_it<C: Connection>(db: &mut TestDb<C>) {
    // `A LEFT JOIN B INNER JOIN C ON C.b = B.id`: the inner join drops the rows without B,
    // and C's columns are not nullable.
    let typed: Vec<(String, Option<String>, String)> = citizens::table
        .left_join(articles::table)
        .inner_join(remarks::table)
        .select((citizens::name, articles::title, remarks::body))
        .order_by(remarks::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed.len(), 6);
    assert_eq!(
        typed[0],
        ("Amelie".into(), Some("Baguettes".into()), "crusty".into())
    );
    assert_same(
        typed,
        db.rows(
            "SELECT citizens.name, articles.title, remarks.body FROM citizens \
             LEFT JOIN articles ON articles.author_id = citizens.id \
             INNER JOIN remarks ON remarks.article_id = articles.id ORDER BY remarks.id",
        ),
    );
}

// ---------------------------------------------------------------------------------
// .on(…)
// ---------------------------------------------------------------------------------

fn join_on_a_condition_without_a_key<C: Connection>(db: &mut TestDb<C>) {
    let query = users::table
        .inner_join(
            age_groups::table.on(users::age.between(age_groups::min_age, age_groups::max_age)),
        )
        .select((users::name, age_groups::label))
        .order_by(users::id);
    let sql = debug_query::<C::Backend, _>(&query).sql();
    assert!(
        sql.contains(
            r#"INNER JOIN "age_groups" ON "users"."age" BETWEEN "age_groups"."min_age" AND "age_groups"."max_age""#
        ),
        "{sql}"
    );
    let typed = query.load(&mut db.conn).unwrap();
    assert_eq!(
        typed,
        [
            ("Ada".to_owned(), "middle".to_owned()),
            ("Grace".to_owned(), "senior".to_owned()),
            ("Linus".to_owned(), "young".to_owned()),
            ("Margaret".to_owned(), "middle".to_owned()),
            ("Alan".to_owned(), "middle".to_owned()),
        ]
    );
    assert_same(
        typed,
        db.rows(
            "SELECT users.name, age_groups.label FROM users INNER JOIN age_groups \
             ON users.age BETWEEN age_groups.min_age AND age_groups.max_age ORDER BY users.id",
        ),
    );

    // Left-joined without a key: the groups no user falls in keep one row, with NULLs.
    let typed: Vec<(String, Option<String>)> = age_groups::table
        .left_join(
            users::table.on(users::age
                .ge(age_groups::min_age)
                .and(users::age.le(age_groups::max_age))),
        )
        .select((age_groups::label, users::name))
        .filter(age_groups::label.ne("middle"))
        .order_by(age_groups::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            ("young".to_owned(), Some("Linus".to_owned())),
            ("senior".to_owned(), Some("Grace".to_owned())),
        ]
    );
}

fn cross_join_through_on_true<C: Connection>(db: &mut TestDb<C>) {
    // `.on(true)`: every user with every age group.
    let query = users::table
        .inner_join(age_groups::table.on(true))
        .filter(age_groups::label.ne("young"))
        .select((users::id, age_groups::id))
        .order_by((users::id, age_groups::id));
    assert_eq!(
        debug_query::<C::Backend, _>(&query).binds(),
        ["true", "\"young\""]
    );
    let typed = query.load(&mut db.conn).unwrap();
    assert_eq!(typed.len(), 10);
    assert_same(
        typed,
        db.rows(
            "SELECT users.id, age_groups.id FROM users CROSS JOIN age_groups \
             WHERE age_groups.label <> 'young' ORDER BY users.id, age_groups.id",
        ),
    );
    let all = users::table
        .inner_join(age_groups::table.on(true))
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(all, 15);
}

fn join_on_a_key_plus_a_bound_value<C: Connection>(db: &mut TestDb<C>) {
    // In the ON clause of a left join, the extra condition drops posts, not users.
    let query = users::table
        .left_join(posts::table.on(posts::user_id.eq(users::id).and(posts::views.gt(100_i64))))
        .select((users::name, posts::title))
        .order_by((users::id, posts::id));
    let debug = debug_query::<C::Backend, _>(&query);
    assert!(
        debug.sql().contains(
            r#"LEFT JOIN "posts" ON ("posts"."user_id" = "users"."id" AND "posts"."views" > "#
        ),
        "{debug}"
    );
    assert_eq!(debug.binds(), ["100"]);
    let typed: Vec<(String, Option<String>)> = query.load(&mut db.conn).unwrap();
    assert_eq!(
        typed,
        [
            (
                "Ada".to_owned(),
                Some("Notes on the Analytical Engine".to_owned())
            ),
            ("Grace".to_owned(), Some("COBOL".to_owned())),
            ("Linus".to_owned(), Some("Linux announcement".to_owned())),
            ("Margaret".to_owned(), None),
            ("Alan".to_owned(), None),
        ]
    );
    let plain: Vec<(String, Option<String>)> = sql_query(
        "SELECT users.name, posts.title FROM users \
         LEFT JOIN posts ON posts.user_id = users.id AND posts.views > $1 \
         ORDER BY users.id, posts.id",
    )
    .bind(100_i64)
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);

    // The same condition in WHERE instead drops the users too.
    let filtered = users::table
        .left_join(posts::table)
        .filter(posts::views.gt(100_i64))
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(filtered, ["Ada", "Grace", "Linus"]);
}

fn two_keys_to_one_table_each_through_on<C: Connection>(db: &mut TestDb<C>) {
    let by_sender = messages::table
        .inner_join(users::table.on(users::id.eq(messages::sender_id)))
        .select((messages::body, users::name))
        .order_by(messages::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(by_sender[0], ("hi Grace".into(), "Ada".into()));
    assert_same(
        by_sender,
        db.rows(
            "SELECT messages.body, users.name FROM messages \
             INNER JOIN users ON users.id = messages.sender_id ORDER BY messages.id",
        ),
    );

    let by_recipient = messages::table
        .inner_join(users::table.on(users::id.eq(messages::recipient_id)))
        .select((messages::body, users::name))
        .order_by(messages::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(by_recipient[0], ("hi Grace".into(), "Grace".into()));
    assert_same(
        by_recipient,
        db.rows(
            "SELECT messages.body, users.name FROM messages \
             INNER JOIN users ON users.id = messages.recipient_id ORDER BY messages.id",
        ),
    );

    // From the parent: each user's inbox, kept when empty.
    let inbox: Vec<(String, Option<String>)> = users::table
        .left_join(messages::table.on(messages::recipient_id.eq(users::id)))
        .select((users::name, messages::body))
        .order_by((users::id, messages::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        inbox,
        [
            ("Ada".to_owned(), Some("hi Ada".to_owned())),
            ("Ada".to_owned(), Some("patch".to_owned())),
            ("Grace".to_owned(), Some("hi Grace".to_owned())),
            ("Linus".to_owned(), None),
            ("Margaret".to_owned(), Some("hello".to_owned())),
            ("Alan".to_owned(), Some("note to self".to_owned())),
        ]
    );
    assert_same(
        inbox,
        db.rows(
            "SELECT users.name, messages.body FROM users \
             LEFT JOIN messages ON messages.recipient_id = users.id ORDER BY users.id, messages.id",
        ),
    );
}

fn on_mixes_with_inferred_joins<C: Connection>(db: &mut TestDb<C>) {
    // An inferred join, then `.on(…)`, then an inferred join to the table `.on` added.
    let typed: Vec<(String, String, Option<String>)> = messages::table
        .inner_join(users::table.on(users::id.eq(messages::sender_id)))
        .left_join(profiles::table)
        .filter(messages::sender_id.ne(messages::recipient_id))
        .select((messages::body, users::name, profiles::bio))
        .order_by(messages::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            (
                "hi Grace".to_owned(),
                "Ada".to_owned(),
                Some("Analyst".to_owned())
            ),
            ("hi Ada".to_owned(), "Grace".to_owned(), None),
            (
                "patch".to_owned(),
                "Linus".to_owned(),
                Some("Kernel".to_owned())
            ),
            (
                "hello".to_owned(),
                "Ada".to_owned(),
                Some("Analyst".to_owned())
            ),
        ]
    );
    assert_same(
        typed,
        db.rows(
            "SELECT messages.body, users.name, profiles.bio FROM messages \
             INNER JOIN users ON users.id = messages.sender_id \
             LEFT JOIN profiles ON profiles.user_id = users.id \
             WHERE messages.sender_id <> messages.recipient_id ORDER BY messages.id",
        ),
    );
}

// ---------------------------------------------------------------------------------
// Expressions and clauses over joins
// ---------------------------------------------------------------------------------

fn arithmetic_on_joined_columns<C: Connection>(db: &mut TestDb<C>) {
    // On a left-joined column the result is nullable; on the left table it is not.
    let typed: Vec<(String, i32, Option<i64>)> = users::table
        .left_join(posts::table)
        .select((users::name, users::age + 1, posts::views * 2_i64))
        .order_by((users::id, posts::id))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], ("Ada".into(), 37, Some(10_000_000_000)));
    assert_eq!(typed[6], ("Alan".into(), 42, None));
    let plain: Vec<(String, i32, Option<i64>)> = sql_query(
        "SELECT users.name, users.age + $1, posts.views * $2 FROM users \
         LEFT JOIN posts ON posts.user_id = users.id ORDER BY users.id, posts.id",
    )
    .bind(1)
    .bind(2_i64)
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);

    // Across two tables: NOT NULL + left-joined nullable is nullable.
    let typed: Vec<(String, Option<i32>, i32)> = users::table
        .left_join(profiles::table)
        .select((
            users::name,
            profiles::rating + users::visits,
            users::age + users::visits,
        ))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], ("Ada".into(), Some(45), 76));
    assert_eq!(typed[1], ("Grace".into(), None, 170));
    assert_same(
        typed,
        db.rows(
            "SELECT users.name, profiles.rating + users.visits, users.age + users.visits \
             FROM users LEFT JOIN profiles ON profiles.user_id = users.id ORDER BY users.id",
        ),
    );

    // Inner-joined columns of two tables in one expression, also in a filter.
    let typed: Vec<(String, i32)> = cities::table
        .inner_join(citizens::table)
        .filter((citizens::id + cities::id).gt(5))
        .select((citizens::name, citizens::id * 10 + cities::id))
        .order_by(citizens::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed[0], ("Haruki".into(), 43));
    assert_same(
        typed,
        db.rows(
            "SELECT citizens.name, citizens.id * 10 + cities.id FROM cities \
             INNER JOIN citizens ON citizens.city_id = cities.id \
             WHERE citizens.id + cities.id > 5 ORDER BY citizens.id",
        ),
    );
}

fn eq_any_and_between_on_joined_columns<C: Connection>(db: &mut TestDb<C>) {
    let typed = posts::table
        .inner_join(users::table)
        .filter(users::name.eq_any(["Ada", "Linus"]))
        .filter(posts::views.between(7_i64, 5_000_i64))
        .select((users::name, posts::title))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            ("Ada".to_owned(), "Rust tips".to_owned()),
            ("Linus".to_owned(), "Rust and the kernel".to_owned()),
        ]
    );
    let plain: Vec<(String, String)> = sql_query(
        "SELECT users.name, posts.title FROM posts INNER JOIN users ON posts.user_id = users.id \
         WHERE users.name IN ($1, $2) AND posts.views BETWEEN $3 AND $4 ORDER BY posts.id",
    )
    .bind("Ada")
    .bind("Linus")
    .bind(7_i64)
    .bind(5_000_i64)
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);

    // On a left-joined column: the missing rows match neither.
    let typed = users::table
        .left_join(profiles::table)
        .filter(
            profiles::rating
                .between(1, 10)
                .or(profiles::bio.eq_any(["Kernel"])),
        )
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, ["Ada", "Linus"]);
    let plain: Vec<String> = sql_query(
        "SELECT users.name FROM users LEFT JOIN profiles ON profiles.user_id = users.id \
         WHERE (profiles.rating BETWEEN $1 AND $2 OR profiles.bio IN ($3)) ORDER BY users.id",
    )
    .bind(1)
    .bind(10)
    .bind("Kernel")
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);
}

fn distinct_over_join<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .inner_join(posts::table)
        .select(users::name)
        .distinct()
        .order_by(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed, ["Ada", "Grace", "Linus"]);
    assert_same(
        typed,
        db.rows(
            "SELECT DISTINCT users.name FROM users INNER JOIN posts ON posts.user_id = users.id \
             ORDER BY users.name",
        ),
    );

    // Distinct pairs across a six-table chain: the countries with a reaction, by emoji.
    let typed = countries::table
        .inner_join(cities::table)
        .inner_join(citizens::table)
        .inner_join(articles::table)
        .inner_join(remarks::table)
        .inner_join(reactions::table)
        .select((countries::name, reactions::emoji))
        .distinct()
        .order_by((countries::name, reactions::emoji))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(typed.len(), 4);
    assert_same(
        typed,
        db.rows(
            "SELECT DISTINCT countries.name, reactions.emoji FROM countries \
             INNER JOIN cities ON cities.country_id = countries.id \
             INNER JOIN citizens ON citizens.city_id = cities.id \
             INNER JOIN articles ON articles.author_id = citizens.id \
             INNER JOIN remarks ON remarks.article_id = articles.id \
             INNER JOIN reactions ON reactions.remark_id = remarks.id \
             ORDER BY countries.name, reactions.emoji",
        ),
    );
}

fn limit_and_offset_over_join<C: Connection>(db: &mut TestDb<C>) {
    let typed = users::table
        .left_join(posts::table)
        .select((users::name, posts::title))
        .order_by((users::id, posts::id))
        .limit(3)
        .offset(2)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            ("Grace".to_owned(), Some("COBOL".to_owned())),
            ("Linus".to_owned(), Some("Linux announcement".to_owned())),
            ("Linus".to_owned(), Some("Rust and the kernel".to_owned())),
        ]
    );
    let plain: Vec<(String, Option<String>)> = sql_query(
        "SELECT users.name, posts.title FROM users LEFT JOIN posts ON posts.user_id = users.id \
         ORDER BY users.id, posts.id LIMIT $1 OFFSET $2",
    )
    .bind(3_i64)
    .bind(2_i64)
    .load(&mut db.conn)
    .unwrap();
    assert_same(typed, plain);

    // Offset alone, and a count of a limited join (counted as a subquery).
    let tail = users::table
        .left_join(posts::table)
        .select(users::name)
        .order_by((users::id, posts::id))
        .offset(5)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(tail, ["Margaret", "Alan"]);
    let counted = users::table
        .inner_join(posts::table)
        .limit(4)
        .count()
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(counted, 4);
}

fn first_and_get_result_on_a_join<C: Connection>(db: &mut TestDb<C>) {
    let (name, title) = users::table
        .inner_join(posts::table)
        .select((users::name, posts::title))
        .order_by(posts::views.desc())
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(
        (name.as_str(), title.as_str()),
        ("Ada", "Notes on the Analytical Engine")
    );
    let plain: (String, String) = sql_query(
        "SELECT users.name, posts.title FROM users INNER JOIN posts ON posts.user_id = users.id \
         ORDER BY posts.views DESC LIMIT 1",
    )
    .get_result(&mut db.conn)
    .unwrap();
    assert_eq!((name, title), plain);

    let missing = users::table
        .left_join(posts::table)
        .filter(users::id.eq(5))
        .select((users::name, Post::as_select()))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(missing, ("Alan".to_owned(), None));
}

fn pg_distinct_on_over_a_join(db: &mut TestDb<PgConnection>) {
    // Each author's most viewed post.
    let typed = users::table
        .inner_join(posts::table)
        .distinct_on(users::id)
        .select((users::name, posts::title))
        .order_by((users::id, posts::views.desc()))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        typed,
        [
            (
                "Ada".to_owned(),
                "Notes on the Analytical Engine".to_owned()
            ),
            ("Grace".to_owned(), "COBOL".to_owned()),
            ("Linus".to_owned(), "Linux announcement".to_owned()),
        ]
    );
    assert_same(
        typed,
        db.rows(
            "SELECT DISTINCT ON (users.id) users.name, posts.title FROM users \
             INNER JOIN posts ON posts.user_id = users.id ORDER BY users.id, posts.views DESC",
        ),
    );
}

common::backend_tests! {
    extra_schema: JOINS;
    only pg:
    pg_distinct_on_over_a_join,
}

common::backend_tests! {
    extra_schema: JOINS;
    inner_join_child_to_parent_infers_on,
    inner_join_parent_to_child_infers_on,
    inner_join_filter_and_order_on_both_tables,
    filter_before_join_is_kept,
    count_of_joins,
    inner_join_default_select_is_a_tuple_of_rows,
    left_join_right_columns_load_as_option,
    left_join_nullable_right_column_stays_one_option,
    joins_through_a_nullable_foreign_key,
    left_join_selectable_struct_loads_as_option,
    left_join_struct_of_a_matched_row_with_null_columns_is_some,
    left_join_default_select_wraps_the_right_row_in_option,
    anti_join_with_is_null,
    is_null_of_a_left_joined_column_selects_as_bool,
    chain_of_six_tables_mixing_inner_and_left_joins,
    chain_of_six_tables_from_the_leaf_up,
    chain_default_select_of_six_tables,
    left_join_then_inner_join_below_it,
    join_on_a_condition_without_a_key,
    cross_join_through_on_true,
    join_on_a_key_plus_a_bound_value,
    two_keys_to_one_table_each_through_on,
    on_mixes_with_inferred_joins,
    arithmetic_on_joined_columns,
    eq_any_and_between_on_joined_columns,
    distinct_over_join,
    limit_and_offset_over_join,
    first_and_get_result_on_a_join,
}
