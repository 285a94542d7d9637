//! The sandbox, with tests that really misbehave: memory hogs, fork bombs, endless loops,
//! daemons that leave the process group, floods of output, and a service killed mid-run.

use std::time::Duration;

use chrono::DateTime;
use serde_json::{Value, json};

use crate::helpers::{
    ServiceProcess, TestApp, WITHOUT_CGROUPS, is_alive, misbehaving_tests, prerequisite, processes_of_run,
    read_pid_file,
};

async fn misbehaving_app(configure: impl FnOnce(&mut testbay_service::config::ServeConfig)) -> Option<TestApp> {
    let app = TestApp::spawn_with(|config| {
        config.tests_root = misbehaving_tests();
        configure(config);
    })
    .await;
    let system = app.get_json("/api/system").await;
    // Without a cgroup these tests would really hurt the machine.
    let missing = format!("cgroups cannot be used here ({}); the sandbox tests need them", system["sandbox_warning"]);
    prerequisite(system["enforcement"] != "rlimit", &missing, WITHOUT_CGROUPS).then_some(app)
}

async fn create(app: &TestApp, environment: u8, path: &str, extra: Value) -> Value {
    let mut body = json!({"user": "sandbox", "environment": environment, "paths": [path]});
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    app.start_run_with(&body).await
}

fn id_of(run: &Value) -> i64 {
    run["id"].as_i64().expect("id")
}

