//! `insert_into(…).values(…)`: the insert statement, its `RETURNING` clause, and how it
//! runs: one statement per chunk of rows under the backend's bind limit.
use super::*;

// ---------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------

/// `insert_into(table)`: waits for [`values`](IncompleteInsert::values) or
/// [`default_values`](IncompleteInsert::default_values).
#[derive(Debug, Clone, Copy)]
#[must_use = "an insert does nothing until it is given values and run"]
pub struct IncompleteInsert<T> {
    table: T,
}

/// Starts an `INSERT INTO table`.
///
/// ```
/// # use quarry::prelude::*;
/// quarry::table! { users (id) { id -> Int4 = default, name -> Text, age -> Int4 } }
/// let mut conn = SqliteConnection::establish(":memory:")?;
/// conn.batch_execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL)")?;
/// let id: i32 = quarry::insert_into(users::table)
///     .values((users::name.eq("Ada"), users::age.eq(36)))
///     .returning(users::id)
///     .get_result(&mut conn)?;
/// assert_eq!(id, 1);
/// # Ok::<(), quarry::Error>(())
/// ```
pub fn insert_into<T: Table>(table: T) -> IncompleteInsert<T> {
    IncompleteInsert { table }
}

impl<T: Table> IncompleteInsert<T> {
    /// The values to insert. Every NOT NULL column without `= default` must be given a
    /// value, or the insert does not compile.
    pub fn values<V, I>(self, values: V) -> InsertStatement<T, V>
    where
        V: InsertValues<T>,
        T: CompleteInsert<V::Columns, I>,
    {
        InsertStatement {
            table: self.table,
            values,
            conflict: NoConflict,
            returning: NoReturning,
        }
    }

    /// `INSERT INTO table DEFAULT VALUES`: compiles only when every column is nullable
    /// or has a default.
    pub fn default_values<I>(self) -> InsertStatement<T, DefaultValues>
    where
        T: CompleteInsert<(), I>,
    {
        InsertStatement {
            table: self.table,
            values: DefaultValues,
            conflict: NoConflict,
            returning: NoReturning,
        }
    }
}

/// An `INSERT` statement; run it with `execute`, or `get_result(s)` for the rows it
/// returns.
#[derive(Debug, Clone)]
#[must_use = "an insert does nothing until it is run with `execute` or `get_result`"]
pub struct InsertStatement<T, V, C = NoConflict, R = NoReturning> {
    pub(super) table: T,
    pub(super) values: V,
    pub(super) conflict: C,
    pub(super) returning: R,
}

/// No `RETURNING` clause.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReturning;

/// `RETURNING items`; `R` decodes the rows.
#[derive(Debug, Clone, Copy)]
pub struct Returning<S, R> {
    items: S,
    _row: PhantomData<R>,
}

/// What a statement returns from `get_result(s)`: its `RETURNING` list, or every column
/// of its table when it has none.
pub trait ReturningClause<T, DB> {
    /// Decodes the returned rows.
    type Row: DecodeRow;
    /// Writes ` RETURNING …`, for `get_result(s)`.
    fn walk_returning<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// Writes ` RETURNING …` only if the statement has an explicit `returning(…)`, for
    /// `execute` and `debug_query`.
    fn walk_explicit<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<T: Table, DB> ReturningClause<T, DB> for NoReturning
where
    T::AllColumns: DecodeRow,
{
    type Row = T::AllColumns;
    fn walk_returning<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" RETURNING ");
        out.push_sql(T::ALL_COLUMNS_SQL);
    }
    fn walk_explicit<'a>(&'a self, _out: &mut SqlWriter<'a>) {}
}

impl<T, S: QueryFragment<DB>, R: DecodeRow, DB: Backend> ReturningClause<T, DB>
    for Returning<S, R>
{
    type Row = R;
    fn walk_returning<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.push_sql(" RETURNING ");
        self.items.walk(out);
    }
    fn walk_explicit<'a>(&'a self, out: &mut SqlWriter<'a>) {
        <Self as ReturningClause<T, DB>>::walk_returning(self, out);
    }
}

