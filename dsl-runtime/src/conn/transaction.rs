//! Transactions: `BEGIN`/`COMMIT`/`ROLLBACK`, with savepoints when nested.

use super::Connection;
use crate::error::Error;
use std::panic::{self, AssertUnwindSafe};

/// Runs `f` inside a transaction (or a savepoint, when one is already open).
pub(super) fn run<C, T, E, F>(conn: &mut C, f: F) -> Result<T, E>
where
    C: Connection,
    F: FnOnce(&mut C) -> Result<T, E>,
    E: From<Error>,
{
    let depth = *conn.transaction_depth();
    let (begin, commit, rollback) = if depth == 0 {
        (
            "BEGIN".to_owned(),
            "COMMIT".to_owned(),
            "ROLLBACK".to_owned(),
        )
    } else {
        let name = format!("quarry_savepoint_{depth}");
        (
            format!("SAVEPOINT {name}"),
            format!("RELEASE SAVEPOINT {name}"),
            format!("ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}"),
        )
    };
    conn.batch_execute(&begin)?;
    *conn.transaction_depth() = depth + 1;

    let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(conn)));
    *conn.transaction_depth() = depth;
    match outcome {
        Ok(Ok(value)) => match conn.batch_execute(&commit) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A failed COMMIT (for example a deferred constraint) leaves the
                // transaction open on some databases: close it before reporting.
                let _ = conn.batch_execute(&rollback);
                Err(e.into())
            }
        },
        Ok(Err(e)) => {
            // If the rollback fails too (the database may already have ended the
            // transaction, as SQLite does for `INSERT OR ROLLBACK`), the closure's error
            // is still the one that explains what happened.
            let _ = conn.batch_execute(&rollback);
            Err(e)
        }
        Err(panic) => {
            let _ = conn.batch_execute(&rollback);
            panic::resume_unwind(panic)
        }
    }
}
