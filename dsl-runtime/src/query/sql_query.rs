//! [`sql_query`]: SQL written by hand, with bound values and typed results.

use super::{QueryFragment, SqlWriter};
use crate::backend::Backend;
use crate::conn::Row;
use crate::error::{Error, QueryResult};
use crate::query::select::{Selectable, decode_value};
use crate::types::{
    Array, ArrayElement, Binary, BindValue, Bool, Float4, Float8, FromSql, Int2, Int4, Int8,
    NotNullType, Nullable, OwnedValue, SqlType, Text, ToSql,
};

/// A statement written as SQL text, with values bound to its placeholders.
///
/// Placeholders are `$1, $2, …` (the N-th bound value, on both backends; SQLite also
/// takes `?`). Values are always sent as bind parameters, never spliced into the text.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run with `load`, `get_result` or `execute`"]
pub struct SqlQuery {
    sql: String,
    binds: Vec<OwnedValue>,
}

/// Starts a query from SQL text.
///
/// ```
/// # use quarry::prelude::*;
/// let mut conn = SqliteConnection::establish(":memory:")?;
/// let rows: Vec<(i32, String)> = quarry::sql_query("SELECT ?, ?")
///     .bind(7)
///     .bind("seven")
///     .load(&mut conn)?;
/// assert_eq!(rows, [(7, "seven".to_owned())]);
/// # Ok::<(), quarry::Error>(())
/// ```
pub fn sql_query(sql: impl Into<String>) -> SqlQuery {
    SqlQuery {
        sql: sql.into(),
        binds: Vec::new(),
    }
}

impl SqlQuery {
    /// Binds the next placeholder to `value`, sent as the SQL type its Rust type maps
    /// to (`i32` as Int4, `&str` as Text, `Option<T>` as nullable, …).
    pub fn bind<T: HasSqlType + ToSql<T::SqlType>>(mut self, value: T) -> Self {
        self.binds.push(OwnedValue::from_bind(value.to_bind()));
        self
    }

    /// Binds the next placeholder to `value` as SQL type `ST`.
    pub fn bind_as<ST, T: ToSql<ST>>(mut self, value: T) -> Self {
        self.binds.push(OwnedValue::from_bind(value.to_bind()));
        self
    }

    /// The SQL text.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The bind values, borrowed, in placeholder order: the text already holds the
    /// placeholders, so running the query needs no rendering (nor a copy of its text).
    pub(crate) fn bind_values(&self) -> Vec<BindValue<'_>> {
        self.binds.iter().map(OwnedValue::as_bind).collect()
    }

    /// The query as an async connection sends it: its text and values, owned;
    /// `rows` when the caller takes its rows rather than a count.
    pub(crate) fn to_request(&self, rows: bool) -> crate::conn::Request {
        crate::conn::Request::one(self.sql.clone(), self.binds.clone(), rows)
    }
}

impl<DB: Backend> QueryFragment<DB> for SqlQuery {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        // The text already holds the placeholders: record the values without adding any.
        out.push_sql(&self.sql);
        out.push_raw_binds(self.binds.iter().map(OwnedValue::as_bind));
    }
}

/// The SQL type a Rust type is sent as and loaded from when nothing else says.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no default SQL type",
    note = "use `bind_as::<SqlType, _>(value)`, or a Rust type such as i32, i64, f64, bool, &str, String or Option<_>"
)]
pub trait HasSqlType {
    /// The SQL type.
    type SqlType: SqlType;
}

macro_rules! has_sql_type {
    ($($rust:ty => $st:ty;)*) => {$(
        impl HasSqlType for $rust {
            type SqlType = $st;
        }
    )*};
}

has_sql_type! {
    bool => Bool;
    i16 => Int2;
    i32 => Int4;
    i64 => Int8;
    f32 => Float4;
    f64 => Float8;
    String => Text;
    &str => Text;
    Vec<u8> => Binary;
    &[u8] => Binary;
}

impl<T: HasSqlType> HasSqlType for Option<T>
where
    T::SqlType: NotNullType,
{
    type SqlType = Nullable<T::SqlType>;
}

/// A `Vec` of values is an array of their SQL type (PostgreSQL only); `Vec<u8>` stays
/// `Binary`.
impl<T: HasSqlType> HasSqlType for Vec<T>
where
    T::SqlType: ArrayElement,
{
    type SqlType = Array<T::SqlType>;
}

