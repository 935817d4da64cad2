//! `update(target).set(changes)` and `delete(target)`: one statement type, with a
//! `Set` or `Delete` action, and how it runs.
use super::*;
use crate::query::{DefaultSelect, NoOrder};

// ---------------------------------------------------------------------------------
// UPDATE and DELETE
// ---------------------------------------------------------------------------------

/// What `update` and `delete` act on: a table (every row) or a table filtered with
/// `filter`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the target of an update or a delete",
    label = "expected a table, or a table with `filter(…)`",
    note = "`select`, joins, ordering and grouping have no place in an UPDATE or DELETE target"
)]
pub trait IntoUpdateTarget {
    /// The table.
    type Table: Table;
    /// The WHERE clause.
    type Where;
    /// Splits the target; fails when it has a limit, an offset or `distinct`.
    fn into_target(self) -> Result<(Self::Table, Self::Where), TargetError>;
}

#[diagnostic::do_not_recommend]
impl<T: Table> IntoUpdateTarget for T {
    type Table = T;
    type Where = NoWhere;
    fn into_target(self) -> Result<(T, NoWhere), TargetError> {
        Ok((self, NoWhere))
    }
}

impl<T: Table, W> IntoUpdateTarget for SelectStatement<T, DefaultSelect, W, NoOrder> {
    type Table = T;
    type Where = W;
    fn into_target(self) -> Result<(T, W), TargetError> {
        self.into_filter_parts().ok_or(TargetError)
    }
}

/// An update or delete target with a limit, an offset or `distinct`; reported as an
/// [`Error::InvalidQuery`] when the statement runs.
#[derive(Debug, Clone, Copy)]
pub struct TargetError;

impl TargetError {
    fn error(&self) -> Error {
        Error::InvalidQuery(
            "an update or delete target cannot have a limit, an offset or `distinct`".into(),
        )
    }
}

/// Starts an `UPDATE` of `target`: a table, or a table with `filter(…)`. Give the
/// changes with [`set`](UpdateBuilder::set).
pub fn update<Tg: IntoUpdateTarget>(target: Tg) -> UpdateBuilder<Tg::Table, Tg::Where> {
    UpdateBuilder {
        target: target.into_target(),
    }
}

/// An update waiting for its changes.
#[derive(Debug)]
#[must_use = "give the changes with `set(…)`"]
pub struct UpdateBuilder<T, W> {
    target: Result<(T, W), TargetError>,
}

impl<T: Table, W> UpdateBuilder<T, W> {
    /// `SET changes`: `column.eq(value)` assignments, or a `#[derive(AsChangeset)]`
    /// struct.
    pub fn set<U, I>(self, changes: U) -> UpdateStatement<T, W, U>
    where
        U: AsChangeset<T, I>,
    {
        WriteStatement {
            target: self.target,
            action: Set(changes),
            returning: NoReturning,
        }
    }
}

/// Starts a `DELETE` of `target`: a table (every row), or a table with `filter(…)`.
pub fn delete<Tg: IntoUpdateTarget>(target: Tg) -> DeleteStatement<Tg::Table, Tg::Where> {
    WriteStatement {
        target: target.into_target(),
        action: Delete,
        returning: NoReturning,
    }
}

/// An `UPDATE` or a `DELETE` of the rows of table `T` that `W` selects: the action
/// `A` ([`Set`] or [`Delete`]) tells which.
#[derive(Debug)]
#[must_use = "an update or a delete does nothing until it is run with `execute` or `get_result`"]
pub struct WriteStatement<T, W, A, R = NoReturning> {
    target: Result<(T, W), TargetError>,
    action: A,
    returning: R,
}

/// An `UPDATE` statement.
pub type UpdateStatement<T, W, U, R = NoReturning> = WriteStatement<T, W, Set<U>, R>;

/// A `DELETE` statement.
pub type DeleteStatement<T, W, R = NoReturning> = WriteStatement<T, W, Delete, R>;

/// The action of an update: `SET changes`.
#[derive(Debug, Clone, Copy)]
pub struct Set<U>(U);

/// The action of a delete.
#[derive(Debug, Clone, Copy, Default)]
pub struct Delete;

/// Writes the start of an update or a delete, up to its WHERE clause.
pub trait WriteAction<DB: Backend> {
    /// Writes `UPDATE "t" SET …` or `DELETE FROM "t"`; fails for an update with nothing
    /// to set.
    fn walk_action<'a, T: Table>(&'a self, out: &mut SqlWriter<'a>) -> QueryResult<()>;
}

