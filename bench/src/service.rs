//! A `testbay serve` process for the figures: started on an ephemeral port, read back from its
//! log, measured through `/proc`, stopped with SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;

/// How long the service must stay quiet, how often its CPU time is read, and the most CPU time
/// (in ticks of 10 ms) a quiet service may use between two reads: its idle timers and requests
/// of the bench's own probes stay under it, a compaction does not.
const QUIET_FOR: Duration = Duration::from_secs(3);
const QUIET_POLL: Duration = Duration::from_millis(500);
const QUIET_TICKS_PER_POLL: u64 = 2;

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
    /// The service's `run ended` and `retention step done` log lines, with when they came.
    kept_lines: Arc<Mutex<Vec<(Instant, String)>>>,
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
        // The service logs every request; keep its pipe drained, and the lines the figures read.
        let kept_lines = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&kept_lines);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if line.contains("run ended") || line.contains("retention step done") {
                    kept.lock().unwrap_or_else(PoisonError::into_inner).push((Instant::now(), line));
                }
            }
        });
        Ok(Service { child, url, kept_lines })
    }

    /// What each step of the runs that ended so far took, by step (`start_ms`, `spawn_ms`,
    /// `clear_ms`, `store_end_ms`), from the service's log.
    pub fn run_steps(&self) -> Vec<(String, Vec<f64>)> {
        let lines: Vec<String> = self.lines_with("run ended").into_iter().map(|(_, line)| line).collect();
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

    /// The steps of retention's passes that ended so far, from the service's log.
    pub fn retention_steps(&self) -> Vec<RetentionStep> {
        self.lines_with("retention step done")
            .into_iter()
            .filter_map(|(ended, line)| {
                let what = line.split("removed_what=\"").nth(1)?.split('"').next()?;
                let removed = line.split(" removed=").nth(1)?.split_whitespace().next()?.parse().ok()?;
                Some(RetentionStep { ended, what: what.to_owned(), removed })
            })
            .collect()
    }

    /// The kept log lines that contain `text`, with when each came.
    fn lines_with(&self, text: &str) -> Vec<(Instant, String)> {
        self.kept_lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(_, line)| line.contains(text))
            .cloned()
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

    /// Waits until the service has used almost no CPU for a while (at most `longest`), so that
    /// background work its start set off (the database's compactions of what another process
    /// wrote) is not measured as the cost of requests. Returns how long it was busy.
    pub async fn wait_quiet(&self, longest: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let mut quiet_since = Instant::now();
        let mut before = self.cpu_ticks()?;
        while quiet_since.elapsed() < QUIET_FOR {
            anyhow::ensure!(started.elapsed() < longest, "the service was still busy after {longest:?}");
            tokio::time::sleep(QUIET_POLL).await;
            let now = self.cpu_ticks()?;
            if now - before > QUIET_TICKS_PER_POLL {
                quiet_since = Instant::now();
            }
            before = now;
        }
        Ok(started.elapsed().saturating_sub(QUIET_FOR))
    }

    /// User and system CPU time the process has used, in seconds.
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)?.context("clock ticks")?;
        Ok(self.cpu_ticks()? as f64 / per_second as f64)
    }

    /// User and system CPU time the process has used, in clock ticks (`/proc/PID/stat`).
    fn cpu_ticks(&self) -> anyhow::Result<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // The fields after the command's name, which may hold spaces, closed by its `)`.
        let fields: Vec<&str> = stat.rsplit_once(')').context("/proc/PID/stat")?.1.split_whitespace().collect();
        let ticks = |index: usize| -> anyhow::Result<u64> {
            fields.get(index).and_then(|value| value.parse().ok()).context("CPU time in /proc/PID/stat")
        };
        // utime and stime, fields 14 and 15 of the line: the first after the name is field 3.
        Ok(ticks(11)? + ticks(12)?)
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

/// One step of a retention pass, as the service logged its end.
#[derive(Clone, Debug)]
pub struct RetentionStep {
    /// When the bench read the line.
    pub ended: Instant,
    /// What it removed: `runs`, `test records` or `logs`.
    pub what: String,
    pub removed: u64,
}

#[derive(Clone, Copy, Debug)]
pub struct Rss {
    pub total: u64,
    pub anonymous: u64,
    /// The most the process has had resident so far.
    pub peak: u64,
}

/// Creates the run `body` asks for and waits, reading it every `poll`, until it has ended as
/// passed; its id.
pub async fn run_until_passed(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
    poll: Duration,
) -> anyhow::Result<i64> {
    let run: serde_json::Value =
        client.post(format!("{url}/api/runs")).json(body).send().await?.error_for_status()?.json().await?;
    let id = run["id"].as_i64().context("run id")?;
    loop {
        tokio::time::sleep(poll).await;
        let run: serde_json::Value = client.get(format!("{url}/api/runs/{id}")).send().await?.json().await?;
        match run["status"].as_str() {
            Some("queued" | "running") => {}
            Some("passed") => return Ok(id),
            other => anyhow::bail!("run {id} ended as {other:?}: {run}"),
        }
    }
}
