//! The journal itself: runs created, started and ended through it, and the table of the runs
//! active on this node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::{error, info};

use super::active::{ActiveRun, Attached};
use super::event::RunEventKind;
use super::writer::RunWriter;
use crate::domain::{Enforcement, NewRun, RUN_RECORD_BYTES, ResourceSeries, Run, RunId, RunMark, RunStatus};
use crate::events::{EventHub, ListChange};
use crate::store::{CreateRunError, Finish, Store, StoreError};

/// Sequence numbers a run may hand out beyond what is stored. Its tail is bounded in bytes (a
/// writer with no room waits, and a failed batch is retried under its own number), and each
/// event but a batch's own state weighs at least a byte, so the unstored numbers stay far below
/// this; the journal says so should they ever reach it.
pub const UNSTORED_SEQ_LIMIT: i64 = 1 << 24;

/// How the journal stores a running run's events.
#[derive(Clone, Copy, Debug)]
pub struct JournalSettings {
    /// How long events wait in the tail before they are stored.
    pub persist_interval: Duration,
    /// Bytes in the tail that are stored at once, whatever the interval.
    pub persist_bytes: usize,
    /// Bytes the tail holds at most: a batch must fit in one transaction of the database.
    pub tail_max_bytes: usize,
}

impl JournalSettings {
    /// Settings for a database that takes transactions up to `largest_write_bytes`.
    pub fn for_database(largest_write_bytes: u64) -> JournalSettings {
        // A batch's records weigh more than their texts: keys, fields, index entries.
        let tail_max_bytes = usize::try_from(largest_write_bytes / 4).unwrap_or(usize::MAX).max(512 * 1024);
        JournalSettings { tail_max_bytes, ..JournalSettings::default() }
    }
}

impl Default for JournalSettings {
    fn default() -> Self {
        JournalSettings {
            persist_interval: Duration::from_millis(100),
            persist_bytes: 256 * 1024,
            tail_max_bytes: 2 * 1024 * 1024,
        }
    }
}

/// The journal every part of the service shares.
#[derive(Clone)]
pub struct Journal {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub store: Store,
    pub hub: EventHub,
    pub settings: JournalSettings,
    active: Mutex<HashMap<RunId, Arc<ActiveRun>>>,
}

