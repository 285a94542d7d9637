//! The committed OpenAPI spec is the one the code generates, and the service serves it.

use crate::helpers::{TestApp, workspace_root};

#[test]
fn the_committed_spec_is_fresh() {
    let committed = std::fs::read_to_string(workspace_root().join("openapi/openapi.json")).unwrap_or_default();
    let generated = format!("{}\n", testbay::api::spec_json());
    assert!(committed == generated, "openapi/openapi.json is stale: regenerate it with `scripts/export-openapi.sh`");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_serves_its_spec_and_docs() {
    let app = TestApp::spawn().await;
    let spec = app.get_json("/openapi.json").await;
    assert_eq!(spec["info"]["title"], "Testbay");
    for path in [
        "/runs",
        "/runs/{id}",
        "/runs/{id}/tests",
        "/runs/{id}/log",
        "/runs/{id}/cancel",
        "/runs/{id}/events",
        "/events",
        "/tests",
        "/environments",
    ] {
        assert!(spec["paths"][path].is_object(), "the spec documents {path}");
    }
    let docs = app.get("/docs").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.expect("html").contains("swagger"));
    assert_eq!(app.get_json("/api/healthz").await["status"], "ok");
}
