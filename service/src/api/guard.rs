//! Refuses requests that a web page on another site could make the browser send.
//!
//! - `Host` must name this service: a loopback name (or a host given with `--allowed-host`),
//!   which defeats DNS rebinding.
//! - A write (`POST`, `PUT`, `PATCH`, `DELETE`) that carries an `Origin` must come from the
//!   service's own origin (or one given with `--allowed-origin`), which defeats CSRF.
//! - A write's body must declare its size, at most 64 KiB.
//! - With a token, every `/api` request must present it as `Authorization: Bearer TOKEN` (or
//!   `?access_token=TOKEN`, for `EventSource`, which cannot set headers).

use std::sync::Arc;

use poem::http::{Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use poem_openapi::payload::Json;

use super::problem::Problem;

/// Who may talk to the service.
#[derive(Clone, Debug, Default)]
pub struct AccessPolicy {
    /// Host names accepted besides the loopback names.
    pub allowed_hosts: Vec<String>,
    /// Origins (`scheme://host:port`) accepted for writes besides the service's own.
    pub allowed_origins: Vec<String>,
    pub token: Option<String>,
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

    fn token_presented(&self, request: &Request) -> bool {
        let Some(token) = &self.token else { return true };
        let bearer = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        let query = request
            .uri()
            .query()
            .into_iter()
            .flat_map(|query| query.split('&'))
            .find_map(|pair| pair.strip_prefix("access_token="));
        [bearer, query].into_iter().flatten().any(|presented| constant_time_eq(presented.as_bytes(), token.as_bytes()))
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
        if request.uri().path().starts_with("/api") && !self.token_presented(request) {
            return Err((
                StatusCode::UNAUTHORIZED,
                Problem::new("unauthorized", "this service needs a token: send `Authorization: Bearer TOKEN`"),
            ));
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

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub struct Guard(pub Arc<AccessPolicy>);

impl<E: Endpoint> Middleware<E> for Guard {
    type Output = GuardEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        GuardEndpoint { inner, policy: Arc::clone(&self.0) }
    }
}

pub struct GuardEndpoint<E> {
    inner: E,
    policy: Arc<AccessPolicy>,
}

impl<E: Endpoint> Endpoint for GuardEndpoint<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> Result<Response> {
        match self.policy.check(&request) {
            Ok(()) => self.inner.call(request).await.map(IntoResponse::into_response),
            Err((status, problem)) => Ok(Json(problem).with_status(status).into_response()),
        }
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
