//! `INSERT`, `UPDATE` and `DELETE`, with `RETURNING` and `ON CONFLICT`.
//!
//! An insert is checked for completeness when it is built: [`table!`](crate::table)
//! implements [`CompleteInsert`] for each table, requiring every NOT NULL column without
//! `= default` to be among the columns the values provide. The provided columns are a
//! type-level list, searched with the same `Here` / `There<I>` positions as a query's
//! FROM clause.

use super::select::{ClauseFragment, NoWhere, SelectList, SelectStatement};
use super::source::{Column, Entry, Here, Inner, Table, There};
use super::{DecodeRow, QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::conn::{ExecuteDsl, NoValues, Plan, Runnable};
use crate::error::{Error, QueryResult};
use crate::expr::{AsExpression, Binary, Eq, Expression, SupportedBy, ValidIn};
use crate::types::{BindValue, ToSql};
use std::marker::PhantomData;

/// The FROM list of a statement on one table.
type Single<T> = (Entry<T, Inner>, ());

// ---------------------------------------------------------------------------------
// Completeness
// ---------------------------------------------------------------------------------

/// Proves that the type-level column list `Self` holds column `C`, at position `I`.
#[diagnostic::on_unimplemented(
    message = "this insert leaves out `{C}`, which is NOT NULL and has no default",
    label = "give `{C}` a value here",
    note = "a column may be left out of an insert when it is `Nullable<…>` or declared `= default` in `table!`"
)]
pub trait Provides<C, I> {}

#[diagnostic::do_not_recommend]
impl<C, Rest> Provides<C, Here> for (C, Rest) {}
#[diagnostic::do_not_recommend]
impl<C, D, Rest: Provides<C, I>, I> Provides<C, There<I>> for (D, Rest) {}

/// Implemented by [`table!`](crate::table) for each table: the column list `L` of an
/// insert provides every column that must be given a value.
pub trait CompleteInsert<L, I> {}

// ---------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------

/// Values for an insert into table `T`: a struct with `#[derive(Insertable)]`, a tuple
/// of `column.eq(value)`, or a `Vec` or slice of either.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted into `{T}`",
    label = "expected a `#[derive(Insertable)]` struct for this table, `column.eq(value)` assignments of its columns, or a Vec or slice of them",
    note = "each assignment must name a column of the table being inserted into"
)]
pub trait InsertValues<T> {
    /// The columns given, as a type-level list `(C0, (C1, ()))`.
    type Columns: ColumnList;
    /// How many columns a row has (at most 64).
    const COLUMN_COUNT: u32;
    /// Writes the names of the columns not in `omitted` (bit `i` stands for column `i`):
    /// `"name", "age"`.
    fn walk_columns(omitted: u64, out: &mut SqlWriter<'_>);
    /// The number of rows.
    fn row_count(&self) -> usize {
        1
    }
    /// The columns row `row` leaves to their defaults: bit `i` for column `i`. A
    /// `#[derive(Insertable)]` field that is `None` sets its bit when its column is
    /// declared `= default`.
    fn omitted(&self, row: usize) -> u64 {
        let _ = row;
        0
    }
}

/// Writes rows of values for backend `DB`.
pub trait InsertRows<DB: Backend> {
    /// Whether [`bind_row`](Self::bind_row) gives the rows' values: the rows of
    /// `#[derive(Insertable)]` structs, whose values are all bind parameters. Tuples of
    /// assignments, whose values may be any expression, only walk.
    #[doc(hidden)]
    const BINDS_ROWS: bool = false;

    /// Writes the values of row `row` for the columns not in `omitted`, separated by
    /// `, ` and without parentheses.
    fn walk_row<'a>(&'a self, row: usize, omitted: u64, out: &mut SqlWriter<'a>);

    /// Gives the bind parameters of row `row` for the columns not in `omitted` to
    /// `sink`, as `walk_row` would push them, when [`BINDS_ROWS`](Self::BINDS_ROWS).
    #[doc(hidden)]
    #[inline]
    fn bind_row<'a, S: BindSink<'a>>(&'a self, row: usize, omitted: u64, sink: &mut S) {
        let _ = (row, omitted, sink);
    }

    /// Writes the value row `row` gives column `column` (its position among all the
    /// columns, left out or not), or nothing when the row leaves it out: what an upsert
    /// compares to find rows that repeat a conflict key. Rows that give their values
    /// through [`bind_row`](Self::bind_row) need not implement it.
    #[doc(hidden)]
    fn walk_value<'a>(&'a self, row: usize, omitted: u64, column: u32, out: &mut SqlWriter<'a>) {
        if Self::BINDS_ROWS && omitted & (1 << column) == 0 {
            // `bind_row` gives one value per column it does not leave out.
            let before = (omitted | !all_columns(column)).count_zeros();
            let mut sink = PickSink {
                out,
                skip: before,
                picked: false,
            };
            self.bind_row(row, omitted, &mut sink);
        }
    }
}

/// Writes the one value it is told to pick, after skipping `skip` others.
struct PickSink<'w, 'a> {
    out: &'w mut SqlWriter<'a>,
    skip: u32,
    picked: bool,
}

impl<'a> BindSink<'a> for PickSink<'_, 'a> {
    fn bind(&mut self, value: BindValue<'a>) {
        if self.picked {
            value.discard();
        } else if self.skip > 0 {
            self.skip -= 1;
            value.discard();
        } else {
            self.out.push_bind(value);
            self.picked = true;
        }
    }
}

/// A type-level list of columns `(C0, (C1, ()))`: the columns of an insert's values.
#[doc(hidden)]
pub trait ColumnList {
    /// The position in the list of the column named `name`.
    fn position(name: &str) -> Option<u32>;
}

