//! What every Testbay process that serves sets up the same way: its log and its async runtime
//! (`testbay serve` and the desktop app).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// SurrealQL's parser recurses deeply; the default 2 MiB worker stack is not enough.
const WORKER_STACK_BYTES: usize = 10 * 1024 * 1024;

/// Logs to stderr at `RUST_LOG`'s levels (default: info, and only warnings of the database),
/// in colour on a terminal.
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn,surrealkv=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// The runtime the service runs on: one worker per core, with stacks deep enough for SurrealQL.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(WORKER_STACK_BYTES).build()
}
