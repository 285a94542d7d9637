//! The words Testbay's API and its clients share: a run's status, a test's outcome and a run's
//! counts, by the names of the spec. The service, its command-line client and the spec (with
//! the `openapi` feature, which derives poem-openapi's types) all read them from here, so they
//! cannot drift apart.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

//   queued ──► running ──► passed | failed | error | cancelled | timed_out | interrupted
//     └──► cancelled | interrupted
/// Where a run is in its life. `queued` and `running` are active: they hold the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum), oai(rename = "RunStatusView", rename_all = "snake_case"))]
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

/// Test counts by outcome, as pytest's summary line counts them: a failing setup or teardown
/// is an error (so one test may count as both passed and error).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object), oai(rename = "CountsView"))]
pub struct Counts {
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
    pub errors: u32,
    pub xfailed: u32,
    pub xpassed: u32,
    /// Tests collected; 0 until collection is over.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum), oai(rename = "TestOutcomeView", rename_all = "snake_case"))]
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

/// Where memray's sections (its list of leaked allocations) start in a failure report.
pub const MEMRAY_SECTIONS: &str = "\n\nmemray-";

/// What a failure report says went wrong, in one line: pytest's first `E` line (e.g.
/// `AssertionError: arithmetic is broken`), else the last line of the report's own text
/// (`file.py:7: Error`), before any of memray's sections.
pub fn failure_summary(report: &str) -> Option<&str> {
    let own = report.split(MEMRAY_SECTIONS).next().unwrap_or(report);
    let explained = own.lines().find_map(|line| line.strip_prefix("E ").map(str::trim)).filter(|l| !l.is_empty());
    explained.or_else(|| own.lines().rev().map(str::trim).find(|line| !line.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in RunStatus::ALL {
            assert_eq!(status.as_str().parse::<RunStatus>().ok(), Some(status));
            assert_eq!(serde_json::to_value(status).ok(), Some(status.as_str().into()));
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
        let leak = "Test was allowed to leak 1.0MiB\n\nmemray-leaked-memory\nList of leaked allocations:\n    ...";
        assert_eq!(failure_summary(leak), Some("Test was allowed to leak 1.0MiB"));
    }

    #[test]
    fn only_queued_and_running_are_active() {
        let active: Vec<_> = RunStatus::ALL.into_iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, vec![RunStatus::Queued, RunStatus::Running]);
    }
}
