//! diesel-async 0.9 on Diesel 2.3, written as its guide writes it: the blocking
//! benchmarks' Diesel queries (the same schema and structs), run by `diesel_async`'s
//! `RunQueryDsl` on its `AsyncPgConnection` (tokio-postgres underneath).

use crate::AsyncDriver;
use diesel::{
    BelongingToDsl, ExpressionMethods, GroupedBy, OptionalExtension, QueryDsl, SelectableHelper,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use quarry_benches::data::{Comment, FILTER_COLOR, NewUser, Post, User, UserTree};
use quarry_benches::diesel_driver::schema::{posts, users};

/// diesel-async on one PostgreSQL connection.
pub struct DieselAsync {
    conn: AsyncPgConnection,
}

impl DieselAsync {
    /// Connects to `url`; must run inside the runtime that will drive the connection.
    pub async fn connect(url: &str) -> Self {
        let conn = AsyncPgConnection::establish(url)
            .await
            .expect("diesel-async: connect");
        DieselAsync { conn }
    }
}

impl AsyncDriver for DieselAsync {
    async fn batch(&mut self, sql: &str) {
        self.conn
            .batch_execute(sql)
            .await
            .expect("diesel-async: setup");
    }

    async fn select_users(&mut self) -> Vec<User> {
        users::table
            .select(User::as_select())
            .load(&mut self.conn)
            .await
            .expect("diesel-async: select users")
    }

    async fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)> {
        users::table
            .left_join(posts::table)
            .filter(users::hair_color.eq(FILTER_COLOR))
            .select((User::as_select(), Option::<Post>::as_select()))
            .load(&mut self.conn)
            .await
            .expect("diesel-async: users left join posts")
    }

    async fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize {
        diesel::insert_into(users::table)
            .values(rows)
            .execute(&mut self.conn)
            .await
            .expect("diesel-async: insert users")
    }

    async fn load_tree(&mut self) -> Vec<UserTree> {
        let conn = &mut self.conn;
        let users = users::table
            .select(User::as_select())
            .load(conn)
            .await
            .expect("diesel-async: load users");
        let posts = Post::belonging_to(&users)
            .select(Post::as_select())
            .load(conn)
            .await
            .expect("diesel-async: load posts");
        let comments = Comment::belonging_to(&posts)
            .select(Comment::as_select())
            .load(conn)
            .await
            .expect("diesel-async: load comments");
        let comments = comments.grouped_by(&posts);
        let posts = posts
            .into_iter()
            .zip(comments)
            .collect::<Vec<_>>()
            .grouped_by(&users);
        users.into_iter().zip(posts).collect()
    }

    async fn find_user(&mut self, id: i32) -> Option<User> {
        users::table
            .find(id)
            .select(User::as_select())
            .first(&mut self.conn)
            .await
            .optional()
            .expect("diesel-async: find user")
    }
}
