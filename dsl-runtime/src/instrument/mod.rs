//! Seeing what a connection sends: a hook called for every statement and transaction
//! ([`Instrumentation`]), a slow-statement threshold, a statement counter for tests
//! ([`QueryCounter`], [`assert_queries!`](crate::assert_queries)), and, with the
//! `tracing` feature, a `tracing` span per statement named with OpenTelemetry's
//! database conventions.
//!
//! Every connection (blocking or async, PostgreSQL or SQLite) is [`Instrumented`], whose
//! methods `quarry::prelude::*` brings into scope:
//!
//! ```
//! use quarry::prelude::*;
//! use quarry::instrument::{Instrumentation, StatementFinished};
//!
//! struct Log(std::sync::Arc<std::sync::Mutex<Vec<String>>>);
//!
//! impl Instrumentation for Log {
//!     fn statement_finished(&mut self, statement: &StatementFinished<'_>) {
//!         self.0.lock().unwrap().push(statement.sql.to_owned());
//!     }
//! }
//!
//! let seen = std::sync::Arc::default();
//! let mut conn = SqliteConnection::establish(":memory:")?;
//! conn.set_instrumentation(Log(std::sync::Arc::clone(&seen)));
//! let n: i64 = quarry::sql_query("SELECT $1 + 1").bind(41_i64).get_result(&mut conn)?;
//! assert_eq!(n, 42);
//! assert_eq!(*seen.lock().unwrap(), ["SELECT $1 + 1"]);
//! # Ok::<(), quarry::Error>(())
//! ```
//!
//! What it costs: a connection with nothing set (no hook, no threshold, no counter, and
//! no `tracing` subscriber that wants quarry's spans) checks one flag per statement.
//! Without the `tracing` feature there is no span code at all.

mod counter;
#[cfg(feature = "tracing")]
mod span;

pub use counter::{QueryCount, QueryCounter};

use crate::error::Error;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Callbacks for what a connection does: the place for logging, metrics and
/// SQLAlchemy-style events. Every method has an empty default, so an implementation
/// names only those it needs.
///
/// Set one per connection with [`Instrumented::set_instrumentation`]. It is called on
/// the thread that runs the statement (an `AsyncSqliteConnection`'s worker thread,
/// hence `Send`), after the statement's work and before its result is handed back, so
/// that by the time a call returns its events have been delivered.
///
/// Transaction control (`BEGIN`, `COMMIT`, `SAVEPOINT`, …) is reported through
/// [`transaction`](Self::transaction) only, not as statements.
///
/// A callback that panics unwinds out of the call that ran the statement (on an
/// `AsyncSqliteConnection`, it ends the worker thread, and the connection reports
/// itself lost from then on).
pub trait Instrumentation: Send + 'static {
    /// A statement is about to be sent.
    fn statement_started(&mut self, statement: &StatementStarted<'_>) {
        let _ = statement;
    }

    /// A statement has finished, well or not.
    fn statement_finished(&mut self, statement: &StatementFinished<'_>) {
        let _ = statement;
    }

    /// A transaction or savepoint began, was committed or was rolled back.
    fn transaction(&mut self, event: &TransactionEvent) {
        let _ = event;
    }

    /// How long a statement may take before [`slow_statement`](Self::slow_statement)
    /// is called for it, when the connection has no threshold of its own
    /// ([`Instrumented::set_slow_query_threshold`]). `None` (the default): none.
    fn slow_query_threshold(&self) -> Option<Duration> {
        None
    }

    /// A statement took at least the slow-query threshold. Called once for it, after
    /// [`statement_finished`](Self::statement_finished).
    fn slow_statement(&mut self, statement: &StatementFinished<'_>) {
        let _ = statement;
    }
}

/// A statement about to be sent, for [`Instrumentation::statement_started`].
#[derive(Debug)]
#[non_exhaustive]
pub struct StatementStarted<'a> {
    /// The SQL text, with placeholders (`$1`, `?`) where the values go: bind values are
    /// never part of it.
    pub sql: &'a str,
    /// The database: `"postgresql"` or `"sqlite"` (OpenTelemetry's `db.system.name`).
    pub system: &'static str,
}

