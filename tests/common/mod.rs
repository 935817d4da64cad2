//! What every integration test shares: the schema (`table!` declarations and the DDL
//! that creates it), the fixture rows, and the harness that runs each test body once per
//! backend.
//!
//! A test body is a generic function over the connection type:
//!
//! ```ignore
//! fn finds_ada<C: Connection>(db: &mut TestDb<C>) {
//!     let names = users::table.filter(users::id.eq(1)).select(users::name).load(&mut db.conn).unwrap();
//!     assert_eq!(names, ["Ada"]);
//! }
//!
//! common::backend_tests! { finds_ada }
//! ```
//!
//! [`backend_tests!`] turns each listed body into one `#[test]` per backend (`sqlite::…`,
//! later `pg::…`), each on a fresh database holding the schema and the fixtures below.
//! Everything that differs between backends (connecting, DDL spelling) lives in the
//! "Backends" section of this file. SQL written by hand uses `$1, $2, …` placeholders,
//! which both backends accept.
//!
//! A test file that needs tables of its own declares them next to its tests, with their
//! DDL for each backend in an [`ExtraSchema`], and names it first:
//! `backend_tests! { extra_schema: TYPES; a, b }` creates those tables (and runs their
//! fixtures) after the shared schema, before each test body.

// Each test binary uses part of this module.
#![allow(dead_code)]

use quarry::conn::{AsyncConnection, Connection, Ending, Request, Work};
use quarry::prelude::*;
use quarry::query::FromRow;
use quarry::types::BindValue;
use std::fmt::Debug;
use std::ops::ControlFlow;

// ---------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------

mod schema {
    quarry::table! {
        /// People. Doc comments on tables and columns are kept on the generated items.
        users (id) {
            /// Filled by the database when an insert leaves it out.
            id -> Int4 = default,
            /// UNIQUE in the DDL.
            name -> Text,
            hair_color -> Nullable<Text>,
            /// CHECK (age >= 0), named `age_not_negative`.
            age -> Int4,
            /// DEFAULT 0 in the DDL.
            visits -> Int4 = default,
        }
    }

    quarry::table! {
        posts (id) {
            id -> Int4 = default,
            user_id -> Int4 references users,
            title -> Text,
            /// The SQL name is a keyword.
            #[sql_name = "type"]
            kind -> Text,
            views -> Int8 = default,
        }
    }

    quarry::table! {
        /// Composite primary key.
        memberships (user_id, team_id) {
            user_id -> Int4 references users,
            team_id -> Int4,
            role -> Text,
        }
    }

    quarry::table! {
        /// One column of each SQL type; the table's SQL name differs from its Rust name.
        #[sql_name = "type_samples"]
        samples (id) {
            id -> Int4,
            flag -> Bool,
            small -> Int2,
            big -> Int8,
            ratio -> Float4,
            precise -> Float8,
            label -> Text,
            data -> Binary,
            note -> Nullable<Text>,
            /// A raw identifier: the SQL name is `type`.
            r#type -> Text,
        }
    }

    quarry::table! {
        /// Declared stricter than its DDL (every column nullable, SQLite types loose), so
        /// tests can store values that do not fit the declaration.
        loose (id) {
            id -> Int4,
            num -> Int4,
            small -> Int2,
            txt -> Text,
        }
    }
}
#[allow(unused_imports)] // each test binary uses some of the tables
pub(crate) use schema::{loose, memberships, posts, samples, users};

/// A user, all columns.
#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = users)]
pub(crate) struct User {
    pub(crate) id: i32,
    pub(crate) name: String,
    pub(crate) hair_color: Option<String>,
    pub(crate) age: i32,
    pub(crate) visits: i32,
}

/// A post, with a field named otherwise than its column and a keyword column.
#[derive(Selectable, Debug, Clone, PartialEq)]
#[quarry(table = posts)]
pub(crate) struct Post {
    pub(crate) id: i32,
    #[quarry(column = user_id)]
    pub(crate) author: i32,
    pub(crate) title: String,
    pub(crate) kind: String,
    pub(crate) views: i64,
}

