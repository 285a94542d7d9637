//! The queue: runs wait in the database in creation order, one queue for every node that
//! shares it; this node claims the oldest it can execute whenever it has a free slot, and runs
//! at most `max_concurrent_runs` at once.
//!
//! One task owns this node's table of running runs; everything else talks to it through
//! messages, so a cancel can never race the start of the run it cancels. The task reads the
//! queue when runs were created here (once for all created meanwhile), when one of its runs
//! ends, and every `queue_poll` (for runs created on other nodes, and for cancels asked of other
//! nodes for runs executed here).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tracing::{debug, info, warn};

use super::context::RunContext;
use super::ending::StopReason;
use super::supervisor::supervise;
use crate::domain::{Environment, Run, RunId};
use crate::store::QueuedRun;

/// Queued runs read at once: the front of the queue, for claims and queue positions.
const QUEUE_READ: usize = 500;
/// How often this node looks for runs the database says it executes that it does not, and
/// moves the floor its reads of the queue start from.
const RECONCILE_EVERY: Duration = Duration::from_secs(5);
/// What such a run ends with.
const LOST_TRACK: &str = "this node lost track of the run: its end could not be stored (the database was out of \
                          reach) and its processes are gone";

enum Message {
    /// Run `id` was created here: claim it if there is room, and know its place in the queue.
    Created {
        id: RunId,
        seen: oneshot::Sender<Option<Run>>,
    },
    Cancel {
        id: RunId,
        reply: oneshot::Sender<CancelOutcome>,
    },
    Finished {
        id: RunId,
    },
    /// Stops every running run (this node lost its lease: another node has ended them).
    StopRunning,
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// What a cancel request found on this node.
pub enum CancelOutcome {
    /// The run does not execute on this node.
    NotHere,
    /// The run is being stopped; the receiver gets the run once it has ended.
    Stopping(watch::Receiver<Option<Run>>),
}

/// The queue as this node last read it: the runs that wait for a node, in order, and those
/// that wait in line for their environments with their places (1 is next after the holder).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct QueueView {
    for_a_node: Vec<RunId>,
    in_line: Vec<(RunId, u32)>,
}

struct Running {
    stop_tx: watch::Sender<Option<StopReason>>,
    done_rx: watch::Receiver<Option<Run>>,
}

/// A handle on this node's part of the queue.
#[derive(Clone)]
pub struct Runner {
    tx: mpsc::UnboundedSender<Message>,
    queue_rx: watch::Receiver<QueueView>,
}

impl Runner {
    /// Starts the queue's task.
    pub fn start(context: RunContext) -> std::io::Result<Runner> {
        super::command::install_plugin(&context.settings.work_dir)?;
        let (tx, rx) = mpsc::unbounded_channel();
        let (queue_tx, queue_rx) = watch::channel(QueueView::default());
        let scheduler = Scheduler {
            queue_tx,
            context: Arc::new(context),
            tx: tx.clone(),
            running: HashMap::new(),
            shutdown_waiters: Vec::new(),
            stopped: false,
            queue_unreadable: false,
        };
        tokio::spawn(scheduler.run(rx));
        Ok(Runner { tx, queue_rx })
    }

    /// How many runs wait in the queue for a node, as this node last read it.
    pub fn queue_length(&self) -> usize {
        self.queue_rx.borrow().for_a_node.len()
    }

    /// The run's place in the cluster's queue (1 is next), while it waits, as this node last
    /// read the queue.
    pub fn queue_position(&self, id: RunId) -> Option<u32> {
        let queue = self.queue_rx.borrow();
        queue.for_a_node.iter().position(|queued| *queued == id).and_then(|index| u32::try_from(index + 1).ok())
    }

    /// The run's place in the line for its environment (1 is next after the holder), while it
    /// waits there, as this node last read the queue.
    pub fn line_position(&self, id: RunId) -> Option<u32> {
        let queue = self.queue_rx.borrow();
        queue.in_line.iter().find(|(waiting, _)| *waiting == id).map(|(_, place)| *place)
    }

    /// Says that run `id` was stored as queued here. Returns once the queue has been read
    /// since (the run was claimed, or has its place in the queue), so that whoever created it
    /// learns where it is: the run as claimed, if this node claimed it.
    pub async fn created(&self, id: RunId) -> Option<Run> {
        let (seen, read) = oneshot::channel();
        if self.tx.send(Message::Created { id, seen }).is_err() {
            warn!("the runner has stopped; a new run waits in the queue for a node");
            return None;
        }
        read.await.ok().flatten()
    }

