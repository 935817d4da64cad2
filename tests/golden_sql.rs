//! Golden SQL: every expression node, clause and statement rendered for SQLite and for
//! PostgreSQL, compared as whole strings with its bind parameters. No database: these
//! pin what `debug_query` shows, which is what each backend is sent.
//!
//! Each case states both renderings next to the query that makes them, so that a change
//! to the renderer shows here as a diff of SQL a reader can judge. PostgreSQL-only nodes
//! (ILIKE, DISTINCT ON, arrays, JSONB, row locks) are rendered for PostgreSQL alone.

use quarry::debug_query;
use quarry::expr::{
    abs, avg, case_when, coalesce, count, count_distinct, count_star, dense_rank, length, lower,
    max, min, now, rank, row_number, sum, upper,
};
use quarry::prelude::*;
use quarry::query::{QueryFragment, exists, not_exists, with, with_recursive};
use quarry::types::{Int4, Nullable, Text};
use quarry::{delete, excluded, insert_into, sql_query, update};
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------
// Schema: a keyword column, a `#[sql_name]` table (with a space in its name), nullable
// columns, a composite key, foreign keys for inferred joins (one of them nullable),
// a NUMERIC column (SQLite compares it through a cast), and PostgreSQL-only types.
// ---------------------------------------------------------------------------------

// `table!` re-exports every column in `columns`; not every one is used here.
#[allow(unused_imports)]
mod schema {
    quarry::table! {
        users (id) {
            id -> Int4 = default,
            name -> Text,
            hair_color -> Nullable<Text>,
            age -> Int4,
            active -> Bool,
        }
    }

    quarry::table! {
        posts (id) {
            id -> Int4 = default,
            user_id -> Int4 references users,
            title -> Text,
            #[sql_name = "type"]
            kind -> Text,
            views -> Int8 = default,
        }
    }

    quarry::table! {
        memberships (user_id, team_id) {
            user_id -> Int4 references users,
            team_id -> Int4,
            role -> Text,
        }
    }

    quarry::table! {
        #[sql_name = "ledger entries"]
        entries (id) {
            id -> Int4,
            amount -> Numeric,
            #[sql_name = "user"]
            owner -> Nullable<Int4> references users,
            booked -> Timestamptz,
        }
    }

    quarry::table! {
        docs (id) {
            id -> Int4,
            tags -> Array<Text>,
            data -> Jsonb,
        }
    }

    quarry::table! {
        employees (id) {
            id -> Int4,
            name -> Text,
            manager_id -> Nullable<Int4>,
        }
    }

    quarry::table! {
        /// The shape of a recursive CTE.
        chain (id) {
            id -> Int4,
            manager_id -> Nullable<Int4>,
        }
    }

    quarry::table! {
        /// The shape of a CTE: posts per author.
        prolific (user_id) {
            user_id -> Int4 references users,
            posts -> Int8,
        }
    }

    quarry::table! {
        /// Every column can be left out: `DEFAULT VALUES`.
        counters (id) {
            id -> Int4 = default,
            note -> Nullable<Text>,
        }
    }
}
use schema::{chain, counters, docs, employees, entries, memberships, posts, prolific, users};

quarry::alias!(employees as managers);
quarry::alias!(users as authors);

quarry::sql_function! {
    /// `replace(text, from, to)`
    fn replace(text: Text, from: Text, to: Text) -> Text;
    /// `trim(text)`
    fn trim(text: Text) -> Text;
}

#[derive(Selectable)]
#[quarry(table = users)]
struct UserName {
    #[allow(dead_code)] // only rendered, never loaded
    id: i32,
    #[allow(dead_code)]
    name: String,
}

#[derive(Selectable)]
#[quarry(table = posts)]
struct PostKind {
    #[allow(dead_code)]
    title: String,
    #[allow(dead_code)]
    #[quarry(column = kind)]
    category: String,
}

#[derive(Insertable)]
#[quarry(table = users)]
struct NewUser<'a> {
    id: Option<i32>,
    name: &'a str,
    hair_color: Option<&'a str>,
    age: i32,
    active: bool,
}

#[derive(Insertable)]
#[quarry(table = counters)]
struct NewCounter {
    id: Option<i32>,
}

#[derive(AsChangeset)]
#[quarry(table = users)]
struct UserChanges<'a> {
    name: Option<&'a str>,
    age: Option<i32>,
}

#[derive(AsChangeset)]
#[quarry(table = users, treat_none_as_null = true)]
struct HairChange<'a> {
    hair_color: Option<&'a str>,
}

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// Asserts what `query` renders as on each backend: `SQL -- binds: [...]`.
#[track_caller]
fn golden<Q>(query: &Q, sqlite: &str, pg: &str)
where
    Q: QueryFragment<Sqlite> + QueryFragment<Pg>,
{
    assert_eq!(
        debug_query::<Sqlite, _>(query).to_string(),
        sqlite,
        "SQLite"
    );
    assert_eq!(debug_query::<Pg, _>(query).to_string(), pg, "PostgreSQL");
}

/// As [`golden`], for a query built once per backend (a boxed query has its backend in
/// its type).
#[track_caller]
fn golden_each<S, P>(queries: (S, P), sqlite: &str, pg: &str)
where
    S: QueryFragment<Sqlite>,
    P: QueryFragment<Pg>,
{
    assert_eq!(
        debug_query::<Sqlite, _>(&queries.0).to_string(),
        sqlite,
        "SQLite"
    );
    assert_eq!(
        debug_query::<Pg, _>(&queries.1).to_string(),
        pg,
        "PostgreSQL"
    );
}

/// Asserts the PostgreSQL rendering of a PostgreSQL-only query.
#[track_caller]
fn golden_pg<Q: QueryFragment<Pg>>(query: &Q, pg: &str) {
    assert_eq!(debug_query::<Pg, _>(query).to_string(), pg, "PostgreSQL");
}