pub(super) fn returning<T: Table, S, I>(items: S) -> Returning<S, S::Row>
where
    S: SelectList<Single<T>, I>,
{
    Returning {
        items,
        _row: PhantomData,
    }
}

impl<T: Table, V, R> InsertStatement<T, V, NoConflict, R> {
    pub(super) fn with_conflict<C>(self, conflict: C) -> InsertStatement<T, V, C, R> {
        InsertStatement {
            table: self.table,
            values: self.values,
            conflict,
            returning: self.returning,
        }
    }

    /// `ON CONFLICT DO NOTHING`: rows that would violate any unique index are skipped.
    pub fn on_conflict_do_nothing(
        self,
    ) -> InsertStatement<T, V, OnConflict<AnyConflict, DoNothing>, R> {
        self.with_conflict(OnConflict {
            _target: PhantomData,
            action: DoNothing,
        })
    }

    /// `ON CONFLICT (target)`: what to do when a row would violate the unique index on
    /// `target` (a column of the table, or a tuple of them). Follow with
    /// [`do_nothing`](OnConflictBuilder::do_nothing) or
    /// [`do_update`](OnConflictBuilder::do_update).
    pub fn on_conflict<K: ConflictTarget<T>>(self, _target: K) -> OnConflictBuilder<T, V, K, R> {
        OnConflictBuilder {
            statement: self,
            _target: PhantomData,
        }
    }
}

impl<T: Table, V, C> InsertStatement<T, V, C, NoReturning> {
    /// `RETURNING items`: what `get_result(s)` returns, checked like a `select` list.
    /// Without it, `get_result(s)` returns every column.
    pub fn returning<S, I>(self, items: S) -> InsertStatement<T, V, C, Returning<S, S::Row>>
    where
        S: SelectList<Single<T>, I>,
    {
        InsertStatement {
            table: self.table,
            values: self.values,
            conflict: self.conflict,
            returning: returning::<T, S, I>(items),
        }
    }
}

