//! `CASE WHEN … THEN … ELSE … END`.

use super::grouping::Constant;
use super::{
    AsCondition, AsExpression, Expression, NullableIfAny, ValidGrouping, ValidIn,
    expression_as_itself,
};
use crate::backend::Backend;
use crate::query::{Append, QueryFragment, SqlWriter};
use crate::types::{NotNull, SqlType};
use std::marker::PhantomData;

/// The first value of a `case_when`, which sets the SQL type of all of them: an
/// expression, or a Rust value of a type with a natural SQL type (`i32` as `Int4`,
/// `&str` as `Text`, …), sent as a bind parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a `case_when` arm",
    label = "expected an expression, or a Rust value such as an integer, a float, a bool or a string"
)]
pub trait CaseValue {
    /// The expression.
    type Expression: Expression;
    /// Converts `self`.
    fn into_case_value(self) -> Self::Expression;
}

impl<C: crate::query::Column> CaseValue for C {
    type Expression = C;
    fn into_case_value(self) -> C {
        self
    }
}

macro_rules! rust_case_values {
    ($($rust:ty => $st:ty;)*) => {$(
        impl<'a> CaseValue for $rust {
            type Expression = super::Bound<$st, $rust>;
            fn into_case_value(self) -> Self::Expression {
                super::Bound::new(self)
            }
        }
    )*};
}

rust_case_values! {
    bool => crate::types::Bool;
    i16 => crate::types::Int2;
    i32 => crate::types::Int4;
    i64 => crate::types::Int8;
    f32 => crate::types::Float4;
    f64 => crate::types::Float8;
    String => crate::types::Text;
    &'a str => crate::types::Text;
}

macro_rules! expression_case_values {
    ($($ty:ident<$($param:ident),*>;)*) => {$(
        impl<$($param),*> CaseValue for super::$ty<$($param),*>
        where
            Self: Expression,
        {
            type Expression = Self;
            fn into_case_value(self) -> Self {
                self
            }
        }
    )*};
}

expression_case_values! {
    Binary<Op, L, R>;
    Bound<ST, T>;
    AsNullable<E>;
    Aggregate<F, E>;
    FunctionCall<F, Args>;
    Coalesce<A, B>;
    CaseWhen<ST, Arms, E>;
    SimpleCase<S, ST, Arms, E>;
    Cast<E, T>;
    Neg<E>;
    NotBetween<E, Lo, Hi>;
    DatePart<Open, U, E>;
    CurrentDate<>;
}

/// One `WHEN condition THEN value` arm.
#[derive(Debug, Clone, Copy)]
pub struct When<C, V> {
    condition: C,
    value: V,
}

/// No `ELSE`: rows no arm matches give NULL.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoElse;

/// `ELSE value`.
#[derive(Debug, Clone, Copy)]
pub struct Else<E>(E);

/// `CASE WHEN … THEN … [ELSE …] END`, whose values have SQL type `ST`; `Arms` is a list
/// `(When, (When, ()))`.
#[derive(Debug, Clone, Copy)]
pub struct CaseWhen<ST, Arms, E> {
    arms: Arms,
    otherwise: E,
    _sql_type: PhantomData<ST>,
}

#[allow(clippy::type_complexity)]
/// `CASE WHEN condition THEN value …`: add arms with `.when(…)` and a default with
/// `.otherwise(…)`. Without `otherwise`, the result is nullable.
pub fn case_when<C, V>(
    condition: C,
    value: V,
) -> CaseWhen<
    <V::Expression as Expression>::SqlType,
    (When<C::Expression, V::Expression>, ()),
    NoElse,
>
where
    C: AsCondition,
    V: CaseValue,
{
    CaseWhen {
        arms: (
            When {
                condition: condition.into_condition(),
                value: value.into_case_value(),
            },
            (),
        ),
        otherwise: NoElse,
        _sql_type: PhantomData,
    }
}

impl<ST: SqlType, Arms> CaseWhen<ST, Arms, NoElse> {
    /// Another arm: `WHEN condition THEN value`, the value of the first arm's type.
    #[allow(clippy::type_complexity)]
    pub fn when<C, V>(
        self,
        condition: C,
        value: V,
    ) -> CaseWhen<ST, <Arms as Append<When<C::Expression, V::Expression>>>::Output, NoElse>
    where
        C: AsCondition,
        V: AsExpression<ST>,
        Arms: Append<When<C::Expression, V::Expression>>,
    {
        CaseWhen {
            arms: self.arms.append(When {
                condition: condition.into_condition(),
                value: value.into_expression(),
            }),
            otherwise: NoElse,
            _sql_type: PhantomData,
        }
    }

