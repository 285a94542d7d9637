//! The events of the live streams: one run's, and the runs list's.

use poem_openapi::{Enum, Object, Union};

use super::resources::ResourcePointView;
use super::runs::{RunView, TestResultView};
use crate::events::ListChange;
use crate::journal::{RunEvent, RunEventKind};

/// The state of a run after a change: status, times, counts.
#[derive(Debug, Object)]
pub struct RunChanged {
    /// The event's sequence number in the run, also its SSE id.
    pub seq: i64,
    pub run: RunView,
}

/// A test finished (or a file failed to collect).
#[derive(Debug, Object)]
pub struct TestFinished {
    /// The event's sequence number in the run, also its SSE id.
    pub seq: i64,
    pub test: TestResultView,
}

/// Log text, in order; `offset` is its byte offset in the log.
#[derive(Debug, Object)]
pub struct LogAppended {
    /// The event's sequence number in the run, also its SSE id.
    pub seq: i64,
    pub offset: u64,
    pub text: String,
}

/// The run's memory and CPU a moment ago, about once a second while it runs. Live only: a
/// client that reconnects is not sent the samples it missed; `GET /runs/{id}/resources` has
/// them all.
#[derive(Debug, Object)]
pub struct ResourcesSampled {
    /// The event's sequence number in the run, also its SSE id.
    pub seq: i64,
    pub sample: ResourcePointView,
}

/// An event of one run's stream. The event id is the run's sequence number: send it back as
/// `Last-Event-ID` to resume after it.
#[derive(Debug, Union)]
#[oai(discriminator_name = "type", rename_all = "snake_case")]
pub enum RunStreamEvent {
    #[oai(mapping = "run")]
    Run(RunChanged),
    #[oai(mapping = "test")]
    Test(TestFinished),
    #[oai(mapping = "log")]
    Log(LogAppended),
    #[oai(mapping = "resources")]
    Resources(ResourcesSampled),
}

impl RunStreamEvent {
    pub fn from_journal(event: &RunEvent) -> Self {
        let seq = event.seq;
        match &event.kind {
            RunEventKind::State(run) => RunStreamEvent::Run(RunChanged { seq, run: (**run).clone().into() }),
            RunEventKind::Test(result) => RunStreamEvent::Test(TestFinished { seq, test: result.clone().into() }),
            RunEventKind::Log(chunk) => {
                RunStreamEvent::Log(LogAppended { seq, offset: chunk.byte_offset, text: chunk.text.clone() })
            }
            RunEventKind::Resources(sample) => {
                RunStreamEvent::Resources(ResourcesSampled { seq, sample: ResourcePointView::from(sample) })
            }
        }
    }

    pub fn seq(&self) -> i64 {
        match self {
            RunStreamEvent::Run(event) => event.seq,
            RunStreamEvent::Test(event) => event.seq,
            RunStreamEvent::Log(event) => event.seq,
            RunStreamEvent::Resources(event) => event.seq,
        }
    }
}

#[derive(Clone, Copy, Debug, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ListChangeView {
    Created,
    Changed,
}

impl From<ListChange> for ListChangeView {
    fn from(change: ListChange) -> Self {
        match change {
            ListChange::Created => ListChangeView::Created,
            ListChange::Changed => ListChangeView::Changed,
        }
    }
}

/// A run was created or changed.
#[derive(Debug, Object)]
pub struct RunListed {
    /// The event's id in the list stream.
    pub event_id: String,
    pub change: ListChangeView,
    pub run: RunView,
}

/// The events since the client's `Last-Event-ID` are no longer known (the service restarted
/// or the client was away too long): reload the list, then keep listening.
#[derive(Debug, Object)]
pub struct Reload {
    /// The current position of the list stream.
    pub event_id: String,
    pub reason: String,
}

/// An event of the runs list stream. Send the last event id back as `Last-Event-ID` to resume.
#[derive(Debug, Union)]
#[oai(discriminator_name = "type", rename_all = "snake_case")]
pub enum ListStreamEvent {
    #[oai(mapping = "run")]
    Run(RunListed),
    #[oai(mapping = "reload")]
    Reload(Reload),
}

impl ListStreamEvent {
    pub fn event_id(&self) -> &str {
        match self {
            ListStreamEvent::Run(event) => &event.event_id,
            ListStreamEvent::Reload(event) => &event.event_id,
        }
    }
}
