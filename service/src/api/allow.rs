//! The `Allow` header of a 405: which methods a path answers, read from the spec's paths.

use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use serde_json::Value;

/// The methods of each path of the API, e.g. `/api/runs/{id}` answers `GET, HEAD`.
#[derive(Clone, Debug, Default)]
pub struct AllowedMethods {
    routes: Vec<(Vec<String>, HeaderValue)>,
}

impl AllowedMethods {
    /// The routes of `spec`, whose paths lie under `prefix` (its server URL).
    pub fn from_spec(spec: &Value, prefix: &str) -> AllowedMethods {
        let routes = spec["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(path, operations)| {
                let mut methods: Vec<String> =
                    operations.as_object()?.keys().map(|method| method.to_ascii_uppercase()).collect();
                if methods.iter().any(|m| m == "GET") {
                    methods.push("HEAD".into());
                }
                let allow = HeaderValue::from_str(&methods.join(", ")).ok()?;
                Some((segments(&format!("{prefix}{path}")), allow))
            })
            .collect();
        AllowedMethods { routes }
    }

    fn allowed(&self, path: &str) -> Option<&HeaderValue> {
        let asked = segments(path);
        self.routes
            .iter()
            .find(|(route, _)| {
                route.len() == asked.len()
                    && route.iter().zip(&asked).all(|(r, a)| r == a || (r.starts_with('{') && r.ends_with('}')))
            })
            .map(|(_, allow)| allow)
    }

    /// Calls `endpoint` and adds `Allow` to a 405 answer.
    pub async fn call<E: Endpoint>(&self, endpoint: &E, request: Request) -> Result<Response> {
        let path = request.uri().path().to_owned();
        let mut response = endpoint.call(request).await?.into_response();
        if response.status() == StatusCode::METHOD_NOT_ALLOWED
            && let Some(allow) = self.allowed(&path)
        {
            response.headers_mut().insert(header::ALLOW, allow.clone());
        }
        Ok(response)
    }
}

fn segments(path: &str) -> Vec<String> {
    path.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_the_methods_of_a_path_with_parameters() {
        let spec = json!({"paths": {"/runs": {"get": {}, "post": {}}, "/runs/{id}/cancel": {"post": {}}}});
        let methods = AllowedMethods::from_spec(&spec, "/api");
        assert_eq!(methods.allowed("/api/runs").map(|v| v.to_str().ok()), Some(Some("GET, POST, HEAD")));
        assert_eq!(methods.allowed("/api/runs/7/cancel").map(|v| v.to_str().ok()), Some(Some("POST")));
        assert_eq!(methods.allowed("/api/runs/7"), None);
    }
}
