//! Talking to a Testbay service over its REST API, as any other client would.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How long a plain request may take; following a run's events has no such limit.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a request did not get the answer it wanted.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No answer: the service is not running there, or the network failed.
    #[error("cannot reach Testbay at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// The service refused the request (4xx), with its JSON problem.
    #[error("{message}")]
    Refused { status: StatusCode, code: String, message: String, run_id: Option<i64> },
    /// The service failed (5xx) or answered something this client does not understand.
    #[error("Testbay failed: {0}")]
    Service(String),
}

/// A client of one service.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    /// The service's address without a trailing `/`, e.g. `http://127.0.0.1:8080`.
    base: String,
    token: Option<String>,
}

impl Client {
    pub fn new(base: &str, token: Option<String>) -> Result<Client, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("testbay-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ClientError::Unreachable { url: base.clone(), reason: error.to_string() })?;
        Ok(Client { http, base, token })
    }

    /// The address of the web page for `path`, e.g. `/runs/12`.
    pub fn page_url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn request(&self, method: Method, api_path: &str) -> RequestBuilder {
        let request = self.http.request(method, format!("{}/api{api_path}", self.base));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    pub async fn get(&self, api_path: &str) -> Result<Value, ClientError> {
        self.send(self.request(Method::GET, api_path)).await
    }

    pub async fn get_with(&self, api_path: &str, query: &[(&str, String)]) -> Result<Value, ClientError> {
        self.send(self.request(Method::GET, api_path).query(query)).await
    }

    pub async fn post(&self, api_path: &str, body: Option<&Value>) -> Result<Value, ClientError> {
        let request = self.request(Method::POST, api_path);
        self.send(match body {
            Some(body) => request.json(body),
            None => request,
        })
        .await
    }

    /// PUT, and whether the answer was `201 Created` rather than `200`.
    pub async fn put(&self, api_path: &str, body: &Value) -> Result<(Value, bool), ClientError> {
        let response = self.send_raw(self.request(Method::PUT, api_path).json(body)).await?;
        let created = response.status() == StatusCode::CREATED;
        let value = response
            .json()
            .await
            .map_err(|error| ClientError::Service(format!("an answer that is not JSON: {error}")))?;
        Ok((value, created))
    }

    pub async fn delete(&self, api_path: &str) -> Result<(), ClientError> {
        self.send_raw(self.request(Method::DELETE, api_path)).await.map(drop)
    }

    /// DELETE, and the JSON it answers with.
    pub async fn delete_json(&self, api_path: &str) -> Result<Value, ClientError> {
        self.send(self.request(Method::DELETE, api_path)).await
    }

    /// The body of a non-JSON answer, e.g. a JUnit XML report.
    pub async fn get_text(&self, api_path: &str) -> Result<String, ClientError> {
        let response = self.send_raw(self.request(Method::GET, api_path)).await?;
        response.text().await.map_err(|error| self.unreachable(&error))
    }

    /// Opens a server-sent events stream, resuming after `last_event_id`.
    pub async fn events(&self, api_path: &str, last_event_id: Option<&str>) -> Result<reqwest::Response, ClientError> {
        let mut request = self.request(Method::GET, api_path).header(reqwest::header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        self.check(request.send().await.map_err(|error| self.unreachable(&error))?).await
    }

    async fn send(&self, request: RequestBuilder) -> Result<Value, ClientError> {
        let response = self.send_raw(request).await?;
        response.json().await.map_err(|error| ClientError::Service(format!("an answer that is not JSON: {error}")))
    }

    async fn send_raw(&self, request: RequestBuilder) -> Result<reqwest::Response, ClientError> {
        let response = request.timeout(REQUEST_TIMEOUT).send().await.map_err(|error| self.unreachable(&error))?;
        self.check(response).await
    }

    async fn check(&self, response: reqwest::Response) -> Result<reqwest::Response, ClientError> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let problem: Value = response.json().await.unwrap_or(Value::Null);
        let text = |key: &str| problem.get(key).and_then(Value::as_str).map(str::to_owned);
        let message = text("message").unwrap_or_else(|| format!("the service answered {status}"));
        if status.is_client_error() {
            let code = text("code").unwrap_or_else(|| status.as_u16().to_string());
            let run_id = problem.get("run_id").and_then(Value::as_i64);
            Err(ClientError::Refused { status, code, message, run_id })
        } else {
            Err(ClientError::Service(message))
        }
    }

    fn unreachable(&self, error: &reqwest::Error) -> ClientError {
        let mut reason = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            reason = format!("{reason}: {inner}");
            source = inner.source();
        }
        ClientError::Unreachable { url: self.base.clone(), reason }
    }
}

/// Reads one of the API's answers (see `models`) from its JSON.
pub fn parse<T: DeserializeOwned>(value: &Value) -> Result<T, ClientError> {
    T::deserialize(value).map_err(|error| ClientError::Service(format!("an answer this client cannot read: {error}")))
}

/// `text` as one segment of a URL path.
pub fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"._-".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
