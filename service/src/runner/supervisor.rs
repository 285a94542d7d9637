//! One running run: starts pytest in its own process group and sandbox, emits its output and
//! report log into the journal as they come, stops it when asked or when its time is up, and
//! says how it ended and what it used.

use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::sys::stat::Mode;
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::net::unix::pipe;
use tokio::sync::watch;
use tokio::time::{Instant, sleep_until};
use tracing::{Instrument, error, info, info_span, warn};

use super::command::pytest_command;
use super::context::RunContext;
use super::ending::{StopReason, contain_leftovers, ending_of};
use super::fingerprint::FileHashes;
use super::log::LogBuffer;
use super::report::{ReportEvent, parse_line};
use super::sandbox::RunSandbox;
use crate::domain::{ResourceSample, ResourceUsage, Run, RunStatus, TestResult};
use crate::journal::{Ending, RunWriter};
use crate::store::StoreError;

/// How long output and the report log may still arrive after pytest itself has exited (they end
/// as soon as the run's processes are gone; this only bounds a process that escaped).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// Tries to start pytest when the kernel refuses for want of memory or processes.
const SPAWN_ATTEMPTS: u32 = 4;
const SPAWN_RETRY_DELAY: Duration = Duration::from_millis(100);

/// Runs `run` to its end and returns it as stored then; `None` when it had already ended.
pub(super) async fn supervise(
    context: &RunContext,
    run: Run,
    stop_rx: watch::Receiver<Option<StopReason>>,
) -> Option<Run> {
    let span = info_span!("run", run_id = %run.id, environment = run.environment.number());
    async move {
        let began = Instant::now();
        let id = run.id;
        match Supervisor::start(context, run, began).await {
            Ok(Some(supervisor)) => supervisor.run_to_end(stop_rx).await,
            Ok(None) => None,
            Err(err) => {
                error!(error = ?err, "cannot start the run");
                let message = format!("Testbay could not start the run: {err}");
                context.journal.end_queued(id, RunStatus::Error, Some(message)).await
            }
        }
    }
    .instrument(span)
    .await
}

struct Supervisor<'a> {
    context: &'a RunContext,
    /// The run as it started.
    run: Run,
    writer: RunWriter,
    log: LogBuffer,
    file_hashes: FileHashes,
    steps: Steps,
}

/// When each step of a run around pytest ended, for the log: what a run costs besides pytest.
struct Steps {
    began: Instant,
    started: Instant,
    spawned: Option<Instant>,
    exited: Option<Instant>,
    cleared: Option<Instant>,
}

impl Steps {
    fn millis(from: Instant, to: Option<Instant>) -> Option<f64> {
        to.map(|to| to.duration_since(from).as_secs_f64() * 1000.0)
    }
}

/// A pytest process, its sandbox and the pipes Testbay reads from it.
struct Process {
    child: tokio::process::Child,
    /// Taken when the run ends, to be cleared on a blocking thread.
    sandbox: Option<RunSandbox>,
    group: Pid,
    output: pipe::Receiver,
    report: Lines<BufReader<pipe::Receiver>>,
    /// Testbay's own writing end of the report pipe, so that the pipe does not end before
    /// pytest opens it; dropped once pytest has exited, so that it ends when pytest's does.
    report_hold: Option<pipe::Sender>,
    report_path: PathBuf,
}

