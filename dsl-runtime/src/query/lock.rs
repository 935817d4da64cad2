//! Row locks: `SELECT … FOR UPDATE`, `FOR SHARE` and their kin (PostgreSQL only).
//!
//! [`LockingDsl`] turns a `SELECT` statement into a [`Locked`] one, which renders the
//! locking clause after `LIMIT`/`OFFSET` and optionally `SKIP LOCKED` or `NOWAIT`. It
//! renders for backends that implement [`SupportsRowLocks`], PostgreSQL alone, so
//! running it on SQLite does not compile.
//!
//! PostgreSQL refuses row locks on rows that are not rows of a table; the rules it
//! applies to GROUP BY and aggregates are checked here, at compile time. `distinct()`,
//! window functions and the nullable side of a `left_join` are left to the database,
//! which rejects the statement when it runs.

use super::SqlWriter;
use super::select::SelectClause;
use super::{AsQuery, DefaultSelect, Query, QueryDsl, QueryFragment, QuerySource, SelectStatement};
use crate::backend::Backend;
#[cfg(feature = "postgres")]
use crate::backend::pg::Pg;
use crate::expr::{Constant, NoGroupBy, Plain, ValidGrouping};
use std::marker::PhantomData;

/// A `SELECT` statement `Q` that locks the rows it returns: `Q FOR <M> <P>`.
///
/// Built by [`LockingDsl`]; `M` is the lock strength ([`ForUpdate`], [`ForNoKeyUpdate`],
/// [`ForShare`], [`ForKeyShare`]) and `P` what to do about rows another transaction has
/// locked ([`WaitForLocks`], [`SkipLocked`], [`NoWait`]). The locks are held until the
/// end of the transaction, so run it inside [`Connection::transaction`](crate::conn::Connection::transaction).
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run with `load`, `get_result` or `first`"]
pub struct Locked<Q, M, P = WaitForLocks> {
    query: Q,
    _lock: PhantomData<(M, P)>,
}

/// How strongly a row is locked: what SQL follows the query.
pub trait LockStrength: private::Sealed {
    /// The clause, with a leading space.
    #[doc(hidden)]
    const SQL: &'static str;
}

/// What a locking query does about rows that another transaction has locked.
pub trait LockWaitPolicy: private::Sealed {
    /// The clause, with a leading space, or nothing.
    #[doc(hidden)]
    const SQL: &'static str;
}

mod private {
    /// Only the lock strengths and wait policies of this module.
    pub trait Sealed {}
}

macro_rules! markers {
    ($trait:ident: $($(#[$doc:meta])* $name:ident = $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl private::Sealed for $name {}

        impl $trait for $name {
            const SQL: &'static str = $sql;
        }
    )*};
}

markers! { LockStrength:
    /// `FOR UPDATE`: the rows may be updated or deleted; blocks every other lock.
    ForUpdate = " FOR UPDATE";
    /// `FOR NO KEY UPDATE`: the rows may be updated, but not their keys; lets others
    /// take `FOR KEY SHARE` (as foreign key checks do).
    ForNoKeyUpdate = " FOR NO KEY UPDATE";
    /// `FOR SHARE`: the rows must not change; other transactions may share the lock.
    ForShare = " FOR SHARE";
    /// `FOR KEY SHARE`: the keys of the rows must not change.
    ForKeyShare = " FOR KEY SHARE";
}

markers! { LockWaitPolicy:
    /// Waits until rows locked by other transactions are released (the default).
    WaitForLocks = "";
    /// `SKIP LOCKED`: leaves out rows locked by other transactions.
    SkipLocked = " SKIP LOCKED";
    /// `NOWAIT`: fails with SQLSTATE `55P03` (`lock_not_available`) rather than wait.
    NoWait = " NOWAIT";
}

/// Implemented by the backends that lock rows: PostgreSQL.
#[diagnostic::on_unimplemented(
    message = "row locks (`FOR UPDATE`, `FOR SHARE`) are supported by PostgreSQL only, but this query runs on {Self}",
    label = "the query is run here",
    note = "run the query on a PostgreSQL connection (`PgConnection`, `AsyncPgConnection`), or leave out `.for_update()`/`.for_share()`: SQLite locks the whole database for a write transaction instead"
)]
pub trait SupportsRowLocks: Backend {}

