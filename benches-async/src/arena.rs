//! The contenders of one backend, each on a connection of its own, the current-thread
//! tokio runtime that drives them all, and the database they share (PostgreSQL) or each
//! own (SQLite).
//!
//! One current-thread runtime: the caller's thread polls every contender's futures and
//! the connection tasks that tokio-postgres and diesel-async spawn, as in a service
//! whose handler awaits its query on the thread that runs it. (A multi-thread runtime
//! would add a hop between threads to the peers whose I/O runs on a spawned task, and not
//! to quarry's, whose I/O runs inside the awaited future.)

use crate::AsyncDriver;
use crate::cases::Prepared;
use crate::diesel_async_driver::DieselAsync;
use crate::quarry_driver::{QuarryAsync, QuarryBlocking};
use crate::sqlx_driver::Sqlx;
use crate::tokio_postgres_driver::TokioPostgres;
use quarry::prelude::{AsyncPgConnection, AsyncSqliteConnection};
use quarry_benches::data::{Backend, Data};
use std::time::Duration;
use tokio::runtime::Runtime;

/// The contenders on PostgreSQL, in the order they are created (and so the order of the
/// first interleaved round).
pub const PG_CONTENDERS: [&str; 4] = ["quarry", "tokio-postgres", "diesel-async", "sqlx"];
/// The contenders on SQLite: quarry's async connection and its blocking one.
pub const SQLITE_CONTENDERS: [&str; 2] = ["quarry", "blocking"];

/// One contender behind a common face: its calls are run on the arena's runtime.
pub trait Contender {
    /// Its name in benchmark ids and result lines.
    fn name(&self) -> &'static str;
    /// Runs SQL without parameters: setup.
    fn batch(&mut self, runtime: &Runtime, sql: &str);
    /// Runs the case once and checks its result.
    fn check(&mut self, runtime: &Runtime, prepared: &Prepared);
    /// Runs the case `iterations` times inside one `block_on`, returning the time taken.
    fn run(&mut self, runtime: &Runtime, prepared: &Prepared, iterations: u64) -> Duration;
}

struct Named<D> {
    name: &'static str,
    driver: D,
}

impl<D: AsyncDriver> Contender for Named<D> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn batch(&mut self, runtime: &Runtime, sql: &str) {
        runtime.block_on(self.driver.batch(sql));
    }

    fn check(&mut self, runtime: &Runtime, prepared: &Prepared) {
        runtime.block_on(prepared.check(self.name, &mut self.driver));
    }

    fn run(&mut self, runtime: &Runtime, prepared: &Prepared, iterations: u64) -> Duration {
        runtime.block_on(prepared.run(&mut self.driver, iterations))
    }
}

fn named(name: &'static str, driver: impl AsyncDriver + 'static) -> Box<dyn Contender> {
    Box::new(Named { name, driver })
}

/// The contenders on one backend and the runtime they run on.
pub struct Arena {
    pub backend: Backend,
    pub runtime: Runtime,
    pub contenders: Vec<Box<dyn Contender>>,
    /// The PostgreSQL schema that all contenders share, dropped by [`Arena::finish`];
    /// `None` on SQLite, where each contender has an in-memory database of its own.
    schema: Option<String>,
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build a tokio runtime")
}

impl Arena {
    /// Two in-memory SQLite databases, quarry's async connection's and its blocking
    /// connection's, each with the tables.
    pub fn sqlite() -> Arena {
        let runtime = runtime();
        let quarry = runtime.block_on(QuarryAsync::<AsyncSqliteConnection>::establish(":memory:"));
        let mut contenders = vec![
            named(SQLITE_CONTENDERS[0], quarry),
            named(SQLITE_CONTENDERS[1], QuarryBlocking::sqlite()),
        ];
        for c in &mut contenders {
            c.batch(&runtime, Backend::Sqlite.ddl());
        }
        Arena {
            backend: Backend::Sqlite,
            runtime,
            contenders,
            schema: None,
        }
    }

    /// Connects every contender to `url`, in a new schema `schema` (dropped first if a
    /// run that died left it behind).
    pub fn pg(url: &str, schema: &str) -> Arena {
        let runtime = runtime();
        let mut contenders = runtime.block_on(async {
            vec![
                named(
                    PG_CONTENDERS[0],
                    QuarryAsync::<AsyncPgConnection>::establish(url).await,
                ),
                named(PG_CONTENDERS[1], TokioPostgres::connect(url).await),
                named(PG_CONTENDERS[2], DieselAsync::connect(url).await),
                named(PG_CONTENDERS[3], Sqlx::connect(url).await),
            ]
        });
        let create = format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
             SET search_path TO {schema}; {}",
            Backend::Pg.ddl()
        );
        contenders[0].batch(&runtime, &create);
        for c in &mut contenders[1..] {
            c.batch(&runtime, &format!("SET search_path TO {schema}"));
        }
        Arena {
            backend: Backend::Pg,
            runtime,
            contenders,
            schema: Some(schema.to_owned()),
        }
    }

    /// Empties the tables and writes `data`, for every contender.
    pub fn load(&mut self, data: &Data) {
        let sql = format!("{}\n{}", self.backend.reset(), data.insert_sql());
        // A shared schema is written once; each in-memory database on its own.
        let writers = if self.schema.is_some() {
            1
        } else {
            self.contenders.len()
        };
        for c in &mut self.contenders[..writers] {
            c.batch(&self.runtime, &sql);
        }
    }

    /// Drops the PostgreSQL schema; SQLite's databases go with their connections.
    pub fn finish(mut self) {
        if let Some(schema) = self.schema.take() {
            self.contenders[0].batch(&self.runtime, &format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
}
