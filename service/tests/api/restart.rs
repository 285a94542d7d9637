//! The service as a process: a restart keeps every run, and runs that a killed service left
//! active are marked interrupted, their environments freed.

use serde_json::{Value, json};

use crate::helpers::{ServiceProcess, TestApp, sample_tests};

async fn get(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(&url).send().await.expect("request");
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_runs_and_interrupts_what_a_killed_service_left() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let client = reqwest::Client::new();
    let service = ServiceProcess::start(data_dir.path(), &sample_tests(), &[]);
    let create = |address: &str, environment: u8, path: &str| {
        client
            .post(format!("{address}/api/runs"))
            .json(&json!({"user": "ops", "environment": environment, "paths": [path]}))
            .send()
    };
    let done: Value =
        create(&service.address, 20, "math/test_broken.py").await.expect("create").json().await.expect("json");
    let done_id = done["id"].as_i64().expect("id");
    let finished = loop {
        let run = get(&client, format!("{}/api/runs/{done_id}", service.address)).await;
        if run["finished_at"].is_string() {
            break run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let log_before = get(&client, format!("{}/api/runs/{done_id}/log", service.address)).await;
    let tests_before = get(&client, format!("{}/api/runs/{done_id}/tests", service.address)).await;

    let slow: Value =
        create(&service.address, 21, "slow/test_slow.py").await.expect("create").json().await.expect("json");
    let slow_id = slow["id"].as_i64().expect("id");
    loop {
        let run = get(&client, format!("{}/api/runs/{slow_id}", service.address)).await;
        if run["status"] == "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    service.kill();

    let service = ServiceProcess::start(data_dir.path(), &sample_tests(), &[]);
    let kept = get(&client, format!("{}/api/runs/{done_id}", service.address)).await;
    assert_eq!(kept["status"], finished["status"]);
    assert_eq!(kept["counts"], finished["counts"]);
    assert_eq!(get(&client, format!("{}/api/runs/{done_id}/log", service.address)).await, log_before);
    assert_eq!(get(&client, format!("{}/api/runs/{done_id}/tests", service.address)).await, tests_before);

    let interrupted = get(&client, format!("{}/api/runs/{slow_id}", service.address)).await;
    assert_eq!(interrupted["status"], "interrupted");
    assert!(interrupted["finished_at"].is_string());
    let environments = get(&client, format!("{}/api/environments", service.address)).await;
    assert!(environments["items"][20]["run_id"].is_null(), "environment 21 is free again");
    let again = create(&service.address, 21, "math/test_arithmetic.py").await.expect("create");
    assert_eq!(again.status(), 201);
    let new_id = again.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
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
