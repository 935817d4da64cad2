//! The migration between two schemas: what a database has and what the declarations
//! say, as the `up` and `down` statements of one migration, in a backend's dialect.
//!
//! A change is never written as a loss: a column whose type changed is altered in
//! place (`ALTER … TYPE … USING` on PostgreSQL), never dropped and added again; a table
//! or column that only the database has is dropped only when destructive steps are
//! allowed, and is otherwise reported and left; a rename is never guessed (a renamed
//! column is one that the declarations lack and one that the database lacks, and both
//! are reported). What the backend cannot alter (a column's type or nullability on
//! SQLite, which would take a rebuild of its table) is reported instead of written.

use super::render::{
    column_definition, column_list, create_index, create_statements, in_creation_order, index_name,
    push_default, quoted, unique_index_name,
};
use super::{ColumnDeclaration, TableDeclaration};
use crate::backend::Backend;
use crate::error::QueryResult;

/// A migration from one schema to another: see [`diff`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaDiff {
    /// The statements that make the database as declared, in order.
    pub up: Vec<String>,
    /// The statements that take `up` back, in order.
    pub down: Vec<String>,
    /// The differences that no statement above resolves: what the database has and
    /// the declarations do not (without `destructive`), and what the backend cannot
    /// alter in place.
    pub unresolved: Vec<String>,
}

impl SchemaDiff {
    /// Whether the database is as declared: nothing to run, nothing left over.
    pub fn is_empty(&self) -> bool {
        self.up.is_empty() && self.unresolved.is_empty()
    }
}

/// The migration that takes a database whose tables are `current` (as
/// `quarry print-schema` reads them) to the tables `declared`, on backend `DB`.
/// `destructive` allows dropping tables and columns that only the database has.
pub fn diff<DB: Backend>(
    current: &[TableDeclaration],
    declared: &[TableDeclaration],
    destructive: bool,
) -> QueryResult<SchemaDiff> {
    let mut out = SchemaDiff::default();
    let find = |tables: &[TableDeclaration], name: &str| -> Option<TableDeclaration> {
        tables.iter().find(|t| t.name == name).copied()
    };

    // The table each declared one is in the database: by its name, or by the name it
    // was declared renamed from.
    let existing = |table: &TableDeclaration| -> Option<TableDeclaration> {
        find(current, table.name).or_else(|| {
            table
                .renamed_from
                .filter(|old| find(declared, old).is_none())
                .and_then(|old| find(current, old))
        })
    };

    // New tables, referenced ones first; `down` drops them in the opposite order.
    let new: Vec<&TableDeclaration> = declared.iter().filter(|t| existing(t).is_none()).collect();
    let mut dropped_new = Vec::new();
    for table in in_creation_order(new)? {
        out.up.extend(create_statements::<DB>(table)?);
        dropped_new.push(format!("DROP TABLE {}", quoted(table.name)));
    }

    // Tables on both sides: their columns, then their indexes.
    let mut down_columns = Vec::new();
    for table in declared {
        let Some(now) = existing(table) else {
            continue;
        };
        let mut down = Vec::new();
        if now.name != table.name {
            out.up.push(format!(
                "ALTER TABLE {} RENAME TO {}",
                quoted(now.name),
                quoted(table.name)
            ));
            down.push(format!(
                "ALTER TABLE {} RENAME TO {}",
                quoted(table.name),
                quoted(now.name)
            ));
        }
        columns::<DB>(&now, table, destructive, &mut out, &mut down)?;
        indexes(&now, table, &mut out, &mut down);
        down.reverse();
        down_columns.push(down);
    }

    // Tables that only the database has (a renamed one has its new name).
    let gone: Vec<&TableDeclaration> = current
        .iter()
        .filter(|t| {
            !declared
                .iter()
                .any(|d| existing(d).is_some_and(|now| now.name == t.name))
        })
        .collect();
    let mut recreated = Vec::new();
    if destructive {
        let order = in_creation_order(gone)?;
        for table in order.iter().rev() {
            out.up.push(format!("DROP TABLE {}", quoted(table.name)));
        }
        for table in order {
            recreated.extend(create_statements::<DB>(table)?);
        }
    } else {
        for table in gone {
            out.unresolved.push(format!(
                "table `{}` is in the database but not declared; it is left as it is \
                 (destructive steps drop it)",
                table.name
            ));
        }
    }

    // `down`: the dropped tables back, the changes to common tables undone, the new
    // tables dropped.
    out.down.extend(recreated);
    for down in down_columns.into_iter().rev() {
        out.down.extend(down);
    }
    dropped_new.reverse();
    out.down.extend(dropped_new);
    Ok(out)
}

