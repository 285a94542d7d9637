//! Executes runs as pytest processes: a queue that starts at most N at once, and one
//! supervisor per running run that owns its process group, its output and its end.
//!
//! ```text
//!  submit ─► queued ──(slot free)──► running ──(pytest exits)──► passed | failed | error
//!              │                        │ cancel: SIGTERM to the group, grace, SIGKILL ► cancelled
//!              │ cancel ► cancelled     │ timeout, same steps                          ► timed_out
//!              │ shutdown ► interrupted │ service shutdown, same steps                 ► interrupted
//! ```
//!
//! Each running run is contained by the `sandbox`: its own cgroup (or rlimits), so that a
//! stop, a timeout or the end of pytest leaves no process of the run behind.
//!
//! What a run does goes into the journal, which numbers, publishes and stores it; the runner
//! never calls the store.

mod command;
mod context;
mod ending;
mod fingerprint;
mod log;
mod report;
mod sandbox;
mod scheduler;
mod supervisor;

pub use context::{RunContext, RunnerSettings};
pub use sandbox::{Sandbox, SandboxChoice, instance_name};
pub use scheduler::{CancelOutcome, Runner};
