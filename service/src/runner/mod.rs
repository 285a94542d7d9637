//! Executes runs as pytest processes: a queue that starts at most N at once, and one
//! supervisor per running run that owns its process group, its output and its end.
//!
//! ```text
//!  submit ─► queued ──(slot free)──► running ──(pytest exits)──► passed | failed | error
//!              │                        │ cancel: SIGTERM to the group, grace, SIGKILL ► cancelled
//!              │ cancel ► cancelled     │ service shutdown, same steps                 ► interrupted
//!              │ shutdown ► interrupted
//! ```
//!
//! Every state change is stored first and published to the event hub second.

mod command;
mod context;
mod log;
mod report;
mod scheduler;
mod supervisor;

pub use context::{RunContext, RunnerSettings};
pub use scheduler::{CancelOutcome, Runner};