    /// Stops run `id` if it executes on this node.
    pub async fn cancel(&self, id: RunId) -> CancelOutcome {
        let (reply, answer) = oneshot::channel();
        if self.tx.send(Message::Cancel { id, reply }).is_err() {
            return CancelOutcome::NotHere;
        }
        answer.await.unwrap_or(CancelOutcome::NotHere)
    }

    /// Stops the running runs as interrupted: this node lost its lease, so another node has
    /// already ended them and freed their environments.
    pub fn stop_running(&self) {
        let _ = self.tx.send(Message::StopRunning);
    }

    /// Stops claiming runs, interrupts the running ones and waits until every process has ended
    /// and every run is stored as interrupted. The queue stays for the other nodes, or for this
    /// one's next start.
    pub async fn shutdown(&self) {
        let (reply, done) = oneshot::channel();
        if self.tx.send(Message::Shutdown { reply }).is_ok() {
            let _ = done.await;
        }
    }
}

struct Scheduler {
    context: Arc<RunContext>,
    /// The queue's order, for the API.
    queue_tx: watch::Sender<QueueView>,
    tx: mpsc::UnboundedSender<Message>,
    running: HashMap<RunId, Running>,
    shutdown_waiters: Vec<oneshot::Sender<()>>,
    stopped: bool,
    /// The last read of the queue failed (said once, until a read succeeds again).
    queue_unreadable: bool,
}

