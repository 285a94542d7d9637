use serde_json::json;

use super::*;

const POLICY: LimitPolicy = LimitPolicy {
    defaults: Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 256, timeout_s: 600 },
    max_timeout_s: 3600,
};

fn field_of(body: Value) -> String {
    match NewRun::from_json(&body, &POLICY) {
        Ok(run) => panic!("accepted {run:?}"),
        Err(error) => error.field,
    }
}

#[test]
fn accepts_a_full_request() {
    let run = NewRun::from_json(
        &json!({
            "user": " ada ",
            "environment": 7,
            "paths": ["math", "text/test_words.py::test_split"],
            "variables": {"BASE_URL": "http://x"},
            "limits": {"timeout_s": 60}
        }),
        &POLICY,
    )
    .expect("valid");
    assert_eq!(run.limits.timeout_s, 60);
    assert_eq!(run.limits.pids, 256);
    assert_eq!(run.user, "ada");
    assert_eq!(run.environment.number(), 7);
    assert_eq!(run.paths.len(), 2);
    assert_eq!(run.variables["BASE_URL"], "http://x");
}

#[test]
fn names_the_bad_field() {
    let ok_paths = json!(["math"]);
    assert_eq!(field_of(json!({"environment": 1, "paths": ok_paths})), "user");
    assert_eq!(field_of(json!({"user": "  ", "environment": 1, "paths": ok_paths})), "user");
    let long = "x".repeat(USER_MAX_CHARS + 1);
    assert_eq!(field_of(json!({"user": long, "environment": 1, "paths": ok_paths})), "user");
    assert_eq!(field_of(json!({"user": "a", "environment": 0, "paths": ok_paths})), "environment");
    assert_eq!(field_of(json!({"user": "a", "environment": 101, "paths": ok_paths})), "environment");
    assert_eq!(field_of(json!({"user": "a", "environment": "3", "paths": ok_paths})), "environment");
    assert_eq!(field_of(json!({"user": "a", "environment": 1, "paths": []})), "paths");
    assert_eq!(field_of(json!({"user": "a", "environment": 1})), "paths");
    assert_eq!(field_of(json!({"user": "a", "environment": 1, "paths": ["ok", "../x"]})), "paths[1]");
    assert_eq!(field_of(json!({"user": "a", "environment": 1, "paths": ["/etc"]})), "paths[0]");
    assert_eq!(field_of(json!({"user": "a", "environment": 1, "paths": ["-p"]})), "paths[0]");
    assert_eq!(field_of(json!({"user": "a", "environment": 1, "paths": ["a", "a"]})), "paths[1]");
    assert_eq!(
        field_of(json!({"user": "a", "environment": 1, "paths": ok_paths, "variables": {"TESTBAY_USER": "x"}})),
        "variables.TESTBAY_USER"
    );
    assert_eq!(field_of(json!({"user": "a", "environment": 1, "paths": ok_paths, "enviroment": 2})), "enviroment");
}

fn failed_run(node_ids: &[&str]) -> (Run, Vec<TestResult>) {
    let run = NewRun::from_json(&json!({"user": "ada", "environment": 2, "paths": ["math"]}), &POLICY).expect("valid");
    let run = Run {
        id: RunId(9),
        user: run.user,
        environment: run.environment,
        paths: run.paths,
        variables: run.variables,
        status: crate::domain::RunStatus::Failed,
        exit_code: Some(1),
        message: None,
        created_at: chrono::Utc::now(),
        started_at: None,
        finished_at: None,
        counts: crate::domain::Counts::default(),
        log_bytes: 0,
        log_truncated: false,
        log_pruned_at: None,
        stored_bytes: 0,
        node: Some("n".into()),
        limits: run.limits,
        enforcement: None,
        resources: crate::domain::ResourceUsage::default(),
        seq: 1,
        template: Some("nightly".into()),
        rerun_of: None,
        profile: None,
        created_by: None,
        cancelled_by: None,
        waiting_for_environment: false,
        failure_changes: None,
    };
    let results = node_ids
        .iter()
        .map(|id| TestResult {
            seq: 1,
            node_id: (*id).to_owned(),
            outcome: TestOutcome::Failed,
            phase: "call".into(),
            duration_s: 0.0,
            failure: None,
            memory: None,
            memray: None,
            file_hash: None,
        })
        .collect();
    (run, results)
}

#[test]
fn a_rerun_of_failures_names_each_failed_test_once() {
    let (run, mut results) = failed_run(&["a.py::t1", "a.py::t2", "a.py::t1"]);
    results.push(TestResult { outcome: TestOutcome::Passed, node_id: "a.py::ok".into(), ..results[0].clone() });
    let request = RerunRequest { failed_only: true, user: Some("bob".into()), wait_for_environment: false };
    let rerun = NewRun::rerun(&run, &request, &results, &POLICY).expect("valid");
    assert_eq!(rerun.paths, ["a.py::t1", "a.py::t2"]);
    assert_eq!(
        (rerun.user.as_str(), rerun.rerun_of, rerun.template.as_deref()),
        ("bob", Some(run.id), Some("nightly"))
    );
    let whole = NewRun::rerun(&run, &RerunRequest::default(), &results, &POLICY).expect("valid");
    assert_eq!((whole.paths, whole.user), (vec!["math".into()], "ada".into()));
}

#[test]
fn a_rerun_of_failures_refuses_what_a_client_could_not_send() {
    let request = RerunRequest { failed_only: true, user: None, wait_for_environment: false };
    let field = |ids: &[&str]| {
        let (run, results) = failed_run(ids);
        NewRun::rerun(&run, &request, &results, &POLICY).map(|_| ()).map_err(|e| e.field)
    };
    assert_eq!(field(&[]), Err("failed_only".into()));
    assert_eq!(field(&["--basetemp=x/test_a.py::t"]), Err("failed_only".into()));
    let many: Vec<String> = (0..=PATHS_MAX).map(|n| format!("a.py::t{n}")).collect();
    assert_eq!(field(&many.iter().map(String::as_str).collect::<Vec<_>>()), Err("failed_only".into()));
    assert_eq!(field(&many[..PATHS_MAX].iter().map(String::as_str).collect::<Vec<_>>()), Ok(()));
}
