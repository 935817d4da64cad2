//! The async cases: the blocking benchmarks' workloads (their ids, data and checks), each
//! run on an [`AsyncDriver`] with the timed loop inside one `block_on`, so that a batch
//! times the awaited calls and not the runtime's entry.

use crate::AsyncDriver;
use crate::arena::Arena;
use quarry_benches::cases::Case;
use quarry_benches::data::{Data, Post, User, UserTree, new_users, sorted};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How many lookups one iteration of [`Case::FindUser`] makes (as in `benches/`).
const FIND_USER_CALLS: i32 = 1_000;
/// How many users [`Case::FindUser`] looks up in turn (as in `benches/`).
const FIND_USER_TABLE: usize = 100;
/// About how many rows [`Case::InsertUsers`] lets the table grow to before it empties it,
/// untimed (as in `benches/`).
const INSERT_ROWS_PER_RESET: usize = 10_000;

/// The cases of `benches/`, in their order.
pub const CASES: [Case; 10] = [
    Case::SelectUsers(1),
    Case::SelectUsers(100),
    Case::SelectUsers(10_000),
    Case::UsersWithPosts(100),
    Case::UsersWithPosts(10_000),
    Case::InsertUsers(1),
    Case::InsertUsers(100),
    Case::InsertUsers(1_000),
    Case::LoadTree,
    Case::FindUser,
];

/// Writes the rows `case` reads into every contender's database.
pub fn prepare(case: Case, arena: &mut Arena) -> Prepared {
    let expected = match case {
        Case::SelectUsers(n) => {
            let data = Data::users(n);
            arena.load(&data);
            Expected::Users(data.users)
        }
        Case::UsersWithPosts(n) => {
            let data = Data::users_with_posts(n);
            arena.load(&data);
            Expected::Join(data.expected_join())
        }
        Case::InsertUsers(n) => {
            Expected::Inserted((0..n).map(|i| format!("New user {i}")).collect())
        }
        Case::FindUser => {
            let data = Data::users(FIND_USER_TABLE);
            arena.load(&data);
            Expected::Found(data.users)
        }
        Case::LoadTree => {
            let data = Data::tree(100, 10, 10);
            arena.load(&data);
            Expected::Tree(data.expected_tree())
        }
    };
    Prepared {
        expected,
        reset: arena.backend.reset(),
    }
}

/// A case whose data is in place: what every contender must read back, and how to run it.
pub struct Prepared {
    expected: Expected,
    /// Empties the tables: the insert workload's untimed step.
    reset: &'static str,
}

enum Expected {
    Users(Vec<User>),
    Join(Vec<(User, Option<Post>)>),
    /// The names of the users to insert (`NewUser` borrows them).
    Inserted(Vec<String>),
    Tree(Vec<UserTree>),
    Found(Vec<User>),
}

impl Prepared {
    /// Runs the workload once on `driver` and panics, naming the contender, unless its
    /// result is the expected one: a fast wrong answer must not win.
    pub async fn check<D: AsyncDriver>(&self, name: &str, driver: &mut D) {
        match &self.expected {
            Expected::Users(users) => {
                assert_eq!(&sorted(&driver.select_users().await), users, "{name}");
            }
            Expected::Join(pairs) => {
                assert_eq!(&sorted(&driver.users_with_posts().await), pairs, "{name}");
            }
            Expected::Inserted(names) => {
                let rows = new_users(names);
                driver.batch(self.reset).await;
                assert_eq!(driver.insert_users(&rows).await, rows.len(), "{name}");
                let mut read = driver.select_users().await;
                read.sort_by_key(|user| user.id);
                assert_eq!(read.len(), rows.len(), "{name}");
                assert!(
                    read.iter()
                        .zip(&rows)
                        .all(|(user, row)| user.name == row.name
                            && user.hair_color.as_deref() == row.hair_color),
                    "{name}: the rows read back differ from those inserted",
                );
            }
            Expected::Tree(expected) => {
                let mut tree = driver.load_tree().await;
                tree.sort_by_key(|(user, _)| user.id);
                for (_, posts) in &mut tree {
                    posts.sort_by_key(|(post, _)| post.id);
                    for (_, comments) in posts {
                        comments.sort_by_key(|comment| comment.id);
                    }
                }
                assert_eq!(&tree, expected, "{name}");
            }
            Expected::Found(users) => {
                for user in users {
                    assert_eq!(
                        driver.find_user(user.id).await.as_ref(),
                        Some(user),
                        "{name}"
                    );
                }
                assert_eq!(driver.find_user(0).await, None, "{name}");
            }
        }
    }

    /// Runs the workload `iterations` times on `driver` and returns the time taken,
    /// leaving out the insert workload's emptying of the table.
    pub async fn run<D: AsyncDriver>(&self, driver: &mut D, iterations: u64) -> Duration {
        match &self.expected {
            Expected::Users(_) => {
                let start = Instant::now();
                for _ in 0..iterations {
                    black_box(driver.select_users().await);
                }
                start.elapsed()
            }
            Expected::Join(_) => {
                let start = Instant::now();
                for _ in 0..iterations {
                    black_box(driver.users_with_posts().await);
                }
                start.elapsed()
            }
            Expected::Inserted(names) => {
                let rows = new_users(names);
                let per_reset = (INSERT_ROWS_PER_RESET / rows.len()).max(1) as u64;
                let mut total = Duration::ZERO;
                let mut left = iterations;
                while left > 0 {
                    let run = left.min(per_reset);
                    driver.batch(self.reset).await;
                    let start = Instant::now();
                    for _ in 0..run {
                        black_box(driver.insert_users(&rows).await);
                    }
                    total += start.elapsed();
                    left -= run;
                }
                total
            }
            Expected::Tree(_) => {
                let start = Instant::now();
                for _ in 0..iterations {
                    black_box(driver.load_tree().await);
                }
                start.elapsed()
            }
            Expected::Found(_) => {
                let start = Instant::now();
                for _ in 0..iterations {
                    for i in 0..FIND_USER_CALLS {
                        black_box(driver.find_user(i % FIND_USER_TABLE as i32 + 1).await);
                    }
                }
                start.elapsed()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cases_keep_the_blocking_benchmarks_ids() {
        let ids: Vec<String> = CASES.iter().map(|case| case.id("pg")).collect();
        assert_eq!(ids[0], "select_users/pg/1");
        assert_eq!(ids[8], "load_tree/pg/100x10x10");
        assert_eq!(ids[9], "find_user/pg/1000x");
        assert_eq!(
            Case::FindUser.size(),
            format!("{FIND_USER_CALLS}x"),
            "the lookups per iteration of benches/"
        );
    }
}
