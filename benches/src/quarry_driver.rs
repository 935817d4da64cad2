//! quarry, written as its guide writes it.

use crate::Driver;
use crate::data::{Comment, FILTER_COLOR, NewUser, Post, User, UserTree, posts, users};
use quarry::conn::Connection;
use quarry::prelude::*;

/// A user with their posts, as the relations API loads it.
#[derive(quarry::Selectable, Clone)]
#[quarry(table = users)]
struct UserWithPosts {
    id: i32,
    name: String,
    hair_color: Option<String>,
    #[quarry(relation)]
    posts: Vec<PostWithComments>,
}

/// A post with its comments.
#[derive(quarry::Selectable, Clone)]
#[quarry(table = posts)]
struct PostWithComments {
    id: i32,
    user_id: i32,
    title: String,
    body: Option<String>,
    #[quarry(relation)]
    comments: Vec<Comment>,
}

/// quarry on one connection, SQLite or PostgreSQL.
pub struct QuarryDriver<C> {
    conn: C,
}

impl QuarryDriver<SqliteConnection> {
    /// A new in-memory SQLite database.
    pub fn sqlite() -> Self {
        let conn = SqliteConnection::establish(":memory:").expect("quarry: open SQLite");
        QuarryDriver { conn }
    }
}

impl QuarryDriver<PgConnection> {
    /// A new connection to the PostgreSQL server at `url`.
    pub fn pg(url: &str) -> Self {
        let conn = PgConnection::establish(url).expect("quarry: connect to PostgreSQL");
        QuarryDriver { conn }
    }
}

impl<C: Connection> Driver for QuarryDriver<C> {
    fn batch(&mut self, sql: &str) {
        self.conn.batch_execute(sql).expect("quarry: setup");
    }

    fn select_users(&mut self) -> Vec<User> {
        users::table
            .select(User::as_select())
            .load(&mut self.conn)
            .expect("quarry: select users")
    }

    fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)> {
        users::table
            .left_join(posts::table)
            .filter(users::hair_color.eq(FILTER_COLOR))
            .select((User::as_select(), Post::as_select()))
            .load(&mut self.conn)
            .expect("quarry: users left join posts")
    }

    fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize {
        quarry::insert_into(users::table)
            .values(rows)
            .execute(&mut self.conn)
            .expect("quarry: insert users")
    }

    /// Through the relations API: one statement per level, grouped by quarry. The tree
    /// is then moved into the shape every contender returns.
    fn load_tree(&mut self) -> Vec<UserTree> {
        let loaded: Vec<UserWithPosts> = users::table
            .with(users::posts.with(posts::comments))
            .load(&mut self.conn)
            .expect("quarry: load the tree");
        loaded
            .into_iter()
            .map(|u| {
                let posts = u
                    .posts
                    .into_iter()
                    .map(|p| {
                        let post = Post {
                            id: p.id,
                            user_id: p.user_id,
                            title: p.title,
                            body: p.body,
                        };
                        (post, p.comments)
                    })
                    .collect();
                let user = User {
                    id: u.id,
                    name: u.name,
                    hair_color: u.hair_color,
                };
                (user, posts)
            })
            .collect()
    }

    fn find_user(&mut self, id: i32) -> Option<User> {
        users::table
            .find(id)
            .select(User::as_select())
            .first(&mut self.conn)
            .optional()
            .expect("quarry: find user")
    }
}
