//! What every raw driver must return, checked against [`crate::data`]'s expectations;
//! run by each driver's tests on its own backend.

use crate::Driver;
use crate::data::{Backend, Data, User, new_users, sorted};

/// Creates the schema on `driver`'s empty database, then runs each workload twice (the
/// second run reuses the prepared statements) and checks what it returns.
pub(super) fn every_workload(driver: &mut dyn Driver, backend: Backend) {
    driver.batch(backend.ddl());
    selects(driver, backend);
    trees(driver, backend);
    inserts(driver, backend);
}

fn selects(driver: &mut dyn Driver, backend: Backend) {
    let data = Data::users_with_posts(10);
    let join = data.expected_join();
    assert!(
        join.iter().any(|(_, post)| post.is_none()),
        "a user without posts"
    );
    assert!(
        join.iter().any(|(_, post)| post.is_some()),
        "a user with a post"
    );
    driver.batch(backend.reset());
    driver.batch(&data.insert_sql());
    for _ in 0..2 {
        assert_eq!(
            sorted(&driver.select_users()),
            sorted(&data.users),
            "select users"
        );
        assert_eq!(
            sorted(&driver.users_with_posts()),
            sorted(&join),
            "users left join posts"
        );
        assert_eq!(
            driver.find_user(3).as_ref(),
            Some(&data.users[2]),
            "find user 3"
        );
        assert_eq!(driver.find_user(99), None, "find a user who is not there");
    }
}

fn trees(driver: &mut dyn Driver, backend: Backend) {
    // Two shapes, so that statements prepared per list length are both made and reused.
    for data in [Data::tree(3, 2, 2), Data::tree(2, 3, 1), Data::default()] {
        driver.batch(backend.reset());
        if data != Data::default() {
            driver.batch(&data.insert_sql());
        }
        let expected = data.expected_tree();
        for _ in 0..2 {
            assert_eq!(driver.load_tree(), expected, "tree of {data:?}");
        }
    }
}

fn inserts(driver: &mut dyn Driver, backend: Backend) {
    driver.batch(backend.reset());
    let names: Vec<String> = (0..8).map(|i| format!("New user {i}")).collect();
    let rows = new_users(&names);
    assert!(
        rows.iter().any(|row| row.hair_color.is_none()),
        "a NULL to insert"
    );
    // 3 rows, 2 rows, then 3 again through the kept statement.
    let (first, rest) = rows.split_at(3);
    let (second, third) = rest.split_at(2);
    assert_eq!(driver.insert_users(first), 3, "rows inserted");
    assert_eq!(driver.insert_users(second), 2, "rows inserted");
    assert_eq!(driver.insert_users(third), 3, "rows inserted");
    assert_eq!(driver.insert_users(&[]), 0, "no rows inserted");
    let expected: Vec<User> = (1..)
        .zip(&rows)
        .map(|(id, row)| User {
            id,
            name: row.name.to_owned(),
            hair_color: row.hair_color.map(str::to_owned),
        })
        .collect();
    assert_eq!(
        sorted(&driver.select_users()),
        expected,
        "the inserted rows"
    );
}
