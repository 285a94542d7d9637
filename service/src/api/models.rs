//! What the API sends and receives, as the OpenAPI spec describes it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object, Union};

use crate::domain::{
    self, Counts, ENVIRONMENT_MAX, Enforcement, EnvironmentHold, Limits, ResourceUsage, RetentionPolicy, Run,
    RunStatus, TestOutcome, TestResult,
};
use crate::events::ListChange;
use crate::journal::{RunEvent, RunEventKind};
use crate::test_tree::{EntryKind, TreeEntry};

/// Where a run is in its life. `queued` and `running` are active: they hold the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum RunStatusView {
    Queued,
    Running,
    Passed,
    Failed,
    Error,
    Cancelled,
    TimedOut,
    Interrupted,
}

impl From<RunStatus> for RunStatusView {
    fn from(status: RunStatus) -> Self {
        match status {
            RunStatus::Queued => RunStatusView::Queued,
            RunStatus::Running => RunStatusView::Running,
            RunStatus::Passed => RunStatusView::Passed,
            RunStatus::Failed => RunStatusView::Failed,
            RunStatus::Error => RunStatusView::Error,
            RunStatus::Cancelled => RunStatusView::Cancelled,
            RunStatus::TimedOut => RunStatusView::TimedOut,
            RunStatus::Interrupted => RunStatusView::Interrupted,
        }
    }
}

impl From<RunStatusView> for RunStatus {
    fn from(status: RunStatusView) -> Self {
        match status {
            RunStatusView::Queued => RunStatus::Queued,
            RunStatusView::Running => RunStatus::Running,
            RunStatusView::Passed => RunStatus::Passed,
            RunStatusView::Failed => RunStatus::Failed,
            RunStatusView::Error => RunStatus::Error,
            RunStatusView::Cancelled => RunStatus::Cancelled,
            RunStatusView::TimedOut => RunStatus::TimedOut,
            RunStatusView::Interrupted => RunStatus::Interrupted,
        }
    }
}

/// A request for a run. `environment` and `paths` are required unless `template` gives them.
/// The body's rules (lengths, patterns, bounds) are in the spec's schema (see `api::spec`).
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct CreateRunRequest {
    /// Who asks for the run: 1 to 64 characters, surrounding spaces are dropped.
    pub user: String,
    /// The test environment the run acts on, 1 to 100. One active run per environment.
    pub environment: Option<u8>,
    /// 1 to 50 test files, folders or pytest node ids (`file.py::test_name`), relative to the
    /// test tree. No `..`, no absolute paths, no leading `-`; each at most 1024 characters and
    /// inside the test tree once symbolic links are followed.
    pub paths: Option<Vec<String>>,
    /// Start from this saved template: it gives the environment, paths, variables and timeout
    /// that the request leaves out (the request's variables are added to the template's).
    /// The run remembers the template's name.
    pub template: Option<String>,
    /// Extra environment variables for pytest: at most 32; names are letters, digits and `_`
    /// (at most 64, not starting with `TESTBAY_`); values at most 4096 characters, no NUL.
    pub variables: Option<BTreeMap<String, String>>,
    /// Tighter limits than the service's defaults, or a longer timeout up to its maximum
    /// (see `GET /system`). Omitted fields take the defaults.
    pub limits: Option<LimitsRequest>,
}

/// Limits a run asks for.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct LimitsRequest {
    /// Memory for all the run's processes together, in MiB: 16 up to the default.
    pub memory_mb: Option<u64>,
    /// CPU in thousandths of a core (1000 = one core): 10 up to the default.
    pub cpu_millicores: Option<u32>,
    /// Processes and threads at once: 8 up to the default.
    pub pids: Option<u32>,
    /// Seconds before the run is stopped as `timed_out`: 1 up to the maximum.
    pub timeout_s: Option<u32>,
}

/// Limits applied to a run.
#[derive(Clone, Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct LimitsView {
    pub memory_bytes: u64,
    /// Thousandths of a core (1000 = one core).
    pub cpu_millicores: u32,
    pub pids: u32,
    pub timeout_s: u32,
}

impl From<Limits> for LimitsView {
    fn from(limits: Limits) -> Self {
        LimitsView {
            memory_bytes: limits.memory_bytes,
            cpu_millicores: limits.cpu_millicores,
            pids: limits.pids,
            timeout_s: limits.timeout_s,
        }
    }
}

