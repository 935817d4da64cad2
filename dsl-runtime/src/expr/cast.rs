//! `CAST(expr AS type)`, and typed literals: Rust values as bind parameters of the SQL
//! type their Rust type names ([`val`]).

use super::{AsExpression, Bound, Expression, NullableIfAny, ValidGrouping, ValidIn};
use crate::backend::Backend;
use crate::query::{QueryFragment, SqlWriter};
use crate::types::{NotNullType, Nullability, SqlType};
use std::marker::PhantomData;

/// A piece of SQL that each backend spells its own way; the backend picks its own
/// (through a hidden `Backend` item), so backend-neutral nodes never ask which backend
/// they render for.
pub trait Spelling {
    /// On PostgreSQL.
    const PG: &'static str;
    /// On SQLite.
    const SQLITE: &'static str;
}

/// A SQL type an expression can be cast to, with each backend's name for it.
///
/// SQLite has storage classes rather than types: integers cast to `INTEGER`, floats to
/// `REAL`, and `Numeric` to `TEXT`, which is how quarry stores it (exactly). Date, time,
/// UUID and JSON types are not cast targets: SQLite stores them as text or bytes and
/// has no type to cast to.
#[diagnostic::on_unimplemented(
    message = "`cast::<{Self}>()`: `{Self}` is not a type quarry can CAST to on every backend",
    label = "not a cast target",
    note = "cast to Bool, Int2, Int4, Int8, Float4, Float8, Numeric, Text or Binary; a nullable expression stays nullable"
)]
pub trait CastTarget: NotNullType + Spelling {}

macro_rules! cast_targets {
    ($($st:ident => pg $pg:literal, sqlite $sqlite:literal;)*) => {$(
        impl CastTarget for crate::types::$st {}

        impl Spelling for crate::types::$st {
            const PG: &'static str = $pg;
            const SQLITE: &'static str = $sqlite;
        }
    )*};
}

cast_targets! {
    Bool => pg "boolean", sqlite "INTEGER";
    Int2 => pg "smallint", sqlite "INTEGER";
    Int4 => pg "integer", sqlite "INTEGER";
    Int8 => pg "bigint", sqlite "INTEGER";
    Float4 => pg "real", sqlite "REAL";
    Float8 => pg "double precision", sqlite "REAL";
    Numeric => pg "numeric", sqlite "TEXT";
    Text => pg "text", sqlite "TEXT";
    Binary => pg "bytea", sqlite "BLOB";
}

/// `CAST(expr AS T)`, built by [`cast`](super::ExpressionMethods::cast). Nullable when
/// `expr` is: `T` is the NOT NULL type.
#[derive(Debug, Clone, Copy)]
pub struct Cast<E, T> {
    pub(crate) expr: E,
    pub(crate) _target: PhantomData<T>,
}

impl<E: Expression, T: SqlType> Expression for Cast<E, T> {
    type SqlType = <<E::SqlType as SqlType>::Nullability as Nullability>::Apply<T>;
}

impl<E: ValidIn<QS, I>, T, QS, I> ValidIn<QS, I> for Cast<E, T> {
    type Nullability = NullableIfAny<(E,), QS, (I,)>;
}

impl<E: ValidGrouping<GB, I>, T, GB, I> ValidGrouping<GB, I> for Cast<E, T> {
    type Kind = E::Kind;
}

impl<E: QueryFragment<DB>, T: CastTarget, DB: Backend> QueryFragment<DB> for Cast<E, T> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("CAST(");
        self.expr.walk(out);
        out.push_sql(" AS ");
        out.push_sql(DB::spelled::<T>());
        out.push_sql(")");
    }
}

super::expression_as_itself! {
    Cast<E, T>;
}

/// A Rust value with a natural SQL type: `i32` is `Int4`, `&str` and `String` are
/// `Text`, `Option<T>` is `Nullable<…>`, and so on.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no SQL type of its own",
    label = "expected a Rust value such as an integer, a float, a bool, a string or bytes",
    note = "for other types, compare with a column (`users::created.gt(value)`), whose SQL type the value then takes"
)]
pub trait DefaultSqlType {
    /// The SQL type.
    type SqlType: SqlType;
}

macro_rules! default_sql_types {
    ($($rust:ty => $st:ty;)*) => {$(
        impl<'a> DefaultSqlType for $rust {
            type SqlType = $st;
        }
        impl<'a> DefaultSqlType for Option<$rust> {
            type SqlType = crate::types::Nullable<$st>;
        }
    )*};
}

default_sql_types! {
    bool => crate::types::Bool;
    i16 => crate::types::Int2;
    i32 => crate::types::Int4;
    i64 => crate::types::Int8;
    f32 => crate::types::Float4;
    f64 => crate::types::Float8;
    String => crate::types::Text;
    &'a str => crate::types::Text;
    Vec<u8> => crate::types::Binary;
    &'a [u8] => crate::types::Binary;
}

/// A typed literal: `value` as a bind parameter of its natural SQL type, usable
/// wherever an expression is — in a select list (`select((users::name, val("x")))`),
/// on the left of an operator (`val(10) - users::age`), in a comparison.
pub fn val<T: DefaultSqlType>(value: T) -> Bound<T::SqlType, T> {
    Bound::new(value)
}
