//! The bulk-insert workload of issue 5: 100,000 rows into `users (id, name, hair_color,
//! age)`, through quarry and through the raw drivers.

use quarry::prelude::*;

quarry::table! {
    users (id) {
        id -> Int4 = default,
        name -> Text,
        hair_color -> Nullable<Text>,
        age -> Int4,
    }
}

/// One row, as an application would hold it. The raw side reads the same values.
#[derive(Insertable, Debug, Clone)]
#[quarry(table = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub hair_color: Option<&'a str>,
    pub age: i32,
}

pub const ROWS: usize = 100_000;

/// SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32.
pub const SQLITE_BIND_LIMIT: usize = 32_766;
/// The PostgreSQL wire protocol counts parameters in 16 bits.
pub const PG_BIND_LIMIT: usize = 65_535;
/// `name`, `hair_color`, `age`.
const BINDS_PER_ROW: usize = 3;

/// Rows per statement, as quarry chunks a multi-row insert: it keeps 256 binds free
/// for an `ON CONFLICT` or `RETURNING` clause.
pub fn rows_per_statement(bind_limit: usize) -> usize {
    (bind_limit - 256) / BINDS_PER_ROW
}

/// `INSERT INTO "users" ("name", "hair_color", "age") VALUES (…), …` for `rows` rows,
/// with `?` placeholders, or `$1, $2, …` when `numbered`: the text quarry renders.
pub fn insert_sql(rows: usize, numbered: bool) -> String {
    let mut sql = String::with_capacity(64 + rows * 24);
    sql.push_str(r#"INSERT INTO "users" ("name", "hair_color", "age") VALUES "#);
    let mut n = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..BINDS_PER_ROW {
            if column > 0 {
                sql.push_str(", ");
            }
            n += 1;
            if numbered {
                sql.push('$');
                sql.push_str(&n.to_string());
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

pub const SQLITE_DDL: &str = "CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    hair_color TEXT,
    age INTEGER NOT NULL
)";

pub const PG_DDL: &str = "CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    hair_color TEXT,
    age INTEGER NOT NULL
)";

/// What a full table must hold: `count(*)`, `count(hair_color)`, `sum(age)`.
pub const CHECKSUM_SQL: &str =
    "SELECT count(*), count(hair_color), coalesce(sum(age), 0) FROM users";

/// The rows to insert: distinct names, every other row without a hair colour.
pub struct Workload {
    names: Vec<String>,
}

impl Workload {
    pub fn new(rows: usize) -> Self {
        Workload {
            names: (0..rows).map(|i| format!("user {i:06}")).collect(),
        }
    }

    pub fn rows(&self) -> Vec<NewUser<'_>> {
        const COLORS: [&str; 4] = ["brown", "black", "blond", "red"];
        self.names
            .iter()
            .enumerate()
            .map(|(i, name)| NewUser {
                name,
                hair_color: (i % 2 == 0).then(|| COLORS[i / 2 % COLORS.len()]),
                age: 18 + (i % 60) as i32,
            })
            .collect()
    }
}

pub fn checksum(rows: &[NewUser<'_>]) -> [i64; 3] {
    [
        rows.len() as i64,
        rows.iter().filter(|r| r.hair_color.is_some()).count() as i64,
        rows.iter().map(|r| i64::from(r.age)).sum(),
    ]
}
