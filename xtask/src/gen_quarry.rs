//! The quarry flavour of `cargo xtask gen-schema`: `quarry::table!` with `references`
//! for the foreign keys, `#[derive(Selectable)]` and `#[derive(Insertable)]` structs, and
//! joins that name their condition with `.on(…)` only where two foreign keys could link
//! the new table to the query (the implicit form is ambiguous there).

use std::fmt::Write as _;

use crate::gen_plan::{Join, Schema, struct_name, table_name};
use crate::gen_schema::{Render, Uses};

pub(crate) struct Quarry;

impl Render for Quarry {
    fn krate(&self) -> &'static str {
        "quarry"
    }

    fn dependencies(&self, quarry: &str) -> String {
        // SQLite only, like the Diesel flavour.
        format!(
            "quarry = {{ path = \"{quarry}\", default-features = false, features = [\"sqlite\"] }}\n"
        )
    }

    fn tables(&self, schema: &Schema) -> String {
        let mut out = String::new();
        for (t, table) in schema.tables.iter().enumerate() {
            let _ = write!(out, "\nquarry::table! {{\n    {} (id) {{\n", table_name(t));
            for c in &table.columns {
                let suffix = match c.references {
                    _ if c.name == "id" => " = default".to_owned(),
                    Some(r) => format!(" references {}", table_name(r)),
                    None => String::new(),
                };
                let _ = writeln!(
                    out,
                    "        {} -> {}{suffix},",
                    c.name,
                    c.ty.in_table_macro()
                );
            }
            out.push_str("    }\n}\n");
        }
        out
    }

    fn load_derives(&self) -> &'static str {
        "Selectable"
    }

    fn table_attribute(&self, table: &str) -> String {
        format!("#[quarry(table = {table})]")
    }

    fn query_imports(&self, uses: &Uses) -> String {
        let mut out = String::new();
        if uses.models {
            out.push_str("use crate::models::*;\n");
        }
        out.push_str("use crate::schema::*;\nuse quarry::QueryResult;\nuse quarry::prelude::*;\n");
        match (uses.insert, uses.update) {
            (true, true) => out.push_str("use quarry::{insert_into, update};\n"),
            (true, false) => out.push_str("use quarry::insert_into;\n"),
            (false, true) => out.push_str("use quarry::update;\n"),
            (false, false) => {}
        }
        out
    }

    fn join(&self, join: &Join) -> String {
        let method = if join.left { "left_join" } else { "inner_join" };
        let table = table_name(join.table);
        if join.ambiguous {
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
        format!("{operand}.not()")
    }

    fn outer_column(&self, column: String) -> String {
        // The left join makes its table's columns nullable by itself.
        column
    }

    fn outer_struct(&self, t: usize) -> String {
        format!("{}::as_select()", struct_name(t))
    }

    fn main_imports(&self) -> &'static str {
        "use quarry::prelude::*;\n"
    }

    fn setup(&self) -> &'static str {
        "SqliteConnection::establish(\":memory:\")\n        \
         .and_then(|mut conn| conn.batch_execute(schema::SETUP_SQL).map(|()| conn))"
    }
}
