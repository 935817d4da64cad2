//! The tables, declared once for the queries, and their DDL on each database.

quarry::table! {
    users (id) {
        id -> Int4 = default,
        email -> Text,
        name -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

quarry::table! {
    posts (id) {
        id -> Int4 = default,
        user_id -> Int4 references users,
        title -> Text,
        body -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

quarry::table! {
    orders (id) {
        id -> Int4 = default,
        user_id -> Int4 references users,
        item -> Text,
        quantity -> Int4,
        total_cents -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

/// The schema on SQLite. An email is unique among the users not deleted (a partial
/// index), so that a deleted user's address can sign up again.
pub(crate) const SQLITE: &str = "
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email) WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS posts_user_id ON posts (user_id);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    item TEXT NOT NULL,
    quantity INTEGER NOT NULL CONSTRAINT orders_quantity_positive CHECK (quantity > 0),
    total_cents BIGINT NOT NULL CONSTRAINT orders_total_not_negative CHECK (total_cents >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS orders_user_id ON orders (user_id);
";

/// The schema on PostgreSQL.
pub(crate) const POSTGRES: &str = "
CREATE TABLE IF NOT EXISTS users (
    id SERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email) WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS posts (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS posts_user_id ON posts (user_id);
CREATE TABLE IF NOT EXISTS orders (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    item TEXT NOT NULL,
    quantity INTEGER NOT NULL CONSTRAINT orders_quantity_positive CHECK (quantity > 0),
    total_cents BIGINT NOT NULL CONSTRAINT orders_total_not_negative CHECK (total_cents >= 0),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS orders_user_id ON orders (user_id);
";