/// The column changes of a table both sides have.
fn columns<DB: Backend>(
    now: &TableDeclaration,
    table: &TableDeclaration,
    destructive: bool,
    out: &mut SchemaDiff,
    down: &mut Vec<String>,
) -> QueryResult<()> {
    let name = quoted(table.name);
    let is_key = |t: &TableDeclaration, c: &ColumnDeclaration| t.primary_key == [c.name];
    // The column each declared one is in the database: by its name, or by the name it
    // was declared renamed from.
    let existing = |column: &ColumnDeclaration| {
        now.columns
            .iter()
            .find(|c| c.name == column.name)
            .or_else(|| {
                let old = column.renamed_from?;
                if table.columns.iter().any(|c| c.name == old) {
                    return None;
                }
                now.columns.iter().find(|c| c.name == old)
            })
    };
    for column in table.columns {
        let Some(was) = existing(column) else {
            out.up.push(format!(
                "ALTER TABLE {name} ADD COLUMN {}",
                column_definition::<DB>(table, column, is_key(table, column))?
            ));
            down.push(format!(
                "ALTER TABLE {name} DROP COLUMN {}",
                quoted(column.name)
            ));
            continue;
        };
        let column_name = quoted(column.name);
        let what = format!("`{}.{}`", table.name, column.name);
        if was.name != column.name {
            out.up.push(format!(
                "ALTER TABLE {name} RENAME COLUMN {} TO {column_name}",
                quoted(was.name)
            ));
            down.push(format!(
                "ALTER TABLE {name} RENAME COLUMN {column_name} TO {}",
                quoted(was.name)
            ));
        }
        if was.ty != column.ty {
            let (to, from) = (DB::column_type(column.ty), DB::column_type(was.ty));
            match (DB::ALTERS_COLUMNS, to, from) {
                (true, Some(to), Some(from)) => {
                    out.up.push(format!(
                        "ALTER TABLE {name} ALTER COLUMN {column_name} TYPE {to} USING {column_name}::{to}"
                    ));
                    down.push(format!(
                        "ALTER TABLE {name} ALTER COLUMN {column_name} TYPE {from} USING {column_name}::{from}"
                    ));
                }
                _ => out.unresolved.push(format!(
                    "column {what} changes type from {} to {}, which {} cannot alter in place \
                     (the table must be rebuilt: write that migration yourself)",
                    was.ty.name(),
                    column.ty.name(),
                    DB::NAME
                )),
            }
        }
        if was.nullable != column.nullable && !is_key(table, column) {
            if DB::ALTERS_COLUMNS {
                let (set, unset) = if column.nullable {
                    ("DROP NOT NULL", "SET NOT NULL")
                } else {
                    ("SET NOT NULL", "DROP NOT NULL")
                };
                out.up.push(format!(
                    "ALTER TABLE {name} ALTER COLUMN {column_name} {set}"
                ));
                down.push(format!(
                    "ALTER TABLE {name} ALTER COLUMN {column_name} {unset}"
                ));
            } else {
                out.unresolved.push(format!(
                    "column {what} becomes {}, which {} cannot alter in place (the table \
                     must be rebuilt: write that migration yourself)",
                    if column.nullable {
                        "nullable"
                    } else {
                        "NOT NULL"
                    },
                    DB::NAME
                ));
            }
        }
        if was.default != column.default && !is_key(table, column) {
            let set = |default: Option<super::DefaultValue>| match default {
                Some(default) => {
                    let mut sql =
                        format!("ALTER TABLE {name} ALTER COLUMN {column_name} SET DEFAULT ");
                    push_default::<DB>(&mut sql, default);
                    sql
                }
                None => format!("ALTER TABLE {name} ALTER COLUMN {column_name} DROP DEFAULT"),
            };
            if DB::ALTERS_COLUMNS {
                out.up.push(set(column.default));
                down.push(set(was.default));
            } else {
                out.unresolved.push(format!(
                    "column {what} changes its default, which {} cannot alter in place",
                    DB::NAME
                ));
            }
        }
        if column.unique && !was.unique {
            let (create, drop) = unique_index(table, &[column.name]);
            out.up.push(create);
            down.push(drop);
        } else if was.unique && !column.unique {
            out.unresolved.push(format!(
                "column {what} is unique in the database but not declared so; its \
                 constraint is left (drop it by the name the database gave it)"
            ));
        }
        match (&was.references, &column.references) {
            (None, Some(key)) if DB::ALTERS_COLUMNS => {
                let constraint = quoted(&format!("{}_{}_fkey", table.name, column.name));
                let mut add = format!(
                    "ALTER TABLE {name} ADD CONSTRAINT {constraint} FOREIGN KEY ({column_name}) \
                     REFERENCES {} ({})",
                    quoted(key.table),
                    quoted(key.column)
                );
                if let Some(action) = key.on_delete {
                    add.push_str(super::render::on_delete_sql(action));
                }
                out.up.push(add);
                down.push(format!("ALTER TABLE {name} DROP CONSTRAINT {constraint}"));
            }
            (was_key, key) if was_key != key => out.unresolved.push(format!(
                "column {what} changes its `references`, which {} cannot alter in place \
                 here (a changed or dropped key's constraint has the database's name; on \
                 SQLite the table must be rebuilt)",
                DB::NAME
            )),
            _ => {}
        }
    }
    for was in now.columns {
        if table
            .columns
            .iter()
            .any(|c| existing(c).is_some_and(|e| e.name == was.name))
        {
            continue;
        }
        if destructive {
            out.up.push(format!(
                "ALTER TABLE {name} DROP COLUMN {}",
                quoted(was.name)
            ));
            down.push(format!(
                "ALTER TABLE {name} ADD COLUMN {}",
                column_definition::<DB>(now, was, false)?
            ));
        } else {
            out.unresolved.push(format!(
                "column `{}.{}` is in the database but not declared; it is left as it is \
                 (destructive steps drop it; a rename is never guessed)",
                table.name, was.name
            ));
        }
    }
    Ok(())
}

