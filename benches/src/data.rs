//! The workloads' schema, rows and expected results, the same for every contender.
//!
//! The tables are those of Diesel's own benchmark suite: `users (id, name, hair_color)`,
//! `posts (id, user_id, title, body)` and `comments (id, post_id, text)`. The row
//! structs derive both quarry's and Diesel's traits, so that every contender loads into
//! the very same types and its result can be compared with [`Data`]'s.

use crate::diesel_driver::schema as diesel_schema;
use std::collections::HashMap;
use std::fmt::Write as _;

quarry::table! {
    users (id) {
        id -> Int4 = default,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
    posts (id) {
        id -> Int4 = default,
        user_id -> Int4 references users,
        title -> Text,
        body -> Nullable<Text>,
    }
    comments (id) {
        id -> Int4 = default,
        post_id -> Int4 references posts,
        text -> Text,
    }
}

/// A row of `users`.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    quarry::Selectable,
    diesel::Queryable,
    diesel::Selectable,
    diesel::Identifiable,
)]
#[quarry(table = users)]
#[diesel(table_name = diesel_schema::users)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A row of `posts`.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    quarry::Selectable,
    diesel::Queryable,
    diesel::Selectable,
    diesel::Identifiable,
    diesel::Associations,
)]
#[quarry(table = posts)]
#[diesel(table_name = diesel_schema::posts, belongs_to(User))]
pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
}

/// A row of `comments`.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    quarry::Selectable,
    diesel::Queryable,
    diesel::Selectable,
    diesel::Identifiable,
    diesel::Associations,
)]
#[quarry(table = comments)]
#[diesel(table_name = diesel_schema::comments, belongs_to(Post))]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub text: String,
}

/// A user to insert; the database gives the id.
#[derive(Debug, Clone, quarry::Insertable, diesel::Insertable)]
#[quarry(table = users)]
#[diesel(table_name = diesel_schema::users)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub hair_color: Option<&'a str>,
}

/// A user with their posts, each with its comments: what the association workload loads.
pub type UserTree = (User, Vec<(Post, Vec<Comment>)>);

/// The two backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, in memory.
    Sqlite,
    /// PostgreSQL, in a schema of the run's own.
    Pg,
}

impl Backend {
    /// The short name used in benchmark ids: `sqlite` or `pg`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Pg => "pg",
        }
    }

    /// Creates the three tables.
    pub fn ddl(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
                 CREATE TABLE posts (id INTEGER PRIMARY KEY,
                     user_id INTEGER NOT NULL REFERENCES users (id),
                     title TEXT NOT NULL, body TEXT);
                 CREATE TABLE comments (id INTEGER PRIMARY KEY,
                     post_id INTEGER NOT NULL REFERENCES posts (id), text TEXT NOT NULL);"
            }
            Backend::Pg => {
                "CREATE TABLE users (id SERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
                 CREATE TABLE posts (id SERIAL PRIMARY KEY,
                     user_id INTEGER NOT NULL REFERENCES users (id),
                     title TEXT NOT NULL, body TEXT);
                 CREATE TABLE comments (id SERIAL PRIMARY KEY,
                     post_id INTEGER NOT NULL REFERENCES posts (id), text TEXT NOT NULL);"
            }
        }
    }

    /// Empties the three tables and restarts their ids at 1.
    pub fn reset(self) -> &'static str {
        match self {
            Backend::Sqlite => "DELETE FROM comments; DELETE FROM posts; DELETE FROM users;",
            Backend::Pg => "TRUNCATE comments, posts, users RESTART IDENTITY;",
        }
    }
}

/// The rows of one workload, and so what every contender must read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Data {
    pub users: Vec<User>,
    pub posts: Vec<Post>,
    pub comments: Vec<Comment>,
}

/// The hair colour that the join workload filters on: every other user has it.
pub const FILTER_COLOR: &str = "black";

impl Data {
    /// `n` users: even ones have black hair, every fourth odd one brown, the rest none.
    pub fn users(n: usize) -> Data {
        let users = (0..n)
            .map(|i| User {
                id: id(i),
                name: format!("User {i}"),
                hair_color: match i % 4 {
                    0 | 2 => Some(FILTER_COLOR.to_owned()),
                    1 => Some("brown".to_owned()),
                    _ => None,
                },
            })
            .collect();
        Data {
            users,
            ..Data::default()
        }
    }

    /// `n` users as [`Data::users`], where every third user has written one post, so
    /// that the left join finds both users with a post and users without.
    pub fn users_with_posts(n: usize) -> Data {
        let mut data = Data::users(n);
        data.posts = data
            .users
            .iter()
            .filter(|user| user.id % 3 == 1)
            .enumerate()
            .map(|(i, user)| post(i, user.id))
            .collect();
        data
    }