#[cfg(feature = "postgres")]
impl SupportsRowLocks for Pg {}

/// The GROUP BY clause of a query that can lock rows: none.
#[diagnostic::on_unimplemented(
    message = "a grouped query cannot lock rows",
    label = "this query has `group_by`: its rows are groups, not rows of a table",
    note = "PostgreSQL refuses `FOR UPDATE`/`FOR SHARE` with GROUP BY; lock the rows in a query without `group_by`"
)]
pub trait RowLockGrouping {}

impl RowLockGrouping for NoGroupBy {}

/// The select list of a query that can lock rows: one value per row of a table, with
/// neither aggregates nor `DISTINCT ON`.
#[diagnostic::on_unimplemented(
    message = "a `distinct_on` query cannot lock rows",
    label = "`FOR UPDATE`/`FOR SHARE` lock rows of a table; `DISTINCT ON` returns one row of many",
    note = "PostgreSQL refuses `FOR UPDATE`/`FOR SHARE` with DISTINCT; lock the rows in a query without it"
)]
pub trait RowLockSelection<F, IG> {}

impl<F> RowLockSelection<F, ()> for DefaultSelect {}

impl<F, S, I, IG> RowLockSelection<F, IG> for SelectClause<S, I>
where
    F: QuerySource,
    S: ValidGrouping<F::GroupBy, IG, Kind: RowLockKind>,
{
}

/// The grouping kind of a select list that can lock rows: not aggregated.
#[diagnostic::on_unimplemented(
    message = "a query that selects aggregates cannot lock rows",
    label = "`count`, `sum`, `max`, … return one value for many rows",
    note = "PostgreSQL refuses `FOR UPDATE`/`FOR SHARE` with aggregate functions; lock the rows in a query that selects columns"
)]
pub trait RowLockKind {}

impl RowLockKind for Plain {}
impl RowLockKind for Constant {}

/// The row locks of PostgreSQL, on tables and `SELECT` statements: `for_update`,
/// `for_no_key_update`, `for_share` and `for_key_share`.
///
/// The lock comes last: filter, order and limit the query first, then lock it, then
/// choose [`skip_locked`](Locked::skip_locked) or [`no_wait`](Locked::no_wait) if
/// waiting for other transactions' locks is not wanted. Run the query in a transaction:
/// the rows stay locked until it ends.
///
/// ```
/// use quarry::prelude::*;
///
/// quarry::table! { jobs (id) { id -> Int4, done -> Bool } }
///
/// // Claim the next job that no other worker holds.
/// let next = jobs::table
///     .filter(jobs::done.eq(false))
///     .order_by(jobs::id)
///     .limit(1)
///     .select(jobs::id)
///     .for_update()
///     .skip_locked();
/// assert_eq!(
///     quarry::debug_query::<Pg, _>(&next).sql(),
///     r#"SELECT "jobs"."id" FROM "jobs" WHERE "jobs"."done" = $1 ORDER BY "jobs"."id" LIMIT $2 FOR UPDATE SKIP LOCKED"#,
/// );
/// ```
#[allow(clippy::type_complexity)] // the return types spell out each clause
pub trait LockingDsl: QueryDsl {
    /// `FOR UPDATE`: locks the rows the query returns against updates, deletes and
    /// every other lock, until the transaction ends.
    fn for_update<IG>(
        self,
    ) -> Locked<SelectStatement<Self::From, Self::Select, Self::Where, Self::Order>, ForUpdate>
    where
        <Self::From as QuerySource>::GroupBy: RowLockGrouping,
        Self::Select: RowLockSelection<Self::From, IG>,
    {
        Locked::new(self.into_select())
    }

    /// `FOR NO KEY UPDATE`: as [`for_update`](Self::for_update), but lets other
    /// transactions take `FOR KEY SHARE` locks, as inserting a row that refers to a
    /// locked one does. For updates that leave the key alone.
    fn for_no_key_update<IG>(
        self,
    ) -> Locked<SelectStatement<Self::From, Self::Select, Self::Where, Self::Order>, ForNoKeyUpdate>
    where
        <Self::From as QuerySource>::GroupBy: RowLockGrouping,
        Self::Select: RowLockSelection<Self::From, IG>,
    {
        Locked::new(self.into_select())
    }

