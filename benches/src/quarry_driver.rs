//! quarry, written as its guide writes it.

use crate::Driver;
use crate::data::{
    Comment, FILTER_COLOR, NewUser, Post, User, UserTree, comments, nest, posts, users,
};
use quarry::conn::Connection;
use quarry::prelude::*;

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

    fn load_tree(&mut self) -> Vec<UserTree> {
        let conn = &mut self.conn;
        let users = users::table
            .select(User::as_select())
            .load(conn)
            .expect("quarry: load users");
        let posts = posts::table
            .filter(posts::user_id.eq_any(users.iter().map(|u| u.id)))
            .select(Post::as_select())
            .load(conn)
            .expect("quarry: load posts");
        let comments = comments::table
            .filter(comments::post_id.eq_any(posts.iter().map(|p| p.id)))
            .select(Comment::as_select())
            .load(conn)
            .expect("quarry: load comments");
        nest(users, posts, comments)
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
