//! [`AsCondition`]: what `filter`, `or_filter`, `and` and `or` accept.

use super::case::{CaseWhen, SimpleCase};
use super::cast::Cast;
use super::functions::FunctionCall;
use super::ops::{AsNullable, Between, Binary, In, IsNotNull, IsNull, Not, NotBetween, NotIn};
use super::{Bound, Expression};
use crate::query::Column;
use crate::types::{Bool, BoolType};

/// A condition: a boolean SQL expression (`Bool` or `Nullable<Bool>`), or a Rust
/// `bool`, sent as a bind parameter.
///
/// One impl per expression type rather than a blanket impl over expressions, so that a
/// non-boolean argument is reported as just that, without follow-on errors.
#[diagnostic::on_unimplemented(
    message = "a condition must be a boolean SQL expression, found `{Self}`",
    label = "not a condition",
    note = "use a comparison such as `column.eq(value)`, a `Bool` column, or a Rust `bool`"
)]
pub trait AsCondition {
    /// The boolean expression `Self` becomes.
    type Expression: Expression<SqlType: BoolType>;
    /// Converts `self`.
    fn into_condition(self) -> Self::Expression;
}

impl<C: Column> AsCondition for C
where
    C::SqlType: BoolType,
{
    type Expression = C;
    #[inline]
    fn into_condition(self) -> C {
        self
    }
}

impl AsCondition for bool {
    type Expression = Bound<Bool, bool>;
    #[inline]
    fn into_condition(self) -> Self::Expression {
        Bound::new(self)
    }
}

macro_rules! condition_is_itself {
    ($($ty:ident<$($param:ident),*>;)*) => {$(
        impl<$($param),*> AsCondition for $ty<$($param),*>
        where
            Self: Expression<SqlType: BoolType>,
        {
            type Expression = Self;
            #[inline]
            fn into_condition(self) -> Self {
                self
            }
        }
    )*};
}

condition_is_itself! {
    AsNullable<E>;
    CaseWhen<ST, Arms, E>;
    SimpleCase<S, ST, Arms, E>;
    Cast<E, T>;
    NotBetween<E, Lo, Hi>;
    FunctionCall<F, Args>;
    Binary<Op, L, R>;
    Bound<ST, T>;
    Not<E>;
    IsNull<E>;
    IsNotNull<E>;
    Between<E, Lo, Hi>;
    In<E, ST, T>;
    NotIn<E, ST, T>;
}