    /// `FOR SHARE`: keeps the rows from changing until the transaction ends; other
    /// transactions may share the lock.
    fn for_share<IG>(
        self,
    ) -> Locked<SelectStatement<Self::From, Self::Select, Self::Where, Self::Order>, ForShare>
    where
        <Self::From as QuerySource>::GroupBy: RowLockGrouping,
        Self::Select: RowLockSelection<Self::From, IG>,
    {
        Locked::new(self.into_select())
    }

    /// `FOR KEY SHARE`: keeps the keys of the rows from changing and the rows from being
    /// deleted; other columns may still be updated.
    fn for_key_share<IG>(
        self,
    ) -> Locked<SelectStatement<Self::From, Self::Select, Self::Where, Self::Order>, ForKeyShare>
    where
        <Self::From as QuerySource>::GroupBy: RowLockGrouping,
        Self::Select: RowLockSelection<Self::From, IG>,
    {
        Locked::new(self.into_select())
    }
}

impl<T: QueryDsl> LockingDsl for T {}

impl<Q, M> Locked<Q, M, WaitForLocks> {
    fn new(query: Q) -> Self {
        Locked {
            query,
            _lock: PhantomData,
        }
    }

    /// `SKIP LOCKED`: leaves out the rows another transaction has locked, rather than
    /// wait for them. The query sees fewer rows, so it suits a queue of work, not a
    /// consistent read.
    pub fn skip_locked(self) -> Locked<Q, M, SkipLocked> {
        Locked {
            query: self.query,
            _lock: PhantomData,
        }
    }

    /// `NOWAIT`: fails if a row is locked by another transaction, rather than wait: an
    /// `Error::Database` with SQLSTATE `55P03` (`lock_not_available`).
    pub fn no_wait(self) -> Locked<Q, M, NoWait> {
        Locked {
            query: self.query,
            _lock: PhantomData,
        }
    }
}

/// [`RunQueryDsl::first`](crate::conn::RunQueryDsl::first) keeps the lock: `LIMIT 1`
/// goes inside, before the locking clause.
impl<F: QuerySource, S, W, O, M, P> crate::conn::LimitOne
    for Locked<SelectStatement<F, S, W, O>, M, P>
where
    SelectStatement<F, S, W, O>: Query,
{
    type Limited = Self;
    fn limit_one(self) -> Self {
        Locked {
            query: self.query.limit(1),
            _lock: self._lock,
        }
    }
}

impl<Q: Query, M, P> Query for Locked<Q, M, P> {
    type Row = Q::Row;
}

impl<Q: Query, M, P> AsQuery for Locked<Q, M, P> {
    type Query = Self;
    #[inline]
    fn into_query(self) -> Self {
        self
    }
}

impl<Q, M, P, DB> QueryFragment<DB> for Locked<Q, M, P>
where
    DB: SupportsRowLocks,
    Q: QueryFragment<DB>,
    M: LockStrength,
    P: LockWaitPolicy,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.query.walk(out);
        out.push_sql(M::SQL);
        out.push_sql(P::SQL);
    }
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use super::*;

    fn sql<Q: QueryFragment<Pg>>(query: &Q) -> String {
        crate::query::render::<Pg, Q>(query).into_parts().0
    }

    quarry::table! { jobs (id) { id -> Int4, done -> Bool } }

    #[test]
    fn each_strength_and_policy_renders_after_limit() {
        let q = || jobs::table.select(jobs::id).limit(2).offset(1);
        let base = r#"SELECT "jobs"."id" FROM "jobs" LIMIT $1 OFFSET $2"#;
        assert_eq!(sql(&q().for_update()), format!("{base} FOR UPDATE"));
        assert_eq!(
            sql(&q().for_no_key_update().skip_locked()),
            format!("{base} FOR NO KEY UPDATE SKIP LOCKED")
        );
        assert_eq!(
            sql(&q().for_share().no_wait()),
            format!("{base} FOR SHARE NOWAIT")
        );
        assert_eq!(sql(&q().for_key_share()), format!("{base} FOR KEY SHARE"));
    }

    #[test]
    fn a_table_locks_all_its_columns() {
        assert_eq!(
            sql(&jobs::table.for_update()),
            r#"SELECT "jobs"."id", "jobs"."done" FROM "jobs" FOR UPDATE"#
        );
    }
}