impl<T: Table, V, C, R> InsertStatement<T, V, C, R>
where
    V: InsertValues<T>,
{
    /// Renders the statement for rows `rows`, with or without its RETURNING clause.
    /// `out` is cleared first: one writer serves every statement of a batch, so its
    /// buffers are allocated once.
    fn render_rows<'a, DB: Backend>(
        &'a self,
        rows: std::ops::Range<usize>,
        returning: bool,
        out: &mut SqlWriter<'a>,
    ) where
        V: InsertRows<DB>,
        C: ConflictClause<DB>,
        R: ReturningClause<T, DB>,
    {
        out.push_sql("INSERT INTO ");
        out.push_sql(T::QUOTED);
        // Every row of a chunk leaves out the same columns.
        let omitted = self.values.omitted(rows.start);
        if omitted == all_columns(V::COLUMN_COUNT) {
            // One row per chunk (see `chunks`).
            out.push_sql(" DEFAULT VALUES");
        } else {
            out.push_sql(" (");
            V::walk_columns(omitted, out);
            out.push_sql(") VALUES ");
            let mut separator = Separator::default();
            let count = rows.len();
            // Rows whose values are all bind parameters are one placeholder per column
            // written; when the backend is given the values otherwise, they need no walk.
            let placeholders = (V::BINDS_ROWS && out.is_sql_only())
                .then(|| (all_columns(V::COLUMN_COUNT) & !omitted).count_ones());
            for (n, row) in rows.enumerate() {
                let (sql_before, binds_before) = (out.sql().len(), out.binds().len());
                separator.next(out);
                out.push_sql("(");
                match placeholders {
                    Some(count) => out.push_placeholders(count),
                    None => self.values.walk_row(row, omitted, out),
                }
                out.push_sql(")");
                if n == 0 && count > 1 {
                    // The other rows are about the size of the first.
                    let more = count - 1;
                    let sql = (out.sql().len() - sql_before + 2) * more + 64;
                    out.reserve(sql, (out.binds().len() - binds_before) * more);
                }
            }
        }
        self.conflict.walk_conflict(out);
        if returning {
            self.returning.walk_returning(out);
        } else {
            self.returning.walk_explicit(out);
        }
    }

    /// Refuses an upsert with `DO UPDATE` whose rows repeat the values of its conflict
    /// target. PostgreSQL refuses to update a row twice in one statement, while SQLite
    /// lets the later row update the earlier one, and which of the two happens would
    /// otherwise depend on whether the rows fall in the same chunk. Rows are compared by
    /// the values they give (text as sent, a SQL expression by its SQL and values); a
    /// row whose key holds a NULL, or leaves a key column to its default, repeats none.
    fn refuse_repeated_update_keys<DB: Backend>(&self) -> QueryResult<()>
    where
        V: InsertRows<DB>,
        C: ConflictClause<DB>,
    {
        let rows = self.values.row_count();
        if rows < 2 {
            return Ok(());
        }
        let Some(target) = C::update_target() else {
            return Ok(());
        };
        // A target column the values do not give takes its default in every row.
        let Some(positions) = target
            .iter()
            .map(|name| V::Columns::position(name))
            .collect::<Option<Vec<u32>>>()
        else {
            return Ok(());
        };
        let mut seen = std::collections::HashMap::with_capacity(rows);
        let mut value = SqlWriter::new::<DB>();
        'rows: for row in 0..rows {
            let omitted = self.values.omitted(row);
            let mut key = Vec::new();
            for &column in &positions {
                value.clear();
                self.values.walk_value(row, omitted, column, &mut value);
                let lone_null =
                    matches!(value.binds(), [BindValue::Null]) && matches!(value.sql(), "?" | "$1");
                if value.sql().is_empty() || lone_null {
                    continue 'rows;
                }
                push_key(value.sql(), value.binds(), &mut key);
            }
            if let Some(first) = seen.insert(key, row) {
                let columns: Vec<String> = target.iter().map(|c| format!("`{c}`")).collect();
                return Err(Error::InvalidQuery(format!(
                    "the rows at index {first} and {row} of this upsert into `{table}` have \
                     the same {columns} (its conflict target); ON CONFLICT DO UPDATE cannot \
                     change a row twice in one statement, so give each key once (merge the \
                     rows first), or use `do_nothing()`",
                    table = T::NAME,
                    columns = columns.join(", "),
                )));
            }
        }
        Ok(())
    }

    /// Splits the rows into statements: runs of rows that leave out the same columns,
    /// each under the backend's bind limit. Rows that leave out every column are
    /// `DEFAULT VALUES`, one per statement.
    fn chunks<DB: Backend>(&self) -> Vec<std::ops::Range<usize>>
    where
        V: InsertRows<DB>,
    {
        let rows = self.values.row_count();
        let all = all_columns(V::COLUMN_COUNT);
        let mut chunks = Vec::new();
        let mut start = 0;
        while start < rows {
            let omitted = self.values.omitted(start);
            let max_rows = if omitted == all {
                1
            } else {
                let mut probe = SqlWriter::new::<DB>();
                self.values.walk_row(start, omitted, &mut probe);
                // Leave room for binds in an ON CONFLICT or RETURNING clause.
                ((DB::BIND_LIMIT - 256) / probe.binds().len().max(1)).max(1)
            };
            let mut end = start + 1;
            while end < rows && end - start < max_rows && self.values.omitted(end) == omitted {
                end += 1;
            }
            chunks.push(start..end);
            start = end;
        }
        chunks
    }
}