impl ColumnList for () {
    fn position(_name: &str) -> Option<u32> {
        None
    }
}

impl<C: Column, Rest: ColumnList> ColumnList for (C, Rest) {
    fn position(name: &str) -> Option<u32> {
        if C::NAME == name {
            Some(0)
        } else {
            Rest::position(name).map(|i| i + 1)
        }
    }
}

/// Where bind parameters go when a backend binds them straight into its statement,
/// without collecting them first: a multi-row insert's values, row by row.
#[doc(hidden)]
pub trait BindSink<'a> {
    /// The next bind parameter.
    fn bind(&mut self, value: BindValue<'a>);
}

/// Bind parameters that a backend may bind one by one as they come ([`BindSink`]),
/// rather than from a list.
#[doc(hidden)]
pub trait BindSource<'a> {
    /// Gives every bind parameter to `sink`, in order.
    fn give<S: BindSink<'a>>(&self, sink: &mut S);

    /// About how many parameters `give` gives, to size buffers.
    fn size_hint(&self) -> usize {
        0
    }
}

/// Collects bind parameters, for a backend that binds from a list.
impl<'a> BindSink<'a> for Vec<BindValue<'a>> {
    #[inline]
    fn bind(&mut self, value: BindValue<'a>) {
        self.push(value);
    }
}

/// Every column of a row of `count` columns.
fn all_columns(count: u32) -> u64 {
    u64::MAX.checked_shr(64 - count).unwrap_or(0)
}

/// Writes `, ` before every item but the first.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Separator(bool);

impl Separator {
    /// Writes `, ` unless this is the first call.
    #[inline]
    pub fn next(&mut self, out: &mut SqlWriter<'_>) {
        if std::mem::replace(&mut self.0, true) {
            out.push_sql(", ");
        }
    }
}

/// Proves that `Self` is a column of table `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column of `{T}`",
    label = "this column belongs to another table",
    note = "an insert, an update and an `on_conflict` target may only name columns of the table they write to"
)]
pub trait ColumnOf<T> {}

/// One `column.eq(value)` of an insert into table `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an assignment to a column of `{T}`",
    label = "expected `column.eq(value)` with a column of `{T}`"
)]
pub trait Assignment<T> {
    /// The column assigned.
    type Column: Column;
}

impl<T, C: Column + ColumnOf<T>, E> Assignment<T> for Binary<Eq, C, E> {
    type Column = C;
}

impl<T, C, E> InsertValues<T> for Binary<Eq, C, E>
where
    C: Column + ColumnOf<T>,
{
    type Columns = (C, ());
    const COLUMN_COUNT: u32 = 1;
    fn walk_columns(_omitted: u64, out: &mut SqlWriter<'_>) {
        out.push_identifier(C::NAME);
    }
}

impl<DB: Backend, C, E: QueryFragment<DB>> InsertRows<DB> for Binary<Eq, C, E> {
    fn walk_row<'a>(&'a self, _row: usize, _omitted: u64, out: &mut SqlWriter<'a>) {
        self.right().walk(out);
    }
    fn walk_value<'a>(&'a self, _row: usize, _omitted: u64, column: u32, out: &mut SqlWriter<'a>) {
        if column == 0 {
            self.right().walk(out);
        }
    }
}

macro_rules! tuple_values {
    ($($name:ident $idx:tt),+) => {
        impl<T, $($name: Assignment<T>),+> InsertValues<T> for ($($name,)+) {
            type Columns = tuple_values!(@list $($name),+);
            const COLUMN_COUNT: u32 = [$($idx),+].len() as u32;
            fn walk_columns(_omitted: u64, out: &mut SqlWriter<'_>) {
                let mut separator = Separator::default();
                $(
                    separator.next(out);
                    out.push_identifier(<$name::Column as Column>::NAME);
                )+
            }
        }

        impl<DB: Backend, $($name: InsertRows<DB>),+> InsertRows<DB> for ($($name,)+) {
            fn walk_row<'a>(&'a self, row: usize, omitted: u64, out: &mut SqlWriter<'a>) {
                let mut separator = Separator::default();
                $(
                    separator.next(out);
                    self.$idx.walk_row(row, omitted, out);
                )+
            }
            fn walk_value<'a>(&'a self, row: usize, omitted: u64, column: u32, out: &mut SqlWriter<'a>) {
                $(
                    if column == $idx {
                        self.$idx.walk_row(row, omitted, out);
                    }
                )+
            }
        }
    };
    (@list) => { () };
    (@list $head:ident $(, $rest:ident)*) => {
        (<$head as Assignment<T>>::Column, tuple_values!(@list $($rest),*))
    };
}

tuple_values!(A 0);
tuple_values!(A 0, B 1);
tuple_values!(A 0, B 1, C 2);
tuple_values!(A 0, B 1, C 2, D 3);
tuple_values!(A 0, B 1, C 2, D 3, E 4);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
tuple_values!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);

