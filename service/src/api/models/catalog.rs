//! The test tree, the environments and the service itself, as the API shows them.

use poem_openapi::{Enum, Object};

use super::runs::{EnforcementView, LimitsView};
use crate::domain::{Environment, EnvironmentHold, RetentionPolicy, RunId};
use crate::test_tree::{EntryKind, TreeEntry};

#[derive(Clone, Copy, Debug, Enum)]
#[oai(rename_all = "snake_case")]
pub enum TreeEntryKind {
    Folder,
    File,
}

/// A folder that holds tests, or a test file.
#[derive(Debug, Object)]
pub struct TreeEntryView {
    /// Relative to the test tree, with `/` separators; use it in a run's `paths`.
    pub path: String,
    pub kind: TreeEntryKind,
}

impl From<TreeEntry> for TreeEntryView {
    fn from(entry: TreeEntry) -> Self {
        let kind = match entry.kind {
            EntryKind::Folder => TreeEntryKind::Folder,
            EntryKind::File => TreeEntryKind::File,
        };
        TreeEntryView { path: entry.path, kind }
    }
}

/// The test tree: folders that hold tests and test files, sorted, each folder before its
/// contents.
#[derive(Debug, Object)]
pub struct TestTreeView {
    /// The tree's folder on the server.
    pub root: String,
    pub entries: Vec<TreeEntryView>,
}

/// An environment and the active run holding it.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct EnvironmentView {
    pub id: u8,
    /// The queued or running run that holds the environment; absent when it is free.
    #[oai(nullable)]
    pub run_id: Option<i64>,
    /// The runs waiting in line for it, first in line first; each gets it when the one
    /// before ends.
    pub waiting: Vec<i64>,
}

/// All environments, 1 to 100.
#[derive(Debug, Object)]
pub struct EnvironmentList {
    pub items: Vec<EnvironmentView>,
}

impl EnvironmentList {
    /// Every environment with its holder and its line (`lines` in line order).
    pub fn new(holds: &[EnvironmentHold], lines: &[(Environment, RunId)]) -> Self {
        let items = Environment::all()
            .map(|environment| EnvironmentView {
                id: environment.number(),
                run_id: holds.iter().find(|h| h.environment == environment).and_then(|h| h.run_id).map(|r| r.0),
                waiting: lines.iter().filter(|(env, _)| *env == environment).map(|(_, run)| run.0).collect(),
            })
            .collect();
        EnvironmentList { items }
    }
}

/// This service: how it contains runs and with which limits.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct SystemView {
    pub version: String,
    pub node: String,
    /// How run limits are enforced on this machine.
    pub enforcement: EnforcementView,
    /// Set when limits cannot be fully enforced (no writable cgroup): why, and what it means.
    #[oai(nullable)]
    pub sandbox_warning: Option<String>,
    /// The limits a run gets unless it asks for tighter ones.
    pub default_limits: LimitsView,
    /// The longest timeout a run may ask for.
    pub max_timeout_s: u32,
    /// Runs executed at once; more wait as queued.
    pub max_concurrent_runs: u32,
    pub python: String,
    /// The Python has pytest-memray: runs may ask for `"profile": "memory"`.
    pub memory_profiling: bool,
    pub tests_root: String,
    /// How long runs and logs are kept.
    pub retention: RetentionView,
    pub database: DatabaseView,
}

/// How long runs and their logs are kept: by age, by count, or both (whichever lets go
/// first). Absent fields keep without that limit.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct RetentionView {
    /// Days a run (record and test results) is kept after it was created.
    #[oai(nullable)]
    pub runs_days: Option<u32>,
    /// The newest runs kept whatever their age.
    #[oai(nullable)]
    pub runs_newest: Option<u64>,
    /// Days a run's log is kept after the run was created.
    #[oai(nullable)]
    pub logs_days: Option<u32>,
    /// The newest runs whose logs are kept whatever their age.
    #[oai(nullable)]
    pub logs_newest: Option<u64>,
}

impl From<RetentionPolicy> for RetentionView {
    fn from(policy: RetentionPolicy) -> Self {
        RetentionView {
            runs_days: policy.runs.days,
            runs_newest: policy.runs.newest,
            logs_days: policy.logs.days,
            logs_newest: policy.logs.newest,
        }
    }
}

/// Where the runs are stored.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct DatabaseView {
    /// `embedded` (files in the data dir) or `server` (a SurrealDB server shared by nodes).
    pub kind: DatabaseKind,
    /// The embedded database's files on disk, in bytes; absent for a server.
    #[oai(nullable)]
    pub size_bytes: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum DatabaseKind {
    Embedded,
    Server,
}
