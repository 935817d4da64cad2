//! Upserts: `ON CONFLICT (target) DO NOTHING` and `DO UPDATE SET …`, with `excluded`.
use super::*;

/// No `ON CONFLICT` clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoConflict;

/// `ON CONFLICT (target) DO NOTHING`, or `DO UPDATE SET changes` when `U` is a
/// changeset.
#[derive(Debug, Clone, Copy)]
pub struct OnConflict<K, U> {
    pub(super) _target: PhantomData<K>,
    pub(super) action: U,
}

/// The conflict clause of `on_conflict(K).do_update().set(U)` on table `T`.
pub type Upsert<T, K, U> = OnConflict<Checked<K, T>, DoUpdate<U>>;

/// `DO NOTHING`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DoNothing;

/// `DO UPDATE SET changes`.
#[derive(Debug, Clone, Copy)]
pub struct DoUpdate<U>(U);

/// The columns of a unique index of table `T`, as an `ON CONFLICT` target: a column of
/// `T`, or a tuple of them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a conflict target for an insert into `{T}`",
    label = "name a column of `{T}`, or a tuple of its columns, that has a unique index"
)]
pub trait ConflictTarget<T> {
    /// Writes the column names.
    fn walk_target(out: &mut SqlWriter<'_>);
    /// Adds the column names to `names`.
    #[doc(hidden)]
    fn target_columns(names: &mut Vec<&'static str>);
}

impl<T, C: Column + ColumnOf<T>> ConflictTarget<T> for C {
    fn walk_target(out: &mut SqlWriter<'_>) {
        out.push_identifier(C::NAME);
    }
    fn target_columns(names: &mut Vec<&'static str>) {
        names.push(C::NAME);
    }
}

macro_rules! tuple_conflict_target {
    ($($name:ident),+) => {
        impl<T, $($name: ConflictTarget<T>),+> ConflictTarget<T> for ($($name,)+) {
            fn walk_target(out: &mut SqlWriter<'_>) {
                let mut separator = Separator::default();
                $(
                    separator.next(out);
                    $name::walk_target(out);
                )+
            }
            fn target_columns(names: &mut Vec<&'static str>) {
                $($name::target_columns(names);)+
            }
        }
    };
}
tuple_conflict_target!(A);
tuple_conflict_target!(A, B);
tuple_conflict_target!(A, B, C);
tuple_conflict_target!(A, B, C, D);

/// Renders an optional `ON CONFLICT` clause.
pub trait ConflictClause<DB> {
    /// Writes ` ON CONFLICT …`, or nothing.
    fn walk_conflict<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// The columns of the conflict target of a `DO UPDATE`, whose values the rows of
    /// one insert must not repeat; `None` for every other clause.
    #[doc(hidden)]
    fn update_target() -> Option<Vec<&'static str>> {
        None
    }
}

impl<DB> ConflictClause<DB> for NoConflict {
    fn walk_conflict<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<DB: Backend, K: ConflictTarget<()>> ConflictClause<DB> for OnConflict<K, DoNothing> {
    fn walk_conflict<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" ON CONFLICT (");
        K::walk_target(out);
        out.push_sql(") DO NOTHING");
    }
}

/// A conflict target whose table has been checked, so rendering needs no table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checked<K, T>(PhantomData<(K, T)>);

impl<K: ConflictTarget<T>, T> ConflictTarget<()> for Checked<K, T> {
    fn walk_target(out: &mut SqlWriter<'_>) {
        K::walk_target(out);
    }
    fn target_columns(names: &mut Vec<&'static str>) {
        K::target_columns(names);
    }
}

impl<DB: Backend, K: ConflictTarget<()>, U: ChangesetFragment<DB>> ConflictClause<DB>
    for OnConflict<K, DoUpdate<U>>
{
    fn walk_conflict<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" ON CONFLICT (");
        K::walk_target(out);
        out.push_sql(") DO UPDATE SET ");
        self.action.0.walk_changes(out);
    }
    fn update_target() -> Option<Vec<&'static str>> {
        let mut names = Vec::new();
        K::target_columns(&mut names);
        Some(names)
    }
}

/// The target of `on_conflict_do_nothing()`: any unique index.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyConflict;

impl<DB: Backend> ConflictClause<DB> for OnConflict<AnyConflict, DoNothing> {
    fn walk_conflict<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" ON CONFLICT DO NOTHING");
    }
}

/// An insert waiting for its `ON CONFLICT` action.
#[derive(Debug, Clone)]
#[must_use = "choose `do_nothing()` or `do_update().set(…)`"]
pub struct OnConflictBuilder<T, V, K, R> {
    pub(super) statement: InsertStatement<T, V, NoConflict, R>,
    pub(super) _target: PhantomData<K>,
}

impl<T: Table, V, K, R> OnConflictBuilder<T, V, K, R> {
    /// `DO NOTHING`: rows that conflict are skipped.
    pub fn do_nothing(self) -> InsertStatement<T, V, OnConflict<Checked<K, T>, DoNothing>, R> {
        self.statement.with_conflict(OnConflict {
            _target: PhantomData,
            action: DoNothing,
        })
    }

    /// `DO UPDATE SET …`: the existing row is updated instead. Refer to the row that
    /// was to be inserted with [`excluded`].
    ///
    /// The rows of such an upsert must not repeat a key: two rows with the same values
    /// in the conflict target's columns make it fail with
    /// [`Error::InvalidQuery`](crate::Error::InvalidQuery) before anything is sent, on
    /// every backend and however many statements the rows need (PostgreSQL would refuse
    /// them in one statement, SQLite would let the later row update the earlier one).
    /// A row whose key holds a NULL, or leaves a key column to its default, repeats no
    /// other. [`do_nothing`](OnConflictBuilder::do_nothing) has no such rule.
    pub fn do_update(self) -> DoUpdateBuilder<T, V, K, R> {
        DoUpdateBuilder { builder: self }
    }
}

/// An upsert waiting for its changes.
#[derive(Debug, Clone)]
#[must_use = "give the changes with `set(…)`"]
pub struct DoUpdateBuilder<T, V, K, R> {
    builder: OnConflictBuilder<T, V, K, R>,
}

impl<T: Table, V, K, R> DoUpdateBuilder<T, V, K, R> {
    /// The changes to make to the conflicting row.
    pub fn set<U, I>(self, changes: U) -> InsertStatement<T, V, Upsert<T, K, U>, R>
    where
        U: AsChangeset<T, I>,
    {
        self.builder.statement.with_conflict(OnConflict {
            _target: PhantomData,
            action: DoUpdate(changes),
        })
    }
}

/// `excluded.column`: in `do_update().set(…)`, the value the conflicting insert
/// proposed for `column`.
pub fn excluded<C: Column>(column: C) -> Excluded<C> {
    Excluded(column)
}

/// `excluded."column"`; see [`excluded`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Excluded<C>(C);

impl<C: Column> Expression for Excluded<C> {
    type SqlType = C::SqlType;
}
impl<C: Column, QS, I> ValidIn<QS, I> for Excluded<C>
where
    C: ValidIn<QS, I>,
{
    type Nullability = C::Nullability;
}
impl<C: Column, DB: Backend> QueryFragment<DB> for Excluded<C>
where
    C::SqlType: SupportedBy<DB>,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("excluded.");
        out.push_identifier(C::NAME);
    }
}
crate::expr::expression_as_itself! {
    Excluded<C>;
}
