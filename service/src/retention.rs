//! Keeps the history to its settings: a task that, every `interval`, removes the runs (with
//! the records of tests that only they made) and then the logs that are past keeping, oldest
//! first, in small steps with pauses between them, so that requests are served at their usual
//! speed meanwhile.
//!
//! Run ids grow with time, so the runs past keeping are the oldest ids: a pass walks up from
//! where the previous one stopped (marks kept in the database) and stops at the first run that
//! is still kept. An active run is stepped over; the next pass starts at it again.

use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::watch;
use tracing::{error, info};

use crate::domain::{Keep, RetentionPolicy, RunId};
use crate::store::{RetentionMarks, RunAge, Store, StoreError};

/// Runs looked at per step.
const STEP_RUNS: i64 = 50;
/// The shortest pause between two steps. A pause is at least as long as the step before it took,
/// so that retention catching up on a large history (after an upgrade or a shorter setting)
/// takes at most half of the database's time and leaves the rest to requests.
const STEP_PAUSE: Duration = Duration::from_millis(20);

/// What one pass removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassReport {
    pub logs_pruned: u64,
    pub runs_deleted: u64,
    /// Test records whose runs were all deleted (with the last of them).
    pub test_records_deleted: u64,
}

/// Which removal a walk does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Removal {
    Logs,
    Runs,
}

/// Starts the retention task; it stops when `stop_rx` changes, and the handle ends with it.
///
/// It runs on a thread of its own at a lower priority: nobody waits for retention, and a pass
/// catching up on a year of history works for many minutes, so on a busy machine a request
/// gets the processor first and the pass waits (the embedded database runs a query on the
/// thread that sends it).
pub fn start(
    store: Store,
    policy: RetentionPolicy,
    interval: Duration,
    stop_rx: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let (ended_tx, ended_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("retention".into())
        .stack_size(crate::process::WORKER_STACK_BYTES)
        .spawn(move || {
            crate::process::lower_this_threads_priority(crate::process::BACKGROUND_NICENESS);
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(keep_to_policy(store, policy, interval, stop_rx)),
                Err(err) => error!(error = %err, "retention cannot start its runtime; nothing will be removed"),
            }
            drop(ended_tx);
        });
    if let Err(err) = thread {
        error!(error = %err, "retention cannot start its thread; nothing will be removed");
    }
    tokio::spawn(async move {
        let _ = ended_rx.await;
    })
}

async fn keep_to_policy(store: Store, policy: RetentionPolicy, interval: Duration, mut stop_rx: watch::Receiver<bool>) {
    if policy.runs.is_forever() && policy.logs.is_forever() {
        return;
    }
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = stop_rx.changed() => return,
        }
        let pass = tokio::select! {
            pass = run_pass(&store, policy) => pass,
            _ = stop_rx.changed() => return,
        };
        match pass {
            Ok(report) if report != PassReport::default() => info!(
                logs_pruned = report.logs_pruned,
                runs_deleted = report.runs_deleted,
                test_records_deleted = report.test_records_deleted,
                "retention removed what is past keeping"
            ),
            Ok(_) => {}
            Err(err) => error!(error = ?err, "retention could not finish its pass; the next one goes on"),
        }
    }
}

/// Removes every log and run that is past keeping now.
pub async fn run_pass(store: &Store, policy: RetentionPolicy) -> Result<PassReport, StoreError> {
    let Some(newest) = store.newest_run_id().await? else { return Ok(PassReport::default()) };
    let mut marks = store.retention_marks().await?;
    let mut report = PassReport::default();
    // Whole runs first: their logs go with them.
    if !policy.runs.is_forever() {
        let started = Instant::now();
        let walked = walk(store, policy.runs, Removal::Runs, newest, &mut marks).await?;
        (report.runs_deleted, report.test_records_deleted) = (walked.removed, walked.test_records);
        log_step("runs", report.runs_deleted, started);
    }
    if !policy.logs.is_forever() {
        marks.logs_from = marks.logs_from.max(marks.runs_from);
        let started = Instant::now();
        report.logs_pruned = walk(store, policy.logs, Removal::Logs, newest, &mut marks).await?.removed;
        log_step("logs", report.logs_pruned, started);
    }
    Ok(report)
}

/// Says what one step of a pass removed and how long it took, when it removed anything: a pass
/// catching up on a large history takes minutes, and its steps load the database differently.
fn log_step(removed_what: &'static str, removed: u64, started: Instant) {
    if removed > 0 {
        info!(removed_what, removed, seconds = started.elapsed().as_secs_f64(), "retention step done");
    }
}

/// What one walk removed.
#[derive(Default)]
struct Walked {
    /// Runs, or runs' logs.
    removed: u64,
    /// Test records that went with their last run.
    test_records: u64,
}

