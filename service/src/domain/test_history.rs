//! Each test's record in each environment, brought up to date when a run ends instead of
//! recomputed from its results: whether it works, since when it fails, whether it is flaky on
//! its current code, and how long it takes.
//!
//! A test's *verdict* in a run is passed (passed, xfailed, xpassed) or failed (failed, error);
//! a skip says nothing. A test *flips* when its verdict differs from its previous verdict in
//! the same environment while its file's content (`file_hash`) is the same: a changed file
//! makes a changed test, not a flaky one, and starts its count again. A test that fails in
//! environment 7 and passes in 3 is not flaky either: each environment is counted apart.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Environment, RunId, RunStatus, TestOutcome, TestResult, UserName};

/// Durations of passed results kept per test and environment, newest last.
pub const RECENT_DURATIONS: usize = 20;
/// Node ids listed per kind of failure change on a run (the counts are exact).
pub const FAILURE_CHANGES_LISTED: usize = 200;

/// Whether a result says the test works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
}

impl Verdict {
    pub fn of(outcome: TestOutcome) -> Option<Verdict> {
        match outcome {
            TestOutcome::Passed | TestOutcome::Xfailed | TestOutcome::Xpassed => Some(Verdict::Passed),
            TestOutcome::Failed | TestOutcome::Error => Some(Verdict::Failed),
            TestOutcome::Skipped => None,
        }
    }
}

/// What one test did in a run: its worst outcome when it reported several (a test that passed
/// and then failed its teardown failed), their durations added.
#[derive(Clone, Debug, PartialEq)]
pub struct TestOutcomeInRun {
    pub node_id: String,
    pub outcome: TestOutcome,
    pub duration_s: f64,
    pub file_hash: Option<String>,
}

/// One event of a test in one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunMark {
    pub run: RunId,
    pub at: DateTime<Utc>,
}

/// A test's record in one environment.
#[derive(Clone, Debug, PartialEq)]
pub struct TestStat {
    pub node_id: String,
    pub environment: Environment,
    /// Runs that reported the test, and how many of them it failed.
    pub runs: u64,
    pub failures: u64,
    pub last_outcome: TestOutcome,
    pub last: RunMark,
    pub verdict: Option<Verdict>,
    /// The first failure of the failures it has had since it last passed.
    pub failing_since: Option<RunMark>,
    pub first_failure: Option<RunMark>,
    /// The content hash of its file in its last run, and when that content was first seen.
    pub file_hash: Option<String>,
    pub content_since: DateTime<Utc>,
    /// Verdicts on the current content, and how many of them differed from the one before.
    pub content_verdicts: u64,
    pub content_flips: u64,
    pub last_flip: Option<RunMark>,
    /// Durations of its latest passed results, oldest first.
    pub recent_durations: Vec<f64>,
}

impl TestStat {
    fn first(node_id: &str, environment: Environment, outcome: &TestOutcomeInRun, mark: RunMark) -> TestStat {
        TestStat {
            node_id: node_id.to_owned(),
            environment,
            runs: 0,
            failures: 0,
            last_outcome: outcome.outcome,
            last: mark,
            verdict: None,
            failing_since: None,
            first_failure: None,
            file_hash: outcome.file_hash.clone(),
            content_since: mark.at,
            content_verdicts: 0,
            content_flips: 0,
            last_flip: None,
            recent_durations: Vec::new(),
        }
    }

    /// How often its verdict flipped on its current content, of the times it could have.
    pub fn flip_rate(&self) -> f64 {
        if self.content_verdicts < 2 { 0.0 } else { self.content_flips as f64 / (self.content_verdicts - 1) as f64 }
    }

    /// The median of its recent passed durations.
    pub fn median_duration_s(&self) -> Option<f64> {
        median(&self.recent_durations)
    }

    /// How many times slower the newer half of its recent passed durations is than the older
    /// half, by their medians; known once both halves are full.
    pub fn duration_growth(&self) -> Option<f64> {
        if self.recent_durations.len() < RECENT_DURATIONS {
            return None;
        }
        let (older, newer) = self.recent_durations.split_at(RECENT_DURATIONS / 2);
        let (older, newer) = (median(older)?, median(newer)?);
        (older > 0.0).then(|| newer / older)
    }

