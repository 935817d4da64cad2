//! `quarry::schema::create_all` / `drop_all`: tables created from their `table!`
//! declarations, with every column type, defaults, uniques, indexes and foreign keys,
//! on every connection; the database's own description of what was created; errors for
//! what a backend cannot create; and a round trip of create, use, drop.

mod common;

use common::{AsyncTestBackend, BackendKind, TestDb, open_async};
use quarry::conn::Connection;
use quarry::prelude::*;
use quarry::schema::{create_all, create_all_sql, drop_all};
use quarry::sql_query;

#[allow(unused_imports)]
mod decl {
    quarry::table! {
        shop_customers (id) {
            id -> Int4 = default,
            email -> Text unique,
            active -> Bool = default(true),
            visits -> Int4 = default(0),
            tier -> Text = default("it's basic"),
            balance -> Float8 = default(-1.5),
            joined -> Timestamptz = default(now()),
            day -> Date = default(current_date),
            nickname -> Nullable<Text>,
        }
    }

    quarry::table! {
        #[index(customer_id, placed)]
        #[unique(customer_id, reference)]
        shop_orders (id) {
            id -> Int8 = default,
            customer_id -> Int4 references shop_customers on delete cascade,
            referrer_id -> Nullable<Int4> references shop_customers on delete set null,
            reference -> Text,
            placed -> Timestamp,
            total -> Numeric = default(sql("0")),
        }
    }

    quarry::table! {
        /// A link table with a composite key.
        shop_order_notes (order_id, line) {
            order_id -> Int8 references shop_orders on delete cascade,
            line -> Int4,
            note -> Text,
        }
    }

    quarry::table! {
        /// One column of each type both backends store.
        shop_samples (id) {
            id -> Int4,
            flag -> Bool,
            small -> Int2,
            big -> Int8,
            ratio -> Float4,
            precise -> Float8,
            amount -> Numeric,
            label -> Text,
            data -> Binary,
            at -> Timestamp,
            at_tz -> Timestamptz,
            day -> Date,
            time -> Time,
            uid -> Uuid,
            doc -> Json,
            docb -> Jsonb,
            maybe -> Nullable<Int4>,
        }
    }

    quarry::table! {
        /// PostgreSQL only: arrays.
        shop_arrays (id) {
            id -> Int4,
            tags -> Array<Text>,
            scores -> Nullable<Array<Nullable<Int4>>>,
        }
    }

    quarry::table! {
        /// A column the database fills, without the SQL create_all would need.
        shop_unknown_default (id) {
            id -> Int4,
            counter -> Int4 = default,
        }
    }

    quarry::table! {
        shop_cycle_a (id) {
            id -> Int4,
            b_id -> Int4 references shop_cycle_b,
        }
    }

    quarry::table! {
        shop_cycle_b (id) {
            id -> Int4,
            a_id -> Int4 references shop_cycle_a,
        }
    }

    quarry::table! {
        /// A tree: the key to itself does not hold its own creation back.
        shop_categories (id) {
            id -> Int4 = default,
            parent_id -> Nullable<Int4> references shop_categories,
            name -> Text,
        }
    }
}

use decl::*;

/// The tables both backends create, listed children first: `create_all` orders them.
const SHOP: [&dyn quarry::schema::Declared; 5] = [
    &shop_order_notes::table,
    &shop_orders::table,
    &shop_categories::table,
    &shop_customers::table,
    &shop_samples::table,
];

/// The tables of this file that exist, by the database's own catalog.
fn shop_tables<C: Connection>(db: &mut TestDb<C>) -> Vec<String> {
    let sql = match db.kind() {
        BackendKind::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'shop%' ORDER BY name"
        }
        BackendKind::Pg => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name LIKE 'shop%' ORDER BY 1"
        }
    };
    sql_query(sql).load(&mut db.conn).unwrap()
}

