use chrono::{Duration, TimeZone};

use super::*;
use crate::domain::{Counts, NewRun, ResourceUsage};
use crate::store::{EmbeddedSizes, Finish, testing};

/// `user`'s run of `t.py` in `environment`.
fn new_run(environment: u8, user: &str) -> NewRun {
    NewRun { user: user.into(), paths: vec!["t.py".into()], ..testing::new_run(environment) }
}

fn result(seq: i64, node_id: &str, outcome: TestOutcome, hash: &str) -> TestResult {
    TestResult {
        seq,
        node_id: node_id.into(),
        outcome,
        phase: "call".into(),
        duration_s: 0.25,
        failure: (outcome == TestOutcome::Failed).then(|| "E   assert 1 == 2\nt.py:3: AssertionError".into()),
        memory: None,
        memray: None,
        file_hash: Some(hash.into()),
    }
}

/// Creates, runs and ends a run with `results`, bringing its tests' records up to date as
/// the journal does.
async fn run_with(store: &Store, environment: u8, at: DateTime<Utc>, results: Vec<TestResult>) -> crate::domain::Run {
    let run = store.create_run(&new_run(environment, "ada"), at).await.expect("create");
    let mark = RunMark { run: run.id, at };
    let history = store.test_history_update(run.environment, mark, &results).await.expect("records");
    let finish = Finish {
        status: RunStatus::Passed,
        exit_code: Some(0),
        message: None,
        finished_at: at,
        counts: Counts::default(),
        log_bytes: 0,
        log_truncated: false,
        stored_bytes: 0,
        seq: 100,
        resources: ResourceUsage::default(),
        cancelled_by: None,
        log: Vec::new(),
        log_maybe_stored_to: None,
        results,
        history: Some(history),
    };
    store.finish_run(run.id, &finish).await.expect("finish").expect("was active")
}

fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).single().expect("time") + Duration::days(n)
}

async fn store() -> Store {
    Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("connect")
}

#[tokio::test]
async fn a_tests_history_is_read_newest_first_with_its_runs_fields() {
    let store = store().await;
    use TestOutcome::{Failed, Passed};
    run_with(&store, 3, day(1), vec![result(2, "t.py::a", Passed, "h1"), result(3, "t.py::b", Passed, "h1")]).await;
    run_with(&store, 7, day(2), vec![result(2, "t.py::a", Failed, "h1")]).await;
    let third = run_with(&store, 3, day(3), vec![result(2, "t.py::a", Failed, "h2")]).await;

    let query = HistoryQuery { node_id: "t.py::a".into(), environment: None, since: None, until: None, limit: 50 };
    let history = store.test_history(&query).await.expect("history");
    let runs: Vec<i64> = history.iter().map(|entry| entry.run_id.0).collect();
    assert_eq!(runs, [third.id.0, third.id.0 - 1, third.id.0 - 2], "newest first: {history:?}");
    let newest = &history[0];
    assert_eq!((newest.environment, newest.at), (Some(3.into()), Some(day(3))), "copied from the run");
    assert_eq!(newest.user.as_ref().map(UserName::as_str), Some("ada"));
    assert_eq!(newest.run_status, Some(RunStatus::Passed));
    assert_eq!(newest.failure_summary.as_deref(), Some("assert 1 == 2"));
    assert_eq!(newest.file_hash.as_deref(), Some("h2"));

    let in_three = HistoryQuery { environment: Some(3.into()), ..query.clone() };
    let history = store.test_history(&in_three).await.expect("history");
    assert_eq!(history.iter().map(|entry| entry.at).collect::<Vec<_>>(), [Some(day(3)), Some(day(1))]);
    let window = HistoryQuery { since: Some(day(2)), until: Some(day(3)), ..query.clone() };
    let history = store.test_history(&window).await.expect("history");
    assert_eq!(history.iter().map(|entry| entry.at).collect::<Vec<_>>(), [Some(day(2))]);
    let one = HistoryQuery { limit: 1, ..query };
    assert_eq!(store.test_history(&one).await.expect("history").len(), 1);
}

#[tokio::test]
async fn the_end_of_a_run_keeps_each_tests_record_and_its_failure_changes() {
    let store = store().await;
    use TestOutcome::{Failed, Passed};
    run_with(&store, 3, day(1), vec![result(2, "t.py::a", Passed, "h"), result(3, "t.py::b", Failed, "h")]).await;
    let second =
        run_with(&store, 3, day(2), vec![result(2, "t.py::a", Failed, "h"), result(3, "t.py::b", Passed, "h")]).await;
    let changes = second.failure_changes.expect("changes are stored on the run");
    assert_eq!(changes.new_failures.node_ids, ["t.py::a"]);
    assert_eq!(changes.fixed.node_ids, ["t.py::b"]);
    assert_eq!(store.run(second.id).await.expect("read").expect("run").failure_changes, Some(changes));

    let records = store.test_stats_of("t.py::a").await.expect("records");
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!((record.runs, record.failures, record.content_flips), (2, 1, 1));
    assert_eq!(record.last_flip, Some(RunMark { run: second.id, at: day(2) }));
    assert_eq!(record.recent_durations, [0.25]);

    let flaky = store.flaky_test_stats(day(2)).await.expect("flaky");
    let mut names: Vec<&str> = flaky.iter().map(|stat| stat.node_id.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["t.py::a", "t.py::b"]);
    assert!(store.flaky_test_stats(day(3)).await.expect("flaky").is_empty(), "no flip since day 3");
    let slowest = store.slowest_test_stats(1).await.expect("slowest");
    assert_eq!(slowest.len(), 1);
    assert!(store.slower_test_stats(1.5, 10).await.expect("slower").is_empty());
}

#[test]
fn index_figures_keep_two_significant_digits() {
    assert_eq!(super::coarse(0.012_345), 0.012);
    assert_eq!(super::coarse(1.96), 2.0);
    assert_eq!(super::coarse(123.4), 120.0);
    assert_eq!(super::coarse(0.0), 0.0);
}

#[tokio::test]
async fn a_runs_deletion_takes_the_records_of_tests_it_was_the_last_run_of() {
    let store = store().await;
    use TestOutcome::Passed;
    let first =
        run_with(&store, 3, day(1), vec![result(2, "t.py::gone", Passed, "h"), result(3, "t.py::kept", Passed, "h")])
            .await;
    run_with(&store, 3, day(2), vec![result(2, "t.py::kept", Passed, "h")]).await;
    run_with(&store, 4, day(2), vec![result(2, "t.py::gone", Passed, "h")]).await;
    // The first run was the last of `gone` in 3; `kept` in 3 and `gone` in 4 had later runs.
    assert_eq!(store.delete_run(first.id).await.expect("delete"), Some(1));
    let environments = |stats: Vec<TestStat>| stats.iter().map(|stat| stat.environment).collect::<Vec<_>>();
    assert_eq!(environments(store.test_stats_of("t.py::gone").await.expect("records")), [4.into()]);
    assert_eq!(environments(store.test_stats_of("t.py::kept").await.expect("records")), [3.into()]);
    assert_eq!(store.delete_run(first.id).await.expect("again"), Some(0), "a run already gone takes nothing");

    let active = store.create_run(&new_run(5, "ada"), day(3)).await.expect("create");
    assert_eq!(store.delete_run(active.id).await.expect("active"), None, "an active run stays");
    assert!(store.run(active.id).await.expect("read").is_some());
}
