//! What a run's listeners receive.

use crate::domain::{LogChunk, Run, TestResult};

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
}
