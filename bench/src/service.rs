//! A `testbay serve` process for the figures: started on an ephemeral port, read back from its
//! log, measured through `/proc`, stopped with SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

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
        // The service logs every request; keep its pipe drained.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Service { child, url })
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
