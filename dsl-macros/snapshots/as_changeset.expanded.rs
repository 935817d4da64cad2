const _: () = {
    impl<'a> ::quarry::__private::AsChangeset<users::table, ()> for UserChanges<'a>
    where
        users::name: ::quarry::__private::ColumnOf<users::table>,
        users::hair_color: ::quarry::__private::ColumnOf<users::table>,
    {}
    impl<
        'a,
        __DB: ::quarry::__private::Backend,
    > ::quarry::__private::ChangesetFragment<__DB> for UserChanges<'a>
    where
        <users::name as ::quarry::__private::Column>::SqlType: ::quarry::__private::SupportedBy<
            __DB,
        >,
        <users::hair_color as ::quarry::__private::Column>::SqlType: ::quarry::__private::SupportedBy<
            __DB,
        >,
    {
        fn is_noop(&self) -> bool {
            false
        }
        fn walk_changes<'__a>(
            &'__a self,
            out: &mut ::quarry::__private::SqlWriter<'__a>,
        ) {
            let mut separator = <::quarry::__private::Separator as ::quarry::__private::Default>::default();
            separator.next(out);
            out.push_identifier(<users::name as ::quarry::__private::Column>::NAME);
            out.push_sql(" = ");
            ::quarry::__private::push_field::<users::name, __DB, _>(&self.name, out);
            if let ::core::option::Option::Some(value) = &self.hair_color {
                separator.next(out);
                out.push_identifier(
                    <users::hair_color as ::quarry::__private::Column>::NAME,
                );
                out.push_sql(" = ");
                ::quarry::__private::push_field::<
                    users::hair_color,
                    __DB,
                    _,
                >(value, out);
            }
        }
    }
};