/// Many rows, inserted with one multi-row `INSERT` (split in chunks under the
/// backend's limit of bind parameters), for `Vec`s, slices and references.
macro_rules! many_rows {
    ($($ty:ty),*) => {$(
        impl<T, V: InsertValues<T>> InsertValues<T> for $ty {
            type Columns = V::Columns;
            const COLUMN_COUNT: u32 = V::COLUMN_COUNT;
            fn walk_columns(omitted: u64, out: &mut SqlWriter<'_>) {
                V::walk_columns(omitted, out);
            }
            fn row_count(&self) -> usize {
                self.len()
            }
            fn omitted(&self, row: usize) -> u64 {
                self[row].omitted(0)
            }
        }

        impl<DB: Backend, V: InsertRows<DB>> InsertRows<DB> for $ty {
            const BINDS_ROWS: bool = V::BINDS_ROWS;
            fn walk_row<'a>(&'a self, row: usize, omitted: u64, out: &mut SqlWriter<'a>) {
                self[row].walk_row(0, omitted, out);
            }
            #[inline]
            fn bind_row<'a, S: BindSink<'a>>(&'a self, row: usize, omitted: u64, sink: &mut S) {
                self[row].bind_row(0, omitted, sink);
            }
            fn walk_value<'a>(&'a self, row: usize, omitted: u64, column: u32, out: &mut SqlWriter<'a>) {
                self[row].walk_value(0, omitted, column, out);
            }
        }
    )*};
}

many_rows!(Vec<V>, &[V]);

impl<T, V: InsertValues<T>> InsertValues<T> for &V {
    type Columns = V::Columns;
    const COLUMN_COUNT: u32 = V::COLUMN_COUNT;
    fn walk_columns(omitted: u64, out: &mut SqlWriter<'_>) {
        V::walk_columns(omitted, out);
    }
    fn row_count(&self) -> usize {
        (**self).row_count()
    }
    fn omitted(&self, row: usize) -> u64 {
        (**self).omitted(row)
    }
}

impl<DB: Backend, V: InsertRows<DB>> InsertRows<DB> for &V {
    const BINDS_ROWS: bool = V::BINDS_ROWS;
    fn walk_row<'a>(&'a self, row: usize, omitted: u64, out: &mut SqlWriter<'a>) {
        (**self).walk_row(row, omitted, out);
    }
    #[inline]
    fn bind_row<'a, S: BindSink<'a>>(&'a self, row: usize, omitted: u64, sink: &mut S) {
        (**self).bind_row(row, omitted, sink);
    }
    fn walk_value<'a>(&'a self, row: usize, omitted: u64, column: u32, out: &mut SqlWriter<'a>) {
        (**self).walk_value(row, omitted, column, out);
    }
}

/// `DEFAULT VALUES`: every column takes its default (or NULL).
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultValues;

impl<T> InsertValues<T> for DefaultValues {
    type Columns = ();
    const COLUMN_COUNT: u32 = 0;
    fn walk_columns(_omitted: u64, _out: &mut SqlWriter<'_>) {}
}

impl<DB: Backend> InsertRows<DB> for DefaultValues {
    fn walk_row<'a>(&'a self, _row: usize, _omitted: u64, _out: &mut SqlWriter<'a>) {}
}

/// Writes one field of a `#[derive(Insertable)]` or `#[derive(AsChangeset)]` struct as
/// a bind parameter of column `C`'s SQL type. Used by the derives.
#[doc(hidden)]
#[inline]
pub fn push_field<'a, C, DB, F>(value: &'a F, out: &mut SqlWriter<'a>)
where
    C: Column,
    C::SqlType: SupportedBy<DB>,
    F: ToSql<C::SqlType> + ?Sized,
{
    out.push_bind(value.to_bind());
}

/// `walk_row` of rows that give their values through `bind_row`: each value a bind
/// parameter, separated by `, `. Used by the derives.
#[doc(hidden)]
#[inline]
pub fn walk_bound_row<'a, DB: Backend, V: InsertRows<DB>>(
    values: &'a V,
    row: usize,
    omitted: u64,
    out: &mut SqlWriter<'a>,
) {
    let mut sink = WriterSink {
        out,
        separator: Separator::default(),
    };
    values.bind_row(row, omitted, &mut sink);
}

/// Pushes each value it is given to a writer, after `, ` from the second on.
struct WriterSink<'w, 'a> {
    out: &'w mut SqlWriter<'a>,
    separator: Separator,
}

impl<'a> BindSink<'a> for WriterSink<'_, 'a> {
    #[inline]
    fn bind(&mut self, value: BindValue<'a>) {
        self.separator.next(self.out);
        self.out.push_bind(value);
    }
}

/// Gives one field of a `#[derive(Insertable)]` struct to `sink`: the field's value as
/// a bind parameter of column `C`'s SQL type. Used by the derives.
#[doc(hidden)]
#[inline]
pub fn bind_field<'a, C, DB, F, S>(value: &'a F, sink: &mut S)
where
    C: Column,
    C::SqlType: SupportedBy<DB>,
    F: ToSql<C::SqlType> + ?Sized,
    S: BindSink<'a>,
{
    sink.bind(value.to_bind());
}

/// A column an insert may leave out: nullable, or declared `= default`. Implemented by
/// [`table!`](crate::table); a `#[derive(Insertable)]` field of type `Option<…>` needs
/// it, since `None` means "leave it out".
#[diagnostic::on_unimplemented(
    message = "`{Self}` is NOT NULL and has no default, so its field cannot be an `Option`",
    label = "`None` would leave `{Self}` without a value",
    note = "give the field the column's own Rust type, or declare the column `= default` in `table!` if the database fills it"
)]
pub trait Omittable {}

/// Gives an `Option` field of a `#[derive(Insertable)]` struct to `sink`: its value, or
/// NULL. (A `None` for a column with a default is left out of the statement before
/// this.) Used by the derives.
#[doc(hidden)]
#[inline]
pub fn bind_option<'a, C, DB, F, S>(value: &'a Option<F>, sink: &mut S)
where
    C: Column + Omittable,
    C::SqlType: SupportedBy<DB>,
    F: ToSql<C::SqlType>,
    S: BindSink<'a>,
{
    sink.bind(value.as_ref().map_or(BindValue::Null, ToSql::to_bind));
}

// ---------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------

