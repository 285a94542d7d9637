//! Retention through the API: a pruned log says so, its run and results stay, and the service
//! reports its settings and what its database takes.

use std::time::Duration;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_past_keeping_is_removed_and_says_so_while_its_run_stays() {
    let app = TestApp::spawn_with(|config| {
        config.keep_logs = 1;
        config.retention_interval_s = 1;
    })
    .await;
    let first = app.start_run(21, &["math/test_arithmetic.py"]).await["id"].as_i64().expect("id");
    app.wait_until_finished(first).await;
    let log = app.get_json(&format!("/api/runs/{first}/log")).await;
    assert!(!log["text"].as_str().expect("text").is_empty(), "the newest run keeps its log");
    assert!(log["pruned_at"].is_null());
    let second = app.start_run(21, &["text/test_strings.py"]).await["id"].as_i64().expect("id");
    app.wait_until_finished(second).await;

    let pruned = app.wait_for_run(first, "pruned", |run| run["log_pruned_at"].is_string()).await;
    assert_eq!(pruned["status"], "passed", "the run itself stays");
    let log = app.get_json(&format!("/api/runs/{first}/log")).await;
    assert_eq!(log["text"], "");
    assert_eq!(log["complete"], true);
    assert_eq!(log["pruned_at"], pruned["log_pruned_at"]);
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_testbay"))
        .args(["logs", "--url", &app.address, &first.to_string()])
        .output()
        .expect("the CLI runs");
    let said = String::from_utf8_lossy(&cli.stderr);
    assert!(cli.status.success(), "{said}");
    assert!(said.contains(&format!("the log of run {first} was removed")) && said.contains("retention"), "{said}");
    let tests = app.get_json(&format!("/api/runs/{first}/tests")).await;
    assert!(!tests["items"].as_array().expect("items").is_empty(), "its test results stay");
    assert!(pruned["stored_bytes"].as_u64().expect("stored bytes") < 4096, "{pruned}");

    // The newest run keeps its log, also after more passes.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let newest = app.get_json(&format!("/api/runs/{second}")).await;
    assert!(newest["log_pruned_at"].is_null());
    assert!(newest["stored_bytes"].as_u64().expect("stored bytes") > newest["log_bytes"].as_u64().expect("log bytes"));
    let log = app.get_json(&format!("/api/runs/{second}/log")).await;
    assert!(!log["text"].as_str().expect("text").is_empty());

    let system = app.get_json("/api/system").await;
    assert_eq!(system["retention"]["logs_newest"], 1);
    assert_eq!(system["retention"]["runs_days"], 365);
    assert_eq!(system["database"]["kind"], "embedded");
    assert!(system["database"]["size_bytes"].as_u64().expect("size") > 0);
}
