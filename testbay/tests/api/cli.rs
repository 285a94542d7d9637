//! The `testbay` command-line client, run as a CI job would run it, against a live service.

use std::process::Stdio;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::helpers::{RUN_DEADLINE, ServiceProcess, TestApp, sample_tests, workspace_root};
use crate::templates::junit_counts;

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn testbay(address: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_testbay"));
    command
        .args(args)
        .env("TESTBAY_URL", address)
        .env_remove("TESTBAY_TOKEN")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Runs the client to its end.
async fn run_cli(address: &str, args: &[&str]) -> Output {
    let output = tokio::time::timeout(RUN_DEADLINE, testbay(address, args).output())
        .await
        .expect("the client ends before the deadline")
        .expect("the client starts");
    Output {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_wait_exits_with_the_runs_outcome() {
    let app = TestApp::spawn().await;
    let passed =
        run_cli(&app.address, &["run", "--user", "ci", "--env", "31", "--wait", "math/test_arithmetic.py"]).await;
    if passed.code != 0 {
        // What the run itself printed says why.
        let log = app.get_json("/api/runs/1/log").await;
        panic!("exit {}: {}{}\nthe run's log:\n{}", passed.code, passed.stdout, passed.stderr, log["text"]);
    }
    assert!(passed.stdout.contains("passed: 6 passed"), "{}", passed.stdout);

    let failed = run_cli(&app.address, &["run", "--user", "ci", "--env", "31", "--wait", "math/test_broken.py"]).await;
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert!(failed.stdout.contains("FAILED math/test_broken.py::test_wrong_answer"), "{}", failed.stdout);
    assert!(failed.stdout.contains("ERROR  math/test_broken.py::test_needs_a_database"), "{}", failed.stdout);

    let timed_out =
        run_cli(&app.address, &["run", "--user", "ci", "--env", "32", "--timeout", "1", "--wait", "slow"]).await;
    assert_eq!(timed_out.code, 2, "{}{}", timed_out.stdout, timed_out.stderr);
    assert!(timed_out.stdout.contains("timed_out"), "{}", timed_out.stdout);

    let holder = app.start_run(33, &["slow"]).await;
    let busy = run_cli(&app.address, &["run", "--user", "ci", "--env", "33", "--wait", "math"]).await;
    assert_eq!(busy.code, 3, "{}{}", busy.stdout, busy.stderr);
    assert!(busy.stderr.contains(&format!("held by run {}", holder["id"])), "{}", busy.stderr);

    let bad = run_cli(&app.address, &["run", "--user", "ci", "--env", "34", "--wait", "../outside"]).await;
    assert_eq!(bad.code, 3);
    assert!(bad.stderr.contains("paths[0]"), "{}", bad.stderr);
    let bad_env = run_cli(&app.address, &["run", "--user", "ci", "--env", "0", "--wait", "math"]).await;
    assert_eq!(bad_env.code, 3);
    assert!(bad_env.stderr.contains("environment"), "{}", bad_env.stderr);

    let cancelled = run_cli(&app.address, &["cancel", &holder["id"].to_string()]).await;
    assert_eq!(cancelled.code, 0, "{}", cancelled.stderr);
    assert!(cancelled.stdout.contains("cancelled"), "{}", cancelled.stdout);
    app.stop().await;

    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let unreachable = run_cli(&address, &["run", "--user", "ci", "--env", "1", "--wait", "math"]).await;
    assert_eq!(unreachable.code, 4, "{}", unreachable.stderr);
    assert!(unreachable.stderr.contains("cannot reach Testbay"), "{}", unreachable.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_prints_the_log_in_order_and_ends_with_the_status() {
    let app = TestApp::spawn().await;
    let paths = ["slow/test_slow.py::test_takes_a_while[1]", "slow/test_slow.py::test_takes_a_while[2]"];
    let mut args = vec!["run", "--user", "ci", "--env", "41", "--follow"];
    args.extend(paths);
    let followed = run_cli(&app.address, &args).await;
    assert_eq!(followed.code, 0, "{}{}", followed.stdout, followed.stderr);
    let expected = ["step 1: second 1", "step 1: second 2", "step 2: second 1", "step 2: second 2"];
    let positions: Vec<usize> = expected
        .iter()
        .map(|line| followed.stdout.find(line).unwrap_or_else(|| panic!("`{line}` in {}", followed.stdout)))
        .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "in order: {}", followed.stdout);
    for line in expected {
        assert_eq!(followed.stdout.matches(line).count(), 1, "`{line}` once");
    }
    assert!(!followed.stdout.contains('\u{1b}'), "no colours when not on a terminal");
    let last = followed.stdout.lines().last().expect("output");
    assert!(last.starts_with("run ") && last.contains(" passed: 2 passed"), "ends with the status: {last}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_reconnects_when_the_service_comes_back() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let first = ServiceProcess::start(data_dir.path(), &sample_tests(), &[]);
    let listen = first.address.trim_start_matches("http://").to_owned();
    let mut client = testbay(&first.address, &["run", "--user", "ci", "--env", "42", "--follow", "slow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the client starts");
    let mut stdout = BufReader::new(client.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    while !seen.iter().any(|line: &String| line.contains("step 1: second 1")) {
        let line = tokio::time::timeout(RUN_DEADLINE, stdout.next_line()).await.expect("a log line").expect("read");
        seen.push(line.expect("the log goes on"));
    }
    // The service dies without a word; the next one on the same port marks the run interrupted.
    first.kill();
    let second = ServiceProcess::start_on(&listen, data_dir.path(), &sample_tests(), &[]);
    while let Some(line) = tokio::time::timeout(RUN_DEADLINE, stdout.next_line()).await.expect("output").expect("read")
    {
        seen.push(line);
    }
    let status = tokio::time::timeout(RUN_DEADLINE, client.wait()).await.expect("the client ends").expect("wait");
    let mut stderr = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut client.stderr.take().expect("stderr"), &mut stderr)
        .await
        .expect("stderr");
    assert_eq!(status.code(), Some(2), "an interrupted run exits 2: {seen:?} {stderr}");
    assert!(stderr.contains("reconnecting"), "{stderr}");
    assert!(seen.last().is_some_and(|line| line.contains("interrupted")), "{seen:?}");
    assert_eq!(seen.iter().filter(|line| line.contains("step 1: second 1")).count(), 1, "no line twice: {seen:?}");
    second.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_parses_and_junit_matches_the_api() {
    let app = TestApp::spawn().await;
    let junit = tempfile::NamedTempFile::new().expect("temp file");
    let junit_path = junit.path().to_str().expect("utf-8 path");
    let finished =
        run_cli(&app.address, &["run", "--user", "ci", "--env", "51", "--json", "--junit", junit_path, "math", "text"])
            .await;
    assert_eq!(finished.code, 1, "{}", finished.stderr);
    let run: Value = serde_json::from_str(&finished.stdout).expect("--json prints JSON");
    assert_eq!(run["status"], "failed");
    let id = run["id"].as_i64().expect("id");
    assert_eq!(run, app.get_json(&format!("/api/runs/{id}")).await);

    let xml = std::fs::read_to_string(junit.path()).expect("the report was written");
    let (tests, failures, errors, skipped, testcases) = junit_counts(&xml);
    let counts = &run["counts"];
    let count = |key: &str| counts[key].as_u64().expect("count");
    assert_eq!((failures, errors, skipped), (count("failed"), count("errors"), count("skipped") + count("xfailed")));
    assert_eq!(
        tests,
        count("passed") + count("failed") + count("errors") + count("skipped") + count("xfailed") + count("xpassed")
    );
    assert_eq!(testcases as u64, tests);

    let created =
        run_cli(&app.address, &["run", "--user", "ci", "--env", "52", "--json", "math/test_arithmetic.py"]).await;
    assert_eq!(created.code, 0);
    let created: Value = serde_json::from_str(&created.stdout).expect("JSON");
    assert!(created["status"] == "queued" || created["status"] == "running", "{created}");
    app.wait_until_finished(created["id"].as_i64().expect("id")).await;

    for args in [
        vec!["runs", "--json"],
        vec!["runs", "--json", "--status", "failed", "--env", "51"],
        vec!["show", "--json", &id.to_string()],
        vec!["tests", "--json"],
        vec!["envs", "--json"],
        vec!["templates", "list", "--json"],
    ] {
        let output = run_cli(&app.address, &args).await;
        assert_eq!(output.code, 0, "{args:?}: {}", output.stderr);
        let _: Value =
            serde_json::from_str(&output.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", output.stdout));
    }
    let failed_only = run_cli(&app.address, &["runs", "--json", "--status", "failed"]).await;
    let page: Value = serde_json::from_str(&failed_only.stdout).expect("JSON");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "{page}");

    let table = run_cli(&app.address, &["runs"]).await;
    assert!(table.stdout.starts_with("RUN"), "{}", table.stdout);
    assert!(table.stdout.contains(&format!("\n{id} ")), "{}", table.stdout);
    let missing = run_cli(&app.address, &["show", "999999"]).await;
    assert_eq!(missing.code, 3);
    assert!(missing.stderr.contains("does not exist"), "{}", missing.stderr);
    let log = run_cli(&app.address, &["logs", &id.to_string()]).await;
    assert_eq!(log.code, 0);
    assert!(log.stdout.contains("test_wrong_answer FAILED"), "{}", log.stdout);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerun_of_failed_tests_and_templates_from_the_command_line() {
    let app = TestApp::spawn().await;
    let failed = run_cli(&app.address, &["run", "--user", "ci", "--env", "61", "--wait", "--json", "math"]).await;
    assert_eq!(failed.code, 1);
    let first: Value = serde_json::from_str(&failed.stdout).expect("JSON");
    let first_id = first["id"].to_string();
    let rerun = run_cli(&app.address, &["rerun", &first_id, "--failed", "--wait", "--json"]).await;
    assert_eq!(rerun.code, 1, "{}", rerun.stderr);
    let rerun: Value = serde_json::from_str(&rerun.stdout).expect("JSON");
    assert_eq!(rerun["rerun_of"], first["id"]);
    let mut paths: Vec<&str> = rerun["paths"].as_array().expect("paths").iter().filter_map(Value::as_str).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "math/test_broken.py::test_needs_a_database",
            "math/test_broken.py::test_passes_but_teardown_fails",
            "math/test_broken.py::test_wrong_answer"
        ]
    );
    assert_eq!(rerun["counts"]["passed"], 1, "only the failed tests ran: {rerun}");

    let saved = run_cli(
        &app.address,
        &[
            "templates",
            "save",
            "smoke",
            "--env",
            "62",
            "--var",
            "STAGE=ci",
            "--timeout",
            "90",
            "math/test_arithmetic.py",
        ],
    )
    .await;
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let shown = run_cli(&app.address, &["templates", "show", "smoke", "--json"]).await;
    let template: Value = serde_json::from_str(&shown.stdout).expect("JSON");
    assert_eq!(template["environment"], 62);
    assert_eq!(template["variables"]["STAGE"], "ci");
    assert_eq!(template["timeout_s"], 90);
    let listed = run_cli(&app.address, &["templates", "list"]).await;
    assert!(listed.stdout.contains("smoke"), "{}", listed.stdout);

    let from_template =
        run_cli(&app.address, &["run", "--user", "ci", "--template", "smoke", "--wait", "--json"]).await;
    assert_eq!(from_template.code, 0, "{}", from_template.stderr);
    let run: Value = serde_json::from_str(&from_template.stdout).expect("JSON");
    assert_eq!(run["template"], "smoke");
    assert_eq!(run["environment"], 62);
    assert_eq!(run["paths"], serde_json::json!(["math/test_arithmetic.py"]));
    let runs = run_cli(&app.address, &["runs", "--template", "smoke"]).await;
    assert!(runs.stdout.contains("smoke"), "{}", runs.stdout);

    let deleted = run_cli(&app.address, &["templates", "delete", "smoke"]).await;
    assert_eq!(deleted.code, 0);
    let gone = run_cli(&app.address, &["templates", "show", "smoke"]).await;
    assert_eq!(gone.code, 3);
    let unknown = run_cli(&app.address, &["run", "--user", "ci", "--template", "smoke", "--wait"]).await;
    assert_eq!(unknown.code, 3);
    assert!(unknown.stderr.contains("no template is named"), "{}", unknown.stderr);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_goes_with_every_request_and_its_lack_is_refused() {
    let token = "a-token-for-the-cli-test";
    let app = TestApp::spawn_with(|config| config.token = Some(token.into())).await;
    let refused = run_cli(&app.address, &["runs"]).await;
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(refused.stderr.contains("token"), "{}", refused.stderr);
    let followed =
        testbay(&app.address, &["run", "--user", "ci", "--env", "71", "--follow", "math/test_arithmetic.py"])
            .env("TESTBAY_TOKEN", token)
            .output()
            .await
            .expect("the client runs");
    let stdout = String::from_utf8_lossy(&followed.stdout);
    assert_eq!(followed.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&followed.stderr));
    assert!(stdout.contains("test_addition PASSED"), "the log came through the event stream: {stdout}");
    app.stop().await;
}

/// The README's "Use from CI" line, run as it is written there, against a live service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_ci_line_works_as_written() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README.md");
    let section = readme.split("## Use from CI").nth(1).expect("a Use from CI section");
    let line = section.lines().find(|line| line.starts_with("testbay run ")).expect("a testbay run line");
    let app = TestApp::spawn().await;
    let job_dir = tempfile::tempdir().expect("temp dir");
    let binary_dir = std::path::Path::new(env!("CARGO_BIN_EXE_testbay")).parent().expect("binary dir");
    let path = format!("{}:{}", binary_dir.display(), std::env::var("PATH").unwrap_or_default());
    let output = Command::new("sh")
        .args(["-c", line])
        .current_dir(job_dir.path())
        .env("PATH", path)
        .env("BUILD_NUMBER", "7")
        .env("TESTBAY_URL", &app.address)
        .env("NO_COLOR", "1")
        .output()
        .await
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The samples it names include failing tests: the job fails, and says why.
    assert_eq!(output.status.code(), Some(1), "`{line}`: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("FAILED math/test_broken.py::test_wrong_answer"), "{stdout}");
    let report = std::fs::read_to_string(job_dir.path().join("testbay-junit.xml")).expect("the JUnit report");
    let (tests, failures, ..) = junit_counts(&report);
    assert!(tests > 0 && failures > 0, "{report}");
    let runs = app.get_json("/api/runs?user=ci-7").await;
    assert_eq!(runs["items"].as_array().map(Vec::len), Some(1), "{runs}");
    app.stop().await;
}

/// `testbay users`: the first admin from loopback, then tokens that work, are listed without
/// their secret, and stop working when revoked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_managed_from_the_command_line() {
    let app = TestApp::spawn().await;
    let added = run_cli(&app.address, &["users", "add", "root", "--admin"]).await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    let root = added.stdout.trim().to_owned();
    assert!(root.starts_with("tb_"), "the token alone on stdout: {}", added.stdout);
    assert!(added.stderr.contains("admin root added"), "{}", added.stderr);

    let refused = run_cli(&app.address, &["users", "list"]).await;
    assert_eq!(refused.code, 3, "without a token, once users exist: {}", refused.stderr);
    let as_root = |args: &'static [&'static str]| {
        let root = root.clone();
        let address = app.address.clone();
        async move {
            let output = testbay(&address, args).env("TESTBAY_TOKEN", &root).output().await.expect("the client runs");
            (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
        }
    };
    let (code, ada) = as_root(&["users", "add", "ada"]).await;
    assert_eq!(code, Some(0));
    let (code, list) = as_root(&["users", "list"]).await;
    assert_eq!(code, Some(0));
    assert!(list.contains("ada") && list.contains("root"), "{list}");
    assert!(!list.contains(ada.trim()), "no token is listed: {list}");

    let (code, _) = as_root(&["users", "revoke", "ada"]).await;
    assert_eq!(code, Some(0));
    let revoked = testbay(&app.address, &["runs"]).env("TESTBAY_TOKEN", ada.trim()).output().await.expect("runs");
    assert_eq!(revoked.status.code(), Some(3), "a revoked token is refused");
    let (code, renewed) = as_root(&["users", "token", "ada"]).await;
    assert_eq!(code, Some(0));
    let works = testbay(&app.address, &["runs"]).env("TESTBAY_TOKEN", renewed.trim()).output().await.expect("runs");
    assert_eq!(works.status.code(), Some(0), "{}", String::from_utf8_lossy(&works.stderr));

    // An admin starts a run for a CI account and cancels it: `show` says who did both.
    let started = testbay(&app.address, &["run", "--user", "ci-nightly", "--env", "73", "--json", "slow"])
        .env("TESTBAY_TOKEN", &root)
        .output()
        .await
        .expect("run");
    let run: serde_json::Value = serde_json::from_slice(&started.stdout).expect("the run as JSON");
    let id = run["id"].as_i64().expect("id").to_string();
    let cancelled = testbay(&app.address, &["cancel", &id]).env("TESTBAY_TOKEN", &root).output().await.expect("cancel");
    assert_eq!(cancelled.status.code(), Some(0), "{}", String::from_utf8_lossy(&cancelled.stderr));
    let shown = testbay(&app.address, &["show", &id]).env("TESTBAY_TOKEN", &root).output().await.expect("show");
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("started by") && shown.contains("cancelled by"), "{shown}");
    assert!(shown.lines().any(|line| line.contains("cancelled by") && line.contains("root")), "{shown}");
    app.stop().await;
}

/// With a user's token, `testbay run` starts the run as that user without `--user`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_users_token_says_who_runs() {
    let app = TestApp::spawn().await;
    let added = run_cli(&app.address, &["users", "add", "ada"]).await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    let output = testbay(&app.address, &["run", "--env", "72", "--wait", "--json", "math/test_arithmetic.py"])
        .env("TESTBAY_TOKEN", added.stdout.trim())
        .env("USER", "someone-else")
        .output()
        .await
        .expect("the client runs");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let run: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the run as JSON");
    assert_eq!((run["user"].as_str(), run["created_by"].as_str()), (Some("ada"), Some("ada")));
    app.stop().await;
}

/// `testbay run --profile memory`: the leak check fails the run under memray and says why in
/// the failed test's line; `show` says the run was profiled and names the test that grew.
/// A plain run checks the marked test too (pytest-memray tracks tests with its markers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memory_profiled_run_from_the_command_line() {
    let app = TestApp::spawn().await;
    let args = ["run", "--user", "ci", "--env", "32", "--profile", "memory", "--wait", "memory/test_leak_check.py"];
    let profiled = run_cli(&app.address, &args).await;
    assert_eq!(profiled.code, 1, "{}{}", profiled.stdout, profiled.stderr);
    assert!(
        profiled.stdout.contains(
            "FAILED memory/test_leak_check.py::test_rendering_reports_keeps_nothing (new failure) - Test was allowed to \
             leak"
        ),
        "{}",
        profiled.stdout
    );
    let shown = run_cli(&app.address, &["show", "1"]).await;
    assert!(shown.stdout.contains("profile      memory (memray"), "{}", shown.stdout);
    assert!(shown.stdout.contains("memory growth, most first:"), "{}", shown.stdout);

    // pytest-memray tracks a test that carries its markers in any run: the check holds there too.
    let plain =
        run_cli(&app.address, &["run", "--user", "ci", "--env", "32", "--wait", "memory/test_leak_check.py"]).await;
    assert_eq!(plain.code, 1, "{}{}", plain.stdout, plain.stderr);
    let shown = run_cli(&app.address, &["show", "2"]).await;
    assert!(!shown.stdout.contains("profile"), "a plain run: {}", shown.stdout);
    // The leaking sample: `show` draws its memory and names the leaking test first.
    let leaking = ["run", "--user", "ci", "--env", "33", "--wait", "memory/test_report_cache.py"];
    assert_eq!(run_cli(&app.address, &leaking).await.code, 0);
    let shown = run_cli(&app.address, &["show", "3"]).await;
    let memory = shown.stdout.lines().find(|line| line.trim_start().starts_with("memory ")).expect("a memory line");
    assert!(memory.contains(" peak ") && memory.contains(" of 2.0 GiB"), "{memory}");
    let first =
        shown.stdout.lines().skip_while(|line| !line.starts_with("memory growth")).nth(1).expect("a growth line");
    assert!(first.ends_with("memory/test_report_cache.py::test_reports_are_cached_forever"), "{}", shown.stdout);
    let wrong = run_cli(&app.address, &["run", "--user", "ci", "--env", "32", "--profile", "cpu", "math"]).await;
    assert_eq!(wrong.code, 3, "a profile the client does not know is refused: {}", wrong.stderr);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tests_history_and_the_flaky_list_from_the_command_line() {
    const FLAKY: &str = "history/test_flaky_service.py::test_the_service_answers";
    let app = TestApp::spawn().await;
    let run = |down: bool| {
        let mut args = vec!["run", "--user", "ci", "--env", "35", "--wait", "history/test_flaky_service.py"];
        if down {
            args.extend(["--var", "SAMPLE_SERVICE_DOWN=1"]);
        }
        let address = app.address.clone();
        async move { run_cli(&address, &args).await }
    };
    assert_eq!(run(false).await.code, 0);
    let failed = run(true).await;
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert!(failed.stdout.contains("1 new failure"), "the summary counts it: {}", failed.stdout);
    assert!(failed.stdout.contains(&format!("FAILED {FLAKY} (new failure)")), "{}", failed.stdout);
    let again = run(true).await;
    assert!(again.stdout.contains("1 still failing"), "{}", again.stdout);
    assert!(!again.stdout.contains("(new failure)"), "{}", again.stdout);
    let fixed = run(false).await;
    assert!(fixed.stdout.contains("1 fixed"), "{}", fixed.stdout);

    let history = run_cli(&app.address, &["history", FLAKY]).await;
    assert_eq!(history.code, 0, "{}", history.stderr);
    assert!(
        history.stdout.contains("env 35: 4 runs, 2 failed, last passed; flaky: 2 flips in 4 verdicts"),
        "{}",
        history.stdout
    );
    let rows: Vec<&str> = history.stdout.lines().filter(|line| line.contains(" ci ")).collect();
    assert_eq!(rows.len(), 4, "a row a run: {}", history.stdout);
    assert!(rows[1].contains("failed") && rows[1].contains("the service did not answer"), "{}", rows[1]);
    let flaky = run_cli(&app.address, &["flaky"]).await;
    assert!(flaky.stdout.contains(FLAKY) && flaky.stdout.contains("67 %"), "{}", flaky.stdout);
    assert!(!flaky.stdout.contains("test_arithmetic_still_works"), "{}", flaky.stdout);
    let slow = run_cli(&app.address, &["slow", "--json"]).await;
    let slow: Value = serde_json::from_str(&slow.stdout).expect("json");
    assert!(slow["slowest"].as_array().is_some_and(|tests| tests.len() == 2), "{slow}");
    let recent = run_cli(&app.address, &["history", FLAKY, "--days", "1", "--env", "35", "--json"]).await;
    let recent: Value = serde_json::from_str(&recent.stdout).expect("json");
    assert_eq!(recent["entries"].as_array().map(Vec::len), Some(4), "{recent}");
    let unknown = run_cli(&app.address, &["history", "nowhere.py::test"]).await;
    assert!(unknown.stdout.contains("no results"), "{}", unknown.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_waits_for_its_environment_from_the_command_line() {
    let app = TestApp::spawn().await;
    let holder = app.start_run(33, &["slow/test_slow.py::test_takes_a_while[1]"]).await;
    let refused = run_cli(&app.address, &["run", "--user", "ci", "--env", "33", "math/test_arithmetic.py"]).await;
    assert_eq!(refused.code, 3, "refused while held: {}{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("wait_for_environment"), "the refusal says how to wait: {}", refused.stderr);

    let waiting = ["run", "--user", "ci", "--env", "33", "--wait-for-environment", "math/test_arithmetic.py"];
    let in_line = run_cli(&app.address, &waiting).await;
    assert_eq!(in_line.code, 0, "{}{}", in_line.stdout, in_line.stderr);
    let envs = run_cli(&app.address, &["envs"]).await;
    let row = envs.stdout.lines().find(|line| line.trim_start().starts_with("33")).unwrap_or_default().to_owned();
    let first_in_line = app.get_json("/api/environments").await["items"][32]["waiting"][0].clone();
    assert!(
        row.contains(&format!("run {}", holder["id"])) && row.contains(&format!("run {first_in_line}")),
        "{}",
        envs.stdout
    );
    let waited = run_cli(
        &app.address,
        &["run", "--user", "ci", "--env", "33", "--wait-for-environment", "--wait", "math/test_arithmetic.py"],
    )
    .await;
    assert_eq!(waited.code, 0, "{}{}", waited.stdout, waited.stderr);
    assert!(waited.stderr.contains("#2 in line for the environment"), "{}", waited.stderr);
    let holder = app.get_json(&format!("/api/runs/{}", holder["id"])).await;
    assert_eq!(holder["status"], "passed", "the holder ran to its end first");
}
