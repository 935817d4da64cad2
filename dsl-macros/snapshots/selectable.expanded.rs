const _: () = {
    impl ::quarry::__private::Selectable for User {
        type Table = users::table;
        const COLUMN_NAMES: &'static [&'static str] = &[
            <users::id as ::quarry::__private::Column>::NAME,
            <users::name as ::quarry::__private::Column>::NAME,
        ];
        fn walk_columns(out: &mut ::quarry::__private::SqlWriter<'_>) {
            out.push_sql(<users::id as ::quarry::__private::Column>::QUALIFIED);
            out.push_sql(", ");
            out.push_sql(<users::name as ::quarry::__private::Column>::QUALIFIED);
        }
        fn decode_row<__R: ::quarry::__private::Row>(
            row: &__R,
            idx: &mut usize,
        ) -> ::quarry::__private::QueryResult<Self> {
            ::core::result::Result::Ok(Self {
                id: ::quarry::__private::decode_value::<
                    <users::id as ::quarry::__private::Column>::SqlType,
                    i32,
                    __R,
                >(row, idx)?,
                full_name: ::quarry::__private::decode_value::<
                    <users::name as ::quarry::__private::Column>::SqlType,
                    String,
                    __R,
                >(row, idx)?,
            })
        }
    }
    impl<__DB: ::quarry::__private::Backend> ::quarry::__private::SupportedColumns<__DB>
    for User
    where
        <users::id as ::quarry::__private::Column>::SqlType: ::quarry::__private::SupportedBy<
            __DB,
        >,
        <users::name as ::quarry::__private::Column>::SqlType: ::quarry::__private::SupportedBy<
            __DB,
        >,
    {}
    impl ::quarry::__private::FromRow for User {
        fn from_row<__R: ::quarry::__private::Row>(
            row: &__R,
        ) -> ::quarry::__private::QueryResult<Self> {
            ::quarry::__private::from_row_by_name::<Self, __R>(row)
        }
    }
    impl<
        __DB: ::quarry::__private::Backend,
        __L,
    > ::quarry::__private::Tree<__DB, __L, ()> for User
    where
        <users::id as ::quarry::__private::Column>::SqlType: ::quarry::__private::SupportedBy<
            __DB,
        >,
        <users::name as ::quarry::__private::Column>::SqlType: ::quarry::__private::SupportedBy<
            __DB,
        >,
    {
        type Table = users::table;
        type Head = Self;
        type Fields = ();
        const WIDTH: usize = 2usize;
        fn walk_head(out: &mut ::quarry::__private::SqlWriter<'_>) {
            out.push_sql(<users::id as ::quarry::__private::Column>::QUALIFIED);
            out.push_sql(", ");
            out.push_sql(<users::name as ::quarry::__private::Column>::QUALIFIED);
        }
        fn decode_head<__R: ::quarry::__private::Row>(
            row: &__R,
            idx: &mut usize,
        ) -> ::quarry::__private::QueryResult<Self> {
            <Self as ::quarry::__private::Selectable>::decode_row(row, idx)
        }
        fn build(head: Self, _relations: ()) -> Self {
            head
        }
    }
};
