//! The queue: runs start in creation order, at most `max_concurrent_runs` at once.
//!
//! One task owns the queue and the table of running runs; everything else talks to it through
//! messages, so a cancel can never race the start of the run it cancels.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};
use tracing::warn;

use super::context::RunContext;
use super::ending::StopReason;
use super::supervisor::supervise;
use crate::domain::{Run, RunId, RunStatus};

enum Message {
    Submit {
        run: Run,
        queued: oneshot::Sender<()>,
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

/// What a cancel request found.
pub enum CancelOutcome {
    /// The run is not active on this node.
    NotActive,
    /// The run was queued and is now cancelled.
    Ended(Box<Run>),
    /// The run is being stopped; the receiver gets the run once it has ended.
    Stopping(watch::Receiver<Option<Run>>),
}

struct Running {
    stop_tx: watch::Sender<Option<StopReason>>,
    done_rx: watch::Receiver<Option<Run>>,
}

/// A handle on the queue.
#[derive(Clone)]
pub struct Runner {
    tx: mpsc::UnboundedSender<Message>,
    queue_rx: watch::Receiver<Vec<RunId>>,
    running_rx: watch::Receiver<usize>,
}

impl Runner {
    /// Starts the queue's task.
    pub fn start(context: RunContext) -> std::io::Result<Runner> {
        super::command::install_plugin(&context.settings.work_dir)?;
        let (tx, rx) = mpsc::unbounded_channel();
        let (queue_tx, queue_rx) = watch::channel(Vec::new());
        let (running_tx, running_rx) = watch::channel(0);
        let scheduler = Scheduler {
            queue_tx,
            running_tx,
            context: Arc::new(context),
            tx: tx.clone(),
            queue: VecDeque::new(),
            running: HashMap::new(),
            shutdown_waiters: Vec::new(),
            stopped: false,
        };
        tokio::spawn(scheduler.run(rx));
        Ok(Runner { tx, queue_rx, running_rx })
    }

    /// How many runs execute on this node now.
    pub fn running_count(&self) -> usize {
        *self.running_rx.borrow()
    }

    /// How many runs wait for a slot.
    pub fn queue_length(&self) -> usize {
        self.queue_rx.borrow().len()
    }

    /// The run's place in the queue (1 is next), while it waits.
    pub fn queue_position(&self, id: RunId) -> Option<u32> {
        let queue = self.queue_rx.borrow();
        queue.iter().position(|queued| *queued == id).and_then(|index| u32::try_from(index + 1).ok())
    }

    /// Queues a stored, queued run. Returns once the queue holds it (or it has started), so
    /// the run's queue position is known to whoever created it.
    pub async fn submit(&self, run: Run) {
        let (queued, acknowledged) = oneshot::channel();
        if self.tx.send(Message::Submit { run, queued }).is_err() {
            warn!("the runner has stopped; a new run stays queued until the next start");
            return;
        }
        let _ = acknowledged.await;
    }

    pub async fn cancel(&self, id: RunId) -> CancelOutcome {
        let (reply, answer) = oneshot::channel();
        if self.tx.send(Message::Cancel { id, reply }).is_err() {
            return CancelOutcome::NotActive;
        }
        answer.await.unwrap_or(CancelOutcome::NotActive)
    }

    /// Stops the running runs as interrupted: this node lost its lease, so another node has
    /// already ended them and freed their environments.
    pub fn stop_running(&self) {
        let _ = self.tx.send(Message::StopRunning);
    }

    /// Stops taking runs, interrupts the queued and running ones and waits until every
    /// process has ended and every run is stored as interrupted.
    pub async fn shutdown(&self) {
        let (reply, done) = oneshot::channel();
        if self.tx.send(Message::Shutdown { reply }).is_ok() {
            let _ = done.await;
        }
    }
}

struct Scheduler {
    context: Arc<RunContext>,
    /// The queued runs' ids, in order, for the API.
    queue_tx: watch::Sender<Vec<RunId>>,
    running_tx: watch::Sender<usize>,
    tx: mpsc::UnboundedSender<Message>,
    queue: VecDeque<Run>,
    running: HashMap<RunId, Running>,
    shutdown_waiters: Vec<oneshot::Sender<()>>,
    stopped: bool,
}

impl Scheduler {
    /// Handles messages until the runner has shut down; returning drops the store's handle.
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Message>) {
        while !self.stopped
            && let Some(message) = rx.recv().await
        {
            self.handle(message).await;
            self.publish_queue();
        }
    }

    fn publish_queue(&self) {
        let queued: Vec<RunId> = self.queue.iter().map(|run| run.id).collect();
        self.queue_tx.send_if_modified(|shown| {
            let changed = *shown != queued;
            *shown = queued;
            changed
        });
        self.running_tx.send_if_modified(|shown| {
            let changed = *shown != self.running.len();
            *shown = self.running.len();
            changed
        });
    }

    async fn handle(&mut self, message: Message) {
        match message {
            Message::Submit { run, queued } if self.is_shutting_down() => {
                self.end_queued(run, RunStatus::Interrupted).await;
                let _ = queued.send(());
            }
            Message::Submit { run, queued } => {
                self.queue.push_back(run);
                self.start_ready();
                self.publish_queue();
                let _ = queued.send(());
            }
            Message::Cancel { id, reply } => {
                let outcome = self.cancel(id).await;
                let _ = reply.send(outcome);
            }
            Message::Finished { id } => {
                self.running.remove(&id);
                if self.is_shutting_down() {
                    self.reply_if_stopped();
                } else {
                    self.start_ready();
                }
            }
            Message::StopRunning => {
                for running in self.running.values() {
                    let _ = running.stop_tx.send(Some(StopReason::LeaseLost));
                }
            }
            Message::Shutdown { reply } => {
                self.shutdown_waiters.push(reply);
                for run in std::mem::take(&mut self.queue) {
                    self.end_queued(run, RunStatus::Interrupted).await;
                }
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

    fn start_ready(&mut self) {
        while self.running.len() < self.context.settings.max_concurrent_runs {
            let Some(run) = self.queue.pop_front() else { return };
            let id = run.id;
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
    }

    async fn cancel(&mut self, id: RunId) -> CancelOutcome {
        if let Some(position) = self.queue.iter().position(|run| run.id == id) {
            let Some(run) = self.queue.remove(position) else { return CancelOutcome::NotActive };
            return match self.end_queued(run, RunStatus::Cancelled).await {
                Some(run) => CancelOutcome::Ended(Box::new(run)),
                None => CancelOutcome::NotActive,
            };
        }
        match self.running.get(&id) {
            Some(running) => {
                let _ = running.stop_tx.send(Some(StopReason::Cancelled));
                CancelOutcome::Stopping(running.done_rx.clone())
            }
            None => CancelOutcome::NotActive,
        }
    }

    /// Ends a run that never started, freeing its environment.
    async fn end_queued(&self, run: Run, status: RunStatus) -> Option<Run> {
        let message = (status == RunStatus::Interrupted)
            .then(|| "the Testbay service stopped before this run started".to_owned());
        self.context.journal.end_queued(run.id, status, message).await
    }
}
