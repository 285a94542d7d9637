//! The service as a process: a restart keeps every run, and runs that a killed service left
//! active are marked interrupted, their environments freed.

use serde_json::{Value, json};

use crate::helpers::{ServiceProcess, TestApp, sample_tests};

fn run(environment: u8, path: &str) -> Value {
    json!({"user": "ops", "environment": environment, "paths": [path]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_runs_and_interrupts_what_a_killed_service_left() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let service = ServiceProcess::start(data_dir.path(), &sample_tests(), &[]);
    let done_id = service.start_run_with(&run(20, "math/test_broken.py")).await["id"].as_i64().expect("id");
    let finished = service.wait_for_run(done_id, "finished", |run| run["finished_at"].is_string()).await;
    let log_before = service.get_json(&format!("/api/runs/{done_id}/log")).await;
    let tests_before = service.get_json(&format!("/api/runs/{done_id}/tests")).await;
    let slow_id = service.start_run_with(&run(21, "slow/test_slow.py")).await["id"].as_i64().expect("id");
    service.wait_for_run(slow_id, "running", |run| run["status"] == "running").await;
    service.kill();

    let service = ServiceProcess::start(data_dir.path(), &sample_tests(), &[]);
    let kept = service.get_json(&format!("/api/runs/{done_id}")).await;
    assert_eq!(kept["status"], finished["status"]);
    assert_eq!(kept["counts"], finished["counts"]);
    assert_eq!(service.get_json(&format!("/api/runs/{done_id}/log")).await, log_before);
    assert_eq!(service.get_json(&format!("/api/runs/{done_id}/tests")).await, tests_before);

    let interrupted = service.get_json(&format!("/api/runs/{slow_id}")).await;
    assert_eq!(interrupted["status"], "interrupted");
    assert!(interrupted["finished_at"].is_string());
    let environments = service.get_json("/api/environments").await;
    assert!(environments["items"][20]["run_id"].is_null(), "environment 21 is free again");
    let new_id = service.start_run_with(&run(21, "math/test_arithmetic.py")).await["id"].as_i64().expect("id");
    assert!(new_id > slow_id, "ids keep growing across restarts");
    service.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_service_marks_its_running_runs_interrupted() {
    let app = TestApp::spawn().await;
    let run = app.start_run(30, &["slow/test_slow.py"]).await;
    let id = run["id"].as_i64().expect("id");
    app.wait_until_running(id).await;
    let data_dir = app.stop().await;
    assert!(crate::helpers::processes_of_run(data_dir.path(), id).is_empty(), "stopping ended the run's processes");
    let path = data_dir.path().to_path_buf();
    let app = TestApp::spawn_with(|config| config.data_dir = path).await;
    let run = app.get_json(&format!("/api/runs/{id}")).await;
    assert_eq!(run["status"], "interrupted");
    assert_eq!(run["message"], "the Testbay service stopped during this run");
}
