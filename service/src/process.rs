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

/// How much nicer than the service its background work runs (retention, and the embedded
/// database's flushes and compactions): the default of `nice(1)`. Nobody waits for that work,
/// so on a busy machine a request gets the processor first.
pub(crate) const BACKGROUND_NICENESS: i32 = 10;

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

/// What tests read of the nice values of this process's threads.
#[cfg(test)]
pub(crate) mod niceness {
    /// The nice value in a thread's `stat`: `tid (comm) state ...`, the 19th field, the 17th
    /// after the name (which may hold spaces).
    fn niceness_in(stat: &str) -> Option<(String, i32)> {
        let (head, fields) = stat.rsplit_once(") ")?;
        Some((head.split_once(" (")?.1.to_owned(), fields.split(' ').nth(16)?.parse().ok()?))
    }

    /// The nice value of the calling thread.
    pub(crate) fn of_this_thread() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("this thread's stat");
        niceness_in(&stat).expect("a nice value in stat").1
    }

    /// The nice values of this process's threads named `name`, one per thread.
    pub(crate) fn of_threads(name: &str) -> Vec<i32> {
        let tasks = std::fs::read_dir("/proc/self/task").expect("the process's threads");
        tasks
            .flatten()
            .filter_map(|task| {
                let (comm, niceness) = niceness_in(&std::fs::read_to_string(task.path().join("stat")).ok()?)?;
                (comm == name).then_some(niceness)
            })
            .collect()
    }

    /// What a thread started at this thread's priority has once it made itself `increment`
    /// nicer: a nice value goes up to 19.
    pub(crate) fn lowered_by(increment: i32) -> i32 {
        (of_this_thread() + increment).min(19)
    }

    /// That this process has threads named `name` and every one of them has nice value `wanted`.
    #[track_caller]
    pub(crate) fn assert_every_thread_named(name: &str, wanted: i32) {
        let found = of_threads(name);
        assert!(!found.is_empty() && found.iter().all(|&each| each == wanted), "{name} threads at {wanted}: {found:?}");
    }

    #[test]
    fn a_threads_name_may_hold_spaces_and_parentheses() {
        let stat = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 30 10 3 0 5 6 7";
        assert_eq!(niceness_in(stat), Some(("a (b) c".to_owned(), 10)));
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
