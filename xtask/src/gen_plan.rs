//! What `cargo xtask gen-schema` generates, as data: the tables and the queries, the same
//! for every flavour (quarry, Diesel). The renderers in [`crate::gen_quarry`] and
//! [`crate::gen_diesel`] only spell them; nothing here knows either crate's syntax beyond
//! the method names the two share (`filter`, `eq`, `between`, `inner_join`, …).
//!
//! The tables: N of 20 columns (`id` primary key, then Int4, Int8, Text,
//! `Nullable<Text>`, Float8 and Bool columns in turn). Each table after the first
//! references the one before it, and about half of them one more earlier table, so join
//! chains of any length exist.
//!
//! The queries come in ten slots, taken in turn; in odd decades (q010–q019, q030–q039, …)
//! four slots hold writes instead of reads, so 100 queries are 80 reads and 20 writes:
//!
//! | slot | even decades | odd decades |
//! |---|---|---|
//! | 0 | filtered tuple select, ordered, limited | insert of `column.eq(value)` assignments |
//! | 1 | struct select with two filters | `find` as a struct |
//! | 2 | COUNT(*) with `or_filter` | insert of a `#[derive(Insertable)]` struct |
//! | 3 | inner join to a parent | (same) |
//! | 4 | left join to a child | (same) |
//! | 5 | 3-table chain, struct select | (same) |
//! | 6 | 6-table chain, upward | 6-table chain, downward |
//! | 7 | IN, OR, NOT, arithmetic, DISTINCT | update of a filtered set, with arithmetic |
//! | 8 | COUNT(*) over a join | update of `find(1)` |
//! | 9 | `find`, left join, struct pair | (same) |
//!
//! The output depends only on the numbers: the tables come from a fixed-seed generator
//! keyed by table number (the first 50 tables of a 100-table schema are the 50-table
//! schema), the queries from one keyed by query number.

use std::fmt;

/// Columns per table, the primary key and the foreign keys included.
pub(crate) const COLUMNS: usize = 20;

/// quarry's `values((…))` takes tuples of up to this many assignments, so the tuple
/// insert picks a table with no more required columns.
const MAX_INSERT_TUPLE: usize = 16;

/// SplitMix64: small, good enough to pick columns and literals, and stable across
/// platforms and Rust versions (unlike `std`'s hashers).
struct Rng(u64);

impl Rng {
    fn new(stream: u64, key: usize) -> Self {
        Rng(stream ^ (key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn coin(&mut self) -> bool {
        self.next() & 1 == 0
    }

    fn letter(&mut self) -> char {
        char::from(b'a' + (self.next() % 26) as u8)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const TABLE_STREAM: u64 = 0x7AB1_E5ED;
const QUERY_STREAM: u64 = 0x0E5E_5EED;

/// A column's SQL type. quarry's and Diesel's `table!` both know these names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ty {
    Int4,
    Int8,
    Text,
    NullableText,
    Float8,
    Bool,
}

/// The types of the columns after the keys, in turn (shifted by one per table).
const TYPES: [Ty; 6] = [
    Ty::Int4,
    Ty::Int8,
    Ty::Text,
    Ty::NullableText,
    Ty::Float8,
    Ty::Bool,
];

impl Ty {
    /// The type as both `table!` macros spell it.
    pub(crate) fn in_table_macro(self) -> &'static str {
        match self {
            Ty::Int4 => "Int4",
            Ty::Int8 => "Int8",
            Ty::Text => "Text",
            Ty::NullableText => "Nullable<Text>",
            Ty::Float8 => "Float8",
            Ty::Bool => "Bool",
        }
    }

    pub(crate) fn rust(self) -> &'static str {
        match self {
            Ty::Int4 => "i32",
            Ty::Int8 => "i64",
            Ty::Text => "String",
            Ty::NullableText => "Option<String>",
            Ty::Float8 => "f64",
            Ty::Bool => "bool",
        }
    }

    /// The Rust type when the column's table is left-joined.
    pub(crate) fn rust_nullable(self) -> String {
        match self {
            Ty::NullableText => self.rust().to_owned(),
            _ => format!("Option<{}>", self.rust()),
        }
    }

    fn ddl(self) -> &'static str {
        match self {
            Ty::Int4 => "INTEGER NOT NULL",
            Ty::Int8 => "BIGINT NOT NULL",
            Ty::Text => "TEXT NOT NULL",
            Ty::NullableText => "TEXT",
            Ty::Float8 => "DOUBLE PRECISION NOT NULL",
            Ty::Bool => "BOOLEAN NOT NULL",
        }
    }

    /// The value of the one row the setup SQL inserts.
    fn sample(self) -> &'static str {
        match self {
            Ty::Int4 => "7",
            Ty::Int8 => "70",
            Ty::Text => "'abc'",
            Ty::NullableText => "NULL",
            Ty::Float8 => "2.5",
            Ty::Bool => "TRUE",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Ty::Int4 => "int4",
            Ty::Int8 => "int8",
            Ty::Text => "text",
            Ty::NullableText => "opt_text",
            Ty::Float8 => "float8",
            Ty::Bool => "flag",
        }
    }
}

pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) ty: Ty,
    /// The table this column references, by number.
    pub(crate) references: Option<usize>,
}

impl Column {
    /// NOT NULL without a default: an insert must give it a value.
    fn required(&self) -> bool {
        self.name != "id" && self.ty != Ty::NullableText
    }
}

pub(crate) struct Table {
    pub(crate) columns: Vec<Column>,
}

pub(crate) struct Schema {
    pub(crate) tables: Vec<Table>,
}

pub(crate) fn table_name(t: usize) -> String {
    format!("t{t:03}")
}

/// The struct a row of table `t` loads into.
pub(crate) fn struct_name(t: usize) -> String {
    format!("T{t:03}")
}

/// The struct a new row of table `t` is inserted from.
pub(crate) fn new_struct_name(t: usize) -> String {
    format!("NewT{t:03}")
}

impl Schema {
    pub(crate) fn new(tables: usize) -> Self {
        let tables = (0..tables)
            .map(|t| {
                let mut rng = Rng::new(TABLE_STREAM, t);
                let mut parents = Vec::new();
                if t > 0 {
                    parents.push(t - 1);
                }
                if t > 1 && rng.coin() {
                    parents.push(rng.below(t - 1));
                }
                let mut columns = vec![Column {
                    name: "id".to_owned(),
                    ty: Ty::Int4,
                    references: None,
                }];
                columns.extend(parents.iter().map(|&p| Column {
                    name: format!("{}_id", table_name(p)),
                    ty: Ty::Int4,
                    references: Some(p),
                }));
                for i in columns.len()..COLUMNS {
                    let ty = TYPES[(i + t) % TYPES.len()];
                    columns.push(Column {
                        name: format!("{}_{i:02}", ty.prefix()),
                        ty,
                        references: None,
                    });
                }
                Table { columns }
            })
            .collect();
        Schema { tables }
    }

    pub(crate) fn len(&self) -> usize {
        self.tables.len()
    }

    /// A column of table `t` of type `ty` (there are at least two of each), `rng` picking which.
    fn column(&self, t: usize, ty: Ty, rng: &mut Rng) -> Col {
        let names: Vec<&str> = self.tables[t]
            .columns
            .iter()
            .filter(|c| c.ty == ty && c.name != "id" && c.references.is_none())
            .map(|c| c.name.as_str())
            .collect();
        Col::new(t, rng.pick(&names), ty)
    }

    /// The foreign keys between table `new` and the tables of `from`, as
    /// `(referencing column, referenced table)`.
    fn links(&self, new: usize, from: &[usize]) -> Vec<(Col, usize)> {
        let mut links = Vec::new();
        for (t, table) in self.tables.iter().enumerate() {
            for c in &table.columns {
                let Some(r) = c.references else { continue };
                if (t == new && from.contains(&r)) || (r == new && from.contains(&t)) {
                    links.push((Col::new(t, &c.name, c.ty), r));
                }
            }
        }
        links
    }

    /// The foreign keys, as `(child table, key column, parent table)`.
    pub(crate) fn foreign_keys(&self) -> impl Iterator<Item = (usize, &str, usize)> {
        self.tables.iter().enumerate().flat_map(|(t, table)| {
            table
                .columns
                .iter()
                .filter_map(move |c| c.references.map(|r| (t, c.name.as_str(), r)))
        })
    }