/// `insert_into(table)`: waits for [`values`](IncompleteInsert::values) or
/// [`default_values`](IncompleteInsert::default_values).
#[derive(Debug, Clone, Copy)]
#[must_use = "an insert does nothing until it is given values and run"]
pub struct IncompleteInsert<T> {
    table: T,
}

/// Starts an `INSERT INTO table`.
///
/// ```
/// # use quarry::prelude::*;
/// quarry::table! { users (id) { id -> Int4 = default, name -> Text, age -> Int4 } }
/// let mut conn = SqliteConnection::establish(":memory:")?;
/// conn.batch_execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL)")?;
/// let id: i32 = quarry::insert_into(users::table)
///     .values((users::name.eq("Ada"), users::age.eq(36)))
///     .returning(users::id)
///     .get_result(&mut conn)?;
/// assert_eq!(id, 1);
/// # Ok::<(), quarry::Error>(())
/// ```
pub fn insert_into<T: Table>(table: T) -> IncompleteInsert<T> {
    IncompleteInsert { table }
}

impl<T: Table> IncompleteInsert<T> {
    /// The values to insert. Every NOT NULL column without `= default` must be given a
    /// value, or the insert does not compile.
    pub fn values<V, I>(self, values: V) -> InsertStatement<T, V>
    where
        V: InsertValues<T>,
        T: CompleteInsert<V::Columns, I>,
    {
        InsertStatement {
            table: self.table,
            values,
            conflict: NoConflict,
            returning: NoReturning,
        }
    }

    /// `INSERT INTO table DEFAULT VALUES`: compiles only when every column is nullable
    /// or has a default.
    pub fn default_values<I>(self) -> InsertStatement<T, DefaultValues>
    where
        T: CompleteInsert<(), I>,
    {
        InsertStatement {
            table: self.table,
            values: DefaultValues,
            conflict: NoConflict,
            returning: NoReturning,
        }
    }
}

/// An `INSERT` statement; run it with `execute`, or `get_result(s)` for the rows it
/// returns.
#[derive(Debug, Clone)]
#[must_use = "an insert does nothing until it is run with `execute` or `get_result`"]
pub struct InsertStatement<T, V, C = NoConflict, R = NoReturning> {
    table: T,
    values: V,
    conflict: C,
    returning: R,
}

/// No `RETURNING` clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReturning;

/// `RETURNING items`; `R` decodes the rows.
#[derive(Debug, Clone, Copy)]
pub struct Returning<S, R> {
    items: S,
    _row: PhantomData<R>,
}

/// What a statement returns from `get_result(s)`: its `RETURNING` list, or every column
/// of its table when it has none.
pub trait ReturningClause<T, DB> {
    /// Decodes the returned rows.
    type Row: DecodeRow;
    /// Writes ` RETURNING …`, for `get_result(s)`.
    fn walk_returning<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// Writes ` RETURNING …` only if the statement has an explicit `returning(…)`, for
    /// `execute` and `debug_query`.
    fn walk_explicit<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<T: Table, DB> ReturningClause<T, DB> for NoReturning
where
    T::AllColumns: DecodeRow,
{
    type Row = T::AllColumns;
    fn walk_returning<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" RETURNING ");
        out.push_sql(T::ALL_COLUMNS_SQL);
    }
    fn walk_explicit<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<T, S: QueryFragment<DB>, R: DecodeRow, DB: Backend> ReturningClause<T, DB>
    for Returning<S, R>
{
    type Row = R;
    fn walk_returning<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" RETURNING ");
        self.items.walk(out);
    }
    fn walk_explicit<'a>(&'a self, out: &mut SqlWriter<'a>) {
        <Self as ReturningClause<T, DB>>::walk_returning(self, out);
    }
}

fn returning<T: Table, S, I>(items: S) -> Returning<S, S::Row>
where
    S: SelectList<Single<T>, I>,
{
    Returning {
        items,
        _row: PhantomData,
    }
}

/// No `ON CONFLICT` clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoConflict;

/// `ON CONFLICT (target) DO NOTHING`, or `DO UPDATE SET changes` when `U` is a
/// changeset.
#[derive(Debug, Clone, Copy)]
pub struct OnConflict<K, U> {
    _target: PhantomData<K>,
    action: U,
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

impl<T: Table, V, R> InsertStatement<T, V, NoConflict, R> {
    fn with_conflict<C>(self, conflict: C) -> InsertStatement<T, V, C, R> {
        InsertStatement {
            table: self.table,
            values: self.values,
            conflict,
            returning: self.returning,
        }
    }

    /// `ON CONFLICT DO NOTHING`: rows that would violate any unique index are skipped.
    pub fn on_conflict_do_nothing(
        self,
    ) -> InsertStatement<T, V, OnConflict<AnyConflict, DoNothing>, R> {
        self.with_conflict(OnConflict {
            _target: PhantomData,
            action: DoNothing,
        })
    }

