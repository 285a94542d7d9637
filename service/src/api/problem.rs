//! Errors as the API reports them: a JSON problem body `{code, message, field?}`.
//!
//! Handlers return their documented failures as variants of their own response types. What
//! poem-openapi rejects before a handler runs (a malformed query parameter, a body that is not
//! JSON) and what fails unexpectedly end here and are turned into the same JSON body.

use poem::http::StatusCode;
use poem::{IntoResponse, Response};
use poem_openapi::error::{ParseParamError, ParsePathError, ParseRequestPayloadError};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use tracing::error;

use crate::domain::FieldError;

/// What went wrong.
#[derive(Clone, Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct Problem {
    /// A stable, machine-readable code, e.g. `invalid_field`, `environment_busy`, `not_found`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// The request field at fault, e.g. `user`, `paths[1]`, `variables.FOO`.
    #[oai(skip_serializing_if_is_none)]
    pub field: Option<String>,
    /// The run concerned, e.g. the run holding a busy environment.
    #[oai(skip_serializing_if_is_none)]
    pub run_id: Option<i64>,
}

impl Problem {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Problem { code: code.into(), message: message.into(), field: None, run_id: None }
    }

    pub fn invalid_field(error: FieldError) -> Self {
        Problem { field: Some(error.field.clone()), ..Problem::new("invalid_field", error.to_string()) }
    }

    pub fn not_found(what: &str) -> Self {
        Problem::new("not_found", format!("{what} does not exist"))
    }
}

/// A failure that is not the client's fault. The cause is logged; the client learns little.
#[derive(Debug, ApiResponse)]
pub enum ServerError {
    /// Testbay could not complete the request; its log says why.
    #[oai(status = 500)]
    Internal(Json<Problem>),
    /// The database cannot be reached (code `database_unavailable`): nothing was changed, and
    /// the request may be tried again later. Testbay reconnects by itself.
    #[oai(status = 503)]
    Unavailable(Json<Problem>),
}

impl ServerError {
    pub fn log(context: &str, cause: &(dyn std::error::Error + 'static)) -> Self {
        if is_unavailable(cause) {
            // Said once by the store when the database goes; not again for every request.
            return ServerError::Unavailable(Json(Problem::new(
                "database_unavailable",
                format!("{context}: the database cannot be reached; try again once it is back"),
            )));
        }
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(inner) = source {
            chain.push_str(": ");
            chain.push_str(&inner.to_string());
            source = inner.source();
        }
        error!(cause = %chain, "{context}");
        ServerError::Internal(Json(Problem::new("internal", format!("{context}; see the service log"))))
    }
}

/// Whether `error`, or what caused it, is a database that cannot be reached.
fn is_unavailable(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.downcast_ref::<crate::store::StoreError>().is_some_and(crate::store::StoreError::is_unavailable) {
            return true;
        }
        current = error.source();
    }
    false
}

impl<E: std::error::Error + 'static> From<E> for ServerError {
    fn from(error: E) -> Self {
        ServerError::log("request failed", &error)
    }
}

/// Turns any error that reached the router into a JSON problem.
pub async fn to_problem(error: poem::Error) -> Response {
    // A handler's own error response (`ServerError`) is a JSON problem already.
    if error.is_from_response() {
        return error.into_response();
    }
    let (status, problem) = if let Some(param) = error.downcast_ref::<ParseParamError>() {
        let field = Some(param.name.to_owned());
        (StatusCode::UNPROCESSABLE_ENTITY, Problem { field, ..Problem::new("invalid_field", param.reason.clone()) })
    } else if let Some(path) = error.downcast_ref::<ParsePathError>() {
        let field = Some(path.name.to_owned());
        (StatusCode::UNPROCESSABLE_ENTITY, Problem { field, ..Problem::new("invalid_field", path.reason.clone()) })
    } else if let Some(payload) = error.downcast_ref::<ParseRequestPayloadError>() {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Problem { field: Some("body".into()), ..Problem::new("invalid_body", payload.reason.clone()) },
        )
    } else {
        let status = error.status();
        let code = match status {
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            status if status.is_server_error() => {
                error!(error = %error, "request failed");
                "internal"
            }
            _ => "bad_request",
        };
        (status, Problem::new(code, error.to_string()))
    };
    Json(problem).with_status(status).into_response()
}
