//! A run as Testbay stores and reports it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::{Enforcement, Environment, Limits, ResourceUsage, TemplateName, TestPath, UserName};

/// The number of a run, as in "run 112". Ids only grow, so newer runs have larger ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunId(pub i64);

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a run is in its life.
///
/// ```text
///   queued ──► running ──► passed | failed | error | cancelled | timed_out | interrupted
///     └──► cancelled | interrupted
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunStatus {
    Queued,
    Running,
    Passed,
    Failed,
    Error,
    Cancelled,
    TimedOut,
    Interrupted,
}

impl RunStatus {
    pub const ALL: [RunStatus; 8] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Passed,
        RunStatus::Failed,
        RunStatus::Error,
        RunStatus::Cancelled,
        RunStatus::TimedOut,
        RunStatus::Interrupted,
    ];

    /// An active run holds its environment.
    pub fn is_active(self) -> bool {
        matches!(self, RunStatus::Queued | RunStatus::Running)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Passed => "passed",
            RunStatus::Failed => "failed",
            RunStatus::Error => "error",
            RunStatus::Cancelled => "cancelled",
            RunStatus::TimedOut => "timed_out",
            RunStatus::Interrupted => "interrupted",
        }
    }

    /// The final status of a pytest process that exited on its own with `code`.
    ///
    /// pytest exits 0 when all tests passed, 1 when some failed, and 2 to 5 when it was
    /// interrupted, hit an internal error, was misused or collected nothing.
    pub fn from_pytest_exit(code: Option<i32>) -> RunStatus {
        match code {
            Some(0) => RunStatus::Passed,
            Some(1) => RunStatus::Failed,
            _ => RunStatus::Error,
        }
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not a known status.
#[derive(Debug, thiserror::Error)]
#[error("unknown run status `{0}`")]
pub struct UnknownStatus(String);

impl FromStr for RunStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunStatus::ALL.into_iter().find(|status| status.as_str() == s).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// Test counts by outcome, counted the way pytest's summary line counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
    pub errors: u32,
    pub xfailed: u32,
    pub xpassed: u32,
    /// Tests collected; known once collection is over.
    pub total: u32,
}

impl Counts {
    /// Counts one test report the way pytest's terminal summary does: a failing setup or
    /// teardown is an error, a passing setup or teardown counts for nothing.
    pub fn record(&mut self, outcome: TestOutcome) {
        match outcome {
            TestOutcome::Passed => self.passed += 1,
            TestOutcome::Failed => self.failed += 1,
            TestOutcome::Skipped => self.skipped += 1,
            TestOutcome::Error => self.errors += 1,
            TestOutcome::Xfailed => self.xfailed += 1,
            TestOutcome::Xpassed => self.xpassed += 1,
        }
    }
}

/// The outcome of one test, as pytest names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestOutcome {
    Passed,
    Failed,
    Skipped,
    Xfailed,
    Xpassed,
    Error,
}

impl TestOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            TestOutcome::Passed => "passed",
            TestOutcome::Failed => "failed",
            TestOutcome::Skipped => "skipped",
            TestOutcome::Xfailed => "xfailed",
            TestOutcome::Xpassed => "xpassed",
            TestOutcome::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<TestOutcome> {
        [
            TestOutcome::Passed,
            TestOutcome::Failed,
            TestOutcome::Skipped,
            TestOutcome::Xfailed,
            TestOutcome::Xpassed,
            TestOutcome::Error,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == s)
    }
}

/// The result of one test (or of one collection error) in a run.
#[derive(Clone, Debug, PartialEq)]
pub struct TestResult {
    /// Position in the run's event sequence.
    pub seq: i64,
    /// pytest's node id, e.g. `math/test_add.py::test_add[1-2]`.
    pub node_id: String,
    pub outcome: TestOutcome,
    /// Which phase decided the outcome: `setup`, `call`, `teardown` or `collect`.
    pub phase: String,
    pub duration_s: f64,
    /// pytest's failure report, for failures and errors; the skip reason for skips.
    pub failure: Option<String>,
}

