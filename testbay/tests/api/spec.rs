//! The committed OpenAPI spec is the one the code generates, and the service serves it; the
//! rules it states are the domain's, and the service's own limits. (schemathesis checks, in
//! `scripts/test-api-spec.sh`, that the service keeps to them.)

use serde_json::{Value, json};
use testbay_service::domain::{
    ENVIRONMENT_MAX, ENVIRONMENT_MIN, MEMORY_MIN_MB, PATH_MAX_CHARS, PATH_PATTERN, PATHS_MAX, TEMPLATE_NAME_MAX_CHARS,
    TEMPLATE_NAME_PATTERN, USER_MAX_CHARS, USER_PATTERN, VARIABLES_MAX,
};

use crate::helpers::{TestApp, workspace_root};

#[test]
fn the_committed_spec_is_fresh() {
    let committed = std::fs::read_to_string(workspace_root().join("openapi/openapi.json")).unwrap_or_default();
    let generated = format!("{}\n", testbay_service::api::spec_json());
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

fn parameter<'a>(spec: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
    spec["paths"][path][method]["parameters"]
        .as_array()
        .and_then(|parameters| parameters.iter().find(|p| p["name"] == name))
        .map(|parameter| &parameter["schema"])
        .unwrap_or_else(|| panic!("{method} {path} documents the parameter {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spec_states_the_domains_rules_and_this_services_limits() {
    let app = TestApp::spawn_with(|config| {
        config.memory_limit_mb = 512;
        config.timeout_s = 300;
        config.max_timeout_s = 600;
    })
    .await;
    let spec = app.get_json("/openapi.json").await;
    let schemas = &spec["components"]["schemas"];
    let run = &schemas["RunFromPathsRequest"];
    assert_eq!(run["additionalProperties"], false, "unknown fields are refused");
    assert_eq!(run["required"], json!(["environment", "paths"]));
    assert_eq!(schemas["RunFromTemplateRequest"]["required"], json!(["template"]));
    assert_eq!(run["properties"]["user"]["maxLength"], USER_MAX_CHARS);
    assert_eq!(run["properties"]["user"]["pattern"], USER_PATTERN);
    assert_eq!(run["properties"]["environment"]["minimum"], ENVIRONMENT_MIN);
    assert_eq!(run["properties"]["environment"]["maximum"], ENVIRONMENT_MAX);
    assert_eq!(run["properties"]["paths"]["maxItems"], PATHS_MAX);
    assert_eq!(run["properties"]["paths"]["items"]["maxLength"], PATH_MAX_CHARS);
    assert_eq!(run["properties"]["paths"]["items"]["pattern"], PATH_PATTERN);
    assert_eq!(run["properties"]["template"]["pattern"], TEMPLATE_NAME_PATTERN);
    assert_eq!(run["properties"]["variables"]["maxProperties"], VARIABLES_MAX);
    for name in ["RunFromTemplateRequest", "LimitsRequest", "RerunRequest", "TemplateRequest"] {
        assert_eq!(schemas[name]["additionalProperties"], false, "{name} refuses unknown fields");
    }
    let limits = &schemas["LimitsRequest"]["properties"];
    assert_eq!(limits["memory_mb"]["minimum"], MEMORY_MIN_MB);
    assert_eq!(limits["memory_mb"]["maximum"], 512, "this service's default is the most a run may ask for");
    assert_eq!(limits["timeout_s"]["maximum"], 600);
    assert_eq!(schemas["TemplateRequest"]["properties"]["timeout_s"]["maximum"], 600);

    // Query parameters are checked by poem-openapi from attributes of their own: they must say
    // the same as the domain.
    assert_eq!(parameter(&spec, "/runs", "get", "user")["maxLength"], USER_MAX_CHARS);
    assert_eq!(parameter(&spec, "/runs", "get", "template")["maxLength"], TEMPLATE_NAME_MAX_CHARS);
    assert_eq!(parameter(&spec, "/runs", "get", "environment")["minimum"], f64::from(ENVIRONMENT_MIN));
    assert_eq!(parameter(&spec, "/runs", "get", "environment")["maximum"], f64::from(ENVIRONMENT_MAX));
    for method in ["get", "put", "delete"] {
        assert_eq!(parameter(&spec, "/templates/{name}", method, "name")["pattern"], TEMPLATE_NAME_PATTERN);
    }

    // The bound the spec states is the one the service keeps.
    let at_most = |memory_mb: u64| {
        json!({"user": "ada", "environment": 1, "paths": ["math/test_arithmetic.py"],
        "limits": {"memory_mb": memory_mb}})
    };
    let refused = app.post("/api/runs", &at_most(513)).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(refused.json::<Value>().await.expect("problem")["field"], "limits.memory_mb");
    assert_eq!(app.post("/api/runs", &at_most(512)).await.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_documents_the_statuses_answered_before_its_handler() {
    let app = TestApp::spawn().await;
    let spec = app.get_json("/openapi.json").await;
    for (path, operations) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            let responses = &operation["responses"];
            for status in ["401", "403", "500"] {
                assert!(responses[status].is_object(), "{method} {path} documents {status}");
            }
            if operation.get("requestBody").is_some() {
                for status in ["411", "413", "415", "422"] {
                    assert!(responses[status].is_object(), "{method} {path} documents {status}");
                }
            }
        }
    }
    // An event stream is described event by event, its data as JSON.
    let stream = &spec["paths"]["/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]["schema"];
    assert_eq!(stream["properties"]["data"]["contentSchema"]["$ref"], "#/components/schemas/ListStreamEvent");
    // The docs page shows the same, completed spec.
    assert!(app.get("/docs").await.text().await.expect("html").contains("contentSchema"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_a_path_does_not_answer_gets_405_with_allow() {
    let app = TestApp::spawn().await;
    let cases = [
        ("/api/runs", "GET, HEAD, POST"),
        ("/api/runs/7/cancel", "POST"),
        ("/api/templates/x", "DELETE, GET, HEAD, PUT"),
    ];
    for (path, allowed) in cases {
        let response =
            app.client.request(reqwest::Method::PATCH, format!("{}{path}", app.address)).send().await.expect("request");
        assert_eq!(response.status(), 405, "PATCH {path}");
        let allow = response.headers().get("allow").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let mut methods: Vec<&str> = allow.split(", ").collect();
        methods.sort_unstable();
        assert_eq!(methods.join(", "), allowed, "Allow of {path}");
    }
}