/// A statement that has finished, for [`Instrumentation::statement_finished`].
#[derive(Debug)]
#[non_exhaustive]
pub struct StatementFinished<'a> {
    /// The SQL text, with placeholders: bind values are never part of it.
    pub sql: &'a str,
    /// The database: `"postgresql"` or `"sqlite"`.
    pub system: &'static str,
    /// How long the statement took, from sending it to its last row.
    pub duration: Duration,
    /// The rows it returned (a query, a write with `RETURNING`) or changed (a write);
    /// `None` for a script ([`batch_execute`](crate::conn::Connection::batch_execute)),
    /// for a statement that failed, and for a stream, whose rows are read later (the
    /// event then marks the stream's start; `AsyncSqliteConnection`'s worker reads a
    /// stream's rows as it runs it, and reports them with the time it took).
    pub rows: Option<u64>,
    /// Why it failed.
    pub error: Option<&'a Error>,
}

/// A transaction event, for [`Instrumentation::transaction`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransactionEvent {
    /// What happened.
    pub kind: TransactionEventKind,
    /// The level it happened to: 1 for the transaction, 2 for a savepoint inside it,
    /// and so on.
    pub depth: u32,
}

impl TransactionEvent {
    /// Whether the level is a savepoint (a transaction inside a transaction).
    pub fn is_savepoint(&self) -> bool {
        self.depth > 1
    }
}

/// What happened to a transaction or savepoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransactionEventKind {
    /// It began (`BEGIN`, `SAVEPOINT`).
    Begin,
    /// It was committed (`COMMIT`, `RELEASE SAVEPOINT`).
    Commit,
    /// It was rolled back (`ROLLBACK`, `ROLLBACK TO SAVEPOINT`), because its code failed
    /// or because the database had already ended it.
    Rollback,
}

/// A connection whose statements can be watched: every connection type.
pub trait Instrumented {
    /// The connection's instrumentation state.
    #[doc(hidden)]
    fn instruments(&self) -> &Arc<Instruments>;

    /// Sets the hook that sees every statement and transaction of the connection,
    /// replacing the one set before.
    fn set_instrumentation(&mut self, hook: impl Instrumentation)
    where
        Self: Sized,
    {
        self.instruments()
            .update(|state| state.hook = Some(Box::new(hook)));
    }

    /// Removes the hook and returns it.
    fn take_instrumentation(&mut self) -> Option<Box<dyn Instrumentation>> {
        let mut taken = None;
        self.instruments().update(|state| taken = state.hook.take());
        taken
    }

    /// Sets how long a statement may take before it is reported as slow, once: with the
    /// `tracing` feature, as a WARN event of target `quarry::slow_query` (its fields:
    /// `db.system.name`, `db.query.text`, `duration_ms`); and to the hook's
    /// [`slow_statement`](Instrumentation::slow_statement). `None` (the default) falls
    /// back to the hook's [`slow_query_threshold`](Instrumentation::slow_query_threshold).
    fn set_slow_query_threshold(&mut self, threshold: Option<Duration>) {
        self.instruments().update(|state| state.slow = threshold);
    }

    /// Starts counting the statements the connection sends, until the counter is
    /// stopped or dropped (see [`QueryCounter`]).
    fn count_queries(&mut self) -> QueryCounter {
        QueryCounter::start(self.instruments())
    }
}

impl<T: Instrumented + ?Sized> Instrumented for &mut T {
    fn instruments(&self) -> &Arc<Instruments> {
        (**self).instruments()
    }
}

/// What a connection keeps for its instrumentation, shared with the thread or future
/// that runs its statements (an async connection's).
#[doc(hidden)]
pub struct Instruments {
    /// Whether anything is set: the one check a statement makes when nothing is.
    active: AtomicBool,
    system: &'static str,
    state: Mutex<State>,
}

