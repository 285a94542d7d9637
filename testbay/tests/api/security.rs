//! Safe by default: foreign hosts and cross-origin writes are refused, tokens are enforced.

use serde_json::{Value, json};
use testbay_service::app::Application;
use testbay_service::config::ServeConfig;

use crate::helpers::{TestApp, sample_tests};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_from_a_foreign_origin_are_refused() {
    let app = TestApp::spawn().await;
    let body = json!({"user": "a", "environment": 1, "paths": ["math"]});
    let foreign = app
        .client
        .post(app.url("/api/runs"))
        .header("Origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(foreign.status(), 403);
    assert_eq!(foreign.json::<Value>().await.expect("json")["code"], "foreign_origin");
    assert!(app.get_json("/api/runs").await["items"].as_array().expect("items").is_empty());
    // Reads from anywhere are harmless and allowed; writes from the page's own origin too.
    let read =
        app.client.get(app.url("/api/runs")).header("Origin", "http://evil.example").send().await.expect("request");
    assert_eq!(read.status(), 200);
    let own =
        app.client.post(app.url("/api/runs")).header("Origin", &app.address).json(&body).send().await.expect("request");
    assert_eq!(own.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_header_is_refused() {
    let app = TestApp::spawn().await;
    for path in ["/api/runs", "/openapi.json", "/docs"] {
        let response =
            app.client.get(app.url(path)).header("Host", "rebound.example:8080").send().await.expect("request");
        assert_eq!(response.status(), 403, "{path}");
        assert_eq!(response.json::<Value>().await.expect("json")["code"], "foreign_host");
    }
    let local = app.client.get(app.url("/api/runs")).header("Host", "localhost").send().await.expect("request");
    assert_eq!(local.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_required_when_set() {
    let token = "correct-horse-battery-staple";
    let app = TestApp::spawn_with(|config| config.token = Some(token.into())).await;
    let without = app.get("/api/runs").await;
    assert_eq!(without.status(), 401);
    assert_eq!(without.json::<Value>().await.expect("json")["code"], "unauthorized");
    let wrong =
        app.client.get(app.url("/api/runs")).bearer_auth("wrong-token-of-some-length").send().await.expect("request");
    assert_eq!(wrong.status(), 401);
    let right = app.client.get(app.url("/api/runs")).bearer_auth(token).send().await.expect("request");
    assert_eq!(right.status(), 200);
    let query = app.get(&format!("/api/runs?access_token={token}")).await;
    assert_eq!(query.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_address_without_a_token_refuses_to_start() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut config = ServeConfig::for_tests(sample_tests(), data_dir.path().to_path_buf());
    config.listen = "0.0.0.0:0".parse().expect("address");
    let error = Application::build(config).await.err().expect("refused");
    assert!(error.to_string().contains("--token"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let huge = json!({"user": "a", "environment": 1, "paths": ["x".repeat(100_000)]});
    let response = app.post("/api/runs", &huge).await;
    assert_eq!(response.status(), 413);
    assert_eq!(response.json::<Value>().await.expect("json")["code"], "body_too_large");
}