/// The fixture rows of `users`, in id order.
pub(crate) fn fixture_users() -> Vec<User> {
    let user = |id, name: &str, hair: Option<&str>, age, visits| User {
        id,
        name: name.to_owned(),
        hair_color: hair.map(str::to_owned),
        age,
        visits,
    };
    vec![
        user(1, "Ada", None, 36, 40),
        user(2, "Grace", Some("brown"), 85, 85),
        user(3, "Linus", Some("blond"), 28, 10),
        user(4, "Margaret", Some("brown"), 36, 50),
        user(5, "Alan", None, 41, 41),
    ]
}

/// Rows every test starts with. Portable SQL: explicit ids, no backend-specific literals.
const FIXTURES: &str = "
INSERT INTO users (id, name, hair_color, age, visits) VALUES
    (1, 'Ada', NULL, 36, 40),
    (2, 'Grace', 'brown', 85, 85),
    (3, 'Linus', 'blond', 28, 10),
    (4, 'Margaret', 'brown', 36, 50),
    (5, 'Alan', NULL, 41, 41);
INSERT INTO posts (id, user_id, title, \"type\", views) VALUES
    (1, 1, 'Notes on the Analytical Engine', 'essay', 5000000000),
    (2, 2, 'COBOL', 'spec', 120),
    (3, 3, 'Linux announcement', 'post', 3000000000),
    (4, 1, 'Rust tips', 'post', 42),
    (5, 3, 'Rust and the kernel', 'essay', 7);
INSERT INTO memberships (user_id, team_id, role) VALUES
    (1, 10, 'lead'),
    (1, 20, 'member'),
    (2, 10, 'member'),
    (3, 30, 'lead');
";

// ---------------------------------------------------------------------------------
// Backends: everything that differs between databases is in this section.
// ---------------------------------------------------------------------------------

/// Which database a test runs on, for the few assertions that must differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BackendKind {
    Sqlite,
    Pg,
}

/// One backend the suite runs on.
pub(crate) trait TestBackend {
    /// The connection type the test bodies are instantiated with.
    type Conn: Connection;
    /// Which one it is.
    const KIND: BackendKind;
    /// DDL creating the schema, in this backend's dialect.
    const SCHEMA: &'static str;
    /// Backend-specific fixtures (literals that are spelled differently), run after
    /// [`FIXTURES`].
    const EXTRA_FIXTURES: &'static str;

    /// Opens a fresh, empty database private to `test_name`. Returns the connection and
    /// the SQL that removes what the test created (run when the test ends), if any.
    fn connect(test_name: &str) -> (Self::Conn, Option<String>);

    /// This backend's spelling of a test file's own tables.
    fn extra_ddl(schema: &ExtraSchema) -> &'static str;
}

/// Tables a test file adds to the shared schema: DDL (and fixtures) in each backend's
/// dialect, kept side by side in the test file so the two stay in step. Tables that only
/// one backend can hold (PostgreSQL's arrays) appear in that backend's script alone.
pub(crate) struct ExtraSchema {
    /// The script for SQLite.
    pub(crate) sqlite: &'static str,
    /// The script for PostgreSQL.
    pub(crate) pg: &'static str,
    /// Portable SQL run on either backend after its script: fixtures whose literals both
    /// databases read alike.
    pub(crate) portable: &'static str,
}

// ----- SQLite ---------------------------------------------------------------------

/// Embedded SQLite, a private `:memory:` database per test.
pub(crate) struct SqliteHarness;

impl TestBackend for SqliteHarness {
    type Conn = SqliteConnection;
    const KIND: BackendKind = BackendKind::Sqlite;

    const SCHEMA: &'static str = "
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    hair_color TEXT,
    age INTEGER NOT NULL CONSTRAINT age_not_negative CHECK (age >= 0),
    visits INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    \"type\" TEXT NOT NULL,
    views BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users (id),
    team_id INTEGER NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, team_id)
);
CREATE TABLE type_samples (
    id INTEGER PRIMARY KEY,
    flag BOOLEAN NOT NULL,
    small SMALLINT NOT NULL,
    big BIGINT NOT NULL,
    ratio REAL NOT NULL,
    precise DOUBLE PRECISION NOT NULL,
    label TEXT NOT NULL,
    data BLOB NOT NULL,
    note TEXT,
    \"type\" TEXT NOT NULL
);
CREATE TABLE loose (id INTEGER PRIMARY KEY, num INTEGER, small INTEGER, txt TEXT);
";

    const EXTRA_FIXTURES: &'static str = "