/// How limits are enforced: `cgroup_v2` or `cgroup_v1` (the whole process tree, in its own
/// cgroup), or `rlimit` (per-process limits only: weaker, see `GET /system`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum EnforcementView {
    CgroupV2,
    CgroupV1,
    Rlimit,
}

impl From<Enforcement> for EnforcementView {
    fn from(enforcement: Enforcement) -> Self {
        match enforcement {
            Enforcement::CgroupV2 => EnforcementView::CgroupV2,
            Enforcement::CgroupV1 => EnforcementView::CgroupV1,
            Enforcement::Rlimit => EnforcementView::Rlimit,
        }
    }
}

/// What a run used, from its cgroup's accounting (absent under rlimits).
#[derive(Clone, Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct ResourcesView {
    /// The most memory the run's processes used at once.
    #[oai(nullable)]
    pub peak_memory_bytes: Option<u64>,
    /// CPU time of all the run's processes.
    #[oai(nullable)]
    pub cpu_seconds: Option<f64>,
    /// The kernel's OOM killer killed a process of the run at its memory limit.
    pub oom_killed: bool,
}

impl From<ResourceUsage> for ResourcesView {
    fn from(usage: ResourceUsage) -> Self {
        ResourcesView {
            peak_memory_bytes: usage.peak_memory_bytes,
            cpu_seconds: usage.cpu_seconds,
            oom_killed: usage.oom_killed,
        }
    }
}

/// Test counts by outcome, as pytest's summary line counts them: a failing setup or teardown
/// is an error (so one test may count as both passed and error).
#[derive(Clone, Debug, Object)]
pub struct CountsView {
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
    pub errors: u32,
    pub xfailed: u32,
    pub xpassed: u32,
    /// Tests collected; 0 until collection is over.
    pub total: u32,
}

impl From<Counts> for CountsView {
    fn from(c: Counts) -> Self {
        CountsView {
            passed: c.passed,
            failed: c.failed,
            skipped: c.skipped,
            errors: c.errors,
            xfailed: c.xfailed,
            xpassed: c.xpassed,
            total: c.total,
        }
    }
}

/// A run.
#[derive(Clone, Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct RunView {
    /// The run's number; newer runs have larger numbers.
    pub id: i64,
    pub user: String,
    pub environment: u8,
    pub paths: Vec<String>,
    pub variables: BTreeMap<String, String>,
    pub status: RunStatusView,
    /// pytest's exit code, once it has exited on its own or after a signal.
    #[oai(nullable)]
    pub exit_code: Option<i32>,
    /// Why the run ended as it did, when the status alone does not say.
    #[oai(nullable)]
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    #[oai(nullable)]
    pub started_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub finished_at: Option<DateTime<Utc>>,
    /// Seconds from start to end (or to now, while running).
    #[oai(nullable)]
    pub duration_s: Option<f64>,
    pub counts: CountsView,
    /// Bytes of log stored so far.
    pub log_bytes: u64,
    /// The log reached the log cap and the rest of the output was dropped.
    pub log_truncated: bool,
    /// When the retention setting removed the run's log (its record and test results stay).
    #[oai(nullable)]
    pub log_pruned_at: Option<DateTime<Utc>>,
    /// About how many bytes the run's record, test results and log take in the database.
    pub stored_bytes: u64,
    /// The Testbay node that executes the run.
    pub node: String,
    pub limits: LimitsView,
    /// How the limits were enforced; known once the run has started.
    #[oai(nullable)]
    pub enforcement: Option<EnforcementView>,
    /// What the run used; known once it has ended.
    pub resources: ResourcesView,
    /// While queued: the run's place in the queue, 1 being next.
    #[oai(nullable)]
    pub queue_position: Option<u32>,
    /// The saved template the run was started from.
    #[oai(nullable)]
    pub template: Option<String>,
    /// The run this one repeats (`POST /runs/{id}/rerun`).
    #[oai(nullable)]
    pub rerun_of: Option<i64>,
}

