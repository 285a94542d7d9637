//! Server-sent events: the runs list stream and each run's own stream.
//!
//! A run's stream first replays what the client has not seen, read from the store up to the
//! run's current sequence number, then forwards live events after it. It subscribes before it
//! reads, and drops live events it has already sent, so nothing is missed or sent twice; a
//! client that falls behind the live buffer is caught up from the store again.

use std::sync::Arc;
use std::time::Duration;

use futures::stream::BoxStream;
use poem::web::Data;
use poem::web::sse::Event;
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::{ApiResponse, OpenApi};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::models::{ListStreamEvent, Reload, RunListed, RunStreamEvent};
use super::problem::{Problem, ServerError};
use super::{ApiTags, AppState};
use crate::domain::RunId;
use crate::events::{ListEvent, ListEventId, ListResume, RunEventKind};
use crate::store::StoreError;

const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events buffered per client before the sender waits for it.
const CLIENT_BUFFER: usize = 256;
/// Log chunks read from the store at once while replaying.
const REPLAY_PAGE: usize = 256;

pub struct LiveApi;

#[derive(ApiResponse)]
enum RunEventsResponse {
    /// The run's events: `run` (its state after a change), `test` (a result) and `log` (text).
    #[oai(status = 200)]
    Stream(EventStream<BoxStream<'static, RunStreamEvent>>),
    /// No run has this id.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
}

#[OpenApi(tag = "ApiTags::Live")]
impl LiveApi {
    /// Follow the runs list
    ///
    /// A `run` event for every run created or changed (status, counts). Reconnect with
    /// `Last-Event-ID` to get what was missed; a `reload` event says the list must be fetched
    /// again because the missed events are no longer known.
    #[oai(path = "/events", method = "get", operation_id = "follow_runs")]
    async fn runs(
        &self,
        state: Data<&Arc<AppState>>,
        #[oai(name = "Last-Event-ID")] last_event_id: Header<Option<String>>,
    ) -> EventStream<BoxStream<'static, ListStreamEvent>> {
        let last = last_event_id.0.as_deref().map(|id| id.parse::<ListEventId>().ok());
        let (resume, live) = match last {
            // An id this service never gave out: treat it as stale.
            Some(None) => state.hub.subscribe_list(Some(ListEventId { epoch: 0, number: 0 })),
            Some(Some(id)) => state.hub.subscribe_list(Some(id)),
            None => state.hub.subscribe_list(None),
        };
        let (tx, rx) = mpsc::channel(CLIENT_BUFFER);
        tokio::spawn(forward_list(resume, live, tx));
        EventStream::new(Box::pin(ReceiverStream::new(rx)) as BoxStream<'static, ListStreamEvent>)
            .keep_alive(KEEP_ALIVE)
            .to_event(|event| {
                let id = event.event_id().to_owned();
                Event::message(json(&event)).id(id)
            })
    }

