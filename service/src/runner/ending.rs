//! How a run ended: why it was stopped, if it was; its status and message from pytest's exit;
//! and what it used, read from its sandbox as the last of its processes are killed.

use std::process::ExitStatus;

use tracing::error;

use super::sandbox::RunSandbox;
use crate::domain::{Limits, ResourceUsage, RunStatus};
use crate::journal::Ending;

/// Why a run is being stopped before pytest ends by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    Cancelled,
    TimedOut,
    Shutdown,
    /// This node could not renew its lease in time, so another node ended its runs.
    LeaseLost,
}

impl StopReason {
    pub(super) fn status(self) -> RunStatus {
        match self {
            StopReason::Cancelled => RunStatus::Cancelled,
            StopReason::TimedOut => RunStatus::TimedOut,
            StopReason::Shutdown | StopReason::LeaseLost => RunStatus::Interrupted,
        }
    }

    pub(super) fn message(self, limits: &Limits) -> String {
        match self {
            StopReason::Cancelled => "cancelled by request".into(),
            StopReason::TimedOut => format!("stopped after its timeout of {} s", limits.timeout_s),
            StopReason::Shutdown => "the Testbay service stopped during this run".into(),
            StopReason::LeaseLost => "this node lost its lease on the database during this run".into(),
        }
    }
}

/// Kills whatever is left in the run's sandbox, reads what the run used and removes it.
pub(super) async fn contain_leftovers(sandbox: RunSandbox) -> ResourceUsage {
    // Killing waits (briefly) for the kernel: not on an async worker.
    let result = tokio::task::spawn_blocking(move || {
        sandbox.kill_all()?;
        let usage = sandbox.usage();
        sandbox.remove()?;
        Ok::<_, std::io::Error>(usage)
    })
    .await
    .unwrap_or_else(|join_error| Err(std::io::Error::other(join_error)));
    result.unwrap_or_else(|error| {
        error!(error = %error, "cannot clear the run's cgroup; processes of it may be left");
        ResourceUsage::default()
    })
}

/// How a run ended, from pytest's exit, the reason it was stopped and what its sandbox saw.
pub(super) fn ending_of(
    exit: std::io::Result<ExitStatus>,
    stop: Option<StopReason>,
    limits: &Limits,
    resources: ResourceUsage,
) -> Ending {
    let (status, exit_code, message) = match (exit, stop) {
        (Err(err), stop) => {
            (stop.map_or(RunStatus::Error, StopReason::status), None, Some(format!("lost track of pytest: {err}")))
        }
        (Ok(exit), Some(reason)) => (reason.status(), exit.code(), Some(reason.message(limits))),
        (Ok(exit), None) => (RunStatus::from_pytest_exit(exit.code()), exit.code(), exit_message(exit)),
    };
    let message = if resources.oom_killed {
        let oom = format!(
            "the OOM killer killed a process of the run at its memory limit of {} MiB",
            limits.memory_bytes / (1024 * 1024)
        );
        Some(message.map_or(oom.clone(), |message| format!("{oom}; {message}")))
    } else {
        message
    };
    Ending { status, exit_code, message, resources }
}

/// What pytest's own exit means, when its status alone does not say.
fn exit_message(exit: ExitStatus) -> Option<String> {
    match exit.code() {
        Some(0 | 1) => None,
        Some(2) => Some("pytest was interrupted".into()),
        Some(3) => Some("pytest hit an internal error".into()),
        Some(4) => Some("pytest could not use its arguments".into()),
        Some(5) => Some("no tests were collected".into()),
        Some(code) => Some(format!("pytest exited with code {code}")),
        None => Some(match std::os::unix::process::ExitStatusExt::signal(&exit) {
            Some(signal) => format!("pytest was killed by signal {signal}"),
            None => "pytest ended without an exit code".into(),
        }),
    }
}