    /// `ON CONFLICT (target)`: what to do when a row would violate the unique index on
    /// `target` (a column of the table, or a tuple of them). Follow with
    /// [`do_nothing`](OnConflictBuilder::do_nothing) or
    /// [`do_update`](OnConflictBuilder::do_update).
    pub fn on_conflict<K: ConflictTarget<T>>(self, _target: K) -> OnConflictBuilder<T, V, K, R> {
        OnConflictBuilder {
            statement: self,
            _target: PhantomData,
        }
    }
}

/// An insert waiting for its `ON CONFLICT` action.
#[derive(Debug, Clone)]
#[must_use = "choose `do_nothing()` or `do_update().set(…)`"]
pub struct OnConflictBuilder<T, V, K, R> {
    statement: InsertStatement<T, V, NoConflict, R>,
    _target: PhantomData<K>,
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

impl<T: Table, V, C> InsertStatement<T, V, C, NoReturning> {
    /// `RETURNING items`: what `get_result(s)` returns, checked like a `select` list.
    /// Without it, `get_result(s)` returns every column.
    pub fn returning<S, I>(self, items: S) -> InsertStatement<T, V, C, Returning<S, S::Row>>
    where
        S: SelectList<Single<T>, I>,
    {
        InsertStatement {
            table: self.table,
            values: self.values,
            conflict: self.conflict,
            returning: returning::<T, S, I>(items),
        }
    }
}

impl<T: Table, V, C, R> InsertStatement<T, V, C, R>
where
    V: InsertValues<T>,
{
    /// Renders the statement for rows `rows`, with or without its RETURNING clause.
    /// `out` is cleared first: one writer serves every statement of a batch, so its
    /// buffers are allocated once.
    fn render_rows<'a, DB: Backend>(
        &'a self,
        rows: std::ops::Range<usize>,
        returning: bool,
        out: &mut SqlWriter<'a>,
    ) where
        V: InsertRows<DB>,
        C: ConflictClause<DB>,
        R: ReturningClause<T, DB>,
    {
        out.push_sql("INSERT INTO ");
        out.push_sql(T::QUOTED);
        // Every row of a chunk leaves out the same columns.
        let omitted = self.values.omitted(rows.start);
        if omitted == all_columns(V::COLUMN_COUNT) {
            // One row per chunk (see `chunks`).
            out.push_sql(" DEFAULT VALUES");
        } else {
            out.push_sql(" (");
            V::walk_columns(omitted, out);
            out.push_sql(") VALUES ");
            let mut separator = Separator::default();
            let count = rows.len();
            // Rows whose values are all bind parameters are one placeholder per column
            // written; when the backend is given the values otherwise, they need no walk.
            let placeholders = (V::BINDS_ROWS && out.is_sql_only())
                .then(|| (all_columns(V::COLUMN_COUNT) & !omitted).count_ones());
            for (n, row) in rows.enumerate() {
                let (sql_before, binds_before) = (out.sql().len(), out.binds().len());
                separator.next(out);
                out.push_sql("(");
                match placeholders {
                    Some(count) => out.push_placeholders(count),
                    None => self.values.walk_row(row, omitted, out),
                }
                out.push_sql(")");
                if n == 0 && count > 1 {
                    // The other rows are about the size of the first.
                    let more = count - 1;
                    let sql = (out.sql().len() - sql_before + 2) * more + 64;
                    out.reserve(sql, (out.binds().len() - binds_before) * more);
                }
            }
        }
        self.conflict.walk_conflict(out);
        if returning {
            self.returning.walk_returning(out);
        } else {
            self.returning.walk_explicit(out);
        }
    }

    /// Refuses an upsert with `DO UPDATE` whose rows repeat the values of its conflict
    /// target. PostgreSQL refuses to update a row twice in one statement, while SQLite
    /// lets the later row update the earlier one, and which of the two happens would
    /// otherwise depend on whether the rows fall in the same chunk. Rows are compared by
    /// the values they give (text as sent, a SQL expression by its SQL and values); a
    /// row whose key holds a NULL, or leaves a key column to its default, repeats none.
    fn refuse_repeated_update_keys<DB: Backend>(&self) -> QueryResult<()>
    where
        V: InsertRows<DB>,
        C: ConflictClause<DB>,
    {
        let rows = self.values.row_count();
        if rows < 2 {
            return Ok(());
        }
        let Some(target) = C::update_target() else {
            return Ok(());
        };
        // A target column the values do not give takes its default in every row.
        let Some(positions) = target
            .iter()
            .map(|name| V::Columns::position(name))
            .collect::<Option<Vec<u32>>>()
        else {
            return Ok(());
        };
        let mut seen = std::collections::HashMap::with_capacity(rows);
        let mut value = SqlWriter::new::<DB>();
        'rows: for row in 0..rows {
            let omitted = self.values.omitted(row);
            let mut key = Vec::new();
            for &column in &positions {
                value.clear();
                self.values.walk_value(row, omitted, column, &mut value);
                let lone_null =
                    matches!(value.binds(), [BindValue::Null]) && matches!(value.sql(), "?" | "$1");
                if value.sql().is_empty() || lone_null {
                    continue 'rows;
                }
                push_key(value.sql(), value.binds(), &mut key);
            }
            if let Some(first) = seen.insert(key, row) {
                let columns: Vec<String> = target.iter().map(|c| format!("`{c}`")).collect();
                return Err(Error::InvalidQuery(format!(
                    "the rows at index {first} and {row} of this upsert into `{table}` have \
                     the same {columns} (its conflict target); ON CONFLICT DO UPDATE cannot \
                     change a row twice in one statement, so give each key once (merge the \
                     rows first), or use `do_nothing()`",
                    table = T::NAME,
                    columns = columns.join(", "),
                )));
            }
        }
        Ok(())
    }

    /// Splits the rows into statements: runs of rows that leave out the same columns,
    /// each under the backend's bind limit. Rows that leave out every column are
    /// `DEFAULT VALUES`, one per statement.
    fn chunks<DB: Backend>(&self) -> Vec<std::ops::Range<usize>>
    where
        V: InsertRows<DB>,
    {
        let rows = self.values.row_count();
        let all = all_columns(V::COLUMN_COUNT);
        let mut chunks = Vec::new();
        let mut start = 0;
        while start < rows {
            let omitted = self.values.omitted(start);
            let max_rows = if omitted == all {
                1
            } else {
                let mut probe = SqlWriter::new::<DB>();
                self.values.walk_row(start, omitted, &mut probe);
                // Leave room for binds in an ON CONFLICT or RETURNING clause.
                ((DB::BIND_LIMIT - 256) / probe.binds().len().max(1)).max(1)
            };
            let mut end = start + 1;
            while end < rows && end - start < max_rows && self.values.omitted(end) == omitted {
                end += 1;
            }
            chunks.push(start..end);
            start = end;
        }
        chunks
    }
}