/// Each column of `table` with its type and nullability, as the database reports them.
fn columns_of<C: Connection>(db: &mut TestDb<C>, table: &str) -> Vec<(String, String, bool)> {
    let sql = match db.kind() {
        BackendKind::Sqlite => {
            "SELECT name, type, \"notnull\" = 0 AND NOT (pk = 1 AND type = 'INTEGER') \
             FROM pragma_table_info($1) ORDER BY cid"
        }
        BackendKind::Pg => {
            "SELECT column_name::text, data_type::text, is_nullable = 'YES' \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    sql_query(sql).bind(table).load(&mut db.conn).unwrap()
}

fn creates_every_column_type_as_declared<C: Connection>(db: &mut TestDb<C>) {
    create_all(&mut db.conn, &SHOP).unwrap();
    assert_eq!(
        shop_tables(db),
        [
            "shop_categories",
            "shop_customers",
            "shop_order_notes",
            "shop_orders",
            "shop_samples"
        ]
    );
    let columns = columns_of(db, "shop_samples");
    let types: Vec<(&str, &str)> = columns
        .iter()
        .map(|(name, ty, _)| (name.as_str(), ty.as_str()))
        .collect();
    let expected: &[(&str, &str)] = match db.kind() {
        BackendKind::Sqlite => &[
            ("id", "INTEGER"),
            ("flag", "BOOLEAN"),
            ("small", "SMALLINT"),
            ("big", "BIGINT"),
            ("ratio", "REAL"),
            ("precise", "DOUBLE PRECISION"),
            ("amount", "NUMERIC_TEXT"),
            ("label", "TEXT"),
            ("data", "BLOB"),
            ("at", "TIMESTAMP"),
            ("at_tz", "TIMESTAMPTZ"),
            ("day", "DATE"),
            ("time", "TIME"),
            ("uid", "UUID"),
            ("doc", "JSON_TEXT"),
            ("docb", "JSONB_TEXT"),
            ("maybe", "INTEGER"),
        ],
        BackendKind::Pg => &[
            ("id", "integer"),
            ("flag", "boolean"),
            ("small", "smallint"),
            ("big", "bigint"),
            ("ratio", "real"),
            ("precise", "double precision"),
            ("amount", "numeric"),
            ("label", "text"),
            ("data", "bytea"),
            ("at", "timestamp without time zone"),
            ("at_tz", "timestamp with time zone"),
            ("day", "date"),
            ("time", "time without time zone"),
            ("uid", "uuid"),
            ("doc", "json"),
            ("docb", "jsonb"),
            ("maybe", "integer"),
        ],
    };
    assert_eq!(types, expected);
    let nullable: Vec<&str> = columns
        .iter()
        .filter(|(_, _, nullable)| *nullable)
        .map(|(name, _, _)| name.as_str())
        .collect();
    assert_eq!(nullable, ["maybe"]);

    // The composite key holds.
    sql_query("INSERT INTO shop_customers (email) VALUES ($1)")
        .bind("a@example.com")
        .execute(&mut db.conn)
        .unwrap();
    sql_query(
        "INSERT INTO shop_orders (customer_id, reference, placed) VALUES (1, 'r1', '2026-01-02 03:04:05')",
    )
    .execute(&mut db.conn)
    .unwrap();
    let note = "INSERT INTO shop_order_notes (order_id, line, note) VALUES (1, 1, 'n')";
    sql_query(note).execute(&mut db.conn).unwrap();
    let twice = sql_query(note).execute(&mut db.conn).unwrap_err();
    assert!(
        matches!(&twice, quarry::Error::Database(e) if e.kind == quarry::DatabaseErrorKind::UniqueViolation),
        "{twice:?}"
    );
}

fn defaults_uniques_and_foreign_keys_work<C: Connection>(db: &mut TestDb<C>) {
    create_all(&mut db.conn, &SHOP).unwrap();
    let inserted: i32 = quarry::insert_into(shop_customers::table)
        .values(shop_customers::email.eq("ann@example.com"))
        .returning(shop_customers::id)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(inserted, 1, "the key is numbered by the database");
    let (active, visits, tier, balance, nickname): (bool, i32, String, f64, Option<String>) =
        shop_customers::table
            .select((
                shop_customers::active,
                shop_customers::visits,
                shop_customers::tier,
                shop_customers::balance,
                shop_customers::nickname,
            ))
            .first(&mut db.conn)
            .unwrap();
    assert_eq!(
        (active, visits, tier.as_str(), balance, nickname),
        (true, 0, "it's basic", -1.5, None)
    );
    let joined: chrono::DateTime<chrono::Utc> = shop_customers::table
        .select(shop_customers::joined)
        .first(&mut db.conn)
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now - joined.timestamp()).abs() < 600,
        "`now()` filled the timestamp: {joined}"
    );
    let day: chrono::NaiveDate = shop_customers::table
        .select(shop_customers::day)
        .first(&mut db.conn)
        .unwrap();
    assert!(
        (joined.date_naive() - day).num_days().abs() <= 1,
        "`current_date` filled the date: {day}"
    );

    // `unique` on the column.
    let again = quarry::insert_into(shop_customers::table)
        .values(shop_customers::email.eq("ann@example.com"))
        .execute(&mut db.conn)
        .unwrap_err();
    assert!(
        matches!(&again, quarry::Error::Database(e) if e.kind == quarry::DatabaseErrorKind::UniqueViolation),
        "{again:?}"
    );
    // PostgreSQL spent a number on the failed insert: Bob's id is the database's.
    let bob: i32 = quarry::insert_into(shop_customers::table)
        .values(shop_customers::email.eq("bob@example.com"))
        .returning(shop_customers::id)
        .get_result(&mut db.conn)
        .unwrap();

    // Orders of Ann (one referred by Bob), and the default of `total`.
    let placed = chrono::NaiveDate::from_ymd_opt(2026, 1, 2)
        .unwrap()
        .and_hms_opt(3, 4, 5)
        .unwrap();
    for (reference, referrer) in [("r1", None), ("r2", Some(bob))] {
        quarry::insert_into(shop_orders::table)
            .values((
                shop_orders::customer_id.eq(1),
                shop_orders::referrer_id.eq(referrer),
                shop_orders::reference.eq(reference),
                shop_orders::placed.eq(placed),
            ))
            .execute(&mut db.conn)
            .unwrap();
    }
    let total: rust_decimal::Decimal = shop_orders::table
        .select(shop_orders::total)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(total, rust_decimal::Decimal::ZERO);

    // `#[unique(customer_id, reference)]`.
    let duplicate = quarry::insert_into(shop_orders::table)
        .values((
            shop_orders::customer_id.eq(1),
            shop_orders::reference.eq("r1"),
            shop_orders::placed.eq(placed),
        ))
        .execute(&mut db.conn)
        .unwrap_err();
    assert!(
        matches!(&duplicate, quarry::Error::Database(e) if e.kind == quarry::DatabaseErrorKind::UniqueViolation),
        "{duplicate:?}"
    );

    // A key to a customer who does not exist.
    let orphan = quarry::insert_into(shop_orders::table)
        .values((
            shop_orders::customer_id.eq(99),
            shop_orders::reference.eq("r9"),
            shop_orders::placed.eq(placed),
        ))
        .execute(&mut db.conn)
        .unwrap_err();
    assert!(
        matches!(&orphan, quarry::Error::Database(e) if e.kind == quarry::DatabaseErrorKind::ForeignKeyViolation),
        "{orphan:?}"
    );

    // `on delete set null`, then `on delete cascade`.
    quarry::delete(shop_customers::table.filter(shop_customers::id.eq(bob)))
        .execute(&mut db.conn)
        .unwrap();
    let referrers: Vec<Option<i32>> = shop_orders::table
        .order_by(shop_orders::id)
        .select(shop_orders::referrer_id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(referrers, [None, None]);
    quarry::delete(shop_customers::table.filter(shop_customers::id.eq(1)))
        .execute(&mut db.conn)
        .unwrap();
    let left: i64 = shop_orders::table.count().get_result(&mut db.conn).unwrap();
    assert_eq!(left, 0, "the orders went with their customer");

    // The index of `#[index(customer_id, placed)]`.
    let index_sql = match db.kind() {
        BackendKind::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'shop_orders' AND sql IS NOT NULL"
        }
        BackendKind::Pg => {
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() \
             AND tablename = 'shop_orders' AND indexdef NOT LIKE '%UNIQUE%'"
        }
    };
    let indexes: Vec<String> = sql_query(index_sql).load(&mut db.conn).unwrap();
    assert_eq!(indexes, ["shop_orders_customer_id_placed_idx"]);

    // A tree: the root, then a child of it.
    for (parent, name) in [(None, "root"), (Some(1), "child")] {
        quarry::insert_into(shop_categories::table)
            .values((
                shop_categories::parent_id.eq(parent),
                shop_categories::name.eq(name),
            ))
            .execute(&mut db.conn)
            .unwrap();
    }
    let parents: Vec<Option<i32>> = shop_categories::table
        .order_by(shop_categories::id)
        .select(shop_categories::parent_id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(parents, [None, Some(1)]);
}

fn drop_all_drops_what_create_all_made<C: Connection>(db: &mut TestDb<C>) {
    create_all(&mut db.conn, &SHOP).unwrap();
    assert_eq!(shop_tables(db).len(), 5);
    drop_all(&mut db.conn, &SHOP).unwrap();
    assert!(shop_tables(db).is_empty(), "{:?}", shop_tables(db));
    // Dropping what is not there is no error; creating again works.
    drop_all(&mut db.conn, &SHOP).unwrap();
    create_all(&mut db.conn, &SHOP).unwrap();
    assert_eq!(shop_tables(db).len(), 5);
}

fn a_failing_create_all_creates_nothing<C: Connection>(db: &mut TestDb<C>) {
    // `shop_orders` exists already: the whole create is rolled back.
    sql_query("CREATE TABLE shop_orders (id INTEGER PRIMARY KEY)")
        .execute(&mut db.conn)
        .unwrap();
    let error = create_all(&mut db.conn, &SHOP).unwrap_err();
    assert!(error.to_string().contains("shop_orders"), "{error}");
    assert_eq!(shop_tables(db), ["shop_orders"]);
    // No transaction is left open: this one commits on its own.
    db.conn
        .transaction(|conn| sql_query("DROP TABLE shop_orders").execute(conn))
        .unwrap();
    assert!(shop_tables(db).is_empty());
}

fn what_cannot_be_created_is_a_clear_error<C: Connection>(db: &mut TestDb<C>) {
    let error = create_all(&mut db.conn, &[&shop_unknown_default::table]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid query: cannot create `shop_unknown_default`: column `counter` is declared \
         `= default` without its SQL; give it in the table! declaration, as in `= default(0)` \
         or `= default(sql(\"…\"))`"
    );
    let error =
        create_all(&mut db.conn, &[&shop_cycle_a::table, &shop_cycle_b::table]).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the tables `shop_cycle_a`, `shop_cycle_b` reference each other in a cycle"),
        "{error}"
    );
    let arrays = create_all(&mut db.conn, &[&shop_arrays::table]);
    match db.kind() {
        BackendKind::Sqlite => assert_eq!(
            arrays.unwrap_err().to_string(),
            "invalid query: cannot create `shop_arrays`: column `tags` is an array, which SQLite does not have"
        ),
        BackendKind::Pg => {
            arrays.unwrap();
            let tags: Vec<(String, String, bool)> = columns_of(db, "shop_arrays");
            assert_eq!(tags[1].1, "ARRAY");
            assert!(!tags[1].2 && tags[2].2);
        }
    }
    assert_eq!(
        shop_tables(db),
        match db.kind() {
            BackendKind::Sqlite => Vec::<String>::new(),
            BackendKind::Pg => vec!["shop_arrays".to_owned()],
        }
    );
}