impl From<Run> for RunView {
    fn from(run: Run) -> Self {
        let duration_s = run.started_at.map(|started| {
            let end = run.finished_at.unwrap_or_else(Utc::now);
            (end - started).num_milliseconds() as f64 / 1000.0
        });
        RunView {
            id: run.id.0,
            user: run.user,
            environment: run.environment,
            paths: run.paths,
            variables: run.variables,
            status: run.status.into(),
            exit_code: run.exit_code,
            message: run.message,
            created_at: run.created_at,
            started_at: run.started_at,
            finished_at: run.finished_at,
            duration_s,
            counts: run.counts.into(),
            log_bytes: run.log_bytes,
            log_truncated: run.log_truncated,
            log_pruned_at: run.log_pruned_at,
            stored_bytes: run.stored_bytes,
            node: run.node,
            limits: run.limits.into(),
            enforcement: run.enforcement.map(Into::into),
            resources: run.resources.into(),
            queue_position: None,
            template: run.template,
            rerun_of: run.rerun_of.map(|id| id.0),
        }
    }
}

/// How to repeat a run. `{}` repeats it as it was.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct RerunRequest {
    /// Run only the tests that failed or errored, by node id (at most 50, as any run's paths).
    pub failed_only: Option<bool>,
    /// Who asks for the new run; the original run's user when absent.
    pub user: Option<String>,
}

/// A run setup to save as a template: a run's fields but the user.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct TemplateRequest {
    /// What the template is for, at most 500 characters.
    pub description: Option<String>,
    /// The test environment, 1 to 100; a run from the template may choose another.
    pub environment: u8,
    /// Test files, folders or node ids, as in a run.
    pub paths: Vec<String>,
    /// Environment variables for pytest, as in a run.
    pub variables: Option<BTreeMap<String, String>>,
    /// The run's timeout in seconds, up to the service's maximum; the default when absent.
    pub timeout_s: Option<u32>,
}

/// A saved run setup.
#[derive(Clone, Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct TemplateView {
    /// Letters, digits, `.`, `_` and `-`, at most 64; unique.
    pub name: String,
    #[oai(nullable)]
    pub description: Option<String>,
    pub environment: u8,
    pub paths: Vec<String>,
    pub variables: BTreeMap<String, String>,
    #[oai(nullable)]
    pub timeout_s: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<domain::Template> for TemplateView {
    fn from(template: domain::Template) -> Self {
        TemplateView {
            name: template.name,
            description: template.setup.description,
            environment: template.setup.environment,
            paths: template.setup.paths,
            variables: template.setup.variables,
            timeout_s: template.setup.timeout_s,
            created_at: template.created_at,
            updated_at: template.updated_at,
        }
    }
}

/// All templates, by name.
#[derive(Debug, Object)]
pub struct TemplateList {
    pub items: Vec<TemplateView>,
}

/// A page of runs, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct RunPage {
    pub items: Vec<RunView>,
    /// Pass as `cursor` to get the next (older) page; absent on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

#[derive(Clone, Copy, Debug, Enum)]
#[oai(rename_all = "snake_case")]
pub enum TestOutcomeView {
    Passed,
    Failed,
    Skipped,
    Xfailed,
    Xpassed,
    Error,
}

impl From<TestOutcome> for TestOutcomeView {
    fn from(outcome: TestOutcome) -> Self {
        match outcome {
            TestOutcome::Passed => TestOutcomeView::Passed,
            TestOutcome::Failed => TestOutcomeView::Failed,
            TestOutcome::Skipped => TestOutcomeView::Skipped,
            TestOutcome::Xfailed => TestOutcomeView::Xfailed,
            TestOutcome::Xpassed => TestOutcomeView::Xpassed,
            TestOutcome::Error => TestOutcomeView::Error,
        }
    }
}

/// One test's result, or a collection error.
#[derive(Clone, Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct TestResultView {
    /// pytest's node id, e.g. `math/test_arithmetic.py::test_sum_of_pairs[1-2-3]`.
    pub node_id: String,
    pub outcome: TestOutcomeView,
    /// The phase that decided the outcome: `setup`, `call`, `teardown` or `collect`.
    pub phase: String,
    pub duration_s: f64,
    /// The failure report for failures and errors, the reason for skips and xfails.
    #[oai(nullable)]
    pub failure: Option<String>,
}

impl From<TestResult> for TestResultView {
    fn from(result: TestResult) -> Self {
        TestResultView {
            node_id: result.node_id,
            outcome: result.outcome.into(),
            phase: result.phase,
            duration_s: result.duration_s,
            failure: result.failure,
        }
    }
}

/// A run's test results, in the order they happened.
#[derive(Debug, Object)]
pub struct TestResultList {
    pub items: Vec<TestResultView>,
}

