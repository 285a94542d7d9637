//! Runs execute real pytest processes: counts, per-test results, logs and cancel.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::{TestApp, processes_of_run, python, sample_tests};

/// Runs pytest directly on `paths` and reads its summary line, e.g.
/// `2 failed, 11 passed, 3 skipped, 1 xfailed, 1 xpassed, 2 errors in 0.03s`.
fn pytest_summary(paths: &[&str], environment: u8) -> BTreeMap<String, u64> {
    let output = std::process::Command::new(python())
        .args(["-m", "pytest", "-p", "no:cacheprovider", "-q", "--color=no"])
        .args(paths)
        .current_dir(sample_tests())
        .env("TESTBAY_ENVIRONMENT", environment.to_string())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("pytest runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout.lines().last().expect("a summary line");
    let counts = summary.split(" in ").next().expect("counts part");
    counts
        .trim_matches('=')
        .split(',')
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let n = words.next()?.parse().ok()?;
            let word = words.next()?;
            let key = match word {
                "error" | "errors" => "errors",
                other => other,
            };
            Some((key.to_owned(), n))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runs_counts_equal_pytests_own_summary() {
    let app = TestApp::spawn().await;
    let paths = ["math", "text"];
    let run = app.start_run(4, &paths).await;
    let run = app.wait_until_finished(run["id"].as_i64().expect("id")).await;
    let expected = pytest_summary(&paths, 4);
    assert!(expected.len() >= 5, "the samples show many outcomes: {expected:?}");
    for key in ["passed", "failed", "skipped", "errors", "xfailed", "xpassed"] {
        assert_eq!(
            run["counts"][key].as_u64().unwrap_or(0),
            expected.get(key).copied().unwrap_or(0),
            "{key}: run {run} against pytest {expected:?}"
        );
    }
    assert_eq!(run["status"], "failed");
    assert_eq!(run["exit_code"], 1);
    assert!(run["counts"]["total"].as_u64().expect("total") > 0);
    assert!(run["started_at"].is_string() && run["duration_s"].as_f64().expect("duration") > 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_keeps_its_log_and_per_test_results() {
    let app = TestApp::spawn().await;
    let run = app.start_run(5, &["math/test_broken.py", "text/test_output.py", "text/test_environment.py"]).await;
    let id = run["id"].as_i64().expect("id");
    let run = app.wait_until_finished(id).await;

    let results = app.get_json(&format!("/api/runs/{id}/tests")).await;
    let items = results["items"].as_array().expect("items");
    let find = |node: &str, phase: &str| {
        items
            .iter()
            .find(|r| r["node_id"] == node && r["phase"] == phase)
            .unwrap_or_else(|| panic!("no {phase} result for {node} in {results}"))
    };
    let wrong = find("math/test_broken.py::test_wrong_answer", "call");
    assert_eq!(wrong["outcome"], "failed");
    assert!(wrong["failure"].as_str().expect("failure text").contains("arithmetic is broken"));
    assert_eq!(find("math/test_broken.py::test_needs_a_database", "setup")["outcome"], "error");
    assert_eq!(find("math/test_broken.py::test_passes_but_teardown_fails", "call")["outcome"], "passed");
    assert_eq!(find("math/test_broken.py::test_passes_but_teardown_fails", "teardown")["outcome"], "error");
    assert_eq!(find("text/test_environment.py::test_knows_its_environment", "call")["outcome"], "passed");

    let log = app.get_json(&format!("/api/runs/{id}/log")).await;
    let text = log["text"].as_str().expect("text");
    assert!(log["complete"].as_bool().expect("complete"));
    assert_eq!(log["next_offset"], run["log_bytes"]);
    for expected in ["test session starts", "stdout line 2", "a warning on stderr", "running in test environment 5"] {
        assert!(text.contains(expected), "the log lacks {expected:?}");
    }
    // Reading from an offset returns the rest of the same log.
    let tail = app.get_json(&format!("/api/runs/{id}/log?offset=100")).await;
    assert_eq!(tail["offset"], 100);
    assert_eq!(tail["text"].as_str().expect("text"), &text[100..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_cannot_collect_is_an_error() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("test_broken_syntax.py"), "def test_x(:\n").expect("write");
    let tests_root = root.path().to_path_buf();
    let app = TestApp::spawn_with(|config| config.tests_root = tests_root).await;
    let run = app.start_run(1, &["test_broken_syntax.py"]).await;
    let run = app.wait_until_finished(run["id"].as_i64().expect("id")).await;
    assert_eq!(run["status"], "error");
    assert_eq!(run["exit_code"], 2);
    assert_eq!(run["counts"]["errors"], 1);
    let results = app.get_json(&format!("/api/runs/{}/tests", run["id"])).await;
    assert_eq!(results["items"][0]["phase"], "collect");
    assert!(results["items"][0]["failure"].as_str().expect("failure").contains("SyntaxError"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_ends_a_slow_run_and_frees_its_environment() {
    let app = TestApp::spawn().await;
    let run = app.start_run(9, &["slow/test_slow.py"]).await;
    let id = run["id"].as_i64().expect("id");
    app.wait_until_running(id).await;
    // Wait until pytest itself prints, so the cancel meets a live process tree.
    app.wait_for_run(id, "printing", |run| run["log_bytes"].as_u64() > Some(0)).await;
    assert!(!processes_of_run(app.data_dir.path(), id).is_empty(), "pytest is running");

    let response = app.post(&format!("/api/runs/{id}/cancel"), &Value::Null).await;
    assert_eq!(response.status(), 200);
    let cancelled: Value = response.json().await.expect("json");
    assert_eq!(cancelled["status"], "cancelled");
    assert!(cancelled["finished_at"].is_string());
    assert_eq!(processes_of_run(app.data_dir.path(), id), Vec::<u32>::new(), "no process of the run is left");
    assert_eq!(app.create_run("next", 9, &["math/test_arithmetic.py"]).await.status(), 201, "the environment is free");

    let again = app.post(&format!("/api/runs/{id}/cancel"), &Value::Null).await;
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await.expect("json")["code"], "run_not_active");
    assert_eq!(app.post("/api/runs/999/cancel", &Value::Null).await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_beyond_the_concurrency_limit_wait_queued_and_can_be_cancelled() {
    let app = TestApp::spawn_with(|config| config.max_concurrent_runs = Some(1)).await;
    let first = app.start_run(1, &["slow/test_slow.py"]).await;
    let second = app.start_run(2, &["math/test_arithmetic.py"]).await;
    app.wait_until_running(first["id"].as_i64().expect("id")).await;
    let waiting = app.get_json(&format!("/api/runs/{}", second["id"])).await;
    assert_eq!(waiting["status"], "queued");
    let response = app.post(&format!("/api/runs/{}/cancel", second["id"]), &Value::Null).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.expect("json")["status"], "cancelled");
    assert_eq!(app.create_run("x", 2, &["math"]).await.status(), 201, "its environment is free");
}

/// Runs share a tree that others use too: a run writes nothing into it. Bytecode, pytest's
/// rewritten test modules among it, is cached in the data dir instead, for the next run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_writes_nothing_into_the_tree_and_caches_bytecode_in_the_data_dir() {
    let tree = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(tree.path().join("pkg")).expect("mkdir");
    std::fs::write(tree.path().join("pkg/helper.py"), "def double(n):\n    return 2 * n\n").expect("write");
    std::fs::write(
        tree.path().join("pkg/test_double.py"),
        "from helper import double\n\ndef test_double():\n    assert double(2) == 4\n",
    )
    .expect("write");
    std::fs::write(
        tree.path().join("pkg/conftest.py"),
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n",
    )
    .expect("write");
    let tree_root = tree.path().to_path_buf();
    let app = TestApp::spawn_with(|config| config.tests_root = tree_root).await;
    for _ in 0..2 {
        let run = app.start_run(12, &["pkg"]).await;
        let finished = app.wait_until_finished(run["id"].as_i64().expect("id")).await;
        assert_eq!(finished["status"], "passed", "{finished}");
    }
    let mut written = Vec::new();
    for entry in walk(tree.path()) {
        if entry.file_name().is_some_and(|name| name == "__pycache__" || name.to_string_lossy().ends_with(".pyc")) {
            written.push(entry);
        }
    }
    assert!(written.is_empty(), "nothing written into the tree: {written:?}");
    let cached: Vec<_> = walk(&app.data_dir.path().join("runs/pycache"))
        .into_iter()
        .filter(|path| path.to_string_lossy().contains("test_double") && path.extension().is_some_and(|e| e == "pyc"))
        .collect();
    assert!(!cached.is_empty(), "pytest's rewritten test module is cached in the data dir");
}

fn walk(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}
