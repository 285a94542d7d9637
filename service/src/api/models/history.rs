//! Each test's history, its records per environment, the flaky and the slow tests, and how a
//! run's failures changed, as the API shows them.

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use crate::domain::{ChangedTests, FailureChanges, HistoryEntry, RunMark, RunStatus, TestOutcome, TestStat};

/// A run, and when it was created.
#[derive(Clone, Debug, Object)]
pub struct RunMarkView {
    pub run_id: i64,
    pub at: DateTime<Utc>,
}

impl From<RunMark> for RunMarkView {
    fn from(mark: RunMark) -> Self {
        RunMarkView { run_id: mark.run.0, at: mark.at }
    }
}

/// Tests of one kind of change: how many, and the first 200 of them (none in the runs list and
/// its stream, which carry the counts: `GET /runs/{id}` has the node ids).
#[derive(Clone, Debug, Object)]
pub struct ChangedTestsView {
    pub count: u32,
    pub node_ids: Vec<String>,
}

impl From<ChangedTests> for ChangedTestsView {
    fn from(tests: ChangedTests) -> Self {
        ChangedTestsView { count: tests.count, node_ids: tests.node_ids }
    }
}

/// How a run's failures compare with each test's previous verdict (passed or failed; skips
/// do not count) in the same environment: for repeated runs of the same paths, the previous
/// such run, unless another run ran the test there in between.
#[derive(Clone, Debug, Object)]
pub struct FailureChangesView {
    /// Failed now, passed before (or never ran in this environment).
    pub new_failures: ChangedTestsView,
    /// Failed now and before.
    pub still_failing: ChangedTestsView,
    /// Passed now, failed before.
    pub fixed: ChangedTestsView,
}

impl FailureChangesView {
    /// The counts alone, as lists carry them.
    pub fn counts_only(mut self) -> Self {
        for changed in [&mut self.new_failures, &mut self.still_failing, &mut self.fixed] {
            changed.node_ids = Vec::new();
        }
        self
    }
}

impl From<FailureChanges> for FailureChangesView {
    fn from(changes: FailureChanges) -> Self {
        FailureChangesView {
            new_failures: changes.new_failures.into(),
            still_failing: changes.still_failing.into(),
            fixed: changes.fixed.into(),
        }
    }
}

/// One result of a test, with its run.
#[derive(Clone, Debug, Object)]
pub struct TestHistoryEntryView {
    pub run_id: i64,
    /// The run's environment and creation time (always there for results the history lists;
    /// nullable for the schema's sake).
    #[oai(nullable)]
    pub environment: Option<u8>,
    #[oai(nullable)]
    pub at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub user: Option<String>,
    #[oai(nullable)]
    pub run_status: Option<RunStatus>,
    pub outcome: TestOutcome,
    /// Which phase decided the outcome: `setup`, `call`, `teardown` or `collect`.
    pub phase: String,
    pub duration_s: f64,
    /// The failure's one-line summary.
    #[oai(nullable)]
    pub failure_summary: Option<String>,
    /// The content hash of the test's file in that run: where it changes, the test changed.
    #[oai(nullable)]
    pub file_hash: Option<String>,
}

impl From<HistoryEntry> for TestHistoryEntryView {
    fn from(entry: HistoryEntry) -> Self {
        TestHistoryEntryView {
            run_id: entry.run_id.0,
            environment: entry.environment.map(|environment| environment.number()),
            at: entry.at,
            user: entry.user.map(String::from),
            run_status: entry.run_status,
            outcome: entry.outcome,
            phase: entry.phase,
            duration_s: entry.duration_s,
            failure_summary: entry.failure_summary,
            file_hash: entry.file_hash,
        }
    }
}

/// A test's record in one environment, kept up to date as runs end.
#[derive(Clone, Debug, Object)]
pub struct TestRecordView {
    pub node_id: String,
    pub environment: u8,
    /// Runs that reported the test here, and how many of them it failed (failed or error).
    pub runs: u64,
    pub failures: u64,
    pub last_outcome: TestOutcome,
    pub last_run: RunMarkView,
    /// The first failure of its current failing streak; absent while it passes.
    #[oai(nullable)]
    pub failing_since: Option<RunMarkView>,
    #[oai(nullable)]
    pub first_failure: Option<RunMarkView>,
    /// The content hash of its file in its last run, and when that content was first seen.
    #[oai(nullable)]
    pub file_hash: Option<String>,
    pub content_since: DateTime<Utc>,
    /// Verdicts (passed or failed) on the current content, and how many differed from the one
    /// before: a flip on unchanged content is flakiness.
    pub verdicts: u64,
    pub flips: u64,
    /// `flips / (verdicts - 1)`.
    pub flip_rate: f64,
    #[oai(nullable)]
    pub last_flip: Option<RunMarkView>,
    /// The median of its last 20 passed durations.
    #[oai(nullable)]
    pub median_duration_s: Option<f64>,
    /// The median of its last 10 passed durations over that of the 10 before (known once it
    /// has passed 20 times here).
    #[oai(nullable)]
    pub duration_growth: Option<f64>,
}

impl From<TestStat> for TestRecordView {
    fn from(stat: TestStat) -> Self {
        TestRecordView {
            flip_rate: stat.flip_rate(),
            median_duration_s: stat.median_duration_s(),
            duration_growth: stat.duration_growth(),
            environment: stat.environment.number(),
            runs: stat.runs,
            failures: stat.failures,
            last_outcome: stat.last_outcome,
            last_run: stat.last.into(),
            failing_since: stat.failing_since.map(Into::into),
            first_failure: stat.first_failure.map(Into::into),
            file_hash: stat.file_hash,
            content_since: stat.content_since,
            verdicts: stat.content_verdicts,
            flips: stat.content_flips,
            last_flip: stat.last_flip.map(Into::into),
            node_id: stat.node_id,
        }
    }
}

/// A test's results, newest first, and its record in each environment it ran in.
#[derive(Debug, Object)]
pub struct TestHistoryView {
    pub node_id: String,
    pub entries: Vec<TestHistoryEntryView>,
    /// Pass as `until` for the next (older) page; absent on the last page.
    #[oai(nullable)]
    pub next_until: Option<DateTime<Utc>>,
    /// Its record in each environment, by environment.
    pub environments: Vec<TestRecordView>,
    /// Its first failure in any environment.
    #[oai(nullable)]
    pub first_failure: Option<RunMarkView>,
}

/// A test whose verdict flipped on unchanged content, in the environments where it did.
#[derive(Debug, Object)]
pub struct FlakyTestView {
    pub node_id: String,
    /// Flips over the chances to flip, across those environments.
    pub flip_rate: f64,
    pub flips: u64,
    pub verdicts: u64,
    pub last_flip: RunMarkView,
    pub environments: Vec<u8>,
}

#[derive(Debug, Object)]
pub struct FlakyTestList {
    /// The window: tests that flipped in the last `days` days.
    pub days: u32,
    /// Highest flip rate first.
    pub items: Vec<FlakyTestView>,
}

#[derive(Debug, Object)]
pub struct SlowTestList {
    /// Longest median passed duration first.
    pub slowest: Vec<TestRecordView>,
    /// Tests whose median duration grew at least `growth` times, most first.
    pub slower: Vec<TestRecordView>,
    pub growth: f64,
}
