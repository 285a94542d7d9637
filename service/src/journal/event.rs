//! What a run's listeners receive.

use crate::domain::{LogChunk, ResourceSample, Run, TestResult};

/// Something that happened in a run, at its place in the run's sequence.
#[derive(Clone, Debug)]
pub struct RunEvent {
    pub seq: i64,
    pub kind: RunEventKind,
}

#[derive(Clone, Debug)]
pub enum RunEventKind {
    /// The run's state after a change (status, counts, times).
    State(Box<Run>),
    Test(TestResult),
    Log(LogChunk),
    /// The run's memory and CPU a moment ago. Live only: numbered like every event, but not
    /// stored as one and not replayed (a gap in the stored sequence); the run's whole series is
    /// read with `Journal::resources`.
    Resources(ResourceSample),
}