/// The plain indexes a table gains; unique ones and removals are reported.
fn indexes(
    now: &TableDeclaration,
    table: &TableDeclaration,
    out: &mut SchemaDiff,
    down: &mut Vec<String>,
) {
    // The database's indexes with renamed columns under their new names, as the
    // database itself will have them once the columns are renamed.
    let renamed = |column: &str| -> String {
        table
            .columns
            .iter()
            .find(|c| {
                c.renamed_from == Some(column) && !now.columns.iter().any(|n| n.name == c.name)
            })
            .map_or(column, |c| c.name)
            .to_owned()
    };
    let now_indexes: Vec<(bool, Vec<String>)> = now
        .indexes
        .iter()
        .map(|index| {
            (
                index.unique,
                index.columns.iter().map(|c| renamed(c)).collect(),
            )
        })
        .collect();
    let has = |indexes: &[(bool, Vec<String>)], index: &super::IndexDeclaration| {
        indexes.iter().any(|(unique, columns)| {
            *unique == index.unique && columns.iter().eq(index.columns.iter())
        })
    };
    for index in table.indexes {
        if has(&now_indexes, index) {
            continue;
        }
        if index.unique {
            let (create, drop) = unique_index(table, index.columns);
            out.up.push(create);
            down.push(drop);
            continue;
        }
        out.up.push(create_index(table, index.columns));
        down.push(format!(
            "DROP INDEX {}",
            quoted(&index_name(table.name, index.columns))
        ));
    }
    let declared: Vec<(bool, Vec<String>)> = table
        .indexes
        .iter()
        .map(|index| {
            (
                index.unique,
                index.columns.iter().map(|c| c.to_string()).collect(),
            )
        })
        .collect();
    for (index, now_index) in now.indexes.iter().zip(&now_indexes) {
        if !declared.contains(now_index) {
            out.unresolved.push(format!(
                "table `{}` has an index on ({}) that is not declared; it is left as it is",
                table.name,
                column_list(index.columns)
            ));
        }
    }
}