    /// Takes in the test's outcome in a newer run; says how its failing changed.
    fn record(&mut self, outcome: &TestOutcomeInRun, mark: RunMark) -> Option<FailureChange> {
        if outcome.file_hash.is_some() && outcome.file_hash != self.file_hash {
            self.file_hash.clone_from(&outcome.file_hash);
            self.content_since = mark.at;
            self.content_verdicts = 0;
            self.content_flips = 0;
            // Its flips were of the code it had: the new code is not flaky until it flips.
            self.last_flip = None;
        }
        self.runs += 1;
        self.last_outcome = outcome.outcome;
        self.last = mark;
        if outcome.outcome == TestOutcome::Passed {
            self.recent_durations.push(outcome.duration_s);
            let extra = self.recent_durations.len().saturating_sub(RECENT_DURATIONS);
            self.recent_durations.drain(..extra);
        }
        let verdict = Verdict::of(outcome.outcome)?;
        let before = self.verdict.replace(verdict);
        if self.content_verdicts > 0 && before.is_some_and(|before| before != verdict) {
            self.content_flips += 1;
            self.last_flip = Some(mark);
        }
        self.content_verdicts += 1;
        match verdict {
            Verdict::Failed => {
                self.failures += 1;
                self.first_failure.get_or_insert(mark);
                if before == Some(Verdict::Failed) {
                    Some(FailureChange::StillFailing)
                } else {
                    self.failing_since = Some(mark);
                    Some(FailureChange::New)
                }
            }
            Verdict::Passed => {
                self.failing_since = None;
                (before == Some(Verdict::Failed)).then_some(FailureChange::Fixed)
            }
        }
    }
}

fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some(f64::midpoint(sorted[middle - 1], sorted[middle])),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FailureChange {
    New,
    StillFailing,
    Fixed,
}

/// Tests of one kind of change: how many, and the first `FAILURE_CHANGES_LISTED` of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangedTests {
    pub count: u32,
    pub node_ids: Vec<String>,
}

impl ChangedTests {
    fn add(&mut self, node_id: &str) {
        self.count += 1;
        if self.node_ids.len() < FAILURE_CHANGES_LISTED {
            self.node_ids.push(node_id.to_owned());
        }
    }
}

/// How a run's failures compare with each test's previous verdict in the same environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailureChanges {
    /// Failed now, and passed (or never ran here) before.
    pub new_failures: ChangedTests,
    /// Failed now and before.
    pub still_failing: ChangedTests,
    /// Passed now, failed before.
    pub fixed: ChangedTests,
}

/// Each test's outcome in a run, one per node id, in the order the tests first reported.
pub fn outcomes_of(results: &[TestResult]) -> Vec<TestOutcomeInRun> {
    let mut order: Vec<TestOutcomeInRun> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for result in results {
        match index.get(result.node_id.as_str()) {
            Some(&at) => {
                let seen = &mut order[at];
                if severity(result.outcome) > severity(seen.outcome) {
                    seen.outcome = result.outcome;
                }
                seen.duration_s += result.duration_s;
            }
            None => {
                index.insert(&result.node_id, order.len());
                order.push(TestOutcomeInRun {
                    node_id: result.node_id.clone(),
                    outcome: result.outcome,
                    duration_s: result.duration_s,
                    file_hash: result.file_hash.clone(),
                });
            }
        }
    }
    order
}

fn severity(outcome: TestOutcome) -> u8 {
    match outcome {
        TestOutcome::Skipped => 0,
        TestOutcome::Xfailed => 1,
        TestOutcome::Passed => 2,
        TestOutcome::Xpassed => 3,
        TestOutcome::Failed => 4,
        TestOutcome::Error => 5,
    }
}

/// Brings the records of a run's tests up to date: `known` holds the records the tests had in
/// the run's environment (absent for a test new there). Returns every touched record and how
/// the run's failures changed.
pub fn record_run(
    known: Vec<TestStat>,
    environment: Environment,
    mark: RunMark,
    outcomes: &[TestOutcomeInRun],
) -> (Vec<TestStat>, FailureChanges) {
    let mut known: HashMap<String, TestStat> = known.into_iter().map(|stat| (stat.node_id.clone(), stat)).collect();
    let mut changes = FailureChanges::default();
    let mut touched = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        let mut stat = known
            .remove(&outcome.node_id)
            .unwrap_or_else(|| TestStat::first(&outcome.node_id, environment, outcome, mark));
        match stat.record(outcome, mark) {
            Some(FailureChange::New) => changes.new_failures.add(&outcome.node_id),
            Some(FailureChange::StillFailing) => changes.still_failing.add(&outcome.node_id),
            Some(FailureChange::Fixed) => changes.fixed.add(&outcome.node_id),
            None => {}
        }
        touched.push(stat);
    }
    (touched, changes)
}

/// Which results of a test its history shows: newest first, at most `limit`.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryQuery {
    pub node_id: String,
    pub environment: Option<Environment>,
    /// Results of runs created at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Results of runs created before this time (the next page starts at the last `at`).
    pub until: Option<DateTime<Utc>>,
    pub limit: usize,
}

/// One result in a test's history, with its run's environment, user and creation time (the
/// user and status are read from the run, which a result outlives in no case but a race with
/// retention).
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    pub run_id: RunId,
    pub environment: Option<Environment>,
    pub at: Option<DateTime<Utc>>,
    pub user: Option<UserName>,
    pub run_status: Option<RunStatus>,
    pub outcome: TestOutcome,
    pub phase: String,
    pub duration_s: f64,
    pub failure_summary: Option<String>,
    pub file_hash: Option<String>,
}

#[cfg(test)]
mod tests;
