//! SQL functions: the common ones (`lower`, `upper`, `length`, `abs`, `coalesce`,
//! `now`) and [`sql_function!`](crate::sql_function) to declare others with typed
//! signatures.

use super::SupportedBy;
use super::{
    AsExpression, Expression, NullableIfAny, ValidGrouping, ValidIn, expression_as_itself,
};
use crate::backend::Backend;
use crate::query::{QueryFragment, SqlWriter};
use crate::types::{
    Int4, NotNull, Nullability, Nullable, NumericType, SqlType, TextType, Timestamptz,
};
use std::marker::PhantomData;

/// A SQL function: its name and, for declared functions, its result type.
pub trait SqlFunction {
    /// The function's name in SQL (on PostgreSQL, and on SQLite unless
    /// [`SQLITE_NAME`](Self::SQLITE_NAME) says otherwise).
    const NAME: &'static str;
    /// The function's name on SQLite, where it differs.
    const SQLITE_NAME: &'static str = Self::NAME;
}

/// `name(arg, …)`: a call of function `F` with the argument expressions `Args` (a tuple).
#[derive(Debug, Clone, Copy, Default)]
pub struct FunctionCall<F, Args> {
    args: Args,
    _function: PhantomData<F>,
}

impl<F, Args> FunctionCall<F, Args> {
    /// Calls `F` with `args`.
    pub fn new(args: Args) -> Self {
        FunctionCall {
            args,
            _function: PhantomData,
        }
    }
}

/// The result type of calling `Self` on arguments `Args`.
pub trait FunctionOutput<Args> {
    /// The result's SQL type.
    type SqlType: SqlType;
}

impl<F: FunctionOutput<Args>, Args> Expression for FunctionCall<F, Args> {
    type SqlType = F::SqlType;
}

impl<F, Args: ValidIn<QS, I>, QS, I> ValidIn<QS, I> for FunctionCall<F, Args> {
    type Nullability = NullableIfAny<Args, QS, I>;
}

impl<F, Args: ValidGrouping<GB, I>, GB, I> ValidGrouping<GB, I> for FunctionCall<F, Args> {
    type Kind = Args::Kind;
}

impl<F: SqlFunction + SupportedBy<DB>, Args: QueryFragment<DB>, DB: Backend> QueryFragment<DB>
    for FunctionCall<F, Args>
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(DB::function_name::<F>());
        out.push_sql("(");
        self.args.walk(out);
        out.push_sql(")");
    }
}

expression_as_itself! {
    FunctionCall<F, Args>;
}

/// Declares SQL functions with typed signatures, as Rust functions that build calls.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::types::{Int4, Text};
///
/// quarry::sql_function! {
///     /// `replace(text, from, to)`.
///     fn replace(text: Text, from: Text, to: Text) -> Text;
///     /// `max(a, b)` on SQLite, `greatest(a, b)` on PostgreSQL: declare the one you use.
///     fn greatest(a: Int4, b: Int4) -> Int4;
/// }
///
/// quarry::table! { users (id) { id -> Int4, name -> Text } }
///
/// let query = users::table.select(replace(users::name, "a", "4"));
/// assert_eq!(
///     quarry::debug_query::<Pg, _>(&query).sql(),
///     r#"SELECT replace("users"."name", $1, $2) FROM "users""#,
/// );
/// ```
///
/// Arguments take expressions of the declared SQL type or Rust values of a matching
/// type, which are sent as bind parameters.
#[macro_export]
macro_rules! sql_function {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident : $st:ty),+ $(,)?) -> $ret:ty;
    )*) => {$(
        $(#[$doc])*
        #[allow(non_camel_case_types, non_snake_case)]
        pub fn $name<$($arg),+>($($arg: $arg),+)
            -> $crate::expr::FunctionCall<$name, ($(<$arg as $crate::expr::AsExpression<$st>>::Expression,)+)>
        where
            $($arg: $crate::expr::AsExpression<$st>),+
        {
            $crate::expr::FunctionCall::new(($($crate::expr::AsExpression::into_expression($arg),)+))
        }

        /// The function, as a type. A struct with braces lives only in the type
        /// namespace, beside the function of the same name.
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name {}

        impl $crate::expr::SqlFunction for $name {
            const NAME: &'static str = ::core::stringify!($name);
        }

        impl<DB: $crate::__private::Backend> $crate::expr::SupportedBy<DB> for $name {}

        impl<Args> $crate::expr::FunctionOutput<Args> for $name {
            type SqlType = $ret;
        }
    )*};
}