    /// SQL that creates the tables in SQLite and inserts one row (id 1) in each.
    pub(crate) fn setup_sql(&self) -> String {
        let mut out = String::new();
        for (t, table) in self.tables.iter().enumerate() {
            let columns: Vec<String> = table
                .columns
                .iter()
                .map(|c| match c.references {
                    _ if c.name == "id" => "id INTEGER PRIMARY KEY".to_owned(),
                    Some(r) => format!("{} INTEGER NOT NULL REFERENCES {}", c.name, table_name(r)),
                    None => format!("{} {}", c.name, c.ty.ddl()),
                })
                .collect();
            let values: Vec<&str> = table
                .columns
                .iter()
                .map(|c| match c.references {
                    _ if c.name == "id" => "1",
                    Some(_) => "1",
                    None => c.ty.sample(),
                })
                .collect();
            out.push_str(&format!(
                "    CREATE TABLE {name} ({});\n    INSERT INTO {name} VALUES ({});\n",
                columns.join(", "),
                values.join(", "),
                name = table_name(t),
            ));
        }
        out
    }
}

/// A column of a table, written `t003::int4_05` by both flavours.
#[derive(Clone, Debug)]
pub(crate) struct Col {
    pub(crate) table: usize,
    pub(crate) name: String,
    pub(crate) ty: Ty,
}

impl Col {
    fn new(table: usize, name: &str, ty: Ty) -> Self {
        Col {
            table,
            name: name.to_owned(),
            ty,
        }
    }

    fn id(table: usize) -> Self {
        Col::new(table, "id", Ty::Int4)
    }
}

impl fmt::Display for Col {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", table_name(self.table), self.name)
    }
}

/// A literal. As an expression: `37`, `37_i64`, `2.5`, `"x"`, `true`.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Int4(usize),
    Int8(usize),
    /// `n.5`.
    Float8(usize),
    Text(char),
    /// `"%c%"`, for `like`.
    Pattern(char),
    Bool(bool),
}

impl Value {
    /// A literal for a column of type `ty`, from `rng`.
    fn random(ty: Ty, rng: &mut Rng) -> Value {
        match ty {
            Ty::Int4 => Value::Int4(rng.below(100)),
            Ty::Int8 => Value::Int8(rng.below(1000)),
            Ty::Text | Ty::NullableText => Value::Text(rng.letter()),
            Ty::Float8 => Value::Float8(rng.below(10)),
            Ty::Bool => Value::Bool(rng.coin()),
        }
    }

