//! What the API's requests do, between the HTTP handlers and the store, journal and runner:
//! each use case checks its input with the domain, acts, and says what happened as a value
//! (a run, or why not), so that a handler only translates it to HTTP.

mod caller;
mod runs;
mod state;
mod templates;
mod users;

pub use caller::Caller;
pub use runs::{CancelFailure, Cancelling, CreateRunFailure, RerunFailure};
pub use state::{AppState, SystemFacts};
pub use templates::SaveTemplateFailure;
pub use users::{Issued, UserFailure};