    /// Follow a run
    ///
    /// The run's state, test results and log text as they happen. Event ids are the run's
    /// sequence numbers: reconnect with `Last-Event-ID` to continue after the last one seen.
    /// Without it the stream starts from the beginning, so it also replays a finished run.
    #[oai(path = "/runs/:id/events", method = "get", operation_id = "follow_run")]
    async fn run(
        &self,
        state: Data<&Arc<AppState>>,
        id: Path<i64>,
        #[oai(name = "Last-Event-ID")] last_event_id: Header<Option<String>>,
    ) -> Result<RunEventsResponse, ServerError> {
        let id = RunId(id.0);
        if state.store.run(id).await?.is_none() {
            return Ok(RunEventsResponse::NotFound(Json(Problem::not_found(&format!("run {id}")))));
        }
        let after = last_event_id.0.as_deref().and_then(|id| id.trim().parse::<i64>().ok()).unwrap_or(0);
        let live = state.hub.subscribe_runs();
        let (tx, rx) = mpsc::channel(CLIENT_BUFFER);
        tokio::spawn(forward_run(Arc::clone(&state), id, after, live, tx));
        let stream = EventStream::new(Box::pin(ReceiverStream::new(rx)) as BoxStream<'static, RunStreamEvent>)
            .keep_alive(KEEP_ALIVE)
            .to_event(|event| Event::message(json(&event)).id(event.seq().to_string()));
        Ok(RunEventsResponse::Stream(stream))
    }
}

fn json<T: poem_openapi::types::ToJSON>(value: &T) -> String {
    value.to_json_string()
}

fn listed(event: ListEvent) -> ListStreamEvent {
    ListStreamEvent::Run(RunListed {
        event_id: event.id.to_string(),
        change: event.change.into(),
        run: event.run.into(),
    })
}

async fn forward_list(resume: ListResume, mut live: broadcast::Receiver<ListEvent>, tx: mpsc::Sender<ListStreamEvent>) {
    let mut last_sent = match resume {
        ListResume::From(missed) => {
            let mut last = None;
            for event in missed {
                last = Some(event.id.number);
                if tx.send(listed(event)).await.is_err() {
                    return;
                }
            }
            last
        }
        ListResume::Reload { now } => {
            let reload = Reload { event_id: now.to_string(), reason: "missed events are no longer known".into() };
            if tx.send(ListStreamEvent::Reload(reload)).await.is_err() {
                return;
            }
            Some(now.number)
        }
    };
    loop {
        let received = tokio::select! {
            received = live.recv() => received,
            () = tx.closed() => return,
        };
        match received {
            Ok(event) if last_sent.is_none_or(|last| event.id.number > last) => {
                last_sent = Some(event.id.number);
                if tx.send(listed(event)).await.is_err() {
                    return;
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => {
                let reload = Reload { event_id: String::new(), reason: "this client fell behind".into() };
                if tx.send(ListStreamEvent::Reload(reload)).await.is_err() {
                    return;
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

async fn forward_run(
    state: Arc<AppState>,
    id: RunId,
    after: i64,
    mut live: broadcast::Receiver<Arc<crate::events::RunEvent>>,
    tx: mpsc::Sender<RunStreamEvent>,
) {
    let mut last_sent = after;
    if replay(&state, id, &mut last_sent, &tx).await.is_err() {
        return;
    }
    loop {
        let received = tokio::select! {
            received = live.recv() => received,
            // The client has gone: stop holding the store and the hub.
            () = tx.closed() => return,
        };
        match received {
            Ok(event) if event.run_id == id && event.seq > last_sent => {
                last_sent = event.seq;
                let message = match &event.kind {
                    RunEventKind::Run(run) => RunStreamEvent::run(event.seq, (**run).clone()),
                    RunEventKind::Test(result) => RunStreamEvent::test(result.clone()),
                    RunEventKind::Log(chunk) => RunStreamEvent::log(chunk.clone()),
                };
                if tx.send(message).await.is_err() {
                    return;
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => {
                if replay(&state, id, &mut last_sent, &tx).await.is_err() {
                    return;
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// Why a replay stopped early.
enum ReplayStop {
    ClientGone,
    Store,
}

impl From<StoreError> for ReplayStop {
    fn from(error: StoreError) -> Self {
        tracing::error!(error = ?error, "cannot replay a run's events");
        ReplayStop::Store
    }
}

/// Sends the stored events after `last_sent`, in order, up to the run's current sequence
/// number; later ones arrive live.
async fn replay(
    state: &AppState,
    id: RunId,
    last_sent: &mut i64,
    tx: &mpsc::Sender<RunStreamEvent>,
) -> Result<(), ReplayStop> {
    let Some(run) = state.store.run(id).await? else { return Ok(()) };
    let upto = run.seq;
    if upto <= *last_sent {
        return Ok(());
    }
    let mut tests = std::collections::VecDeque::from(state.store.test_results(id, *last_sent, upto).await?);
    let mut log_after = *last_sent;
    loop {
        let chunks = state.store.log_chunks_after_seq(id, log_after, upto, REPLAY_PAGE).await?;
        let page_len = chunks.len();
        for chunk in chunks {
            while tests.front().is_some_and(|test| test.seq < chunk.seq) {
                let test = tests.pop_front().ok_or(ReplayStop::Store)?;
                tx.send(RunStreamEvent::test(test)).await.map_err(|_| ReplayStop::ClientGone)?;
            }
            log_after = chunk.seq;
            tx.send(RunStreamEvent::log(chunk)).await.map_err(|_| ReplayStop::ClientGone)?;
        }
        if page_len < REPLAY_PAGE {
            break;
        }
    }
    for test in tests {
        tx.send(RunStreamEvent::test(test)).await.map_err(|_| ReplayStop::ClientGone)?;
    }
    tx.send(RunStreamEvent::run(upto, run)).await.map_err(|_| ReplayStop::ClientGone)?;
    *last_sent = upto;
    Ok(())
}
