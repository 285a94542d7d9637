//! Refuses requests that a web page on another site could make the browser send.
//!
//! - `Host` must name this service: a loopback name (or a host given with `--allowed-host`),
//!   which defeats DNS rebinding.
//! - A write (`POST`, `PUT`, `PATCH`, `DELETE`) that carries an `Origin` must come from the
//!   service's own origin (or one given with `--allowed-origin`), which defeats CSRF.
//! - A write's body must declare its size, at most 64 KiB.
//! - Every `/api` request has a caller (see `identity`), or is refused with 401.

use std::sync::Arc;

use poem::http::{Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use poem_openapi::payload::Json;

use super::identity::Identify;
use super::problem::Problem;

/// Who may talk to the service.
#[derive(Clone, Debug, Default)]
pub struct AccessPolicy {
    /// Host names accepted besides the loopback names.
    pub allowed_hosts: Vec<String>,
    /// Origins (`scheme://host:port`) accepted for writes besides the service's own.
    pub allowed_origins: Vec<String>,
    /// The service's own token (`--token`): required of every `/api` request while no users
    /// exist, and an admin's token after.
    pub token: Option<String>,
    /// The header an authenticating proxy names the user in, and the proxy's addresses.
    pub user_header: Option<(String, Vec<std::net::IpAddr>)>,
}

impl AccessPolicy {
    fn host_allowed(&self, host_header: &str) -> bool {
        let host = host_name(host_header);
        is_loopback_name(host) || self.allowed_hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host))
    }

    fn origin_allowed(&self, origin: &str, host_header: &str) -> bool {
        let same_origin = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .is_some_and(|authority| authority.eq_ignore_ascii_case(host_header));
        same_origin || self.allowed_origins.iter().any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }

    fn check(&self, request: &Request) -> Result<(), (StatusCode, Problem)> {
        let host = request.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !self.host_allowed(host) {
            return Err((
                StatusCode::FORBIDDEN,
                Problem::new("foreign_host", format!("Host `{host}` is not this service; see --allowed-host")),
            ));
        }
        let is_write = [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(request.method());
        if is_write && let Some(origin) = request.headers().get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("null");
            if !self.origin_allowed(origin, host) {
                return Err((
                    StatusCode::FORBIDDEN,
                    Problem::new("foreign_origin", format!("writes from `{origin}` are refused; see --allowed-origin")),
                ));
            }
        }
        if is_write {
            check_body_size(request)?;
        }
        Ok(())
    }
}

/// Request bodies are small JSON documents; a larger or unsized one is refused before it is read.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;

fn check_body_size(request: &Request) -> Result<(), (StatusCode, Problem)> {
    let length = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    match length {
        Some(length) if length > MAX_BODY_BYTES => Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            Problem::new("body_too_large", format!("request bodies are at most {MAX_BODY_BYTES} bytes")),
        )),
        None if request.headers().contains_key(header::TRANSFER_ENCODING) => Err((
            StatusCode::LENGTH_REQUIRED,
            Problem::new("length_required", "send request bodies with a Content-Length header"),
        )),
        _ => Ok(()),
    }
}

/// The host name of a `Host` header, without its port.
fn host_name(host_header: &str) -> &str {
    if let Some(rest) = host_header.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    host_header.rsplit_once(':').map_or(host_header, |(name, _)| name)
}

fn is_loopback_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

pub struct Guard {
    pub policy: Arc<AccessPolicy>,
    pub identify: Arc<Identify>,
}

impl<E: Endpoint> Middleware<E> for Guard {
    type Output = GuardEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        GuardEndpoint { inner, policy: Arc::clone(&self.policy), identify: Arc::clone(&self.identify) }
    }
}

pub struct GuardEndpoint<E> {
    inner: E,
    policy: Arc<AccessPolicy>,
    identify: Arc<Identify>,
}

impl<E: Endpoint> Endpoint for GuardEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> Result<Response> {
        let refused = |(status, problem): (StatusCode, Problem)| Ok(Json(problem).with_status(status).into_response());
        if let Err(refusal) = self.policy.check(&request) {
            return refused(refusal);
        }
        // The page, its assets and the spec are public; the API and the metrics know their caller.
        if request.uri().path().starts_with("/api") || request.uri().path() == "/metrics" {
            match self.identify.caller(&request).await {
                Ok(caller) => {
                    request.extensions_mut().insert(caller);
                }
                Err(refusal) => return refused(refusal),
            }
        }
        self.inner.call(request).await.map(IntoResponse::into_response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_loopback_hosts_only_by_default() {
        let policy = AccessPolicy::default();
        for host in ["127.0.0.1:8080", "localhost:1", "[::1]:8080", "localhost"] {
            assert!(policy.host_allowed(host), "{host}");
        }
        for host in ["evil.example:8080", "10.0.0.1:8080", ""] {
            assert!(!policy.host_allowed(host), "{host}");
        }
        let policy = AccessPolicy { allowed_hosts: vec!["testbay.lan".into()], ..AccessPolicy::default() };
        assert!(policy.host_allowed("testbay.lan:8080"));
    }

    #[test]
    fn accepts_writes_from_the_own_origin_only() {
        let policy = AccessPolicy::default();
        assert!(policy.origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(!policy.origin_allowed("http://evil.example", "127.0.0.1:8080"));
        assert!(!policy.origin_allowed("null", "127.0.0.1:8080"));
        assert!(!policy.origin_allowed("http://127.0.0.1:9999", "127.0.0.1:8080"));
    }
}
