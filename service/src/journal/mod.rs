//! The run journal: the one owner of a run's sequence numbers, its persistence and its fan-out.
//!
//! Whatever happens to a run goes through here: its creation, its start, each piece of log
//! text, each test result, its end. The journal numbers each event in the run's sequence,
//! publishes it to live listeners at once, keeps it in the run's in-memory tail, and stores the
//! tail in batches (one transaction every `persist_interval`, or sooner once enough log has
//! gathered). Listeners follow a run from any point with `follow(run, after)`: what is stored
//! is replayed from the store, the tail from memory, then live events, so every event reaches
//! them exactly once and in order, also after a reconnect.
//!
//! ```text
//!  seq:  1 created ─ 2 started ─ 3 log ─ 4 test ─ 5 log ─ 6 state ─ 7 log ─ … ─ n ended
//!        └── stored at once ──┘  └── tail, stored as one batch ──┘ └── tail ──┘  └ stored
//!                                 (the batch's own `state` seq is the run record's `seq`)
//! ```
//!
//! Invariants: sequence numbers only grow (gaps are allowed: a batch's state is only published
//! when the counts moved); every event with a seq at or below the run record's `seq` is in the
//! store; the tail holds exactly the events above it.

mod active;
mod event;
mod follow;
mod imp;
#[cfg(test)]
mod tests;
mod writer;

pub use event::{RunEvent, RunEventKind};
pub use imp::{Journal, JournalSettings};
pub use writer::{Ending, RunWriter};
