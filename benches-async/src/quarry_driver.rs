//! quarry on its async connections, written as its guide writes it: the blocking
//! benchmarks' queries, each with `.await`; and quarry's blocking `SqliteConnection`, the
//! yardstick of the async SQLite connection.

use crate::AsyncDriver;
use quarry::prelude::*;
use quarry_benches::Driver;
use quarry_benches::data::{
    Comment, FILTER_COLOR, NewUser, Post, User, UserTree, comments, nest, posts, users,
};
use quarry_benches::quarry_driver::QuarryDriver;

/// quarry on one async connection, SQLite or PostgreSQL.
pub struct QuarryAsync<C> {
    conn: C,
}

impl<C: AsyncConnection> QuarryAsync<C> {
    /// Opens the connection: `:memory:` for SQLite, a libpq URL for PostgreSQL.
    pub async fn establish(url: &str) -> Self {
        let conn = C::establish(url).await.expect("quarry: connect");
        QuarryAsync { conn }
    }
}

impl<C: AsyncConnection> AsyncDriver for QuarryAsync<C> {
    async fn batch(&mut self, sql: &str) {
        self.conn.batch_execute(sql).await.expect("quarry: setup");
    }

    async fn select_users(&mut self) -> Vec<User> {
        users::table
            .select(User::as_select())
            .load(&mut self.conn)
            .await
            .expect("quarry: select users")
    }

    async fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)> {
        users::table
            .left_join(posts::table)
            .filter(users::hair_color.eq(FILTER_COLOR))
            .select((User::as_select(), Post::as_select()))
            .load(&mut self.conn)
            .await
            .expect("quarry: users left join posts")
    }

    async fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize {
        quarry::insert_into(users::table)
            .values(rows)
            .execute(&mut self.conn)
            .await
            .expect("quarry: insert users")
    }

    async fn load_tree(&mut self) -> Vec<UserTree> {
        let conn = &mut self.conn;
        let users = users::table
            .select(User::as_select())
            .load(conn)
            .await
            .expect("quarry: load users");
        let posts = posts::table
            .filter(posts::user_id.eq_any(users.iter().map(|u| u.id)))
            .select(Post::as_select())
            .load(conn)
            .await
            .expect("quarry: load posts");
        let comments = comments::table
            .filter(comments::post_id.eq_any(posts.iter().map(|p| p.id)))
            .select(Comment::as_select())
            .load(conn)
            .await
            .expect("quarry: load comments");
        nest(users, posts, comments)
    }

    async fn find_user(&mut self, id: i32) -> Option<User> {
        users::table
            .find(id)
            .select(User::as_select())
            .first(&mut self.conn)
            .await
            .optional()
            .expect("quarry: find user")
    }
}

/// quarry's blocking `SqliteConnection`, the blocking benchmarks' driver, called from
/// inside the same runtime: what the async SQLite connection's worker hop is measured
/// against.
pub struct QuarryBlocking(QuarryDriver<SqliteConnection>);

impl QuarryBlocking {
    /// A new in-memory SQLite database.
    pub fn sqlite() -> Self {
        QuarryBlocking(QuarryDriver::sqlite())
    }
}

impl AsyncDriver for QuarryBlocking {
    async fn batch(&mut self, sql: &str) {
        self.0.batch(sql);
    }

    async fn select_users(&mut self) -> Vec<User> {
        self.0.select_users()
    }

    async fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)> {
        self.0.users_with_posts()
    }

    async fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize {
        self.0.insert_users(rows)
    }

    async fn load_tree(&mut self) -> Vec<UserTree> {
        self.0.load_tree()
    }

    async fn find_user(&mut self, id: i32) -> Option<User> {
        self.0.find_user(id)
    }
}
