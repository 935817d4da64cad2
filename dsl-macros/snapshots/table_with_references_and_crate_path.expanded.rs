#[allow(non_camel_case_types, non_upper_case_globals, dead_code, unreachable_pub)]
pub mod comments {
    ///The `comments` table.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
    pub struct table;
    ///Every column of `comments`, in declaration order.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
    pub struct all_columns;
    ///Column `id` of `comments`.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct id;
    ///Column `post_id` of `comments`.
    ///
    ///References `posts`.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct post_id;
    ///To-one relation of `comments`, by its key `post_id`: pass it to `.with(…)`.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct posts;
    ///To-many relation: the rows of `comments` whose `post_id` references this row. Pass it to `.with(…)`.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct by_post_id;
    /// The columns of this table, to import with `use …::columns::*`.
    pub mod columns {
        #[allow(unused_imports)]
        pub use super::{id, post_id};
    }
    const _: () = {
        impl<L, I0, I1> crate::db::__private::CompleteInsert<L, (I0, I1)> for table
        where
            L: crate::db::__private::Provides<self::id, I0>,
            L: crate::db::__private::Provides<self::post_id, I1>,
        {}
        impl crate::db::__private::Table for table {
            const NAME: &'static str = "comments";
            const QUOTED: &'static str = "\"comments\"";
            type PrimaryKey = id;
            type AllColumns = all_columns;
            const ALL_COLUMNS_SQL: &'static str = "\"comments\".\"id\", \"comments\".\"post_id\"";
            const COLUMN_NAMES: &'static [&'static str] = &["id", "post_id"];
        }
        impl crate::db::__private::ValidGrouping<crate::db::__private::NoGroupBy, ()>
        for all_columns {
            type Kind = crate::db::__private::Plain;
        }
        impl<__QS, __I> crate::db::__private::SelectList<__QS, __I> for all_columns
        where
            __QS: crate::db::__private::Contains<table, __I>,
        {
            type Row = <__QS::Nullability as crate::db::__private::Nullability>::WrapRow<
                all_columns,
            >;
        }
        impl crate::db::__private::DecodeRow for all_columns {
            type Output = (
                <crate::db::__private::types::Uuid as crate::db::__private::SqlType>::Rust,
                <crate::db::__private::types::Uuid as crate::db::__private::SqlType>::Rust,
            );
            const WIDTH: usize = 2usize;
            #[inline]
            fn decode<__R: crate::db::__private::Row>(
                row: &__R,
                idx: &mut usize,
            ) -> crate::db::__private::QueryResult<Self::Output> {
                ::core::result::Result::Ok((
                    crate::db::__private::decode_value::<
                        crate::db::__private::types::Uuid,
                        _,
                        __R,
                    >(row, idx)?,
                    crate::db::__private::decode_value::<
                        crate::db::__private::types::Uuid,
                        _,
                        __R,
                    >(row, idx)?,
                ))
            }
        }
        impl<
            __DB: crate::db::__private::Backend,
        > crate::db::__private::QueryFragment<__DB> for all_columns
        where
            crate::db::__private::types::Uuid: crate::db::__private::SupportedBy<__DB>,
            crate::db::__private::types::Uuid: crate::db::__private::SupportedBy<__DB>,
        {
            fn walk<'__a>(&'__a self, out: &mut crate::db::__private::SqlWriter<'__a>) {
                out.push_sql("\"comments\".\"id\", \"comments\".\"post_id\"");
            }
        }
        impl crate::db::__private::AsExpression<crate::db::__private::types::Uuid>
        for id {
            type Expression = id;
            #[inline]
            fn into_expression(self) -> id {
                self
            }
        }
        impl crate::db::__private::AsExpression<
            crate::db::__private::types::Nullable<crate::db::__private::types::Uuid>,
        > for id {
            type Expression = crate::db::__private::AsNullable<id>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                crate::db::__private::ExpressionMethods::nullable(self)
            }
        }
        impl crate::db::__private::Column for id {
            type Table = table;
            type SqlType = crate::db::__private::types::Uuid;
            const NAME: &'static str = "id";
            const QUALIFIED: &'static str = "\"comments\".\"id\"";
            const HAS_DEFAULT: bool = false;
        }
        impl crate::db::__private::ColumnOf<table> for id {}
        impl<__QS, __I> crate::db::__private::SelectList<__QS, __I> for id
        where
            __QS: crate::db::__private::Contains<table, __I>,
            <__QS::Nullability as crate::db::__private::Nullability>::Apply<
                crate::db::__private::types::Uuid,
            >: crate::db::__private::DecodeRow,
        {
            type Row = <__QS::Nullability as crate::db::__private::Nullability>::Apply<
                crate::db::__private::types::Uuid,
            >;
        }
        impl crate::db::__private::AsExpression<crate::db::__private::types::Uuid>
        for post_id {
            type Expression = post_id;
            #[inline]
            fn into_expression(self) -> post_id {
                self
            }
        }
        impl crate::db::__private::AsExpression<
            crate::db::__private::types::Nullable<crate::db::__private::types::Uuid>,
        > for post_id {
            type Expression = crate::db::__private::AsNullable<post_id>;
            #[inline]
            fn into_expression(self) -> Self::Expression {
                crate::db::__private::ExpressionMethods::nullable(self)
            }
        }
        impl crate::db::__private::Column for post_id {
            type Table = table;
            type SqlType = crate::db::__private::types::Uuid;
            const NAME: &'static str = "post_id";
            const QUALIFIED: &'static str = "\"comments\".\"post_id\"";
            const HAS_DEFAULT: bool = false;
        }
        impl crate::db::__private::ColumnOf<table> for post_id {}
        impl<__QS, __I> crate::db::__private::SelectList<__QS, __I> for post_id
        where
            __QS: crate::db::__private::Contains<table, __I>,
            <__QS::Nullability as crate::db::__private::Nullability>::Apply<
                crate::db::__private::types::Uuid,
            >: crate::db::__private::DecodeRow,
        {
            type Row = <__QS::Nullability as crate::db::__private::Nullability>::Apply<
                crate::db::__private::types::Uuid,
            >;
        }
    };
}
const _: () = {
    impl crate::db::__private::JoinTo<posts::table, comments::post_id>
    for comments::table {
        type On = crate::db::__private::Binary<
            crate::db::__private::Eq,
            comments::post_id,
            <posts::table as crate::db::__private::Table>::PrimaryKey,
        >;
    }
    impl crate::db::__private::JoinTo<comments::table, comments::post_id>
    for posts::table {
        type On = crate::db::__private::Binary<
            crate::db::__private::Eq,
            comments::post_id,
            <posts::table as crate::db::__private::Table>::PrimaryKey,
        >;
    }
};
const _: () = {
    impl crate::db::__private::schema::Declared for comments::table {
        fn declaration(
            &self,
        ) -> &'static crate::db::__private::schema::TableDeclaration {
            const DECLARATION: crate::db::__private::schema::TableDeclaration = crate::db::__private::schema::TableDeclaration {
                name: "comments",
                columns: &[
                    crate::db::__private::schema::ColumnDeclaration {
                        name: "id",
                        ty: crate::db::__private::schema::ColumnType::builtin("Uuid"),
                        nullable: false,
                        has_default: false,
                        default: ::core::option::Option::None,
                        unique: false,
                        references: ::core::option::Option::None,
                        renamed_from: ::core::option::Option::None,
                    },
                    crate::db::__private::schema::ColumnDeclaration {
                        name: "post_id",
                        ty: crate::db::__private::schema::ColumnType::builtin("Uuid"),
                        nullable: false,
                        has_default: false,
                        default: ::core::option::Option::None,
                        unique: false,
                        references: ::core::option::Option::Some(crate::db::__private::schema::ForeignKey {
                            table: <posts::table as crate::db::__private::Table>::NAME,
                            column: <<posts::table as crate::db::__private::Table>::PrimaryKey as crate::db::__private::Column>::NAME,
                            on_delete: ::core::option::Option::None,
                        }),
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
const _: () = {
    impl<
        __L,
        __I,
    > crate::db::__private::JoinTarget<__L, crate::db::__private::ByRelation<__I>>
    for comments::posts
    where
        __L: crate::db::__private::Contains<comments::table, __I>,
    {
        type Table = posts::table;
        type On = crate::db::__private::RelationOn<Self>;
        fn into_parts(self) -> (posts::table, Self::On) {
            crate::db::__private::relation_join(self)
        }
    }
    impl crate::db::__private::Relation for comments::posts {
        type Parent = comments::table;
        type Child = posts::table;
        type ParentKey = comments::post_id;
        type ChildKey = <posts::table as crate::db::__private::Table>::PrimaryKey;
        type Key = <<posts::table as crate::db::__private::Table>::PrimaryKey as crate::db::__private::Column>::SqlType;
        type Cardinality = crate::db::__private::One;
        type Via = crate::db::__private::Direct;
        const NAME: &'static str = "comments::posts";
    }
    impl<
        __L,
        __I,
    > crate::db::__private::JoinTarget<__L, crate::db::__private::ByRelation<__I>>
    for comments::by_post_id
    where
        __L: crate::db::__private::Contains<posts::table, __I>,
    {
        type Table = comments::table;
        type On = crate::db::__private::RelationOn<Self>;
        fn into_parts(self) -> (comments::table, Self::On) {
            crate::db::__private::relation_join(self)
        }
    }
    impl crate::db::__private::Relation for comments::by_post_id {
        type Parent = posts::table;
        type Child = comments::table;
        type ParentKey = <posts::table as crate::db::__private::Table>::PrimaryKey;
        type ChildKey = comments::post_id;
        type Key = <<posts::table as crate::db::__private::Table>::PrimaryKey as crate::db::__private::Column>::SqlType;
        type Cardinality = crate::db::__private::Many;
        type Via = crate::db::__private::Direct;
        const NAME: &'static str = "comments::by_post_id";
    }
};
