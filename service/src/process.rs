//! What every Testbay process that serves sets up the same way: its log and its async runtime
//! (`testbay serve` and the desktop app).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;

/// SurrealQL's parser recurses deeply; the default 2 MiB worker stack is not enough.
pub(crate) const WORKER_STACK_BYTES: usize = 10 * 1024 * 1024;

/// Logs to stderr at `RUST_LOG`'s levels (default: info, and only warnings of the database),
/// in colour on a terminal. The `log` records of libraries go to the same place.
pub fn init_logging() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn,surrealkv=warn"));
    let format =
        tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    // A second call (a test that starts two services) keeps the first set-up.
    if tracing::subscriber::set_global_default(tracing_subscriber::registry().with(filter).with(format)).is_ok() {
        let _ = log::set_boxed_logger(Box::new(WithoutNoise(tracing_log::LogTracer::new())))
            .map(|()| log::set_max_level(log::LevelFilter::Trace));
    }
}

/// The runtime the service runs on: one worker per core, with stacks deep enough for SurrealQL.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(WORKER_STACK_BYTES).build()
}

/// Warnings a library logs when nothing is wrong, kept out of the log so that a warning there
/// means something: (target, message).
const NOISE: &[(&str, &str)] = &[
    // SurrealKV's store is closed properly at every stop (its memtables flushed, its WAL synced:
    // the next start replays nothing); afterwards the last handle on it is dropped on a thread of
    // SurrealKV's own, without a tokio runtime, and it warns that it cannot close it again.
    ("surrealkv::lsm", "No runtime available for closing the store correctly"),
];

/// Passes `log` records on to tracing, but for the known noise.
struct WithoutNoise(tracing_log::LogTracer);

impl log::Log for WithoutNoise {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.0.enabled(metadata)
    }

    fn log(&self, record: &log::Record<'_>) {
        if !is_noise(record.target(), &record.args().to_string()) {
            self.0.log(record);
        }
    }

    fn flush(&self) {
        self.0.flush();
    }
}

fn is_noise(target: &str, message: &str) -> bool {
    NOISE.iter().any(|(noise_target, noise_message)| target == *noise_target && message == *noise_message)
}

/// Adds `increment` to the calling thread's nice value (on Linux a thread has its own, and a
/// service started with `nice` keeps its background work that much nicer still), or says why it
/// cannot: the work then runs at the service's priority.
pub fn lower_this_threads_priority(increment: i32) {
    // SAFETY: `nice` only reads its integer argument.
    #[allow(unsafe_code)]
    let niceness = unsafe { libc::nice(increment) };
    if niceness == -1 {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            thread = std::thread::current().name(),
            "this thread cannot run at a lower priority; requests may slow down while it works"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_known_message_of_its_target_is_noise() {
        assert!(is_noise("surrealkv::lsm", "No runtime available for closing the store correctly"));
        assert!(!is_noise("surrealkv::lsm", "Error closing store: disk full"));
        assert!(!is_noise("testbay::app", "No runtime available for closing the store correctly"));
    }
}
