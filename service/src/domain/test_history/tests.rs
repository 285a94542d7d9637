use chrono::TimeZone;

use super::*;

fn mark(run: i64) -> RunMark {
    RunMark { run: RunId(run), at: Utc.timestamp_opt(1_800_000_000 + run * 60, 0).single().expect("time") }
}

fn outcome(node_id: &str, outcome: TestOutcome, hash: &str) -> TestOutcomeInRun {
    TestOutcomeInRun { node_id: node_id.into(), outcome, duration_s: 0.5, file_hash: Some(hash.into()) }
}

/// Runs one test through `outcomes` in environment 3, one run each, and returns its record
/// and the change of each run.
fn replay(outcomes: &[(TestOutcome, &str)]) -> (TestStat, Vec<FailureChanges>) {
    let mut known = Vec::new();
    let mut changes = Vec::new();
    for (run, (result, hash)) in (1..).zip(outcomes) {
        let (touched, changed) = record_run(known, 3.into(), mark(run), &[outcome("t.py::a", *result, hash)]);
        known = touched;
        changes.push(changed);
    }
    (known.remove(0), changes)
}

use TestOutcome::{Error, Failed, Passed, Skipped};

#[test]
fn a_test_that_passes_and_fails_on_the_same_content_is_flaky() {
    let (stat, _) = replay(&[(Passed, "h1"), (Failed, "h1"), (Passed, "h1"), (Passed, "h1"), (Error, "h1")]);
    assert_eq!((stat.content_verdicts, stat.content_flips), (5, 3));
    assert_eq!(stat.flip_rate(), 0.75);
    assert_eq!(stat.last_flip, Some(mark(5)));
    assert_eq!((stat.runs, stat.failures), (5, 2));
    assert_eq!(stat.first_failure, Some(mark(2)));
}

#[test]
fn a_change_of_content_between_verdicts_is_not_a_flip() {
    let (stat, changes) = replay(&[(Passed, "h1"), (Passed, "h1"), (Failed, "h2"), (Failed, "h2"), (Passed, "h3")]);
    assert_eq!(stat.content_flips, 0, "{stat:?}");
    assert_eq!(stat.last_flip, None);
    assert_eq!(stat.flip_rate(), 0.0);
    assert_eq!((stat.file_hash.as_deref(), stat.content_since), (Some("h3"), mark(5).at));
    // The failing it did is still told apart: new, still failing, fixed.
    assert_eq!(changes[2].new_failures.node_ids, ["t.py::a"]);
    assert_eq!(changes[3].still_failing.count, 1);
    assert_eq!(changes[4].fixed.node_ids, ["t.py::a"]);
}

#[test]
fn a_flaky_test_whose_file_changed_is_no_longer_flaky() {
    let (stat, _) = replay(&[(Passed, "h1"), (Failed, "h1"), (Passed, "h2")]);
    assert_eq!((stat.content_flips, stat.last_flip), (0, None), "{stat:?}");
    let (stat, _) = replay(&[(Passed, "h1"), (Failed, "h1"), (Passed, "h2"), (Failed, "h2")]);
    assert_eq!((stat.content_flips, stat.last_flip), (1, Some(mark(4))));
}

#[test]
fn a_skip_says_nothing_about_whether_a_test_works() {
    let (stat, changes) = replay(&[(Failed, "h"), (Skipped, "h"), (Failed, "h")]);
    assert_eq!(stat.content_flips, 0);
    assert_eq!(stat.failing_since, Some(mark(1)), "failing since its first failure: {stat:?}");
    assert_eq!(changes[2].still_failing.count, 1);
    assert_eq!(stat.last_outcome, Failed);
}

#[test]
fn failing_since_starts_again_after_a_pass() {
    let (stat, _) = replay(&[(Failed, "h"), (Passed, "h"), (Failed, "h"), (Failed, "h")]);
    assert_eq!(stat.failing_since, Some(mark(3)));
    assert_eq!(stat.first_failure, Some(mark(1)));
    let (stat, _) = replay(&[(Failed, "h"), (Passed, "h")]);
    assert_eq!(stat.failing_since, None);
}

#[test]
fn environments_are_counted_apart() {
    let (seven, changes) = record_run(Vec::new(), 7.into(), mark(1), &[outcome("t.py::a", Failed, "h")]);
    assert_eq!(changes.new_failures.count, 1);
    let (three, _) = record_run(Vec::new(), 3.into(), mark(2), &[outcome("t.py::a", Passed, "h")]);
    let (seven, changes) = record_run(seven, 7.into(), mark(3), &[outcome("t.py::a", Failed, "h")]);
    assert_eq!(changes.still_failing.count, 1, "still failing in 7 though it passed in 3");
    assert_eq!((seven[0].content_flips, three[0].content_flips), (0, 0));
}

#[test]
fn durations_keep_the_latest_passes_and_tell_growth() {
    let mut known = Vec::new();
    for run in 1..=30 {
        let duration_s = if run <= 20 { 1.0 } else { 3.0 };
        let result = TestOutcomeInRun { duration_s, ..outcome("t.py::a", Passed, "h") };
        known = record_run(known, 1.into(), mark(run), &[result]).0;
    }
    let stat = &known[0];
    assert_eq!(stat.recent_durations.len(), RECENT_DURATIONS);
    assert_eq!(stat.median_duration_s(), Some(2.0));
    assert_eq!(stat.duration_growth(), Some(3.0));
    let (fresh, _) = record_run(Vec::new(), 1.into(), mark(1), &[outcome("t.py::a", Passed, "h")]);
    assert_eq!((fresh[0].median_duration_s(), fresh[0].duration_growth()), (Some(0.5), None));
}

#[test]
fn a_test_reported_twice_in_a_run_counts_once_at_its_worst() {
    let result = |node_id: &str, outcome, seq| TestResult {
        seq,
        node_id: node_id.into(),
        outcome,
        phase: "call".into(),
        duration_s: 0.25,
        failure: None,
        memory: None,
        memray: None,
        file_hash: Some(node_id[..4].to_owned()),
    };
    let results = [result("a.py::x", Passed, 1), result("b.py::y", Skipped, 2), result("a.py::x", Error, 3)];
    let outcomes = outcomes_of(&results);
    assert_eq!(outcomes.len(), 2);
    assert_eq!((outcomes[0].outcome, outcomes[0].duration_s), (Error, 0.5));
    assert_eq!(outcomes[0].file_hash.as_deref(), Some("a.py"));
}

#[test]
fn the_listed_tests_are_bounded_and_the_count_is_not() {
    let outcomes: Vec<TestOutcomeInRun> =
        (0..FAILURE_CHANGES_LISTED + 5).map(|n| outcome(&format!("t.py::t{n}"), Failed, "h")).collect();
    let (_, changes) = record_run(Vec::new(), 1.into(), mark(1), &outcomes);
    assert_eq!(changes.new_failures.count as usize, FAILURE_CHANGES_LISTED + 5);
    assert_eq!(changes.new_failures.node_ids.len(), FAILURE_CHANGES_LISTED);
}
