//! What a running run's supervisor emits into: log text, test results, the collected count and
//! the run's end. Each event is numbered and published at once; a persister task of the run
//! stores the tail in batches.
//!
//! The tail is bounded: once it holds `tail_max_bytes`, the writer has no room and the
//! supervisor stops reading the run's output until stored events leave the tail (pytest then
//! waits on its pipe). So a batch always fits in one transaction of the database, and a run
//! that prints faster than the database stores is slowed down rather than lost.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{error, warn};

use super::active::{ActiveRun, Batch};
use super::event::{RunEvent, RunEventKind};
use super::imp::Inner;
use crate::domain::{
    FailureChanges, LogChunk, ResourceSample, ResourceUsage, Run, RunId, RunMark, RunStatus, TEST_RESULT_RECORD_BYTES,
    TestResult, TestStat,
};
use crate::events::ListChange;
use crate::store::{Finish, Progress};

/// How often a batch that cannot be stored is tried again when the run ends, before its end is
/// stored without it.
const END_ATTEMPTS: u32 = 5;
/// How often a running run's resource samples are stored (for a page on another node, and in
/// case the service dies); its end stores them too.
const RESOURCES_SAVE_INTERVAL: Duration = Duration::from_secs(10);

/// How a run ended, as its supervisor saw it.
#[derive(Clone, Debug)]
pub struct Ending {
    pub status: RunStatus,
    pub exit_code: Option<i32>,
    pub message: Option<String>,
    pub resources: ResourceUsage,
}

/// The handle a supervisor holds on its running run.
pub struct RunWriter {
    inner: Arc<Inner>,
    id: RunId,
    active: Arc<ActiveRun>,
    stop_tx: watch::Sender<bool>,
    persister: Option<JoinHandle<()>>,
    finished: bool,
}

impl RunWriter {
    pub(super) fn start(inner: Arc<Inner>, id: RunId, active: Arc<ActiveRun>) -> RunWriter {
        let (stop_tx, stop_rx) = watch::channel(false);
        let persister = tokio::spawn(persist_until_stopped(Arc::clone(&inner), id, Arc::clone(&active), stop_rx));
        RunWriter { inner, id, active, stop_tx, persister: Some(persister), finished: false }
    }

    /// The run as it is now.
    pub fn run(&self) -> Run {
        self.active.lock().run.clone()
    }

    /// Whether the tail has room for more; when it has not, read no more output until `room`.
    pub fn has_room(&self) -> bool {
        self.active.lock().tail_bytes < self.inner.settings.tail_max_bytes
    }

    /// Completes when stored events have left the tail.
    pub async fn room(&self) {
        // Registered before the check, so that a drain between the two is not missed.
        let drained = self.active.drained.notified();
        tokio::pin!(drained);
        drained.as_mut().enable();
        if self.has_room() {
            return;
        }
        self.active.wake.notify_one();
        drained.await;
    }

    /// Appends text to the run's log.
    pub fn log(&self, text: String) {
        if text.is_empty() {
            return;
        }
        let mut state = self.active.lock();
        let seq = state.next_seq();
        let byte_offset = state.run.log_bytes;
        state.run.log_bytes += text.len() as u64;
        state.run.stored_bytes += text.len() as u64;
        self.active.publish(&mut state, seq, RunEventKind::Log(LogChunk { seq, byte_offset, text }), false);
        if state.tail_bytes >= self.inner.settings.persist_bytes {
            self.active.wake.notify_one();
        }
    }

    /// The log reached its cap: the rest of the output is not kept.
    pub fn mark_log_truncated(&self) {
        self.active.lock().run.log_truncated = true;
    }

    /// Collection is over: this many tests will run.
    pub fn collected(&self, total: u32) {
        self.active.lock().run.counts.total = total;
    }

    /// A test's result (or a collection error), counted as pytest counts it.
    pub fn test(&self, result: TestResult) {
        let mut state = self.active.lock();
        let seq = state.next_seq();
        state.run.counts.record(result.outcome);
        state.outcomes.push(TestResult { failure: None, memray: None, ..result.clone() });
        state.run.stored_bytes += TEST_RESULT_RECORD_BYTES
            + result.node_id.len() as u64
            + result.failure.as_ref().map_or(0, |failure| failure.len() as u64);
        self.active.publish(&mut state, seq, RunEventKind::Test(TestResult { seq, ..result }), false);
        if state.tail_bytes >= self.inner.settings.persist_bytes {
            self.active.wake.notify_one();
        }
    }

    /// A sample of the run's memory and CPU: kept in its series and published live.
    pub fn sample(&self, sample: ResourceSample) {
        let mut state = self.active.lock();
        state.resources.push(sample);
        state.resources_unsaved = true;
        let seq = state.next_sample_seq();
        self.active.publish(&mut state, seq, RunEventKind::Resources(sample), true);
    }

