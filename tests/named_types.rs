//! Functions that return queries, named with the aliases of `quarry::dsl`, and functions
//! generic over the query through its one-trait-per-method builder traits.

mod common;

use common::{TestDb, User, posts, users};
use quarry::conn::Connection;
// The builder traits are named by path, as bounds: imported next to the prelude, their
// methods would be ambiguous with `QueryDsl`'s.
use quarry::dsl::{self, Here, There};
use quarry::prelude::*;

// ---------------------------------------------------------------------------------
// Functions that return queries
// ---------------------------------------------------------------------------------

/// The type of `adults()`, to build other names on.
type Adults = dsl::Filter<users::table, dsl::Ge<users::age, i32>>;

fn adults() -> Adults {
    users::table.filter(users::age.ge(30))
}

fn named(name: &str) -> dsl::Eq<users::name, &str> {
    users::name.eq(name)
}

fn brown_or_named(
    name: &str,
) -> dsl::Or<dsl::Eq<users::hair_color, &'static str>, dsl::Eq<users::name, &str>> {
    users::hair_color.eq("brown").or(named(name))
}

fn adults_by_age() -> dsl::ThenOrder<dsl::Order<Adults, dsl::Desc<users::age>>, users::id> {
    adults()
        .order_by(users::age.desc())
        .then_order_by(users::id)
}

fn adult_names() -> dsl::Select<Adults, users::name, Here> {
    adults().select(users::name)
}

fn user_by_id(id: i32) -> dsl::Find<users::table, i32> {
    users::table.find(id)
}

fn second_page() -> dsl::Offset<dsl::Limit<dsl::Order<users::table, users::id>>> {
    users::table.order_by(users::id).limit(2).offset(2)
}

fn without_hair_color() -> dsl::Filter<users::table, dsl::IsNull<users::hair_color>> {
    users::table.filter(users::hair_color.is_null())
}

fn in_ages(ages: Vec<i32>) -> dsl::Filter<users::table, dsl::EqAny<users::age, Vec<i32>>> {
    users::table.filter(users::age.eq_any(ages))
}

type TitleAndKind<'a> = dsl::And<dsl::Like<posts::title, &'a str>, dsl::Ne<posts::kind, &'a str>>;

fn titled_like(pattern: &str) -> dsl::Filter<posts::table, TitleAndKind<'_>> {
    posts::table.filter(posts::title.like(pattern).and(posts::kind.ne("spec")))
}

type UsersWithPosts = dsl::InnerJoin<users::table, posts::table, (posts::user_id, Here)>;

fn authors_and_titles()
-> dsl::Select<UsersWithPosts, (users::name, posts::title), (Here, There<Here>)> {
    users::table
        .inner_join(posts::table)
        .select((users::name, posts::title))
}

fn users_and_any_post() -> dsl::LeftJoin<users::table, posts::table, (posts::user_id, Here)> {
    users::table.left_join(posts::table)
}

fn distinct_ages() -> dsl::Distinct<dsl::Select<users::table, users::age, Here>> {
    users::table.select(users::age).distinct()
}

fn adult_count() -> dsl::Count<Adults> {
    adults().count()
}

fn ages_shared() -> dsl::Having<
    dsl::GroupBy<users::table, users::age>,
    dsl::Gt<quarry::expr::Aggregate<quarry::expr::Count, users::id>, i64>,
> {
    users::table
        .group_by(users::age)
        .having(quarry::expr::count(users::id).gt(1))
}

fn loads_filtered_query<C: Connection>(db: &mut TestDb<C>) {
    let names = adults()
        .select(users::name)
        .order_by(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Ada", "Alan", "Grace", "Margaret"]);
}

fn loads_expression_returned_by_a_function<C: Connection>(db: &mut TestDb<C>) {
    let ids = users::table
        .filter(brown_or_named("Linus"))
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2, 3, 4]);
}

fn composes_ordering_and_selection<C: Connection>(db: &mut TestDb<C>) {
    let rows = adults_by_age()
        .select((users::id, users::age))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rows, [(2, 85), (5, 41), (1, 36), (4, 36)]);
    let names = adult_names()
        .order_by(users::id)
        .limit(2)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Ada", "Grace"]);
}

fn find_returns_the_row<C: Connection>(db: &mut TestDb<C>) {
    let user: User = user_by_id(3)
        .select(User::as_select())
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(user.name, "Linus");
}

fn limit_and_offset<C: Connection>(db: &mut TestDb<C>) {
    let ids = second_page().select(users::id).load(&mut db.conn).unwrap();
    assert_eq!(ids, [3, 4]);
}

