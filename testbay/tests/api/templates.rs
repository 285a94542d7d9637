//! Templates, reruns and JUnit reports through the REST API.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn put(app: &TestApp, name: &str, body: &Value) -> reqwest::Response {
    app.client.put(app.url(&format!("/api/templates/{name}"))).json(body).send().await.expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_round_trip_and_start_runs_that_remember_them() {
    let app = TestApp::spawn().await;
    let setup = json!({
        "description": "the arithmetic",
        "environment": 12,
        "paths": ["math/test_arithmetic.py"],
        "variables": {"STAGE": "nightly"},
        "timeout_s": 120
    });
    let created = put(&app, "arith", &setup).await;
    assert_eq!(created.status(), 201);
    let saved: Value = created.json().await.expect("json");
    assert_eq!(saved["name"], "arith");
    assert_eq!(saved["paths"], json!(["math/test_arithmetic.py"]));
    assert_eq!(app.get_json("/api/templates/arith").await, saved);

    let replaced = put(&app, "arith", &json!({"environment": 13, "paths": ["math/test_arithmetic.py"]})).await;
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.expect("json");
    assert_eq!(replaced["environment"], 13);
    assert_eq!(replaced["created_at"], saved["created_at"]);
    assert!(replaced["description"].is_null());
    put(&app, "arith", &setup).await;

    let list = app.get_json("/api/templates").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));

    // The template fills in what the request leaves out; the request's variables are added.
    let run = app.start_run_with(&json!({"user": "ci", "template": "arith", "variables": {"EXTRA": "1"}})).await;
    assert_eq!(run["template"], "arith");
    assert_eq!(run["environment"], 12);
    assert_eq!(run["paths"], json!(["math/test_arithmetic.py"]));
    assert_eq!(run["variables"], json!({"STAGE": "nightly", "EXTRA": "1"}));
    assert_eq!(run["limits"]["timeout_s"], 120);
    let id = run["id"].as_i64().expect("id");
    let ended = app.wait_until_finished(id).await;
    assert_eq!(ended["status"], "passed");
    let other = app.start_run_with(&json!({"user": "ci", "template": "arith", "environment": 14})).await;
    assert_eq!(other["environment"], 14);
    app.wait_until_finished(other["id"].as_i64().expect("id")).await;

    let from_template = app.get_json("/api/runs?template=arith").await;
    assert_eq!(from_template["items"].as_array().map(Vec::len), Some(2));

    let deleted = app.client.delete(app.url("/api/templates/arith")).send().await.expect("request");
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get("/api/templates/arith").await.status(), 404);
    let again = app.client.delete(app.url("/api/templates/arith")).send().await.expect("request");
    assert_eq!(again.status(), 404);
    // Runs keep the name of a template that is gone.
    assert_eq!(app.get_json(&format!("/api/runs/{id}")).await["template"], "arith");
    let gone = app.post("/api/runs", &json!({"user": "ci", "template": "arith"})).await;
    assert_eq!(gone.status(), 422);
    assert_eq!(gone.json::<Value>().await.expect("json")["field"], "template");
    app.stop().await;
}

