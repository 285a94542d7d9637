//! Runs as the API shows and takes them: a run, its limits, counts, test results, log.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};

use crate::domain::{Counts, Enforcement, Limits, ResourceUsage, Run, RunStatus, TestMemory, TestOutcome, TestResult};

/// A request for a run. `environment` and `paths` are required unless `template` gives them.
/// The body's rules (lengths, patterns, bounds) are in the spec's schema (see `api::spec`).
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct CreateRunRequest {
    /// Who asks for the run: 1 to 64 characters, surrounding spaces are dropped. Required while
    /// the service has no users; after, the token's user when left out, and only admins may
    /// name someone else.
    pub user: Option<String>,
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
    /// When the environment is held by another run: wait in line for it (first come, first
    /// served) instead of being refused with 409. The run is stored as `queued` with
    /// `waiting_for_environment` until the holder ends and hands the environment on.
    pub wait_for_environment: Option<bool>,
    /// `memory`: track every allocation with memray (`pytest --memray`), for each test's
    /// high-water mark and top allocating call sites; `limit_leaks` and `limit_memory` markers
    /// take effect. The tests run slower. Needs pytest-memray in the service's Python (see
    /// `GET /system`).
    pub profile: Option<String>,
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
    pub status: RunStatus,
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
    pub counts: Counts,
    /// Bytes of log stored so far.
    pub log_bytes: u64,
    /// The log reached the log cap and the rest of the output was dropped.
    pub log_truncated: bool,
    /// When the retention setting removed the run's log (its record and test results stay).
    #[oai(nullable)]
    pub log_pruned_at: Option<DateTime<Utc>>,
    /// About how many bytes the run's record, test results and log take in the database.
    pub stored_bytes: u64,
    /// The Testbay node that executes the run; null while it waits in the queue for a node
    /// with a free slot to claim it.
    #[oai(nullable)]
    pub node: Option<String>,
    pub limits: LimitsView,
    /// How the limits were enforced; known once the run has started.
    #[oai(nullable)]
    pub enforcement: Option<EnforcementView>,
    /// What the run used; known once it has ended.
    pub resources: ResourcesView,
    /// While queued: the run's place in the queue for a node with a free slot (shared by every
    /// node), 1 being next.
    #[oai(nullable)]
    pub queue_position: Option<u32>,
    /// It waits in line for its environment, which another run holds (it was created with
    /// `wait_for_environment`); `GET /environments` shows the holder and the line.
    pub waiting_for_environment: bool,
    /// While it waits in line: its place there, 1 being next after the holder.
    #[oai(nullable)]
    pub line_position: Option<u32>,
    /// The saved template the run was started from.
    #[oai(nullable)]
    pub template: Option<String>,
    /// The run this one repeats (`POST /runs/{id}/rerun`).
    #[oai(nullable)]
    pub rerun_of: Option<i64>,
    /// `memory` for a memory-profiled run (memray); absent for a plain run.
    #[oai(nullable)]
    pub profile: Option<String>,
    /// The user whose token created the run (absent without users). An admin may create runs
    /// for another `user`, e.g. a CI system.
    #[oai(nullable)]
    pub created_by: Option<String>,
    /// The user whose token cancelled the run.
    #[oai(nullable)]
    pub cancelled_by: Option<String>,
    /// How its failures compare with each test's previous verdict in its environment; known
    /// once it has ended (absent on runs of versions before test history). The runs list and
    /// its stream carry the counts only.
    #[oai(nullable)]
    pub failure_changes: Option<super::FailureChangesView>,
}

