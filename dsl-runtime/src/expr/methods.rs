//! The methods that build expressions: `eq`, `gt`, `like`, `and`, `asc`, ….

use super::cast::{Cast, CastTarget};
use super::ops::{
    And, AsNullable, Asc, Between, Binary, Concat, Desc, Eq, Ge, Gt, IsNotNull, IsNull, Le, Like,
    Lt, Ne, Neg, Not, NotBetween, NotLike, NullsFirst, NullsLast, Or, Rem,
};
use super::{AsCondition, AsExpression, Expression};
use crate::query::InArgument;
use crate::types::{BoolType, NullableType, NumericType, SqlType, Text, TextType};
use std::marker::PhantomData;

/// Integer SQL types, nullable or not; `%` ([`rem`](ExpressionMethods::rem)) requires
/// one.
#[diagnostic::on_unimplemented(
    message = "`%` (`rem`) needs an integer expression, but this one is `{Self}`",
    label = "not an integer",
    note = "`%` applies to Int2, Int4 and Int8 (PostgreSQL has no `%` for floats); cast first: `.cast::<Int8>()`"
)]
pub trait IntegerType: SqlType {}

macro_rules! integer_types {
    ($($st:ident),*) => {$(
        impl IntegerType for crate::types::$st {}
        impl IntegerType for crate::types::Nullable<crate::types::$st> {}
    )*};
}

integer_types!(Int2, Int4, Int8);

/// Text SQL types, nullable or not; `||` ([`concat`](TextExpressionMethods::concat))
/// requires one.
#[diagnostic::on_unimplemented(
    message = "`concat` (`||`) needs a text expression, but this one is `{Self}`",
    label = "not a `Text` expression",
    note = "cast it to text first: `.cast::<Text>()`"
)]
pub trait ConcatType: SqlType {
    /// The type of the other side: the same.
    type Other: SqlType;
}

impl ConcatType for Text {
    type Other = Text;
}

impl ConcatType for crate::types::Nullable<Text> {
    type Other = crate::types::Nullable<Text>;
}

/// Comparison, `IN`, `BETWEEN`, NULL tests and ordering, on every expression.
///
/// The right-hand side is another expression of the same SQL type or a Rust value of a
/// matching type, which is sent as a bind parameter.
pub trait ExpressionMethods: Expression + Sized {
    /// `self = other`
    fn eq<T: AsExpression<Self::SqlType>>(self, other: T) -> Binary<Eq, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }

    /// `self <> other`
    fn ne<T: AsExpression<Self::SqlType>>(self, other: T) -> Binary<Ne, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }

    /// `self < other`
    fn lt<T: AsExpression<Self::SqlType>>(self, other: T) -> Binary<Lt, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }

    /// `self <= other`
    fn le<T: AsExpression<Self::SqlType>>(self, other: T) -> Binary<Le, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }

    /// `self > other`
    fn gt<T: AsExpression<Self::SqlType>>(self, other: T) -> Binary<Gt, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }

    /// `self >= other`
    fn ge<T: AsExpression<Self::SqlType>>(self, other: T) -> Binary<Ge, Self, T::Expression> {
        Binary::new(self, other.into_expression())
    }

    /// `self BETWEEN low AND high`
    fn between<Lo, Hi>(self, low: Lo, high: Hi) -> Between<Self, Lo::Expression, Hi::Expression>
    where
        Lo: AsExpression<Self::SqlType>,
        Hi: AsExpression<Self::SqlType>,
    {
        Between {
            expr: self,
            low: low.into_expression(),
            high: high.into_expression(),
        }
    }

    /// `self NOT BETWEEN low AND high`
    fn not_between<Lo, Hi>(
        self,
        low: Lo,
        high: Hi,
    ) -> NotBetween<Self, Lo::Expression, Hi::Expression>
    where
        Lo: AsExpression<Self::SqlType>,
        Hi: AsExpression<Self::SqlType>,
    {
        NotBetween {
            expr: self,
            low: low.into_expression(),
            high: high.into_expression(),
        }
    }

    /// `self % other`: the remainder of dividing integers, with the sign of `self` (as
    /// Rust's `%`). Expression nodes also take the `%` operator; a column takes this
    /// method: `users::id.rem(2)`.
    fn rem<T: AsExpression<Self::SqlType>>(self, other: T) -> Binary<Rem, Self, T::Expression>
    where
        Self::SqlType: IntegerType,
    {
        Binary::new(self, other.into_expression())
    }

    /// `(-self)`: unary minus, on numbers. Expression nodes also take the `-` operator.
    fn neg(self) -> Neg<Self>
    where
        Self::SqlType: NumericType,
    {
        Neg(self)
    }

    /// `CAST(self AS T)`, `T` a NOT NULL SQL type marker (`Int8`, `Float8`, `Text`, …:
    /// see [`CastTarget`]); the result is nullable when `self` is. The type's name is each backend's own
    /// (`bigint` on PostgreSQL, `INTEGER` on SQLite), so the same query runs on both.
    /// Mixed arithmetic needs one: `users::age.cast::<Int8>() + posts::views`.
    fn cast<T: CastTarget>(self) -> Cast<Self, T>