/// How an insert runs: one statement per chunk of its rows (see
/// [`InsertStatement::chunks`]), all in one transaction when there are several.
///
/// The SQL of a chunk depends only on its row count and the columns its rows leave out:
/// when those are the previous chunk's, its SQL is kept, and only the bind parameters
/// (if collected) are walked again.
#[doc(hidden)]
pub struct InsertPlan<'a, T: Table, V, C, R, DB> {
    insert: &'a InsertStatement<T, V, C, R>,
    chunks: Vec<std::ops::Range<usize>>,
    /// Whether the statements return the inserted rows.
    returning: bool,
    /// Whether the writer collects the bind parameters; without, the connection is
    /// given them by [`ChunkValues`], row by row as it binds them.
    collect: bool,
    /// The row count and omitted columns of the SQL the writer holds.
    shape: Option<(usize, u64)>,
    _backend: PhantomData<DB>,
}

impl<'a, T: Table, V, C, R, DB: Backend> Plan<'a, DB> for InsertPlan<'a, T, V, C, R, DB>
where
    V: InsertValues<T> + InsertRows<DB>,
    C: ConflictClause<DB>,
    R: ReturningClause<T, DB>,
{
    type Given = ChunkValues<'a, T, V, C, R, DB>;

    fn statements(&self) -> usize {
        self.chunks.len()
    }

    fn write(&mut self, index: usize, out: &mut SqlWriter<'a>) -> QueryResult<Option<Self::Given>> {
        let insert: &'a InsertStatement<T, V, C, R> = self.insert;
        let Some(chunk) = self.chunks.get(index).cloned() else {
            return Err(Error::InvalidQuery(format!(
                "an insert of {} statements has no statement {index}",
                self.chunks.len()
            )));
        };
        let omitted = insert.values.omitted(chunk.start);
        let this = Some((chunk.len(), omitted));
        if self.shape != this {
            if self.collect {
                out.clear();
            } else {
                out.sql_only();
            }
            insert.render_rows::<DB>(chunk.clone(), self.returning, out);
            self.shape = this;
        } else if self.collect {
            out.rebind();
            insert.render_rows::<DB>(chunk.clone(), self.returning, out);
        }
        #[cfg(debug_assertions)]
        {
            let mut fresh = SqlWriter::new::<DB>();
            insert.render_rows::<DB>(chunk.clone(), self.returning, &mut fresh);
            debug_assert_eq!(fresh.sql(), out.sql(), "a kept chunk SQL differs");
        }
        Ok((!self.collect).then_some(ChunkValues {
            insert,
            rows: chunk,
            omitted,
            _backend: PhantomData,
        }))
    }
}

impl<T: Table, V, C, R, DB: Backend> Runnable<DB> for InsertStatement<T, V, C, R>
where
    V: InsertValues<T> + InsertRows<DB>,
    C: ConflictClause<DB>,
    R: ReturningClause<T, DB>,
{
    type Returned = R::Row;
    type Plan<'a>
        = InsertPlan<'a, T, V, C, R, DB>
    where
        Self: 'a;

    fn plan(&self, returning: bool) -> QueryResult<Self::Plan<'_>> {
        self.refuse_repeated_update_keys::<DB>()?;
        Ok(InsertPlan {
            insert: self,
            chunks: self.chunks::<DB>(),
            returning,
            // Rows whose values are all bind parameters go to the connection as it binds
            // them, rather than through a list built first; returned rows come back
            // through the query path, which reads a list.
            collect: returning || !V::BINDS_ROWS,
            shape: None,
            _backend: PhantomData,
        })
    }
}

impl<T: Table, V, C, R> ExecuteDsl for InsertStatement<T, V, C, R> {}

/// The bind parameters of one chunk of a multi-row insert, in the order of the
/// placeholders `render_rows` writes: the rows', then those of its `ON CONFLICT` and
/// `RETURNING` clauses.
#[doc(hidden)]
pub struct ChunkValues<'a, T: Table, V, C, R, DB> {
    insert: &'a InsertStatement<T, V, C, R>,
    rows: std::ops::Range<usize>,
    omitted: u64,
    _backend: PhantomData<DB>,
}

impl<'a, T: Table, V, C, R, DB: Backend> BindSource<'a> for ChunkValues<'a, T, V, C, R, DB>
where
    V: InsertValues<T> + InsertRows<DB>,
    C: ConflictClause<DB>,
    R: ReturningClause<T, DB>,
{
    fn give<S: BindSink<'a>>(&self, sink: &mut S) {
        let insert: &'a InsertStatement<T, V, C, R> = self.insert;
        // Rows that leave out every column are `DEFAULT VALUES`, with no parameters.
        if self.omitted != all_columns(V::COLUMN_COUNT) {
            for row in self.rows.clone() {
                insert.values.bind_row(row, self.omitted, sink);
            }
        }
        let mut tail = SqlWriter::binds_only::<DB>();
        insert.conflict.walk_conflict(&mut tail);
        insert.returning.walk_explicit(&mut tail);
        for value in tail.into_parts().1 {
            sink.bind(value);
        }
    }

    fn size_hint(&self) -> usize {
        let per_row = (all_columns(V::COLUMN_COUNT) & !self.omitted).count_ones();
        self.rows.len() * per_row as usize
    }
}

