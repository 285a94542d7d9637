//! The pytest command line and the clean environment a run gets.

use std::path::Path;

use tokio::process::Command;

use super::RunnerSettings;
use crate::domain::{Run, RunProfile};

/// Testbay's pytest plugin, which reports the number of collected tests.
pub(super) const PLUGIN_SOURCE: &str = include_str!("testbay_pytest_plugin.py");
pub(super) const PLUGIN_MODULE: &str = "testbay_pytest_plugin";

/// Variables passed through from the service's own environment.
const INHERITED_VARIABLES: [&str; 3] = ["PATH", "HOME", "TMPDIR"];

/// `python -m pytest` on the run's paths, with a per-test report log. (A run's JUnit XML report
/// is written from its stored results, by any node.)
pub(super) fn pytest_command(settings: &RunnerSettings, run: &Run, report_log: &Path) -> Command {
    let mut command = Command::new(&settings.python);
    command
        .args(["-m", "pytest", "-v", "--color=yes", "--capture=tee-sys"])
        // Concurrent runs share the tree: no run may write pytest's cache into it.
        .args(["-p", "no:cacheprovider", "-p", PLUGIN_MODULE])
        .arg(format!("--report-log={}", report_log.display()))
        // Node ids are then relative to the tree, whatever the paths: a rerun can pass them back.
        .arg(format!("--rootdir={}", settings.tests_root.display()))
        .args(run.profile.map(profile_args).unwrap_or_default())
        // Whatever a path looks like, pytest takes it as a path.
        .arg("--")
        .args(&run.paths)
        .current_dir(&settings.tests_root)
        .env_clear();
    for name in INHERITED_VARIABLES {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    let plugin_dir = settings.work_dir.join("plugin");
    let python_path = match run.variables.get("PYTHONPATH") {
        Some(theirs) => format!("{}:{theirs}", plugin_dir.display()),
        None => plugin_dir.display().to_string(),
    };
    command
        .env("LANG", "C.UTF-8")
        .env("PYTHONUNBUFFERED", "1")
        // Bytecode (and pytest's rewritten test modules) is cached in the data dir, shared by
        // all runs, instead of being written into the tree or compiled again for every run.
        .env("PYTHONPYCACHEPREFIX", settings.work_dir.join("pycache"))
        .envs(&run.variables)
        .env("PYTHONPATH", python_path)
        .env("TESTBAY_RUN_ID", run.id.to_string())
        .env("TESTBAY_ENVIRONMENT", run.environment.to_string())
        .env("TESTBAY_USER", run.user.as_str());
    command
}

/// Writes the plugin where `PYTHONPATH` points every run.
pub(super) fn install_plugin(work_dir: &Path) -> std::io::Result<()> {
    let plugin_dir = work_dir.join("plugin");
    std::fs::create_dir_all(&plugin_dir)?;
    std::fs::write(plugin_dir.join(format!("{PLUGIN_MODULE}.py")), PLUGIN_SOURCE)
}

/// pytest's flags for a profiled run.
fn profile_args(profile: RunProfile) -> Vec<&'static str> {
    match profile {
        // Every allocation tracked (pytest-memray); `limit_leaks` and `limit_memory` markers
        // take effect. Its own summary of the biggest allocators goes to the log.
        RunProfile::Memory => vec!["--memray", "--most-allocations=5"],
    }
}
