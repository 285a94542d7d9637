//! What a run costs around pytest: `testbay run --wait` on a one-test file against the same
//! pytest command line run directly, timed side by side, in turns.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::service::{Service, ServiceSpec};
use crate::stats::Samples;

/// Timed pairs; the first of each kind is a warm-up and not counted.
const PAIRS: usize = 21;

pub struct Overhead {
    pub testbay: Samples,
    pub bare: Samples,
    /// What each step around pytest took in the service, by step.
    pub steps: Vec<(String, Samples)>,
}

pub fn run_wait_against_bare_pytest(spec: &ServiceSpec, data_dir: &Path) -> anyhow::Result<Overhead> {
    let service = Service::start(spec, data_dir, &[])?;
    let report = tempfile::NamedTempFile::new()?;
    let plugin_dir = data_dir.join("runs").join("plugin");
    let mut testbay = Samples::default();
    let mut bare = Samples::default();
    for pair in 0..PAIRS {
        let started = Instant::now();
        let status = Command::new(&spec.binary)
            .args(["run", "--url", &service.url, "--user", "bench", "--env", "2", "--wait", "test_one.py"])
            .stdout(Stdio::null())
            .status()
            .context("testbay run")?;
        let testbay_ms = started.elapsed().as_secs_f64() * 1000.0;
        if !status.success() {
            bail!("testbay run --wait exited with {status}");
        }
        let started = Instant::now();
        // The command line the runner gives pytest (see runner/command.rs), with a plain
        // file for the report log.
        let status = Command::new(&spec.python)
            .args(["-m", "pytest", "-v", "--color=yes", "--capture=tee-sys", "-p", "no:cacheprovider"])
            .args(["-p", "testbay_pytest_plugin"])
            .arg(format!("--report-log={}", report.path().display()))
            .arg(format!("--rootdir={}", spec.tests_root.display()))
            .args(["--", "test_one.py"])
            .current_dir(&spec.tests_root)
            .env("PYTHONPATH", &plugin_dir)
            .stdout(Stdio::null())
            .status()
            .context("pytest")?;
        let bare_ms = started.elapsed().as_secs_f64() * 1000.0;
        if !status.success() {
            bail!("pytest exited with {status}");
        }
        if pair > 0 {
            testbay.push(testbay_ms);
            bare.push(bare_ms);
        }
    }
    let steps = service
        .run_steps()
        .into_iter()
        .map(|(step, values)| {
            let mut samples = Samples::default();
            // The first run is the warm-up.
            for value in values.into_iter().skip(1) {
                samples.push(value);
            }
            (step, samples)
        })
        .collect();
    service.stop()?;
    Ok(Overhead { testbay, bare, steps })
}
