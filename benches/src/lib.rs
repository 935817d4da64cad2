//! quarry's benchmark workloads, shared by the targets in `benches/`: the schemas and
//! data, one implementation of each workload per contender (quarry, Diesel and the raw
//! drivers), and the cases with their checks, so that every figure of a run comes from
//! the same code and reads the same rows.

pub mod arena;
pub mod bulk;
pub mod cases;
pub mod data;
pub mod diesel_driver;
pub mod interleaved;
pub mod quarry_driver;
pub mod raw;

use data::{NewUser, Post, User, UserTree};

/// One contender running the workloads of Diesel's benchmark suite on one connection.
///
/// Every method is one timed unit of work, done as the contender's users would write it.
/// Failures panic with the contender's own error: a benchmark has no one to report to.
pub trait Driver {
    /// Runs SQL without parameters: setup, never timed.
    fn batch(&mut self, sql: &str);

    /// `SELECT id, name, hair_color FROM users`, every row, into [`User`]s.
    fn select_users(&mut self) -> Vec<User>;

    /// `users LEFT JOIN posts`, filtered on `users.hair_color = 'black'`
    /// ([`data::FILTER_COLOR`], bound as a parameter), into `(User, Option<Post>)` pairs.
    fn users_with_posts(&mut self) -> Vec<(User, Option<Post>)>;

    /// Inserts `rows` with one multi-row `INSERT` (or what the contender does for a
    /// batch), returning the number of rows inserted.
    fn insert_users(&mut self, rows: &[NewUser<'_>]) -> usize;

    /// Every user with their posts and the posts' comments: three queries (users; posts
    /// of those users by `user_id IN (…)`; comments of those posts by `post_id IN (…)`),
    /// grouped in memory into nested vectors, users and children in the order read.
    fn load_tree(&mut self) -> Vec<UserTree>;

    /// The user with this id, by primary key: the small query that the statement-cache
    /// workload repeats.
    fn find_user(&mut self, id: i32) -> Option<User>;
}
