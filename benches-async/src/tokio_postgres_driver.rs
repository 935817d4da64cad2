//! tokio-postgres, done as a careful hand-written program would: every statement
//! prepared once per connection and kept (each multi-row insert shape too), rows read by
//! column index into the shared structs.

use crate::{AsyncDriver, insert_users_sql};
use quarry_benches::data::{Comment, FILTER_COLOR, NewUser, Post, User, UserTree, nest};
use std::collections::HashMap;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row, Statement};

const SELECT_USERS: &str = "SELECT id, name, hair_color FROM users";
const USERS_WITH_POSTS: &str = "SELECT users.id, users.name, users.hair_color, \
     posts.id, posts.user_id, posts.title, posts.body \
     FROM users LEFT JOIN posts ON posts.user_id = users.id \
     WHERE users.hair_color = $1";
const FIND_USER: &str = "SELECT id, name, hair_color FROM users WHERE id = $1";
const POSTS_OF: &str = "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)";
const COMMENTS_OF: &str = "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)";

/// tokio-postgres on one connection, its connection task spawned on the runtime.
pub struct TokioPostgres {
    client: Client,
    // Prepared on first use, once the arena has set the search path.
    select_users: Option<Statement>,
    users_with_posts: Option<Statement>,
    find_user: Option<Statement>,
    posts_of: Option<Statement>,
    comments_of: Option<Statement>,
    /// Multi-row inserts, by row count.
    inserts: HashMap<usize, Statement>,
}

impl TokioPostgres {
    /// Connects to `url`; must run inside the runtime that will drive the connection.
    pub async fn connect(url: &str) -> Self {
        let (client, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .expect("tokio-postgres: connect");
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                panic!("tokio-postgres: connection: {e}");
            }
        });
        TokioPostgres {
            client,
            select_users: None,
            users_with_posts: None,
            find_user: None,
            posts_of: None,
            comments_of: None,
            inserts: HashMap::new(),
        }
    }
}

/// The statement in `slot`, prepared the first time.
async fn prepared(client: &Client, slot: &mut Option<Statement>, sql: &str) -> Statement {
    if let Some(statement) = slot {
        return statement.clone();
    }
    let statement = client.prepare(sql).await.expect("tokio-postgres: prepare");
    slot.insert(statement).clone()
}

fn user(row: &Row) -> User {
    User {
        id: row.get(0),
        name: row.get(1),
        hair_color: row.get(2),
    }
}

impl AsyncDriver for TokioPostgres {
    async fn batch(&mut self, sql: &str) {
        self.client
            .batch_execute(sql)
            .await
            .expect("tokio-postgres: setup");
    }

    async fn select_users(&mut self) -> Vec<User> {
        let statement = prepared(&self.client, &mut self.select_users, SELECT_USERS).await;
        let rows = self
            .client
            .query(&statement, &[])
            .await
            .expect("tokio-postgres: select users");
        rows.iter().map(user).collect()
    }

    async fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)> {
        let statement = prepared(&self.client, &mut self.users_with_posts, USERS_WITH_POSTS).await;
        let rows = self
            .client
            .query(&statement, &[&FILTER_COLOR])
            .await
            .expect("tokio-postgres: users left join posts");
        rows.iter()
            .map(|row| {
                let post = row.get::<_, Option<i32>>(3).map(|id| Post {
                    id,
                    user_id: row.get(4),
                    title: row.get(5),
                    body: row.get(6),
                });
                (user(row), post)
            })
            .collect()
    }

    async fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize {
        let statement = match self.inserts.get(&rows.len()) {
            Some(statement) => statement.clone(),
            None => {
                let statement = self
                    .client
                    .prepare(&insert_users_sql(rows.len()))
                    .await
                    .expect("tokio-postgres: prepare insert");
                self.inserts.insert(rows.len(), statement.clone());
                statement
            }
        };
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(2 * rows.len());
        for row in rows {
            params.push(&row.name);
            params.push(&row.hair_color);
        }
        let inserted = self
            .client
            .execute(&statement, &params)
            .await
            .expect("tokio-postgres: insert users");
        usize::try_from(inserted).expect("a row count fits in usize")
    }

    async fn load_tree(&mut self) -> Vec<UserTree> {
        let users = self.select_users().await;
        let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
        let statement = prepared(&self.client, &mut self.posts_of, POSTS_OF).await;
        let posts: Vec<Post> = self
            .client
            .query(&statement, &[&ids])
            .await
            .expect("tokio-postgres: load posts")
            .iter()
            .map(|row| Post {
                id: row.get(0),
                user_id: row.get(1),
                title: row.get(2),
                body: row.get(3),
            })
            .collect();
        let ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
        let statement = prepared(&self.client, &mut self.comments_of, COMMENTS_OF).await;
        let comments = self
            .client
            .query(&statement, &[&ids])
            .await
            .expect("tokio-postgres: load comments")
            .iter()
            .map(|row| Comment {
                id: row.get(0),
                post_id: row.get(1),
                text: row.get(2),
            })
            .collect();
        nest(users, posts, comments)
    }

    async fn find_user(&mut self, id: i32) -> Option<User> {
        let statement = prepared(&self.client, &mut self.find_user, FIND_USER).await;
        self.client
            .query_opt(&statement, &[&id])
            .await
            .expect("tokio-postgres: find user")
            .as_ref()
            .map(user)
    }
}