/// Builds `$query` once with `$db` as `Sqlite` and once as `Pg`.
macro_rules! per_backend {
    ($db:ident => $query:expr) => {
        (
            {
                type $db = Sqlite;
                $query
            },
            {
                type $db = Pg;
                $query
            },
        )
    };
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

// ---------------------------------------------------------------------------------
// Columns, tables and bind values
// ---------------------------------------------------------------------------------

#[test]
fn default_selection_spells_out_every_column() {
    golden(
        &users::table.into_select(),
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "users" -- binds: []"#,
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "users" -- binds: []"#,
    );
}

#[test]
fn sql_names_are_quoted_for_tables_and_keyword_columns() {
    golden(
        &entries::table.into_select(),
        r#"SELECT "ledger entries"."id", "ledger entries"."amount", "ledger entries"."user", "ledger entries"."booked" FROM "ledger entries" -- binds: []"#,
        r#"SELECT "ledger entries"."id", "ledger entries"."amount", "ledger entries"."user", "ledger entries"."booked" FROM "ledger entries" -- binds: []"#,
    );
    golden(
        &posts::table.select(posts::kind),
        r#"SELECT "posts"."type" FROM "posts" -- binds: []"#,
        r#"SELECT "posts"."type" FROM "posts" -- binds: []"#,
    );
}

#[test]
fn values_are_placeholders_numbered_on_postgres() {
    golden(
        &users::table
            .filter(users::name.eq("Ada"))
            .filter(users::age.eq(36))
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE ("users"."name" = ? AND "users"."age" = ?) -- binds: ["Ada", 36]"#,
        r#"SELECT "users"."id" FROM "users" WHERE ("users"."name" = $1 AND "users"."age" = $2) -- binds: ["Ada", 36]"#,
    );
}

#[test]
fn placeholders_count_across_every_clause_in_order() {
    // select list, ON, WHERE, HAVING-free ORDER BY, LIMIT, OFFSET: numbered as written.
    golden(
        &users::table
            .inner_join(posts::table.on(posts::user_id.eq(users::id).and(posts::views.gt(10_i64))))
            .filter(users::age.gt(18))
            .select((users::age + 1, posts::title))
            .order_by(users::age)
            .limit(5)
            .offset(10),
        r#"SELECT ("users"."age" + ?), "posts"."title" FROM "users" INNER JOIN "posts" ON ("posts"."user_id" = "users"."id" AND "posts"."views" > ?) WHERE "users"."age" > ? ORDER BY "users"."age" LIMIT ? OFFSET ? -- binds: [1, 10, 18, 5, 10]"#,
        r#"SELECT ("users"."age" + $1), "posts"."title" FROM "users" INNER JOIN "posts" ON ("posts"."user_id" = "users"."id" AND "posts"."views" > $2) WHERE "users"."age" > $3 ORDER BY "users"."age" LIMIT $4 OFFSET $5 -- binds: [1, 10, 18, 5, 10]"#,
    );
}

#[test]
fn bind_values_of_each_rust_type_show_as_logical_values() {
    golden(
        &users::table.select(users::id).filter(
            users::active
                .eq(true)
                .and(users::hair_color.eq(Some("brown")))
                .and(users::name.eq(String::from("Ada"))),
        ),
        r#"SELECT "users"."id" FROM "users" WHERE (("users"."active" = ? AND "users"."hair_color" = ?) AND "users"."name" = ?) -- binds: [true, "brown", "Ada"]"#,
        r#"SELECT "users"."id" FROM "users" WHERE (("users"."active" = $1 AND "users"."hair_color" = $2) AND "users"."name" = $3) -- binds: [true, "brown", "Ada"]"#,
    );
}

// ---------------------------------------------------------------------------------
// Comparison operators
// ---------------------------------------------------------------------------------

#[test]
fn comparisons() {
    golden(
        &users::table.select(users::age.eq(30)),
        r#"SELECT "users"."age" = ? FROM "users" -- binds: [30]"#,
        r#"SELECT "users"."age" = $1 FROM "users" -- binds: [30]"#,
    );
    golden(
        &users::table.select(users::age.ne(30)),
        r#"SELECT "users"."age" <> ? FROM "users" -- binds: [30]"#,
        r#"SELECT "users"."age" <> $1 FROM "users" -- binds: [30]"#,
    );
    golden(
        &users::table.select(users::age.lt(30)),
        r#"SELECT "users"."age" < ? FROM "users" -- binds: [30]"#,
        r#"SELECT "users"."age" < $1 FROM "users" -- binds: [30]"#,
    );
    golden(
        &users::table.select(users::age.le(30)),
        r#"SELECT "users"."age" <= ? FROM "users" -- binds: [30]"#,
        r#"SELECT "users"."age" <= $1 FROM "users" -- binds: [30]"#,
    );
    golden(
        &users::table.select(users::age.gt(30)),
        r#"SELECT "users"."age" > ? FROM "users" -- binds: [30]"#,
        r#"SELECT "users"."age" > $1 FROM "users" -- binds: [30]"#,
    );
    golden(
        &users::table.select(users::age.ge(30)),
        r#"SELECT "users"."age" >= ? FROM "users" -- binds: [30]"#,
        r#"SELECT "users"."age" >= $1 FROM "users" -- binds: [30]"#,
    );
}

#[test]
fn comparison_of_two_columns_has_no_binds() {
    golden(
        &users::table.select(users::age.eq(users::id)),
        r#"SELECT "users"."age" = "users"."id" FROM "users" -- binds: []"#,
        r#"SELECT "users"."age" = "users"."id" FROM "users" -- binds: []"#,
    );
}

#[test]
fn not_null_column_stands_for_a_nullable_one() {
    // Both the implicit conversion and `nullable()` render the bare column.
    golden(
        &users::table.select(users::hair_color.eq(users::name)),
        r#"SELECT "users"."hair_color" = "users"."name" FROM "users" -- binds: []"#,
        r#"SELECT "users"."hair_color" = "users"."name" FROM "users" -- binds: []"#,
    );
    golden(
        &employees::table.select(employees::id.nullable().eq(employees::manager_id)),
        r#"SELECT "employees"."id" = "employees"."manager_id" FROM "employees" -- binds: []"#,
        r#"SELECT "employees"."id" = "employees"."manager_id" FROM "employees" -- binds: []"#,
    );
}

#[test]
fn like_and_not_like() {
    golden(
        &users::table.select(users::name.like("A%")),
        r#"SELECT "users"."name" LIKE ? ESCAPE '\' FROM "users" -- binds: ["A%"]"#,
        r#"SELECT "users"."name" LIKE $1 ESCAPE E'\\' FROM "users" -- binds: ["A%"]"#,
    );
    golden(
        &users::table.select(users::name.not_like("%z")),
        r#"SELECT "users"."name" NOT LIKE ? ESCAPE '\' FROM "users" -- binds: ["%z"]"#,
        r#"SELECT "users"."name" NOT LIKE $1 ESCAPE E'\\' FROM "users" -- binds: ["%z"]"#,
    );
    golden(
        &users::table.select(users::hair_color.like("b%")),
        r#"SELECT "users"."hair_color" LIKE ? ESCAPE '\' FROM "users" -- binds: ["b%"]"#,
        r#"SELECT "users"."hair_color" LIKE $1 ESCAPE E'\\' FROM "users" -- binds: ["b%"]"#,
    );
}

#[test]
fn between() {
    golden(
        &users::table.select(users::age.between(18, 65)),
        r#"SELECT "users"."age" BETWEEN ? AND ? FROM "users" -- binds: [18, 65]"#,
        r#"SELECT "users"."age" BETWEEN $1 AND $2 FROM "users" -- binds: [18, 65]"#,
    );
    golden(
        &users::table.select(users::age.between(users::id, users::id + 10)),
        r#"SELECT "users"."age" BETWEEN "users"."id" AND ("users"."id" + ?) FROM "users" -- binds: [10]"#,
        r#"SELECT "users"."age" BETWEEN "users"."id" AND ("users"."id" + $1) FROM "users" -- binds: [10]"#,
    );
}

#[test]
fn null_tests() {
    golden(
        &users::table.select(users::hair_color.is_null()),
        r#"SELECT "users"."hair_color" IS NULL FROM "users" -- binds: []"#,
        r#"SELECT "users"."hair_color" IS NULL FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(users::hair_color.is_not_null()),
        r#"SELECT "users"."hair_color" IS NOT NULL FROM "users" -- binds: []"#,
        r#"SELECT "users"."hair_color" IS NOT NULL FROM "users" -- binds: []"#,
    );
    // A left-joined column is nullable in the query, through `nullable()`.
    golden(
        &users::table
            .left_join(posts::table)
            .filter(posts::id.nullable().is_null())
            .select(users::name),
        r#"SELECT "users"."name" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" WHERE "posts"."id" IS NULL -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" WHERE "posts"."id" IS NULL -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// Boolean operators
// ---------------------------------------------------------------------------------

#[test]
fn and_or_not_are_parenthesized() {
    golden(
        &users::table.select(users::age.gt(18).and(users::active)),
        r#"SELECT ("users"."age" > ? AND "users"."active") FROM "users" -- binds: [18]"#,
        r#"SELECT ("users"."age" > $1 AND "users"."active") FROM "users" -- binds: [18]"#,
    );
    golden(
        &users::table.select(users::active.or(users::age.lt(18))),
        r#"SELECT ("users"."active" OR "users"."age" < ?) FROM "users" -- binds: [18]"#,
        r#"SELECT ("users"."active" OR "users"."age" < $1) FROM "users" -- binds: [18]"#,
    );
    golden(
        &users::table.select(users::active.not()),
        r#"SELECT NOT ("users"."active") FROM "users" -- binds: []"#,
        r#"SELECT NOT ("users"."active") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(users::age.eq(1).or(users::age.eq(2)).not()),
        r#"SELECT NOT (("users"."age" = ? OR "users"."age" = ?)) FROM "users" -- binds: [1, 2]"#,
        r#"SELECT NOT (("users"."age" = $1 OR "users"."age" = $2)) FROM "users" -- binds: [1, 2]"#,
    );
}

#[test]
fn nested_conditions_keep_their_grouping() {
    golden(
        &users::table.select(
            users::age
                .lt(18)
                .or(users::age.gt(65))
                .and(users::active.or(users::hair_color.is_null())),
        ),
        r#"SELECT (("users"."age" < ? OR "users"."age" > ?) AND ("users"."active" OR "users"."hair_color" IS NULL)) FROM "users" -- binds: [18, 65]"#,
        r#"SELECT (("users"."age" < $1 OR "users"."age" > $2) AND ("users"."active" OR "users"."hair_color" IS NULL)) FROM "users" -- binds: [18, 65]"#,
    );
}

#[test]
fn rust_bool_as_a_condition_is_a_bind_value() {
    golden(
        &users::table.select(users::active.and(true)),
        r#"SELECT ("users"."active" AND ?) FROM "users" -- binds: [true]"#,
        r#"SELECT ("users"."active" AND $1) FROM "users" -- binds: [true]"#,
    );
    golden(
        &users::table.filter(false).select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE ? -- binds: [false]"#,
        r#"SELECT "users"."id" FROM "users" WHERE $1 -- binds: [false]"#,
    );
}

#[test]
fn nullable_condition_in_and() {
    // `hair_color = 'x'` is Nullable<Bool>; AND takes it as it is.
    golden(
        &users::table.select(users::active.and(users::hair_color.eq("brown"))),
        r#"SELECT ("users"."active" AND "users"."hair_color" = ?) FROM "users" -- binds: ["brown"]"#,
        r#"SELECT ("users"."active" AND "users"."hair_color" = $1) FROM "users" -- binds: ["brown"]"#,
    );
}

// ---------------------------------------------------------------------------------
// Comparisons of conditions: `IS NULL`, `BETWEEN`, `IN` and `= ANY` need no
// parentheses (both databases read them before a following `=`, and `=` before a
// following `IS NULL`); a comparison or pattern match compared again does, since
// PostgreSQL refuses `a = b = c`.
// ---------------------------------------------------------------------------------

#[test]
fn comparisons_compared_again_are_parenthesized() {
    golden(
        &users::table.select(users::active.eq(users::age.eq(1))),
        r#"SELECT "users"."active" = ("users"."age" = ?) FROM "users" -- binds: [1]"#,
        r#"SELECT "users"."active" = ("users"."age" = $1) FROM "users" -- binds: [1]"#,
    );
    golden(
        &users::table.select(users::age.gt(1).ne(users::age.lt(9))),
        r#"SELECT ("users"."age" > ?) <> ("users"."age" < ?) FROM "users" -- binds: [1, 9]"#,
        r#"SELECT ("users"."age" > $1) <> ("users"."age" < $2) FROM "users" -- binds: [1, 9]"#,
    );
}

#[test]
fn conditions_compared_with_a_value() {
    golden(
        &users::table.select(users::hair_color.is_null().eq(false)),
        r#"SELECT "users"."hair_color" IS NULL = ? FROM "users" -- binds: [false]"#,
        r#"SELECT "users"."hair_color" IS NULL = $1 FROM "users" -- binds: [false]"#,
    );
    golden(
        &users::table.select(users::age.between(1, 10).eq(true)),
        r#"SELECT "users"."age" BETWEEN ? AND ? = ? FROM "users" -- binds: [1, 10, true]"#,
        r#"SELECT "users"."age" BETWEEN $1 AND $2 = $3 FROM "users" -- binds: [1, 10, true]"#,
    );
    golden(
        &users::table.select(users::id.eq_any([1, 2]).eq(false)),
        r#"SELECT "users"."id" IN (?, ?) = ? FROM "users" -- binds: [1, 2, false]"#,
        r#"SELECT "users"."id" = ANY($1) = $2 FROM "users" -- binds: [[1, 2], false]"#,
    );
    golden(
        &users::table.select(users::name.like("a%").eq(false)),
        r#"SELECT ("users"."name" LIKE ? ESCAPE '\') = ? FROM "users" -- binds: ["a%", false]"#,
        r#"SELECT ("users"."name" LIKE $1 ESCAPE E'\\') = $2 FROM "users" -- binds: ["a%", false]"#,
    );
    golden(
        &users::table.select(users::hair_color.eq("x").is_null()),
        r#"SELECT "users"."hair_color" = ? IS NULL FROM "users" -- binds: ["x"]"#,
        r#"SELECT "users"."hair_color" = $1 IS NULL FROM "users" -- binds: ["x"]"#,
    );
}

// ---------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------

#[test]
fn arithmetic_operators() {
    golden(
        &users::table.select(users::age + 1),
        r#"SELECT ("users"."age" + ?) FROM "users" -- binds: [1]"#,
        r#"SELECT ("users"."age" + $1) FROM "users" -- binds: [1]"#,
    );
    golden(
        &users::table.select(users::age - 1),
        r#"SELECT ("users"."age" - ?) FROM "users" -- binds: [1]"#,
        r#"SELECT ("users"."age" - $1) FROM "users" -- binds: [1]"#,
    );
    golden(
        &users::table.select(users::age * 2),
        r#"SELECT ("users"."age" * ?) FROM "users" -- binds: [2]"#,
        r#"SELECT ("users"."age" * $1) FROM "users" -- binds: [2]"#,
    );
    golden(
        &users::table.select(users::age / users::id),
        r#"SELECT ("users"."age" / "users"."id") FROM "users" -- binds: []"#,
        r#"SELECT ("users"."age" / "users"."id") FROM "users" -- binds: []"#,
    );
}

#[test]
fn arithmetic_chains_nest() {
    golden(
        &users::table.select((users::age - 1) * 2 + users::id),
        r#"SELECT ((("users"."age" - ?) * ?) + "users"."id") FROM "users" -- binds: [1, 2]"#,
        r#"SELECT ((("users"."age" - $1) * $2) + "users"."id") FROM "users" -- binds: [1, 2]"#,
    );
    golden(
        &users::table
            .filter(users::age.gt(users::id * 3))
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."age" > ("users"."id" * ?) -- binds: [3]"#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."age" > ("users"."id" * $1) -- binds: [3]"#,
    );
    golden(
        &posts::table.select(posts::views + 1_i64),
        r#"SELECT ("posts"."views" + ?) FROM "posts" -- binds: [1]"#,
        r#"SELECT ("posts"."views" + $1) FROM "posts" -- binds: [1]"#,
    );
}

// ---------------------------------------------------------------------------------
// More operators: `%`, unary minus, `||`, typed literals, CAST (spelled per backend),
// NOT BETWEEN, simple CASE, NULLS FIRST / LAST
// ---------------------------------------------------------------------------------

#[test]
fn remainder_and_unary_minus() {
    golden(
        &users::table.select(users::age.rem(7)),
        r#"SELECT ("users"."age" % ?) FROM "users" -- binds: [7]"#,
        r#"SELECT ("users"."age" % $1) FROM "users" -- binds: [7]"#,
    );
    golden(
        &users::table.select((users::age + 1) % 7),
        r#"SELECT (("users"."age" + ?) % ?) FROM "users" -- binds: [1, 7]"#,
        r#"SELECT (("users"."age" + $1) % $2) FROM "users" -- binds: [1, 7]"#,
    );
    golden(
        &users::table.select(users::age.neg()),
        r#"SELECT (-"users"."age") FROM "users" -- binds: []"#,
        r#"SELECT (-"users"."age") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(-(users::age - 1)),
        r#"SELECT (-("users"."age" - ?)) FROM "users" -- binds: [1]"#,
        r#"SELECT (-("users"."age" - $1)) FROM "users" -- binds: [1]"#,
    );
}

#[test]
fn text_concatenation() {
    golden(
        &users::table.select(users::name.concat(" (").concat(users::name).concat(")")),
        r#"SELECT ((("users"."name" || ?) || "users"."name") || ?) FROM "users" -- binds: [" (", ")"]"#,
        r#"SELECT ((("users"."name" || $1) || "users"."name") || $2) FROM "users" -- binds: [" (", ")"]"#,
    );
    golden(
        &users::table.select(users::hair_color.concat("!")),
        r#"SELECT ("users"."hair_color" || ?) FROM "users" -- binds: ["!"]"#,
        r#"SELECT ("users"."hair_color" || $1) FROM "users" -- binds: ["!"]"#,
    );
}

#[test]
fn typed_literals_on_the_left_and_in_select_lists() {
    use quarry::dsl::val;
    golden(
        &users::table.select(val(100) - users::age),
        r#"SELECT (? - "users"."age") FROM "users" -- binds: [100]"#,
        r#"SELECT ($1 - "users"."age") FROM "users" -- binds: [100]"#,
    );
    golden(
        &users::table.select((users::name, val("member"), val(2.5))),
        r#"SELECT "users"."name", ?, ? FROM "users" -- binds: ["member", 2.5]"#,
        r#"SELECT "users"."name", $1, $2 FROM "users" -- binds: ["member", 2.5]"#,
    );
    golden(
        &users::table
            .filter(val(30).lt(users::age))
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE ? < "users"."age" -- binds: [30]"#,
        r#"SELECT "users"."id" FROM "users" WHERE $1 < "users"."age" -- binds: [30]"#,
    );
}

#[test]
fn casts_are_spelled_per_backend() {
    use quarry::types::{Float8, Int8, Numeric};
    golden(
        &users::table.select(users::age.cast::<Int8>()),
        r#"SELECT CAST("users"."age" AS INTEGER) FROM "users" -- binds: []"#,
        r#"SELECT CAST("users"."age" AS bigint) FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(users::age.cast::<Float8>() / 3.0),
        r#"SELECT (CAST("users"."age" AS REAL) / ?) FROM "users" -- binds: [3.0]"#,
        r#"SELECT (CAST("users"."age" AS double precision) / $1) FROM "users" -- binds: [3.0]"#,
    );
    golden(
        &users::table.select(users::age.cast::<Text>().concat(" years")),
        r#"SELECT (CAST("users"."age" AS TEXT) || ?) FROM "users" -- binds: [" years"]"#,
        r#"SELECT (CAST("users"."age" AS text) || $1) FROM "users" -- binds: [" years"]"#,
    );
    golden(
        &users::table.select(users::age.cast::<Numeric>()),
        r#"SELECT CAST("users"."age" AS TEXT) FROM "users" -- binds: []"#,
        r#"SELECT CAST("users"."age" AS numeric) FROM "users" -- binds: []"#,
    );
    // Mixed arithmetic: an Int4 cast to add an Int8.
    golden(
        &posts::table
            .inner_join(users::table)
            .select(users::age.cast::<Int8>() + posts::views),
        r#"SELECT (CAST("users"."age" AS INTEGER) + "posts"."views") FROM "posts" INNER JOIN "users" ON "posts"."user_id" = "users"."id" -- binds: []"#,
        r#"SELECT (CAST("users"."age" AS bigint) + "posts"."views") FROM "posts" INNER JOIN "users" ON "posts"."user_id" = "users"."id" -- binds: []"#,
    );
}

#[test]
fn not_between() {
    golden(
        &users::table
            .filter(users::age.not_between(18, 65))
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."age" NOT BETWEEN ? AND ? -- binds: [18, 65]"#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."age" NOT BETWEEN $1 AND $2 -- binds: [18, 65]"#,
    );
}

#[test]
fn simple_case() {
    use quarry::expr::case;
    golden(
        &users::table.select(case(users::age).when(36, "a").when(85, "b").otherwise("c")),
        r#"SELECT CASE "users"."age" WHEN ? THEN ? WHEN ? THEN ? ELSE ? END FROM "users" -- binds: [36, "a", 85, "b", "c"]"#,
        r#"SELECT CASE "users"."age" WHEN $1 THEN $2 WHEN $3 THEN $4 ELSE $5 END FROM "users" -- binds: [36, "a", 85, "b", "c"]"#,
    );
    golden(
        &users::table.select(case(users::hair_color).when("brown", users::age)),
        r#"SELECT CASE "users"."hair_color" WHEN ? THEN "users"."age" END FROM "users" -- binds: ["brown"]"#,
        r#"SELECT CASE "users"."hair_color" WHEN $1 THEN "users"."age" END FROM "users" -- binds: ["brown"]"#,
    );
}

#[test]
fn nulls_first_and_last() {
    golden(
        &users::table.select(users::id).order_by((
            users::hair_color.asc().nulls_first(),
            users::age.desc().nulls_last(),
        )),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."hair_color" ASC NULLS FIRST, "users"."age" DESC NULLS LAST -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."hair_color" ASC NULLS FIRST, "users"."age" DESC NULLS LAST -- binds: []"#,
    );
    golden(
        &users::table.select(
            row_number()
                .over()
                .order_by(users::hair_color.desc().nulls_last()),
        ),
        r#"SELECT ROW_NUMBER() OVER ( ORDER BY "users"."hair_color" DESC NULLS LAST) FROM "users" -- binds: []"#,
        r#"SELECT ROW_NUMBER() OVER ( ORDER BY "users"."hair_color" DESC NULLS LAST) FROM "users" -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// IN lists: one placeholder per value on SQLite, one array parameter on PostgreSQL
// ---------------------------------------------------------------------------------

#[test]
fn eq_any_with_values() {
    golden(
        &users::table.select(users::id.eq_any([1, 2, 3])),
        r#"SELECT "users"."id" IN (?, ?, ?) FROM "users" -- binds: [1, 2, 3]"#,
        r#"SELECT "users"."id" = ANY($1) FROM "users" -- binds: [[1, 2, 3]]"#,
    );
    golden(
        &users::table.select(users::name.eq_any(vec!["Ada", "Grace"])),
        r#"SELECT "users"."name" IN (?, ?) FROM "users" -- binds: ["Ada", "Grace"]"#,
        r#"SELECT "users"."name" = ANY($1) FROM "users" -- binds: [["Ada", "Grace"]]"#,
    );
}

#[test]
fn ne_all_with_values() {
    golden(
        &users::table.select(users::id.ne_all(vec![4, 5])),
        r#"SELECT "users"."id" NOT IN (?, ?) FROM "users" -- binds: [4, 5]"#,
        r#"SELECT "users"."id" <> ALL($1) FROM "users" -- binds: [[4, 5]]"#,
    );
}

#[test]
fn empty_lists_are_constant_conditions() {
    golden(
        &users::table.select(users::id.eq_any(Vec::<i32>::new())),
        r#"SELECT 1 = 0 FROM "users" -- binds: []"#,
        r#"SELECT 1 = 0 FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(users::id.ne_all(Vec::<i32>::new())),
        r#"SELECT 1 = 1 FROM "users" -- binds: []"#,
        r#"SELECT 1 = 1 FROM "users" -- binds: []"#,
    );
}

#[test]
fn lists_with_nulls() {
    // An array carries NULL elements beside values of one kind ...
    golden(
        &users::table.select(users::hair_color.eq_any([Some("brown"), None])),
        r#"SELECT "users"."hair_color" IN (?, ?) FROM "users" -- binds: ["brown", NULL]"#,
        r#"SELECT "users"."hair_color" = ANY($1) FROM "users" -- binds: [["brown", NULL]]"#,
    );
    // ... but not NULLs alone, whose element type it cannot tell: a list, as on SQLite.
    golden(
        &users::table.select(users::hair_color.ne_all([None::<&str>, None])),
        r#"SELECT "users"."hair_color" NOT IN (?, ?) FROM "users" -- binds: [NULL, NULL]"#,
        r#"SELECT "users"."hair_color" NOT IN ($1, $2) FROM "users" -- binds: [NULL, NULL]"#,
    );
}

#[test]
fn in_list_numbering_continues_after_it() {
    golden(
        &users::table
            .filter(users::id.eq_any([1, 2]))
            .filter(users::age.gt(3))
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE ("users"."id" IN (?, ?) AND "users"."age" > ?) -- binds: [1, 2, 3]"#,
        r#"SELECT "users"."id" FROM "users" WHERE ("users"."id" = ANY($1) AND "users"."age" > $2) -- binds: [[1, 2], 3]"#,
    );
}

// ---------------------------------------------------------------------------------
// NUMERIC: SQLite stores exact decimals as text and compares them through a cast
// ---------------------------------------------------------------------------------

#[test]
fn numeric_comparisons_cast_on_sqlite() {
    golden(
        &entries::table
            .filter(entries::amount.gt(decimal("10.50")))
            .select(entries::id),
        r#"SELECT "ledger entries"."id" FROM "ledger entries" WHERE CAST("ledger entries"."amount" AS NUMERIC) > CAST(? AS NUMERIC) -- binds: [10.50]"#,
        r#"SELECT "ledger entries"."id" FROM "ledger entries" WHERE "ledger entries"."amount" > $1 -- binds: [10.50]"#,
    );
    golden(
        &entries::table.select(entries::amount.between(decimal("1"), decimal("2.5"))),
        r#"SELECT CAST("ledger entries"."amount" AS NUMERIC) BETWEEN CAST(? AS NUMERIC) AND CAST(? AS NUMERIC) FROM "ledger entries" -- binds: [1, 2.5]"#,
        r#"SELECT "ledger entries"."amount" BETWEEN $1 AND $2 FROM "ledger entries" -- binds: [1, 2.5]"#,
    );
    golden(
        &entries::table.select(entries::amount.eq_any([decimal("1.5"), decimal("2")])),
        r#"SELECT CAST("ledger entries"."amount" AS NUMERIC) IN (CAST(? AS NUMERIC), CAST(? AS NUMERIC)) FROM "ledger entries" -- binds: [1.5, 2]"#,
        r#"SELECT "ledger entries"."amount" = ANY($1) FROM "ledger entries" -- binds: [[1.5, 2]]"#,
    );
}

#[test]
fn numeric_ordering_casts_on_sqlite_but_arithmetic_does_not() {
    golden(
        &entries::table
            .select(entries::id)
            .order_by(entries::amount.desc()),
        r#"SELECT "ledger entries"."id" FROM "ledger entries" ORDER BY CAST("ledger entries"."amount" AS NUMERIC) DESC -- binds: []"#,
        r#"SELECT "ledger entries"."id" FROM "ledger entries" ORDER BY "ledger entries"."amount" DESC -- binds: []"#,
    );
    golden(
        &entries::table.select(entries::amount + decimal("0.01")),
        r#"SELECT ("ledger entries"."amount" + ?) FROM "ledger entries" -- binds: [0.01]"#,
        r#"SELECT ("ledger entries"."amount" + $1) FROM "ledger entries" -- binds: [0.01]"#,
    );
}

// ---------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------

#[test]
fn builtin_functions() {
    golden(
        &users::table.select(lower(users::name)),
        r#"SELECT lower("users"."name") FROM "users" -- binds: []"#,
        r#"SELECT lower("users"."name") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(upper(users::hair_color)),
        r#"SELECT upper("users"."hair_color") FROM "users" -- binds: []"#,
        r#"SELECT upper("users"."hair_color") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(length(users::name)),
        r#"SELECT length("users"."name") FROM "users" -- binds: []"#,
        r#"SELECT length("users"."name") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(abs(users::age - 40)),
        r#"SELECT abs(("users"."age" - ?)) FROM "users" -- binds: [40]"#,
        r#"SELECT abs(("users"."age" - $1)) FROM "users" -- binds: [40]"#,
    );
}

#[test]
fn functions_nest_and_combine() {
    golden(
        &users::table
            .filter(lower(users::name).eq("ada"))
            .select(length(upper(users::name)) + 1),
        r#"SELECT (length(upper("users"."name")) + ?) FROM "users" WHERE lower("users"."name") = ? -- binds: [1, "ada"]"#,
        r#"SELECT (length(upper("users"."name")) + $1) FROM "users" WHERE lower("users"."name") = $2 -- binds: [1, "ada"]"#,
    );
}

#[test]
fn coalesce_with_a_value_or_a_column() {
    golden(
        &users::table.select(coalesce(users::hair_color, "none")),
        r#"SELECT COALESCE("users"."hair_color", ?) FROM "users" -- binds: ["none"]"#,
        r#"SELECT COALESCE("users"."hair_color", $1) FROM "users" -- binds: ["none"]"#,
    );
    golden(
        &users::table.select(coalesce(users::hair_color, users::name)),
        r#"SELECT COALESCE("users"."hair_color", "users"."name") FROM "users" -- binds: []"#,
        r#"SELECT COALESCE("users"."hair_color", "users"."name") FROM "users" -- binds: []"#,
    );
    golden(
        &employees::table.select(coalesce(employees::manager_id, 0) + 1),
        r#"SELECT (COALESCE("employees"."manager_id", ?) + ?) FROM "employees" -- binds: [0, 1]"#,
        r#"SELECT (COALESCE("employees"."manager_id", $1) + $2) FROM "employees" -- binds: [0, 1]"#,
    );
}

#[test]
fn now_is_spelled_per_backend() {
    golden(
        &entries::table.select(now()),
        r#"SELECT CURRENT_TIMESTAMP FROM "ledger entries" -- binds: []"#,
        r#"SELECT now() FROM "ledger entries" -- binds: []"#,
    );
    golden(
        &entries::table
            .filter(entries::booked.lt(now()))
            .select(entries::id),
        r#"SELECT "ledger entries"."id" FROM "ledger entries" WHERE "ledger entries"."booked" < CURRENT_TIMESTAMP -- binds: []"#,
        r#"SELECT "ledger entries"."id" FROM "ledger entries" WHERE "ledger entries"."booked" < now() -- binds: []"#,
    );
}

#[test]
fn declared_sql_functions() {
    golden(
        &users::table.select(replace(users::name, "a", "4")),
        r#"SELECT replace("users"."name", ?, ?) FROM "users" -- binds: ["a", "4"]"#,
        r#"SELECT replace("users"."name", $1, $2) FROM "users" -- binds: ["a", "4"]"#,
    );
    golden(
        &users::table.select(trim(users::name)),
        r#"SELECT trim("users"."name") FROM "users" -- binds: []"#,
        r#"SELECT trim("users"."name") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(replace(trim(users::name), users::name, "x")),
        r#"SELECT replace(trim("users"."name"), "users"."name", ?) FROM "users" -- binds: ["x"]"#,
        r#"SELECT replace(trim("users"."name"), "users"."name", $1) FROM "users" -- binds: ["x"]"#,
    );
}

#[test]
fn library_functions_are_spelled_per_backend() {
    use quarry::expr::{
        char_length, current_date, greatest, least, ltrim, nullif, position, replace, round, rtrim,
        substr, substr_from, trim,
    };
    golden(
        &users::table.select(char_length(users::hair_color)),
        r#"SELECT length("users"."hair_color") FROM "users" -- binds: []"#,
        r#"SELECT char_length("users"."hair_color") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select((substr(users::name, 2, 3), substr_from(users::name, 2))),
        r#"SELECT substr("users"."name", ?, ?), substr("users"."name", ?) FROM "users" -- binds: [2, 3, 2]"#,
        r#"SELECT substr("users"."name", $1, $2), substr("users"."name", $3) FROM "users" -- binds: [2, 3, 2]"#,
    );
    golden(
        &users::table.select((
            trim(users::name),
            ltrim(users::name),
            rtrim(users::hair_color),
        )),
        r#"SELECT trim("users"."name"), ltrim("users"."name"), rtrim("users"."hair_color") FROM "users" -- binds: []"#,
        r#"SELECT btrim("users"."name"), ltrim("users"."name"), rtrim("users"."hair_color") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select((replace(users::name, "a", "4"), position(users::name, "a"))),
        r#"SELECT replace("users"."name", ?, ?), instr("users"."name", ?) FROM "users" -- binds: ["a", "4", "a"]"#,
        r#"SELECT replace("users"."name", $1, $2), strpos("users"."name", $3) FROM "users" -- binds: ["a", "4", "a"]"#,
    );
    golden(
        &users::table.select((
            nullif(users::age, 36),
            greatest(users::age, users::id),
            least(users::age, 40),
        )),
        r#"SELECT nullif("users"."age", ?), max("users"."age", "users"."id"), min("users"."age", ?) FROM "users" -- binds: [36, 40]"#,
        r#"SELECT nullif("users"."age", $1), greatest("users"."age", "users"."id"), least("users"."age", $2) FROM "users" -- binds: [36, 40]"#,
    );
    golden(
        &users::table.select((
            round(users::age.cast::<quarry::types::Float8>() / 7.0),
            current_date(),
        )),
        r#"SELECT round((CAST("users"."age" AS REAL) / ?)), CURRENT_DATE FROM "users" -- binds: [7.0]"#,
        r#"SELECT round((CAST("users"."age" AS double precision) / $1)), CURRENT_DATE FROM "users" -- binds: [7.0]"#,
    );
}

#[test]
fn date_parts_are_spelled_per_backend() {
    use quarry::expr::{Hour, Month, Year, extract};
    golden(
        &entries::table.select((
            extract(Year, entries::booked),
            extract(Hour, entries::booked),
        )),
        r#"SELECT CAST(strftime('%Y', "ledger entries"."booked") AS INTEGER), CAST(strftime('%H', "ledger entries"."booked") AS INTEGER) FROM "ledger entries" -- binds: []"#,
        r#"SELECT CAST(EXTRACT(YEAR FROM "ledger entries"."booked") AS INTEGER), CAST(EXTRACT(HOUR FROM "ledger entries"."booked") AS INTEGER) FROM "ledger entries" -- binds: []"#,
    );
    golden(
        &entries::table
            .filter(extract(Month, entries::booked).eq(12))
            .select(entries::id),
        r#"SELECT "ledger entries"."id" FROM "ledger entries" WHERE CAST(strftime('%m', "ledger entries"."booked") AS INTEGER) = ? -- binds: [12]"#,
        r#"SELECT "ledger entries"."id" FROM "ledger entries" WHERE CAST(EXTRACT(MONTH FROM "ledger entries"."booked") AS INTEGER) = $1 -- binds: [12]"#,
    );
}

#[test]
fn floor_and_ceil_are_postgres_only() {
    use quarry::expr::{ceil, floor};
    use quarry::types::Float8;
    golden_pg(
        &users::table.select((
            floor(users::age.cast::<Float8>()),
            ceil(users::age.cast::<Float8>()),
        )),
        r#"SELECT floor(CAST("users"."age" AS double precision)), ceil(CAST("users"."age" AS double precision)) FROM "users" -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// CASE
// ---------------------------------------------------------------------------------

#[test]
fn case_with_one_arm_and_no_else() {
    golden(
        &users::table.select(case_when(users::age.lt(18), "minor")),
        r#"SELECT CASE WHEN "users"."age" < ? THEN ? END FROM "users" -- binds: [18, "minor"]"#,
        r#"SELECT CASE WHEN "users"."age" < $1 THEN $2 END FROM "users" -- binds: [18, "minor"]"#,
    );
}

#[test]
fn case_with_arms_and_else() {
    golden(
        &users::table.select(
            case_when(users::age.lt(18), "minor")
                .when(users::age.lt(65), "adult")
                .otherwise("senior"),
        ),
        r#"SELECT CASE WHEN "users"."age" < ? THEN ? WHEN "users"."age" < ? THEN ? ELSE ? END FROM "users" -- binds: [18, "minor", 65, "adult", "senior"]"#,
        r#"SELECT CASE WHEN "users"."age" < $1 THEN $2 WHEN "users"."age" < $3 THEN $4 ELSE $5 END FROM "users" -- binds: [18, "minor", 65, "adult", "senior"]"#,
    );
}

#[test]
fn case_with_column_values_inside_an_aggregate() {
    golden(
        &users::table.select(case_when(users::active, users::hair_color).otherwise(users::name)),
        r#"SELECT CASE WHEN "users"."active" THEN "users"."hair_color" ELSE "users"."name" END FROM "users" -- binds: []"#,
        r#"SELECT CASE WHEN "users"."active" THEN "users"."hair_color" ELSE "users"."name" END FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(sum(case_when(users::active, 1).otherwise(0))),
        r#"SELECT SUM(CASE WHEN "users"."active" THEN ? ELSE ? END) FROM "users" -- binds: [1, 0]"#,
        r#"SELECT SUM(CASE WHEN "users"."active" THEN $1 ELSE $2 END) FROM "users" -- binds: [1, 0]"#,
    );
}

// ---------------------------------------------------------------------------------
// Aggregates
// ---------------------------------------------------------------------------------

#[test]
fn aggregate_functions() {
    golden(
        &users::table.select(count_star()),
        r#"SELECT COUNT(*) FROM "users" -- binds: []"#,
        r#"SELECT COUNT(*) FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(count(users::hair_color)),
        r#"SELECT COUNT("users"."hair_color") FROM "users" -- binds: []"#,
        r#"SELECT COUNT("users"."hair_color") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(count_distinct(users::hair_color)),
        r#"SELECT COUNT(DISTINCT "users"."hair_color") FROM "users" -- binds: []"#,
        r#"SELECT COUNT(DISTINCT "users"."hair_color") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(sum(users::age)),
        r#"SELECT SUM("users"."age") FROM "users" -- binds: []"#,
        r#"SELECT SUM("users"."age") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(avg(users::age)),
        r#"SELECT AVG("users"."age") FROM "users" -- binds: []"#,
        r#"SELECT AVG("users"."age") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(min(users::name)),
        r#"SELECT MIN("users"."name") FROM "users" -- binds: []"#,
        r#"SELECT MIN("users"."name") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(max(users::age)),
        r#"SELECT MAX("users"."age") FROM "users" -- binds: []"#,
        r#"SELECT MAX("users"."age") FROM "users" -- binds: []"#,
    );
}

#[test]
fn aggregates_of_expressions_side_by_side() {
    golden(
        &users::table.filter(users::active).select((
            count_star(),
            sum(users::age * 2),
            max(lower(users::name)),
        )),
        r#"SELECT COUNT(*), SUM(("users"."age" * ?)), MAX(lower("users"."name")) FROM "users" WHERE "users"."active" -- binds: [2]"#,
        r#"SELECT COUNT(*), SUM(("users"."age" * $1)), MAX(lower("users"."name")) FROM "users" WHERE "users"."active" -- binds: [2]"#,
    );
}

// ---------------------------------------------------------------------------------
// Window functions
// ---------------------------------------------------------------------------------

#[test]
fn ranking_over_an_empty_window() {
    golden(
        &users::table.select((users::name, row_number().over())),
        r#"SELECT "users"."name", ROW_NUMBER() OVER () FROM "users" -- binds: []"#,
        r#"SELECT "users"."name", ROW_NUMBER() OVER () FROM "users" -- binds: []"#,
    );
}

#[test]
fn window_with_partition() {
    golden(
        &users::table.select(rank().over().partition_by(users::hair_color)),
        r#"SELECT RANK() OVER (PARTITION BY "users"."hair_color") FROM "users" -- binds: []"#,
        r#"SELECT RANK() OVER (PARTITION BY "users"."hair_color") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(
            rank()
                .over()
                .partition_by((users::hair_color, users::active)),
        ),
        r#"SELECT RANK() OVER (PARTITION BY "users"."hair_color", "users"."active") FROM "users" -- binds: []"#,
        r#"SELECT RANK() OVER (PARTITION BY "users"."hair_color", "users"."active") FROM "users" -- binds: []"#,
    );
}

#[test]
fn window_with_order_only() {
    // BUG?: a space after the opening parenthesis when there is no PARTITION BY
    // (window.rs, `WindowOrder::walk_window`); valid SQL on both backends.
    golden(
        &users::table.select(dense_rank().over().order_by(users::age.desc())),
        r#"SELECT DENSE_RANK() OVER ( ORDER BY "users"."age" DESC) FROM "users" -- binds: []"#,
        r#"SELECT DENSE_RANK() OVER ( ORDER BY "users"."age" DESC) FROM "users" -- binds: []"#,
    );
}

#[test]
fn window_with_partition_and_order() {
    golden(
        &users::table.select(
            row_number()
                .over()
                .partition_by(users::hair_color)
                .order_by((users::age.desc(), users::id)),
        ),
        r#"SELECT ROW_NUMBER() OVER (PARTITION BY "users"."hair_color" ORDER BY "users"."age" DESC, "users"."id") FROM "users" -- binds: []"#,
        r#"SELECT ROW_NUMBER() OVER (PARTITION BY "users"."hair_color" ORDER BY "users"."age" DESC, "users"."id") FROM "users" -- binds: []"#,
    );
    // Given in the other order, the window renders the same.
    golden(
        &users::table.select(
            row_number()
                .over()
                .order_by(users::age)
                .partition_by(users::hair_color),
        ),
        r#"SELECT ROW_NUMBER() OVER (PARTITION BY "users"."hair_color" ORDER BY "users"."age") FROM "users" -- binds: []"#,
        r#"SELECT ROW_NUMBER() OVER (PARTITION BY "users"."hair_color" ORDER BY "users"."age") FROM "users" -- binds: []"#,
    );
}

#[test]
fn aggregates_over_windows() {
    golden(
        &users::table.select((
            users::name,
            sum(users::age).over().partition_by(users::hair_color),
        )),
        r#"SELECT "users"."name", SUM("users"."age") OVER (PARTITION BY "users"."hair_color") FROM "users" -- binds: []"#,
        r#"SELECT "users"."name", SUM("users"."age") OVER (PARTITION BY "users"."hair_color") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(count_star().over()),
        r#"SELECT COUNT(*) OVER () FROM "users" -- binds: []"#,
        r#"SELECT COUNT(*) OVER () FROM "users" -- binds: []"#,
    );
    golden(
        &entries::table.select(
            row_number()
                .over()
                .partition_by(entries::owner)
                .order_by(entries::amount),
        ),
        r#"SELECT ROW_NUMBER() OVER (PARTITION BY "ledger entries"."user" ORDER BY CAST("ledger entries"."amount" AS NUMERIC)) FROM "ledger entries" -- binds: []"#,
        r#"SELECT ROW_NUMBER() OVER (PARTITION BY "ledger entries"."user" ORDER BY "ledger entries"."amount") FROM "ledger entries" -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// PostgreSQL-only operators
// ---------------------------------------------------------------------------------

#[test]
fn value_window_functions() {
    use quarry::expr::{first_value, lag, lag_by, last_value, lead, lead_by, ntile};
    golden(
        &users::table.select((
            lag(users::age).over().order_by(users::id),
            lead_by(users::name, 2).over().order_by(users::id),
        )),
        r#"SELECT LAG("users"."age") OVER ( ORDER BY "users"."id"), LEAD("users"."name", ?) OVER ( ORDER BY "users"."id") FROM "users" -- binds: [2]"#,
        r#"SELECT LAG("users"."age") OVER ( ORDER BY "users"."id"), LEAD("users"."name", $1) OVER ( ORDER BY "users"."id") FROM "users" -- binds: [2]"#,
    );
    golden(
        &users::table.select((
            lag_by(users::age, 3).over(),
            lead(users::age).over().partition_by(users::active),
            first_value(users::name)
                .over()
                .partition_by(users::active)
                .order_by(users::age),
            ntile(4).over().order_by(users::age.desc()),
        )),
        r#"SELECT LAG("users"."age", ?) OVER (), LEAD("users"."age") OVER (PARTITION BY "users"."active"), FIRST_VALUE("users"."name") OVER (PARTITION BY "users"."active" ORDER BY "users"."age"), NTILE(?) OVER ( ORDER BY "users"."age" DESC) FROM "users" -- binds: [3, 4]"#,
        r#"SELECT LAG("users"."age", $1) OVER (), LEAD("users"."age") OVER (PARTITION BY "users"."active"), FIRST_VALUE("users"."name") OVER (PARTITION BY "users"."active" ORDER BY "users"."age"), NTILE($2) OVER ( ORDER BY "users"."age" DESC) FROM "users" -- binds: [3, 4]"#,
    );
    golden(
        &users::table.select(last_value(users::name).over().order_by(users::age)),
        r#"SELECT LAST_VALUE("users"."name") OVER ( ORDER BY "users"."age") FROM "users" -- binds: []"#,
        r#"SELECT LAST_VALUE("users"."name") OVER ( ORDER BY "users"."age") FROM "users" -- binds: []"#,
    );
}

#[test]
fn window_frames() {
    use quarry::expr::{FrameBound, last_value};
    golden(
        &users::table.select(
            sum(users::age)
                .over()
                .order_by(users::id)
                .rows_between(FrameBound::Preceding(2), FrameBound::CurrentRow),
        ),
        r#"SELECT SUM("users"."age") OVER ( ORDER BY "users"."id" ROWS BETWEEN ? PRECEDING AND CURRENT ROW) FROM "users" -- binds: [2]"#,
        r#"SELECT SUM("users"."age") OVER ( ORDER BY "users"."id" ROWS BETWEEN $1 PRECEDING AND CURRENT ROW) FROM "users" -- binds: [2]"#,
    );
    golden(
        &users::table.select(
            last_value(users::name)
                .over()
                .partition_by(users::active)
                .order_by(users::age)
                .range_between(
                    FrameBound::UnboundedPreceding,
                    FrameBound::UnboundedFollowing,
                ),
        ),
        r#"SELECT LAST_VALUE("users"."name") OVER (PARTITION BY "users"."active" ORDER BY "users"."age" RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM "users" -- binds: []"#,
        r#"SELECT LAST_VALUE("users"."name") OVER (PARTITION BY "users"."active" ORDER BY "users"."age" RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(
            count_star()
                .over()
                .rows_between(FrameBound::CurrentRow, FrameBound::Following(1)),
        ),
        r#"SELECT COUNT(*) OVER ( ROWS BETWEEN CURRENT ROW AND ? FOLLOWING) FROM "users" -- binds: [1]"#,
        r#"SELECT COUNT(*) OVER ( ROWS BETWEEN CURRENT ROW AND $1 FOLLOWING) FROM "users" -- binds: [1]"#,
    );
}

#[test]
fn ilike_and_not_ilike() {
    golden_pg(
        &users::table.select(users::name.ilike("a%")),
        r#"SELECT "users"."name" ILIKE $1 ESCAPE E'\\' FROM "users" -- binds: ["a%"]"#,
    );
    golden_pg(
        &users::table
            .filter(users::hair_color.not_ilike("B%"))
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."hair_color" NOT ILIKE $1 ESCAPE E'\\' -- binds: ["B%"]"#,
    );
}

#[test]
fn array_operators() {
    golden_pg(
        &docs::table.select(docs::tags.contains(vec!["rust"])),
        r#"SELECT "docs"."tags" @> $1 FROM "docs" -- binds: [["rust"]]"#,
    );
    golden_pg(
        &docs::table.select(docs::tags.is_contained_by(vec!["rust", "sql"])),
        r#"SELECT "docs"."tags" <@ $1 FROM "docs" -- binds: [["rust", "sql"]]"#,
    );
    golden_pg(
        &docs::table.select(docs::tags.overlaps_with(vec!["a", "b"])),
        r#"SELECT "docs"."tags" && $1 FROM "docs" -- binds: [["a", "b"]]"#,
    );
    golden_pg(
        &docs::table.select(docs::tags.eq(vec!["x"])),
        r#"SELECT "docs"."tags" = $1 FROM "docs" -- binds: [["x"]]"#,
    );
}

#[test]
fn jsonb_operators() {
    golden_pg(
        &docs::table.select(docs::data.get("a")),
        r#"SELECT ("docs"."data" -> $1) FROM "docs" -- binds: ["a"]"#,
    );
    golden_pg(
        &docs::table.select(docs::data.get_text("a")),
        r#"SELECT ("docs"."data" ->> $1) FROM "docs" -- binds: ["a"]"#,
    );
    golden_pg(
        &docs::table.select(docs::data.get("a").get_text("b")),
        r#"SELECT (("docs"."data" -> $1) ->> $2) FROM "docs" -- binds: ["a", "b"]"#,
    );
    golden_pg(
        &docs::table.select(docs::data.has_key("k")),
        r#"SELECT "docs"."data" ? $1 FROM "docs" -- binds: ["k"]"#,
    );
    golden_pg(
        &docs::table.select(docs::data.contains_json(serde_json::json!({"a": 1}))),
        r#"SELECT "docs"."data" @> $1 FROM "docs" -- binds: ["{\"a\":1}"]"#,
    );
    golden_pg(
        &docs::table
            .filter(docs::data.get_text("kind").eq("note"))
            .select(docs::id),
        r#"SELECT "docs"."id" FROM "docs" WHERE ("docs"."data" ->> $1) = $2 -- binds: ["kind", "note"]"#,
    );
}

#[test]
fn a_table_with_an_array_column_selects_whole_on_postgres() {
    golden_pg(
        &docs::table.into_select(),
        r#"SELECT "docs"."id", "docs"."tags", "docs"."data" FROM "docs" -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// SELECT: select lists
// ---------------------------------------------------------------------------------

#[test]
fn select_a_column_a_tuple_and_a_struct() {
    golden(
        &users::table.select(users::name),
        r#"SELECT "users"."name" FROM "users" -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select((users::id, users::name, users::hair_color)),
        r#"SELECT "users"."id", "users"."name", "users"."hair_color" FROM "users" -- binds: []"#,
        r#"SELECT "users"."id", "users"."name", "users"."hair_color" FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.select(UserName::as_select()),
        r#"SELECT "users"."id", "users"."name" FROM "users" -- binds: []"#,
        r#"SELECT "users"."id", "users"."name" FROM "users" -- binds: []"#,
    );
    // A field named otherwise than its column, whose SQL name is a keyword.
    golden(
        &posts::table.select(PostKind::as_select()),
        r#"SELECT "posts"."title", "posts"."type" FROM "posts" -- binds: []"#,
        r#"SELECT "posts"."title", "posts"."type" FROM "posts" -- binds: []"#,
    );
}

#[test]
fn a_later_select_replaces_the_earlier_one() {
    golden(
        &users::table.select(users::id).select(users::name),
        r#"SELECT "users"."name" FROM "users" -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" -- binds: []"#,
    );
}

#[test]
fn distinct() {
    golden(
        &users::table.select(users::hair_color).distinct(),
        r#"SELECT DISTINCT "users"."hair_color" FROM "users" -- binds: []"#,
        r#"SELECT DISTINCT "users"."hair_color" FROM "users" -- binds: []"#,
    );
    golden(
        &users::table.distinct(),
        r#"SELECT DISTINCT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "users" -- binds: []"#,
        r#"SELECT DISTINCT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "users" -- binds: []"#,
    );
}

#[test]
fn distinct_on() {
    golden_pg(
        &users::table
            .distinct_on(users::hair_color)
            .select((users::hair_color, users::name))
            .order_by((users::hair_color, users::age.desc())),
        r#"SELECT DISTINCT ON ("users"."hair_color") "users"."hair_color", "users"."name" FROM "users" ORDER BY "users"."hair_color", "users"."age" DESC -- binds: []"#,
    );
    golden_pg(
        &users::table.distinct_on((users::hair_color, users::active)),
        r#"SELECT DISTINCT ON ("users"."hair_color", "users"."active") "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "users" -- binds: []"#,
    );
    // `distinct_on` replaces a `distinct` before it.
    golden_pg(
        &users::table
            .select(users::name)
            .distinct()
            .distinct_on(users::age),
        r#"SELECT DISTINCT ON ("users"."age") "users"."name" FROM "users" -- binds: []"#,
    );
    // …and a `distinct` after it changes nothing.
    golden_pg(
        &users::table
            .select(users::name)
            .distinct_on(users::age)
            .distinct(),
        r#"SELECT DISTINCT ON ("users"."age") "users"."name" FROM "users" -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// SELECT: WHERE, ORDER BY, LIMIT, OFFSET, find
// ---------------------------------------------------------------------------------

#[test]
fn one_filter_is_not_parenthesized() {
    golden(
        &users::table.filter(users::active).select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" -- binds: []"#,
    );
}

#[test]
fn filters_are_and_ed() {
    golden(
        &users::table
            .filter(users::active)
            .filter(users::age.gt(18))
            .filter(users::hair_color.is_not_null())
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE (("users"."active" AND "users"."age" > ?) AND "users"."hair_color" IS NOT NULL) -- binds: [18]"#,
        r#"SELECT "users"."id" FROM "users" WHERE (("users"."active" AND "users"."age" > $1) AND "users"."hair_color" IS NOT NULL) -- binds: [18]"#,
    );
}

#[test]
fn or_filter_applies_to_everything_before_it() {
    golden(
        &users::table
            .filter(users::active)
            .filter(users::age.gt(18))
            .or_filter(users::name.eq("root"))
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE (("users"."active" AND "users"."age" > ?) OR "users"."name" = ?) -- binds: [18, "root"]"#,
        r#"SELECT "users"."id" FROM "users" WHERE (("users"."active" AND "users"."age" > $1) OR "users"."name" = $2) -- binds: [18, "root"]"#,
    );
    // Without a filter before it, it is the filter.
    golden(
        &users::table.or_filter(users::active).select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" -- binds: []"#,
    );
}

#[test]
fn order_by_terms() {
    golden(
        &users::table.select(users::id).order_by(users::name),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" -- binds: []"#,
    );
    golden(
        &users::table.select(users::id).order_by(users::name.asc()),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" ASC -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" ASC -- binds: []"#,
    );
    golden(
        &users::table
            .select(users::id)
            .order_by((users::age.desc(), users::name, users::id.asc())),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."age" DESC, "users"."name", "users"."id" ASC -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."age" DESC, "users"."name", "users"."id" ASC -- binds: []"#,
    );
    golden(
        &users::table
            .select(users::id)
            .order_by(length(users::name).desc()),
        r#"SELECT "users"."id" FROM "users" ORDER BY length("users"."name") DESC -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY length("users"."name") DESC -- binds: []"#,
    );
}

#[test]
fn then_order_by_appends_and_order_by_replaces() {
    golden(
        &users::table
            .select(users::id)
            .order_by(users::age)
            .then_order_by(users::name.desc())
            .then_order_by((users::id, users::active)),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."age", "users"."name" DESC, "users"."id", "users"."active" -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."age", "users"."name" DESC, "users"."id", "users"."active" -- binds: []"#,
    );
    golden(
        &users::table
            .select(users::id)
            .order_by(users::age)
            .order_by(users::name),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" -- binds: []"#,
    );
    golden(
        &users::table.select(users::id).then_order_by(users::name),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" -- binds: []"#,
    );
}

#[test]
fn limit_and_offset_are_bind_values() {
    golden(
        &users::table.select(users::id).limit(10),
        r#"SELECT "users"."id" FROM "users" LIMIT ? -- binds: [10]"#,
        r#"SELECT "users"."id" FROM "users" LIMIT $1 -- binds: [10]"#,
    );
    golden(
        &users::table.select(users::id).limit(10).offset(20),
        r#"SELECT "users"."id" FROM "users" LIMIT ? OFFSET ? -- binds: [10, 20]"#,
        r#"SELECT "users"."id" FROM "users" LIMIT $1 OFFSET $2 -- binds: [10, 20]"#,
    );
    // Given in either order, LIMIT comes first.
    golden(
        &users::table.select(users::id).offset(20).limit(10),
        r#"SELECT "users"."id" FROM "users" LIMIT ? OFFSET ? -- binds: [10, 20]"#,
        r#"SELECT "users"."id" FROM "users" LIMIT $1 OFFSET $2 -- binds: [10, 20]"#,
    );
}

#[test]
fn offset_without_limit() {
    // SQLite takes OFFSET only after a LIMIT: -1 is no limit.
    golden(
        &users::table.select(users::id).offset(5),
        r#"SELECT "users"."id" FROM "users" LIMIT -1 OFFSET ? -- binds: [5]"#,
        r#"SELECT "users"."id" FROM "users" OFFSET $1 -- binds: [5]"#,
    );
}

#[test]
fn every_clause_in_order() {
    golden(
        &users::table
            .select(users::name)
            .distinct()
            .filter(users::age.ge(18))
            .order_by(users::name)
            .limit(3)
            .offset(6),
        r#"SELECT DISTINCT "users"."name" FROM "users" WHERE "users"."age" >= ? ORDER BY "users"."name" LIMIT ? OFFSET ? -- binds: [18, 3, 6]"#,
        r#"SELECT DISTINCT "users"."name" FROM "users" WHERE "users"."age" >= $1 ORDER BY "users"."name" LIMIT $2 OFFSET $3 -- binds: [18, 3, 6]"#,
    );
}

#[test]
fn find_by_primary_key() {
    golden(
        &users::table.find(1).select(users::name),
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" = ? -- binds: [1]"#,
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" = $1 -- binds: [1]"#,
    );
    golden(
        &memberships::table.find((1, 2)),
        r#"SELECT "memberships"."user_id", "memberships"."team_id", "memberships"."role" FROM "memberships" WHERE ("memberships"."user_id" = ? AND "memberships"."team_id" = ?) -- binds: [1, 2]"#,
        r#"SELECT "memberships"."user_id", "memberships"."team_id", "memberships"."role" FROM "memberships" WHERE ("memberships"."user_id" = $1 AND "memberships"."team_id" = $2) -- binds: [1, 2]"#,
    );
    // After a filter, AND-ed like one.
    golden(
        &users::table.filter(users::active).find(7).select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE ("users"."active" AND "users"."id" = ?) -- binds: [7]"#,
        r#"SELECT "users"."id" FROM "users" WHERE ("users"."active" AND "users"."id" = $1) -- binds: [7]"#,
    );
}

// ---------------------------------------------------------------------------------
// SELECT COUNT(*)
// ---------------------------------------------------------------------------------

#[test]
fn count_of_a_plain_query_drops_its_ordering() {
    golden(
        &users::table.count(),
        r#"SELECT COUNT(*) FROM "users" -- binds: []"#,
        r#"SELECT COUNT(*) FROM "users" -- binds: []"#,
    );
    golden(
        &users::table
            .filter(users::age.gt(18))
            .order_by(users::name)
            .select(users::name)
            .count(),
        r#"SELECT COUNT(*) FROM "users" WHERE "users"."age" > ? -- binds: [18]"#,
        r#"SELECT COUNT(*) FROM "users" WHERE "users"."age" > $1 -- binds: [18]"#,
    );
    golden(
        &users::table.inner_join(posts::table).count(),
        r#"SELECT COUNT(*) FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" -- binds: []"#,
        r#"SELECT COUNT(*) FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" -- binds: []"#,
    );
}

#[test]
fn count_of_a_limited_or_distinct_query_is_a_subquery() {
    golden(
        &users::table.select(users::id).limit(3).count(),
        r#"SELECT COUNT(*) FROM (SELECT "users"."id" FROM "users" LIMIT ?) AS "counted" -- binds: [3]"#,
        r#"SELECT COUNT(*) FROM (SELECT "users"."id" FROM "users" LIMIT $1) AS "counted" -- binds: [3]"#,
    );
    golden(
        &users::table.select(users::id).offset(3).count(),
        r#"SELECT COUNT(*) FROM (SELECT "users"."id" FROM "users" LIMIT -1 OFFSET ?) AS "counted" -- binds: [3]"#,
        r#"SELECT COUNT(*) FROM (SELECT "users"."id" FROM "users" OFFSET $1) AS "counted" -- binds: [3]"#,
    );
    golden(
        &users::table.select(users::hair_color).distinct().count(),
        r#"SELECT COUNT(*) FROM (SELECT DISTINCT "users"."hair_color" FROM "users") AS "counted" -- binds: []"#,
        r#"SELECT COUNT(*) FROM (SELECT DISTINCT "users"."hair_color" FROM "users") AS "counted" -- binds: []"#,
    );
    golden_pg(
        &users::table
            .distinct_on(users::hair_color)
            .select(users::id)
            .count(),
        r#"SELECT COUNT(*) FROM (SELECT DISTINCT ON ("users"."hair_color") "users"."id" FROM "users") AS "counted" -- binds: []"#,
    );
}

#[test]
fn count_of_a_limited_join_keeps_every_column() {
    golden(
        &users::table.inner_join(posts::table).limit(1).count(),
        r#"SELECT COUNT(*) FROM (SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active", "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" LIMIT ?) AS "counted" -- binds: [1]"#,
        r#"SELECT COUNT(*) FROM (SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active", "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" LIMIT $1) AS "counted" -- binds: [1]"#,
    );
    golden(
        &employees::table
            .inner_join(
                managers.on(managers
                    .col(employees::id)
                    .nullable()
                    .eq(employees::manager_id)),
            )
            .limit(2)
            .count(),
        r#"SELECT COUNT(*) FROM (SELECT "employees"."id", "employees"."name", "employees"."manager_id", "managers"."id", "managers"."name", "managers"."manager_id" FROM "employees" INNER JOIN "employees" AS "managers" ON "managers"."id" = "employees"."manager_id" LIMIT ?) AS "counted" -- binds: [2]"#,
        r#"SELECT COUNT(*) FROM (SELECT "employees"."id", "employees"."name", "employees"."manager_id", "managers"."id", "managers"."name", "managers"."manager_id" FROM "employees" INNER JOIN "employees" AS "managers" ON "managers"."id" = "employees"."manager_id" LIMIT $1) AS "counted" -- binds: [2]"#,
    );
}

#[test]
fn count_of_a_grouped_query_counts_groups() {
    golden(
        &posts::table.group_by(posts::user_id).count(),
        r#"SELECT COUNT(*) FROM (SELECT 1 FROM "posts" GROUP BY "posts"."user_id") AS "counted" -- binds: []"#,
        r#"SELECT COUNT(*) FROM (SELECT 1 FROM "posts" GROUP BY "posts"."user_id") AS "counted" -- binds: []"#,
    );
    golden(
        &posts::table
            .group_by(posts::user_id)
            .having(count_star().gt(1_i64))
            .select((posts::user_id, count_star()))
            .count(),
        r#"SELECT COUNT(*) FROM (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id" HAVING COUNT(*) > ?) AS "counted" -- binds: [1]"#,
        r#"SELECT COUNT(*) FROM (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id" HAVING COUNT(*) > $1) AS "counted" -- binds: [1]"#,
    );
}

// ---------------------------------------------------------------------------------
// GROUP BY and HAVING
// ---------------------------------------------------------------------------------

#[test]
fn group_by_one_column() {
    golden(
        &posts::table
            .group_by(posts::user_id)
            .select((posts::user_id, count_star())),
        r#"SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id" -- binds: []"#,
        r#"SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id" -- binds: []"#,
    );
}

#[test]
fn group_by_a_tuple_of_columns() {
    golden(
        &posts::table
            .group_by((posts::user_id, posts::kind))
            .select((posts::user_id, posts::kind, sum(posts::views))),
        r#"SELECT "posts"."user_id", "posts"."type", SUM("posts"."views") FROM "posts" GROUP BY "posts"."user_id", "posts"."type" -- binds: []"#,
        r#"SELECT "posts"."user_id", "posts"."type", SUM("posts"."views") FROM "posts" GROUP BY "posts"."user_id", "posts"."type" -- binds: []"#,
    );
}

#[test]
fn having_conditions_are_and_ed() {
    golden(
        &posts::table
            .group_by(posts::user_id)
            .having(count_star().gt(1_i64))
            .select(posts::user_id),
        r#"SELECT "posts"."user_id" FROM "posts" GROUP BY "posts"."user_id" HAVING COUNT(*) > ? -- binds: [1]"#,
        r#"SELECT "posts"."user_id" FROM "posts" GROUP BY "posts"."user_id" HAVING COUNT(*) > $1 -- binds: [1]"#,
    );
    golden(
        &posts::table
            .group_by(posts::user_id)
            .having(count_star().gt(1_i64))
            .having(max(posts::views).lt(Some(1000_i64)))
            .select(posts::user_id),
        r#"SELECT "posts"."user_id" FROM "posts" GROUP BY "posts"."user_id" HAVING (COUNT(*) > ? AND MAX("posts"."views") < ?) -- binds: [1, 1000]"#,
        r#"SELECT "posts"."user_id" FROM "posts" GROUP BY "posts"."user_id" HAVING (COUNT(*) > $1 AND MAX("posts"."views") < $2) -- binds: [1, 1000]"#,
    );
}

#[test]
fn grouped_query_with_every_clause() {
    golden(
        &posts::table
            .filter(posts::views.gt(0_i64))
            .group_by(posts::user_id)
            .having(count_star().ge(2_i64))
            .select((posts::user_id, sum(posts::views)))
            .order_by(posts::user_id.desc())
            .limit(10),
        r#"SELECT "posts"."user_id", SUM("posts"."views") FROM "posts" WHERE "posts"."views" > ? GROUP BY "posts"."user_id" HAVING COUNT(*) >= ? ORDER BY "posts"."user_id" DESC LIMIT ? -- binds: [0, 2, 10]"#,
        r#"SELECT "posts"."user_id", SUM("posts"."views") FROM "posts" WHERE "posts"."views" > $1 GROUP BY "posts"."user_id" HAVING COUNT(*) >= $2 ORDER BY "posts"."user_id" DESC LIMIT $3 -- binds: [0, 2, 10]"#,
    );
}

#[test]
fn group_by_over_a_join() {
    golden(
        &users::table
            .left_join(posts::table)
            .group_by(users::id)
            .select((users::id, count(posts::id.nullable()))),
        r#"SELECT "users"."id", COUNT("posts"."id") FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" GROUP BY "users"."id" -- binds: []"#,
        r#"SELECT "users"."id", COUNT("posts"."id") FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" GROUP BY "users"."id" -- binds: []"#,
    );
}

#[test]
fn group_by_before_a_join() {
    golden(
        &posts::table
            .group_by(posts::user_id)
            .having(count_star().gt(1_i64))
            .inner_join(users::table)
            .select((posts::user_id, count_star())),
        r#"SELECT "posts"."user_id", COUNT(*) FROM "posts" INNER JOIN "users" ON "posts"."user_id" = "users"."id" GROUP BY "posts"."user_id" HAVING COUNT(*) > ? -- binds: [1]"#,
        r#"SELECT "posts"."user_id", COUNT(*) FROM "posts" INNER JOIN "users" ON "posts"."user_id" = "users"."id" GROUP BY "posts"."user_id" HAVING COUNT(*) > $1 -- binds: [1]"#,
    );
}

// ---------------------------------------------------------------------------------
// Joins
// ---------------------------------------------------------------------------------

#[test]
fn inner_join_infers_on_from_the_foreign_key() {
    golden(
        &users::table.inner_join(posts::table),
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active", "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" -- binds: []"#,
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active", "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" -- binds: []"#,
    );
}

#[test]
fn join_from_the_referencing_side() {
    golden(
        &posts::table
            .inner_join(users::table)
            .select((posts::title, users::name)),
        r#"SELECT "posts"."title", "users"."name" FROM "posts" INNER JOIN "users" ON "posts"."user_id" = "users"."id" -- binds: []"#,
        r#"SELECT "posts"."title", "users"."name" FROM "posts" INNER JOIN "users" ON "posts"."user_id" = "users"."id" -- binds: []"#,
    );
}

#[test]
fn left_join() {
    golden(
        &users::table
            .left_join(posts::table)
            .select((users::name, posts::title)),
        r#"SELECT "users"."name", "posts"."title" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" -- binds: []"#,
        r#"SELECT "users"."name", "posts"."title" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" -- binds: []"#,
    );
    // A struct of the left-joined table selects its columns as usual.
    golden(
        &users::table
            .left_join(posts::table)
            .select((UserName::as_select(), PostKind::as_select())),
        r#"SELECT "users"."id", "users"."name", "posts"."title", "posts"."type" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" -- binds: []"#,
        r#"SELECT "users"."id", "users"."name", "posts"."title", "posts"."type" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" -- binds: []"#,
    );
}

#[test]
fn join_on_a_nullable_foreign_key_of_a_quoted_table() {
    golden(
        &entries::table
            .inner_join(users::table)
            .select((entries::id, users::name)),
        r#"SELECT "ledger entries"."id", "users"."name" FROM "ledger entries" INNER JOIN "users" ON "ledger entries"."user" = "users"."id" -- binds: []"#,
        r#"SELECT "ledger entries"."id", "users"."name" FROM "ledger entries" INNER JOIN "users" ON "ledger entries"."user" = "users"."id" -- binds: []"#,
    );
}

#[test]
fn three_table_join_finds_each_key() {
    golden(
        &users::table
            .inner_join(posts::table)
            .left_join(memberships::table)
            .select((users::name, posts::title, memberships::role)),
        r#"SELECT "users"."name", "posts"."title", "memberships"."role" FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" LEFT JOIN "memberships" ON "memberships"."user_id" = "users"."id" -- binds: []"#,
        r#"SELECT "users"."name", "posts"."title", "memberships"."role" FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" LEFT JOIN "memberships" ON "memberships"."user_id" = "users"."id" -- binds: []"#,
    );
}

#[test]
fn join_with_an_explicit_on() {
    golden(
        &users::table
            .inner_join(employees::table.on(employees::name.eq(users::name)))
            .select((users::id, employees::id)),
        r#"SELECT "users"."id", "employees"."id" FROM "users" INNER JOIN "employees" ON "employees"."name" = "users"."name" -- binds: []"#,
        r#"SELECT "users"."id", "employees"."id" FROM "users" INNER JOIN "employees" ON "employees"."name" = "users"."name" -- binds: []"#,
    );
    golden(
        &users::table
            .left_join(posts::table.on(posts::user_id.eq(users::id).and(posts::kind.eq("draft"))))
            .select((users::name, posts::title)),
        r#"SELECT "users"."name", "posts"."title" FROM "users" LEFT JOIN "posts" ON ("posts"."user_id" = "users"."id" AND "posts"."type" = ?) -- binds: ["draft"]"#,
        r#"SELECT "users"."name", "posts"."title" FROM "users" LEFT JOIN "posts" ON ("posts"."user_id" = "users"."id" AND "posts"."type" = $1) -- binds: ["draft"]"#,
    );
}

#[test]
fn left_join_default_selection() {
    golden(
        &memberships::table.left_join(users::table),
        r#"SELECT "memberships"."user_id", "memberships"."team_id", "memberships"."role", "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "memberships" LEFT JOIN "users" ON "memberships"."user_id" = "users"."id" -- binds: []"#,
        r#"SELECT "memberships"."user_id", "memberships"."team_id", "memberships"."role", "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "memberships" LEFT JOIN "users" ON "memberships"."user_id" = "users"."id" -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// Aliases
// ---------------------------------------------------------------------------------

#[test]
fn self_join_through_an_alias() {
    golden(
        &employees::table
            .left_join(
                managers.on(managers
                    .col(employees::id)
                    .nullable()
                    .eq(employees::manager_id)),
            )
            .select((employees::name, managers.col(employees::name))),
        r#"SELECT "employees"."name", "managers"."name" FROM "employees" LEFT JOIN "employees" AS "managers" ON "managers"."id" = "employees"."manager_id" -- binds: []"#,
        r#"SELECT "employees"."name", "managers"."name" FROM "employees" LEFT JOIN "employees" AS "managers" ON "managers"."id" = "employees"."manager_id" -- binds: []"#,
    );
}

#[test]
fn alias_default_selection_names_the_alias() {
    golden(
        &employees::table.inner_join(
            managers.on(managers
                .col(employees::id)
                .nullable()
                .eq(employees::manager_id)),
        ),
        r#"SELECT "employees"."id", "employees"."name", "employees"."manager_id", "managers"."id", "managers"."name", "managers"."manager_id" FROM "employees" INNER JOIN "employees" AS "managers" ON "managers"."id" = "employees"."manager_id" -- binds: []"#,
        r#"SELECT "employees"."id", "employees"."name", "employees"."manager_id", "managers"."id", "managers"."name", "managers"."manager_id" FROM "employees" INNER JOIN "employees" AS "managers" ON "managers"."id" = "employees"."manager_id" -- binds: []"#,
    );
}

#[test]
fn aliased_columns_in_filters_and_ordering() {
    golden(
        &posts::table
            .inner_join(authors.on(authors.col(users::id).eq(posts::user_id)))
            .filter(authors.col(users::age).gt(30))
            .select((posts::title, authors.col(users::name)))
            .order_by(authors.col(users::name).desc()),
        r#"SELECT "posts"."title", "authors"."name" FROM "posts" INNER JOIN "users" AS "authors" ON "authors"."id" = "posts"."user_id" WHERE "authors"."age" > ? ORDER BY "authors"."name" DESC -- binds: [30]"#,
        r#"SELECT "posts"."title", "authors"."name" FROM "posts" INNER JOIN "users" AS "authors" ON "authors"."id" = "posts"."user_id" WHERE "authors"."age" > $1 ORDER BY "authors"."name" DESC -- binds: [30]"#,
    );
}

// ---------------------------------------------------------------------------------
// Subqueries
// ---------------------------------------------------------------------------------

#[test]
fn in_and_not_in_a_subquery() {
    golden(
        &users::table
            .filter(users::id.eq_any(posts::table.select(posts::user_id)))
            .select(users::name),
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" IN (SELECT "posts"."user_id" FROM "posts") -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" IN (SELECT "posts"."user_id" FROM "posts") -- binds: []"#,
    );
    golden(
        &users::table
            .filter(users::id.ne_all(memberships::table.select(memberships::user_id)))
            .select(users::name),
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" NOT IN (SELECT "memberships"."user_id" FROM "memberships") -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" NOT IN (SELECT "memberships"."user_id" FROM "memberships") -- binds: []"#,
    );
}

#[test]
fn subquery_binds_are_numbered_where_they_stand() {
    golden(
        &users::table
            .filter(users::age.gt(18))
            .filter(
                users::id.eq_any(
                    posts::table
                        .filter(posts::views.gt(100_i64))
                        .select(posts::user_id),
                ),
            )
            .select(users::name)
            .limit(5),
        r#"SELECT "users"."name" FROM "users" WHERE ("users"."age" > ? AND "users"."id" IN (SELECT "posts"."user_id" FROM "posts" WHERE "posts"."views" > ?)) LIMIT ? -- binds: [18, 100, 5]"#,
        r#"SELECT "users"."name" FROM "users" WHERE ("users"."age" > $1 AND "users"."id" IN (SELECT "posts"."user_id" FROM "posts" WHERE "posts"."views" > $2)) LIMIT $3 -- binds: [18, 100, 5]"#,
    );
}

#[test]
fn exists_and_not_exists() {
    golden(
        &users::table
            .filter(exists(posts::table.filter(posts::views.gt(1000_i64))))
            .select(users::id),
        r#"SELECT "users"."id" FROM "users" WHERE EXISTS (SELECT "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "posts" WHERE "posts"."views" > ?) -- binds: [1000]"#,
        r#"SELECT "users"."id" FROM "users" WHERE EXISTS (SELECT "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "posts" WHERE "posts"."views" > $1) -- binds: [1000]"#,
    );
    golden(
        &users::table.select((users::id, not_exists(memberships::table))),
        r#"SELECT "users"."id", NOT EXISTS (SELECT "memberships"."user_id", "memberships"."team_id", "memberships"."role" FROM "memberships") FROM "users" -- binds: []"#,
        r#"SELECT "users"."id", NOT EXISTS (SELECT "memberships"."user_id", "memberships"."team_id", "memberships"."role" FROM "memberships") FROM "users" -- binds: []"#,
    );
}

#[test]
fn scalar_subqueries() {
    golden(
        &users::table.select((
            users::name,
            posts::table.select(count_star()).single_value(),
        )),
        r#"SELECT "users"."name", (SELECT COUNT(*) FROM "posts") FROM "users" -- binds: []"#,
        r#"SELECT "users"."name", (SELECT COUNT(*) FROM "posts") FROM "users" -- binds: []"#,
    );
    golden(
        &users::table
            .filter(
                users::age
                    .nullable()
                    .eq(users::table.select(max(users::age)).single_value()),
            )
            .select(users::name),
        r#"SELECT "users"."name" FROM "users" WHERE "users"."age" = (SELECT MAX("users"."age") FROM "users") -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" WHERE "users"."age" = (SELECT MAX("users"."age") FROM "users") -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// Set operations
// ---------------------------------------------------------------------------------

#[test]
fn set_operators() {
    let left = || users::table.select(users::name);
    let right = || employees::table.select(employees::name);
    golden(
        &left().union(right()),
        r#"SELECT "users"."name" FROM "users" UNION SELECT "employees"."name" FROM "employees" -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" UNION SELECT "employees"."name" FROM "employees" -- binds: []"#,
    );
    golden(
        &left().union_all(right()),
        r#"SELECT "users"."name" FROM "users" UNION ALL SELECT "employees"."name" FROM "employees" -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" UNION ALL SELECT "employees"."name" FROM "employees" -- binds: []"#,
    );
    golden(
        &left().intersect(right()),
        r#"SELECT "users"."name" FROM "users" INTERSECT SELECT "employees"."name" FROM "employees" -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" INTERSECT SELECT "employees"."name" FROM "employees" -- binds: []"#,
    );
    golden(
        &left().except(right()),
        r#"SELECT "users"."name" FROM "users" EXCEPT SELECT "employees"."name" FROM "employees" -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" EXCEPT SELECT "employees"."name" FROM "employees" -- binds: []"#,
    );
}

#[test]
fn set_operations_chain_left_to_right_with_their_binds() {
    golden(
        &users::table
            .filter(users::age.gt(30))
            .select(users::name)
            .union(
                employees::table
                    .filter(employees::id.eq(2))
                    .select(employees::name),
            )
            .except(users::table.filter(users::active).select(users::name)),
        r#"SELECT "users"."name" FROM "users" WHERE "users"."age" > ? UNION SELECT "employees"."name" FROM "employees" WHERE "employees"."id" = ? EXCEPT SELECT "users"."name" FROM "users" WHERE "users"."active" -- binds: [30, 2]"#,
        r#"SELECT "users"."name" FROM "users" WHERE "users"."age" > $1 UNION SELECT "employees"."name" FROM "employees" WHERE "employees"."id" = $2 EXCEPT SELECT "users"."name" FROM "users" WHERE "users"."active" -- binds: [30, 2]"#,
    );
}

#[test]
fn set_operands_that_would_change_meaning_are_subqueries() {
    let young = || users::table.filter(users::age.lt(37)).select(users::id);
    // A set operation on the right.
    golden(
        &young().except(young().union(young())),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."age" < ? EXCEPT SELECT * FROM (SELECT "users"."id" FROM "users" WHERE "users"."age" < ? UNION SELECT "users"."id" FROM "users" WHERE "users"."age" < ?) AS "quarry_operand" -- binds: [37, 37, 37]"#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."age" < $1 EXCEPT SELECT * FROM (SELECT "users"."id" FROM "users" WHERE "users"."age" < $2 UNION SELECT "users"."id" FROM "users" WHERE "users"."age" < $3) AS "quarry_operand" -- binds: [37, 37, 37]"#,
    );
    // A UNION on the left of an INTERSECT; an INTERSECT on the left stays as it is.
    golden(
        &young().union(young()).intersect(young()),
        r#"SELECT * FROM (SELECT "users"."id" FROM "users" WHERE "users"."age" < ? UNION SELECT "users"."id" FROM "users" WHERE "users"."age" < ?) AS "quarry_operand" INTERSECT SELECT "users"."id" FROM "users" WHERE "users"."age" < ? -- binds: [37, 37, 37]"#,
        r#"SELECT * FROM (SELECT "users"."id" FROM "users" WHERE "users"."age" < $1 UNION SELECT "users"."id" FROM "users" WHERE "users"."age" < $2) AS "quarry_operand" INTERSECT SELECT "users"."id" FROM "users" WHERE "users"."age" < $3 -- binds: [37, 37, 37]"#,
    );
    golden(
        &young().intersect(young()).union(young()),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."age" < ? INTERSECT SELECT "users"."id" FROM "users" WHERE "users"."age" < ? UNION SELECT "users"."id" FROM "users" WHERE "users"."age" < ? -- binds: [37, 37, 37]"#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."age" < $1 INTERSECT SELECT "users"."id" FROM "users" WHERE "users"."age" < $2 UNION SELECT "users"."id" FROM "users" WHERE "users"."age" < $3 -- binds: [37, 37, 37]"#,
    );
    // An operand with its own ORDER BY and LIMIT.
    golden(
        &young().order_by(users::id).limit(1).union(young()),
        r#"SELECT * FROM (SELECT "users"."id" FROM "users" WHERE "users"."age" < ? ORDER BY "users"."id" LIMIT ?) AS "quarry_operand" UNION SELECT "users"."id" FROM "users" WHERE "users"."age" < ? -- binds: [37, 1, 37]"#,
        r#"SELECT * FROM (SELECT "users"."id" FROM "users" WHERE "users"."age" < $1 ORDER BY "users"."id" LIMIT $2) AS "quarry_operand" UNION SELECT "users"."id" FROM "users" WHERE "users"."age" < $3 -- binds: [37, 1, 37]"#,
    );
}

#[test]
fn set_operation_of_whole_tables() {
    golden(
        &chain::table.union(chain::table.filter(chain::id.eq(1))),
        r#"SELECT "chain"."id", "chain"."manager_id" FROM "chain" UNION SELECT "chain"."id", "chain"."manager_id" FROM "chain" WHERE "chain"."id" = ? -- binds: [1]"#,
        r#"SELECT "chain"."id", "chain"."manager_id" FROM "chain" UNION SELECT "chain"."id", "chain"."manager_id" FROM "chain" WHERE "chain"."id" = $1 -- binds: [1]"#,
    );
}

// ---------------------------------------------------------------------------------
// Common table expressions
// ---------------------------------------------------------------------------------

#[test]
fn cte_read_as_a_table() {
    golden(
        &with(
            prolific::table,
            posts::table
                .group_by(posts::user_id)
                .select((posts::user_id, count_star())),
        )
        .into_select(),
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT "prolific"."user_id", "prolific"."posts" FROM "prolific" -- binds: []"#,
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT "prolific"."user_id", "prolific"."posts" FROM "prolific" -- binds: []"#,
    );
}

#[test]
fn cte_filtered_joined_and_numbered_after_its_query() {
    golden(
        &with(
            prolific::table,
            posts::table
                .filter(posts::views.gt(100_i64))
                .group_by(posts::user_id)
                .select((posts::user_id, count_star())),
        )
        .filter(prolific::posts.ge(2_i64))
        .inner_join(users::table)
        .select((users::name, prolific::posts))
        .order_by(users::name),
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" WHERE "posts"."views" > ? GROUP BY "posts"."user_id") SELECT "users"."name", "prolific"."posts" FROM "prolific" INNER JOIN "users" ON "prolific"."user_id" = "users"."id" WHERE "prolific"."posts" >= ? ORDER BY "users"."name" -- binds: [100, 2]"#,
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" WHERE "posts"."views" > $1 GROUP BY "posts"."user_id") SELECT "users"."name", "prolific"."posts" FROM "prolific" INNER JOIN "users" ON "prolific"."user_id" = "users"."id" WHERE "prolific"."posts" >= $2 ORDER BY "users"."name" -- binds: [100, 2]"#,
    );
}

#[test]
fn recursive_cte() {
    let start = employees::table
        .filter(employees::id.eq(3))
        .select((employees::id, employees::manager_id));
    let step = employees::table
        .inner_join(chain::table.on(employees::id.nullable().eq(chain::manager_id)))
        .select((employees::id, employees::manager_id));
    golden(
        &with_recursive(chain::table, start.union_all(step))
            .select(chain::id)
            .order_by(chain::id),
        r#"WITH RECURSIVE "chain" ("id", "manager_id") AS (SELECT "employees"."id", "employees"."manager_id" FROM "employees" WHERE "employees"."id" = ? UNION ALL SELECT "employees"."id", "employees"."manager_id" FROM "employees" INNER JOIN "chain" ON "employees"."id" = "chain"."manager_id") SELECT "chain"."id" FROM "chain" ORDER BY "chain"."id" -- binds: [3]"#,
        r#"WITH RECURSIVE "chain" ("id", "manager_id") AS (SELECT "employees"."id", "employees"."manager_id" FROM "employees" WHERE "employees"."id" = $1 UNION ALL SELECT "employees"."id", "employees"."manager_id" FROM "employees" INNER JOIN "chain" ON "employees"."id" = "chain"."manager_id") SELECT "chain"."id" FROM "chain" ORDER BY "chain"."id" -- binds: [3]"#,
    );
}

#[test]
fn count_of_a_cte() {
    let cte = || {
        with(
            prolific::table,
            posts::table
                .group_by(posts::user_id)
                .select((posts::user_id, count_star())),
        )
    };
    golden(
        &cte().count(),
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT COUNT(*) FROM "prolific" -- binds: []"#,
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT COUNT(*) FROM "prolific" -- binds: []"#,
    );
    golden(
        &cte().limit(2).count(),
        r#"SELECT COUNT(*) FROM (WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT "prolific"."user_id", "prolific"."posts" FROM "prolific" LIMIT ?) AS "counted" -- binds: [2]"#,
        r#"SELECT COUNT(*) FROM (WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT "prolific"."user_id", "prolific"."posts" FROM "prolific" LIMIT $1) AS "counted" -- binds: [2]"#,
    );
}

#[test]
fn cte_as_a_subquery_and_as_the_first_operand_of_a_union() {
    let cte = || {
        with(
            prolific::table,
            posts::table
                .group_by(posts::user_id)
                .select((posts::user_id, count_star())),
        )
    };
    golden(
        &users::table
            .filter(users::id.eq_any(cte().select(prolific::user_id)))
            .select(users::name),
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" IN (WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT "prolific"."user_id" FROM "prolific") -- binds: []"#,
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" IN (WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT "prolific"."user_id" FROM "prolific") -- binds: []"#,
    );
    golden(
        &cte()
            .select(prolific::user_id)
            .union(memberships::table.select(memberships::user_id)),
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT "prolific"."user_id" FROM "prolific" UNION SELECT "memberships"."user_id" FROM "memberships" -- binds: []"#,
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" GROUP BY "posts"."user_id") SELECT "prolific"."user_id" FROM "prolific" UNION SELECT "memberships"."user_id" FROM "memberships" -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// Boxed queries
// ---------------------------------------------------------------------------------

#[test]
fn boxed_table() {
    golden_each(
        per_backend!(DB => users::table.into_boxed::<DB>()),
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "users" -- binds: []"#,
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active" FROM "users" -- binds: []"#,
    );
}

#[test]
fn boxed_filters_group_each_connective_over_the_ones_before() {
    golden_each(
        per_backend!(DB => users::table
            .select(users::name)
            .filter(users::age.gt(18))
            .into_boxed::<DB>()
            .filter(users::active)
            .or_filter(users::hair_color.is_null())
            .filter(users::id.ne(1))),
        r#"SELECT "users"."name" FROM "users" WHERE ((("users"."age" > ? AND "users"."active") OR "users"."hair_color" IS NULL) AND "users"."id" <> ?) -- binds: [18, 1]"#,
        r#"SELECT "users"."name" FROM "users" WHERE ((("users"."age" > $1 AND "users"."active") OR "users"."hair_color" IS NULL) AND "users"."id" <> $2) -- binds: [18, 1]"#,
    );
    // A first `or_filter` is the filter.
    golden_each(
        per_backend!(DB => users::table
            .select(users::id)
            .into_boxed::<DB>()
            .or_filter(users::active)),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" -- binds: []"#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" -- binds: []"#,
    );
}

#[test]
fn boxed_ordering_limit_offset_and_distinct() {
    golden_each(
        per_backend!(DB => users::table
            .select((users::name, users::age))
            .distinct()
            .order_by(users::age)
            .into_boxed::<DB>()
            .then_order_by(users::name.desc())
            .limit(10)
            .offset(5)),
        r#"SELECT DISTINCT "users"."name", "users"."age" FROM "users" ORDER BY "users"."age", "users"."name" DESC LIMIT ? OFFSET ? -- binds: [10, 5]"#,
        r#"SELECT DISTINCT "users"."name", "users"."age" FROM "users" ORDER BY "users"."age", "users"."name" DESC LIMIT $1 OFFSET $2 -- binds: [10, 5]"#,
    );
    golden_each(
        per_backend!(DB => users::table
            .select(users::id)
            .into_boxed::<DB>()
            .order_by(users::age)
            .order_by((users::name, users::id.desc()))
            .offset(5)),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name", "users"."id" DESC LIMIT -1 OFFSET ? -- binds: [5]"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name", "users"."id" DESC OFFSET $1 -- binds: [5]"#,
    );
}

#[test]
fn boxed_join_and_cte() {
    golden_each(
        per_backend!(DB => users::table
            .left_join(posts::table)
            .into_boxed::<DB>()
            .filter(posts::title.nullable().eq("x"))),
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active", "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" WHERE "posts"."title" = ? -- binds: ["x"]"#,
        r#"SELECT "users"."id", "users"."name", "users"."hair_color", "users"."age", "users"."active", "posts"."id", "posts"."user_id", "posts"."title", "posts"."type", "posts"."views" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id" WHERE "posts"."title" = $1 -- binds: ["x"]"#,
    );
    golden_each(
        per_backend!(DB => with(
            prolific::table,
            posts::table
                .filter(posts::views.gt(1_i64))
                .group_by(posts::user_id)
                .select((posts::user_id, count_star())),
        )
        .into_boxed::<DB>()
        .filter(prolific::posts.gt(2_i64))),
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" WHERE "posts"."views" > ? GROUP BY "posts"."user_id") SELECT "prolific"."user_id", "prolific"."posts" FROM "prolific" WHERE "prolific"."posts" > ? -- binds: [1, 2]"#,
        r#"WITH "prolific" ("user_id", "posts") AS (SELECT "posts"."user_id", COUNT(*) FROM "posts" WHERE "posts"."views" > $1 GROUP BY "posts"."user_id") SELECT "prolific"."user_id", "prolific"."posts" FROM "prolific" WHERE "prolific"."posts" > $2 -- binds: [1, 2]"#,
    );
}

#[test]
fn boxed_pg_only_filter() {
    golden_pg(
        &users::table
            .select(users::id)
            .into_boxed::<Pg>()
            .filter(users::name.ilike("a%"))
            .filter(users::id.eq_any([1, 2])),
        r#"SELECT "users"."id" FROM "users" WHERE ("users"."name" ILIKE $1 ESCAPE E'\\' AND "users"."id" = ANY($2)) -- binds: ["a%", [1, 2]]"#,
    );
}

// ---------------------------------------------------------------------------------
// Row locks (PostgreSQL only)
// ---------------------------------------------------------------------------------

#[test]
fn lock_strengths() {
    let q = || users::table.filter(users::active).select(users::id);
    golden_pg(
        &q().for_update(),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" FOR UPDATE -- binds: []"#,
    );
    golden_pg(
        &q().for_no_key_update(),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" FOR NO KEY UPDATE -- binds: []"#,
    );
    golden_pg(
        &q().for_share(),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" FOR SHARE -- binds: []"#,
    );
    golden_pg(
        &q().for_key_share(),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."active" FOR KEY SHARE -- binds: []"#,
    );
}

#[test]
fn lock_wait_policies_come_after_limit() {
    let q = || {
        users::table
            .select(users::id)
            .order_by(users::id)
            .limit(1)
            .offset(2)
    };
    golden_pg(
        &q().for_update().skip_locked(),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."id" LIMIT $1 OFFSET $2 FOR UPDATE SKIP LOCKED -- binds: [1, 2]"#,
    );
    golden_pg(
        &q().for_share().no_wait(),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."id" LIMIT $1 OFFSET $2 FOR SHARE NOWAIT -- binds: [1, 2]"#,
    );
}

#[test]
fn lock_of_a_whole_table_and_of_a_join() {
    golden_pg(
        &memberships::table.for_update(),
        r#"SELECT "memberships"."user_id", "memberships"."team_id", "memberships"."role" FROM "memberships" FOR UPDATE -- binds: []"#,
    );
    golden_pg(
        &users::table
            .inner_join(posts::table)
            .select((users::id, posts::id))
            .for_no_key_update()
            .no_wait(),
        r#"SELECT "users"."id", "posts"."id" FROM "users" INNER JOIN "posts" ON "posts"."user_id" = "users"."id" FOR NO KEY UPDATE NOWAIT -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// INSERT
// ---------------------------------------------------------------------------------

fn ada() -> NewUser<'static> {
    NewUser {
        id: None,
        name: "Ada",
        hair_color: None,
        age: 36,
        active: true,
    }
}

#[test]
fn insert_one_row_of_assignments() {
    golden(
        &insert_into(users::table).values((
            users::name.eq("Ada"),
            users::age.eq(36),
            users::active.eq(true),
        )),
        r#"INSERT INTO "users" ("name", "age", "active") VALUES (?, ?, ?) -- binds: ["Ada", 36, true]"#,
        r#"INSERT INTO "users" ("name", "age", "active") VALUES ($1, $2, $3) -- binds: ["Ada", 36, true]"#,
    );
    golden(
        &insert_into(counters::table).values(counters::note.eq("n")),
        r#"INSERT INTO "counters" ("note") VALUES (?) -- binds: ["n"]"#,
        r#"INSERT INTO "counters" ("note") VALUES ($1) -- binds: ["n"]"#,
    );
}

#[test]
fn insert_names_columns_by_their_sql_names() {
    golden(
        &insert_into(posts::table).values((
            posts::user_id.eq(1),
            posts::title.eq("Hello"),
            posts::kind.eq("note"),
        )),
        r#"INSERT INTO "posts" ("user_id", "title", "type") VALUES (?, ?, ?) -- binds: [1, "Hello", "note"]"#,
        r#"INSERT INTO "posts" ("user_id", "title", "type") VALUES ($1, $2, $3) -- binds: [1, "Hello", "note"]"#,
    );
    // A value may be an expression: `now()` is spelled per backend.
    golden(
        &insert_into(entries::table).values((
            entries::id.eq(1),
            entries::amount.eq(decimal("9.99")),
            entries::booked.eq(now()),
        )),
        r#"INSERT INTO "ledger entries" ("id", "amount", "booked") VALUES (?, ?, CURRENT_TIMESTAMP) -- binds: [1, 9.99]"#,
        r#"INSERT INTO "ledger entries" ("id", "amount", "booked") VALUES ($1, $2, now()) -- binds: [1, 9.99]"#,
    );
}

#[test]
fn insert_a_null() {
    golden(
        &insert_into(counters::table).values(counters::note.eq(None::<&str>)),
        r#"INSERT INTO "counters" ("note") VALUES (?) -- binds: [NULL]"#,
        r#"INSERT INTO "counters" ("note") VALUES ($1) -- binds: [NULL]"#,
    );
}

#[test]
fn insert_a_struct() {
    // `None` for a column with a default leaves it out; for a nullable one it is NULL.
    golden(
        &insert_into(users::table).values(&ada()),
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES (?, ?, ?, ?) -- binds: ["Ada", NULL, 36, true]"#,
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4) -- binds: ["Ada", NULL, 36, true]"#,
    );
    let with_id = NewUser {
        id: Some(7),
        hair_color: Some("red"),
        ..ada()
    };
    golden(
        &insert_into(users::table).values(&with_id),
        r#"INSERT INTO "users" ("id", "name", "hair_color", "age", "active") VALUES (?, ?, ?, ?, ?) -- binds: [7, "Ada", "red", 36, true]"#,
        r#"INSERT INTO "users" ("id", "name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4, $5) -- binds: [7, "Ada", "red", 36, true]"#,
    );
}

#[test]
fn insert_many_rows_in_one_statement() {
    let grace = NewUser {
        name: "Grace",
        age: 85,
        active: false,
        ..ada()
    };
    golden(
        &insert_into(users::table).values(vec![ada(), grace]),
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES (?, ?, ?, ?), (?, ?, ?, ?) -- binds: ["Ada", NULL, 36, true, "Grace", NULL, 85, false]"#,
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8) -- binds: ["Ada", NULL, 36, true, "Grace", NULL, 85, false]"#,
    );
    let rows = [
        (
            users::name.eq("A"),
            users::age.eq(1),
            users::active.eq(true),
        ),
        (
            users::name.eq("B"),
            users::age.eq(2),
            users::active.eq(false),
        ),
    ];
    golden(
        &insert_into(users::table).values(&rows[..]),
        r#"INSERT INTO "users" ("name", "age", "active") VALUES (?, ?, ?), (?, ?, ?) -- binds: ["A", 1, true, "B", 2, false]"#,
        r#"INSERT INTO "users" ("name", "age", "active") VALUES ($1, $2, $3), ($4, $5, $6) -- binds: ["A", 1, true, "B", 2, false]"#,
    );
}

#[test]
fn insert_shows_its_first_statement() {
    // Rows that leave out different columns go in separate statements; debug_query
    // shows the first.
    let rows = vec![
        NewUser {
            id: Some(1),
            ..ada()
        },
        ada(),
    ];
    golden(
        &insert_into(users::table).values(&rows),
        r#"INSERT INTO "users" ("id", "name", "hair_color", "age", "active") VALUES (?, ?, ?, ?, ?) -- binds: [1, "Ada", NULL, 36, true]"#,
        r#"INSERT INTO "users" ("id", "name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4, $5) -- binds: [1, "Ada", NULL, 36, true]"#,
    );
    // No rows, no statement.
    golden(
        &insert_into(users::table).values(Vec::<NewUser<'_>>::new()),
        r#" -- binds: []"#,
        r#" -- binds: []"#,
    );
}

#[test]
fn insert_default_values() {
    golden(
        &insert_into(counters::table).default_values(),
        r#"INSERT INTO "counters" DEFAULT VALUES -- binds: []"#,
        r#"INSERT INTO "counters" DEFAULT VALUES -- binds: []"#,
    );
    // A struct row that leaves out every column.
    golden(
        &insert_into(counters::table)
            .values(&NewCounter { id: None })
            .returning(counters::id),
        r#"INSERT INTO "counters" DEFAULT VALUES RETURNING "counters"."id" -- binds: []"#,
        r#"INSERT INTO "counters" DEFAULT VALUES RETURNING "counters"."id" -- binds: []"#,
    );
}

#[test]
fn insert_returning() {
    golden(
        &insert_into(users::table)
            .values(&ada())
            .returning((users::id, users::name)),
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES (?, ?, ?, ?) RETURNING "users"."id", "users"."name" -- binds: ["Ada", NULL, 36, true]"#,
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4) RETURNING "users"."id", "users"."name" -- binds: ["Ada", NULL, 36, true]"#,
    );
    golden(
        &insert_into(posts::table)
            .values((
                posts::user_id.eq(1),
                posts::title.eq("t"),
                posts::kind.eq("k"),
            ))
            .returning(posts::views + 1_i64),
        r#"INSERT INTO "posts" ("user_id", "title", "type") VALUES (?, ?, ?) RETURNING ("posts"."views" + ?) -- binds: [1, "t", "k", 1]"#,
        r#"INSERT INTO "posts" ("user_id", "title", "type") VALUES ($1, $2, $3) RETURNING ("posts"."views" + $4) -- binds: [1, "t", "k", 1]"#,
    );
}

#[test]
fn insert_on_conflict_do_nothing() {
    golden(
        &insert_into(users::table)
            .values(&ada())
            .on_conflict_do_nothing(),
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING -- binds: ["Ada", NULL, 36, true]"#,
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING -- binds: ["Ada", NULL, 36, true]"#,
    );
    golden(
        &insert_into(users::table)
            .values(&ada())
            .on_conflict(users::name)
            .do_nothing(),
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES (?, ?, ?, ?) ON CONFLICT ("name") DO NOTHING -- binds: ["Ada", NULL, 36, true]"#,
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4) ON CONFLICT ("name") DO NOTHING -- binds: ["Ada", NULL, 36, true]"#,
    );
}

#[test]
fn upsert_with_excluded_on_a_composite_key() {
    golden(
        &insert_into(memberships::table)
            .values((
                memberships::user_id.eq(1),
                memberships::team_id.eq(2),
                memberships::role.eq("owner"),
            ))
            .on_conflict((memberships::user_id, memberships::team_id))
            .do_update()
            .set(memberships::role.eq(excluded(memberships::role))),
        r#"INSERT INTO "memberships" ("user_id", "team_id", "role") VALUES (?, ?, ?) ON CONFLICT ("user_id", "team_id") DO UPDATE SET "role" = excluded."role" -- binds: [1, 2, "owner"]"#,
        r#"INSERT INTO "memberships" ("user_id", "team_id", "role") VALUES ($1, $2, $3) ON CONFLICT ("user_id", "team_id") DO UPDATE SET "role" = excluded."role" -- binds: [1, 2, "owner"]"#,
    );
}

#[test]
fn upsert_binds_follow_the_rows() {
    golden(
        &insert_into(users::table)
            .values(&ada())
            .on_conflict(users::name)
            .do_update()
            .set((
                users::age.eq(users::age + 1),
                users::hair_color.eq("grey"),
                users::active.eq(excluded(users::active)),
            ))
            .returning(users::id),
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES (?, ?, ?, ?) ON CONFLICT ("name") DO UPDATE SET "age" = ("users"."age" + ?), "hair_color" = ?, "active" = excluded."active" RETURNING "users"."id" -- binds: ["Ada", NULL, 36, true, 1, "grey"]"#,
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4) ON CONFLICT ("name") DO UPDATE SET "age" = ("users"."age" + $5), "hair_color" = $6, "active" = excluded."active" RETURNING "users"."id" -- binds: ["Ada", NULL, 36, true, 1, "grey"]"#,
    );
}

#[test]
fn upsert_adds_to_the_existing_row() {
    golden(
        &insert_into(users::table)
            .values(&ada())
            .on_conflict(users::name)
            .do_update()
            .set(users::age.eq(users::age + excluded(users::age))),
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES (?, ?, ?, ?) ON CONFLICT ("name") DO UPDATE SET "age" = ("users"."age" + excluded."age") -- binds: ["Ada", NULL, 36, true]"#,
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4) ON CONFLICT ("name") DO UPDATE SET "age" = ("users"."age" + excluded."age") -- binds: ["Ada", NULL, 36, true]"#,
    );
}

#[test]
fn upsert_of_many_rows_with_a_changeset_struct() {
    let grace = NewUser {
        name: "Grace",
        ..ada()
    };
    golden(
        &insert_into(users::table)
            .values(vec![ada(), grace])
            .on_conflict(users::name)
            .do_update()
            .set(&UserChanges {
                name: None,
                age: Some(1),
            }),
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES (?, ?, ?, ?), (?, ?, ?, ?) ON CONFLICT ("name") DO UPDATE SET "age" = ? -- binds: ["Ada", NULL, 36, true, "Grace", NULL, 36, true, 1]"#,
        r#"INSERT INTO "users" ("name", "hair_color", "age", "active") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8) ON CONFLICT ("name") DO UPDATE SET "age" = $9 -- binds: ["Ada", NULL, 36, true, "Grace", NULL, 36, true, 1]"#,
    );
}

#[test]
fn on_conflict_after_returning_renders_in_sql_order() {
    golden(
        &insert_into(counters::table)
            .values(counters::note.eq("n"))
            .returning(counters::id)
            .on_conflict_do_nothing(),
        r#"INSERT INTO "counters" ("note") VALUES (?) ON CONFLICT DO NOTHING RETURNING "counters"."id" -- binds: ["n"]"#,
        r#"INSERT INTO "counters" ("note") VALUES ($1) ON CONFLICT DO NOTHING RETURNING "counters"."id" -- binds: ["n"]"#,
    );
}

// ---------------------------------------------------------------------------------
// UPDATE
// ---------------------------------------------------------------------------------

#[test]
fn update_every_row() {
    golden(
        &update(users::table).set(users::active.eq(false)),
        r#"UPDATE "users" SET "active" = ? -- binds: [false]"#,
        r#"UPDATE "users" SET "active" = $1 -- binds: [false]"#,
    );
    golden(
        &update(posts::table).set(posts::kind.eq("note")),
        r#"UPDATE "posts" SET "type" = ? -- binds: ["note"]"#,
        r#"UPDATE "posts" SET "type" = $1 -- binds: ["note"]"#,
    );
}

#[test]
fn update_filtered_with_expressions() {
    golden(
        &update(users::table.filter(users::id.eq(1))).set((
            users::name.eq("Ada"),
            users::age.eq(users::age + 1),
            users::hair_color.eq(None::<&str>),
        )),
        r#"UPDATE "users" SET "name" = ?, "age" = ("users"."age" + ?), "hair_color" = ? WHERE "users"."id" = ? -- binds: ["Ada", 1, NULL, 1]"#,
        r#"UPDATE "users" SET "name" = $1, "age" = ("users"."age" + $2), "hair_color" = $3 WHERE "users"."id" = $4 -- binds: ["Ada", 1, NULL, 1]"#,
    );
}

#[test]
fn update_found_by_a_composite_key() {
    golden(
        &update(memberships::table.find((1, 2))).set(memberships::role.eq("owner")),
        r#"UPDATE "memberships" SET "role" = ? WHERE ("memberships"."user_id" = ? AND "memberships"."team_id" = ?) -- binds: ["owner", 1, 2]"#,
        r#"UPDATE "memberships" SET "role" = $1 WHERE ("memberships"."user_id" = $2 AND "memberships"."team_id" = $3) -- binds: ["owner", 1, 2]"#,
    );
}

#[test]
fn update_of_a_quoted_table_with_a_numeric_filter() {
    golden(
        &update(entries::table.filter(entries::amount.lt(decimal("0"))))
            .set(entries::owner.eq(None::<i32>)),
        r#"UPDATE "ledger entries" SET "user" = ? WHERE CAST("ledger entries"."amount" AS NUMERIC) < CAST(? AS NUMERIC) -- binds: [NULL, 0]"#,
        r#"UPDATE "ledger entries" SET "user" = $1 WHERE "ledger entries"."amount" < $2 -- binds: [NULL, 0]"#,
    );
}

#[test]
fn update_with_a_changeset_struct() {
    golden(
        &update(users::table.find(1)).set(&UserChanges {
            name: Some("Ada"),
            age: None,
        }),
        r#"UPDATE "users" SET "name" = ? WHERE "users"."id" = ? -- binds: ["Ada", 1]"#,
        r#"UPDATE "users" SET "name" = $1 WHERE "users"."id" = $2 -- binds: ["Ada", 1]"#,
    );
    golden(
        &update(users::table.find(1)).set(&UserChanges {
            name: Some("Ada"),
            age: Some(37),
        }),
        r#"UPDATE "users" SET "name" = ?, "age" = ? WHERE "users"."id" = ? -- binds: ["Ada", 37, 1]"#,
        r#"UPDATE "users" SET "name" = $1, "age" = $2 WHERE "users"."id" = $3 -- binds: ["Ada", 37, 1]"#,
    );
    // With `treat_none_as_null`, `None` sets NULL.
    golden(
        &update(users::table).set(&HairChange { hair_color: None }),
        r#"UPDATE "users" SET "hair_color" = ? -- binds: [NULL]"#,
        r#"UPDATE "users" SET "hair_color" = $1 -- binds: [NULL]"#,
    );
}

#[test]
fn update_with_a_subquery_filter_and_returning() {
    golden(
        &update(users::table.filter(users::id.eq_any(posts::table.select(posts::user_id))))
            .set(users::active.eq(true))
            .returning((users::id, users::active)),
        r#"UPDATE "users" SET "active" = ? WHERE "users"."id" IN (SELECT "posts"."user_id" FROM "posts") RETURNING "users"."id", "users"."active" -- binds: [true]"#,
        r#"UPDATE "users" SET "active" = $1 WHERE "users"."id" IN (SELECT "posts"."user_id" FROM "posts") RETURNING "users"."id", "users"."active" -- binds: [true]"#,
    );
}

#[test]
fn an_update_that_cannot_run_shows_why() {
    golden(
        &update(users::table).set(&UserChanges {
            name: None,
            age: None,
        }),
        r#"/* cannot run: invalid query: the update of `users` has no changes: every field of the changeset is `None` */ -- binds: []"#,
        r#"/* cannot run: invalid query: the update of `users` has no changes: every field of the changeset is `None` */ -- binds: []"#,
    );
    golden(
        &update(users::table.limit(1)).set(users::active.eq(true)),
        r#"/* cannot run: invalid query: an update or delete target cannot have a limit, an offset or `distinct` */ -- binds: []"#,
        r#"/* cannot run: invalid query: an update or delete target cannot have a limit, an offset or `distinct` */ -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// DELETE
// ---------------------------------------------------------------------------------

#[test]
fn delete_every_row() {
    golden(
        &delete(users::table),
        r#"DELETE FROM "users" -- binds: []"#,
        r#"DELETE FROM "users" -- binds: []"#,
    );
    golden(
        &delete(entries::table),
        r#"DELETE FROM "ledger entries" -- binds: []"#,
        r#"DELETE FROM "ledger entries" -- binds: []"#,
    );
}

#[test]
fn delete_filtered() {
    golden(
        &delete(
            users::table
                .filter(users::active.eq(false))
                .filter(users::age.lt(18)),
        ),
        r#"DELETE FROM "users" WHERE ("users"."active" = ? AND "users"."age" < ?) -- binds: [false, 18]"#,
        r#"DELETE FROM "users" WHERE ("users"."active" = $1 AND "users"."age" < $2) -- binds: [false, 18]"#,
    );
    golden(
        &delete(memberships::table.find((3, 4))),
        r#"DELETE FROM "memberships" WHERE ("memberships"."user_id" = ? AND "memberships"."team_id" = ?) -- binds: [3, 4]"#,
        r#"DELETE FROM "memberships" WHERE ("memberships"."user_id" = $1 AND "memberships"."team_id" = $2) -- binds: [3, 4]"#,
    );
    golden(
        &delete(users::table.filter(users::id.eq_any([1, 2]))),
        r#"DELETE FROM "users" WHERE "users"."id" IN (?, ?) -- binds: [1, 2]"#,
        r#"DELETE FROM "users" WHERE "users"."id" = ANY($1) -- binds: [[1, 2]]"#,
    );
}

#[test]
fn delete_returning() {
    golden(
        &delete(users::table.find(1)).returning((users::id, users::name)),
        r#"DELETE FROM "users" WHERE "users"."id" = ? RETURNING "users"."id", "users"."name" -- binds: [1]"#,
        r#"DELETE FROM "users" WHERE "users"."id" = $1 RETURNING "users"."id", "users"."name" -- binds: [1]"#,
    );
}

#[test]
fn a_delete_that_cannot_run_shows_why() {
    golden(
        &delete(users::table.offset(1)),
        r#"/* cannot run: invalid query: an update or delete target cannot have a limit, an offset or `distinct` */ -- binds: []"#,
        r#"/* cannot run: invalid query: an update or delete target cannot have a limit, an offset or `distinct` */ -- binds: []"#,
    );
}

// ---------------------------------------------------------------------------------
// sql_query: the text as written, the values as bound
// ---------------------------------------------------------------------------------

#[test]
fn sql_query_keeps_its_text() {
    golden(
        &sql_query("SELECT $1, $2").bind(7).bind("seven"),
        r#"SELECT $1, $2 -- binds: [7, "seven"]"#,
        r#"SELECT $1, $2 -- binds: [7, "seven"]"#,
    );
    golden(
        &sql_query("SELECT 1"),
        r#"SELECT 1 -- binds: []"#,
        r#"SELECT 1 -- binds: []"#,
    );
}

#[test]
fn sql_query_bind_values_of_each_type() {
    golden(
        &sql_query("SELECT $1, $2, $3, $4, $5, $6, $7, $8")
            .bind(true)
            .bind(1_i16)
            .bind(2_i64)
            .bind(1.5_f32)
            .bind(2.5_f64)
            .bind(vec![1_u8, 2, 3])
            .bind(Some(4))
            .bind(None::<&str>),
        r#"SELECT $1, $2, $3, $4, $5, $6, $7, $8 -- binds: [true, 1, 2, 1.5, 2.5, <3 bytes>, 4, NULL]"#,
        r#"SELECT $1, $2, $3, $4, $5, $6, $7, $8 -- binds: [true, 1, 2, 1.5, 2.5, <3 bytes>, 4, NULL]"#,
    );
    golden(
        &sql_query("SELECT $1, $2")
            .bind_as::<Nullable<Int4>, _>(None::<i32>)
            .bind_as::<Text, _>("t"),
        r#"SELECT $1, $2 -- binds: [NULL, "t"]"#,
        r#"SELECT $1, $2 -- binds: [NULL, "t"]"#,
    );
    golden_pg(
        &sql_query("SELECT $1").bind(vec![1, 2]),
        r#"SELECT $1 -- binds: [[1, 2]]"#,
    );
}
