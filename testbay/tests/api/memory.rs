//! A run's memory over time, each test's memory growth and the service's metrics, on the real
//! leaking sample (`sample_tests/memory`).

use std::collections::HashMap;

use serde_json::Value;

use crate::helpers::{TestApp, misbehaving_tests};

const LEAKING_FILE: &str = "memory/test_report_cache.py";
const MIB: f64 = 1024.0 * 1024.0;

#[tokio::test]
async fn a_leaking_run_shows_rising_memory_and_the_test_that_grew_it() {
    // Sampled four times a second: the last sample before the run's end then misses little of
    // the leak, however slow the machine (at one a second it could miss a third of it).
    let app = TestApp::spawn_with(|config| config.sample_interval_ms = 250).await;
    let run = app.start_run(4, &[LEAKING_FILE]).await;
    let id = run["id"].as_i64().expect("id");
    let mut events = app.events(&format!("/api/runs/{id}/events"), None).await;
    let mut live_samples = 0;
    loop {
        let event = events.next().await;
        match event.data["type"].as_str() {
            Some("resources") => {
                live_samples += 1;
                assert!(event.data["sample"]["memory_bytes"].as_u64().is_some(), "a sample: {}", event.data);
            }
            Some("run") if !["queued", "running"].contains(&event.data["run"]["status"].as_str().unwrap_or("")) => {
                break;
            }
            _ => {}
        }
    }
    assert!(live_samples >= 3, "samples are streamed while the run runs: {live_samples}");
    let ended = app.get_json(&format!("/api/runs/{id}")).await;
    assert_eq!(ended["status"], "passed", "{ended}");

    let resources = app.get_json(&format!("/api/runs/{id}/resources")).await;
    let points = resources["points"].as_array().expect("points");
    assert!(points.len() >= 4, "a sample a second over a run of several seconds: {resources}");
    let times: Vec<f64> = points.iter().map(|p| p["at_s"].as_f64().expect("at_s")).collect();
    assert!(times.windows(2).all(|pair| pair[0] < pair[1]), "in time order: {times:?}");
    let memory: Vec<f64> = points.iter().map(|p| p["memory_bytes"].as_f64().expect("memory") / MIB).collect();
    let early = memory[..2].iter().copied().fold(f64::MAX, f64::min);
    let peak = memory.iter().copied().fold(0.0, f64::max);
    assert!(peak - early > 40.0, "the cache's 60 MiB shows as a rise: {memory:?}");
    assert_eq!(resources["peak_memory_bytes"].as_f64().map(|b| b / MIB), Some(peak));
    assert_eq!(resources["memory_limit_bytes"], ended["limits"]["memory_bytes"]);
    assert!(resources["enforcement"].is_string(), "says what the memory measures: {resources}");

    let tests = app.get_json(&format!("/api/runs/{id}/tests")).await;
    let growth: HashMap<&str, f64> = tests["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|t| Some((t["node_id"].as_str()?, t["memory_growth_bytes"].as_f64()? / MIB)))
        .collect();
    assert_eq!(growth.len(), 7, "every test has its growth: {tests}");
    let leaking = growth[format!("{LEAKING_FILE}::test_reports_are_cached_forever").as_str()];
    let clean = growth[format!("{LEAKING_FILE}::test_reports_are_rendered_and_let_go").as_str()];
    assert!(leaking > 40.0, "the leaking test kept its reports: {leaking} MiB");
    assert!(clean < 10.0, "the clean test kept nothing much: {clean} MiB");
    let largest = growth.iter().max_by(|a, b| a.1.total_cmp(b.1)).map(|(node, _)| *node);
    assert_eq!(largest, Some(format!("{LEAKING_FILE}::test_reports_are_cached_forever").as_str()));
    app.stop().await;
}

/// The exposition as `{name{labels}: value}`, read by a Prometheus text-format parser.
async fn scrape(app: &TestApp) -> HashMap<String, f64> {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let text = response.text().await.expect("text");
    let lines = text.lines().map(|line| Ok(line.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("the Prometheus text format");
    scrape
        .samples
        .into_iter()
        .filter_map(|sample| {
            let value = match sample.value {
                prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Gauge(v) => v,
                prometheus_parse::Value::Untyped(v) => v,
                prometheus_parse::Value::Histogram(buckets) => buckets.last().map(|b| b.count)?,
                _ => return None,
            };
            let mut labels: Vec<String> = sample.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            labels.sort();
            Some((format!("{}{{{}}}", sample.metric, labels.join(",")), value))
        })
        .collect()
}

#[tokio::test]
async fn metrics_parse_and_follow_runs_as_they_start_and_end() {
    let app = TestApp::spawn_with(|config| config.tests_root = misbehaving_tests()).await;
    let before = scrape(&app).await;
    assert!(before["process_resident_memory_bytes{}"] > 1.0 * MIB, "the service's own memory");
    assert_eq!(before["testbay_runs_created_total{}"], 0.0);
    assert_eq!(before["testbay_environment_held{environment=9}"], 0.0);

    // Held until cancelled, however slow the machine.
    let slow = app.start_run(9, &["test_wait.py"]).await;
    let slow_id = slow["id"].as_i64().expect("id");
    app.wait_until_running(slow_id).await;
    let during = scrape(&app).await;
    assert_eq!(during["testbay_runs_created_total{}"], 1.0);
    assert_eq!(during["testbay_environment_held{environment=9}"], 1.0);
    assert_eq!(during["testbay_runs_running{}"], 1.0);

    let quick = app.start_run(2, &["test_sleep.py"]).await;
    app.wait_until_finished(quick["id"].as_i64().expect("id")).await;
    app.post(&format!("/api/runs/{slow_id}/cancel"), &Value::Null).await;
    app.wait_until_finished(slow_id).await;
    // The metrics hear of ends through the runs list's stream: give it a moment.
    let mut after = scrape(&app).await;
    for _ in 0..50 {
        if after.get("testbay_runs_ended_total{status=cancelled}").copied() == Some(1.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = scrape(&app).await;
    }
    assert_eq!(after["testbay_runs_created_total{}"], 2.0);
    assert_eq!(after["testbay_runs_ended_total{status=passed}"], 1.0);
    assert_eq!(after["testbay_runs_ended_total{status=cancelled}"], 1.0);
    assert_eq!(after["testbay_run_duration_seconds{}"], 2.0, "two ended runs observed");
    assert_eq!(after["testbay_environment_held{environment=9}"], 0.0);
    assert_eq!(after["testbay_runs_running{}"], 0.0);
    app.stop().await;
}

#[tokio::test]
async fn metrics_need_the_token_the_api_needs() {
    let token = "correct-horse-battery-staple";
    let app = TestApp::spawn_with(|config| config.token = Some(token.into())).await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let scraped = app.client.get(app.url("/metrics")).bearer_auth(token).send().await.expect("request");
    assert_eq!(scraped.status(), 200);
    app.stop().await;
}

/// The guide's last step (docs/memory-leaks.md): the test that keeps the leak fixed fails on the
/// leaking code under `pytest --memray`, naming the line that allocated what stayed.
#[tokio::test]
async fn the_guides_leak_check_fails_on_the_leak_and_names_its_line() {
    let test = crate::helpers::workspace_root().join("docs/memory-leaks/test_no_leak.py");
    let output = tokio::process::Command::new(crate::helpers::python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "--memray"])
        .arg(&test)
        .output()
        .await
        .expect("pytest runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "the leak fails the test: {text}");
    assert!(text.contains("at least one location leaked more"), "{text}");
    assert!(text.contains("render:") && text.contains("sample_tests/memory/test_report_cache.py"), "{text}");
}

/// A memory-profiled run of the samples: memray's high-water mark and top call sites per test,
/// and the leak check (`limit_leaks`) fails the run with memray's explanation.
#[tokio::test]
async fn a_memory_profiled_run_shows_memrays_figures_and_fails_the_leak_check() {
    let app = TestApp::spawn().await;
    let wrong = app
        .post("/api/runs", &serde_json::json!({"user": "ada", "environment": 5, "paths": ["memory"], "profile": "cpu"}))
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(wrong.json::<Value>().await.expect("problem")["field"], "profile");

    let body = serde_json::json!({"user": "ada", "environment": 5, "paths": ["memory"], "profile": "memory"});
    let run = app.start_run_with(&body).await;
    assert_eq!(run["profile"], "memory");
    let id = run["id"].as_i64().expect("id");
    let ended = app.wait_until_finished(id).await;
    assert_eq!(ended["status"], "failed", "the leak check fails the run: {ended}");
    let tests = app.get_json(&format!("/api/runs/{id}/tests")).await;
    let items = tests["items"].as_array().expect("items");
    let by_node = |node: &str| items.iter().find(|t| t["node_id"] == node).cloned().expect(node);

    let check = by_node("memory/test_leak_check.py::test_rendering_reports_keeps_nothing");
    assert_eq!(check["outcome"], "failed", "{check}");
    let failure = check["failure"].as_str().expect("failure");
    assert!(failure.contains("leaked more"), "memray says why: {failure}");
    assert!(failure.contains("test_report_cache.py"), "and where: {failure}");

    let leaking = by_node(&format!("{LEAKING_FILE}::test_reports_are_cached_forever"));
    let memray = &leaking["memray"];
    assert!(memray["peak_bytes"].as_f64().expect("peak") / MIB > 40.0, "{memray}");
    let top = memray["top"][0]["location"].as_str().expect("a call site");
    assert!(top.starts_with("render:memory/test_report_cache.py:"), "the allocating line, in the tree: {top}");
    app.stop().await;
}