/// How an insert runs: one statement per chunk of its rows (see
/// [`InsertStatement::chunks`]), all in one transaction when there are several.
///
/// The SQL of a chunk depends only on its row count and the columns its rows leave out:
/// when those are the previous chunk's, its SQL is kept, and only the bind parameters
/// (if collected) are walked again.
#[doc(hidden)]
pub struct InsertPlan<'a, T: Table, V, C, R, DB> {
    insert: &'a InsertStatement<T, V, C, R>,
    chunks: Vec<std::ops::Range<usize>>,
    /// Whether the statements return the inserted rows.
    returning: bool,
    /// Whether the writer collects the bind parameters; without, the connection is
    /// given them by [`ChunkValues`], row by row as it binds them.
    collect: bool,
    /// The row count and omitted columns of the SQL the writer holds.
    shape: Option<(usize, u64)>,
    _backend: PhantomData<DB>,
}

impl<'a, T: Table, V, C, R, DB: Backend> Plan<'a, DB> for InsertPlan<'a, T, V, C, R, DB>
where
    V: InsertValues<T> + InsertRows<DB>,
    C: ConflictClause<DB>,
    R: ReturningClause<T, DB>,
{
    type Given = ChunkValues<'a, T, V, C, R, DB>;

    fn statements(&self) -> usize {
        self.chunks.len()
    }

    fn write(&mut self, index: usize, out: &mut SqlWriter<'a>) -> QueryResult<Option<Self::Given>> {
        let insert: &'a InsertStatement<T, V, C, R> = self.insert;
        let Some(chunk) = self.chunks.get(index).cloned() else {
            return Err(Error::InvalidQuery(format!(
                "an insert of {} statements has no statement {index}",
                self.chunks.len()
            )));
        };
        let omitted = insert.values.omitted(chunk.start);
        let this = Some((chunk.len(), omitted));
        if self.shape != this {
            if self.collect {
                out.clear();
            } else {
                out.sql_only();
            }
            insert.render_rows::<DB>(chunk.clone(), self.returning, out);
            self.shape = this;
        } else if self.collect {
            out.rebind();
            insert.render_rows::<DB>(chunk.clone(), self.returning, out);
        }
        #[cfg(debug_assertions)]
        {
            let mut fresh = SqlWriter::new::<DB>();
            insert.render_rows::<DB>(chunk.clone(), self.returning, &mut fresh);
            debug_assert_eq!(fresh.sql(), out.sql(), "a kept chunk SQL differs");
        }
        Ok((!self.collect).then_some(ChunkValues {
            insert,
            rows: chunk,
            omitted,
            _backend: PhantomData,
        }))
    }
}

impl<T: Table, V, C, R, DB: Backend> Runnable<DB> for InsertStatement<T, V, C, R>
where
    V: InsertValues<T> + InsertRows<DB>,
    C: ConflictClause<DB>,
    R: ReturningClause<T, DB>,
{
    type Returned = R::Row;
    type Plan<'a>
        = InsertPlan<'a, T, V, C, R, DB>
    where
        Self: 'a;

    fn plan(&self, returning: bool) -> QueryResult<Self::Plan<'_>> {
        self.refuse_repeated_update_keys::<DB>()?;
        Ok(InsertPlan {
            insert: self,
            chunks: self.chunks::<DB>(),
            returning,
            // Rows whose values are all bind parameters go to the connection as it binds
            // them, rather than through a list built first; returned rows come back
            // through the query path, which reads a list.
            collect: returning || !V::BINDS_ROWS,
            shape: None,
            _backend: PhantomData,
        })
    }
}

impl<T: Table, V, C, R> ExecuteDsl for InsertStatement<T, V, C, R> {}

/// The bind parameters of one chunk of a multi-row insert, in the order of the
/// placeholders `render_rows` writes: the rows', then those of its `ON CONFLICT` and
/// `RETURNING` clauses.
#[doc(hidden)]
pub struct ChunkValues<'a, T: Table, V, C, R, DB> {
    insert: &'a InsertStatement<T, V, C, R>,
    rows: std::ops::Range<usize>,
    omitted: u64,
    _backend: PhantomData<DB>,
}