/// Built-in functions whose result type follows their argument's.
macro_rules! builtin_functions {
    ($($(#[$doc:meta])* $name:ident = $sql:literal, $marker:ident, $bound:path, |$st:ident| $out:ty;)*) => {$(
        #[doc = concat!("The `", $sql, "` function.")]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $marker;

        impl SqlFunction for $marker {
            const NAME: &'static str = $sql;
        }

        impl<DB: Backend> SupportedBy<DB> for $marker {}

        impl<E: Expression> FunctionOutput<(E,)> for $marker
        where
            E::SqlType: $bound,
        {
            type SqlType = <E::SqlType as BuiltinResult<$marker>>::Out;
        }

        impl<$st: SqlType + $bound> BuiltinResult<$marker> for $st {
            type Out = $out;
        }

        $(#[$doc])*
        pub fn $name<E>(expr: E) -> FunctionCall<$marker, (E,)>
        where
            E: Expression<SqlType: $bound>,
        {
            FunctionCall::new((expr,))
        }
    )*};
}

/// The result type of a built-in function `F` on an argument of type `Self`.
#[doc(hidden)]
pub trait BuiltinResult<F> {
    type Out: SqlType;
}

builtin_functions! {
    /// `lower(text)`: the text in lower case; NULL stays NULL.
    lower = "lower", LowerFn, TextType, |ST| ST;
    /// `upper(text)`: the text in upper case; NULL stays NULL.
    upper = "upper", UpperFn, TextType, |ST| ST;
    /// `length(text)`: the number of characters, as `Int4`; NULL stays NULL.
    length = "length", LengthFn, TextType, |ST| <ST::Nullability as Nullability>::Apply<Int4>;
    /// `abs(number)`: the absolute value; NULL stays NULL.
    abs = "abs", AbsFn, NumericType, |ST| ST;
}

/// `coalesce(value, fallback)`: the first of the two that is not NULL.
#[derive(Debug, Clone, Copy)]
pub struct Coalesce<A, B> {
    value: A,
    fallback: B,
}

/// The type inside `Nullable<…>`.
#[diagnostic::on_unimplemented(
    message = "`coalesce` needs a nullable first argument, but this one is `{Self}`",
    label = "never NULL: `coalesce` would always return it"
)]
pub trait NullableOf: SqlType {
    /// `ST` for `Nullable<ST>`.
    type Inner: SqlType;
}

impl<ST: crate::types::NotNullType> NullableOf for Nullable<ST> {
    type Inner = ST;
}

/// `coalesce(value, fallback)`: `value` unless it is NULL, else `fallback`, which has
/// the same SQL type without `Nullable` (or with, for a nullable fallback).
pub fn coalesce<A, B>(value: A, fallback: B) -> Coalesce<A, B::Expression>
where
    A: Expression<SqlType: NullableOf>,
    B: AsExpression<<A::SqlType as NullableOf>::Inner>,
{
    Coalesce {
        value,
        fallback: fallback.into_expression(),
    }
}

impl<A, B> Expression for Coalesce<A, B>
where
    A: Expression,
    B: Expression,
{
    type SqlType = B::SqlType;
}

impl<A: ValidIn<QS, IA>, B: ValidIn<QS, IB>, QS, IA, IB> ValidIn<QS, (IA, IB)> for Coalesce<A, B> {
    // NULL only when every argument is: the first is nullable already (its SQL type
    // says so), so the fallback decides.
    type Nullability = NullableIfAny<(B,), QS, (IB,)>;
}

impl<A, B, GB, IA, IB> ValidGrouping<GB, (IA, IB)> for Coalesce<A, B>
where
    A: ValidGrouping<GB, IA>,
    B: ValidGrouping<GB, IB>,
    A::Kind: super::Combine<B::Kind>,
{
    type Kind = <A::Kind as super::Combine<B::Kind>>::Out;
}

impl<A: QueryFragment<DB>, B: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Coalesce<A, B> {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql("COALESCE(");
        self.value.walk(out);
        out.push_sql(", ");
        self.fallback.walk(out);
        out.push_sql(")");
    }
}

expression_as_itself! {
    Coalesce<A, B>;
}

/// The current time, as `Timestamptz`: `now()` on PostgreSQL, `CURRENT_TIMESTAMP` (in
/// UTC) on SQLite.
#[derive(Debug, Clone, Copy, Default)]
pub struct Now;

/// The current time: see [`Now`].
pub fn now() -> Now {
    Now
}

impl Expression for Now {
    type SqlType = Timestamptz;
}

impl<QS> ValidIn<QS, ()> for Now {
    type Nullability = NotNull;
}

impl<GB> ValidGrouping<GB, ()> for Now {
    type Kind = super::Constant;
}

impl<DB: Backend> QueryFragment<DB> for Now {
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(DB::CURRENT_TIMESTAMP);
    }
}

impl AsExpression<Timestamptz> for Now {
    type Expression = Now;
    fn into_expression(self) -> Now {
        self
    }
}
