//! `INSERT`, `UPDATE` and `DELETE`, with `RETURNING` and `ON CONFLICT`: the values an
//! insert takes (`values`), the insert statement and how it runs in chunks (`insert`),
//! upserts (`upsert`), the changes of an update (`changeset`), and updates and deletes
//! (`update`).
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

mod changeset;
mod insert;
mod update;
mod upsert;
mod values;

pub use changeset::*;
pub use insert::*;
pub use update::*;
pub use upsert::*;
pub use values::*;

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
