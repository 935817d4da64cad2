//! Set operations: `union`, `union_all`, `intersect` and `except`, on queries whose rows
//! have the same types.

use super::select::DecodeRow;
use super::{AsQuery, Query, QueryFragment, SqlWriter};
use crate::backend::Backend;

/// A set operation between two queries: `UNION`, `UNION ALL`, `INTERSECT`, `EXCEPT`.
pub trait SetOperator {
    /// The keyword, with spaces.
    const SQL: &'static str;
    /// Whether it is `INTERSECT`, which PostgreSQL binds tighter than `UNION` and
    /// `EXCEPT` (SQLite reads them all from left to right).
    const INTERSECT: bool = false;
}

/// What a query is as an operand of a set operation.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOperand {
    /// A plain `SELECT`, which stands as it is.
    Simple,
    /// A `SELECT` with `ORDER BY`, `LIMIT` or `OFFSET`, which would apply to the whole
    /// combination, or not parse.
    Limited,
    /// A `SELECT` with a `WITH` clause: it may open a combination (its CTEs then serve
    /// every operand), but not follow an operator.
    Prelude,
    /// Another set operation; `intersect` when it is an `INTERSECT`.
    Combined {
        /// Whether it is an `INTERSECT`.
        intersect: bool,
    },
}

macro_rules! set_operators {
    ($($(#[$doc:meta])* $name:ident = $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl SetOperator for $name {
            const SQL: &'static str = $sql;
            const INTERSECT: bool = set_operators!(@intersect $name);
        }
    )*};
    (@intersect Intersect) => { true };
    (@intersect $other:ident) => { false };
}

set_operators! {
    /// `UNION`: the rows of both queries, without duplicates.
    Union = " UNION ";
    /// `UNION ALL`: the rows of both queries.
    UnionAll = " UNION ALL ";
    /// `INTERSECT`: the rows in both queries.
    Intersect = " INTERSECT ";
    /// `EXCEPT`: the rows of the first query that are not in the second.
    Except = " EXCEPT ";
}

/// `left op right`: two queries whose rows have the same types, combined.
#[derive(Debug, Clone, Copy)]
pub struct Combined<Op, L, R> {
    left: L,
    right: R,
    _op: std::marker::PhantomData<Op>,
}

impl<Op, L, R> Combined<Op, L, R> {
    pub(crate) fn new(left: L, right: R) -> Self {
        Combined {
            left,
            right,
            _op: std::marker::PhantomData,
        }
    }
}

/// Queries whose rows decode alike, so that a set operation can combine them.
#[diagnostic::on_unimplemented(
    message = "these queries return different row types and cannot be combined",
    label = "this query's rows are `{Self}`, the first query's are `{Other}`",
    note = "`union`, `intersect` and `except` need the same number of columns, of the same SQL types"
)]
pub trait SameRows<Other> {}

impl<R> SameRows<R> for R {}

impl<Op, L: Query, R> Query for Combined<Op, L, R>
where
    L::Row: DecodeRow,
{
    type Row = L::Row;
}

impl<Op, L: Query, R> AsQuery for Combined<Op, L, R> {
    type Query = Self;
    fn into_query(self) -> Self {
        self
    }
}

impl<Op, L, R, DB> QueryFragment<DB> for Combined<Op, L, R>
where
    Op: SetOperator,
    L: QueryFragment<DB>,
    R: QueryFragment<DB>,
    DB: Backend,
{
    fn set_operand(&self) -> SetOperand {
        SetOperand::Combined {
            intersect: Op::INTERSECT,
        }
    }

    /// Renders `left op right`, reading an operand as a subquery where it would
    /// otherwise lose its meaning: one with `ORDER BY`, `LIMIT` or `OFFSET`; one with a
    /// `WITH` clause on the right; a set operation on the right (both databases read
    /// them from left to right); and a `UNION` or `EXCEPT` on the left of an
    /// `INTERSECT`, which PostgreSQL would otherwise read as `a UNION (b INTERSECT c)`.
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let left = match self.left.set_operand() {
            SetOperand::Simple | SetOperand::Prelude => false,
            SetOperand::Limited => true,
            SetOperand::Combined { intersect } => Op::INTERSECT && !intersect,
        };
        walk_set_operand(&self.left, left, out);
        out.push_sql(Op::SQL);
        let right = self.right.set_operand() != SetOperand::Simple;
        walk_set_operand(&self.right, right, out);
    }
}

/// Renders an operand of a set operation, as `SELECT * FROM (…)` when `as_subquery`.
fn walk_set_operand<'a, Q: QueryFragment<DB>, DB: Backend>(
    operand: &'a Q,
    as_subquery: bool,
    out: &mut SqlWriter<'a>,
) {
    if as_subquery {
        out.push_sql("SELECT * FROM (");
        operand.walk(out);
        out.push_sql(") AS \"quarry_operand\"");
    } else {
        operand.walk(out);
    }
}

/// `union`, `union_all`, `intersect` and `except` on queries and combined queries.
pub trait CombineDsl: AsQuery + Sized {
    /// `self UNION other`: the rows of both, without duplicates.
    fn union<Q>(self, other: Q) -> Combined<Union, Self::Query, Q::Query>
    where
        Q: AsQuery,
        <Q::Query as Query>::Row: SameRows<<Self::Query as Query>::Row>,
    {
        Combined::new(self.into_query(), other.into_query())
    }

    /// `self UNION ALL other`: the rows of both, duplicates kept.
    fn union_all<Q>(self, other: Q) -> Combined<UnionAll, Self::Query, Q::Query>
    where
        Q: AsQuery,
        <Q::Query as Query>::Row: SameRows<<Self::Query as Query>::Row>,
    {
        Combined::new(self.into_query(), other.into_query())
    }

    /// `self INTERSECT other`: the rows in both.
    fn intersect<Q>(self, other: Q) -> Combined<Intersect, Self::Query, Q::Query>
    where
        Q: AsQuery,
        <Q::Query as Query>::Row: SameRows<<Self::Query as Query>::Row>,
    {
        Combined::new(self.into_query(), other.into_query())
    }

    /// `self EXCEPT other`: the rows of `self` that are not in `other`.
    fn except<Q>(self, other: Q) -> Combined<Except, Self::Query, Q::Query>
    where
        Q: AsQuery,
        <Q::Query as Query>::Row: SameRows<<Self::Query as Query>::Row>,
    {
        Combined::new(self.into_query(), other.into_query())
    }
}

impl<T: AsQuery> CombineDsl for T {}