fn seconds_between(from: &Value, to: &Value) -> f64 {
    let parse = |v: &Value| DateTime::parse_from_rfc3339(v.as_str().expect("time")).expect("rfc3339");
    (parse(to) - parse(from)).num_milliseconds() as f64 / 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_reports_its_enforcement_and_runs_record_it() {
    let app = TestApp::spawn().await;
    let system = app.get_json("/api/system").await;
    assert!(["cgroup_v2", "cgroup_v1", "rlimit"].contains(&system["enforcement"].as_str().expect("enforcement")));
    assert_eq!(system["default_limits"]["memory_bytes"], 2048u64 * 1024 * 1024);
    let run = app
        .post(
            "/api/runs",
            &json!({"user": "a", "environment": 1, "paths": ["math/test_arithmetic.py"], "limits": {"memory_mb": 256, "timeout_s": 120}}),
        )
        .await
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(run["limits"]["memory_bytes"], 256u64 * 1024 * 1024);
    assert_eq!(run["limits"]["timeout_s"], 120);
    let run = app.wait_until_finished(id_of(&run)).await;
    assert_eq!(run["enforcement"], system["enforcement"]);
    if system["enforcement"] != "rlimit" {
        assert!(run["resources"]["peak_memory_bytes"].as_u64().expect("peak memory") > 1024 * 1024);
        assert!(run["resources"]["cpu_seconds"].as_f64().expect("cpu time") > 0.0);
    }
    let looser = app
        .post("/api/runs", &json!({"user": "a", "environment": 2, "paths": ["math"], "limits": {"memory_mb": 999999}}))
        .await;
    assert_eq!(looser.status(), 422);
    assert_eq!(looser.json::<Value>().await.expect("json")["field"], "limits.memory_mb");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memory_hog_is_oom_killed_inside_its_cgroup() {
    let Some(app) = misbehaving_app(|_| {}).await else { return };
    let run = create(&app, 1, "test_memory_hog.py", json!({"limits": {"memory_mb": 128}})).await;
    let run = app.wait_until_finished(id_of(&run)).await;
    assert_eq!(run["resources"]["oom_killed"], true, "{run}");
    assert_eq!(run["status"], "error");
    assert!(run["message"].as_str().expect("message").contains("OOM killer"), "{run}");
    let peak = run["resources"]["peak_memory_bytes"].as_u64().expect("peak");
    assert!(peak <= 129 * 1024 * 1024, "peak {peak} stays at the limit");
    // The service is unaffected: it answers and runs the next test.
    assert_eq!(app.get_json("/api/healthz").await["status"], "ok");
    let next = create(&app, 1, "test_sleep.py", json!({})).await;
    assert_eq!(app.wait_until_finished(id_of(&next)).await["status"], "passed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fork_bomb_stops_at_the_pids_limit() {
    let Some(app) = misbehaving_app(|_| {}).await else { return };
    let run = create(&app, 2, "test_fork_bomb.py", json!({"limits": {"pids": 48}})).await;
    let id = id_of(&run);
    // The machine stays responsive while the bomb goes off.
    let started = std::time::Instant::now();
    assert_eq!(app.get_json("/api/healthz").await["status"], "ok");
    assert!(started.elapsed() < Duration::from_secs(5));
    let run = app.wait_until_finished(id).await;
    assert_eq!(run["status"], "passed", "the fork was refused: {run}");
    let log = app.get_json(&format!("/api/runs/{id}/log")).await;
    let refused = log["text"].as_str().expect("text");
    assert!(refused.contains("fork refused after"), "{refused}");
    assert!(processes_of_run(app.data_dir.path(), id).is_empty(), "the sleeping children are gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_loop_is_stopped_at_its_timeout_and_held_to_its_cpu_share() {
    let Some(app) = misbehaving_app(|config| config.grace_period_s = 1).await else { return };
    let limits = json!({"limits": {"timeout_s": 3, "cpu_millicores": 250}});
    let polite = create(&app, 3, "test_spin.py::test_spins_forever", limits.clone()).await;
    let stubborn = create(&app, 4, "test_spin.py::test_spins_and_ignores_sigterm", limits).await;
    for run in [polite, stubborn] {
        let run = app.wait_until_finished(id_of(&run)).await;
        assert_eq!(run["status"], "timed_out", "{run}");
        let took = seconds_between(&run["started_at"], &run["finished_at"]);
        // Timeout, then at most the grace period before SIGKILL, plus slack for a busy machine.
        assert!((3.0..3.0 + 1.0 + 2.0).contains(&took), "took {took} s");
        let cpu = run["resources"]["cpu_seconds"].as_f64().expect("cpu");
        assert!(cpu < took * 0.25 + 0.5, "{cpu} CPU seconds in {took} s at a quarter core");
        assert!(processes_of_run(app.data_dir.path(), id_of(&run)).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daemon_that_left_the_process_group_does_not_outlive_its_run() {
    let Some(app) = misbehaving_app(|_| {}).await else { return };
    let pid_file = app.data_dir.path().join("daemon.pid");
    let variables = json!({"variables": {"DAEMON_PID_FILE": pid_file.display().to_string()}});
    let run = create(&app, 5, "test_daemon.py::test_leaves_a_daemon_behind", variables).await;
    let daemon = read_pid_file(&pid_file).await;
    let run = app.wait_until_finished(id_of(&run)).await;
    assert_eq!(run["status"], "passed");
    assert!(!is_alive(daemon), "daemon {daemon} was killed with its run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_leaves_no_process_and_frees_the_environment_at_once() {
    let Some(app) = misbehaving_app(|_| {}).await else { return };
    let pid_file = app.data_dir.path().join("daemon.pid");
    let variables = json!({"variables": {"DAEMON_PID_FILE": pid_file.display().to_string()}});
    let run = create(&app, 6, "test_daemon.py::test_leaves_a_daemon_then_waits", variables).await;
    let daemon = read_pid_file(&pid_file).await;
    assert!(is_alive(daemon));
    let response = app.post(&format!("/api/runs/{}/cancel", id_of(&run)), &Value::Null).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.expect("json")["status"], "cancelled");
    assert!(!is_alive(daemon), "the daemon went with the run");
    assert!(processes_of_run(app.data_dir.path(), id_of(&run)).is_empty());
    assert_eq!(app.create_run("next", 6, &["test_sleep.py"]).await.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_beyond_the_limit_wait_in_creation_order() {
    let Some(app) = misbehaving_app(|config| config.max_concurrent_runs = Some(2)).await else { return };
    let mut ids = Vec::new();
    for environment in 11..=15 {
        ids.push(id_of(&create(&app, environment, "test_sleep.py", json!({})).await));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let runs: Vec<Value> =
            futures::future::join_all(ids.iter().map(|id| app.get_json_owned(format!("/api/runs/{id}")))).await;
        let statuses: Vec<&str> = runs.iter().map(|run| run["status"].as_str().expect("status")).collect();
        if statuses == ["running", "running", "queued", "queued", "queued"] {
            let positions: Vec<_> = runs[2..].iter().map(|run| run["queue_position"].as_u64()).collect();
            assert_eq!(positions, [Some(1), Some(2), Some(3)]);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never two running and three queued: {statuses:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut finished = Vec::new();
    for id in &ids {
        finished.push(app.wait_until_finished(*id).await);
    }
    assert!(finished.iter().all(|run| run["status"] == "passed"), "{finished:?}");
    let first_end = seconds_between(&finished[0]["started_at"], &finished[0]["finished_at"])
        .min(seconds_between(&finished[0]["started_at"], &finished[1]["finished_at"]));
    for (index, run) in finished.iter().enumerate().skip(2) {
        assert!(
            seconds_between(&finished[0]["started_at"], &run["started_at"]) >= first_end - 0.05,
            "run {index} waited"
        );
        assert!(
            seconds_between(&finished[index - 1]["started_at"], &run["started_at"]) >= 0.0,
            "run {index} started after run {}",
            index - 1
        );
    }
}

/// The process group `pid` is in (`/proc/PID/stat`, the fifth field).
fn process_group_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(2)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_service_leaves_nothing_running_after_its_restart() {
    let probe = TestApp::spawn().await;
    let system = probe.get_json("/api/system").await;
    let missing = format!("cgroups cannot be used here ({}); the sandbox tests need them", system["sandbox_warning"]);
    if !prerequisite(system["enforcement"] != "rlimit", &missing, WITHOUT_CGROUPS) {
        return;
    }
    let data_dir = tempfile::tempdir().expect("temp dir");
    let pid_file = data_dir.path().join("daemon.pid");
    let service = ServiceProcess::start(data_dir.path(), &misbehaving_tests(), &[]);
    let run = service
        .start_run_with(
            &json!({"user": "ops", "environment": 7, "paths": ["test_daemon.py::test_leaves_a_daemon_then_waits"],
                           "variables": {"DAEMON_PID_FILE": pid_file.display().to_string()}}),
        )
        .await;
    let daemon = read_pid_file(&pid_file).await;
    // pytest itself: the leader of the run's process group.
    let pytest = processes_of_run(data_dir.path(), id_of(&run))
        .into_iter()
        .filter_map(|pid| i32::try_from(pid).ok())
        .find(|pid| process_group_of(*pid) == Some(*pid))
        .expect("pytest leads the run's process group");
    service.kill();
    // pytest dies with the service (its parent-death signal); the daemon left the process group.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while is_alive(pytest) {
        assert!(tokio::time::Instant::now() < deadline, "pytest {pytest} outlived the service that started it");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(is_alive(daemon), "the daemon outlived the service that started it");

    let service = ServiceProcess::start(data_dir.path(), &misbehaving_tests(), &[]);
    assert!(!is_alive(daemon), "the restart killed what was left in the run's cgroup");
    let run = service.get_json(&format!("/api/runs/{}", id_of(&run))).await;
    assert_eq!(run["status"], "interrupted");
    let environments = service.get_json("/api/environments").await;
    assert!(environments["items"][6]["run_id"].is_null(), "environment 7 is free");
    service.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_output_is_capped_and_the_service_stays_small() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let service = ServiceProcess::start(data_dir.path(), &misbehaving_tests(), &["--log-cap-bytes", "1048576"]);
    let run = service.start_run_with(&json!({"user": "ops", "environment": 8, "paths": ["test_flood.py"]})).await;
    let url = format!("/api/runs/{}", id_of(&run));
    let run = service.wait_for_run(id_of(&run), "finished", |run| run["finished_at"].is_string()).await;
    assert_eq!(run["status"], "passed", "the run went on past the cap: {run}");
    assert_eq!(run["log_truncated"], true);
    let log_bytes = run["log_bytes"].as_u64().expect("log bytes");
    assert!((1_048_576..1_048_576 + 200).contains(&log_bytes), "log is cut at the cap: {log_bytes}");
    let log = service.get_json(&format!("{url}/log")).await;
    assert!(log["text"].as_str().expect("text").ends_with("further output of this run is not kept\n"));
    // 200 MB went through the service; its peak memory stays far below that.
    let peak = service.peak_rss_bytes();
    eprintln!("the service peaked at {} MiB of RSS while a run printed 200 MB", peak / (1024 * 1024));
    const BOUND: u64 = 150 * 1024 * 1024;
    assert!(peak < BOUND, "the service peaked at {} MiB", peak / (1024 * 1024));
    service.stop();
}