INSERT INTO type_samples (id, flag, small, big, ratio, precise, label, data, note, \"type\") VALUES
    (1, TRUE, 7, 5000000000, 1.5, 2.25, 'one', x'00ff10', NULL, 'a'),
    (2, FALSE, -32768, -1, -0.5, 1e100, 'two', x'', 'noted', 'b');
";

    fn connect(_test_name: &str) -> (SqliteConnection, Option<String>) {
        let conn = SqliteConnection::establish(":memory:")
            .unwrap_or_else(|e| panic!("cannot open an in-memory SQLite database: {e}"));
        (conn, None)
    }

    fn extra_ddl(schema: &ExtraSchema) -> &'static str {
        schema.sqlite
    }
}

// ----- PostgreSQL ----------------------------------------------------------------
//
// The server is the throwaway one `cargo xtask test` starts; its URL comes in
// `QUARRY_PG_URL` (`export QUARRY_PG_URL=$(cargo xtask pg-start)` to run the tests by
// hand). Each test runs in a schema of its own, dropped when the test ends, so tests
// run in parallel.

/// PostgreSQL, one schema per test on the server named by `QUARRY_PG_URL`.
pub(crate) struct PgHarness;

impl TestBackend for PgHarness {
    type Conn = PgConnection;
    const KIND: BackendKind = BackendKind::Pg;
    const SCHEMA: &'static str = PG_SCHEMA;
    const EXTRA_FIXTURES: &'static str = PG_EXTRA_FIXTURES;

    fn connect(test_name: &str) -> (PgConnection, Option<String>) {
        pg_connect(test_name)
    }

    fn extra_ddl(schema: &ExtraSchema) -> &'static str {
        schema.pg
    }
}

// ----- The async connections ----------------------------------------------------
//
// Every test body also runs on `AsyncSqliteConnection` and `AsyncPgConnection`,
// through `OnRuntime`: a blocking `Connection` that sends each call to the async
// connection as the request an awaited call sends (`Work`), and waits for its answer
// on a runtime of its own. The async connections' I/O, statement cache, rows,
// transactions and errors are thus checked by the whole suite; the futures users
// await (and what dropping them does) are tested in `async_api.rs`.

/// An async connection behind the blocking `Connection` API, on a runtime of its own.
pub(crate) struct OnRuntime<A> {
    conn: A,
    runtime: tokio::runtime::Runtime,
    /// Unused: transactions go to the async connection, which keeps its own.
    state: quarry::conn::TransactionState,
}