impl<'a> Supervisor<'a> {
    async fn start(context: &'a RunContext, run: Run, began: Instant) -> Result<Option<Supervisor<'a>>, StoreError> {
        let Some(writer) = context.journal.start(run.id, context.sandbox.enforcement()).await? else {
            return Ok(None);
        };
        info!("run started");
        let steps = Steps { began, started: Instant::now(), spawned: None, exited: None, cleared: None };
        let log = LogBuffer::new(context.settings.log_cap_bytes);
        let file_hashes = FileHashes::new(&context.settings.tests_root);
        Ok(Some(Supervisor { context, run: writer.run(), writer, log, file_hashes, steps }))
    }

    async fn run_to_end(mut self, stop_rx: watch::Receiver<Option<StopReason>>) -> Option<Run> {
        let ending = match self.spawn_retrying().await {
            Ok(process) => self.watch(process, stop_rx).await,
            Err(err) => {
                warn!(error = %err, "cannot start pytest");
                self.output(format!("[testbay] cannot start pytest: {err}\n").as_bytes());
                Ending {
                    status: RunStatus::Error,
                    exit_code: None,
                    message: Some(format!("cannot start pytest: {err}")),
                    resources: ResourceUsage::default(),
                }
            }
        };
        let before_end = Instant::now();
        let ended = self.writer.finish(ending).await;
        if let Some(run) = &ended {
            let steps = &self.steps;
            info!(
                status = %run.status,
                exit_code = ?run.exit_code,
                start_ms = Steps::millis(steps.began, Some(steps.started)),
                spawn_ms = Steps::millis(steps.started, steps.spawned),
                pytest_ms = steps.spawned.and_then(|spawned| Steps::millis(spawned, steps.exited)),
                clear_ms = steps.exited.and_then(|exited| Steps::millis(exited, steps.cleared)),
                store_end_ms = Steps::millis(before_end, Some(Instant::now())),
                "run ended"
            );
        }
        ended
    }

    /// Emits what the run printed into its log, up to the log's cap.
    fn output(&mut self, bytes: &[u8]) {
        if let Some(text) = self.log.push(bytes) {
            self.writer.log(text);
            if self.log.is_truncated() {
                self.writer.mark_log_truncated();
            }
        }
    }

    /// Starts pytest, trying again a few times when the kernel is short of memory or
    /// processes for a moment (a busy machine), which is not the run's fault.
    async fn spawn_retrying(&mut self) -> std::io::Result<Process> {
        let mut attempt = 1;
        loop {
            match self.spawn() {
                Ok(process) => {
                    self.steps.spawned = Some(Instant::now());
                    return Ok(process);
                }
                Err(error) if is_transient(&error) && attempt < SPAWN_ATTEMPTS => {
                    warn!(error = %error, attempt, "cannot start pytest for now; trying again");
                    tokio::time::sleep(SPAWN_RETRY_DELAY * attempt).await;
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    fn spawn(&self) -> std::io::Result<Process> {
        let run_dir = self.context.settings.work_dir.join(self.run.id.to_string());
        std::fs::create_dir_all(&run_dir).map_err(context("cannot create the run's folder"))?;
        let report_path = run_dir.join("report-log.jsonl");
        let _ = std::fs::remove_file(&report_path);
        nix::unistd::mkfifo(&report_path, Mode::S_IRUSR | Mode::S_IWUSR)
            .map_err(std::io::Error::from)
            .map_err(context("cannot create the report pipe"))?;
        let report =
            pipe::OpenOptions::new().open_receiver(&report_path).map_err(context("cannot open the report pipe"))?;
        let report_hold =
            pipe::OpenOptions::new().open_sender(&report_path).map_err(context("cannot open the report pipe"))?;
        let (output_reader, output_writer) = std::io::pipe().map_err(context("cannot create the output pipe"))?;
        let sandbox = self
            .context
            .sandbox
            .prepare(self.run.id, &self.run.limits)
            .map_err(context("cannot create the run's cgroup"))?;
        let mut command = pytest_command(&self.context.settings, &self.run, &report_path);
        sandbox.apply_to(&mut command).map_err(context("cannot prepare to enter the run's cgroup"))?;
        command
            .stdin(Stdio::null())
            .stdout(output_writer.try_clone()?)
            .stderr(output_writer)
            // Its own process group, so that a stop reaches every process the tests start.
            .process_group(0);
        let child = match command.spawn() {
            Ok(child) => child,
            Err(error) => {
                let _ = sandbox.remove();
                return Err(error);
            }
        };
        // Dropping the command closes Testbay's copies of the output pipe's writing end, so the
        // output ends when the last process of the run closes it.
        drop(command);
        let group = Pid::from_raw(child.id().and_then(|id| i32::try_from(id).ok()).unwrap_or(0));
        Ok(Process {
            child,
            sandbox: Some(sandbox),
            group,
            output: pipe::Receiver::from_owned_fd(OwnedFd::from(output_reader))?,
            report: BufReader::new(report).lines(),
            report_hold: Some(report_hold),
            report_path,
        })
    }

    async fn watch(&mut self, mut process: Process, mut stop_rx: watch::Receiver<Option<StopReason>>) -> Ending {
        let mut buffer = vec![0u8; 64 * 1024];
        let mut output_open = true;
        let mut stop: Option<StopReason> = None;
        let mut kill_at: Option<Instant> = None;
        let started = Instant::now();
        let timeout_at = started + Duration::from_secs(self.run.limits.timeout_s.into());
        // The first sample an interval in: at the spawn itself the run holds nothing yet.
        let mut sampling = self.context.settings.sample_interval.map(|every| {
            let mut sampling = tokio::time::interval_at(started + every, every);
            sampling.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            sampling
        });
        let exit = loop {
            tokio::select! {
                status = process.child.wait() => break status,
                () = next_tick(&mut sampling) => self.sample(&process, started),
                // While the journal has no room for more, pytest waits on its pipes.
                read = process.output.read(&mut buffer), if output_open && self.writer.has_room() => match read {
                    Ok(0) | Err(_) => output_open = false,
                    Ok(n) => self.output(&buffer[..n]),
                },
                line = process.report.next_line(), if self.writer.has_room() => {
                    if let Ok(Some(line)) = line {
                        self.report(&line);
                    }
                }
                () = self.writer.room(), if !self.writer.has_room() => {}
                changed = stop_rx.changed(), if stop.is_none() => {
                    let reason = if changed.is_ok() { *stop_rx.borrow() } else { Some(StopReason::Shutdown) };
                    if let Some(reason) = reason {
                        stop = Some(reason);
                        kill_at = Some(self.terminate(&process, reason));
                    }
                }
                () = sleep_until(timeout_at), if stop.is_none() => {
                    stop = Some(StopReason::TimedOut);
                    kill_at = Some(self.terminate(&process, StopReason::TimedOut));
                }
                () = sleep_until(kill_at.unwrap_or_else(Instant::now)), if kill_at.is_some() => {
                    warn!("the run outlived its grace period; killing it");
                    signal_group(process.group, Signal::SIGKILL);
                    kill_at = None;
                }
            }
        };
        self.steps.exited = Some(Instant::now());
        // SIGKILL guarantees that nothing the tests left in the group outlives the run; the
        // sandbox catches what left the group.
        signal_group(process.group, Signal::SIGKILL);
        let resources = match process.sandbox.take() {
            Some(sandbox) => contain_leftovers(sandbox).await,
            None => ResourceUsage::default(),
        };
        self.drain(&mut process, &mut buffer, output_open).await;
        let _ = std::fs::remove_file(&process.report_path);
        if let Some(run_dir) = process.report_path.parent() {
            let _ = std::fs::remove_dir(run_dir);
        }
        self.steps.cleared = Some(Instant::now());
        ending_of(exit, stop, &self.run.limits, resources)
    }

    /// Notes the run's memory and CPU now.
    fn sample(&self, process: &Process, started: Instant) {
        let Some(sandbox) = &process.sandbox else { return };
        if let Some((memory_bytes, cpu_seconds)) = sandbox.sample(process.group.as_raw()) {
            let at_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            self.writer.sample(ResourceSample { at_ms, memory_bytes, cpu_seconds });
        }
    }

    /// Asks the run's process group to stop; returns when to kill it if it has not.
    fn terminate(&mut self, process: &Process, reason: StopReason) -> Instant {
        info!(?reason, "stopping the run");
        let note =
            format!("\n[testbay] {}: sending SIGTERM to the run's processes\n", reason.message(&self.run.limits));
        self.output(note.as_bytes());
        signal_group(process.group, Signal::SIGTERM);
        Instant::now() + self.context.settings.grace_period
    }

    /// Reads what is left of the output and the report log once the run's processes are gone:
    /// both end when the last process holding them has closed them.
    async fn drain(&mut self, process: &mut Process, buffer: &mut [u8], output_open: bool) {
        if output_open {
            let deadline = Instant::now() + DRAIN_TIMEOUT;
            while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, process.output.read(buffer)).await {
                if n == 0 {
                    break;
                }
                self.output(&buffer[..n]);
                if !self.writer.has_room() {
                    let _ = tokio::time::timeout_at(deadline, self.writer.room()).await;
                }
            }
        }
        drop(process.report_hold.take());
        // A deadline of its own: a process that escaped and holds the output must not cost the
        // run its last results.
        let deadline = Instant::now() + DRAIN_TIMEOUT;
        while let Ok(Ok(Some(line))) = tokio::time::timeout_at(deadline, process.report.next_line()).await {
            self.report(&line);
            if !self.writer.has_room() {
                let _ = tokio::time::timeout_at(deadline, self.writer.room()).await;
            }
        }
        if let Some(text) = self.log.finish() {
            self.writer.log(text);
        }
    }

    fn report(&mut self, line: &str) {
        match parse_line(line) {
            Some(ReportEvent::Collected(total)) => self.writer.collected(total),
            Some(ReportEvent::Outcome(test)) => {
                let file_hash = self.file_hashes.of_node(&test.node_id);
                self.writer.test(TestResult { file_hash, ..test });
            }
            None => {}
        }
    }
}

/// Completes at the interval's next tick; never without one.
async fn next_tick(interval: &mut Option<tokio::time::Interval>) {
    match interval {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Keeps the error's kind and code, saying which step failed.
fn context(step: &'static str) -> impl FnOnce(std::io::Error) -> std::io::Error {
    move |error| std::io::Error::new(error.kind(), format!("{step}: {error}"))
}

fn is_transient(error: &std::io::Error) -> bool {
    matches!(error.kind(), std::io::ErrorKind::OutOfMemory | std::io::ErrorKind::WouldBlock)
}

fn signal_group(group: Pid, signal: Signal) {
    if group.as_raw() <= 1 {
        return;
    }
    // ESRCH only means the group is already gone.
    let _ = killpg(group, signal);
}