    /// `ELSE value`: the result when no arm matches, of the first arm's type.
    pub fn otherwise<V: AsExpression<ST>>(
        self,
        value: V,
    ) -> CaseWhen<ST, Arms, Else<V::Expression>> {
        CaseWhen {
            arms: self.arms,
            otherwise: Else(value.into_expression()),
            _sql_type: PhantomData,
        }
    }
}

impl<ST: SqlType, Arms> Expression for CaseWhen<ST, Arms, NoElse> {
    type SqlType = ST::IntoNullable;
}

impl<ST: SqlType, Arms, E> Expression for CaseWhen<ST, Arms, Else<E>> {
    type SqlType = ST;
}

impl<ST, Arms: ValidIn<QS, IA>, E: ValidIn<QS, IE>, QS, IA, IE> ValidIn<QS, (IA, IE)>
    for CaseWhen<ST, Arms, E>
{
    type Nullability = NullableIfAny<(Arms, E), QS, (IA, IE)>;
}

impl<ST, Arms, E, GB, IA, IE> ValidGrouping<GB, (IA, IE)> for CaseWhen<ST, Arms, E>
where
    Arms: ValidGrouping<GB, IA>,
    E: ValidGrouping<GB, IE>,
    Arms::Kind: super::Combine<E::Kind>,
{
    type Kind = <Arms::Kind as super::Combine<E::Kind>>::Out;
}

impl<C: ValidIn<QS, IC>, V: ValidIn<QS, IV>, QS, IC, IV> ValidIn<QS, (IC, IV)> for When<C, V> {
    // The arm's value is the operand; a NULL condition only skips the arm.
    type Nullability = NullableIfAny<(V,), QS, (IV,)>;
}

impl<C, V, GB, IC, IV> ValidGrouping<GB, (IC, IV)> for When<C, V>
where
    C: ValidGrouping<GB, IC>,
    V: ValidGrouping<GB, IV>,
    C::Kind: super::Combine<V::Kind>,
{
    type Kind = <C::Kind as super::Combine<V::Kind>>::Out;
}

impl<QS> ValidIn<QS, ()> for NoElse {
    type Nullability = NotNull;
}

impl<GB> ValidGrouping<GB, ()> for NoElse {
    type Kind = Constant;
}

impl<E: ValidIn<QS, I>, QS, I> ValidIn<QS, I> for Else<E> {
    type Nullability = NullableIfAny<(E,), QS, (I,)>;
}

impl<E: ValidGrouping<GB, I>, GB, I> ValidGrouping<GB, I> for Else<E> {
    type Kind = E::Kind;
}

/// The end of a list of arms.
impl<QS> ValidIn<QS, ()> for () {
    type Nullability = NotNull;
}

impl<GB> ValidGrouping<GB, ()> for () {
    type Kind = Constant;
}

/// Renders the arms and the ELSE of a CASE.
pub trait CaseFragment<DB> {
    /// Renders them.
    fn walk_case<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<DB> CaseFragment<DB> for () {
    fn walk_case<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<C: QueryFragment<DB>, V: QueryFragment<DB>, T: CaseFragment<DB>, DB: Backend> CaseFragment<DB>
    for (When<C, V>, T)
{
    fn walk_case<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" WHEN ");
        self.0.condition.walk(out);
        out.push_sql(" THEN ");
        self.0.value.walk(out);
        self.1.walk_case(out);
    }
}

impl<DB> CaseFragment<DB> for NoElse {
    fn walk_case<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<E: QueryFragment<DB>, DB: Backend> CaseFragment<DB> for Else<E> {
    fn walk_case<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" ELSE ");
        self.0.walk(out);
    }
}

impl<ST, Arms: CaseFragment<DB>, E: CaseFragment<DB>, DB: Backend> QueryFragment<DB>
    for CaseWhen<ST, Arms, E>
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("CASE");
        self.arms.walk_case(out);
        self.otherwise.walk_case(out);
        out.push_sql(" END");
    }
}

expression_as_itself! {
    CaseWhen<ST, Arms, E>;
}

/// `CASE subject WHEN value THEN result … END` before its first arm: see [`case`].
#[derive(Debug, Clone, Copy)]
pub struct CaseOf<S>(S);

/// `CASE subject WHEN value THEN result … [ELSE …] END`: the simple CASE, which compares
/// `subject` with each arm's value in turn. The results have SQL type `ST`; `Arms` is a
/// list `(When, (When, ()))`.
#[derive(Debug, Clone, Copy)]
pub struct SimpleCase<S, ST, Arms, E> {
    subject: S,
    arms: Arms,
    otherwise: E,
    _sql_type: PhantomData<ST>,
}