impl<'a, T: Table, V, C, R, DB: Backend> BindSource<'a> for ChunkValues<'a, T, V, C, R, DB>
where
    V: InsertValues<T> + InsertRows<DB>,
    C: ConflictClause<DB>,
    R: ReturningClause<T, DB>,
{
    fn give<S: BindSink<'a>>(&self, sink: &mut S) {
        let insert: &'a InsertStatement<T, V, C, R> = self.insert;
        // Rows that leave out every column are `DEFAULT VALUES`, with no parameters.
        if self.omitted != all_columns(V::COLUMN_COUNT) {
            for row in self.rows.clone() {
                insert.values.bind_row(row, self.omitted, sink);
            }
        }
        let mut tail = SqlWriter::binds_only::<DB>();
        insert.conflict.walk_conflict(&mut tail);
        insert.returning.walk_explicit(&mut tail);
        for value in tail.into_parts().1 {
            sink.bind(value);
        }
    }

    fn size_hint(&self) -> usize {
        let per_row = (all_columns(V::COLUMN_COUNT) & !self.omitted).count_ones();
        self.rows.len() * per_row as usize
    }
}

/// The first statement the insert sends, as [`debug_query`](crate::debug_query) shows
/// it: all its rows, unless they need more than one statement (more bind parameters
/// than the backend takes, or rows that leave out different columns). An insert of no
/// rows sends nothing, and shows as empty SQL.
impl<T: Table, V, C, R, DB: Backend> QueryFragment<DB> for InsertStatement<T, V, C, R>
where
    V: InsertValues<T> + InsertRows<DB>,
    C: ConflictClause<DB>,
    R: ReturningClause<T, DB>,
{
    fn walk<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let Some(first) = self.chunks::<DB>().into_iter().next() else {
            return;
        };
        let mut statement = SqlWriter::new::<DB>();
        self.render_rows::<DB>(first, false, &mut statement);
        out.append(statement);
    }
}

