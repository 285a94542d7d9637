//! What every supervisor needs: settings, the sandbox and the journal its runs go through.

use std::path::PathBuf;
use std::time::Duration;

use super::sandbox::Sandbox;
use crate::journal::Journal;

/// How runs are executed.
#[derive(Clone, Debug)]
pub struct RunnerSettings {
    /// The Python interpreter that has pytest and pytest-reportlog.
    pub python: PathBuf,
    /// The test tree; pytest runs with it as its working directory.
    pub tests_root: PathBuf,
    /// Where each run keeps its report pipe while it runs, and the bytecode cache all runs share.
    pub work_dir: PathBuf,
    pub log_cap_bytes: u64,
    pub max_concurrent_runs: usize,
    /// How long a stopped run has between SIGTERM and SIGKILL.
    pub grace_period: Duration,
    /// The name of this Testbay node, stored on the runs it executes.
    pub node: String,
    /// How often a running run's memory and CPU are sampled; never when absent.
    pub sample_interval: Option<Duration>,
    /// How often the queue is read when nothing happened on this node: often when other nodes
    /// share the database (their runs and cancels), seldom when none can.
    pub queue_poll: Duration,
}

pub struct RunContext {
    pub settings: RunnerSettings,
    pub sandbox: Sandbox,
    pub journal: Journal,
}