/// A piece of a run's log.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct LogPage {
    /// The byte offset of `text` in the log.
    pub offset: u64,
    /// Text (UTF-8, with pytest's ANSI colours) from `offset`.
    pub text: String,
    /// Ask for this offset to continue.
    pub next_offset: u64,
    /// The run has ended and `next_offset` is the end of its log.
    pub complete: bool,
    /// The log was cut at the log cap.
    pub truncated: bool,
    /// When the retention setting removed this log; `text` is then empty.
    #[oai(nullable)]
    pub pruned_at: Option<DateTime<Utc>>,
}

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
}

/// All environments, 1 to 100.
#[derive(Debug, Object)]
pub struct EnvironmentList {
    pub items: Vec<EnvironmentView>,
}

impl EnvironmentList {
    pub fn from_holds(holds: &[EnvironmentHold]) -> Self {
        let items = (domain::ENVIRONMENT_MIN..=ENVIRONMENT_MAX)
            .map(|id| EnvironmentView {
                id,
                run_id: holds.iter().find(|h| h.environment == id).and_then(|h| h.run_id).map(|r| r.0),
            })
            .collect();
        EnvironmentList { items }
    }
}

/// The state of a run after a change: status, times, counts.
#[derive(Debug, Object)]
pub struct RunChanged {
    /// The event's sequence number in the run, also its SSE id.
    pub seq: i64,
    pub run: RunView,
}

/// A test finished (or a file failed to collect).
#[derive(Debug, Object)]
pub struct TestFinished {
    /// The event's sequence number in the run, also its SSE id.
    pub seq: i64,
    pub test: TestResultView,
}

/// Log text, in order; `offset` is its byte offset in the log.
#[derive(Debug, Object)]
pub struct LogAppended {
    /// The event's sequence number in the run, also its SSE id.
    pub seq: i64,
    pub offset: u64,
    pub text: String,
}

/// An event of one run's stream. The event id is the run's sequence number: send it back as
/// `Last-Event-ID` to resume after it.
#[derive(Debug, Union)]
#[oai(discriminator_name = "type", rename_all = "snake_case")]
pub enum RunStreamEvent {
    #[oai(mapping = "run")]
    Run(RunChanged),
    #[oai(mapping = "test")]
    Test(TestFinished),
    #[oai(mapping = "log")]
    Log(LogAppended),
}

impl RunStreamEvent {
    pub fn from_journal(event: &RunEvent) -> Self {
        let seq = event.seq;
        match &event.kind {
            RunEventKind::State(run) => RunStreamEvent::Run(RunChanged { seq, run: (**run).clone().into() }),
            RunEventKind::Test(result) => RunStreamEvent::Test(TestFinished { seq, test: result.clone().into() }),
            RunEventKind::Log(chunk) => {
                RunStreamEvent::Log(LogAppended { seq, offset: chunk.byte_offset, text: chunk.text.clone() })
            }
        }
    }

    pub fn seq(&self) -> i64 {
        match self {
            RunStreamEvent::Run(event) => event.seq,
            RunStreamEvent::Test(event) => event.seq,
            RunStreamEvent::Log(event) => event.seq,
        }
    }
}

#[derive(Clone, Copy, Debug, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ListChangeView {
    Created,
    Changed,
}

impl From<ListChange> for ListChangeView {
    fn from(change: ListChange) -> Self {
        match change {
            ListChange::Created => ListChangeView::Created,
            ListChange::Changed => ListChangeView::Changed,
        }
    }
}

/// A run was created or changed.
#[derive(Debug, Object)]
pub struct RunListed {
    /// The event's id in the list stream.
    pub event_id: String,
    pub change: ListChangeView,
    pub run: RunView,
}

/// The events since the client's `Last-Event-ID` are no longer known (the service restarted
/// or the client was away too long): reload the list, then keep listening.
#[derive(Debug, Object)]
pub struct Reload {
    /// The current position of the list stream.
    pub event_id: String,
    pub reason: String,
}

/// An event of the runs list stream. Send the last event id back as `Last-Event-ID` to resume.
#[derive(Debug, Union)]
#[oai(discriminator_name = "type", rename_all = "snake_case")]
pub enum ListStreamEvent {
    #[oai(mapping = "run")]
    Run(RunListed),
    #[oai(mapping = "reload")]
    Reload(Reload),
}

impl ListStreamEvent {
    pub fn event_id(&self) -> &str {
        match self {
            ListStreamEvent::Run(event) => &event.event_id,
            ListStreamEvent::Reload(event) => &event.event_id,
        }
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