#[tokio::test]
async fn bad_templates_are_refused_naming_their_field() {
    let app = TestApp::spawn().await;
    let ok = json!({"environment": 1, "paths": ["math"]});
    let cases = [
        ("bad%20name", ok.clone(), "name"),
        ("x", json!({"paths": ["math"]}), "environment"),
        ("x", json!({"environment": 1, "paths": ["../etc"]}), "paths[0]"),
        ("x", json!({"environment": 1, "paths": ["no/such/file.py"]}), "paths[0]"),
        ("x", json!({"environment": 1, "paths": ["math"], "timeout_s": 0}), "timeout_s"),
        (
            "x",
            json!({"environment": 1, "paths": ["math"], "variables": {"TESTBAY_USER": "x"}}),
            "variables.TESTBAY_USER",
        ),
        ("x", json!({"environment": 1, "paths": ["math"], "user": "someone"}), "user"),
    ];
    for (name, body, field) in cases {
        let response = put(&app, name, &body).await;
        assert_eq!(response.status(), 422, "{name} {body}");
        let problem: Value = response.json().await.expect("json");
        assert_eq!(problem["field"], field, "{problem}");
    }
    assert_eq!(app.get_json("/api/templates").await["items"], json!([]));
    let run_from_bad_name = app.post("/api/runs", &json!({"user": "a", "template": "../x"})).await;
    assert_eq!(run_from_bad_name.status(), 422);
    assert_eq!(run_from_bad_name.json::<Value>().await.expect("json")["field"], "template");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_of_failed_tests_runs_exactly_the_failed_node_ids() {
    let app = TestApp::spawn().await;
    let first = app.start_run(21, &["math"]).await;
    let first_id = first["id"].as_i64().expect("id");
    let ended = app.wait_until_finished(first_id).await;
    assert_eq!(ended["status"], "failed");
    let results = app.get_json(&format!("/api/runs/{first_id}/tests")).await;
    let failed: BTreeSet<String> = results["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| r["outcome"] == "failed" || r["outcome"] == "error")
        .map(|r| r["node_id"].as_str().expect("node id").to_owned())
        .collect();
    assert_eq!(failed.len(), 3, "{results}");

    let response = app.post(&format!("/api/runs/{first_id}/rerun"), &json!({"failed_only": true, "user": "ci"})).await;
    assert_eq!(response.status(), 201);
    let rerun: Value = response.json().await.expect("json");
    assert_eq!(rerun["rerun_of"], first_id);
    assert_eq!(rerun["user"], "ci");
    assert_eq!(rerun["environment"], 21);
    let paths: BTreeSet<String> =
        rerun["paths"].as_array().expect("paths").iter().map(|p| p.as_str().expect("path").to_owned()).collect();
    assert_eq!(paths, failed);
    let rerun_id = rerun["id"].as_i64().expect("id");
    app.wait_until_finished(rerun_id).await;
    let rerun_results = app.get_json(&format!("/api/runs/{rerun_id}/tests")).await;
    let ran: BTreeSet<String> = rerun_results["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["node_id"].as_str().expect("node id").to_owned())
        .collect();
    assert_eq!(ran, failed, "exactly the failed tests ran again");

    // A plain rerun repeats the paths, by the original user.
    let response = app.post(&format!("/api/runs/{first_id}/rerun"), &json!({})).await;
    assert_eq!(response.status(), 201);
    let again: Value = response.json().await.expect("json");
    assert_eq!(again["paths"], json!(["math"]));
    assert_eq!(again["user"], "tester");
    // While it is active, its environment is busy, also for a rerun of itself.
    let busy = app.post(&format!("/api/runs/{}/rerun", again["id"]), &json!({})).await;
    assert_eq!(busy.status(), 409);
    assert_eq!(busy.json::<Value>().await.expect("json")["run_id"], again["id"]);
    app.wait_until_finished(again["id"].as_i64().expect("id")).await;

    let passing = app.start_run(22, &["math/test_arithmetic.py"]).await;
    let passing_id = passing["id"].as_i64().expect("id");
    app.wait_until_finished(passing_id).await;
    let nothing = app.post(&format!("/api/runs/{passing_id}/rerun"), &json!({"failed_only": true})).await;
    assert_eq!(nothing.status(), 422);
    assert_eq!(nothing.json::<Value>().await.expect("json")["field"], "failed_only");
    let wrong = app.post(&format!("/api/runs/{passing_id}/rerun"), &json!({"failed_only": "yes"})).await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(app.post("/api/runs/999999/rerun", &json!({})).await.status(), 404);
    app.stop().await;
}

/// The counts of a JUnit XML report's `testsuite`, read by an XML parser.
pub fn junit_counts(xml: &str) -> (u64, u64, u64, u64, usize) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut suite = None;
    let mut testcases = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(element) | Event::Empty(element) => match element.name().as_ref() {
                b"testsuite" => {
                    let attribute = |name: &str| -> u64 {
                        let value = element
                            .try_get_attribute(name)
                            .expect("attribute")
                            .unwrap_or_else(|| panic!("testsuite has {name}"))
                            .unescape_value()
                            .expect("text");
                        value.parse().expect("a number")
                    };
                    suite =
                        Some((attribute("tests"), attribute("failures"), attribute("errors"), attribute("skipped")));
                }
                b"testcase" => testcases += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let (tests, failures, errors, skipped) = suite.expect("a testsuite");
    (tests, failures, errors, skipped, testcases)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_junit_report_has_the_runs_counts() {
    let app = TestApp::spawn().await;
    let run = app.start_run(23, &["math", "text"]).await;
    let id = run["id"].as_i64().expect("id");
    let ended = app.wait_until_finished(id).await;
    let response = app.get(&format!("/api/runs/{id}/junit.xml")).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"].to_str().expect("ascii").starts_with("application/xml"),
        "{:?}",
        response.headers()
    );
    let xml = response.text().await.expect("text");
    let (tests, failures, errors, skipped, testcases) = junit_counts(&xml);
    let counts = &ended["counts"];
    let count = |key: &str| counts[key].as_u64().expect("count");
    assert_eq!(failures, count("failed"));
    assert_eq!(errors, count("errors"));
    assert_eq!(skipped, count("skipped") + count("xfailed"));
    let all = ["passed", "failed", "errors", "skipped", "xfailed", "xpassed"].map(count).iter().sum::<u64>();
    assert_eq!(tests, all);
    assert_eq!(testcases as u64, tests);
    assert!(failures > 0 && errors > 0 && skipped > 0, "the samples cover every kind: {counts}");
    assert_eq!(app.get("/api/runs/999999/junit.xml").await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn a_template_that_no_longer_fits_the_tree_is_named_as_the_fault() {
    let tree = tempfile::tempdir().expect("temp dir");
    for file in ["test_stays.py", "test_goes.py"] {
        std::fs::write(tree.path().join(file), "def test_ok():\n    pass\n").expect("write a test file");
    }
    let root = tree.path().to_path_buf();
    let app = TestApp::spawn_with(|config| config.tests_root = root).await;
    let saved = put(&app, "both", &json!({"environment": 3, "paths": ["test_stays.py", "test_goes.py"]})).await;
    assert_eq!(saved.status(), 201);
    std::fs::remove_file(tree.path().join("test_goes.py")).expect("remove");
    let refused = app.post("/api/runs", &json!({"user": "ci", "template": "both"})).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.expect("json");
    assert_eq!(problem["field"], "template", "{problem}");
    let message = problem["message"].as_str().expect("message");
    assert!(message.contains("template `both`") && message.contains("test_goes.py"), "{message}");
    // The request's own paths replace the template's, and their faults are the request's.
    let own = app.post("/api/runs", &json!({"user": "ci", "template": "both", "paths": ["test_nope.py"]})).await;
    assert_eq!(own.json::<Value>().await.expect("json")["field"], "paths[0]");
    let fixed = app.start_run_with(&json!({"user": "ci", "template": "both", "paths": ["test_stays.py"]})).await;
    assert_eq!(fixed["template"], "both");
    app.wait_until_finished(fixed["id"].as_i64().expect("id")).await;
    app.stop().await;
}