/// The first statement the insert sends, as [`debug_query`](crate::debug_query) shows
/// it: all its rows, unless they need more than one statement (more bind parameters
/// than the backend takes, or rows that leave out different columns). An insert of no
/// rows sends nothing, and shows as empty SQL.
impl<T: Table, V, C, R, DB: Backend> QueryFragment<DB> for InsertStatement<T, V, C, R>
where
    V: InsertValues<T> + InsertRows<DB>,
    C: ConflictClause<DB>,
    R: ReturningClause<T, DB>,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let Some(first) = self.chunks::<DB>().into_iter().next() else {
            return;
        };
        let mut statement = SqlWriter::new::<DB>();
        self.render_rows::<DB>(first, false, &mut statement);
        out.append(statement);
    }
}

/// Appends to `key` an encoding of one value of a row (its SQL and bind parameters)
/// that equals another's exactly when the two are the same.
fn push_key(sql: &str, binds: &[BindValue<'_>], key: &mut Vec<u8>) {
    fn bytes(tag: u8, data: &[u8], key: &mut Vec<u8>) {
        key.push(tag);
        key.extend_from_slice(&(data.len() as u64).to_le_bytes());
        key.extend_from_slice(data);
    }
    fn value(v: &BindValue<'_>, key: &mut Vec<u8>) {
        match v {
            BindValue::Null => key.push(0),
            BindValue::Boolean(v) => bytes(1, &[u8::from(*v)], key),
            BindValue::I16(v) => bytes(2, &v.to_le_bytes(), key),
            BindValue::I32(v) => bytes(3, &v.to_le_bytes(), key),
            BindValue::I64(v) => bytes(4, &v.to_le_bytes(), key),
            BindValue::F32(v) => bytes(5, &v.to_le_bytes(), key),
            BindValue::F64(v) => bytes(6, &v.to_le_bytes(), key),
            BindValue::Str(v) => bytes(7, v.as_bytes(), key),
            BindValue::Bytes(v) => bytes(8, v, key),
            BindValue::Timestamp(v) => bytes(9, &v.to_le_bytes(), key),
            BindValue::Timestamptz(v) => bytes(10, &v.to_le_bytes(), key),
            BindValue::Date(v) => bytes(11, &v.to_le_bytes(), key),
            BindValue::Time(v) => bytes(12, &v.to_le_bytes(), key),
            BindValue::Uuid(v) => bytes(13, v, key),
            BindValue::Numeric(v) => bytes(14, v.as_bytes(), key),
            BindValue::Json(v) => bytes(15, v.as_bytes(), key),
            BindValue::Jsonb(v) => bytes(16, v.as_bytes(), key),
            BindValue::Array { element, elements } => {
                bytes(17, format!("{element:?}").as_bytes(), key);
                key.extend_from_slice(&(elements.len() as u64).to_le_bytes());
                for e in elements {
                    value(e, key);
                }
            }
        }
    }
    bytes(0xff, sql.as_bytes(), key);
    key.extend_from_slice(&(binds.len() as u64).to_le_bytes());
    for v in binds {
        value(v, key);
    }
}

// ---------------------------------------------------------------------------------
// Changesets
// ---------------------------------------------------------------------------------

/// Changes for an `UPDATE` of table `T` (or an upsert's `DO UPDATE`): a
/// `column.eq(value)` assignment, a tuple of them, or a struct with
/// `#[derive(AsChangeset)]`. Values may use the table's columns: `visits.eq(visits + 1)`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as changes to `{T}`",
    label = "expected `column.eq(value)` assignments of the columns of `{T}`, or a `#[derive(AsChangeset)]` struct for it",
    note = "an assigned column must belong to the table being updated, and its value may only use that table's columns"
)]
pub trait AsChangeset<T, I> {}

/// Writes the assignments of a changeset for backend `DB`.
pub trait ChangesetFragment<DB: Backend> {
    /// Whether there is nothing to assign (every field of a struct was `None`).
    fn is_noop(&self) -> bool {
        false
    }
    /// Writes `"col" = value, …`, skipping fields that are `None`.
    fn walk_changes<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<T, C, E, I> AsChangeset<T, I> for Binary<Eq, C, E>
where
    C: Column + ColumnOf<T>,
    T: Table,
    E: ValidIn<Single<T>, I>,
{
}

impl<DB: Backend, C: Column, E: QueryFragment<DB>> ChangesetFragment<DB> for Binary<Eq, C, E> {
    fn walk_changes<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_identifier(C::NAME);
        out.push_sql(" = ");
        self.right().walk(out);
    }
}

macro_rules! tuple_changeset {
    ($($name:ident $idx:tt $index:ident),+) => {
        impl<T, $($name, $index),+> AsChangeset<T, ($($index,)+)> for ($($name,)+)
        where
            $($name: AsChangeset<T, $index>),+
        {
        }

        impl<DB: Backend, $($name: ChangesetFragment<DB>),+> ChangesetFragment<DB> for ($($name,)+) {
            fn is_noop(&self) -> bool {
                true $(&& self.$idx.is_noop())+
            }
            fn walk_changes<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let mut separator = Separator::default();
                $(
                    if !self.$idx.is_noop() {
                        separator.next(out);
                        self.$idx.walk_changes(out);
                    }
                )+
            }
        }
    };
}