common::backend_tests! {
    creates_every_column_type_as_declared,
    defaults_uniques_and_foreign_keys_work,
    drop_all_drops_what_create_all_made,
    a_failing_create_all_creates_nothing,
    what_cannot_be_created_is_a_clear_error,
}

/// The async connections send the statements as one request: all or nothing.
async fn create_all_and_drop_all_are_awaited<B: AsyncTestBackend>() {
    let mut conn = open_async::<B>("schema_create_all").await;
    create_all(&mut conn, &SHOP).await.unwrap();
    quarry::insert_into(shop_customers::table)
        .values(shop_customers::email.eq("ann@example.com"))
        .execute(&mut conn)
        .await
        .unwrap();
    let visits: i32 = shop_customers::table
        .select(shop_customers::visits)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(visits, 0);
    // All or nothing: the tables exist, so nothing of the second create stays.
    assert!(create_all(&mut conn, &SHOP).await.is_err());
    assert!(conn.is_idle());
    drop_all(&mut conn, &SHOP).await.unwrap();
    let gone = shop_customers::table.count().get_result(&mut conn).await;
    assert!(gone.is_err(), "{gone:?}");
    let error = create_all(&mut conn, &[&shop_unknown_default::table])
        .await
        .unwrap_err();
    assert!(error.to_string().contains("without its SQL"), "{error}");
    assert!(conn.is_idle());
}

