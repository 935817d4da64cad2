/// Posts.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code, unreachable_pub)]
pub mod posts {
    ///The `posts` table.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
    pub struct table;
    ///Every column of `posts`, in declaration order.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
    pub struct all_columns;
    ///Column `id` of `posts`.
    ///
    ///The database fills it when an insert leaves it out.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct id;
    ///Column `title` of `posts`.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct title;
    ///Column `type` of `posts`.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct kind;
    /// The columns of this table, to import with `use …::columns::*`.
    pub mod columns {
        #[allow(unused_imports)]
        pub use super::{id, title, kind};
    }
    const _: () = {
        impl<L, I0> ::quarry::__private::CompleteInsert<L, (I0,)> for table
        where
            L: ::quarry::__private::Provides<self::title, I0>,
        {}
        impl ::quarry::__private::Table for table {
            const NAME: &'static str = "posts";
            const QUOTED: &'static str = "\"posts\"";
            type PrimaryKey = id;
            type AllColumns = all_columns;
            const ALL_COLUMNS_SQL: &'static str = "\"posts\".\"id\", \"posts\".\"title\", \"posts\".\"type\"";
            const COLUMN_NAMES: &'static [&'static str] = &["id", "title", "type"];
        }
        impl ::quarry::__private::ValidGrouping<::quarry::__private::NoGroupBy, ()>
        for all_columns {
            type Kind = ::quarry::__private::Plain;
        }
        impl<__QS, __I> ::quarry::__private::SelectList<__QS, __I> for all_columns
        where
            __QS: ::quarry::__private::Contains<table, __I>,
        {
            type Row = <__QS::Nullability as ::quarry::__private::Nullability>::WrapRow<
                all_columns,
            >;
        }
        impl ::quarry::__private::DecodeRow for all_columns {
            type Output = (
                <::quarry::__private::types::Int4 as ::quarry::__private::SqlType>::Rust,
                <::quarry::__private::types::Text as ::quarry::__private::SqlType>::Rust,
                <::quarry::__private::types::Nullable<
                    ::quarry::__private::types::Text,
                > as ::quarry::__private::SqlType>::Rust,
            );
            const WIDTH: usize = 3usize;
            #[inline]
            fn decode<__R: ::quarry::__private::Row>(
                row: &__R,
                idx: &mut usize,
            ) -> ::quarry::__private::QueryResult<Self::Output> {
                ::core::result::Result::Ok((
                    ::quarry::__private::decode_value::<
                        ::quarry::__private::types::Int4,
                        _,
                        __R,
                    >(row, idx)?,
                    ::quarry::__private::decode_value::<
                        ::quarry::__private::types::Text,
                        _,
                        __R,
                    >(row, idx)?,
                    ::quarry::__private::decode_value::<
                        ::quarry::__private::types::Nullable<
                            ::quarry::__private::types::Text,
                        >,
                        _,
                        __R,
                    >(row, idx)?,
                ))
            }
        }
        impl<__DB: ::quarry::__private::Backend> ::quarry::__private::QueryFragment<__DB>
        for all_columns
        where
            ::quarry::__private::types::Int4: ::quarry::__private::SupportedBy<__DB>,
            ::quarry::__private::types::Text: ::quarry::__private::SupportedBy<__DB>,
            ::quarry::__private::types::Nullable<
                ::quarry::__private::types::Text,
            >: ::quarry::__private::SupportedBy<__DB>,
        {
            fn walk<'__a>(&'__a self, out: &mut ::quarry::__private::SqlWriter<'__a>) {
                out.push_sql(
                    "\"posts\".\"id\", \"posts\".\"title\", \"posts\".\"type\"",
                );
            }
        }
        impl ::quarry::__private::AsExpression<::quarry::__private::types::Int4> for id {
            type Expression = id;
            #[inline]
            fn into_expression(self) -> id {
                self
            }
        }
        impl ::quarry::__private::AsExpression<
            ::quarry::__private::types::Nullable<::quarry::__private::types::Int4>,
        > for id {
            type Expression = ::quarry::__private::AsNullable<id>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                ::quarry::__private::ExpressionMethods::nullable(self)
            }
        }
        impl ::quarry::__private::Column for id {
            type Table = table;
            type SqlType = ::quarry::__private::types::Int4;
            const NAME: &'static str = "id";
            const QUALIFIED: &'static str = "\"posts\".\"id\"";
            const HAS_DEFAULT: bool = true;
        }
        impl ::quarry::__private::ColumnOf<table> for id {}
        impl ::quarry::__private::Omittable for id {}
        impl<__QS, __I> ::quarry::__private::SelectList<__QS, __I> for id
        where
            __QS: ::quarry::__private::Contains<table, __I>,
            <__QS::Nullability as ::quarry::__private::Nullability>::Apply<
                ::quarry::__private::types::Int4,
            >: ::quarry::__private::DecodeRow,
        {
            type Row = <__QS::Nullability as ::quarry::__private::Nullability>::Apply<
                ::quarry::__private::types::Int4,
            >;
        }
        impl<__Rhs> ::quarry::__private::ops::Add<__Rhs> for id
        where
            __Rhs: ::quarry::__private::AsExpression<::quarry::__private::types::Int4>,
            __Rhs::Expression: ::quarry::__private::Expression<
                SqlType: ::quarry::__private::types::NumericType,
            >,
        {
            type Output = ::quarry::__private::Binary<
                ::quarry::__private::sql_ops::Add,
                id,
                __Rhs::Expression,
            >;
            fn add(self, rhs: __Rhs) -> Self::Output {
                ::quarry::__private::Binary::new(
                    self,
                    ::quarry::__private::AsExpression::into_expression(rhs),
                )
            }
        }
        impl<__Rhs> ::quarry::__private::ops::Sub<__Rhs> for id
        where
            __Rhs: ::quarry::__private::AsExpression<::quarry::__private::types::Int4>,
            __Rhs::Expression: ::quarry::__private::Expression<
                SqlType: ::quarry::__private::types::NumericType,
            >,
        {
            type Output = ::quarry::__private::Binary<
                ::quarry::__private::sql_ops::Sub,
                id,
                __Rhs::Expression,
            >;
            fn sub(self, rhs: __Rhs) -> Self::Output {
                ::quarry::__private::Binary::new(
                    self,
                    ::quarry::__private::AsExpression::into_expression(rhs),
                )
            }
        }
        impl<__Rhs> ::quarry::__private::ops::Mul<__Rhs> for id
        where
            __Rhs: ::quarry::__private::AsExpression<::quarry::__private::types::Int4>,
            __Rhs::Expression: ::quarry::__private::Expression<
                SqlType: ::quarry::__private::types::NumericType,
            >,
        {
            type Output = ::quarry::__private::Binary<
                ::quarry::__private::sql_ops::Mul,
                id,
                __Rhs::Expression,
            >;
            fn mul(self, rhs: __Rhs) -> Self::Output {
                ::quarry::__private::Binary::new(
                    self,
                    ::quarry::__private::AsExpression::into_expression(rhs),
                )
            }
        }
        impl<__Rhs> ::quarry::__private::ops::Div<__Rhs> for id
        where
            __Rhs: ::quarry::__private::AsExpression<::quarry::__private::types::Int4>,
            __Rhs::Expression: ::quarry::__private::Expression<
                SqlType: ::quarry::__private::types::NumericType,
            >,
        {
            type Output = ::quarry::__private::Binary<
                ::quarry::__private::sql_ops::Div,
                id,
                __Rhs::Expression,
            >;
            fn div(self, rhs: __Rhs) -> Self::Output {
                ::quarry::__private::Binary::new(
                    self,
                    ::quarry::__private::AsExpression::into_expression(rhs),
                )
            }
        }
        impl ::quarry::__private::AsExpression<::quarry::__private::types::Text>
        for title {
            type Expression = title;
            #[inline]
            fn into_expression(self) -> title {
                self
            }
        }
        impl ::quarry::__private::AsExpression<
            ::quarry::__private::types::Nullable<::quarry::__private::types::Text>,
        > for title {
            type Expression = ::quarry::__private::AsNullable<title>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                ::quarry::__private::ExpressionMethods::nullable(self)
            }
        }
        impl ::quarry::__private::Column for title {
            type Table = table;
            type SqlType = ::quarry::__private::types::Text;
            const NAME: &'static str = "title";
            const QUALIFIED: &'static str = "\"posts\".\"title\"";
            const HAS_DEFAULT: bool = false;
        }
        impl ::quarry::__private::ColumnOf<table> for title {}
        impl<__QS, __I> ::quarry::__private::SelectList<__QS, __I> for title
        where
            __QS: ::quarry::__private::Contains<table, __I>,
            <__QS::Nullability as ::quarry::__private::Nullability>::Apply<
                ::quarry::__private::types::Text,
            >: ::quarry::__private::DecodeRow,
        {
            type Row = <__QS::Nullability as ::quarry::__private::Nullability>::Apply<
                ::quarry::__private::types::Text,
            >;
        }
        impl ::quarry::__private::AsExpression<
            ::quarry::__private::types::Nullable<::quarry::__private::types::Text>,
        > for kind {
            type Expression = kind;
            #[inline]
            fn into_expression(self) -> kind {
                self
            }
        }
        impl ::quarry::__private::Column for kind {
            type Table = table;
            type SqlType = ::quarry::__private::types::Nullable<
                ::quarry::__private::types::Text,
            >;
            const NAME: &'static str = "type";
            const QUALIFIED: &'static str = "\"posts\".\"type\"";
            const HAS_DEFAULT: bool = false;
        }
        impl ::quarry::__private::ColumnOf<table> for kind {}
        impl ::quarry::__private::Omittable for kind {}
        impl<__QS, __I> ::quarry::__private::SelectList<__QS, __I> for kind
        where
            __QS: ::quarry::__private::Contains<table, __I>,
            <__QS::Nullability as ::quarry::__private::Nullability>::Apply<
                ::quarry::__private::types::Nullable<::quarry::__private::types::Text>,
            >: ::quarry::__private::DecodeRow,
        {
            type Row = <__QS::Nullability as ::quarry::__private::Nullability>::Apply<
                ::quarry::__private::types::Nullable<::quarry::__private::types::Text>,
            >;
        }
    };
}
const _: () = {
    impl ::quarry::__private::schema::Declared for posts::table {
        fn declaration(&self) -> &'static ::quarry::__private::schema::TableDeclaration {
            const DECLARATION: ::quarry::__private::schema::TableDeclaration = ::quarry::__private::schema::TableDeclaration {
                name: "posts",
                columns: &[
                    ::quarry::__private::schema::ColumnDeclaration {
                        name: "id",
                        ty: ::quarry::__private::schema::ColumnType::builtin("Int4"),
                        nullable: false,
                        has_default: true,
                        default: ::core::option::Option::None,
                        unique: false,
                        references: ::core::option::Option::None,
                        renamed_from: ::core::option::Option::None,
                    },
                    ::quarry::__private::schema::ColumnDeclaration {
                        name: "title",
                        ty: ::quarry::__private::schema::ColumnType::builtin("Text"),
                        nullable: false,
                        has_default: false,
                        default: ::core::option::Option::None,
                        unique: false,
                        references: ::core::option::Option::None,
                        renamed_from: ::core::option::Option::None,
                    },
                    ::quarry::__private::schema::ColumnDeclaration {
                        name: "type",
                        ty: ::quarry::__private::schema::ColumnType::builtin("Text"),
                        nullable: true,
                        has_default: false,
                        default: ::core::option::Option::None,
                        unique: false,
                        references: ::core::option::Option::None,
                        renamed_from: ::core::option::Option::None,
                    },
                ],
                primary_key: &["id"],
                indexes: &[],
                renamed_from: ::core::option::Option::None,
            };
            &DECLARATION
        }
    }
};
