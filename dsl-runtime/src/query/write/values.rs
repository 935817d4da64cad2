//! The values an insert takes: `#[derive(Insertable)]` structs, tuples of
//! `column.eq(value)`, and lists of them, and how they give their columns and bind values.
use super::*;

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
pub(super) fn all_columns(count: u32) -> u64 {
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