/// Walks up from the removal's mark, removing what `keep` lets go, until a run that is kept.
async fn walk(
    store: &Store,
    keep: Keep,
    removal: Removal,
    newest: RunId,
    marks: &mut RetentionMarks,
) -> Result<Walked, StoreError> {
    let oldest_of_newest = match keep.newest {
        Some(count) => store.nth_newest_run_id(count).await?,
        None => None,
    };
    let mut walked = Walked::default();
    let mut from = match removal {
        Removal::Logs => marks.logs_from,
        Removal::Runs => marks.runs_from,
    };
    // The first run stepped over because it is active: the next pass starts there.
    let mut first_active: Option<RunId> = None;
    let mut done = false;
    while !done && from <= newest {
        let step_started = Instant::now();
        let now = Utc::now();
        let runs = store.run_ages(from, STEP_RUNS).await?;
        let mut next = RunId(from.0 + STEP_RUNS);
        for run in &runs {
            let outcome = if keep.expired(run.id, run.created_at, now, oldest_of_newest) {
                remove(store, removal, run).await?
            } else {
                Outcome::Kept
            };
            match outcome {
                Outcome::Removed { test_records } => {
                    walked.removed += 1;
                    walked.test_records += test_records;
                }
                Outcome::AlreadyGone => {}
                Outcome::Active => {
                    first_active.get_or_insert(run.id);
                }
                Outcome::Kept => {
                    next = run.id;
                    done = true;
                    break;
                }
            }
        }
        let mark = first_active.unwrap_or(next);
        match removal {
            Removal::Logs => marks.logs_from = mark,
            Removal::Runs => marks.runs_from = mark,
        }
        store.set_retention_marks(*marks).await?;
        from = next;
        if !done {
            tokio::time::sleep(step_started.elapsed().max(STEP_PAUSE)).await;
        }
    }
    Ok(walked)
}

/// What became of one run.
enum Outcome {
    /// With the records of the tests it was the last run of (when the run itself went).
    Removed { test_records: u64 },
    /// Its log was removed by an earlier pass.
    AlreadyGone,
    /// Still kept by the settings.
    Kept,
    /// Expired but active: looked at again by the next pass.
    Active,
}

