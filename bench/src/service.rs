//! A `testbay serve` process for the figures: started on an ephemeral port, read back from its
//! log, measured through `/proc`, stopped with SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context;

/// How the service under test is started.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    pub binary: PathBuf,
    pub python: PathBuf,
    pub tests_root: PathBuf,
    /// More arguments for `testbay serve`, e.g. `--database-cache-mb 8`.
    pub extra_args: Vec<String>,
}

pub struct Service {
    child: Child,
    pub url: String,
    /// The service's `run ended` log lines, with what each step of a run took.
    run_ends: Arc<Mutex<Vec<String>>>,
}

impl Service {
    /// Starts the service on `data_dir` with `extra` arguments and waits until it listens.
    pub fn start(spec: &ServiceSpec, data_dir: &Path, extra: &[&str]) -> anyhow::Result<Service> {
        let mut child = Command::new(&spec.binary)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--tests-root")
            .arg(&spec.tests_root)
            .arg("--python")
            .arg(&spec.python)
            .args(&spec.extra_args)
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("start {}", spec.binary.display()))?;
        let stderr = child.stderr.take().context("the service's stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            let line = lines.next().context("the service ended before it listened")??;
            if let Some(rest) = line.split("url=").nth(1) {
                break rest.split_whitespace().next().unwrap_or_default().trim_end_matches('/').to_owned();
            }
        };
        // The service logs every request; keep its pipe drained, and its runs' ends.
        let run_ends = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&run_ends);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if line.contains("run ended") {
                    kept.lock().unwrap_or_else(PoisonError::into_inner).push(line);
                }
            }
        });
        Ok(Service { child, url, run_ends })
    }

    /// What each step of the runs that ended so far took, by step (`start_ms`, `spawn_ms`,
    /// `clear_ms`, `store_end_ms`), from the service's log.
    pub fn run_steps(&self) -> Vec<(String, Vec<f64>)> {
        let lines = self.run_ends.lock().unwrap_or_else(PoisonError::into_inner).clone();
        ["start_ms", "spawn_ms", "pytest_ms", "clear_ms", "store_end_ms"]
            .into_iter()
            .map(|step| {
                let values = lines
                    .iter()
                    .filter_map(|line| line.split(&format!("{step}=")).nth(1))
                    .filter_map(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
                    .collect();
                (step.to_owned(), values)
            })
            .collect()
    }

    /// Resident memory of the process now, in bytes: all of it, and its anonymous part
    /// (heap and arenas, without mapped files such as the binary).
    pub fn rss(&self) -> anyhow::Result<Rss> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            let kib: u64 = status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
                .with_context(|| format!("{name} in /proc/PID/status"))?;
            Ok(kib * 1024)
        };
        Ok(Rss { total: field("VmRSS:")?, anonymous: field("RssAnon:")?, peak: field("VmHWM:")? })
    }

    /// SIGTERM, as systemd stops it, and the wait for its end.
    pub fn stop(mut self) -> anyhow::Result<()> {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id())?);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM)?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Rss {
    pub total: u64,
    pub anonymous: u64,
    /// The most the process has had resident so far.
    pub peak: u64,
}