/// What a failure report says went wrong, in one line: pytest's first `E` line (e.g.
/// `AssertionError: arithmetic is broken`), else the report's last line (`file.py:7: Error`).
pub fn failure_summary(report: &str) -> Option<&str> {
    let explained = report.lines().find_map(|line| line.strip_prefix("E ").map(str::trim)).filter(|l| !l.is_empty());
    explained.or_else(|| report.lines().rev().map(str::trim).find(|line| !line.is_empty()))
}

/// A piece of a run's log, in order. `byte_offset` counts bytes from the log's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogChunk {
    pub seq: i64,
    pub byte_offset: u64,
    pub text: String,
}

impl LogChunk {
    pub fn byte_end(&self) -> u64 {
        self.byte_offset + self.text.len() as u64
    }
}

/// A run as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub id: RunId,
    pub user: UserName,
    pub environment: Environment,
    pub paths: Vec<TestPath>,
    pub variables: BTreeMap<String, String>,
    pub status: RunStatus,
    pub exit_code: Option<i32>,
    /// Why the run ended as it did when the status alone does not say (a signal, a spawn failure).
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: Counts,
    pub log_bytes: u64,
    pub log_truncated: bool,
    /// When the retention setting removed the run's log; its record and results stay.
    pub log_pruned_at: Option<DateTime<Utc>>,
    /// About how many bytes the run's record, test results and log take in the database.
    pub stored_bytes: u64,
    /// The Testbay node that accepted the run and executes it.
    pub node: String,
    pub limits: Limits,
    /// How the limits were enforced; known once the run has started.
    pub enforcement: Option<Enforcement>,
    pub resources: ResourceUsage,
    /// The sequence number of the run's latest event; live listeners resume after it.
    pub seq: i64,
    /// The saved template the run was started from.
    pub template: Option<TemplateName>,
    /// The run this one repeats.
    pub rerun_of: Option<RunId>,
    /// The user whose token created the run, when users exist (an admin may start runs for
    /// another `user`, e.g. a CI system).
    pub created_by: Option<String>,
    /// The user whose token cancelled the run.
    pub cancelled_by: Option<String>,
}

/// Which runs to list.
#[derive(Clone, Debug, Default)]
pub struct RunFilter {
    pub status: Option<RunStatus>,
    pub user: Option<UserName>,
    pub environment: Option<Environment>,
    /// Only runs started from this template.
    pub template: Option<TemplateName>,
    /// Only runs with a smaller id (the cursor of the previous page).
    pub before: Option<RunId>,
}

/// An environment and the active run holding it, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentHold {
    pub environment: Environment,
    pub run_id: Option<RunId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in RunStatus::ALL {
            assert_eq!(status.as_str().parse::<RunStatus>().ok(), Some(status));
        }
        assert!("done".parse::<RunStatus>().is_err());
    }

    #[test]
    fn pytest_exit_codes_map_to_statuses() {
        assert_eq!(RunStatus::from_pytest_exit(Some(0)), RunStatus::Passed);
        assert_eq!(RunStatus::from_pytest_exit(Some(1)), RunStatus::Failed);
        assert_eq!(RunStatus::from_pytest_exit(Some(5)), RunStatus::Error);
        assert_eq!(RunStatus::from_pytest_exit(None), RunStatus::Error);
    }

    #[test]
    fn a_failure_is_summed_up_by_its_explanation() {
        let report = "    def test_x():\n>       assert 2 == 5, 'broken'\nE       AssertionError: broken\nE       assert 2 == 5\n\nt.py:2: AssertionError";
        assert_eq!(failure_summary(report), Some("AssertionError: broken"));
        assert_eq!(failure_summary("Skipped: later\n"), Some("Skipped: later"));
        assert_eq!(failure_summary("  \n"), None);
    }

    #[test]
    fn only_queued_and_running_are_active() {
        let active: Vec<_> = RunStatus::ALL.into_iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, vec![RunStatus::Queued, RunStatus::Running]);
    }
}
