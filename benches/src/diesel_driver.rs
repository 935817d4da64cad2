//! Diesel 2.3, written as its guide and its own benchmarks write it.

/// The workloads' tables, declared for Diesel.
pub mod schema {
    diesel::table! {
        users (id) {
            id -> Int4,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        posts (id) {
            id -> Int4,
            user_id -> Int4,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::table! {
        comments (id) {
            id -> Int4,
            post_id -> Int4,
            text -> Text,
        }
    }

    diesel::joinable!(posts -> users (user_id));
    diesel::joinable!(comments -> posts (post_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);
}

use crate::Driver;
use crate::data::{Comment, FILTER_COLOR, NewUser, Post, User, UserTree};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use schema::{posts, users};

/// Diesel on one connection, SQLite or PostgreSQL.
pub struct DieselDriver<C> {
    conn: C,
}

impl DieselDriver<SqliteConnection> {
    /// A new in-memory SQLite database.
    pub fn sqlite() -> Self {
        let conn = SqliteConnection::establish(":memory:").expect("diesel: open SQLite");
        DieselDriver { conn }
    }
}

impl DieselDriver<PgConnection> {
    /// A new connection to the PostgreSQL server at `url`.
    pub fn pg(url: &str) -> Self {
        let conn = PgConnection::establish(url).expect("diesel: connect to PostgreSQL");
        DieselDriver { conn }
    }
}

/// The workloads, written once for both of Diesel's backends.
macro_rules! diesel_workloads {
    ($conn:ty) => {
        impl Driver for DieselDriver<$conn> {
            fn batch(&mut self, sql: &str) {
                self.conn.batch_execute(sql).expect("diesel: setup");
            }

            fn select_users(&mut self) -> Vec<User> {
                users::table
                    .select(User::as_select())
                    .load(&mut self.conn)
                    .expect("diesel: select users")
            }

            fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)> {
                users::table
                    .left_join(posts::table)
                    .filter(users::hair_color.eq(FILTER_COLOR))
                    .select((User::as_select(), Option::<Post>::as_select()))
                    .load(&mut self.conn)
                    .expect("diesel: users left join posts")
            }

            fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize {
                diesel::insert_into(users::table)
                    .values(rows)
                    .execute(&mut self.conn)
                    .expect("diesel: insert users")
            }

            fn load_tree(&mut self) -> Vec<UserTree> {
                let conn = &mut self.conn;
                let users = users::table
                    .select(User::as_select())
                    .load(conn)
                    .expect("diesel: load users");
                let posts = Post::belonging_to(&users)
                    .select(Post::as_select())
                    .load(conn)
                    .expect("diesel: load posts");
                let comments = Comment::belonging_to(&posts)
                    .select(Comment::as_select())
                    .load(conn)
                    .expect("diesel: load comments");
                let comments = comments.grouped_by(&posts);
                let posts = posts
                    .into_iter()
                    .zip(comments)
                    .collect::<Vec<_>>()
                    .grouped_by(&users);
                users.into_iter().zip(posts).collect()
            }

            fn find_user(&mut self, id: i32) -> Option<User> {
                users::table
                    .find(id)
                    .select(User::as_select())
                    .first(&mut self.conn)
                    .optional()
                    .expect("diesel: find user")
            }
        }
    };
}

diesel_workloads!(SqliteConnection);
diesel_workloads!(PgConnection);