impl<A: AsyncConnection> OnRuntime<A> {
    /// Sends `work` and waits for the answer, handing its rows to `rows`.
    fn perform<F>(&mut self, work: Work, mut rows: F) -> quarry::QueryResult<usize>
    where
        F: FnMut(&A::Row<'_>) -> quarry::QueryResult<ControlFlow<()>>,
    {
        let OnRuntime { conn, runtime, .. } = self;
        runtime.block_on(async {
            let mut in_flight = conn.send(work);
            std::future::poll_fn(|cx| conn.poll_answer(&mut in_flight, cx, &mut rows)).await
        })
    }

    fn perform_quietly(&mut self, work: Work) -> quarry::QueryResult<usize> {
        self.perform(work, |_| Ok(ControlFlow::Continue(())))
    }

    /// Runs `f` between the async connection's `BEGIN` and its end, as its own
    /// `transaction` does.
    fn levels<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<quarry::Error>,
    {
        let depth = self.perform_quietly(Work::Begin(None))? as u32;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        let ending = match outcome {
            Ok(Ok(_)) => Ending::Commit,
            _ => Ending::Rollback,
        };
        let ended = self.perform_quietly(Work::End { depth, ending });
        match outcome {
            Ok(Ok(value)) => ended.map(|_| value).map_err(E::from),
            Ok(Err(e)) => Err(e),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

impl<A: AsyncConnection> quarry::instrument::Instrumented for OnRuntime<A> {
    fn instruments(&self) -> &std::sync::Arc<quarry::instrument::Instruments> {
        self.conn.instruments()
    }
}

impl<A: AsyncConnection> Connection for OnRuntime<A> {
    type Backend = <A as quarry::conn::Executor>::Backend;
    type Row<'r>
        = A::Row<'r>
    where
        Self: 'r;
    type Cursor = <A as quarry::conn::Executor>::Cursor;

    fn open_cursor(&mut self, request: Request) -> quarry::QueryResult<Self::Cursor> {
        Ok(self.conn.open_stream(request))
    }

    fn cursor_rows<F>(&mut self, cursor: &mut Self::Cursor, mut f: F) -> quarry::QueryResult<bool>
    where
        F: FnMut(&A::Row<'_>) -> quarry::QueryResult<()>,
    {
        let OnRuntime { conn, runtime, .. } = self;
        runtime.block_on(std::future::poll_fn(|cx| {
            conn.poll_stream(cursor, cx, &mut f)
        }))
    }

    fn close_cursor(&mut self, cursor: Self::Cursor) {
        quarry::conn::Executor::close_stream(&mut self.conn, cursor);
    }

    fn establish(url: &str) -> quarry::QueryResult<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| quarry::Error::Connection(format!("no runtime: {e}")))?;
        let conn = runtime.block_on(A::establish(url))?;
        Ok(OnRuntime {
            conn,
            runtime,
            state: Default::default(),
        })
    }

    fn set_statement_timeout(
        &mut self,
        timeout: Option<std::time::Duration>,
    ) -> quarry::QueryResult<()> {
        self.perform_quietly(Work::StatementTimeout(timeout))
            .map(drop)
    }

    fn batch_execute(&mut self, sql: &str) -> quarry::QueryResult<()> {
        self.perform_quietly(Work::Batch(sql.to_owned())).map(drop)
    }

    fn execute_sql(&mut self, sql: &str, binds: &[BindValue<'_>]) -> quarry::QueryResult<usize> {
        self.perform_quietly(Work::Run(Request::from_sql(sql, binds, false)))
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[BindValue<'_>], f: F) -> quarry::QueryResult<()>
    where
        F: FnMut(&A::Row<'_>) -> quarry::QueryResult<ControlFlow<()>>,
    {
        self.perform(Work::Run(Request::from_sql(sql, binds, true)), f)
            .map(drop)
    }

    fn transaction_state(&mut self) -> &mut quarry::conn::TransactionState {
        &mut self.state
    }

    fn transaction_aborted(&self) -> bool {
        false
    }

    fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<quarry::Error>,
    {
        self.levels(f)
    }

    fn transaction_with_retry<T, E, F>(&mut self, max_attempts: u32, mut f: F) -> Result<T, E>
    where
        F: FnMut(&mut Self) -> Result<T, E>,
        E: From<quarry::Error> + quarry::conn::RetryableError,
    {
        if self.conn.transaction_depth() > 0 {
            return self.levels(f);
        }
        let mut attempt = 1;
        loop {
            match self.levels(&mut f) {
                Err(e) if attempt < max_attempts && e.is_retryable() => {
                    std::thread::sleep(std::time::Duration::from_millis(2 * u64::from(attempt)));
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    fn begin_test_transaction(&mut self) -> quarry::QueryResult<()> {
        if self.conn.transaction_depth() > 0 {
            return Err(quarry::Error::InvalidQuery(
                "begin_test_transaction must be called before any transaction is open".into(),
            ));
        }
        self.perform_quietly(Work::Begin(None)).map(drop)
    }
}

/// `AsyncSqliteConnection`, a private `:memory:` database per test.
pub(crate) struct AsyncSqliteHarness;

impl TestBackend for AsyncSqliteHarness {
    type Conn = OnRuntime<AsyncSqliteConnection>;
    const KIND: BackendKind = BackendKind::Sqlite;
    const SCHEMA: &'static str = SqliteHarness::SCHEMA;
    const EXTRA_FIXTURES: &'static str = SqliteHarness::EXTRA_FIXTURES;

    fn connect(_test_name: &str) -> (Self::Conn, Option<String>) {
        let conn = OnRuntime::establish(":memory:")
            .unwrap_or_else(|e| panic!("cannot open an async in-memory SQLite database: {e}"));
        (conn, None)
    }

    fn extra_ddl(schema: &ExtraSchema) -> &'static str {
        schema.sqlite
    }
}

/// `AsyncPgConnection`, one schema per test, as for [`PgHarness`].
pub(crate) struct AsyncPgHarness;

impl TestBackend for AsyncPgHarness {
    type Conn = OnRuntime<AsyncPgConnection>;
    const KIND: BackendKind = BackendKind::Pg;
    const SCHEMA: &'static str = PG_SCHEMA;
    const EXTRA_FIXTURES: &'static str = PG_EXTRA_FIXTURES;

    fn connect(test_name: &str) -> (Self::Conn, Option<String>) {
        pg_connect(test_name)
    }

    fn extra_ddl(schema: &ExtraSchema) -> &'static str {
        schema.pg
    }
}

/// An async backend for the tests of the async API itself (`async_api.rs`), whose
/// bodies are async functions generic over `C: AsyncConnection`.
pub(crate) trait AsyncTestBackend {
    /// The connection type.
    type Conn: AsyncConnection;
    /// Which one it is.
    const KIND: BackendKind;
    /// The URL to connect to, and the script that gives the test a fresh database with
    /// the schema and the fixtures.
    fn setup(test_name: &str) -> (String, String);
}

impl AsyncTestBackend for AsyncSqliteHarness {
    type Conn = AsyncSqliteConnection;
    const KIND: BackendKind = BackendKind::Sqlite;
    fn setup(_test_name: &str) -> (String, String) {
        (
            ":memory:".to_owned(),
            format!(
                "{}{FIXTURES}{}",
                SqliteHarness::SCHEMA,
                SqliteHarness::EXTRA_FIXTURES
            ),
        )
    }
}

impl AsyncTestBackend for AsyncPgHarness {
    type Conn = AsyncPgConnection;
    const KIND: BackendKind = BackendKind::Pg;
    fn setup(test_name: &str) -> (String, String) {
        let schema = schema_name(test_name);
        (
            pg_url(),
            format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
                 SET search_path TO {schema}; {PG_SCHEMA}{FIXTURES}{PG_EXTRA_FIXTURES}"
            ),
        )
    }
}

/// A fresh async connection of backend `B`, holding the schema and the fixtures.
pub(crate) async fn open_async<B: AsyncTestBackend>(test_name: &str) -> B::Conn {
    let (url, setup) = B::setup(test_name);
    let mut conn = B::Conn::establish(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    conn.batch_execute(&setup)
        .await
        .unwrap_or_else(|e| panic!("setting up the database failed: {e}"));
    conn
}

/// Generates one tokio test per async backend for each listed async test body
/// (`async fn name<B: AsyncTestBackend>()`): `async_sqlite::name`, `async_pg::name`.
#[allow(unused_macros)] // only async_api.rs uses it
macro_rules! async_tests {
    ($($name:ident),+ $(,)?) => {
        mod async_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name::<$crate::common::AsyncSqliteHarness>().await;
                }
            )+
        }
        mod async_pg {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name::<$crate::common::AsyncPgHarness>().await;
                }
            )+
        }
    };
}
#[allow(unused_imports)]
pub(crate) use async_tests;

/// A connection of type `C` to the test server, in a fresh schema of the test's own,
/// and the SQL that drops it.
fn pg_connect<C: Connection>(test_name: &str) -> (C, Option<String>) {
    let url = pg_url();
    let mut conn =
        C::establish(&url).unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at {url}: {e}"));
    let schema = schema_name(test_name);
    conn.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
         SET search_path TO {schema};"
    ))
    .unwrap_or_else(|e| panic!("cannot create schema {schema}: {e}"));
    (
        conn,
        Some(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")),
    )
}

/// The URL of the test server.
pub(crate) fn pg_url() -> String {
    std::env::var("QUARRY_PG_URL").unwrap_or_else(|_| {
        panic!(
            "QUARRY_PG_URL is not set: the PostgreSQL half of the suite needs the server that \
             `cargo xtask test` starts (or `export QUARRY_PG_URL=$(cargo xtask pg-start)`)"
        )
    })
}

/// A schema name unique to the test: its binary, module and name, as a quoted identifier.
fn schema_name(test_name: &str) -> String {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    // Test binaries are named `<file>-<hash>`.
    let binary = binary.split('-').next().unwrap_or("tests");
    let name: String = format!("t_{binary}_{test_name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    // PostgreSQL identifiers are at most 63 bytes: a longer name keeps its start and
    // ends with a hash of the whole, so that two tests whose names share 63 bytes do not
    // share a schema.
    if name.len() <= 63 {
        return format!("\"{name}\"");
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("\"{}_{hash:016x}\"", &name[..46])
}

/// The schema in PostgreSQL's dialect: `SERIAL` for `INTEGER PRIMARY KEY`, `BYTEA` for
/// `BLOB`.
const PG_SCHEMA: &str = "
CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    hair_color TEXT,
    age INTEGER NOT NULL CONSTRAINT age_not_negative CHECK (age >= 0),
    visits INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE posts (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    \"type\" TEXT NOT NULL,
    views BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users (id),
    team_id INTEGER NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, team_id)
);
CREATE TABLE type_samples (
    id INTEGER PRIMARY KEY,
    flag BOOLEAN NOT NULL,
    small SMALLINT NOT NULL,
    big BIGINT NOT NULL,
    ratio REAL NOT NULL,
    precise DOUBLE PRECISION NOT NULL,
    label TEXT NOT NULL,
    data BYTEA NOT NULL,
    note TEXT,
    \"type\" TEXT NOT NULL
);
CREATE TABLE loose (id INTEGER PRIMARY KEY, num INTEGER, small SMALLINT, txt TEXT);
";

/// PostgreSQL's spelling of the backend-specific fixtures.
const PG_EXTRA_FIXTURES: &str = "
INSERT INTO type_samples (id, flag, small, big, ratio, precise, label, data, note, \"type\") VALUES
    (1, TRUE, 7, 5000000000, 1.5, 2.25, 'one', '\\x00ff10'::bytea, NULL, 'a'),
    (2, FALSE, -32768, -1, -0.5, 1e100, 'two', ''::bytea, 'noted', 'b');
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users));
SELECT setval(pg_get_serial_sequence('posts', 'id'), (SELECT MAX(id) FROM posts));
";

/// Generates one `#[test]` per backend for each listed test body.
///
/// `backend_tests! { a, b }` makes `sqlite::a`, `sqlite::b` (and, once PostgreSQL is
/// wired in, `pg::a`, `pg::b`), each calling the generic body `a::<Conn>` / `b::<Conn>`
/// of the invoking module with a fresh database.
///
/// `backend_tests! { only sqlite: c }` makes `sqlite_only::c`, for behaviour that only
/// SQLite has (loose column types, `CAST(x'ff' AS TEXT)`, …); `only pg:` likewise.
///
/// `backend_tests! { extra_schema: TABLES; … }`, with `TABLES` an [`ExtraSchema`] of the
/// invoking module, also creates the file's own tables in each test's database.
#[allow(unused_macros)] // a test file of its own harness (async_api.rs) does not use it
macro_rules! backend_tests {
    (extra_schema: $schema:ident; $($rest:tt)+) => {
        $crate::common::backend_tests!(@split Some(&super::$schema); $($rest)+);
    };
    (@split $extra:expr; only sqlite: $($name:ident),+ $(,)?) => {
        $crate::common::backend_tests!(@module sqlite_only, $crate::common::SqliteHarness, $extra; $($name),+);
    };
    (@split $extra:expr; only pg: $($name:ident),+ $(,)?) => {
        $crate::common::backend_tests!(@module pg_only, $crate::common::PgHarness, $extra; $($name),+);
    };
    (@split $extra:expr; $($name:ident),+ $(,)?) => {
        $crate::common::backend_tests!(@module sqlite, $crate::common::SqliteHarness, $extra; $($name),+);
        $crate::common::backend_tests!(@module pg, $crate::common::PgHarness, $extra; $($name),+);
        $crate::common::backend_tests!(@module async_sqlite, $crate::common::AsyncSqliteHarness, $extra; $($name),+);
        $crate::common::backend_tests!(@module async_pg, $crate::common::AsyncPgHarness, $extra; $($name),+);
    };
    (@module $module:ident, $backend:ty, $extra:expr; $($name:ident),+) => {
        mod $module {
            $(
                #[test]
                fn $name() {
                    $crate::common::run::<$backend>(
                        concat!(stringify!($module), "_", stringify!($name)),
                        $extra,
                        super::$name,
                    );
                }
            )+
        }
    };
    ($($rest:tt)+) => {
        $crate::common::backend_tests!(@split None; $($rest)+);
    };
}
#[allow(unused_imports)]
pub(crate) use backend_tests;

// ---------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------

/// A test's database: the connection, and what the test needs to know of its backend.
pub(crate) struct TestDb<C: Connection> {
    /// The connection, for typed queries: `query.load(&mut db.conn)`.
    pub(crate) conn: C,
    kind: BackendKind,
    cleanup: Option<String>,
}

/// Runs `body` on a fresh database of backend `B` holding the schema and the fixtures,
/// and the test file's own tables if it has any.
pub(crate) fn run<B: TestBackend>(
    test_name: &str,
    extra: Option<&ExtraSchema>,
    body: fn(&mut TestDb<B::Conn>),
) {
    let (mut conn, cleanup) = B::connect(test_name);
    let mut db = TestDb {
        kind: B::KIND,
        cleanup,
        conn: {
            for (what, sql) in [
                ("schema", B::SCHEMA),
                ("fixtures", FIXTURES),
                ("extra fixtures", B::EXTRA_FIXTURES),
                ("test file's own schema", extra.map_or("", B::extra_ddl)),
                ("test file's own fixtures", extra.map_or("", |e| e.portable)),
            ] {
                if sql.is_empty() {
                    continue;
                }
                conn.batch_execute(sql)
                    .unwrap_or_else(|e| panic!("setting up the {what} failed: {e}"));
            }
            conn
        },
    };
    body(&mut db);
}

impl<C: Connection> Drop for TestDb<C> {
    fn drop(&mut self) {
        if let Some(sql) = self.cleanup.take() {
            // Best effort: a failing test must not hide its own panic behind this one.
            let _ = self.conn.batch_execute(&sql);
        }
    }
}

impl<C: Connection> TestDb<C> {
    /// The backend this test runs on.
    pub(crate) fn kind(&self) -> BackendKind {
        self.kind
    }

    /// Runs a script, panicking with the error if it fails.
    pub(crate) fn exec(&mut self, sql: &str) {
        self.conn
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"));
    }

    /// Loads the rows of plain SQL without bind parameters.
    pub(crate) fn rows<T: FromRow>(&mut self, sql: &str) -> Vec<T> {
        quarry::sql_query(sql)
            .load(&mut self.conn)
            .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"))
    }

    /// The number of rows of `table`.
    pub(crate) fn count(&mut self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        quarry::sql_query(&*sql)
            .get_result(&mut self.conn)
            .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"))
    }
}

/// Asserts that a typed query returned the same rows as its plain SQL counterpart, and
/// that it returned something (a comparison of two empty results proves little).
#[track_caller]
pub(crate) fn assert_same<T: PartialEq + Debug>(typed: Vec<T>, plain: Vec<T>) {
    assert!(!plain.is_empty(), "the plain SQL query returned no row");
    assert_eq!(
        typed, plain,
        "typed query (left) and plain SQL (right) differ"
    );
}

/// The error `result` must be, with what it actually was in the message.
#[track_caller]
pub(crate) fn expect_err<T: Debug>(result: quarry::QueryResult<T>) -> quarry::Error {
    match result {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e,
    }
}

/// The column, expected type and description of a decode error.
#[track_caller]
pub(crate) fn expect_decode_error<T: Debug>(
    result: quarry::QueryResult<T>,
) -> (String, &'static str, String) {
    match expect_err(result) {
        quarry::Error::Decode {
            column,
            expected,
            found,
        } => (column, expected, found),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

/// The database error `result` must be.
#[track_caller]
pub(crate) fn expect_database_error<T: Debug>(
    result: quarry::QueryResult<T>,
) -> quarry::DatabaseError {
    match expect_err(result) {
        quarry::Error::Database(e) => *e,
        other => panic!("expected Error::Database, got {other:?}"),
    }
}