impl From<Run> for RunView {
    fn from(run: Run) -> Self {
        let duration_s = run.started_at.map(|started| {
            let end = run.finished_at.unwrap_or_else(Utc::now);
            (end - started).num_milliseconds() as f64 / 1000.0
        });
        RunView {
            id: run.id.0,
            user: run.user.into(),
            environment: run.environment.number(),
            paths: run.paths.into_iter().map(String::from).collect(),
            variables: run.variables,
            status: run.status,
            exit_code: run.exit_code,
            message: run.message,
            created_at: run.created_at,
            started_at: run.started_at,
            finished_at: run.finished_at,
            duration_s,
            counts: run.counts,
            log_bytes: run.log_bytes,
            log_truncated: run.log_truncated,
            log_pruned_at: run.log_pruned_at,
            stored_bytes: run.stored_bytes,
            node: run.node,
            limits: run.limits.into(),
            enforcement: run.enforcement.map(Into::into),
            resources: run.resources.into(),
            queue_position: None,
            waiting_for_environment: run.waiting_for_environment,
            line_position: None,
            template: run.template.map(String::from),
            rerun_of: run.rerun_of.map(|id| id.0),
            profile: run.profile.map(|profile| profile.as_str().to_owned()),
            created_by: run.created_by,
            cancelled_by: run.cancelled_by,
            failure_changes: run.failure_changes.map(Into::into),
        }
    }
}

impl RunView {
    /// The run as lists show it: its failure changes as counts, without their node ids (a page
    /// of 200 runs would otherwise carry up to 600 node ids each).
    pub fn listed(self) -> Self {
        RunView { failure_changes: self.failure_changes.map(super::FailureChangesView::counts_only), ..self }
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
    /// When the environment is held: wait in line for it instead of being refused with 409.
    pub wait_for_environment: Option<bool>,
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

/// One test's result, or a collection error.
#[derive(Clone, Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct TestResultView {
    /// pytest's node id, e.g. `math/test_arithmetic.py::test_sum_of_pairs[1-2-3]`.
    pub node_id: String,
    pub outcome: TestOutcome,
    /// The phase that decided the outcome: `setup`, `call`, `teardown` or `collect`.
    pub phase: String,
    pub duration_s: f64,
    /// The failure report for failures and errors, the reason for skips and xfails.
    #[oai(nullable)]
    pub failure: Option<String>,
    /// The pytest process's resident memory after the test, in bytes (absent when it could not
    /// be read).
    #[oai(nullable)]
    pub memory_bytes: Option<u64>,
    /// How much the pytest process's resident memory grew from before the test's setup to after
    /// it, in bytes; negative when it shrank. What a test keeps (a leak, a cache) shows here.
    #[oai(nullable)]
    pub memory_growth_bytes: Option<i64>,
    /// memray's figures, in a memory-profiled run.
    #[oai(nullable)]
    pub memray: Option<MemrayView>,
}

/// What memray measured of a test in a memory-profiled run.
#[derive(Clone, Debug, Object)]
pub struct MemrayView {
    /// The test's memory at its high-water mark, as memray tracked it, in bytes.
    pub peak_bytes: u64,
    /// Allocations at the high-water mark.
    pub allocations: u64,
    /// The call sites that held the most at the high-water mark, largest first.
    pub top: Vec<MemraySiteView>,
}

/// A call site and what it held at the test's high-water mark.
#[derive(Clone, Debug, Object)]
pub struct MemraySiteView {
    /// `function:file:line`, the file relative to the test tree when it is inside it.
    pub location: String,
    pub bytes: u64,
}

impl From<TestResult> for TestResultView {
    fn from(result: TestResult) -> Self {
        TestResultView {
            node_id: result.node_id,
            outcome: result.outcome,
            phase: result.phase,
            duration_s: result.duration_s,
            failure: result.failure,
            memory_bytes: result.memory.map(|memory| memory.after_bytes),
            memory_growth_bytes: result.memory.map(TestMemory::growth_bytes),
            memray: result.memray.map(|memray| MemrayView {
                peak_bytes: memray.peak_bytes,
                allocations: memray.allocations,
                top: memray.top.into_iter().map(|(location, bytes)| MemraySiteView { location, bytes }).collect(),
            }),
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
