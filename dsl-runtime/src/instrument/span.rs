//! The `tracing` span of a statement, with OpenTelemetry's names for database
//! attributes, and the event of a slow one.

use crate::error::Error;
use std::time::Duration;
use tracing::field::Empty;

/// Whether some subscriber may want quarry's spans: the global level filter, a load
/// of one static when no subscriber is set.
#[inline]
pub(super) fn maybe_enabled() -> bool {
    tracing::level_enabled!(tracing::Level::INFO)
}

/// The span of a statement about to run: disabled when no subscriber wants it, and
/// then its fields are not even computed.
pub(super) fn statement(system: &'static str, sql: &str) -> tracing::Span {
    tracing::info_span!(
        target: "quarry::query",
        "query",
        otel.name = operation_name(sql),
        otel.kind = "client",
        db.system.name = system,
        db.operation.name = operation_name(sql),
        db.query.text = sql,
        db.response.returned_rows = Empty,
        error.type = Empty,
        error.message = Empty,
        otel.status_code = Empty,
    )
}

/// Records how the statement ended.
pub(super) fn finish(span: &tracing::Span, outcome: Result<Option<u64>, &Error>) {
    if span.is_disabled() {
        return;
    }
    match outcome {
        Ok(Some(rows)) => {
            span.record("db.response.returned_rows", rows);
        }
        Ok(None) => {}
        Err(e) => {
            let kind = match e {
                Error::Database(db) => db.sqlstate.as_deref().unwrap_or("database").to_owned(),
                Error::Connection(_) => "connection".to_owned(),
                _ => "quarry".to_owned(),
            };
            span.record("error.type", kind.as_str());
            span.record("error.message", tracing::field::display(e));
            span.record("otel.status_code", "ERROR");
        }
    }
}

/// The WARN event of a slow statement.
pub(super) fn slow(system: &'static str, sql: &str, duration: Duration) {
    tracing::event!(
        target: "quarry::slow_query",
        tracing::Level::WARN,
        db.system.name = system,
        db.query.text = sql,
        duration_ms = duration.as_secs_f64() * 1000.0,
        "slow statement"
    );
}

/// The statement's first keyword, upper-cased (`SELECT`, `INSERT`, `WITH`, …), or
/// `"QUERY"` when it has none.
pub(crate) fn operation_name(sql: &str) -> &'static str {
    let word = sql
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    const KNOWN: &[&str] = &[
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "WITH",
        "VALUES",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "SAVEPOINT",
        "RELEASE",
        "CREATE",
        "DROP",
        "ALTER",
        "SET",
        "COPY",
        "PRAGMA",
        "EXPLAIN",
        "TRUNCATE",
        "LOCK",
        "SHOW",
        "DEALLOCATE",
        "DISCARD",
        "REPLACE",
        "ANALYZE",
        "VACUUM",
    ];
    KNOWN
        .iter()
        .find(|known| known.eq_ignore_ascii_case(word))
        .copied()
        .unwrap_or("QUERY")
}

#[cfg(test)]
mod tests {
    use super::operation_name;

    #[test]
    fn the_operation_is_the_first_keyword() {
        assert_eq!(operation_name("SELECT 1"), "SELECT");
        assert_eq!(operation_name("  insert into t values (1)"), "INSERT");
        assert_eq!(operation_name("(SELECT 1) UNION (SELECT 2)"), "SELECT");
        assert_eq!(
            operation_name("WITH x AS (SELECT 1) SELECT * FROM x"),
            "WITH"
        );
        assert_eq!(operation_name("frobnicate"), "QUERY");
        assert_eq!(operation_name(""), "QUERY");
    }
}
