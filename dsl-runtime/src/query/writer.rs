//! [`SqlWriter`]: where a query renders its SQL text and collects its bind parameters.

use crate::backend::Backend;
use crate::error::{Error, QueryResult};
use crate::types::BindValue;
use smallvec::SmallVec;

/// The SQL text of a query being rendered, and its bind parameters in order.
#[derive(Debug)]
pub struct SqlWriter<'a> {
    sql: String,
    binds: SmallVec<[BindValue<'a>; 8]>,
    /// Bind parameters walked so far, collected or not: numbers PostgreSQL's `$n`.
    bind_count: usize,
    /// The backend's placeholder spelling.
    placeholder: fn(&mut String, usize),
    mode: Mode,
    /// Why the statement must not be sent, when a part of it found out while
    /// rendering (a negative LIMIT): the first reason given.
    rejected: Option<String>,
    /// What the values chose of the SQL, as the nodes that choose report it (a LIMIT
    /// given or not, an IN list's length): with the statement's type, it names the SQL.
    shape: u64,
    /// Whether a node's SQL depends on more than its type and shape (a boxed query):
    /// the statement is then found by its SQL text.
    dynamic: bool,
}

/// What a walk writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// SQL text and bind parameters.
    Full,
    /// SQL text only: the backend takes the bind parameters from elsewhere.
    SqlOnly,
    /// Bind parameters only, for a statement whose SQL is already known.
    BindsOnly,
}

impl<'a> SqlWriter<'a> {
    /// A writer of SQL for backend `DB`.
    pub(crate) fn new<DB: Backend>() -> Self {
        SqlWriter {
            sql: String::with_capacity(128),
            binds: SmallVec::new(),
            bind_count: 0,
            placeholder: DB::write_placeholder,
            mode: Mode::Full,
            rejected: None,
            shape: 0,
            dynamic: false,
        }
    }

    /// A writer that collects bind parameters and writes no SQL (allocating nothing
    /// until a parameter comes), for the parts of a statement whose SQL is known.
    pub(crate) fn binds_only<DB: Backend>() -> Self {
        SqlWriter {
            sql: String::new(),
            binds: SmallVec::new(),
            bind_count: 0,
            placeholder: DB::write_placeholder,
            mode: Mode::BindsOnly,
            rejected: None,
            shape: 0,
            dynamic: false,
        }
    }

    /// Empties the writer, keeping its buffers.
    pub(crate) fn clear(&mut self) {
        self.sql.clear();
        self.binds.clear();
        self.bind_count = 0;
        self.mode = Mode::Full;
        self.rejected = None;
        self.shape = 0;
        self.dynamic = false;
    }

    /// Empties the writer for a walk that writes the SQL text with its placeholders
    /// but does not collect the bind parameters, which the backend is given otherwise.
    pub(crate) fn sql_only(&mut self) {
        self.clear();
        self.mode = Mode::SqlOnly;
    }

    /// Empties the bind parameters but keeps the SQL, for a walk of a statement whose
    /// SQL is known to be the same as the one just rendered (the next chunk of a batch
    /// with as many rows): that walk collects bind parameters and writes no SQL.
    pub(crate) fn rebind(&mut self) {
        self.binds.clear();
        self.bind_count = 0;
        self.mode = Mode::BindsOnly;
        self.rejected = None;
    }