where {
        Cast {
            expr: self,
            _target: PhantomData,
        }
    }

    /// `self IN (…)`: `values` is a list of values (a `Vec`, an array, a slice, any
    /// iterator), each sent as a bind parameter, or a one-column subquery
    /// (`posts::table.select(posts::user_id)`). An empty list matches no row.
    fn eq_any<A: InArgument<Self, Self::SqlType>>(self, values: A) -> A::In {
        values.eq_any(self)
    }

    /// `self NOT IN (…)`, with values or a subquery as for [`eq_any`](Self::eq_any). An
    /// empty list matches every row.
    fn ne_all<A: InArgument<Self, Self::SqlType>>(self, values: A) -> A::NotIn {
        values.ne_all(self)
    }

    /// `self IS NULL`; only for nullable expressions.
    #[allow(clippy::wrong_self_convention)] // SQL's name; builds an expression from `self`
    fn is_null(self) -> IsNull<Self>
    where
        Self::SqlType: NullableType,
    {
        IsNull(self)
    }

    /// `self IS NOT NULL`; only for nullable expressions.
    #[allow(clippy::wrong_self_convention)] // SQL's name; builds an expression from `self`
    fn is_not_null(self) -> IsNotNull<Self>
    where
        Self::SqlType: NullableType,
    {
        IsNotNull(self)
    }

    /// The same expression typed as nullable, to compare a NOT NULL expression with a
    /// nullable one: `users::hair_color.eq(users::name.nullable())`.
    fn nullable(self) -> AsNullable<Self> {
        AsNullable(self)
    }

    /// `self NULLS FIRST`, for `order_by`: ascending, NULLs before every value (both
    /// backends; SQLite since 3.30). `.desc().nulls_first()` orders the other way.
    fn nulls_first(self) -> NullsFirst<Self> {
        NullsFirst(self)
    }

    /// `self NULLS LAST`, for `order_by`: ascending, NULLs after every value.
    fn nulls_last(self) -> NullsLast<Self> {
        NullsLast(self)
    }

    /// `self ASC`, for `order_by`.
    fn asc(self) -> Asc<Self> {
        Asc(self)
    }

    /// `self DESC`, for `order_by`.
    fn desc(self) -> Desc<Self> {
        Desc(self)
    }
}

impl<E: Expression> ExpressionMethods for E {}

/// Escapes `text` for a `LIKE` pattern, so that it matches only itself: each `%`, `_`
/// and `\` gets a `\` before it. Every pattern quarry sends says `ESCAPE '\'`, on both
/// backends, so the result may be combined with wildcards of your own:
///
/// ```
/// # use quarry::prelude::*;
/// quarry::table! { files (id) { id -> Int4, name -> Text } }
/// let mut conn = SqliteConnection::establish(":memory:")?;
/// conn.batch_execute(
///     "CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
///      INSERT INTO files VALUES (1, '100%_done.txt'), (2, '100 percent done.txt');",
/// )?;
/// let typed = "100%_";
/// assert_eq!(quarry::escape_like(typed), r"100\%\_");
/// let starting: Vec<i32> = files::table
///     .filter(files::name.like(quarry::escape_like(typed) + "%"))
///     .select(files::id)
///     .load(&mut conn)?;
/// assert_eq!(starting, [1]);
/// # Ok::<(), quarry::Error>(())
/// ```
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// `LIKE` and `NOT LIKE`, on text expressions.
///
/// In a pattern, `%` matches any run of characters and `_` any one character; a `\`
/// makes the character after it match itself, on every backend (quarry writes
/// `ESCAPE '\'`, which SQLite needs and PostgreSQL assumes). Text from users becomes a
/// literal pattern with [`escape_like`]. How case is compared stays the backend's:
/// SQLite's `LIKE` ignores the case of ASCII letters, PostgreSQL's does not.
pub trait TextExpressionMethods: Expression + Sized {
    /// `self LIKE pattern`; only for text expressions.
    fn like<T>(self, pattern: T) -> Binary<Like, Self, T::Expression>
    where
        Self::SqlType: TextType,
        T: AsExpression<Text>,
    {
        Binary::new(self, pattern.into_expression())
    }

    /// `self || other`: the texts joined, NULL when either is NULL. `other` is of the
    /// same SQL type (a nullable column takes a `&str` or an `Option<&str>`).
    fn concat<T>(self, other: T) -> Binary<Concat, Self, T::Expression>
    where
        Self::SqlType: ConcatType,
        T: AsExpression<<Self::SqlType as ConcatType>::Other>,
    {
        Binary::new(self, other.into_expression())
    }

    /// `self NOT LIKE pattern`; only for text expressions.
    fn not_like<T>(self, pattern: T) -> Binary<NotLike, Self, T::Expression>
    where
        Self::SqlType: TextType,
        T: AsExpression<Text>,
    {
        Binary::new(self, pattern.into_expression())
    }
}

impl<E: Expression> TextExpressionMethods for E {}

/// `AND`, `OR` and `NOT`, on boolean expressions.
pub trait BoolExpressionMethods: Expression + Sized {
    /// `self AND other`; `other` may be nullable (`Nullable<Bool>`) or not.
    fn and<T: AsCondition>(self, other: T) -> Binary<And, Self, T::Expression>
    where
        Self::SqlType: BoolType,
    {
        Binary::new(self, other.into_condition())
    }

    /// `self OR other`
    fn or<T: AsCondition>(self, other: T) -> Binary<Or, Self, T::Expression>
    where
        Self::SqlType: BoolType,
    {
        Binary::new(self, other.into_condition())
    }

    /// `NOT (self)`
    fn not(self) -> Not<Self>
    where
        Self::SqlType: BoolType,
    {
        Not(self)
    }
}

impl<E: Expression> BoolExpressionMethods for E {}
