//! What the use cases and the handlers share: the service's parts and the facts it reports.

use crate::domain::{Enforcement, LimitPolicy, RetentionPolicy};
use crate::events::EventHub;
use crate::journal::Journal;
use crate::metrics::Metrics;
use crate::runner::Runner;
use crate::store::Store;
use crate::test_tree::TestTree;

/// Facts about this service that the API reports.
#[derive(Clone, Debug)]
pub struct SystemFacts {
    pub node: String,
    pub enforcement: Enforcement,
    /// Why limits cannot be fully enforced, when they cannot.
    pub sandbox_weakness: Option<String>,
    pub limit_policy: LimitPolicy,
    pub max_concurrent_runs: usize,
    pub python: String,
    pub tests_root: String,
    pub retention: RetentionPolicy,
    /// The embedded database's folder; absent for a database server.
    pub database_dir: Option<std::path::PathBuf>,
    /// The Python has pytest-memray, so runs may be memory-profiled.
    pub memory_profiling: bool,
    /// How long this node's lease lasts.
    pub lease: std::time::Duration,
}

/// What the handlers share.
pub struct AppState {
    pub store: Store,
    pub hub: EventHub,
    pub journal: Journal,
    pub runner: Runner,
    pub tree: TestTree,
    pub metrics: std::sync::Arc<Metrics>,
    pub system: SystemFacts,
    /// How long a cancel waits for the run's processes to end before it answers.
    pub cancel_wait: std::time::Duration,
}