/// Removes what `removal` says of one expired run.
async fn remove(store: &Store, removal: Removal, run: &RunAge) -> Result<Outcome, StoreError> {
    let test_records = match removal {
        _ if run.status.is_active() => return Ok(Outcome::Active),
        Removal::Logs if run.log_pruned => return Ok(Outcome::AlreadyGone),
        Removal::Runs => store.delete_run(run.id).await?,
        Removal::Logs => store.prune_log(run.id, Utc::now()).await?.then_some(0),
    };
    Ok(test_records.map_or(Outcome::Active, |test_records| Outcome::Removed { test_records }))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{DateTime, Duration as Days, Utc};

    use super::*;
    use crate::domain::{
        Counts, Enforcement, Limits, LogChunk, NewRun, ResourceUsage, RunStatus, TestOutcome, TestResult,
    };
    use crate::process::niceness;
    use crate::store::{EmbeddedSizes, Finish};

    /// A finished run created `days` ago, with a log and one test result.
    async fn finished_run(store: &Store, days: i64) -> RunId {
        let created_at: DateTime<Utc> = Utc::now() - Days::days(days);
        let new = NewRun {
            user: "ada".into(),
            environment: 5.into(),
            paths: vec!["math".into()],
            variables: BTreeMap::new(),
            limits: Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 64, timeout_s: 60 },
            template: None,
            rerun_of: None,
            profile: None,
            created_by: None,
            wait_for_environment: false,
        };
        let run = store.create_run(&new, created_at).await.expect("create");
        store.mark_running(run.id, created_at, Enforcement::Rlimit, 2).await.expect("start");
        let text = format!("the log of a run {days} days old\n");
        let finish = Finish {
            status: RunStatus::Passed,
            exit_code: Some(0),
            message: None,
            finished_at: created_at,
            counts: Counts { passed: 1, total: 1, ..Counts::default() },
            log_bytes: text.len() as u64,
            log_truncated: false,
            stored_bytes: 2000 + text.len() as u64,
            seq: 5,
            resources: ResourceUsage::default(),
            cancelled_by: None,
            log: vec![LogChunk { seq: 3, byte_offset: 0, text }],
            log_maybe_stored_to: None,
            results: vec![TestResult {
                seq: 4,
                node_id: "t.py::test".into(),
                outcome: TestOutcome::Passed,
                phase: "call".into(),
                duration_s: 0.1,
                failure: None,
                memory: None,
                memray: None,
                file_hash: None,
            }],
            history: None,
        };
        store.finish_run(run.id, &finish).await.expect("finish").expect("was active");
        run.id
    }

    async fn kept(store: &Store, id: RunId) -> (bool, bool, usize) {
        let run = store.run(id).await.expect("read");
        let log = store.log_chunks_from(id, 0, 10).await.expect("log");
        let results = store.test_results(id, 0, i64::MAX).await.expect("results");
        (run.is_some(), !log.is_empty(), results.len())
    }

    #[tokio::test]
    async fn old_runs_go_whole_older_logs_go_alone_and_recent_runs_stay() {
        let store = Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("store");
        let ancient = finished_run(&store, 400).await;
        let old = finished_run(&store, 100).await;
        let recent = finished_run(&store, 10).await;
        let policy = RetentionPolicy {
            runs: Keep { days: Some(365), newest: None },
            logs: Keep { days: Some(90), newest: None },
        };
        let report = run_pass(&store, policy).await.expect("pass");
        assert_eq!(report, PassReport { logs_pruned: 1, runs_deleted: 1, test_records_deleted: 0 });
        assert_eq!(kept(&store, ancient).await, (false, false, 0), "a run past a year goes with its log and results");
        assert_eq!(kept(&store, old).await, (true, false, 1), "a log past 90 days goes; the run and its results stay");
        let pruned = store.run(old).await.expect("read").expect("kept");
        assert!(pruned.log_pruned_at.is_some());
        assert_eq!(pruned.stored_bytes, 2000, "what the run stores no longer counts its log");
        assert_eq!(kept(&store, recent).await, (true, true, 1), "a recent run keeps everything");
        assert_eq!(run_pass(&store, policy).await.expect("again"), PassReport::default(), "nothing more to do");
    }

    #[tokio::test]
    async fn a_count_keeps_the_newest_and_an_active_run_waits_for_its_end() {
        let store = Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("store");
        let first = finished_run(&store, 1).await;
        // Active (queued) and old enough to go, in the other environment.
        let active_new = NewRun {
            user: "ada".into(),
            environment: 6.into(),
            paths: vec!["math".into()],
            variables: BTreeMap::new(),
            limits: Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 64, timeout_s: 60 },
            template: None,
            rerun_of: None,
            profile: None,
            created_by: None,
            wait_for_environment: false,
        };
        let active = store.create_run(&active_new, Utc::now()).await.expect("create").id;
        let third = finished_run(&store, 1).await;
        let fourth = finished_run(&store, 1).await;
        let policy = RetentionPolicy { runs: Keep { days: None, newest: Some(1) }, logs: Keep::default() };
        let report = run_pass(&store, policy).await.expect("pass");
        assert_eq!(report.runs_deleted, 2, "the runs before and after the active one");
        assert!(!kept(&store, first).await.0 && !kept(&store, third).await.0);
        assert!(kept(&store, active).await.0, "an active run is not removed");
        assert!(kept(&store, fourth).await.0, "the newest stays");
        assert_eq!(store.retention_marks().await.expect("marks").runs_from, active, "the next pass starts there");

        let end = Finish {
            status: RunStatus::Cancelled,
            exit_code: None,
            message: None,
            finished_at: Utc::now(),
            counts: Counts::default(),
            log_bytes: 0,
            log_truncated: false,
            stored_bytes: 512,
            seq: 2,
            resources: ResourceUsage::default(),
            cancelled_by: None,
            log: Vec::new(),
            log_maybe_stored_to: None,
            results: Vec::new(),
            history: None,
        };
        store.finish_run(active, &end).await.expect("finish");
        assert_eq!(run_pass(&store, policy).await.expect("pass").runs_deleted, 1);
        assert!(!kept(&store, active).await.0);
    }

    #[tokio::test]
    async fn the_task_prunes_on_a_thread_of_its_own_at_a_lower_priority() {
        let store = Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("store");
        let old = finished_run(&store, 10).await;
        let policy = RetentionPolicy { runs: Keep { days: Some(1), newest: None }, logs: Keep::default() };
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = start(store.clone(), policy, Duration::from_millis(20), stop_rx);
        let deadline = Instant::now() + Duration::from_secs(20);
        while kept(&store, old).await.0 {
            assert!(Instant::now() < deadline, "the task removed the old run");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        niceness::assert_every_thread_named("retention", niceness::lowered_by(crate::process::BACKGROUND_NICENESS));
        stop_tx.send(true).expect("the task listens");
        tokio::time::timeout(Duration::from_secs(10), task).await.expect("it stops").expect("it ends");
        while !niceness::of_threads("retention").is_empty() {
            assert!(Instant::now() < deadline, "its thread ends");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