impl Journal {
    pub fn new(store: Store, hub: EventHub, settings: JournalSettings) -> Journal {
        Journal { inner: Arc::new(Inner { store, hub, settings, active: Mutex::new(HashMap::new()) }) }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Stores a new run as queued, holding its environment (event 1), or says who holds it. It
    /// waits in the cluster's queue until a node claims it.
    pub async fn create(&self, new_run: &NewRun, now: DateTime<Utc>) -> Result<Run, CreateRunError> {
        let run = self.inner.store.create_run(new_run, now).await?;
        info!(run_id = %run.id, user = %run.user, environment = run.environment.number(), "run created");
        self.inner.hub.publish_list(ListChange::Created, run.clone());
        Ok(run)
    }

    /// Makes a run this node claimed from the queue active here: from now on its events go
    /// through this node.
    pub fn adopt(&self, run: Run) {
        self.inner.active().insert(run.id, Arc::new(ActiveRun::new(run)));
    }

    /// Ends a run that waits in the queue, unclaimed or claimed by a node that has not started
    /// it yet (it then finds it ended), freeing its environment. `None` when it is no longer
    /// queued.
    pub async fn end_waiting(
        &self,
        run: &Run,
        status: RunStatus,
        message: Option<String>,
        cancelled_by: Option<String>,
    ) -> Result<Option<Run>, StoreError> {
        // Nothing of a queued run is unstored anywhere: its next number is the stored one's next.
        let finish = never_started(run, status, message, run.seq + 1, cancelled_by);
        let ended = self.inner.store.finish_queued_run(run.id, &finish).await?;
        if let Some(ended) = &ended {
            info!(run_id = %ended.id, status = %ended.status, "queued run ended");
            self.inner.hub.publish_list(ListChange::Changed, ended.clone());
        }
        Ok(ended)
    }

    /// Marks a queued run as running (stored at once) and hands out the writer its supervisor
    /// emits into. `None` when the run is no longer queued here.
    pub async fn start(&self, id: RunId, enforcement: Enforcement) -> Result<Option<RunWriter>, StoreError> {
        let Some(active) = self.inner.active_run(id) else { return Ok(None) };
        let seq = active.lock().next_seq();
        let Some(run) = self.inner.store.mark_running(id, Utc::now(), enforcement, seq).await? else {
            self.inner.forget(id);
            return Ok(None);
        };
        {
            let mut state = active.lock();
            state.run.status = run.status;
            state.run.started_at = run.started_at;
            state.run.enforcement = run.enforcement;
            state.stored_seq = seq;
            let started = Box::new(state.run.clone());
            active.publish(&mut state, seq, RunEventKind::State(started), true);
        }
        self.inner.hub.publish_list(ListChange::Changed, run);
        Ok(Some(RunWriter::start(Arc::clone(&self.inner), id, active)))
    }

    /// Ends a run that never started (cancelled in the queue, or the service stopping), freeing
    /// its environment. `None` when it had already ended.
    pub async fn end_queued(&self, id: RunId, status: RunStatus, message: Option<String>) -> Option<Run> {
        let active = self.inner.active_run(id)?;
        let finish = {
            let mut state = active.lock();
            let seq = state.next_seq();
            never_started(&state.run, status, message, seq, state.run.cancelled_by.clone())
        };
        let ended = self.inner.end(id, &active, &finish).await;
        if let Some(run) = &ended {
            info!(run_id = %run.id, status = %run.status, "queued run ended");
        }
        ended
    }

    /// Notes who is cancelling an active run, for its end to record.
    pub fn note_cancelled_by(&self, id: RunId, user: &str) {
        if let Some(active) = self.inner.active_run(id) {
            active.lock().run.cancelled_by = Some(user.to_owned());
        }
    }

    /// Marks what `node` left queued or running as interrupted with `message`, freeing the
    /// environments: a node's own runs at its start-up, before it takes runs; a lost node's runs
    /// on the node that found it lost.
    ///
    /// The process that ran them may have handed out sequence numbers it never stored; the
    /// end is numbered above all of those, so that a listener who heard them hears the end.
    pub async fn interrupt_runs_of(
        &self,
        node: &str,
        now: DateTime<Utc>,
        message: &str,
    ) -> Result<Vec<Run>, StoreError> {
        let mut interrupted = Vec::new();
        for run in self.inner.store.unfinished_runs(node).await? {
            if let Some(ended) = self.interrupt(run, now, message).await? {
                interrupted.push(ended);
            }
        }
        Ok(interrupted)
    }

    /// Marks `run`, as stored, interrupted with `message`, freeing its environment; `None` when
    /// it had ended meanwhile. For a run whose process is gone: that of a node that stopped or
    /// was lost, or one whose end could not be stored.
    pub async fn interrupt(&self, run: Run, now: DateTime<Utc>, message: &str) -> Result<Option<Run>, StoreError> {
        // What it stored before the crash counts for its tests' records too.
        let results = self.inner.store.test_results(run.id, 0, i64::MAX).await?;
        let mark = RunMark { run: run.id, at: run.created_at };
        let history = self.inner.store.test_history_update(run.environment, mark, &results).await?;
        let finish = Finish {
            status: RunStatus::Interrupted,
            exit_code: None,
            message: Some(message.to_owned()),
            finished_at: now,
            counts: run.counts,
            log_bytes: run.log_bytes,
            log_truncated: run.log_truncated,
            stored_bytes: run.stored_bytes,
            seq: run.seq + UNSTORED_SEQ_LIMIT + 1,
            resources: run.resources,
            cancelled_by: run.cancelled_by.clone(),
            log: Vec::new(),
            log_maybe_stored_to: None,
            results: Vec::new(),
            history: Some(history),
        };
        let ended = self.inner.store.finish_run(run.id, &finish).await?;
        if let Some(ended) = &ended {
            self.inner.hub.publish_list(ListChange::Changed, ended.clone());
        }
        Ok(ended)
    }

    /// How many runs are active on this node: claimed from the queue and not yet ended.
    pub fn active_count(&self) -> usize {
        self.inner.active().len()
    }

    /// Run `id`'s memory and CPU samples: from memory while it runs on this node, else as
    /// stored (at most `RESOURCES_SAVE_INTERVAL` behind while it runs on another node).
    pub async fn resources(&self, id: RunId) -> Result<ResourceSeries, StoreError> {
        if let Some(active) = self.inner.active_run(id) {
            let series = active.lock().resources.clone();
            if !series.is_empty() {
                return Ok(series);
            }
        }
        self.inner.store.resources(id).await
    }

    /// Where a listener of run `id` that has seen everything up to `after` starts, if the run is
    /// active on this node.
    pub(super) fn attach(&self, id: RunId, after: i64) -> Option<Attached> {
        self.inner.active_run(id).map(|active| active.attach(after))
    }
}

/// The end of `run`, which never started: nothing but its record is stored, numbered `seq`.
fn never_started(
    run: &Run,
    status: RunStatus,
    message: Option<String>,
    seq: i64,
    cancelled_by: Option<String>,
) -> Finish {
    Finish {
        status,
        exit_code: None,
        message,
        finished_at: Utc::now(),
        counts: run.counts,
        log_bytes: 0,
        log_truncated: false,
        stored_bytes: RUN_RECORD_BYTES,
        seq,
        resources: run.resources,
        cancelled_by,
        log: Vec::new(),
        log_maybe_stored_to: None,
        results: Vec::new(),
        history: None,
    }
}

impl Inner {
    fn active(&self) -> MutexGuard<'_, HashMap<RunId, Arc<ActiveRun>>> {
        self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn active_run(&self, id: RunId) -> Option<Arc<ActiveRun>> {
        self.active().get(&id).cloned()
    }

    pub(super) fn forget(&self, id: RunId) {
        self.active().remove(&id);
    }

    /// Stores the end of a run (its last event) and frees its environment, publishes it, and
    /// forgets the run: from now on its listeners read it from the store. A database that fails
    /// for a moment is tried again, since a run that never ends holds its environment.
    pub(super) async fn end(&self, id: RunId, active: &ActiveRun, finish: &Finish) -> Option<Run> {
        // About 17 s in all; after that the next start of the service marks the run interrupted.
        const ATTEMPTS: u32 = 5;
        let mut attempt = 1;
        let ended = loop {
            match self.store.finish_run(id, finish).await {
                Ok(ended) => break ended,
                Err(err) if attempt < ATTEMPTS => {
                    error!(run_id = %id, error = ?err, attempt, "cannot store the end of the run; trying again");
                    tokio::time::sleep(Duration::from_millis(200) * 4_u32.pow(attempt - 1)).await;
                    attempt += 1;
                }
                Err(err) => {
                    error!(run_id = %id, error = ?err, "cannot store the end of the run");
                    break None;
                }
            }
        };
        if let Some(run) = &ended {
            let mut state = active.lock();
            state.run = run.clone();
            state.stored_seq = run.seq;
            active.publish(&mut state, run.seq, RunEventKind::State(Box::new(run.clone())), true);
        }
        self.forget(id);
        if let Some(run) = &ended {
            self.hub.publish_list(ListChange::Changed, run.clone());
        }
        ended
    }
}
