//! The Diesel flavour of `cargo xtask gen-schema`: the same tables, structs and queries
//! written as a Diesel 2.3 user would, for the compile-time comparison of
//! `cargo xtask bench-compile`.
//!
//! Where Diesel needs more than quarry to say the same thing:
//! - a foreign key is a `diesel::joinable!` beside the tables, and every pair of tables
//!   that may meet in a query is listed once in `allow_tables_to_appear_in_same_query!`
//!   (N² impls: that is Diesel's cost, and part of what is measured);
//! - an implicit join (`.inner_join(t::table)`) follows only a foreign key between the
//!   new table and the query's *first* table, so a chain names every later link with
//!   `.on(…)`, where quarry finds it among all the tables joined so far; the SQL is the
//!   same flat `a JOIN b ON … JOIN c ON …`;
//! - a column of a left-joined table is selected with `.nullable()`, and its struct with
//!   `Option::<T>::as_select()`;
//! - `NOT` is the function `not(…)`, not a method.

use std::fmt::Write as _;

use crate::gen_plan::{Join, Schema, struct_name, table_name};
use crate::gen_schema::{Render, Uses};

pub(crate) struct Diesel;

impl Render for Diesel {
    fn krate(&self) -> &'static str {
        "diesel"
    }

    fn dependencies(&self, _quarry: &str) -> String {
        "diesel = { version = \"=2.3.14\", default-features = false, features = [\"sqlite\", \"32-column-tables\"] }\n\
         # Diesel's SQLite: the same libsqlite3-sys build as quarry's.\n\
         libsqlite3-sys = { version = \"0.38\", features = [\"bundled\"] }\n"
            .to_owned()
    }

    fn tables(&self, schema: &Schema) -> String {
        let mut out = String::new();
        for (t, table) in schema.tables.iter().enumerate() {
            let _ = write!(out, "\ndiesel::table! {{\n    {} (id) {{\n", table_name(t));
            for c in &table.columns {
                let _ = writeln!(out, "        {} -> {},", c.name, c.ty.in_table_macro());
            }
            out.push_str("    }\n}\n");
        }
        out.push('\n');
        for (child, key, parent) in schema.foreign_keys() {
            let _ = writeln!(
                out,
                "diesel::joinable!({} -> {} ({key}));",
                table_name(child),
                table_name(parent)
            );
        }
        let names: Vec<String> = (0..schema.len()).map(table_name).collect();
        out.push_str("\ndiesel::allow_tables_to_appear_in_same_query!(");
        // Eight names a line, as rustfmt would not touch a macro call anyway.
        for chunk in names.chunks(8) {
            let _ = write!(out, "\n    {},", chunk.join(", "));
        }
        out.push_str("\n);\n");
        out
    }

    fn load_derives(&self) -> &'static str {
        "Queryable, Selectable"
    }

    fn table_attribute(&self, table: &str) -> String {
        format!("#[diesel(table_name = {table})]")
    }

    fn query_imports(&self, uses: &Uses) -> String {
        let mut out = String::new();
        if uses.models {
            out.push_str("use crate::models::*;\n");
        }
        out.push_str("use crate::schema::*;\n");
        if uses.not {
            out.push_str("use diesel::dsl::not;\n");
        }
        out.push_str("use diesel::prelude::*;\nuse diesel::sqlite::Sqlite;\n");
        match (uses.insert, uses.update) {
            (true, true) => out.push_str("use diesel::{insert_into, update};\n"),
            (true, false) => out.push_str("use diesel::insert_into;\n"),
            (false, true) => out.push_str("use diesel::update;\n"),
            (false, false) => {}
        }
        out
    }

    fn join(&self, join: &Join) -> String {
        let method = if join.left { "left_join" } else { "inner_join" };
        let table = table_name(join.table);
        if join.ambiguous || !join.to_first {
            format!(
                ".{method}({table}::table.on({}.eq({}::id)))",
                join.key,
                table_name(join.referenced)
            )
        } else {
            format!(".{method}({table}::table)")
        }
    }

    fn not(&self, operand: String) -> String {
        format!("not({operand})")
    }

    fn outer_column(&self, column: String) -> String {
        format!("{column}.nullable()")
    }

    fn outer_struct(&self, t: usize) -> String {
        format!("Option::<{}>::as_select()", struct_name(t))
    }

    fn main_imports(&self) -> &'static str {
        "use diesel::connection::SimpleConnection;\nuse diesel::prelude::*;\n"
    }

    fn setup(&self) -> &'static str {
        "SqliteConnection::establish(\":memory:\")\n        \
         .map_err(|e| e.to_string())\n        \
         .and_then(|mut conn| {\n            \
             conn.batch_execute(schema::SETUP_SQL)\n                \
                 .map(|()| conn)\n                \
                 .map_err(|e| e.to_string())\n        \
         })"
    }
}