    /// Records a choice the values made about the SQL (whether a LIMIT is given, how
    /// long an IN list is). Every node whose SQL depends on its values, not only on
    /// its type, reports that here, or marks itself [`dynamic`](Self::dynamic): the
    /// statement cache finds a statement by its type and this shape.
    #[inline]
    pub(crate) fn shape(&mut self, choice: u64) {
        // Order matters (a LIMIT here and none there is not the reverse), so mix.
        self.shape = (self.shape.rotate_left(5) ^ choice).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    /// Marks the SQL as depending on more than the statement's type and shape.
    pub(crate) fn dynamic(&mut self) {
        self.dynamic = true;
    }

    /// The shape of the walked statement, or `None` when its SQL is
    /// [`dynamic`](Self::dynamic).
    pub(crate) fn statement_shape(&self) -> Option<u64> {
        (!self.dynamic).then_some(self.shape)
    }

    /// Marks the statement as one that must not run, for `reason` (kept if it is the
    /// first). Rendering goes on, so that `debug_query` still shows it; running it
    /// fails with [`Error::InvalidQuery`] before anything is sent.
    pub(crate) fn reject(&mut self, reason: impl FnOnce() -> String) {
        if self.rejected.is_none() {
            self.rejected = Some(reason());
        }
    }

    /// `Ok` unless a part of the statement [rejected](Self::reject) it: what every
    /// path that sends a rendered statement checks first.
    pub(crate) fn check(&self) -> QueryResult<()> {
        match &self.rejected {
            None => Ok(()),
            Some(reason) => Err(Error::InvalidQuery(reason.clone())),
        }
    }

    /// Appends a statement rendered by a writer of its own: its SQL, its bind
    /// parameters and its rejection, if any.
    pub(crate) fn append(&mut self, other: SqlWriter<'a>) {
        if let Some(reason) = other.rejected {
            self.reject(|| reason);
        }
        self.push_sql(&other.sql);
        self.push_raw_binds(other.binds.into_iter());
    }

    /// Makes room for `sql` more bytes of SQL and `binds` more bind parameters.
    pub(crate) fn reserve(&mut self, sql: usize, binds: usize) {
        self.sql.reserve(sql);
        self.binds.reserve(binds);
    }

    /// Appends SQL text as it is. Never pass it user data: values go through
    /// [`push_bind`](Self::push_bind).
    #[inline]
    pub fn push_sql(&mut self, sql: &str) {
        if self.mode != Mode::BindsOnly {
            self.sql.push_str(sql);
        }
    }

    /// Appends a quoted identifier (`"name"`, with inner quotes doubled).
    pub fn push_identifier(&mut self, name: &str) {
        if self.mode == Mode::BindsOnly {
            return;
        }
        self.sql.push('"');
        for part in name.split_inclusive('"') {
            self.sql.push_str(part);
            if part.ends_with('"') {
                self.sql.push('"');
            }
        }
        self.sql.push('"');
    }

    /// Appends a placeholder and records `value` as its bind parameter.
    #[inline]
    pub fn push_bind(&mut self, value: BindValue<'a>) {
        match self.mode {
            Mode::Full => self.binds.push(value),
            Mode::SqlOnly => value.discard(),
            Mode::BindsOnly => {
                self.bind_count += 1;
                self.binds.push(value);
                return;
            }
        }
        self.push_placeholder();
    }

    /// Counts one more bind parameter and writes its placeholder, as the backend
    /// spells it (`?`, `$n`).
    #[inline]
    fn push_placeholder(&mut self) {
        self.bind_count += 1;
        (self.placeholder)(&mut self.sql, self.bind_count);
    }

    /// Whether this walk writes SQL without collecting bind parameters.
    pub(crate) fn is_sql_only(&self) -> bool {
        self.mode == Mode::SqlOnly
    }

    /// Writes `count` placeholders separated by `, `, for bind parameters the backend
    /// is given otherwise (a `sql_only` walk).
    pub(crate) fn push_placeholders(&mut self, count: u32) {
        for i in 0..count {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.push_placeholder();
        }
    }

    /// Records bind parameters whose placeholders are already in the SQL text.
    pub(crate) fn push_raw_binds(&mut self, values: impl Iterator<Item = BindValue<'a>>) {
        let before = self.binds.len();
        self.binds.extend(values);
        self.bind_count += self.binds.len() - before;
    }

    /// The SQL rendered so far.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The bind parameters collected so far.
    pub fn binds(&self) -> &[BindValue<'a>] {
        &self.binds
    }

    pub(crate) fn into_parts(self) -> (String, Vec<BindValue<'a>>) {
        (self.sql, self.binds.into_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_inner_quotes_doubled() {
        let mut out = SqlWriter::new::<crate::backend::sqlite::Sqlite>();
        out.push_identifier("users");
        out.push_sql(".");
        out.push_identifier("we\"ird");
        assert_eq!(out.sql(), r#""users"."we""ird""#);
    }

    #[test]
    fn placeholders_follow_the_dialect() {
        let mut sqlite = SqlWriter::new::<crate::backend::sqlite::Sqlite>();
        let mut pg = SqlWriter::new::<crate::backend::pg::Pg>();
        for out in [&mut sqlite, &mut pg] {
            out.push_bind(BindValue::I32(1));
            out.push_sql(", ");
            out.push_bind(BindValue::Str("a"));
        }
        assert_eq!(sqlite.sql(), "?, ?");
        assert_eq!(pg.sql(), "$1, $2");
        assert_eq!(pg.binds(), &[BindValue::I32(1), BindValue::Str("a")]);
    }
}
