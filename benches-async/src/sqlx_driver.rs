//! sqlx 0.9 (PostgreSQL only) on one `PgConnection`, written as its guide writes it:
//! `query_as` with the SQL text (statements are prepared and cached per connection by
//! sqlx), `QueryBuilder::push_values` for the multi-row insert. Rows are read as tuples
//! and moved into the shared structs: `#[derive(FromRow)]` cannot be put on structs of
//! another crate, and tuples need no macro crate.

use crate::AsyncDriver;
use quarry_benches::data::{Comment, FILTER_COLOR, NewUser, Post, User, UserTree, nest};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, Postgres, QueryBuilder};

type UserRow = (i32, String, Option<String>);
type UserPostRow = (
    i32,
    String,
    Option<String>,
    Option<i32>,
    Option<i32>,
    Option<String>,
    Option<String>,
);

fn user((id, name, hair_color): UserRow) -> User {
    User {
        id,
        name,
        hair_color,
    }
}

/// sqlx on one PostgreSQL connection.
pub struct Sqlx {
    conn: PgConnection,
}

impl Sqlx {
    /// Connects to `url`.
    pub async fn connect(url: &str) -> Self {
        let conn = PgConnection::connect(url).await.expect("sqlx: connect");
        Sqlx { conn }
    }
}

impl AsyncDriver for Sqlx {
    async fn batch(&mut self, sql: &str) {
        self.conn
            .execute(sqlx::raw_sql(AssertSqlSafe(sql.to_owned())))
            .await
            .expect("sqlx: setup");
    }

    async fn select_users(&mut self) -> Vec<User> {
        sqlx::query_as::<_, UserRow>("SELECT id, name, hair_color FROM users")
            .fetch_all(&mut self.conn)
            .await
            .expect("sqlx: select users")
            .into_iter()
            .map(user)
            .collect()
    }

    async fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)> {
        sqlx::query_as::<_, UserPostRow>(
            "SELECT users.id, users.name, users.hair_color, \
             posts.id, posts.user_id, posts.title, posts.body \
             FROM users LEFT JOIN posts ON posts.user_id = users.id \
             WHERE users.hair_color = $1",
        )
        .bind(FILTER_COLOR)
        .fetch_all(&mut self.conn)
        .await
        .expect("sqlx: users left join posts")
        .into_iter()
        .map(|(id, name, hair_color, post_id, user_id, title, body)| {
            let post = post_id.map(|id| Post {
                id,
                user_id: user_id.expect("sqlx: a post has a user"),
                title: title.expect("sqlx: a post has a title"),
                body,
            });
            (user((id, name, hair_color)), post)
        })
        .collect()
    }

    async fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize {
        let mut insert = QueryBuilder::<Postgres>::new("INSERT INTO users (name, hair_color) ");
        insert.push_values(rows, |mut values, row| {
            values.push_bind(row.name).push_bind(row.hair_color);
        });
        let done = insert
            .build()
            .execute(&mut self.conn)
            .await
            .expect("sqlx: insert users");
        usize::try_from(done.rows_affected()).expect("a row count fits in usize")
    }

    async fn load_tree(&mut self) -> Vec<UserTree> {
        let users = self.select_users().await;
        let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
        let posts: Vec<Post> = sqlx::query_as::<_, (i32, i32, String, Option<String>)>(
            "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)",
        )
        .bind(&ids)
        .fetch_all(&mut self.conn)
        .await
        .expect("sqlx: load posts")
        .into_iter()
        .map(|(id, user_id, title, body)| Post {
            id,
            user_id,
            title,
            body,
        })
        .collect();
        let ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
        let comments = sqlx::query_as::<_, (i32, i32, String)>(
            "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)",
        )
        .bind(&ids)
        .fetch_all(&mut self.conn)
        .await
        .expect("sqlx: load comments")
        .into_iter()
        .map(|(id, post_id, text)| Comment { id, post_id, text })
        .collect();
        nest(users, posts, comments)
    }

    async fn find_user(&mut self, id: i32) -> Option<User> {
        sqlx::query_as::<_, UserRow>("SELECT id, name, hair_color FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut self.conn)
            .await
            .expect("sqlx: find user")
            .map(user)
    }
}
