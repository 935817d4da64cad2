//! [`debug_query`]: the SQL and bind parameters a query sends, for logs and tests.

use super::{QueryFragment, render};
use crate::backend::Backend;
use std::fmt;
use std::marker::PhantomData;

/// The SQL text and bind parameters of a query as backend `DB` would receive them.
///
/// Displays as `SQL -- binds: [v1, v2]`.
pub struct DebugQuery<'q, Q: ?Sized, DB> {
    query: &'q Q,
    _backend: PhantomData<DB>,
}

/// Shows the SQL and bind parameters `query` sends to backend `DB`.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::backend::sqlite::Sqlite;
///
/// quarry::table! { users (id) { id -> Int4, name -> Text } }
///
/// let query = users::table.filter(users::name.eq("Ada")).select(users::id);
/// assert_eq!(
///     quarry::debug_query::<Sqlite, _>(&query).to_string(),
///     r#"SELECT "users"."id" FROM "users" WHERE "users"."name" = ? -- binds: ["Ada"]"#,
/// );
/// ```
pub fn debug_query<DB: Backend, Q: QueryFragment<DB> + ?Sized>(query: &Q) -> DebugQuery<'_, Q, DB> {
    DebugQuery {
        query,
        _backend: PhantomData,
    }
}

impl<Q: QueryFragment<DB> + ?Sized, DB: Backend> DebugQuery<'_, Q, DB> {
    /// The SQL text.
    pub fn sql(&self) -> String {
        render::<DB, Q>(self.query).into_parts().0
    }

    /// The bind parameters, formatted.
    pub fn binds(&self) -> Vec<String> {
        let out = render::<DB, Q>(self.query);
        out.binds().iter().map(|b| format!("{b:?}")).collect()
    }
}

impl<Q: QueryFragment<DB> + ?Sized, DB: Backend> fmt::Display for DebugQuery<'_, Q, DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let out = render::<DB, Q>(self.query);
        write!(f, "{} -- binds: {:?}", out.sql(), out.binds())
    }
}

impl<Q: QueryFragment<DB> + ?Sized, DB: Backend> fmt::Debug for DebugQuery<'_, Q, DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