impl<DB: Backend, U: ChangesetFragment<DB>> WriteAction<DB> for Set<U> {
    fn walk_action<'a, T: Table>(&'a self, out: &mut SqlWriter<'a>) -> QueryResult<()> {
        if self.0.is_noop() {
            return Err(no_changes(T::NAME));
        }
        out.push_sql("UPDATE ");
        out.push_sql(T::QUOTED);
        out.push_sql(" SET ");
        self.0.walk_changes(out);
        Ok(())
    }
}

impl<DB: Backend> WriteAction<DB> for Delete {
    fn walk_action<'a, T: Table>(&'a self, out: &mut SqlWriter<'a>) -> QueryResult<()> {
        out.push_sql("DELETE FROM ");
        out.push_sql(T::QUOTED);
        Ok(())
    }
}

/// The statement as [`debug_query`](crate::debug_query) shows it: what `execute` sends.
/// A statement that cannot run (an update whose changeset sets nothing, a target with a
/// limit) shows as an SQL comment saying why.
impl<T: Table, W, A, R, DB: Backend> QueryFragment<DB> for WriteStatement<T, W, A, R>
where
    W: ClauseFragment<DB>,
    A: WriteAction<DB>,
    R: ReturningClause<T, DB>,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        match self.render::<DB>(false) {
            Ok(statement) => out.append(statement),
            Err(error) => {
                let reason = error.to_string().replace("*/", "* /");
                out.push_sql(&format!("/* cannot run: {reason} */"));
            }
        }
    }
}

impl<T: Table, W, A> WriteStatement<T, W, A, NoReturning> {
    /// `RETURNING items`: what `get_result(s)` returns. Without it, `get_result(s)`
    /// returns every column of the changed or removed rows.
    pub fn returning<S, I>(self, items: S) -> WriteStatement<T, W, A, Returning<S, S::Row>>
    where
        S: SelectList<Single<T>, I>,
    {
        WriteStatement {
            target: self.target,
            action: self.action,
            returning: returning::<T, S, I>(items),
        }
    }
}

impl<T: Table, W, A, R> WriteStatement<T, W, A, R> {
    fn render<DB: Backend>(&self, returning: bool) -> QueryResult<SqlWriter<'_>>
    where
        W: ClauseFragment<DB>,
        A: WriteAction<DB>,
        R: ReturningClause<T, DB>,
    {
        let mut out = SqlWriter::new::<DB>();
        self.write_into::<DB>(returning, &mut out)?;
        out.check()?;
        Ok(out)
    }

    /// Writes the statement into `out`, with `RETURNING` when `returning` (every
    /// column, unless it names its own list).
    fn write_into<'a, DB: Backend>(
        &'a self,
        returning: bool,
        out: &mut SqlWriter<'a>,
    ) -> QueryResult<()>
    where
        W: ClauseFragment<DB>,
        A: WriteAction<DB>,
        R: ReturningClause<T, DB>,
    {
        let (_, where_clause) = self.target.as_ref().map_err(|e| e.error())?;
        self.action.walk_action::<T>(out)?;
        where_clause.walk_clause(out);
        if returning {
            self.returning.walk_returning(out);
        } else {
            self.returning.walk_explicit(out);
        }
        Ok(())
    }
}

/// How an update or a delete runs: one statement.
#[doc(hidden)]
pub struct WritePlan<'a, S> {
    statement: &'a S,
    returning: bool,
}

impl<'a, T: Table, W, A, R, DB: Backend> Plan<'a, DB> for WritePlan<'a, WriteStatement<T, W, A, R>>
where
    W: ClauseFragment<DB>,
    A: WriteAction<DB>,
    R: ReturningClause<T, DB>,
{
    type Given = NoValues;

    fn statements(&self) -> usize {
        1
    }

    fn write(&mut self, _index: usize, out: &mut SqlWriter<'a>) -> QueryResult<Option<NoValues>> {
        out.clear();
        self.statement.write_into::<DB>(self.returning, out)?;
        Ok(None)
    }
}

impl<T: Table, W, A, R, DB: Backend> Runnable<DB> for WriteStatement<T, W, A, R>
where
    W: ClauseFragment<DB>,
    A: WriteAction<DB>,
    R: ReturningClause<T, DB>,
{
    type Returned = R::Row;
    type Plan<'a>
        = WritePlan<'a, Self>
    where
        Self: 'a;

    fn plan(&self, returning: bool) -> QueryResult<Self::Plan<'_>> {
        Ok(WritePlan {
            statement: self,
            returning,
        })
    }
}

impl<T: Table, W, A, R> ExecuteDsl for WriteStatement<T, W, A, R> {}
