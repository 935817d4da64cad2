const _: () = {
    impl<'a> ::quarry::__private::InsertValues<users::table> for NewUser<'a> {
        type Columns = (users::name, (users::hair_color, ()));
        const COLUMN_COUNT: u32 = 2u32;
        fn walk_columns(omitted: u64, out: &mut ::quarry::__private::SqlWriter<'_>) {
            let mut separator = <::quarry::__private::Separator as ::quarry::__private::Default>::default();
            if omitted & (1 << 0usize) == 0 {
                separator.next(out);
                out.push_identifier(<users::name as ::quarry::__private::Column>::NAME);
            }
            if omitted & (1 << 1usize) == 0 {
                separator.next(out);
                out.push_identifier(
                    <users::hair_color as ::quarry::__private::Column>::NAME,
                );
            }
        }
        fn omitted(&self, _row: usize) -> u64 {
            let mut omitted = 0;
            if <users::hair_color as ::quarry::__private::Column>::HAS_DEFAULT
                && self.hair_color.is_none()
            {
                omitted |= 1 << 1usize;
            }
            omitted
        }
    }
    impl<'a, __DB: ::quarry::__private::Backend> ::quarry::__private::InsertRows<__DB>
    for NewUser<'a>
    where
        <users::name as ::quarry::__private::Column>::SqlType: ::quarry::__private::SupportedBy<
            __DB,
        >,
        <users::hair_color as ::quarry::__private::Column>::SqlType: ::quarry::__private::SupportedBy<
            __DB,
        >,
    {
        const BINDS_ROWS: bool = true;
        fn walk_row<'__a>(
            &'__a self,
            row: usize,
            omitted: u64,
            out: &mut ::quarry::__private::SqlWriter<'__a>,
        ) {
            ::quarry::__private::walk_bound_row::<__DB, Self>(self, row, omitted, out);
        }
        #[inline]
        fn bind_row<'__a, __S: ::quarry::__private::BindSink<'__a>>(
            &'__a self,
            _row: usize,
            omitted: u64,
            sink: &mut __S,
        ) {
            if omitted & (1 << 0usize) == 0 {
                ::quarry::__private::bind_field::<
                    users::name,
                    __DB,
                    _,
                    __S,
                >(&self.name, sink);
            }
            if omitted & (1 << 1usize) == 0 {
                ::quarry::__private::bind_option::<
                    users::hair_color,
                    __DB,
                    _,
                    __S,
                >(&self.hair_color, sink);
            }
        }
    }
};