    /// The literal as a field of a struct: a `String` where the column is text.
    pub(crate) fn as_field(&self) -> String {
        match self {
            Value::Text(c) => format!("\"{c}\".to_owned()"),
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int4(n) => write!(f, "{n}"),
            Value::Int8(n) => write!(f, "{n}_i64"),
            Value::Float8(n) => write!(f, "{n}.5"),
            Value::Text(c) => write!(f, "\"{c}\""),
            Value::Pattern(c) => write!(f, "\"%{c}%\""),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// An SQL expression, built of method calls both crates name alike; only `Not` is
/// spelled differently (quarry's `.not()`, Diesel's `not(…)`).
#[derive(Debug)]
pub(crate) enum Expr {
    Col(Col),
    Value(Value),
    /// The list of `eq_any`.
    Array(Vec<Value>),
    /// `receiver.method(args…)`.
    Call {
        receiver: Box<Expr>,
        method: &'static str,
        args: Vec<Expr>,
    },
    Not(Box<Expr>),
    /// `column + value`.
    Add(Col, Value),
}

impl Expr {
    fn call(self, method: &'static str, args: Vec<Expr>) -> Expr {
        Expr::Call {
            receiver: Box::new(self),
            method,
            args,
        }
    }

    /// `self.method(value)`.
    fn with(self, method: &'static str, value: Value) -> Expr {
        self.call(method, vec![Expr::Value(value)])
    }
}

/// A foreign key a join follows.
#[derive(Debug)]
pub(crate) struct Join {
    pub(crate) table: usize,
    pub(crate) left: bool,
    /// The referencing column, in the new table or in one already joined.
    pub(crate) key: Col,
    /// The table `key` references.
    pub(crate) referenced: usize,
    /// More than one foreign key links the new table to the query: the join must name
    /// its condition.
    pub(crate) ambiguous: bool,
    /// The key links the new table to the query's first table (not to one joined later).
    pub(crate) to_first: bool,
}

/// The rows a read returns.
#[derive(Debug)]
pub(crate) enum Select {
    /// Columns, each `true` where its table is left-joined.
    Columns(Vec<(Col, bool)>),
    /// `T…::as_select()` of tables, each `true` where the table is left-joined.
    Structs(Vec<(usize, bool)>),
    Count,
}

impl Select {
    /// The Rust type a row loads into.
    pub(crate) fn row(&self) -> String {
        let tuple = |items: Vec<String>| match items.as_slice() {
            [one] => one.clone(),
            _ => format!("({})", items.join(", ")),
        };
        match self {
            Select::Columns(columns) => tuple(
                columns
                    .iter()
                    .map(|(c, outer)| {
                        if *outer {
                            c.ty.rust_nullable()
                        } else {
                            c.ty.rust().to_owned()
                        }
                    })
                    .collect(),
            ),
            Select::Structs(structs) => tuple(
                structs
                    .iter()
                    .map(|&(t, outer)| {
                        if outer {
                            format!("Option<{}>", struct_name(t))
                        } else {
                            struct_name(t)
                        }
                    })
                    .collect(),
            ),
            Select::Count => "i64".to_owned(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Filter {
    /// `or_filter` rather than `filter`.
    pub(crate) or: bool,
    pub(crate) expr: Expr,
}

/// A SELECT, in the order its methods are called.
#[derive(Debug)]
pub(crate) struct Read {
    pub(crate) table: usize,
    /// `find(id)` on the first table, before any join.
    pub(crate) find: Option<usize>,
    pub(crate) joins: Vec<Join>,
    pub(crate) filters: Vec<Filter>,
    pub(crate) select: Select,
    pub(crate) distinct: bool,
    /// Columns, each `true` where descending.
    pub(crate) order: Vec<(Col, bool)>,
    pub(crate) limit: Option<usize>,
}

/// What an insert writes.
#[derive(Debug)]
pub(crate) enum InsertValues {
    /// A tuple of `column.eq(value)`.
    Columns(Vec<(Col, Value)>),
    /// A `New…` struct of every column but `id`; `None` is NULL.
    Struct(Vec<(Col, Option<Value>)>),
}

/// The rows an update changes.
#[derive(Debug)]
pub(crate) enum Target {
    Find(usize),
    Filter(Vec<Expr>),
}

#[derive(Debug)]
pub(crate) enum Statement {
    Read(Read),
    Insert {
        table: usize,
        values: InsertValues,
    },
    Update {
        table: usize,
        target: Target,
        set: Vec<(Col, Expr)>,
    },
}

/// One generated query function.
#[derive(Debug)]
pub(crate) struct Query {
    pub(crate) doc: String,
    pub(crate) statement: Statement,
}

impl Query {
    pub(crate) fn new(schema: &Schema, i: usize) -> Self {
        let mut rng = Rng::new(QUERY_STREAM, i);
        let odd = i / 10 % 2 == 1;
        let rng = &mut rng;
        match i % 10 {
            0 if odd => insert_columns(schema, rng),
            0 => filtered_tuple(schema, rng),
            1 if odd => find_struct(schema, rng),
            1 => filtered_struct(schema, rng),
            2 if odd => insert_struct(schema, rng),
            2 => count(schema, rng),
            3 => join_parent(schema, rng),
            4 => left_join_child(schema, rng),
            5 => chain_of_three(schema, rng),
            6 => chain_of_six(schema, rng, odd),
            7 if odd => update_filtered(schema, rng),
            7 => expressions(schema, rng),
            8 if odd => update_found(schema, rng),
            8 => count_join(schema, rng),
            _ => struct_pair(schema, rng),
        }
    }
}

/// A filter on column `column`, with a literal from `rng`.
fn condition(column: Col, rng: &mut Rng) -> Expr {
    let ty = column.ty;
    let column = Expr::Col(column);
    match ty {
        Ty::Int4 => {
            let op = ["gt", "ge", "lt", "ne"][rng.below(4)];
            column.with(op, Value::Int4(rng.below(100)))
        }
        Ty::Int8 => {
            let lo = rng.below(100);
            let hi = lo + rng.range(1, 500);
            column.call(
                "between",
                vec![Expr::Value(Value::Int8(lo)), Expr::Value(Value::Int8(hi))],
            )
        }
        Ty::Text => {
            let pattern = rng.letter();
            column.with("like", Value::Pattern(pattern))
        }
        Ty::NullableText => {
            if rng.coin() {
                column.call("is_null", Vec::new())
            } else {
                column.with("eq", Value::Text(rng.letter()))
            }
        }
        Ty::Float8 => {
            let op = ["gt", "lt"][rng.below(2)];
            column.with(op, Value::Float8(rng.below(10)))
        }
        Ty::Bool => column.with("eq", Value::Bool(rng.coin())),
    }
}

/// A filter on a column of table `t` of a type `rng` picks.
fn filter_on(schema: &Schema, t: usize, rng: &mut Rng) -> Filter {
    let ty = rng.pick(&TYPES);
    let column = schema.column(t, ty, rng);
    Filter {
        or: false,
        expr: condition(column, rng),
    }
}

fn filter(expr: Expr) -> Filter {
    Filter { or: false, expr }
}

/// A FROM clause built by joins.
struct From {
    tables: Vec<usize>,
    joins: Vec<Join>,
}

impl From {
    fn new(t: usize) -> Self {
        From {
            tables: vec![t],
            joins: Vec::new(),
        }
    }

    fn join(&mut self, schema: &Schema, new: usize, left: bool) -> &mut Self {
        let links = schema.links(new, &self.tables);
        let Some((key, referenced)) = links.first().cloned() else {
            unreachable!("the generator joins only tables linked by a foreign key")
        };
        let other = if key.table == new {
            referenced
        } else {
            key.table
        };
        self.joins.push(Join {
            table: new,
            left,
            key,
            referenced,
            ambiguous: links.len() > 1,
            to_first: other == self.tables[0],
        });
        self.tables.push(new);
        self
    }

    fn names(&self) -> String {
        let names: Vec<String> = self.tables.iter().map(|&t| table_name(t)).collect();
        names.join(" ⋈ ")
    }

    fn read(self, filters: Vec<Filter>, select: Select) -> Read {
        Read {
            table: self.tables[0],
            find: None,
            joins: self.joins,
            filters,
            select,
            distinct: false,
            order: Vec::new(),
            limit: None,
        }
    }
}

fn read(doc: String, read: Read) -> Query {
    Query {
        doc,
        statement: Statement::Read(read),
    }
}

/// A select list being built: columns, each `true` where its table is left-joined.
struct Columns(Vec<(Col, bool)>);

impl Columns {
    fn new() -> Self {
        Columns(Vec::new())
    }

    fn id(&mut self, t: usize, outer: bool) -> &mut Self {
        self.0.push((Col::id(t), outer));
        self
    }

    fn typed(
        &mut self,
        schema: &Schema,
        t: usize,
        ty: Ty,
        outer: bool,
        rng: &mut Rng,
    ) -> &mut Self {
        self.0.push((schema.column(t, ty, rng), outer));
        self
    }

    fn select(&mut self) -> Select {
        Select::Columns(std::mem::take(&mut self.0))
    }
}

fn filtered_tuple(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.below(schema.len());
    let mut columns = Columns::new();
    columns
        .id(t, false)
        .typed(schema, t, Ty::Text, false, rng)
        .typed(schema, t, Ty::NullableText, false, rng)
        .typed(schema, t, Ty::Float8, false, rng);
    let int4 = schema.column(t, Ty::Int4, rng);
    let opt_text = schema.column(t, Ty::NullableText, rng);
    let int8 = schema.column(t, Ty::Int8, rng);
    let filters = vec![
        filter(condition(int4, rng)),
        filter(Expr::Col(opt_text).call("is_not_null", Vec::new())),
    ];
    let mut query = From::new(t).read(filters, columns.select());
    query.order = vec![(int8, true)];
    query.limit = Some(20);
    read(
        format!(
            "Filtered tuple select on `{}`, ordered, limited.",
            table_name(t)
        ),
        query,
    )
}

fn filtered_struct(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.below(schema.len());
    let flag = schema.column(t, Ty::Bool, rng);
    let text = schema.column(t, Ty::Text, rng);
    let filters = vec![
        filter(Expr::Col(flag).with("eq", Value::Bool(true))),
        filter(condition(text, rng)),
    ];
    let mut query = From::new(t).read(filters, Select::Structs(vec![(t, false)]));
    query.order = vec![(Col::id(t), false)];
    read(
        format!("Struct select on `{}` with two filters.", table_name(t)),
        query,
    )
}

fn find_struct(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.below(schema.len());
    let mut query = From::new(t).read(Vec::new(), Select::Structs(vec![(t, false)]));
    query.find = Some(1);
    read(
        format!("`find` by primary key on `{}`, as a struct.", table_name(t)),
        query,
    )
}

fn count(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.below(schema.len());
    let float8 = schema.column(t, Ty::Float8, rng);
    let opt_text = schema.column(t, Ty::NullableText, rng);
    let filters = vec![
        filter(condition(float8, rng)),
        Filter {
            or: true,
            expr: Expr::Col(opt_text).with("eq", Value::Text('x')),
        },
    ];
    read(
        format!(
            "COUNT(*) on `{}` with `filter` and `or_filter`.",
            table_name(t)
        ),
        From::new(t).read(filters, Select::Count),
    )
}

/// A table with a parent (not the first one) and one of its parents, `rng` picking.
fn child_and_parent(schema: &Schema, rng: &mut Rng) -> (usize, usize) {
    let child = rng.range(1, schema.len() - 1);
    let parents: Vec<usize> = schema.tables[child]
        .columns
        .iter()
        .filter_map(|c| c.references)
        .collect();
    (child, rng.pick(&parents))
}

fn join_parent(schema: &Schema, rng: &mut Rng) -> Query {
    let (child, parent) = child_and_parent(schema, rng);
    let mut from = From::new(child);
    from.join(schema, parent, false);
    let mut columns = Columns::new();
    columns
        .id(child, false)
        .id(parent, false)
        .typed(schema, parent, Ty::Text, false, rng);
    let filters = vec![
        filter_on(schema, child, rng),
        filter_on(schema, parent, rng),
    ];
    let mut query = from.read(filters, columns.select());
    query.order = vec![(Col::id(parent), false), (Col::id(child), true)];
    read(
        format!(
            "Inner join of `{}` to its parent `{}`, filters on both.",
            table_name(child),
            table_name(parent)
        ),
        query,
    )
}

fn left_join_child(schema: &Schema, rng: &mut Rng) -> Query {
    let parent = rng.below(schema.len() - 1);
    let child = parent + 1;
    let mut from = From::new(parent);
    from.join(schema, child, true);
    let mut columns = Columns::new();
    columns
        .id(parent, false)
        .id(child, true)
        .typed(schema, child, Ty::NullableText, true, rng)
        .typed(schema, child, Ty::Float8, true, rng);
    let int8 = schema.column(parent, Ty::Int8, rng);
    let mut query = from.read(vec![filter(condition(int8, rng))], columns.select());
    query.order = vec![(Col::id(parent), false)];
    read(
        format!(
            "Left join of `{}` to its child `{}`: the child's columns load as `Option`.",
            table_name(parent),
            table_name(child)
        ),
        query,
    )
}

fn chain_of_three(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.range(2, schema.len() - 1);
    let mut from = From::new(t);
    from.join(schema, t - 1, false).join(schema, t - 2, false);
    let doc = format!(
        "3-table chain {}, struct select of the middle table.",
        from.names()
    );
    let filters = vec![filter_on(schema, t, rng), filter_on(schema, t - 2, rng)];
    read(
        doc,
        from.read(filters, Select::Structs(vec![(t - 1, false)])),
    )
}

/// Six tables linked parent to child, from an ancestor down through its descendants
/// (`downward`) or from a descendant up; inner joins, then a left join.
fn chain_of_six(schema: &Schema, rng: &mut Rng, downward: bool) -> Query {
    let start = rng.range(5, schema.len() - 1);
    let order: Vec<usize> = if downward {
        (start - 5..=start).collect()
    } else {
        (start - 5..=start).rev().collect()
    };
    let mut from = From::new(order[0]);
    for (i, &t) in order.iter().enumerate().skip(1) {
        from.join(schema, t, i == 5);
    }
    let doc = format!(
        "6-table chain {} (the last one left-joined), filters on three tables.",
        from.names()
    );
    let mut columns = Columns::new();
    columns
        .id(order[0], false)
        .typed(schema, order[1], Ty::Text, false, rng)
        .typed(schema, order[3], Ty::Float8, false, rng)
        .typed(schema, order[5], Ty::Int8, true, rng);
    let filters = [order[0], order[2], order[4]]
        .iter()
        .map(|&t| filter_on(schema, t, rng))
        .collect();
    let mut query = from.read(filters, columns.select());
    query.order = vec![(Col::id(order[0]), false)];
    read(doc, query)
}

/// `int4 IN (…) OR text <> 'x' AND NOT (flag = false)` on table `t`, and another Int4
/// column of it for [`plus_gt`].
fn in_or_not(schema: &Schema, t: usize, rng: &mut Rng) -> (Expr, Col) {
    let int4 = schema.column(t, Ty::Int4, rng);
    let text = schema.column(t, Ty::Text, rng);
    let flag = schema.column(t, Ty::Bool, rng);
    let other = schema.column(t, Ty::Int4, rng);
    let values: Vec<Value> = (0..3).map(|_| Value::Int4(rng.below(50))).collect();
    let in_or_not = Expr::Col(int4)
        .call("eq_any", vec![Expr::Array(values)])
        .call("or", vec![Expr::Col(text).with("ne", Value::Text('x'))])
        .call(
            "and",
            vec![Expr::Not(Box::new(
                Expr::Col(flag).with("eq", Value::Bool(false)),
            ))],
        );
    (in_or_not, other)
}

/// `(int4 + n) > m`.
fn plus_gt(int4: Col, rng: &mut Rng) -> Expr {
    let plus = Value::Int4(rng.range(1, 9));
    Expr::Add(int4, plus).with("gt", Value::Int4(rng.below(50)))
}

fn expressions(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.below(schema.len());
    let (in_or_not, other) = in_or_not(schema, t, rng);
    let mut columns = Columns::new();
    columns
        .typed(schema, t, Ty::Int8, false, rng)
        .typed(schema, t, Ty::Float8, false, rng);
    let arithmetic = plus_gt(other, rng);
    let mut query = From::new(t).read(
        vec![filter(in_or_not), filter(arithmetic)],
        columns.select(),
    );
    query.distinct = true;
    read(
        format!(
            "IN, OR, NOT and arithmetic in filters on `{}`, DISTINCT.",
            table_name(t)
        ),
        query,
    )
}

fn count_join(schema: &Schema, rng: &mut Rng) -> Query {
    let (child, parent) = child_and_parent(schema, rng);
    let mut from = From::new(child);
    from.join(schema, parent, false);
    let doc = format!("COUNT(*) over {}, filters on both.", from.names());
    let filters = vec![
        filter_on(schema, parent, rng),
        filter_on(schema, child, rng),
    ];
    read(doc, from.read(filters, Select::Count))
}

fn struct_pair(schema: &Schema, rng: &mut Rng) -> Query {
    let parent = rng.below(schema.len() - 1);
    let child = parent + 1;
    let mut from = From::new(parent);
    from.join(schema, child, true);
    let mut query = from.read(
        Vec::new(),
        Select::Structs(vec![(parent, false), (child, true)]),
    );
    query.find = Some(1);
    read(
        format!(
            "`find` on `{}`, left join to `{}`: a struct and an optional struct.",
            table_name(parent),
            table_name(child)
        ),
        query,
    )
}

/// A value for `column` in a new row: 1 for a foreign key (the row the setup inserted).
fn new_value(column: &Column, rng: &mut Rng) -> Value {
    match column.references {
        Some(_) => Value::Int4(1),
        None => Value::random(column.ty, rng),
    }
}

fn insert_columns(schema: &Schema, rng: &mut Rng) -> Query {
    let required = |t: &usize| {
        let table = &schema.tables[*t];
        table.columns.iter().filter(|c| c.required()).count() <= MAX_INSERT_TUPLE
    };
    let fits: Vec<usize> = (0..schema.len()).filter(required).collect();
    let t = rng.pick(&fits);
    // Every required column, and nullable ones on a coin toss while the tuple has room.
    let columns = &schema.tables[t].columns;
    let mut room = MAX_INSERT_TUPLE - columns.iter().filter(|c| c.required()).count();
    let mut values = Vec::new();
    for c in columns.iter().filter(|c| c.name != "id") {
        let value = new_value(c, rng);
        let given = c.required() || (room > 0 && rng.coin());
        if given && !c.required() {
            room -= 1;
        }
        if given {
            values.push((Col::new(t, &c.name, c.ty), value));
        }
    }
    Query {
        doc: format!(
            "Insert into `{}` of `column.eq(value)` assignments.",
            table_name(t)
        ),
        statement: Statement::Insert {
            table: t,
            values: InsertValues::Columns(values),
        },
    }
}

fn insert_struct(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.below(schema.len());
    let fields = schema.tables[t]
        .columns
        .iter()
        .filter(|c| c.name != "id")
        .map(|c| {
            let null = c.ty == Ty::NullableText && rng.coin();
            let value = new_value(c, rng);
            (Col::new(t, &c.name, c.ty), (!null).then_some(value))
        })
        .collect();
    Query {
        doc: format!(
            "Insert into `{}` of a `{}` struct.",
            table_name(t),
            new_struct_name(t)
        ),
        statement: Statement::Insert {
            table: t,
            values: InsertValues::Struct(fields),
        },
    }
}

fn update_found(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.below(schema.len());
    let int4 = schema.column(t, Ty::Int4, rng);
    let text = schema.column(t, Ty::Text, rng);
    let int8 = schema.column(t, Ty::Int8, rng);
    let set = vec![
        (int4, Expr::Value(Value::Int4(rng.below(100)))),
        (text, Expr::Value(Value::Text(rng.letter()))),
        (int8.clone(), Expr::Add(int8, Value::Int8(rng.range(1, 9)))),
    ];
    Query {
        doc: format!(
            "Update of row 1 of `{}`: two literals and an increment.",
            table_name(t)
        ),
        statement: Statement::Update {
            table: t,
            target: Target::Find(1),
            set,
        },
    }
}

fn update_filtered(schema: &Schema, rng: &mut Rng) -> Query {
    let t = rng.below(schema.len());
    let (in_or_not, other) = in_or_not(schema, t, rng);
    let arithmetic = plus_gt(other, rng);
    let flag = schema.column(t, Ty::Bool, rng);
    let int4 = schema.column(t, Ty::Int4, rng);
    let opt_text = schema.column(t, Ty::NullableText, rng);
    let set = vec![
        (flag, Expr::Value(Value::Bool(rng.coin()))),
        (int4.clone(), Expr::Add(int4, Value::Int4(rng.range(1, 9)))),
        (opt_text, Expr::Value(Value::Text(rng.letter()))),
    ];
    Query {
        doc: format!(
            "Update of the rows of `{}` that IN, OR, NOT and arithmetic select.",
            table_name(t)
        ),
        statement: Statement::Update {
            table: t,
            target: Target::Filter(vec![in_or_not, arithmetic]),
            set,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_twenty_columns_and_keys_to_earlier_tables() {
        let schema = Schema::new(30);
        for (t, table) in schema.tables.iter().enumerate() {
            assert_eq!(table.columns.len(), COLUMNS);
            let parents: Vec<usize> = table.columns.iter().filter_map(|c| c.references).collect();
            assert!(parents.len() <= 2 && parents.iter().all(|&p| p < t));
            assert_eq!(t > 0, parents.contains(&t.wrapping_sub(1)), "table {t}");
        }
    }

    #[test]
    fn a_hundred_queries_are_eighty_reads_ten_inserts_and_ten_updates() {
        let schema = Schema::new(10);
        let queries: Vec<Query> = (0..100).map(|i| Query::new(&schema, i)).collect();
        let count = |f: fn(&Statement) -> bool| queries.iter().filter(|q| f(&q.statement)).count();
        assert_eq!(count(|s| matches!(s, Statement::Read(_))), 80);
        assert_eq!(count(|s| matches!(s, Statement::Insert { .. })), 10);
        assert_eq!(count(|s| matches!(s, Statement::Update { .. })), 10);
        for query in &queries {
            if let Statement::Insert {
                values: InsertValues::Columns(values),
                ..
            } = &query.statement
            {
                assert!(values.len() <= MAX_INSERT_TUPLE, "{}", query.doc);
            }
        }
    }

    #[test]
    fn joins_know_when_the_foreign_key_is_not_to_the_first_table() {
        let schema = Schema::new(50);
        let mut from = From::new(20);
        from.join(&schema, 19, false).join(&schema, 18, false);
        assert!(from.joins[0].to_first);
        // t018 is referenced by t019, and by t020 only if that is its second parent.
        let second = &from.joins[1];
        assert_eq!(second.to_first, second.key.table == 20);
    }
}