impl Scheduler {
    /// Handles messages and reads the queue until the runner has shut down; returning drops
    /// the store's handle.
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Message>) {
        let mut poll = tokio::time::interval(self.context.settings.queue_poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut reconcile = tokio::time::interval(RECONCILE_EVERY);
        reconcile.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !self.stopped {
            tokio::select! {
                message = rx.recv() => match message {
                    Some(Message::Created { id, seen }) => self.created(id, seen, &mut rx).await,
                    Some(message) => self.handle(message).await,
                    None => return,
                },
                _ = poll.tick() => {
                    self.read_queue().await;
                    if !self.running.is_empty() {
                        self.stop_cancelled_elsewhere().await;
                    }
                }
                _ = reconcile.tick() => {
                    self.end_runs_lost_track_of().await;
                    if let Err(error) = self.context.journal.store().advance_active_floor().await {
                        debug!(error = ?error, "cannot move the floor the queue is read from");
                    }
                }
            }
        }
    }

    /// Reads the queue once for run `id` and every other run created meanwhile (so that runs
    /// created at once do not each wait for a read of their own), then handles what came after.
    async fn created(
        &mut self,
        id: RunId,
        seen: oneshot::Sender<Option<Run>>,
        rx: &mut mpsc::UnboundedReceiver<Message>,
    ) {
        let mut waiting = vec![(id, seen)];
        let mut after = None;
        while let Ok(message) = rx.try_recv() {
            match message {
                Message::Created { id, seen } => waiting.push((id, seen)),
                other => {
                    after = Some(other);
                    break;
                }
            }
        }
        self.answer_created(waiting).await;
        if let Some(message) = after {
            self.handle(message).await;
        }
    }

    /// Reads the queue and tells the creator of each run where it is.
    async fn answer_created(&mut self, waiting: Vec<(RunId, oneshot::Sender<Option<Run>>)>) {
        let claimed = self.read_queue().await;
        for (id, seen) in waiting {
            let _ = seen.send(claimed.iter().find(|run| run.id == id).cloned());
        }
    }

    async fn handle(&mut self, message: Message) {
        match message {
            Message::Created { id, seen } => self.answer_created(vec![(id, seen)]).await,
            Message::Cancel { id, reply } => {
                let outcome = match self.running.get(&id) {
                    Some(running) => {
                        let _ = running.stop_tx.send(Some(StopReason::Cancelled));
                        CancelOutcome::Stopping(running.done_rx.clone())
                    }
                    None => CancelOutcome::NotHere,
                };
                let _ = reply.send(outcome);
            }
            Message::Finished { id } => {
                self.running.remove(&id);
                if self.is_shutting_down() {
                    self.reply_if_stopped();
                } else {
                    self.read_queue().await;
                }
            }
            Message::StopRunning => {
                for running in self.running.values() {
                    let _ = running.stop_tx.send(Some(StopReason::LeaseLost));
                }
            }
            Message::Shutdown { reply } => {
                self.shutdown_waiters.push(reply);
                for running in self.running.values() {
                    let _ = running.stop_tx.send(Some(StopReason::Shutdown));
                }
                self.reply_if_stopped();
            }
        }
    }

    fn is_shutting_down(&self) -> bool {
        !self.shutdown_waiters.is_empty()
    }

    fn reply_if_stopped(&mut self) {
        if self.running.is_empty() {
            for waiter in self.shutdown_waiters.drain(..) {
                let _ = waiter.send(());
            }
            self.stopped = true;
        }
    }

    /// Reads the front of the queue, claims what this node has room for and can execute, and
    /// publishes the queue's order. Returns the runs it claimed.
    async fn read_queue(&mut self) -> Vec<Run> {
        let mut claimed_now = Vec::new();
        if self.is_shutting_down() {
            return claimed_now;
        }
        let store = self.context.journal.store().clone();
        let queued = match store.queued_runs(QUEUE_READ).await {
            Ok(queued) => queued,
            Err(error) => {
                if !self.queue_unreadable {
                    warn!(error = ?error, "cannot read the queue; this node claims no runs until it can");
                    self.queue_unreadable = true;
                }
                return claimed_now;
            }
        };
        if std::mem::take(&mut self.queue_unreadable) {
            info!("the queue can be read again");
        }
        let mut view = QueueView::default();
        let mut lines: HashMap<Environment, u32> = HashMap::new();
        for run in queued.into_iter().filter(|run| run.node.is_none()) {
            if run.waiting_for_environment {
                let place = lines.entry(run.environment).or_default();
                *place += 1;
                view.in_line.push((run.id, *place));
                continue;
            }
            if self.running.len() < self.context.settings.max_concurrent_runs && self.can_execute(&run) {
                match store.claim_run(run.id, &self.context.settings.node).await {
                    Ok(Some(claimed)) => {
                        claimed_now.push(claimed.clone());
                        self.start(claimed);
                        continue;
                    }
                    Ok(None) => continue,
                    Err(error) => warn!(run_id = %run.id, error = ?error, "cannot claim a queued run"),
                }
            }
            view.for_a_node.push(run.id);
        }
        self.queue_tx.send_if_modified(|shown| {
            let changed = *shown != view;
            *shown = view;
            changed
        });
        claimed_now
    }

    /// Whether every path of `run` exists in this node's tests tree.
    fn can_execute(&self, run: &QueuedRun) -> bool {
        let root = &self.context.settings.tests_root;
        run.paths.iter().all(|path| root.join(path.file_part()).exists())
    }

    fn start(&mut self, run: Run) {
        let id = run.id;
        self.context.journal.adopt(run.clone());
        let (stop_tx, stop_rx) = watch::channel(None);
        let (done_tx, done_rx) = watch::channel(None);
        let context = Arc::clone(&self.context);
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let ended = supervise(&context, run, stop_rx).await;
            let _ = done_tx.send(ended);
            let _ = tx.send(Message::Finished { id });
        });
        self.running.insert(id, Running { stop_tx, done_rx });
    }

    /// Interrupts the runs the database says this node executes but it does not: their end
    /// could not be stored (the journal tries for a while, then gives up). Run in this task,
    /// which claims runs, so a run just claimed is never taken for one.
    async fn end_runs_lost_track_of(&self) {
        if self.is_shutting_down() {
            return;
        }
        let journal = &self.context.journal;
        let Ok(unfinished) = journal.store().unfinished_runs(&self.context.settings.node).await else { return };
        for run in unfinished.into_iter().filter(|run| !self.running.contains_key(&run.id)) {
            match journal.interrupt(run, chrono::Utc::now(), LOST_TRACK).await {
                Ok(Some(run)) => warn!(run_id = %run.id, "a run whose end was not stored is marked interrupted"),
                Ok(None) => {}
                Err(error) => warn!(error = ?error, "cannot end a run this node lost track of"),
            }
        }
    }

    async fn stop_cancelled_elsewhere(&self) {
        let requests = match self.context.journal.store().cancel_requests(&self.context.settings.node).await {
            Ok(requests) => requests,
            Err(error) => {
                warn!(error = ?error, "cannot read the cancels asked of other nodes");
                return;
            }
        };
        for request in requests {
            if let Some(running) = self.running.get(&request.run) {
                if let Some(by) = &request.by {
                    self.context.journal.note_cancelled_by(request.run, by);
                }
                let _ = running.stop_tx.send(Some(StopReason::Cancelled));
            }
        }
    }
}
