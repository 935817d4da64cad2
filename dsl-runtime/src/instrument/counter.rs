//! Counting the statements a connection sends, for tests that pin how many queries a
//! piece of code makes (the N+1 problem): [`QueryCounter`] and
//! [`assert_queries!`](crate::assert_queries).

use super::Instruments;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Counts the statements a connection sends from [`Instrumented::count_queries`] until
/// [`stop`](Self::stop) (or until it is dropped), keeping their SQL text.
///
/// It does not borrow the connection, so the connection goes on being used while it
/// counts. What it counts: every statement sent to the database, failed ones included,
/// each chunk of a batch insert, each script of `batch_execute`; not the statements
/// that open and close transactions and savepoints, nor a statement's preparation.
///
/// ```
/// use quarry::prelude::*;
///
/// let mut conn = SqliteConnection::establish(":memory:")?;
/// let counter = conn.count_queries();
/// conn.batch_execute("CREATE TABLE t (x INTEGER)")?;
/// quarry::sql_query("INSERT INTO t VALUES (1)").execute(&mut conn)?;
/// let count = counter.stop();
/// assert_eq!(count.len(), 2);
/// assert_eq!(count.statements()[1], "INSERT INTO t VALUES (1)");
/// # Ok::<(), quarry::Error>(())
/// ```
///
/// [`Instrumented::count_queries`]: super::Instrumented::count_queries
#[must_use = "a counter counts until it is stopped or dropped"]
#[derive(Debug)]
pub struct QueryCounter {
    shared: Arc<Shared>,
    instruments: Arc<Instruments>,
}

/// What a counter and the connection share: the statements seen so far.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    statements: Mutex<Vec<String>>,
}

impl Shared {
    pub(crate) fn record(&self, sql: &str) {
        self.lock().push(sql.to_owned());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.statements
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl QueryCounter {
    pub(crate) fn start(instruments: &Arc<Instruments>) -> Self {
        let shared = Arc::new(Shared::default());
        instruments.add_counter(Arc::clone(&shared));
        QueryCounter {
            shared,
            instruments: Arc::clone(instruments),
        }
    }

    /// How many statements were sent so far.
    pub fn count(&self) -> usize {
        self.shared.lock().len()
    }

    /// Stops counting and returns what was counted.
    pub fn stop(self) -> QueryCount {
        self.instruments.remove_counter(&self.shared);
        QueryCount {
            statements: std::mem::take(&mut *self.shared.lock()),
        }
    }
}

impl Drop for QueryCounter {
    fn drop(&mut self) {
        self.instruments.remove_counter(&self.shared);
    }
}

/// The statements a [`QueryCounter`] counted, in the order they were sent. Its
/// `Display` lists them, one a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryCount {
    statements: Vec<String>,
}

impl QueryCount {
    /// How many statements were sent.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Their SQL text, with placeholders.
    pub fn statements(&self) -> &[String] {
        &self.statements
    }

    /// The different SQL texts among them, in the order each was first sent: how many
    /// statements a piece of code prepares, whatever the number of times it runs them.
    ///
    /// ```
    /// use quarry::prelude::*;
    ///
    /// let mut conn = SqliteConnection::establish(":memory:")?;
    /// let counter = conn.count_queries();
    /// for n in 1..=3_i64 {
    ///     let _: i64 = quarry::sql_query("SELECT $1").bind(n).get_result(&mut conn)?;
    /// }
    /// quarry::sql_query("SELECT 0").execute(&mut conn)?;
    /// let count = counter.stop();
    /// assert_eq!(count.len(), 4);
    /// assert_eq!(count.distinct_statements(), ["SELECT $1", "SELECT 0"]);
    /// # Ok::<(), quarry::Error>(())
    /// ```
    pub fn distinct_statements(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.statements
            .iter()
            .map(String::as_str)
            .filter(|sql| seen.insert(*sql))
            .collect()
    }
}

impl fmt::Display for QueryCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.statements.is_empty() {
            return f.write_str("(no statement)");
        }
        for (i, sql) in self.statements.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{:>3}. {sql}", i + 1)?;
        }
        Ok(())
    }
}

/// Asserts that a block of code sends exactly `n` statements on a connection, and
/// lists the statements it sent when it does not: the test that catches an N+1 query.
///
/// `assert_queries!(conn, n, { … })` evaluates to the block's value. The block uses the
/// connection as usual; on an async connection it awaits inside the block (the macro is
/// then used inside an `async fn`). What counts is what [`QueryCounter`] counts.
///
/// ```
/// use quarry::prelude::*;
///
/// let mut conn = SqliteConnection::establish(":memory:")?;
/// conn.batch_execute("CREATE TABLE t (x INTEGER)")?;
/// let total: i64 = quarry::assert_queries!(conn, 2, {
///     quarry::sql_query("INSERT INTO t VALUES (1), (2)").execute(&mut conn)?;
///     quarry::sql_query("SELECT SUM(x) FROM t").get_result(&mut conn)?
/// });
/// assert_eq!(total, 3);
/// # Ok::<(), quarry::Error>(())
/// ```
///
/// On an async connection the block awaits as usual: `assert_queries!(conn, 1, {
/// query.load(&mut conn).await? })`.
///
/// A `?` that leaves the block returns from the function before the count is checked.
#[macro_export]
macro_rules! assert_queries {
    ($conn:expr, $n:expr, $body:block) => {{
        let __quarry_counter = {
            use $crate::instrument::Instrumented as _;
            ($conn).count_queries()
        };
        let __quarry_value = $body;
        let __quarry_count = __quarry_counter.stop();
        let __quarry_expected: usize = $n;
        if __quarry_count.len() != __quarry_expected {
            ::std::panic!(
                "expected {} statement(s), but {} were sent:\n{}",
                __quarry_expected,
                __quarry_count.len(),
                __quarry_count,
            );
        }
        __quarry_value
    }};
}
