//! Creating and listing runs: the environment hold and input validation.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::helpers::{TestApp, misbehaving_tests};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_run_is_stored_and_listed() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/runs", &json!({"user": "ada", "environment": 7, "paths": ["math/test_arithmetic.py"], "variables": {"GREETING": "hi"}}))
        .await;
    assert_eq!(response.status(), 201);
    let run: Value = response.json().await.expect("json");
    assert_eq!(run["user"], "ada");
    assert_eq!(run["environment"], 7);
    assert_eq!(run["paths"], json!(["math/test_arithmetic.py"]));
    assert_eq!(run["variables"], json!({"GREETING": "hi"}));
    assert!(run["status"] == "queued" || run["status"] == "running");
    let id = run["id"].as_i64().expect("numeric id");

    let stored = app.get_json(&format!("/api/runs/{id}")).await;
    assert_eq!(stored["id"], id);
    let list = app.get_json("/api/runs?environment=7").await;
    assert_eq!(list["items"][0]["id"], id);
    assert!(app.get_json("/api/runs?environment=8").await["items"].as_array().expect("items").is_empty());
    let finished = app.wait_until_finished(id).await;
    assert_eq!(finished["status"], "passed");
    assert_eq!(app.get_json("/api/runs?status=passed&user=ada").await["items"][0]["id"], id);
    assert_eq!(app.get("/api/runs/999").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_is_paged_newest_first() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for environment in 1..=5 {
        ids.push(app.start_run(environment, &["math/test_arithmetic.py"]).await["id"].as_i64().expect("id"));
    }
    let first = app.get_json("/api/runs?limit=2").await;
    let page_ids: Vec<_> = first["items"].as_array().expect("items").iter().map(|r| r["id"].as_i64()).collect();
    assert_eq!(page_ids, [Some(ids[4]), Some(ids[3])]);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = app.get_json(&format!("/api/runs?limit=2&cursor={cursor}")).await;
    assert_eq!(second["items"][0]["id"], ids[2]);
    let last =
        app.get_json(&format!("/api/runs?limit=2&cursor={}", second["next_cursor"].as_str().expect("cursor"))).await;
    assert_eq!(last["items"].as_array().expect("items").len(), 1);
    assert!(last["next_cursor"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_environment_is_refused_with_its_holder() {
    let app = TestApp::spawn().await;
    let holder = app.start_run(12, &["slow/test_slow.py"]).await;
    let response = app.create_run("bob", 12, &["math"]).await;
    assert_eq!(response.status(), 409);
    let problem: Value = response.json().await.expect("json");
    assert_eq!(problem["code"], "environment_busy");
    assert_eq!(problem["run_id"], holder["id"]);
    assert!(problem["message"].as_str().expect("message").contains(&format!("run {}", holder["id"])));
    let environments = app.get_json("/api/environments").await;
    assert_eq!(environments["items"].as_array().expect("items").len(), 100);
    assert_eq!(environments["items"][11]["run_id"], holder["id"]);
    assert!(environments["items"][10]["run_id"].is_null());
    // Another environment is unaffected.
    assert_eq!(app.create_run("bob", 13, &["math/test_arithmetic.py"]).await.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_many_concurrent_creates_for_one_environment_exactly_one_wins() {
    let app = Arc::new(TestApp::spawn_with(|config| config.tests_root = misbehaving_tests()).await);
    // The winner runs until it is cancelled, so every loser meets it holding the environment.
    let attempts: Vec<_> = (0..200)
        .map(|i| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                let response = app.create_run(&format!("user{i}"), 42, &["test_wait.py"]).await;
                let status = response.status().as_u16();
                (status, response.json::<Value>().await.expect("json"))
            })
        })
        .collect();
    let mut created = Vec::new();
    let mut busy = Vec::new();
    for attempt in attempts {
        match attempt.await.expect("join") {
            (201, run) => created.push(run),
            (409, problem) => busy.push(problem),
            (status, body) => panic!("unexpected {status}: {body}"),
        }
    }
    assert_eq!(created.len(), 1, "exactly one create wins: {created:?}, busy: {busy:?}");
    assert_eq!(busy.len(), 199);
    assert!(busy.iter().all(|problem| problem["run_id"] == created[0]["id"]));
    let stored = app.get_json("/api/runs?environment=42").await;
    assert_eq!(stored["items"].as_array().expect("items").len(), 1, "losers stored nothing");
    let cancelled = app.post(&format!("/api/runs/{}/cancel", created[0]["id"]), &Value::Null).await;
    assert_eq!(cancelled.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_422_naming_the_field_and_stores_nothing() {
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("test_secret.py"), "def test_x(): pass\n").expect("write");
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("test_ok.py"), "def test_ok(): pass\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("test_secret.py"), root.path().join("test_link.py")).expect("link");
    std::os::unix::fs::symlink(outside.path(), root.path().join("escape")).expect("link");
    let tests_root = root.path().to_path_buf();
    let app = TestApp::spawn_with(|config| config.tests_root = tests_root).await;

    let long_user = "u".repeat(65);
    let cases = [
        (json!({"user": "", "environment": 1, "paths": ["test_ok.py"]}), "user"),
        (json!({"user": long_user, "environment": 1, "paths": ["test_ok.py"]}), "user"),
        (json!({"environment": 1, "paths": ["test_ok.py"]}), "user"),
        (json!({"user": "a", "environment": 0, "paths": ["test_ok.py"]}), "environment"),
        (json!({"user": "a", "environment": 101, "paths": ["test_ok.py"]}), "environment"),
        (json!({"user": "a", "environment": "one", "paths": ["test_ok.py"]}), "environment"),
        (json!({"user": "a", "environment": 1, "paths": []}), "paths"),
        (json!({"user": "a", "environment": 1}), "paths"),
        (json!({"user": "a", "environment": 1, "paths": ["test_ok.py", "test_missing.py"]}), "paths[1]"),
        (json!({"user": "a", "environment": 1, "paths": ["../test_ok.py"]}), "paths[0]"),
        (json!({"user": "a", "environment": 1, "paths": ["/etc/passwd"]}), "paths[0]"),
        (json!({"user": "a", "environment": 1, "paths": ["test_link.py"]}), "paths[0]"),
        (json!({"user": "a", "environment": 1, "paths": ["escape/test_secret.py"]}), "paths[0]"),
        (json!({"user": "a", "environment": 1, "paths": ["--rootdir=/"]}), "paths[0]"),
        (json!({"user": "a", "environment": 1, "paths": ["test_ok.py"], "variables": {"1BAD": "x"}}), "variables.1BAD"),
        (json!({"user": "a", "environment": 1, "paths": ["test_ok.py"], "extra": true}), "extra"),
    ];
    for (body, field) in cases {
        let response = app.post("/api/runs", &body).await;
        assert_eq!(response.status(), 422, "{body}");
        let problem: Value = response.json().await.expect("problem is JSON");
        assert_eq!(problem["code"], "invalid_field", "{body}");
        assert_eq!(problem["field"], field, "{body}: {problem}");
        assert!(!problem["message"].as_str().expect("message").is_empty());
    }
    let not_json = app
        .client
        .post(app.url("/api/runs"))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(not_json.status(), 422);
    assert_eq!(not_json.json::<Value>().await.expect("json")["field"], "body");
    let bad_query = app.get("/api/runs?status=bogus").await;
    assert_eq!(bad_query.status(), 422);
    assert_eq!(bad_query.json::<Value>().await.expect("json")["field"], "status");

    assert!(app.get_json("/api/runs").await["items"].as_array().expect("items").is_empty(), "nothing was stored");
    assert!(
        app.get_json("/api/environments").await["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|e| e["run_id"].is_null())
    );
    assert_eq!(app.create_run("a", 1, &["test_ok.py"]).await.status(), 201, "the same request, valid, is accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_tree_lists_folders_and_test_files() {
    let app = TestApp::spawn().await;
    let tree = app.get_json("/api/tests").await;
    let entries: Vec<(String, String)> = tree["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (e["path"].as_str().expect("path").to_owned(), e["kind"].as_str().expect("kind").to_owned()))
        .collect();
    assert!(entries.contains(&("math".into(), "folder".into())));
    assert!(entries.contains(&("math/test_arithmetic.py".into(), "file".into())));
    assert!(entries.contains(&("slow/test_slow.py".into(), "file".into())));
    assert!(!entries.iter().any(|(path, _)| path.ends_with("README.md") || path.contains("__pycache__")));
}
