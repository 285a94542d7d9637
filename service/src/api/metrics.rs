//! `GET /metrics`: the service's figures for Prometheus, under the API's token rules.

use std::sync::Arc;

use poem::handler;
use poem::http::header::CONTENT_TYPE;
use poem::web::Data;
use poem::{IntoResponse, Response};

use super::AppState;
use super::problem::ServerError;

#[handler]
pub async fn metrics(state: Data<&Arc<AppState>>) -> Response {
    let holds = match state.store.environment_holds().await {
        Ok(holds) => holds,
        Err(error) => return ServerError::from(error).into_response(),
    };
    let queued = state.runner.queue_length();
    let running = state.journal.active_count();
    let text = state.metrics.render(queued, running, &holds);
    Response::builder().header(CONTENT_TYPE, prometheus::TEXT_FORMAT).body(text)
}