impl std::fmt::Debug for Instruments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instruments")
            .field("system", &self.system)
            .field("active", &self.active.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
pub(crate) struct State {
    hook: Option<Box<dyn Instrumentation>>,
    slow: Option<Duration>,
    counters: Vec<Arc<counter::Shared>>,
    /// Set while a transaction's own statements run: they are reported as transaction
    /// events, not as statements.
    in_transaction_control: bool,
}

impl State {
    fn is_active(&self) -> bool {
        self.hook.is_some() || self.slow.is_some() || !self.counters.is_empty()
    }
}

/// A statement being watched: what [`Instruments::start`] gives and
/// [`Instruments::finish`] takes.
pub(crate) struct Probe {
    start: Instant,
    /// Whether the hook and the counters take part (not for transaction control).
    hooked: bool,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl Instruments {
    /// The state of a new connection to `system` (`"postgresql"`, `"sqlite"`).
    pub(crate) fn new(system: &'static str) -> Arc<Self> {
        Arc::new(Instruments {
            active: AtomicBool::new(false),
            system,
            state: Mutex::new(State::default()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A hook that panicked leaves the state as it was: go on with it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes the state, keeping the `active` flag in step.
    pub(crate) fn update(&self, change: impl FnOnce(&mut State)) {
        let mut state = self.lock();
        change(&mut state);
        self.active.store(state.is_active(), Ordering::Release);
    }

    /// Called before a statement is sent: `None`, at the cost of one check, when
    /// nothing watches the connection.
    #[inline]
    pub(crate) fn start(&self, sql: &str) -> Option<Probe> {
        if !self.watching() {
            return None;
        }
        self.start_watched(sql, self.active.load(Ordering::Acquire))
    }

    /// Whether anything may watch the next statement: a hook, a threshold, a counter,
    /// or a `tracing` subscriber.
    #[inline]
    pub(crate) fn watching(&self) -> bool {
        let active = self.active.load(Ordering::Relaxed);
        #[cfg(feature = "tracing")]
        return active || span::maybe_enabled();
        #[cfg(not(feature = "tracing"))]
        active
    }

    #[cold]
    #[inline(never)]
    fn start_watched(&self, sql: &str, active: bool) -> Option<Probe> {
        #[cfg(feature = "tracing")]
        let span = span::statement(self.system, sql);
        #[cfg(feature = "tracing")]
        if !active && span.is_disabled() {
            return None;
        }
        let mut hooked = false;
        if active {
            let mut state = self.lock();
            if !state.in_transaction_control {
                hooked = true;
                for counter in &state.counters {
                    counter.record(sql);
                }
                if let Some(hook) = state.hook.as_mut() {
                    hook.statement_started(&StatementStarted {
                        sql,
                        system: self.system,
                    });
                }
            }
        }
        Some(Probe {
            start: Instant::now(),
            hooked,
            #[cfg(feature = "tracing")]
            span,
        })
    }

    /// Called when the statement [`start`](Self::start) watched has finished, with the
    /// rows it returned or changed (`None` when unknown), or its error.
    #[cold]
    #[inline(never)]
    pub(crate) fn finish(&self, probe: Probe, sql: &str, outcome: Result<Option<u64>, &Error>) {
        let duration = probe.start.elapsed();
        #[cfg(feature = "tracing")]
        span::finish(&probe.span, outcome);
        let (rows, error) = match outcome {
            Ok(rows) => (rows, None),
            Err(e) => (None, Some(e)),
        };
        let finished = StatementFinished {
            sql,
            system: self.system,
            duration,
            rows,
            error,
        };
        let mut state = self.lock();
        let threshold = state
            .slow
            .or_else(|| state.hook.as_ref().and_then(|h| h.slow_query_threshold()));
        let slow = threshold.is_some_and(|t| duration >= t);
        #[cfg(feature = "tracing")]
        if slow {
            span::slow(self.system, sql, duration);
        }
        if !probe.hooked {
            return;
        }
        if let Some(hook) = state.hook.as_mut() {
            hook.statement_finished(&finished);
            if slow {
                hook.slow_statement(&finished);
            }
        }
    }

    /// Reports a transaction event to the hook.
    pub(crate) fn transaction(&self, kind: TransactionEventKind, depth: u32) {
        if !self.active.load(Ordering::Acquire) {
            return;
        }
        if let Some(hook) = self.lock().hook.as_mut() {
            hook.transaction(&TransactionEvent { kind, depth });
        }
    }

    /// Marks the statements run until the guard is dropped as a transaction's own.
    pub(crate) fn transaction_control(self: &Arc<Self>) -> ControlGuard {
        if self.active.load(Ordering::Acquire) {
            self.lock().in_transaction_control = true;
            ControlGuard(Some(Arc::clone(self)))
        } else {
            ControlGuard(None)
        }
    }

    /// Adds a counter.
    fn add_counter(&self, counter: Arc<counter::Shared>) {
        self.update(|state| state.counters.push(counter));
    }

    /// Removes a counter.
    fn remove_counter(&self, counter: &Arc<counter::Shared>) {
        self.update(|state| state.counters.retain(|c| !Arc::ptr_eq(c, counter)));
    }
}

/// See [`Instruments::transaction_control`].
pub(crate) struct ControlGuard(Option<Arc<Instruments>>);

impl Drop for ControlGuard {
    fn drop(&mut self) {
        if let Some(instruments) = &self.0 {
            instruments.lock().in_transaction_control = false;
        }
    }
}

/// The rows of an outcome, for [`Instruments::finish`].
pub(crate) fn rows_of<T>(
    result: &Result<T, Error>,
    rows: impl FnOnce(&T) -> u64,
) -> Result<Option<u64>, &Error> {
    match result {
        Ok(value) => Ok(Some(rows(value))),
        Err(e) => Err(e),
    }
}
