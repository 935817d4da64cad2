//! `CAST(expr AS type)`, and typed literals: Rust values as bind parameters of the SQL
//! type their Rust type names ([`val`]).

use super::{AsExpression, Bound, Expression, NullableIfAny, ValidGrouping, ValidIn};
use crate::backend::Backend;
use crate::query::{QueryFragment, SqlWriter};
use crate::types::{NotNullType, Nullability, SqlType};
use std::marker::PhantomData;

/// A SQL type an expression can be cast to on backend `DB`, with that backend's name
/// for it.
#[diagnostic::on_unimplemented(
    message = "cannot CAST to `{Self}` on {DB}",
    label = "not a type this backend can cast to",
    note = "cast to a NOT NULL type marker of `quarry::types` (`Int8`, `Float8`, `Text`, …): a nullable expression stays nullable; date, time, UUID and JSON types are PostgreSQL-only targets"
)]
pub trait CastTarget<DB>: SqlType {
    /// The type's name in `CAST(… AS name)`.
    const SQL: &'static str;
}

macro_rules! cast_targets {
    ($db:ty { $($st:ident => $sql:literal),* $(,)? }) => {$(
        impl CastTarget<$db> for crate::types::$st {
            const SQL: &'static str = $sql;
        }
    )*};
}

// SQLite has storage classes, not types: integers cast to INTEGER, floats to REAL, and
// `Numeric` to TEXT, which is how quarry stores it (exactly).
#[cfg(feature = "sqlite")]
cast_targets!(crate::backend::sqlite::Sqlite {
    Bool => "INTEGER",
    Int2 => "INTEGER",
    Int4 => "INTEGER",
    Int8 => "INTEGER",
    Float4 => "REAL",
    Float8 => "REAL",
    Numeric => "TEXT",
    Text => "TEXT",
    Binary => "BLOB",
});

#[cfg(feature = "postgres")]
cast_targets!(crate::backend::pg::Pg {
    Bool => "boolean",
    Int2 => "smallint",
    Int4 => "integer",
    Int8 => "bigint",
    Float4 => "real",
    Float8 => "double precision",
    Numeric => "numeric",
    Text => "text",
    Binary => "bytea",
    Date => "date",
    Time => "time",
    Timestamp => "timestamp",
    Timestamptz => "timestamptz",
    Uuid => "uuid",
    Json => "json",
    Jsonb => "jsonb",
});

/// What `cast::<T>()` takes: a NOT NULL SQL type marker.
#[diagnostic::on_unimplemented(
    message = "`cast::<{Self}>()` needs a SQL type, but `{Self}` is not one",
    label = "not a NOT NULL SQL type marker",
    note = "name a type of `quarry::types` without `Nullable` (`Int8`, `Float8`, `Text`, …): a nullable expression stays nullable"
)]
pub trait CastType: SqlType {}

#[diagnostic::do_not_recommend]
impl<T: NotNullType> CastType for T {}

/// `CAST(expr AS T)`, built by [`cast`](super::ExpressionMethods::cast). Nullable when
/// `expr` is: `T` is the NOT NULL type.
#[derive(Debug, Clone, Copy)]
pub struct Cast<E, T> {
    pub(crate) expr: E,
    pub(crate) _target: PhantomData<T>,
}

impl<E: Expression, T: NotNullType> Expression for Cast<E, T> {
    type SqlType = <<E::SqlType as SqlType>::Nullability as Nullability>::Apply<T>;
}

impl<E: ValidIn<QS, I>, T, QS, I> ValidIn<QS, I> for Cast<E, T> {
    type Nullability = NullableIfAny<(E,), QS, (I,)>;
}

impl<E: ValidGrouping<GB, I>, T, GB, I> ValidGrouping<GB, I> for Cast<E, T> {
    type Kind = E::Kind;
}

impl<E: QueryFragment<DB>, T: CastTarget<DB>, DB: Backend> QueryFragment<DB> for Cast<E, T> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("CAST(");
        self.expr.walk(out);
        out.push_sql(" AS ");
        out.push_sql(T::SQL);
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
pub fn val<T: DefaultSqlType>(value: T) -> Bound<T::SqlType, T>
where
    T: AsExpression<T::SqlType, Expression = Bound<T::SqlType, T>>,
{
    Bound::new(value)
}