fn null_tests_and_lists<C: Connection>(db: &mut TestDb<C>) {
    let names = without_hair_color()
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Ada", "Alan"]);
    let ids = in_ages(vec![28, 85])
        .select(users::id)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2, 3]);
}

fn like_and_ne<C: Connection>(db: &mut TestDb<C>) {
    let ids = titled_like("Rust%")
        .select(posts::id)
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [4, 5]);
}

fn joins<C: Connection>(db: &mut TestDb<C>) {
    let rows = authors_and_titles()
        .filter(posts::kind.eq("essay"))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        rows,
        [
            (
                "Ada".to_owned(),
                "Notes on the Analytical Engine".to_owned()
            ),
            ("Linus".to_owned(), "Rust and the kernel".to_owned()),
        ]
    );
    let rows = users_and_any_post()
        .filter(users::id.ge(4))
        .select((users::name, posts::id))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        rows,
        [("Margaret".to_owned(), None), ("Alan".to_owned(), None)]
    );
}

fn distinct_count_and_having<C: Connection>(db: &mut TestDb<C>) {
    let mut ages = distinct_ages().load(&mut db.conn).unwrap();
    ages.sort_unstable();
    assert_eq!(ages, [28, 36, 41, 85]);
    assert_eq!(adult_count().get_result(&mut db.conn).unwrap(), 4);
    let shared = ages_shared().select(users::age).load(&mut db.conn).unwrap();
    assert_eq!(shared, [36]);
}

// ---------------------------------------------------------------------------------
// Functions generic over the query: tables, statements and boxed queries alike
// ---------------------------------------------------------------------------------

/// Keeps the users called `name`, in any query that reads `users`.
fn called<'n, Q, I>(query: Q, name: &'n str) -> Q::Output
where
    Q: dsl::FilterDsl<dsl::Eq<users::name, &'n str>, I>,
{
    query.filter(users::name.eq(name))
}

/// Page `number` (from 0) of `size` rows.
fn page<Q>(query: Q, number: i64, size: i64) -> <Q::Output as dsl::OffsetDsl>::Output
where
    Q: dsl::LimitDsl,
    Q::Output: dsl::OffsetDsl,
{
    // A bound on an associated type gives no method syntax when its trait is not imported.
    dsl::OffsetDsl::offset(query.limit(size), number * size)
}

/// Newest users first.
fn newest_first<Q, I>(query: Q) -> Q::Output
where
    Q: dsl::OrderDsl<dsl::Desc<users::id>, I>,
{
    query.order_by(users::id.desc())
}

fn generic_over_statements<C: Connection>(db: &mut TestDb<C>) {
    let ids = called(users::table, "Grace")
        .select(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2]);
    let titles = called(users::table.inner_join(posts::table), "Linus")
        .select(posts::title)
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(titles, ["Linux announcement", "Rust and the kernel"]);
    let ids = page(newest_first(users::table.select(users::id)), 1, 2)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [3, 2]);
}

fn generic_over_boxed_queries<C: Connection>(db: &mut TestDb<C>) {
    let boxed = users::table.select(users::id).into_boxed::<C::Backend>();
    let ids = page(newest_first(boxed), 1, 2).load(&mut db.conn).unwrap();
    assert_eq!(ids, [3, 2]);
    let boxed = users::table.select(users::id).into_boxed::<C::Backend>();
    let ids = called(boxed, "Alan").load(&mut db.conn).unwrap();
    assert_eq!(ids, [5]);
}

/// A boxed query, named by the alias of `into_boxed`.
fn boxed_names<'a, C: Connection>(
    hair_color: Option<&'a str>,
) -> dsl::IntoBoxed<'a, dsl::Select<users::table, users::name, Here>, C::Backend> {
    let mut query = users::table.select(users::name).into_boxed();
    if let Some(color) = hair_color {
        query = query.filter(users::hair_color.eq(color));
    }
    query.order_by(users::name)
}

fn boxed_alias<C: Connection>(db: &mut TestDb<C>) {
    let names = boxed_names::<C>(Some("brown")).load(&mut db.conn).unwrap();
    assert_eq!(names, ["Grace", "Margaret"]);
    let names = boxed_names::<C>(None).limit(2).load(&mut db.conn).unwrap();
    assert_eq!(names, ["Ada", "Alan"]);
}

common::backend_tests! {
    loads_filtered_query,
    loads_expression_returned_by_a_function,
    composes_ordering_and_selection,
    find_returns_the_row,
    limit_and_offset,
    null_tests_and_lists,
    like_and_ne,
    joins,
    distinct_count_and_having,
    generic_over_statements,
    generic_over_boxed_queries,
    boxed_alias,
}
