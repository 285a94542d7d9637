//! One log line per request, in a span that the handlers' own lines share: who asked, what,
//! and how it was answered. A token in the query (`access_token`, which `EventSource` needs) is
//! never written to the log.

use std::time::Instant;

use poem::http::Uri;
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use tracing::Instrument;

/// A request's URI as it may be logged.
fn loggable_uri(uri: &Uri) -> String {
    let Some(query) = uri.query() else { return uri.to_string() };
    let query: Vec<&str> = query
        .split('&')
        .map(|pair| if pair.starts_with("access_token=") { "access_token=REDACTED" } else { pair })
        .collect();
    format!("{}?{}", uri.path(), query.join("&"))
}

/// Calls `endpoint` inside the request's span and logs its answer.
pub async fn logged<E: Endpoint>(endpoint: &E, request: Request) -> Result<Response> {
    let span = tracing::info_span!(
        "request",
        remote_addr = %request.remote_addr(),
        version = ?request.version(),
        method = %request.method(),
        uri = %loggable_uri(request.original_uri()),
    );
    async move {
        let start = Instant::now();
        let response = endpoint.call(request).await.map(IntoResponse::into_response);
        match &response {
            Ok(response) => tracing::info!(status = %response.status(), duration = ?start.elapsed(), "response"),
            Err(error) => tracing::info!(status = %error.status(), duration = ?start.elapsed(), "error"),
        }
        response
    }
    .instrument(span)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_in_the_query_is_not_logged() {
        let uri = Uri::from_static("/api/events?after=3&access_token=tb_secret");
        assert_eq!(loggable_uri(&uri), "/api/events?after=3&access_token=REDACTED");
    }
}
