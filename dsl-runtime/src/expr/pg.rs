//! PostgreSQL-only operators. Each is [`SupportedBy`] `Pg` alone, so a query using one
//! does not compile for SQLite.

use super::ops::{Binary, BoolOf, Operator, SupportedBy};
use super::{AsExpression, Expression};
use crate::backend::Backend;
use crate::backend::pg::Pg;
use crate::types::{Array, ArrayElement, Jsonb, Nullable, SqlType, Text, TextType};

/// Implemented by the PostgreSQL backend alone: what PostgreSQL-only parts of a query
/// require of the backend they run on.
#[diagnostic::on_unimplemented(
    message = "this query uses a PostgreSQL-only feature, but it runs on {Self}",
    label = "the query is run here",
    note = "PostgreSQL-only: `ilike`/`not_ilike`, `distinct_on`, arrays and JSONB operators; run the query on a PostgreSQL connection (`PgConnection`, `AsyncPgConnection`)"
)]
pub trait IsPostgres: Backend {}

impl IsPostgres for Pg {}

macro_rules! pg_operators {
    ($($(#[$doc:meta])* $name:ident = $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl<DB: IsPostgres> SupportedBy<DB> for $name {}

        impl Operator for $name {
            const SQL: &'static str = $sql;
            const GROUPED: bool = false;
            const MATCHES_PATTERN: bool = true;
            type Output<L: SqlType, R: SqlType> = BoolOf<L, R>;
        }
    )*};
}

pg_operators! {
    /// `ILIKE`: case-insensitive `LIKE` (PostgreSQL only), with `ESCAPE '\'`.
    ILike = " ILIKE ";
    /// `NOT ILIKE` (PostgreSQL only), with `ESCAPE '\'`.
    NotILike = " NOT ILIKE ";
}

/// `ILIKE` and `NOT ILIKE`, on text expressions. PostgreSQL only: a query that uses them
/// does not compile for SQLite.
pub trait PgTextExpressionMethods: Expression + Sized {
    /// `self ILIKE pattern`: case-insensitive pattern match.
    fn ilike<T>(self, pattern: T) -> Binary<ILike, Self, T::Expression>
    where
        Self::SqlType: TextType,
        T: AsExpression<Text>,
    {
        Binary::new(self, pattern.into_expression())
    }

    /// `self NOT ILIKE pattern`.
    fn not_ilike<T>(self, pattern: T) -> Binary<NotILike, Self, T::Expression>
    where
        Self::SqlType: TextType,
        T: AsExpression<Text>,
    {
        Binary::new(self, pattern.into_expression())
    }
}

impl<E: Expression> PgTextExpressionMethods for E {}

/// A binary operator of PostgreSQL's with a result type of its own.
macro_rules! pg_typed_operators {
    ($($(#[$doc:meta])* $name:ident = $sql:literal, grouped: $grouped:literal, $out:ty;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl<DB: IsPostgres> SupportedBy<DB> for $name {}

        impl Operator for $name {
            const SQL: &'static str = $sql;
            const GROUPED: bool = $grouped;
            type Output<L: SqlType, R: SqlType> = $out;
        }
    )*};
}

pg_typed_operators! {
    /// `@>`: the left array (or JSONB value) contains the right one.
    ContainsOp = " @> ", grouped: false, BoolOf<L, R>;
    /// `<@`: the left array is contained by the right one.
    IsContainedBy = " <@ ", grouped: false, BoolOf<L, R>;
    /// `&&`: the arrays have an element in common.
    Overlaps = " && ", grouped: false, BoolOf<L, R>;
    /// `?`: the JSONB object has the key (or the array the string).
    HasKey = " ? ", grouped: false, BoolOf<L, R>;
    /// `->`: the JSONB field (NULL when missing).
    GetField = " -> ", grouped: true, Nullable<Jsonb>;
    /// `->>`: the JSONB field as text (NULL when missing).
    GetFieldText = " ->> ", grouped: true, Nullable<Text>;
}

/// Implemented by `Array<_>` and `Nullable<Array<_>>`.
pub trait ArrayType: SqlType {}
impl<ST: ArrayElement> ArrayType for Array<ST> {}
impl<ST: ArrayElement> ArrayType for Nullable<Array<ST>> {}

/// Implemented by `Jsonb` and `Nullable<Jsonb>`.
pub trait JsonbType: SqlType {}
impl JsonbType for Jsonb {}
impl JsonbType for Nullable<Jsonb> {}

/// Array operators, on array expressions (PostgreSQL only).
pub trait PgArrayExpressionMethods: Expression + Sized {
    /// `self @> other`: every element of `other` is in `self`.
    fn contains<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> Binary<ContainsOp, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }

    /// `self <@ other`: every element of `self` is in `other`.
    #[allow(clippy::wrong_self_convention)] // SQL's name; builds an expression from `self`
    fn is_contained_by<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> Binary<IsContainedBy, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }

    /// `self && other`: the arrays share an element.
    fn overlaps_with<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> Binary<Overlaps, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }
}

impl<E: Expression> PgArrayExpressionMethods for E where E::SqlType: ArrayType {}

/// JSONB operators, on JSONB expressions (PostgreSQL only).
pub trait PgJsonbExpressionMethods: Expression + Sized {
    /// `self -> key`: the value of field `key`, NULL when missing.
    fn get<T: AsExpression<Text>>(self, key: T) -> Binary<GetField, Self, T::Expression> {
        Binary::new(self, key.into_expression())
    }

    /// `self ->> key`: the value of field `key` as text, NULL when missing.
    fn get_text<T: AsExpression<Text>>(self, key: T) -> Binary<GetFieldText, Self, T::Expression> {
        Binary::new(self, key.into_expression())
    }

    /// `self ? key`: the object has the key (or the array the string).
    fn has_key<T: AsExpression<Text>>(self, key: T) -> Binary<HasKey, Self, T::Expression> {
        Binary::new(self, key.into_expression())
    }

    /// `self @> other`: `self` contains the JSON value `other` at its top level.
    fn contains_json<T: AsExpression<Jsonb>>(
        self,
        other: T,
    ) -> Binary<ContainsOp, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }
}

impl<E: Expression> PgJsonbExpressionMethods for E where E::SqlType: JsonbType {}
