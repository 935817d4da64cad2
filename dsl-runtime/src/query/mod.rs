//! Statements and their rendering.
//!
//! Every part of a query implements [`QueryFragment<DB>`]: it writes its SQL into a
//! [`SqlWriter`] and hands its values over as bind parameters. `select` builds
//! [`SelectStatement`]s through [`QueryDsl`]; [`sql_query`] runs SQL written by hand.

mod alias;
mod boxed;
mod combine;
mod cte;
mod debug;
mod group;
mod join;
mod lock;
pub(crate) mod select;
pub(crate) mod source;
pub(crate) mod sql_query;
mod subquery;
mod write;
mod writer;

pub use alias::{Alias, AliasName, AliasedColumn};
pub use boxed::{BoxOrder, BoxSelect, BoxWhere, BoxedSelect};
pub use combine::{
    CombineDsl, Combined, Except, Intersect, SameRows, SetOperand, SetOperator, Union, UnionAll,
};
pub use cte::{FitsColumns, With, with, with_recursive};
pub use debug::{DebugQuery, debug_query};
pub use group::{AddHaving, Grouped, Having, NoHaving};
pub use join::{
    Append, Explicit, FindJoin, FromFragment, Join, JoinOnDsl, JoinTarget, JoinTo, JoinableTable,
    OnClause, RowList,
};
pub use lock::{
    ForKeyShare, ForNoKeyUpdate, ForShare, ForUpdate, LockStrength, LockWaitPolicy, Locked,
    LockingDsl, NoWait, RowLockGrouping, RowLockKind, RowLockSelection, SkipLocked,
    SupportsRowLocks, WaitForLocks,
};
pub use select::{
    AddHavingTo, AddOrder, AddPredicate, AsSelect, ClauseFragment, CountQuery, CountStar,
    DecodeRow, DefaultSelect, DistinctOn, EqAll, FoldKind, NoOrder, NoWhere, OptionalRow,
    OrderClause, OrderFragment, OrderTerm, QueryDsl, SelectClause, SelectList, SelectStatement,
    Selectable, SelectionGrouping, SetSelection, SupportedColumns, WhereClause, decode_value,
};
pub use source::{
    Column, Contains, Entry, Here, Inner, JoinMode, Outer, QuerySource, Table, There,
};
pub use sql_query::{FromRow, HasSqlType, SqlQuery, sql_query};
pub use subquery::{
    ComparableWith, Exists, InArgument, InSubquery, ScalarSubquery, SingleColumnQuery, exists,
    not_exists,
};
pub use write::{
    AnyConflict, AsChangeset, Assignment, BindSink, BindSource, ChangesetFragment, Checked,
    ColumnList, ColumnOf, CompleteInsert, ConflictClause, ConflictTarget, DefaultValues, Delete,
    DeleteStatement, DoNothing, DoUpdate, DoUpdateBuilder, Excluded, IncompleteInsert, InsertRows,
    InsertStatement, InsertValues, IntoUpdateTarget, NoConflict, NoReturning, Omittable,
    OnConflict, OnConflictBuilder, Provides, Returning, ReturningClause, Separator, Set,
    TargetError, UpdateBuilder, UpdateStatement, Upsert, WriteAction, WriteStatement, bind_field,
    bind_option, delete, excluded, insert_into, push_field, update, walk_bound_row,
};
pub use writer::SqlWriter;

use crate::backend::Backend;

/// A part of a query that renders as SQL for backend `DB`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be run on {DB}",
    label = "this query, or a part of it, is not supported by this backend"
)]
pub trait QueryFragment<DB: Backend> {
    /// Whether it renders as a bare comparison or pattern match (`a = b`,
    /// `a LIKE b ESCAPE '\'`), which needs parentheses to be an operand of another
    /// one: `(a = b) = c`, never `a = b = c`, which PostgreSQL refuses and SQLite reads
    /// in its own way.
    #[doc(hidden)]
    fn is_comparison(&self) -> bool {
        false
    }

    /// What it is as an operand of `UNION`, `INTERSECT` or `EXCEPT`: whether it must be
    /// read as a subquery there to keep its meaning.
    #[doc(hidden)]
    fn set_operand(&self) -> SetOperand {
        SetOperand::Simple
    }

    /// Writes the SQL of `self` into `out`, and its values as bind parameters.
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>);
}

/// A query that returns rows.
pub trait Query {
    /// Decodes its rows.
    type Row: DecodeRow;
}

/// Something that can be run as a query: a table (all its rows) or a statement.
pub trait AsQuery {
    /// The query it becomes.
    type Query: Query;
    /// Converts `self`.
    fn into_query(self) -> Self::Query;
}

impl<T: QueryDsl> AsQuery for T
where
    SelectStatement<T::From, T::Select, T::Where, T::Order>: Query,
{
    type Query = SelectStatement<T::From, T::Select, T::Where, T::Order>;
    #[inline]
    fn into_query(self) -> Self::Query {
        self.into_select()
    }
}

/// Renders `query` for backend `DB`: its SQL and its bind parameters.
pub(crate) fn render<DB: Backend, Q: QueryFragment<DB> + ?Sized>(query: &Q) -> SqlWriter<'_> {
    let mut out = SqlWriter::new::<DB>();
    query.walk(&mut out);
    out
}
