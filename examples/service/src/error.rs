//! What a request's failure becomes in HTTP: never a 500 that shows the database's
//! message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use quarry::DatabaseErrorKind;
use serde_json::json;

/// Why a request failed.
#[derive(Debug)]
pub enum ApiError {
    /// The row asked for does not exist, or was deleted: 404.
    NotFound(&'static str),
    /// The request's path, query or body is not what the endpoint takes: 422.
    Invalid(String),
    /// The database refused or failed the request: mapped by its kind.
    Db(quarry::Error),
}

impl From<quarry::Error> for ApiError {
    fn from(e: quarry::Error) -> Self {
        ApiError::Db(e)
    }
}

impl quarry::conn::RetryableError for ApiError {
    fn is_retryable(&self) -> bool {
        matches!(self, ApiError::Db(e) if e.is_retryable())
    }
}

fn body(status: StatusCode, value: serde_json::Value) -> Response {
    (status, Json(value)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::NotFound(what) => body(
                StatusCode::NOT_FOUND,
                json!({ "error": "not_found", "message": format!("{what} not found") }),
            ),
            ApiError::Invalid(message) => body(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "error": "invalid", "message": message }),
            ),
            ApiError::Db(e) => db_error(e),
        }
    }
}

/// A database error in HTTP terms: the constraint's name is the API's to show, the
/// database's message is not.
fn db_error(e: quarry::Error) -> Response {
    let e = match e {
        // The statement that failed inside the transaction says what went wrong.
        quarry::Error::TransactionRolledBack {
            cause: Some(cause), ..
        } => *cause,
        e => e,
    };
    match &e {
        quarry::Error::NotFound => {
            return ApiError::NotFound("row").into_response();
        }
        quarry::Error::Database(db) => {
            // SQLite names the columns of a unique index, PostgreSQL the index.
            let constraint = db
                .constraint
                .clone()
                .or_else(|| match (&db.table, &db.column) {
                    (Some(table), Some(column)) => Some(format!("{table}.{column}")),
                    _ => None,
                });
            match db.kind {
                DatabaseErrorKind::UniqueViolation => {
                    return body(
                        StatusCode::CONFLICT,
                        json!({ "error": "conflict", "constraint": constraint }),
                    );
                }
                DatabaseErrorKind::ForeignKeyViolation
                | DatabaseErrorKind::CheckViolation
                | DatabaseErrorKind::NotNullViolation => {
                    return body(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        json!({ "error": "invalid", "constraint": constraint }),
                    );
                }
                DatabaseErrorKind::SerializationFailure
                | DatabaseErrorKind::Deadlock
                | DatabaseErrorKind::Busy
                | DatabaseErrorKind::Canceled => return unavailable(&e),
                // A server shutting down or restarting (57P01 admin_shutdown, 57P02
                // crash_shutdown, 57P03 cannot_connect_now) or a connection failure
                // (class 08): the next attempt can succeed.
                _ if db
                    .sqlstate
                    .as_deref()
                    .is_some_and(|s| s.starts_with("57P") || s.starts_with("08")) =>
                {
                    return unavailable(&e);
                }
                _ => {}
            }
        }
        quarry::Error::PoolTimeout { .. } | quarry::Error::Connection(_) => {
            return unavailable(&e);
        }
        _ => {}
    }
    eprintln!("service: internal error: {e}");
    body(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "error": "internal" }),
    )
}

fn unavailable(e: &quarry::Error) -> Response {
    eprintln!("service: unavailable: {e}");
    let mut response = body(
        StatusCode::SERVICE_UNAVAILABLE,
        json!({ "error": "unavailable", "message": "the database is busy or unreachable; retry" }),
    );
    response
        .headers_mut()
        .insert("retry-after", axum::http::HeaderValue::from_static("1"));
    response
}
