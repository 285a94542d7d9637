//! Each test's history across real pytest runs: a sample test made to flip by a run variable
//! (flaky), and a test whose file changes between runs (a change, not flakiness).

use serde_json::{Value, json};

use crate::helpers::{TestApp, sample_tests};

const FLAKY_FILE: &str = "history/test_flaky_service.py";
const FLAKY: &str = "history/test_flaky_service.py::test_the_service_answers";
const STEADY: &str = "history/test_flaky_service.py::test_arithmetic_still_works";
const CHANGING: &str = "test_changing.py::test_feature";

/// The path of a test's history with `query`, encoded as a client would.
fn history_path(query: &[(&str, &str)]) -> String {
    let url = reqwest::Url::parse_with_params("http://testbay/api/tests/history", query).expect("a url");
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

async fn run_to_end(app: &TestApp, environment: u8, paths: &[&str], variables: Value) -> Value {
    let body = json!({"user": "ada", "environment": environment, "paths": paths, "variables": variables});
    let run = app.start_run_with(&body).await;
    app.wait_until_finished(run["id"].as_i64().expect("id")).await
}

fn node_ids(changed: &Value) -> Vec<&str> {
    changed["node_ids"].as_array().expect("node_ids").iter().filter_map(Value::as_str).collect()
}

#[tokio::test]
async fn a_test_that_flips_on_the_same_code_is_flaky_and_one_whose_file_changed_is_not() {
    let tree = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(tree.path().join("history")).expect("dir");
    std::fs::copy(sample_tests().join(FLAKY_FILE), tree.path().join(FLAKY_FILE)).expect("copy the sample");
    let changing = tree.path().join("test_changing.py");
    let root = tree.path().to_path_buf();
    let app = TestApp::spawn_with(|config| config.tests_root = root).await;

    // The sample fails when its service is down, on the same file: it flips.
    let down = json!({"SAMPLE_SERVICE_DOWN": "1"});
    let first = run_to_end(&app, 5, &[FLAKY_FILE], json!({})).await;
    assert_eq!(first["status"], "passed", "{first}");
    let second = run_to_end(&app, 5, &[FLAKY_FILE], down.clone()).await;
    assert_eq!(second["status"], "failed");
    let changes = &second["failure_changes"];
    assert_eq!(node_ids(&changes["new_failures"]), [FLAKY], "a new failure: {changes}");
    // Lists carry the counts; the run itself names the tests.
    let listed = app.get_json("/api/runs?environment=5").await;
    let item = listed["items"].as_array().expect("items").iter().find(|run| run["id"] == second["id"]).expect("listed");
    assert_eq!(item["failure_changes"]["new_failures"]["count"], 1, "{item}");
    assert_eq!(item["failure_changes"]["new_failures"]["node_ids"], json!([]), "{item}");
    let third = run_to_end(&app, 5, &[FLAKY_FILE], down.clone()).await;
    assert_eq!(node_ids(&third["failure_changes"]["still_failing"]), [FLAKY]);
    assert_eq!(third["failure_changes"]["new_failures"]["count"], 0);
    let fourth = run_to_end(&app, 5, &[FLAKY_FILE], json!({})).await;
    assert_eq!(node_ids(&fourth["failure_changes"]["fixed"]), [FLAKY]);
    // Failing in another environment is counted there: new there, and no flip.
    let elsewhere = run_to_end(&app, 6, &[FLAKY_FILE], down).await;
    assert_eq!(node_ids(&elsewhere["failure_changes"]["new_failures"]), [FLAKY]);

    // A test whose file is rewritten between runs to fail, then to pass: changes, not flips.
    for (content, status) in [("assert True", "passed"), ("assert 1 == 2", "failed"), ("assert 2 == 2", "passed")] {
        std::fs::write(&changing, format!("def test_feature():\n    {content}\n")).expect("write");
        let run = run_to_end(&app, 5, &["test_changing.py"], json!({})).await;
        assert_eq!(run["status"], status, "{run}");
    }

    let history = app.get_json_owned(history_path(&[("node_id", FLAKY)])).await;
    let entries = history["entries"].as_array().expect("entries");
    let outcomes: Vec<(&str, i64)> = entries
        .iter()
        .map(|entry| (entry["outcome"].as_str().expect("outcome"), entry["environment"].as_i64().expect("env")))
        .collect();
    assert_eq!(outcomes, [("failed", 6), ("passed", 5), ("failed", 5), ("failed", 5), ("passed", 5)], "{history}");
    assert_eq!(entries[0]["run_id"], elsewhere["id"]);
    assert_eq!(entries[0]["user"], "ada");
    assert_eq!(entries[0]["failure_summary"], "AssertionError: the service did not answer");
    let hashes: Vec<&Value> = entries.iter().map(|entry| &entry["file_hash"]).collect();
    assert!(hashes[0].is_string() && hashes.iter().all(|hash| *hash == hashes[0]), "one content: {hashes:?}");
    let records = history["environments"].as_array().expect("environments");
    assert_eq!(records.len(), 2);
    let five = &records[0];
    assert_eq!(
        (five["environment"].as_i64(), five["runs"].as_i64(), five["failures"].as_i64()),
        (Some(5), Some(4), Some(2))
    );
    assert_eq!((five["flips"].as_i64(), five["verdicts"].as_i64()), (Some(2), Some(4)));
    assert_eq!(five["last_flip"]["run_id"], fourth["id"]);
    assert!(five["failing_since"].is_null(), "it passes again in 5: {five}");
    assert_eq!(records[1]["failing_since"]["run_id"], elsewhere["id"]);
    assert_eq!(history["first_failure"]["run_id"], second["id"]);
    let in_six = app.get_json_owned(history_path(&[("node_id", FLAKY), ("environment", "6")])).await;
    assert_eq!(in_six["entries"].as_array().map(Vec::len), Some(1));
    let page = app.get_json_owned(history_path(&[("node_id", FLAKY), ("limit", "2")])).await;
    let until = page["next_until"].as_str().expect("a next page");
    let older = app.get_json_owned(history_path(&[("node_id", FLAKY), ("limit", "10"), ("until", until)])).await;
    assert_eq!(older["entries"].as_array().map(Vec::len), Some(3), "the rest: {older}");

    let changed = app.get_json_owned(history_path(&[("node_id", CHANGING)])).await;
    let hashes: Vec<&str> =
        changed["entries"].as_array().expect("entries").iter().filter_map(|e| e["file_hash"].as_str()).collect();
    assert_eq!(hashes.len(), 3);
    assert!(hashes[0] != hashes[1] && hashes[1] != hashes[2], "each content its own hash: {hashes:?}");
    assert_eq!(changed["environments"][0]["flips"], 0, "{changed}");

    let flaky = app.get_json("/api/tests/flaky").await;
    let items = flaky["items"].as_array().expect("items");
    assert_eq!(items.iter().map(|item| item["node_id"].as_str()).collect::<Vec<_>>(), [Some(FLAKY)], "{flaky}");
    assert_eq!(items[0]["flip_rate"], 2.0 / 3.0);
    assert_eq!(items[0]["environments"], json!([5]));
    assert!(flaky["items"].to_string().find(STEADY).is_none());

    let slow = app.get_json("/api/tests/slow?limit=50").await;
    let slowest: Vec<&str> =
        slow["slowest"].as_array().expect("slowest").iter().filter_map(|t| t["node_id"].as_str()).collect();
    assert!(slowest.contains(&STEADY) && slowest.contains(&CHANGING), "{slow}");

    let bad = app.get("/api/tests/history?node_id=x&environment=101").await;
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.expect("json");
    assert_eq!(problem["field"], "environment", "{problem}");
    assert_eq!(app.get("/api/tests/flaky?days=0").await.status(), 422);
    let nan = app.get("/api/tests/slow?growth=NaN").await;
    assert_eq!(nan.status(), 422);
    let problem: Value = nan.json().await.expect("json");
    assert_eq!(problem["field"], "growth", "{problem}");
    assert_eq!(app.get("/api/tests/history").await.status(), 422, "node_id is needed");
}
