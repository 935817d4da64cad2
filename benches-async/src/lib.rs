//! quarry's async benchmarks: the workloads of `benches/` on quarry's async connections,
//! side by side with tokio-postgres (raw prepared statements), diesel-async and sqlx on
//! PostgreSQL, and with quarry's blocking `SqliteConnection` on SQLite.
//!
//! The tables, rows, row structs and expected results are those of the blocking
//! benchmarks (`quarry_benches::data`), and so are the interleaved rounds' command line,
//! rotation, batch sizing and output lines (`quarry_benches::interleaved`): only the
//! contenders and the timed loop, which runs inside one `block_on` per batch, are new.

pub mod arena;
pub mod cases;
pub mod diesel_async_driver;
pub mod quarry_driver;
pub mod sqlx_driver;
pub mod tokio_postgres_driver;

use quarry_benches::data::{NewUser, Post, User, UserTree};

/// One contender running the workloads on one async connection.
///
/// Every method is one timed unit of work, written as the contender's guide writes it.
/// Failures panic with the contender's own error: a benchmark has no one to report to.
// The futures are awaited on the harness's own thread, never spawned: they need not be
// `Send`, which `async fn` in a public trait cannot promise.
#[allow(async_fn_in_trait)]
pub trait AsyncDriver {
    /// Runs SQL without parameters: setup, never timed.
    async fn batch(&mut self, sql: &str);

    /// `SELECT id, name, hair_color FROM users`, every row, into [`User`]s.
    async fn select_users(&mut self) -> Vec<User>;

    /// `users LEFT JOIN posts`, filtered on `users.hair_color = 'black'`
    /// ([`quarry_benches::data::FILTER_COLOR`], bound as a parameter), into
    /// `(User, Option<Post>)` pairs.
    async fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)>;

    /// Inserts `rows` with one multi-row `INSERT`, returning the number of rows inserted.
    async fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize;

    /// Every user with their posts and the posts' comments: three queries (users; posts
    /// of those users by `user_id = ANY(…)` or `IN (…)`; comments of those posts
    /// likewise), grouped in memory into nested vectors.
    async fn load_tree(&mut self) -> Vec<UserTree>;

    /// The user with this id, by primary key: the small query that the statement-cache
    /// workload repeats.
    async fn find_user(&mut self, id: i32) -> Option<User>;
}

/// `INSERT INTO users (name, hair_color) VALUES ($1, $2), ($3, $4), …` for `rows` rows:
/// the statement of the hand-written peer, as `benches/`'s raw driver writes it.
pub fn insert_users_sql(rows: usize) -> String {
    let mut sql = String::with_capacity(48 + rows * 12);
    sql.push_str("INSERT INTO users (name, hair_color) VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${}, ${})", 2 * row + 1, 2 * row + 2));
    }
    sql
}

#[cfg(test)]
mod tests {
    #[test]
    fn insert_statements_number_their_parameters() {
        assert_eq!(
            super::insert_users_sql(2),
            "INSERT INTO users (name, hair_color) VALUES ($1, $2), ($3, $4)"
        );
    }
}
