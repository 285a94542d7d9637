//! Server-sent events: the runs list stream and each run's own stream.
//!
//! A run's stream is the journal's `follow`: what the client has not seen, from the store, the
//! run's in-memory tail and then live, each event once and in order.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use poem::web::Data;
use poem::web::sse::Event;
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::{ApiResponse, OpenApi};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::models::{ListStreamEvent, Reload, RunListed, RunStreamEvent, RunView};
use super::problem::{Problem, ServerError};
use super::{ApiTags, AppState};
use crate::domain::RunId;
use crate::events::{ListEvent, ListEventId, ListResume};

const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events buffered per client before the sender waits for it.
const CLIENT_BUFFER: usize = 256;

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
        let open = state.metrics.stream_opened();
        let events = ReceiverStream::new(rx).map(move |event| {
            let _counted = &open;
            event
        });
        EventStream::new(Box::pin(events) as BoxStream<'static, ListStreamEvent>).keep_alive(KEEP_ALIVE).to_event(
            |event| {
                let id = event.event_id().to_owned();
                Event::message(json(&event)).id(id)
            },
        )
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
        let open = state.metrics.stream_opened();
        let events = state.journal.follow(id, after).map(move |event| {
            let _counted = &open;
            RunStreamEvent::from_journal(&event)
        });
        let stream = EventStream::new(Box::pin(events) as BoxStream<'static, RunStreamEvent>)
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
        run: RunView::from(event.run).listed(),
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