mod awaited {
    use super::*;

    common::async_tests! {
        create_all_and_drop_all_are_awaited,
    }
}

/// The statements themselves, per backend (no database needed).
#[test]
fn the_sql_each_backend_is_given() {
    use quarry::backend::pg::Pg;
    use quarry::backend::sqlite::Sqlite;
    let tables: [&dyn quarry::schema::Declared; 2] = [&shop_orders::table, &shop_customers::table];
    assert_eq!(
        create_all_sql::<Sqlite>(&tables).unwrap(),
        [
            "CREATE TABLE \"shop_customers\" (\"id\" INTEGER PRIMARY KEY, \"email\" TEXT NOT NULL UNIQUE, \
             \"active\" BOOLEAN NOT NULL DEFAULT TRUE, \"visits\" INTEGER NOT NULL DEFAULT 0, \
             \"tier\" TEXT NOT NULL DEFAULT 'it''s basic', \"balance\" DOUBLE PRECISION NOT NULL DEFAULT -1.5, \
             \"joined\" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP, \"day\" DATE NOT NULL DEFAULT CURRENT_DATE, \
             \"nickname\" TEXT)",
            "CREATE TABLE \"shop_orders\" (\"id\" INTEGER PRIMARY KEY, \
             \"customer_id\" INTEGER NOT NULL REFERENCES \"shop_customers\" (\"id\") ON DELETE CASCADE, \
             \"referrer_id\" INTEGER REFERENCES \"shop_customers\" (\"id\") ON DELETE SET NULL, \
             \"reference\" TEXT NOT NULL, \"placed\" TIMESTAMP NOT NULL, \"total\" NUMERIC_TEXT NOT NULL DEFAULT (0), \
             UNIQUE (\"customer_id\", \"reference\"))",
            "CREATE INDEX \"shop_orders_customer_id_placed_idx\" ON \"shop_orders\" (\"customer_id\", \"placed\")",
        ]
    );
    assert_eq!(
        create_all_sql::<Pg>(&[&shop_order_notes::table, &shop_orders::table]).unwrap()[..2],
        [
            "CREATE TABLE \"shop_orders\" (\"id\" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             \"customer_id\" integer NOT NULL REFERENCES \"shop_customers\" (\"id\") ON DELETE CASCADE, \
             \"referrer_id\" integer REFERENCES \"shop_customers\" (\"id\") ON DELETE SET NULL, \
             \"reference\" text NOT NULL, \"placed\" timestamp NOT NULL, \"total\" numeric NOT NULL DEFAULT (0), \
             UNIQUE (\"customer_id\", \"reference\"))",
            "CREATE INDEX \"shop_orders_customer_id_placed_idx\" ON \"shop_orders\" (\"customer_id\", \"placed\")",
        ]
    );
    assert_eq!(
        create_all_sql::<Pg>(&[&shop_order_notes::table]).unwrap(),
        [
            "CREATE TABLE \"shop_order_notes\" (\"order_id\" bigint NOT NULL REFERENCES \"shop_orders\" (\"id\") \
          ON DELETE CASCADE, \"line\" integer NOT NULL, \"note\" text NOT NULL, \
          PRIMARY KEY (\"order_id\", \"line\"))"
        ]
    );
    assert_eq!(
        quarry::schema::drop_all_sql::<Pg>(&tables).unwrap(),
        [
            "DROP TABLE IF EXISTS \"shop_orders\"",
            "DROP TABLE IF EXISTS \"shop_customers\""
        ]
    );
}
