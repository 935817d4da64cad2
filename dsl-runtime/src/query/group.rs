//! `GROUP BY` and `HAVING`: a grouped query reads from [`Grouped`], which keeps the
//! FROM clause of the query it groups and adds the GROUP BY list and the HAVING
//! condition, so that a grouped query has the same shape as any other.

use super::join::FromFragment;
use super::source::QuerySource;
use super::{QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::expr::{And, Binary, GroupBy};
use crate::query::select::ClauseFragment;

/// The FROM clause `F` grouped by `G`, with HAVING condition `H` ([`NoHaving`] or
/// [`Having`]).
#[derive(Debug, Clone, Copy)]
pub struct Grouped<F, G, H> {
    pub(crate) from: F,
    pub(crate) group_by: G,
    pub(crate) having: H,
}

/// No HAVING clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHaving;

/// `HAVING condition`.
#[derive(Debug, Clone, Copy)]
pub struct Having<P>(pub(crate) P);

/// How `having` joins an existing HAVING clause: with `AND`.
pub trait AddHaving<P> {
    /// The HAVING clause after adding `P`.
    type Output;
    /// Adds `condition`.
    fn add(self, condition: P) -> Self::Output;
}

impl<P> AddHaving<P> for NoHaving {
    type Output = Having<P>;
    fn add(self, condition: P) -> Having<P> {
        Having(condition)
    }
}

impl<Prev, P> AddHaving<P> for Having<Prev> {
    type Output = Having<Binary<And, Prev, P>>;
    fn add(self, condition: P) -> Self::Output {
        Having(Binary::new(self.0, condition))
    }
}

impl<DB> ClauseFragment<DB> for NoHaving {
    fn walk_clause<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
    fn is_empty(&self) -> bool {
        true
    }
}

impl<P: QueryFragment<DB>, DB: Backend> ClauseFragment<DB> for Having<P> {
    fn walk_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" HAVING ");
        self.0.walk(out);
    }
}

impl<F: QuerySource, G: Copy, H: Copy> QuerySource for Grouped<F, G, H> {
    type List = F::List;
    type DefaultRows = F::DefaultRows;
    type DefaultSelection = F::DefaultSelection;
    type GroupBy = GroupBy<G>;
    const GROUPED: bool = true;

    fn walk_default_selection(&self, out: &mut SqlWriter<'_>) {
        self.from.walk_default_selection(out);
    }
}

impl<F, G, H, DB> FromFragment<DB> for Grouped<F, G, H>
where
    F: FromFragment<DB>,
    G: QueryFragment<DB>,
    H: ClauseFragment<DB>,
    DB: Backend,
{
    fn walk_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.from.walk_from(out);
    }

    fn walk_prelude<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.from.walk_prelude(out);
    }

    fn has_prelude(&self) -> bool {
        self.from.has_prelude()
    }

    fn walk_grouping<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" GROUP BY ");
        self.group_by.walk(out);
        self.having.walk_clause(out);
    }
}