/// A slice of values is an array of their SQL type (PostgreSQL only); `&[u8]` stays
/// `Binary`.
impl<T: HasSqlType> HasSqlType for &[T]
where
    T::SqlType: ArrayElement,
{
    type SqlType = Array<T::SqlType>;
}

/// A Rust value that a whole result row loads into, for [`sql_query`].
#[diagnostic::on_unimplemented(
    message = "a row of a `sql_query` cannot be loaded into `{Self}`",
    note = "load into a Rust value, a tuple of values, or a struct with `#[derive(Selectable)]`"
)]
pub trait FromRow: Sized {
    /// How many columns it reads by position, so that a result with another number of
    /// columns is refused; `None` for a type that finds its columns by name (a
    /// `#[derive(Selectable)]` struct), which ignores the others.
    #[doc(hidden)]
    const POSITIONAL_COLUMNS: Option<usize> = None;

    /// Loads `row`.
    fn from_row<R: Row>(row: &R) -> QueryResult<Self>;
}

/// Loads `row` into `T`, after checking that a type that reads by position reads every
/// column the result has, no more and no fewer.
pub(crate) fn load_row<T: FromRow, R: Row>(row: &R) -> QueryResult<T> {
    if let Some(expected) = T::POSITIONAL_COLUMNS {
        let found = row.len();
        if found != expected {
            return Err(column_count_mismatch(found, expected));
        }
    }
    T::from_row(row)
}

fn column_count_mismatch(found: usize, expected: usize) -> Error {
    let columns = |n: usize| {
        if n == 1 {
            "1 column".to_owned()
        } else {
            format!("{n} columns")
        }
    };
    Error::InvalidQuery(format!(
        "the query returns {} but the row type reads {} by position: give it one value \
         per column, or load a `#[derive(Selectable)]` struct, which reads its columns by name",
        columns(found),
        columns(expected),
    ))
}

impl<T> FromRow for T
where
    T: HasSqlType + FromSql<T::SqlType>,
{
    const POSITIONAL_COLUMNS: Option<usize> = Some(1);

    fn from_row<R: Row>(row: &R) -> QueryResult<Self> {
        decode_value::<T::SqlType, T, R>(row, &mut 0)
    }
}

macro_rules! from_row_tuples {
    ($( ($($t:ident),+) ; )*) => {$(
        impl<$($t),+> FromRow for ($($t,)+)
        where
            $($t: HasSqlType + FromSql<$t::SqlType>),+
        {
            const POSITIONAL_COLUMNS: Option<usize> = Some([$(stringify!($t)),+].len());

            fn from_row<R: Row>(row: &R) -> QueryResult<Self> {
                let mut idx = 0;
                Ok(($(decode_value::<$t::SqlType, $t, R>(row, &mut idx)?,)+))
            }
        }
    )*};
}

from_row_tuples! {
    (A);
    (A, B);
    (A, B, C);
    (A, B, C, D);
    (A, B, C, D, E);
    (A, B, C, D, E, F);
    (A, B, C, D, E, F, G);
    (A, B, C, D, E, F, G, H);
    (A, B, C, D, E, F, G, H, I);
    (A, B, C, D, E, F, G, H, I, J);
    (A, B, C, D, E, F, G, H, I, J, K);
    (A, B, C, D, E, F, G, H, I, J, K, L);
}

/// Loads a `#[derive(Selectable)]` struct from a [`sql_query`] row, finding each of
/// its columns by name.
#[doc(hidden)]
pub fn from_row_by_name<U: Selectable, R: Row>(row: &R) -> QueryResult<U> {
    let positions = U::COLUMN_NAMES
        .iter()
        .map(|name| row.column_index(name))
        .collect();
    let by_name = ByName {
        row,
        names: U::COLUMN_NAMES,
        positions,
    };
    U::decode_row(&by_name, &mut 0)
}

/// A row seen through a struct's column list: value `i` is the column named `names[i]`.
struct ByName<'r, R> {
    row: &'r R,
    names: &'static [&'static str],
    positions: Vec<Option<usize>>,
}

impl<R: Row> Row for ByName<'_, R> {
    type Value<'v>
        = R::Value<'v>
    where
        Self: 'v;

    fn len(&self) -> usize {
        self.names.len()
    }

    fn value(&self, idx: usize) -> Option<Self::Value<'_>> {
        self.positions
            .get(idx)
            .copied()
            .flatten()
            .and_then(|i| self.row.value(i))
    }

    fn column_name(&self, idx: usize) -> Option<&str> {
        self.names.get(idx).copied()
    }
}