    /// `users` users with `posts` posts each, each post with `comments` comments.
    pub fn tree(users: usize, posts: usize, comments: usize) -> Data {
        let mut data = Data::users(users);
        data.posts = (0..users * posts).map(|i| post(i, id(i / posts))).collect();
        data.comments = (0..users * posts * comments)
            .map(|i| Comment {
                id: id(i),
                post_id: id(i / comments),
                text: format!("Comment {i}"),
            })
            .collect();
        data
    }

    /// The SQL that stores these rows, ids included, without parameters: setup, never
    /// timed. Rows go in statements of 500 so that no statement is very long.
    pub fn insert_sql(&self) -> String {
        let mut sql = String::new();
        insert_rows(&mut sql, "users (id, name, hair_color)", &self.users, |u| {
            format!(
                "{}, {}, {}",
                u.id,
                literal(&u.name),
                nullable(u.hair_color.as_deref())
            )
        });
        insert_rows(
            &mut sql,
            "posts (id, user_id, title, body)",
            &self.posts,
            |p| {
                let body = nullable(p.body.as_deref());
                format!("{}, {}, {}, {body}", p.id, p.user_id, literal(&p.title))
            },
        );
        insert_rows(
            &mut sql,
            "comments (id, post_id, text)",
            &self.comments,
            |c| format!("{}, {}, {}", c.id, c.post_id, literal(&c.text)),
        );
        sql
    }

    /// What the join workload must return: each user with [`FILTER_COLOR`] hair with
    /// each of their posts, or with `None`, ordered by user id and then post id.
    pub fn expected_join(&self) -> Vec<(User, Option<Post>)> {
        let mut rows = Vec::new();
        for user in self
            .users
            .iter()
            .filter(|u| u.hair_color.as_deref() == Some(FILTER_COLOR))
        {
            let mut posts = self
                .posts
                .iter()
                .filter(|p| p.user_id == user.id)
                .peekable();
            if posts.peek().is_none() {
                rows.push((user.clone(), None));
            }
            rows.extend(posts.map(|p| (user.clone(), Some(p.clone()))));
        }
        rows
    }

    /// What the association workload must return: every user, in id order, with their
    /// posts and the posts' comments, in id order.
    pub fn expected_tree(&self) -> Vec<UserTree> {
        self.users
            .iter()
            .map(|user| {
                let posts = self
                    .posts
                    .iter()
                    .filter(|p| p.user_id == user.id)
                    .map(|post| {
                        let comments = self
                            .comments
                            .iter()
                            .filter(|c| c.post_id == post.id)
                            .cloned();
                        (post.clone(), comments.collect())
                    })
                    .collect();
                (user.clone(), posts)
            })
            .collect()
    }
}

/// The rows that the insert workload writes: `n` users, every other one without a hair
/// colour.
pub fn new_users(names: &[String]) -> Vec<NewUser<'_>> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| NewUser {
            name,
            hair_color: (i % 2 == 0).then_some("brown"),
        })
        .collect()
}

/// Appends `INSERT INTO <into> VALUES (…), …;` statements of up to 500 rows each, the
/// values of each row written by `values`.
fn insert_rows<T>(sql: &mut String, into: &str, rows: &[T], values: impl Fn(&T) -> String) {
    for chunk in rows.chunks(500) {
        let _ = write!(sql, "INSERT INTO {into} VALUES ");
        for (i, row) in chunk.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(sql, "{sep}({})", values(row));
        }
        sql.push_str(";\n");
    }
}

/// The ids of rows `0..n`: 1, 2, 3, …
fn id(index: usize) -> i32 {
    i32::try_from(index + 1).expect("benchmark ids fit in Int4")
}

fn post(index: usize, user_id: i32) -> Post {
    Post {
        id: id(index),
        user_id,
        title: format!("Post {index}"),
        body: (index % 2 == 0).then(|| format!("The body of post {index}")),
    }
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn nullable(text: Option<&str>) -> String {
    text.map_or_else(|| "NULL".to_owned(), literal)
}

/// Sorts rows whose order the query leaves to the database, before they are compared.
pub fn sorted<T: Ord + Clone>(rows: &[T]) -> Vec<T> {
    let mut rows = rows.to_vec();
    rows.sort();
    rows
}

/// Groups posts under their users and comments under their posts, keeping the order in
/// which each list was read.
pub fn nest(users: Vec<User>, posts: Vec<Post>, comments: Vec<Comment>) -> Vec<UserTree> {
    let post_index: HashMap<i32, usize> =
        posts.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut comments_of: Vec<Vec<Comment>> = posts.iter().map(|_| Vec::new()).collect();
    for comment in comments {
        comments_of[post_index[&comment.post_id]].push(comment);
    }
    let user_index: HashMap<i32, usize> =
        users.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    let mut tree: Vec<UserTree> = users.into_iter().map(|u| (u, Vec::new())).collect();
    for (post, comments) in posts.into_iter().zip(comments_of) {
        tree[user_index[&post.user_id]].1.push((post, comments));
    }
    tree
}