/// `CASE subject WHEN … THEN … END`: add arms with `.when(value, result)`, each value of
/// the subject's SQL type, and a default with `.otherwise(result)`. Without `otherwise`,
/// the result is nullable. A NULL subject matches no arm.
///
/// ```
/// # use quarry::prelude::*;
/// use quarry::expr::case;
/// quarry::table! { users (id) { id -> Int4, rank -> Int4 } }
/// let label = case(users::rank).when(1, "gold").when(2, "silver").otherwise("other");
/// assert_eq!(
///     quarry::debug_query::<Pg, _>(&users::table.select(label)).sql(),
///     r#"SELECT CASE "users"."rank" WHEN $1 THEN $2 WHEN $3 THEN $4 ELSE $5 END FROM "users""#,
/// );
/// ```
pub fn case<S: Expression>(subject: S) -> CaseOf<S> {
    CaseOf(subject)
}

impl<S: Expression> CaseOf<S> {
    /// The first arm, `WHEN value THEN result`, which sets the SQL type of every result.
    #[allow(clippy::type_complexity)]
    pub fn when<V, R>(
        self,
        value: V,
        result: R,
    ) -> SimpleCase<
        S,
        <R::Expression as Expression>::SqlType,
        (When<V::Expression, R::Expression>, ()),
        NoElse,
    >
    where
        V: AsExpression<S::SqlType>,
        R: CaseValue,
    {
        SimpleCase {
            subject: self.0,
            arms: (
                When {
                    condition: value.into_expression(),
                    value: result.into_case_value(),
                },
                (),
            ),
            otherwise: NoElse,
            _sql_type: PhantomData,
        }
    }
}

impl<S: Expression, ST: SqlType, Arms> SimpleCase<S, ST, Arms, NoElse> {
    /// Another arm: `WHEN value THEN result`, the value of the subject's type and the
    /// result of the first arm's.
    #[allow(clippy::type_complexity)]
    pub fn when<V, R>(
        self,
        value: V,
        result: R,
    ) -> SimpleCase<S, ST, <Arms as Append<When<V::Expression, R::Expression>>>::Output, NoElse>
    where
        V: AsExpression<S::SqlType>,
        R: AsExpression<ST>,
        Arms: Append<When<V::Expression, R::Expression>>,
    {
        SimpleCase {
            subject: self.subject,
            arms: self.arms.append(When {
                condition: value.into_expression(),
                value: result.into_expression(),
            }),
            otherwise: NoElse,
            _sql_type: PhantomData,
        }
    }

    /// `ELSE result`: the result when no arm matches, of the first arm's type.
    pub fn otherwise<R: AsExpression<ST>>(
        self,
        result: R,
    ) -> SimpleCase<S, ST, Arms, Else<R::Expression>> {
        SimpleCase {
            subject: self.subject,
            arms: self.arms,
            otherwise: Else(result.into_expression()),
            _sql_type: PhantomData,
        }
    }
}

impl<S, ST: SqlType, Arms> Expression for SimpleCase<S, ST, Arms, NoElse> {
    type SqlType = ST::IntoNullable;
}

impl<S, ST: SqlType, Arms, E> Expression for SimpleCase<S, ST, Arms, Else<E>> {
    type SqlType = ST;
}

impl<S, ST, Arms, E, QS, IS, IA, IE> ValidIn<QS, (IS, IA, IE)> for SimpleCase<S, ST, Arms, E>
where
    S: ValidIn<QS, IS>,
    Arms: ValidIn<QS, IA>,
    E: ValidIn<QS, IE>,
{
    // The results are the operands: a NULL subject only makes no arm match.
    type Nullability = NullableIfAny<(Arms, E), QS, (IA, IE)>;
}

impl<S, ST, Arms, E, GB, IS, IA, IE> ValidGrouping<GB, (IS, IA, IE)> for SimpleCase<S, ST, Arms, E>
where
    S: ValidGrouping<GB, IS>,
    Arms: ValidGrouping<GB, IA>,
    E: ValidGrouping<GB, IE>,
    S::Kind: super::Combine<Arms::Kind>,
    <S::Kind as super::Combine<Arms::Kind>>::Out: super::Combine<E::Kind>,
{
    type Kind = <<S::Kind as super::Combine<Arms::Kind>>::Out as super::Combine<E::Kind>>::Out;
}

impl<S, ST, Arms, E, DB> QueryFragment<DB> for SimpleCase<S, ST, Arms, E>
where
    S: QueryFragment<DB>,
    Arms: CaseFragment<DB>,
    E: CaseFragment<DB>,
    DB: Backend,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("CASE ");
        self.subject.walk(out);
        self.arms.walk_case(out);
        self.otherwise.walk_case(out);
        out.push_sql(" END");
    }
}

expression_as_itself! {
    SimpleCase<S, ST, Arms, E>;
}
