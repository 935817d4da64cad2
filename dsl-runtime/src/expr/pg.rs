//! PostgreSQL-only operators. Each is [`SupportedBy`] `Pg` alone, so a query using one
//! does not compile for SQLite.

use super::ops::{Binary, BoolOf, Operator, SupportedBy};
use super::{AsExpression, Expression};
use crate::backend::Backend;
use crate::backend::pg::Pg;
use crate::types::{SqlType, Text, TextType};

/// Implemented by the PostgreSQL backend alone: what PostgreSQL-only parts of a query
/// require of the backend they run on.
#[diagnostic::on_unimplemented(
    message = "this query uses a PostgreSQL-only feature, but it runs on {Self}",
    label = "the query is run here",
    note = "PostgreSQL-only: `ilike`/`not_ilike`, `distinct_on`, arrays and JSONB operators; run the query on a `PgConnection`"
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
            type Output<L: SqlType, R: SqlType> = BoolOf<L, R>;
        }
    )*};
}

pg_operators! {
    /// `ILIKE`: case-insensitive `LIKE` (PostgreSQL only).
    ILike = " ILIKE ";
    /// `NOT ILIKE` (PostgreSQL only).
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
