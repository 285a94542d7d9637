//! A run as Testbay stores and reports it.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};

pub use testbay_protocol::{Counts, RunStatus, TestOutcome, failure_summary};

use super::{Enforcement, Environment, Limits, ResourceUsage, TemplateName, TestPath, UserName};

/// The number of a run, as in "run 112". Ids only grow, so newer runs have larger ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunId(pub i64);

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a run measures besides its tests' outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunProfile {
    /// Every allocation tracked by memray (`pytest --memray`): each test's high-water mark and
    /// its top allocating call sites, and `limit_leaks` / `limit_memory` markers take effect.
    /// The tests run slower.
    Memory,
}

impl RunProfile {
    pub const ALL: [RunProfile; 1] = [RunProfile::Memory];

    pub fn as_str(self) -> &'static str {
        match self {
            RunProfile::Memory => "memory",
        }
    }

    pub fn parse(text: &str) -> Option<RunProfile> {
        RunProfile::ALL.into_iter().find(|profile| profile.as_str() == text)
    }
}

/// What memray measured of one test in a memory-profiled run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestMemrayFigures {
    /// The test's memory at its high-water mark, as memray tracked it.
    pub peak_bytes: u64,
    pub allocations: u64,
    /// The call sites that held the most at the high-water mark, largest first:
    /// `function:file:line` and bytes.
    pub top: Vec<(String, u64)>,
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
    /// The pytest process's memory around the test, when Testbay's plugin could read it.
    pub memory: Option<TestMemory>,
    /// memray's figures, in a memory-profiled run.
    pub memray: Option<TestMemrayFigures>,
    /// The content hash of the test's file as the run read it (see `runner::fingerprint`).
    pub file_hash: Option<String>,
}

/// The pytest process's resident memory before a test's setup and after the phase that
/// decided its outcome: what stays after a test is what it kept (a leak, or a cache).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TestMemory {
    pub before_bytes: u64,
    pub after_bytes: u64,
}

impl TestMemory {
    /// How much the process grew during the test (negative when it shrank).
    pub fn growth_bytes(self) -> i64 {
        i64::try_from(self.after_bytes).unwrap_or(i64::MAX) - i64::try_from(self.before_bytes).unwrap_or(i64::MAX)
    }
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
    /// The Testbay node that executes the run; none while it waits in the queue for a node to
    /// claim it.
    pub node: Option<String>,
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
    /// What the run measures besides outcomes (memray's allocations); none for a plain run.
    pub profile: Option<RunProfile>,
    /// The user whose token created the run, when users exist (an admin may start runs for
    /// another `user`, e.g. a CI system).
    pub created_by: Option<String>,
    /// The user whose token cancelled the run.
    pub cancelled_by: Option<String>,
    /// It waits in line for its environment, which another run holds.
    pub waiting_for_environment: bool,
    /// How its failures compare with each test's previous verdict in its environment; set
    /// when it ends.
    pub failure_changes: Option<super::FailureChanges>,
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