/// Appends to `key` an encoding of one value of a row (its SQL and bind parameters)
/// that equals another's exactly when the two are the same.
fn push_key(sql: &str, binds: &[BindValue<'_>], key: &mut Vec<u8>) {
    fn bytes(tag: u8, data: &[u8], key: &mut Vec<u8>) {
        key.push(tag);
        key.extend_from_slice(&(data.len() as u64).to_le_bytes());
        key.extend_from_slice(data);
    }
    fn value(v: &BindValue<'_>, key: &mut Vec<u8>) {
        match v {
            BindValue::Null => key.push(0),
            BindValue::Boolean(v) => bytes(1, &[u8::from(*v)], key),
            BindValue::I16(v) => bytes(2, &v.to_le_bytes(), key),
            BindValue::I32(v) => bytes(3, &v.to_le_bytes(), key),
            BindValue::I64(v) => bytes(4, &v.to_le_bytes(), key),
            BindValue::F32(v) => bytes(5, &v.to_le_bytes(), key),
            BindValue::F64(v) => bytes(6, &v.to_le_bytes(), key),
            BindValue::Str(v) => bytes(7, v.as_bytes(), key),
            BindValue::Bytes(v) => bytes(8, v, key),
            BindValue::Timestamp(v) => bytes(9, &v.to_le_bytes(), key),
            BindValue::Timestamptz(v) => bytes(10, &v.to_le_bytes(), key),
            BindValue::Date(v) => bytes(11, &v.to_le_bytes(), key),
            BindValue::Time(v) => bytes(12, &v.to_le_bytes(), key),
            BindValue::Uuid(v) => bytes(13, v, key),
            BindValue::Numeric(v) => bytes(14, v.as_bytes(), key),
            BindValue::Json(v) => bytes(15, v.as_bytes(), key),
            BindValue::Jsonb(v) => bytes(16, v.as_bytes(), key),
            BindValue::Array { element, elements } => {
                bytes(17, format!("{element:?}").as_bytes(), key);
                key.extend_from_slice(&(elements.len() as u64).to_le_bytes());
                for e in elements {
                    value(e, key);
                }
            }
        }
    }
    bytes(0xff, sql.as_bytes(), key);
    key.extend_from_slice(&(binds.len() as u64).to_le_bytes());
    for v in binds {
        value(v, key);
    }
}

#[cfg(all(test, feature = "sqlite", feature = "postgres"))]
mod tests {
    use crate::backend::pg::Pg;
    use crate::backend::sqlite::Sqlite;
    use crate::expr::ExpressionMethods;
    use crate::{Error, excluded, insert_into};

    quarry::table! { tags (id) { id -> Int4 = default, code -> Nullable<Text>, label -> Text = default } }

    #[derive(crate::Insertable)]
    #[quarry(table = tags)]
    struct NewTag<'a> {
        id: Option<i32>,
        code: Option<&'a str>,
        label: &'a str,
    }

    fn reason(result: crate::QueryResult<()>) -> Option<String> {
        match result {
            Ok(()) => None,
            Err(Error::InvalidQuery(reason)) => Some(reason),
            Err(other) => panic!("expected Error::InvalidQuery, got {other:?}"),
        }
    }

    /// Why an upsert of `rows` on `code` is refused, in SQLite's and PostgreSQL's
    /// placeholders.
    macro_rules! repeats {
        ($rows:expr) => {{
            let upsert = insert_into(tags::table)
                .values($rows)
                .on_conflict(tags::code)
                .do_update()
                .set(tags::label.eq(excluded(tags::label)));
            [
                reason(upsert.refuse_repeated_update_keys::<Sqlite>()),
                reason(upsert.refuse_repeated_update_keys::<Pg>()),
            ]
        }};
    }

    #[test]
    fn null_keys_and_keys_left_to_their_default_repeat_nothing() {
        let none: Option<&str> = None;
        let tuples = vec![
            (tags::code.eq(none), tags::label.eq("a")),
            (tags::code.eq(none), tags::label.eq("b")),
        ];
        assert_eq!(repeats!(&tuples), [None, None]);
        let tag = |code, label| NewTag {
            id: None,
            code,
            label,
        };
        let structs = vec![tag(None, "a"), tag(Some("x"), "b"), tag(None, "c")];
        assert_eq!(repeats!(&structs), [None, None]);

        // The same non-NULL key twice is a repeat, in a struct or in a tuple.
        let structs = vec![tag(None, "a"), tag(Some("x"), "b"), tag(Some("x"), "c")];
        let [sqlite, pg] = repeats!(&structs);
        assert!(sqlite.as_deref().is_some_and(|r| r.starts_with(
            "the rows at index 1 and 2 of this upsert into `tags` have the same `code`"
        )));
        assert_eq!(sqlite, pg);
        let tuples = vec![
            (tags::code.eq(Some("y")), tags::label.eq("a")),
            (tags::code.eq(Some("y")), tags::label.eq("b")),
        ];
        assert!(repeats!(&tuples).iter().all(Option::is_some));
    }

    #[test]
    fn a_target_the_values_leave_to_its_default_is_not_compared() {
        let upsert = |rows: &[NewTag<'_>]| {
            insert_into(tags::table)
                .values(rows)
                .on_conflict(tags::id)
                .do_update()
                .set(tags::label.eq(excluded(tags::label)))
                .refuse_repeated_update_keys::<Sqlite>()
                .map_err(|e| e.to_string())
        };
        let tag = |id, label| NewTag {
            id,
            code: None,
            label,
        };
        // `None` leaves `id` to the database: no two such rows are known to repeat.
        assert_eq!(upsert(&[tag(None, "a"), tag(None, "b")]), Ok(()));
        assert!(upsert(&[tag(Some(3), "a"), tag(None, "b"), tag(Some(3), "c")]).is_err());
        // `label` is not among the tuples' columns: every row takes its default, which
        // the database knows and quarry does not.
        let no_label = vec![(tags::code.eq(Some("z")),), (tags::code.eq(Some("z")),)];
        let other_target = insert_into(tags::table)
            .values(&no_label)
            .on_conflict(tags::label)
            .do_update()
            .set(tags::code.eq(excluded(tags::code)))
            .refuse_repeated_update_keys::<Sqlite>();
        assert!(other_target.is_ok());
    }
}
