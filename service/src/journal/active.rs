//! A run that is active on this node, in memory: its latest state, the next sequence number,
//! the events not yet stored, and the channel its live listeners hear.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::{Notify, broadcast};

use super::event::{RunEvent, RunEventKind};
use super::imp::UNSTORED_SEQ_LIMIT;
use crate::domain::{Counts, ResourceSeries, Run, TestResult};

/// Live events kept per run for a listener that is slow for a moment; one that falls further
/// behind catches up from the store and the tail.
const LIVE_CAPACITY: usize = 1024;

pub(super) struct ActiveRun {
    state: Mutex<RunState>,
    live_tx: broadcast::Sender<Arc<RunEvent>>,
    /// Wakes the run's persister before its interval, when much has gathered.
    pub(super) wake: Notify,
    /// Told when stored events leave the tail, for a writer waiting for room.
    pub(super) drained: Notify,
}

/// A batch of the tail on its way to the store. A batch that failed is tried again as it is
/// (the store skips one it already holds), so that a retry is never larger than the first try
/// and never stores an event twice.
#[derive(Clone, Debug)]
pub(super) struct Batch {
    pub progress: crate::store::Progress,
    /// Its state's counts differ from what the runs list last heard.
    pub counts_moved: bool,
}

pub(super) struct RunState {
    /// The run as it is now, ahead of the store while the tail is not stored; its `seq` is the
    /// latest sequence number given out.
    pub run: Run,
    /// Events above `stored_seq`, in order.
    pub tail: VecDeque<Arc<RunEvent>>,
    /// Everything up to this sequence number is in the store.
    pub stored_seq: i64,
    /// The bytes of log text and test results in the tail.
    pub tail_bytes: usize,
    /// The counts listeners last heard of.
    pub published_counts: Counts,
    /// The batch being stored (or that failed and waits to be tried again).
    pub pending: Option<Batch>,
    /// The latest sequence number of an event the store keeps (all but samples).
    pub kept_seq: i64,
    /// The run's memory and CPU samples so far.
    pub resources: ResourceSeries,
    /// The samples have changed since they were last stored.
    pub resources_unsaved: bool,
    /// Each test result of the run so far, without its texts: its tests' history at its end.
    pub outcomes: Vec<TestResult>,
}

impl RunState {
    /// The next sequence number of the run, for an event the store keeps.
    pub fn next_seq(&mut self) -> i64 {
        self.kept_seq = self.next_sample_seq();
        self.kept_seq
    }

    /// The next sequence number of the run, for a sample: live only, never stored, so the
    /// store has nothing to catch up with for it.
    pub fn next_sample_seq(&mut self) -> i64 {
        self.run.seq += 1;
        if self.run.seq == self.stored_seq + UNSTORED_SEQ_LIMIT {
            tracing::error!(
                run_id = %self.run.id,
                "this run has handed out {UNSTORED_SEQ_LIMIT} events the database has not stored; if the service \
                 dies now, a client following it may not hear its end"
            );
        }
        self.run.seq
    }
}

/// What a listener starts from: the live channel (subscribed first), then what the tail held.
pub(super) struct Attached {
    pub live_rx: broadcast::Receiver<Arc<RunEvent>>,
    /// Events after the listener's position that are not stored yet.
    pub tail: Vec<Arc<RunEvent>>,
    pub stored_seq: i64,
    /// The run as it is now.
    pub run: Run,
}

impl ActiveRun {
    /// A run as stored, with nothing in its tail.
    pub fn new(run: Run) -> ActiveRun {
        let stored_seq = run.seq;
        let published_counts = run.counts;
        ActiveRun {
            state: Mutex::new(RunState {
                run,
                tail: VecDeque::new(),
                stored_seq,
                tail_bytes: 0,
                published_counts,
                pending: None,
                kept_seq: stored_seq,
                resources: ResourceSeries::default(),
                resources_unsaved: false,
                outcomes: Vec::new(),
            }),
            live_tx: broadcast::channel(LIVE_CAPACITY).0,
            wake: Notify::new(),
            drained: Notify::new(),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, RunState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Numbers an event, keeps it in the tail unless it is already stored, and publishes it.
    /// Called with the state locked, so that the live order is the numbering order.
    pub fn publish(&self, state: &mut RunState, seq: i64, kind: RunEventKind, stored: bool) {
        let event = Arc::new(RunEvent { seq, kind });
        if !stored {
            state.tail_bytes += event_bytes(&event.kind);
            state.tail.push_back(Arc::clone(&event));
        }
        // No listener is not an error.
        let _ = self.live_tx.send(event);
    }

    /// Subscribes a listener that has seen everything up to `after`.
    pub fn attach(&self, after: i64) -> Attached {
        let state = self.lock();
        Attached {
            live_rx: self.live_tx.subscribe(),
            tail: state.tail.iter().filter(|event| event.seq > after).cloned().collect(),
            stored_seq: state.stored_seq,
            run: state.run.clone(),
        }
    }

    /// Notes that everything up to `seq` is stored, and lets the tail go up to there.
    pub fn stored(&self, seq: i64) {
        let mut state = self.lock();
        state.stored_seq = state.stored_seq.max(seq);
        if state.pending.as_ref().is_some_and(|batch| batch.progress.seq <= seq) {
            state.pending = None;
        }
        while state.tail.front().is_some_and(|event| event.seq <= seq) {
            if let Some(event) = state.tail.pop_front() {
                state.tail_bytes -= event_bytes(&event.kind);
            }
        }
        drop(state);
        self.drained.notify_waiters();
    }
}

/// What an event weighs in a stored batch.
fn event_bytes(kind: &RunEventKind) -> usize {
    match kind {
        RunEventKind::Log(chunk) => chunk.text.len(),
        RunEventKind::Test(result) => result.node_id.len() + result.failure.as_ref().map_or(0, String::len) + 64,
        RunEventKind::State(_) | RunEventKind::Resources(_) => 0,
    }
}