/// A unique index over `columns`, and the statement that drops it: what a new `unique`
/// or `#[unique(…)]` becomes on either backend (PostgreSQL enforces it as it would a
/// constraint; `print-schema` reads it back as one).
fn unique_index(table: &TableDeclaration, columns: &[&str]) -> (String, String) {
    let name = quoted(&unique_index_name(table.name, columns));
    (
        format!(
            "CREATE UNIQUE INDEX {name} ON {} ({})",
            quoted(table.name),
            column_list(columns)
        ),
        format!("DROP INDEX {name}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Declared;

    mod before {
        crate::table! {
            owners (id) { id -> Int4 }
            pets (id) { id -> Int4, owner_id -> Int4, tag -> Text }
        }
    }

    mod after {
        crate::table! {
            owners (id) { id -> Int4 }
            #[unique(owner_id, name)]
            pets (id) {
                id -> Int4,
                owner_id -> Int4 references owners on delete cascade,
                tag -> Text unique,
                name -> Nullable<Text>,
            }
        }
    }

    fn declarations(tables: &[&dyn Declared]) -> Vec<TableDeclaration> {
        tables.iter().map(|t| *t.declaration()).collect()
    }

    #[test]
    fn new_keys_and_uniques_are_added_in_place() {
        let current = declarations(&[&before::owners::table, &before::pets::table]);
        let declared = declarations(&[&after::owners::table, &after::pets::table]);
        let pg = diff::<crate::backend::pg::Pg>(&current, &declared, false).unwrap();
        assert_eq!(
            pg.up,
            [
                "ALTER TABLE \"pets\" ADD CONSTRAINT \"pets_owner_id_fkey\" FOREIGN KEY (\"owner_id\") \
                 REFERENCES \"owners\" (\"id\") ON DELETE CASCADE",
                "CREATE UNIQUE INDEX \"pets_tag_key\" ON \"pets\" (\"tag\")",
                "ALTER TABLE \"pets\" ADD COLUMN \"name\" text",
                "CREATE UNIQUE INDEX \"pets_owner_id_name_key\" ON \"pets\" (\"owner_id\", \"name\")",
            ]
        );
        assert_eq!(
            pg.down,
            [
                "DROP INDEX \"pets_owner_id_name_key\"",
                "ALTER TABLE \"pets\" DROP COLUMN \"name\"",
                "DROP INDEX \"pets_tag_key\"",
                "ALTER TABLE \"pets\" DROP CONSTRAINT \"pets_owner_id_fkey\"",
            ]
        );
        assert!(pg.unresolved.is_empty(), "{:?}", pg.unresolved);

        // SQLite adds the unique indexes; a key on an existing column needs a rebuild.
        let sqlite = diff::<crate::backend::sqlite::Sqlite>(&current, &declared, false).unwrap();
        assert_eq!(sqlite.up.len(), 3, "{:?}", sqlite.up);
        assert_eq!(sqlite.unresolved.len(), 1, "{:?}", sqlite.unresolved);
        assert!(sqlite.unresolved[0].contains("`pets.owner_id` changes its `references`"));

        // Back the other way: what only the database has is reported, not dropped.
        let back = diff::<crate::backend::pg::Pg>(&declared, &current, false).unwrap();
        assert!(back.up.is_empty(), "{:?}", back.up);
        assert_eq!(back.unresolved.len(), 4, "{:?}", back.unresolved);
    }
}
