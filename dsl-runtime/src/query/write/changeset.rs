//! The changes of an `UPDATE` (or an upsert's `DO UPDATE`): `column.eq(value)`
//! assignments, tuples of them, and `#[derive(AsChangeset)]` structs.
use super::*;

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

pub(super) fn no_changes(table: &str) -> Error {
    Error::InvalidQuery(format!(
        "the update of `{table}` has no changes: every field of the changeset is `None`"
    ))
}
