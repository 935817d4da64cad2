//! The benchmark cases of `benches/workloads.rs` and `benches/interleaved.rs`: each
//! workload at each size, the data it reads, the check of every contender's result, and
//! the timed loop, written once so that both targets measure the same thing.

use crate::Driver;
use crate::arena::{Arena, Contender};
use crate::data::{Data, Post, User, UserTree, new_users, sorted};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How many lookups one iteration of [`Case::FindUser`] makes.
const FIND_USER_CALLS: i32 = 1_000;
/// How many users [`Case::FindUser`] looks up in turn.
const FIND_USER_TABLE: usize = 100;
/// About how many rows [`Case::InsertUsers`] lets the table grow to before it empties it,
/// untimed, so that the table stays small.
const INSERT_ROWS_PER_RESET: usize = 10_000;

/// One benchmark: a workload at one size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `SELECT … FROM users` of this many rows into structs.
    SelectUsers(usize),
    /// `users LEFT JOIN posts` filtered on hair colour, for this many users, into
    /// `(User, Option<Post>)`.
    UsersWithPosts(usize),
    /// One multi-row insert of this many users.
    InsertUsers(usize),
    /// 100 users × 10 posts × 10 comments, loaded as nested vectors with three queries.
    LoadTree,
    /// A user by primary key, 1,000 times: the statement cache.
    FindUser,
}

/// Every case, in the order the targets run them.
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

impl Case {
    /// The workload's name, the first part of benchmark ids.
    pub fn workload(self) -> &'static str {
        match self {
            Case::SelectUsers(_) => "select_users",
            Case::UsersWithPosts(_) => "users_with_posts",
            Case::InsertUsers(_) => "insert_users",
            Case::LoadTree => "load_tree",
            Case::FindUser => "find_user",
        }
    }

    /// The size, the last part of benchmark ids: `100`, `100x10x10`, `1000x`.
    pub fn size(self) -> String {
        match self {
            Case::SelectUsers(n) | Case::UsersWithPosts(n) | Case::InsertUsers(n) => n.to_string(),
            Case::LoadTree => "100x10x10".to_owned(),
            Case::FindUser => format!("{FIND_USER_CALLS}x"),
        }
    }

    /// `<workload>/<backend>/<size>`, what a filter of the interleaved target matches.
    pub fn id(self, backend: &str) -> String {
        format!("{}/{backend}/{}", self.workload(), self.size())
    }

    /// The rows (or calls) one iteration handles, for criterion's throughput.
    pub fn elements(self) -> Option<u64> {
        match self {
            Case::SelectUsers(n) | Case::UsersWithPosts(n) | Case::InsertUsers(n) => Some(n as u64),
            Case::LoadTree => None,
            Case::FindUser => Some(FIND_USER_CALLS as u64),
        }
    }

    /// Writes the rows this case reads into every contender's database.
    pub fn prepare(self, arena: &mut Arena) -> Prepared {
        let expected = match self {
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
            Case::LoadTree => {
                let data = Data::tree(100, 10, 10);
                arena.load(&data);
                Expected::Tree(data.expected_tree())
            }
            Case::FindUser => {
                let data = Data::users(FIND_USER_TABLE);
                arena.load(&data);
                Expected::Found(data.users)
            }
        };
        Prepared {
            expected,
            reset: arena.backend.reset(),
        }
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
    /// Runs the workload once on `contender` and panics, naming it, unless its result is
    /// the expected one: a fast wrong answer must not win.
    pub fn check(&self, contender: &mut Contender) {
        let name = contender.name;
        let driver = &mut contender.driver;
        match &self.expected {
            Expected::Users(users) => assert_eq!(&sorted(&driver.select_users()), users, "{name}"),
            Expected::Join(pairs) => {
                assert_eq!(&sorted(&driver.users_with_posts()), pairs, "{name}");
            }
            Expected::Inserted(names) => {
                let rows = new_users(names);
                driver.batch(self.reset);
                assert_eq!(driver.insert_users(&rows), rows.len(), "{name}");
                let read = driver.select_users();
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
                let mut tree = driver.load_tree();
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
                    assert_eq!(driver.find_user(user.id).as_ref(), Some(user), "{name}");
                }
                assert_eq!(driver.find_user(0), None, "{name}");
            }
        }
    }

    /// Runs the workload `iterations` times on `driver` and returns the time taken,
    /// leaving out the insert workload's emptying of the table.
    pub fn run(&self, driver: &mut dyn Driver, iterations: u64) -> Duration {
        match &self.expected {
            Expected::Users(_) => time(iterations, || {
                black_box(driver.select_users());
            }),
            Expected::Join(_) => time(iterations, || {
                black_box(driver.users_with_posts());
            }),
            Expected::Inserted(names) => {
                let rows = new_users(names);
                let per_reset = (INSERT_ROWS_PER_RESET / rows.len()).max(1) as u64;
                let mut total = Duration::ZERO;
                let mut left = iterations;
                while left > 0 {
                    let run = left.min(per_reset);
                    driver.batch(self.reset);
                    total += time(run, || {
                        black_box(driver.insert_users(&rows));
                    });
                    left -= run;
                }
                total
            }
            Expected::Tree(_) => time(iterations, || {
                black_box(driver.load_tree());
            }),
            Expected::Found(_) => time(iterations, || {
                for i in 0..FIND_USER_CALLS {
                    black_box(driver.find_user(i % FIND_USER_TABLE as i32 + 1));
                }
            }),
        }
    }
}

fn time(iterations: u64, mut once: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        once();
    }
    start.elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ids_name_workload_backend_and_size() {
        let ids: Vec<String> = CASES.iter().map(|case| case.id("sqlite")).collect();
        assert_eq!(
            ids,
            [
                "select_users/sqlite/1",
                "select_users/sqlite/100",
                "select_users/sqlite/10000",
                "users_with_posts/sqlite/100",
                "users_with_posts/sqlite/10000",
                "insert_users/sqlite/1",
                "insert_users/sqlite/100",
                "insert_users/sqlite/1000",
                "load_tree/sqlite/100x10x10",
                "find_user/sqlite/1000x",
            ]
        );
        assert_eq!(Case::FindUser.elements(), Some(1_000));
        assert_eq!(Case::LoadTree.elements(), None);
    }
}