tuple_changeset!(A 0 IA);
tuple_changeset!(A 0 IA, B 1 IB);
tuple_changeset!(A 0 IA, B 1 IB, C 2 IC);
tuple_changeset!(A 0 IA, B 1 IB, C 2 IC, D 3 ID);
tuple_changeset!(A 0 IA, B 1 IB, C 2 IC, D 3 ID, E 4 IE);
tuple_changeset!(A 0 IA, B 1 IB, C 2 IC, D 3 ID, E 4 IE, F 5 IF);
tuple_changeset!(A 0 IA, B 1 IB, C 2 IC, D 3 ID, E 4 IE, F 5 IF, G 6 IG);
tuple_changeset!(A 0 IA, B 1 IB, C 2 IC, D 3 ID, E 4 IE, F 5 IF, G 6 IG, H 7 IH);
tuple_changeset!(A 0 IA, B 1 IB, C 2 IC, D 3 ID, E 4 IE, F 5 IF, G 6 IG, H 7 IH, J 8 IJ);
tuple_changeset!(A 0 IA, B 1 IB, C 2 IC, D 3 ID, E 4 IE, F 5 IF, G 6 IG, H 7 IH, J 8 IJ, K 9 IK);

impl<T, U: AsChangeset<T, I>, I> AsChangeset<T, I> for &U {}
impl<DB: Backend, U: ChangesetFragment<DB>> ChangesetFragment<DB> for &U {
    fn is_noop(&self) -> bool {
        (**self).is_noop()
    }
    fn walk_changes<'a>(&'a self, out: &mut SqlWriter<'a>) {
        (**self).walk_changes(out);
    }
}

fn no_changes(table: &str) -> Error {
    Error::InvalidQuery(format!(
        "the update of `{table}` has no changes: every field of the changeset is `None`"
    ))
}

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

impl<T: Table, W> IntoUpdateTarget for SelectStatement<T, super::DefaultSelect, W, super::NoOrder> {
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

#[cfg(all(test, feature = "sqlite", feature = "postgres"))]
mod tests {
    use crate::backend::pg::Pg;
    use crate::backend::sqlite::Sqlite;
    use crate::expr::ExpressionMethods;
    use crate::{Error, excluded, insert_into};

    quarry::table! { tags (id) { id -> Int4 = default, code -> Nullable<Text>, label -> Text = default } }

    #[derive(crate::Insertable)]
    #[quarry(table = tags)]
    struct NewTag<'a> {
        id: Option<i32>,
        code: Option<&'a str>,
        label: &'a str,
    }

    fn reason(result: crate::QueryResult<()>) -> Option<String> {
        match result {
            Ok(()) => None,
            Err(Error::InvalidQuery(reason)) => Some(reason),
            Err(other) => panic!("expected Error::InvalidQuery, got {other:?}"),
        }
    }

    /// Why an upsert of `rows` on `code` is refused, in SQLite's and PostgreSQL's
    /// placeholders.
    macro_rules! repeats {
        ($rows:expr) => {{
            let upsert = insert_into(tags::table)
                .values($rows)
                .on_conflict(tags::code)
                .do_update()
                .set(tags::label.eq(excluded(tags::label)));
            [
                reason(upsert.refuse_repeated_update_keys::<Sqlite>()),
                reason(upsert.refuse_repeated_update_keys::<Pg>()),
            ]
        }};
    }

    #[test]
    fn null_keys_and_keys_left_to_their_default_repeat_nothing() {
        let none: Option<&str> = None;
        let tuples = vec![
            (tags::code.eq(none), tags::label.eq("a")),
            (tags::code.eq(none), tags::label.eq("b")),
        ];
        assert_eq!(repeats!(&tuples), [None, None]);
        let tag = |code, label| NewTag {
            id: None,
            code,
            label,
        };
        let structs = vec![tag(None, "a"), tag(Some("x"), "b"), tag(None, "c")];
        assert_eq!(repeats!(&structs), [None, None]);

        // The same non-NULL key twice is a repeat, in a struct or in a tuple.
        let structs = vec![tag(None, "a"), tag(Some("x"), "b"), tag(Some("x"), "c")];
        let [sqlite, pg] = repeats!(&structs);
        assert!(sqlite.as_deref().is_some_and(|r| r.starts_with(
            "the rows at index 1 and 2 of this upsert into `tags` have the same `code`"
        )));
        assert_eq!(sqlite, pg);
        let tuples = vec![
            (tags::code.eq(Some("y")), tags::label.eq("a")),
            (tags::code.eq(Some("y")), tags::label.eq("b")),
        ];
        assert!(repeats!(&tuples).iter().all(Option::is_some));
    }

    #[test]
    fn a_target_the_values_leave_to_its_default_is_not_compared() {
        let upsert = |rows: &[NewTag<'_>]| {
            insert_into(tags::table)
                .values(rows)
                .on_conflict(tags::id)
                .do_update()
                .set(tags::label.eq(excluded(tags::label)))
                .refuse_repeated_update_keys::<Sqlite>()
                .map_err(|e| e.to_string())
        };
        let tag = |id, label| NewTag {
            id,
            code: None,
            label,
        };
        // `None` leaves `id` to the database: no two such rows are known to repeat.
        assert_eq!(upsert(&[tag(None, "a"), tag(None, "b")]), Ok(()));
        assert!(upsert(&[tag(Some(3), "a"), tag(None, "b"), tag(Some(3), "c")]).is_err());
        // `label` is not among the tuples' columns: every row takes its default, which
        // the database knows and quarry does not.
        let no_label = vec![(tags::code.eq(Some("z")),), (tags::code.eq(Some("z")),)];
        let other_target = insert_into(tags::table)
            .values(&no_label)
            .on_conflict(tags::label)
            .do_update()
            .set(tags::code.eq(excluded(tags::code)))
            .refuse_repeated_update_keys::<Sqlite>();
        assert!(other_target.is_ok());
    }
}
