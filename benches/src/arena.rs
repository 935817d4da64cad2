//! The contenders of one backend, each on a connection of its own, and the database they
//! share or each own: what every benchmark target sets up before its first workload.

use crate::Driver;
use crate::data::{Backend, Data};
use crate::diesel_driver::DieselDriver;
use crate::quarry_driver::QuarryDriver;
use crate::raw::{pg::RawPg, sqlite::RawSqlite};

/// The contenders' names, in the order they are created (and so the order of the first
/// interleaved round).
pub const CONTENDERS: [&str; 3] = ["quarry", "diesel", "raw"];

/// One contender: its name in benchmark ids and its connection.
pub struct Contender {
    pub name: &'static str,
    pub driver: Box<dyn Driver>,
}

/// The contenders on one backend, in [`CONTENDERS`] order.
pub struct Arena {
    pub backend: Backend,
    pub contenders: Vec<Contender>,
    /// The PostgreSQL schema that all contenders share, dropped by [`Arena::finish`];
    /// `None` on SQLite, where each contender has an in-memory database of its own.
    schema: Option<String>,
}

impl Arena {
    /// Three in-memory SQLite databases, one per contender, each with the tables.
    pub fn sqlite() -> Arena {
        let mut contenders = vec![
            contender(CONTENDERS[0], QuarryDriver::sqlite()),
            contender(CONTENDERS[1], DieselDriver::sqlite()),
            contender(CONTENDERS[2], RawSqlite::open_in_memory()),
        ];
        for c in &mut contenders {
            c.driver.batch(Backend::Sqlite.ddl());
        }
        Arena {
            backend: Backend::Sqlite,
            contenders,
            schema: None,
        }
    }

    /// Connects every contender to `url`, in a new schema `schema` (dropped first if a
    /// run that died left it behind).
    pub fn pg(url: &str, schema: &str) -> Arena {
        let mut contenders = vec![
            contender(CONTENDERS[0], QuarryDriver::pg(url)),
            contender(CONTENDERS[1], DieselDriver::pg(url)),
            contender(CONTENDERS[2], RawPg::connect(url)),
        ];
        let create = format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
             SET search_path TO {schema}; {}",
            Backend::Pg.ddl()
        );
        contenders[0].driver.batch(&create);
        for c in &mut contenders[1..] {
            c.driver.batch(&format!("SET search_path TO {schema}"));
        }
        Arena {
            backend: Backend::Pg,
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
            c.driver.batch(&sql);
        }
    }

    /// Drops the PostgreSQL schema; SQLite's databases go with their connections.
    pub fn finish(mut self) {
        if let Some(schema) = self.schema.take() {
            self.contenders[0]
                .driver
                .batch(&format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
}

fn contender(name: &'static str, driver: impl Driver + 'static) -> Contender {
    Contender {
        name,
        driver: Box::new(driver),
    }
}