    /// Stores the rest of the tail with the run's end, in one transaction, and publishes it.
    /// `None` when the run had already ended, or its end could not be stored.
    pub async fn finish(mut self, ending: Ending) -> Option<Run> {
        self.finished = true;
        let _ = self.stop_tx.send(true);
        if let Some(persister) = self.persister.take() {
            let _ = persister.await;
        }
        save_resources(&self.inner, self.id, &self.active).await;
        // A batch that failed is stored first, as it was: the end stores only what follows.
        let mut attempt = 0;
        while self.active.lock().pending.is_some() && attempt < END_ATTEMPTS {
            if !persist(&self.inner, self.id, &self.active).await {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(200) * 4_u32.pow(attempt.min(4))).await;
            }
        }
        let history = self.history().await;
        let finish = {
            let mut state = self.active.lock();
            let abandoned = state.pending.take();
            if abandoned.is_some() {
                warn!(run_id = %self.id, "a batch of the run may not have been stored; storing it with the run's end");
            }
            let unstored = unstored(&state.tail);
            Finish {
                status: ending.status,
                exit_code: ending.exit_code,
                message: ending.message,
                finished_at: Utc::now(),
                counts: state.run.counts,
                log_bytes: state.run.log_bytes,
                log_truncated: state.run.log_truncated,
                stored_bytes: state.run.stored_bytes,
                seq: state.next_seq(),
                resources: ending.resources,
                cancelled_by: state.run.cancelled_by.clone(),
                log: unstored.log,
                log_maybe_stored_to: abandoned.map(|batch| batch.progress.seq),
                results: unstored.results,
                history,
            }
        };
        self.inner.end(self.id, &self.active, &finish).await
    }

    /// The records of the run's tests brought up to date with its outcomes, and how its
    /// failures changed; `None` when the records cannot be read (the run still ends, its tests'
    /// records miss it). They are read before the transaction that ends the run and written in
    /// it: no other run writes them meanwhile, since they are this environment's and the run
    /// holds the environment until that transaction.
    async fn history(&self) -> Option<(Vec<TestStat>, FailureChanges)> {
        let (environment, mark, outcomes) = {
            let mut state = self.active.lock();
            let mark = RunMark { run: self.id, at: state.run.created_at };
            (state.run.environment, mark, std::mem::take(&mut state.outcomes))
        };
        match self.inner.store.test_history_update(environment, mark, &outcomes).await {
            Ok(history) => Some(history),
            Err(err) => {
                warn!(run_id = %self.id, error = ?err, "cannot read the records of the run's tests; they miss this run");
                None
            }
        }
    }
}

impl Drop for RunWriter {
    /// A writer dropped before its run's end (its supervisor failed): its listeners go on from
    /// the store, and the next start of the service marks the run interrupted.
    fn drop(&mut self) {
        if let Some(persister) = self.persister.take() {
            persister.abort();
        }
        if !self.finished {
            error!(run_id = %self.id, "a run's writer went away before the run's end");
            self.inner.forget(self.id);
        }
    }
}

/// The log and test events of the tail, as the store takes them.
fn unstored(tail: &VecDeque<Arc<RunEvent>>) -> Progress {
    let mut progress = Progress::default();
    for event in tail {
        match &event.kind {
            RunEventKind::Log(chunk) => progress.log.push(chunk.clone()),
            RunEventKind::Test(result) => progress.results.push(result.clone()),
            RunEventKind::State(_) | RunEventKind::Resources(_) => {}
        }
    }
    progress
}

/// Stores the run's resource samples if they changed since they were last stored.
async fn save_resources(inner: &Inner, id: RunId, active: &ActiveRun) {
    let series = {
        let mut state = active.lock();
        if !state.resources_unsaved {
            return;
        }
        state.resources_unsaved = false;
        state.resources.clone()
    };
    if let Err(err) = inner.store.save_resources(id, &series).await {
        warn!(run_id = %id, error = ?err, "cannot store the run's resource samples; trying again later");
        active.lock().resources_unsaved = true;
    }
}

/// Stores the run's tail every `persist_interval`, or sooner when woken, until told to stop.
async fn persist_until_stopped(
    inner: Arc<Inner>,
    id: RunId,
    active: Arc<ActiveRun>,
    mut stop_rx: watch::Receiver<bool>,
) {
    let mut resources_due = tokio::time::Instant::now() + RESOURCES_SAVE_INTERVAL;
    loop {
        tokio::select! {
            () = tokio::time::sleep(inner.settings.persist_interval) => {}
            () = active.wake.notified() => {}
            _ = stop_rx.changed() => return,
        }
        persist(&inner, id, &active).await;
        if tokio::time::Instant::now() >= resources_due {
            save_resources(&inner, id, &active).await;
            resources_due += RESOURCES_SAVE_INTERVAL;
        }
    }
}

/// Stores one batch: the pending one again if it failed, else the tail, ending with the run's
/// state under a sequence number of its own, which becomes the run record's `seq`. Listeners
/// hear that state only when the counts moved. `false` when the store failed; the batch is then
/// kept, to be tried again as it is.
async fn persist(inner: &Inner, id: RunId, active: &ActiveRun) -> bool {
    let batch = {
        let mut state = active.lock();
        match &state.pending {
            Some(batch) => batch.clone(),
            None => {
                let counts_moved = state.run.counts != state.published_counts;
                let stored_run_is_current = state.tail.is_empty() && state.kept_seq <= state.stored_seq;
                if stored_run_is_current && !counts_moved {
                    return true;
                }
                let mut progress = unstored(&state.tail);
                let seq = state.next_seq();
                progress.counts = state.run.counts;
                progress.log_bytes = state.run.log_bytes;
                progress.log_truncated = state.run.log_truncated;
                progress.stored_bytes = state.run.stored_bytes;
                progress.seq = seq;
                if counts_moved {
                    state.published_counts = state.run.counts;
                    let run = Box::new(state.run.clone());
                    active.publish(&mut state, seq, RunEventKind::State(run), false);
                }
                let batch = Batch { progress, counts_moved };
                state.pending = Some(batch.clone());
                batch
            }
        }
    };
    match inner.store.record_progress(id, &batch.progress).await {
        Ok(()) => {
            active.stored(batch.progress.seq);
            if batch.counts_moved {
                inner.hub.publish_list(ListChange::Changed, active.lock().run.clone());
            }
            true
        }
        Err(err) => {
            error!(run_id = %id, error = ?err, "cannot store the run's progress; trying the batch again");
            false
        }
    }
}
