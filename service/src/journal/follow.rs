//! Following a run from any point: what is stored is replayed from the store, the tail from
//! memory, then live events, each once and in order. A run that is not active on this node is
//! read from the store; while it is active elsewhere, the store is read again every
//! `REMOTE_POLL` for what was stored since.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::active::Attached;
use super::event::{RunEvent, RunEventKind};
use super::imp::Journal;
use crate::domain::RunId;
use crate::store::{Store, StoreError};

/// Events buffered per listener before the journal waits for it.
const LISTENER_BUFFER: usize = 256;
/// Stored log batches read at once while replaying (each at most 256 KiB of text).
const REPLAY_PAGE: usize = 32;
/// How often a run active on another node is read from the store again. With the executing
/// node storing its events every 100 ms, a line reaches a client of another node within about
/// 200 ms (bench/README.md: `testbay-bench cluster`). Polling by sequence number, rather than
/// `LIVE SELECT`, also works when SurrealDB itself runs as several nodes (over TiKV), where
/// live queries do not cross its nodes.
const REMOTE_POLL: Duration = Duration::from_millis(100);

impl Journal {
    /// The events of run `id` after sequence number `after`, in order, each once; then, live,
    /// those that follow. The stream ends when the listener drops it.
    pub fn follow(&self, id: RunId, after: i64) -> ReceiverStream<Arc<RunEvent>> {
        let (tx, rx) = mpsc::channel(LISTENER_BUFFER);
        tokio::spawn(forward(self.clone(), id, after, tx));
        ReceiverStream::new(rx)
    }
}

/// Why following stopped.
enum Stop {
    ListenerGone,
    Store,
}

impl From<StoreError> for Stop {
    fn from(error: StoreError) -> Self {
        tracing::error!(error = ?error, "cannot replay a run's events");
        Stop::Store
    }
}

/// Sends events to one listener, remembering the last sequence number it was sent.
struct Listener {
    tx: mpsc::Sender<Arc<RunEvent>>,
    last_sent: i64,
}

impl Listener {
    async fn send(&mut self, event: Arc<RunEvent>) -> Result<(), Stop> {
        if event.seq <= self.last_sent {
            return Ok(());
        }
        self.last_sent = event.seq;
        self.tx.send(event).await.map_err(|_| Stop::ListenerGone)
    }
}

async fn forward(journal: Journal, id: RunId, after: i64, tx: mpsc::Sender<Arc<RunEvent>>) {
    let mut listener = Listener { tx, last_sent: after };
    loop {
        let step = match journal.attach(id, listener.last_sent) {
            Some(attached) => follow_active(journal.store(), id, attached, &mut listener).await,
            None => follow_stored(journal.store(), id, &mut listener).await,
        };
        match step {
            Ok(Next::Again) => {}
            Ok(Next::Idle) => {
                // Everything there is has been sent: hold the stream open (its keep-alives
                // tell the client so) until the client goes.
                listener.tx.closed().await;
                return;
            }
            Err(Stop::ListenerGone | Stop::Store) => return,
        }
    }
}

/// What to do once a step is over.
enum Next {
    /// Attach again: the run ended here, or the listener fell behind its live channel.
    Again,
    /// The run has ended and the listener has all of it.
    Idle,
}

/// A run active on this node: stored events up to the tail, the tail, then live ones.
async fn follow_active(store: &Store, id: RunId, attached: Attached, listener: &mut Listener) -> Result<Next, Stop> {
    let Attached { mut live_rx, tail, stored_seq, run } = attached;
    if listener.last_sent < stored_seq {
        replay(store, id, stored_seq, listener).await?;
        // The run's state as it is now, in the place of the stored batch's own state.
        listener.send(Arc::new(RunEvent { seq: stored_seq, kind: RunEventKind::State(Box::new(run)) })).await?;
    }
    for event in tail {
        listener.send(event).await?;
    }
    loop {
        let received = tokio::select! {
            received = live_rx.recv() => received,
            () = listener.tx.closed() => return Err(Stop::ListenerGone),
        };
        match received {
            Ok(event) => listener.send(event).await?,
            // Too slow for the live channel: catch up from the store and the tail.
            Err(broadcast::error::RecvError::Lagged(_)) => return Ok(Next::Again),
            // The run ended and was forgotten: whatever followed its last live event is stored.
            Err(broadcast::error::RecvError::Closed) => return Ok(Next::Again),
        }
    }
}

/// A run that is not active on this node: what the store has; while the run is active on
/// another node, the caller comes back after `REMOTE_POLL` for what was stored since.
async fn follow_stored(store: &Store, id: RunId, listener: &mut Listener) -> Result<Next, Stop> {
    let Some(run) = store.run(id).await? else { return Ok(Next::Idle) };
    let active = run.status.is_active();
    if run.seq > listener.last_sent {
        let seq = run.seq;
        replay(store, id, seq, listener).await?;
        listener.send(Arc::new(RunEvent { seq, kind: RunEventKind::State(Box::new(run)) })).await?;
    }
    if !active {
        return Ok(Next::Idle);
    }
    tokio::select! {
        () = tokio::time::sleep(REMOTE_POLL) => Ok(Next::Again),
        () = listener.tx.closed() => Err(Stop::ListenerGone),
    }
}

/// Sends the stored log and test events after the listener's position up to `upto` (the end
/// of a stored batch), in sequence order.
async fn replay(store: &Store, id: RunId, upto: i64, listener: &mut Listener) -> Result<(), Stop> {
    let after = listener.last_sent;
    let mut tests = VecDeque::from(store.test_results(id, after, upto).await?);
    let mut log_after = after;
    loop {
        let pieces = store.log_chunks_after_seq(id, log_after, upto, REPLAY_PAGE).await?;
        let Some(last) = pieces.last().map(|piece| piece.seq) else { break };
        for piece in pieces {
            while tests.front().is_some_and(|test| test.seq < piece.seq) {
                let Some(test) = tests.pop_front() else { break };
                listener.send(Arc::new(RunEvent { seq: test.seq, kind: RunEventKind::Test(test) })).await?;
            }
            listener.send(Arc::new(RunEvent { seq: piece.seq, kind: RunEventKind::Log(piece) })).await?;
        }
        log_after = last;
    }
    for test in tests {
        listener.send(Arc::new(RunEvent { seq: test.seq, kind: RunEventKind::Test(test) })).await?;
    }
    Ok(())
}
