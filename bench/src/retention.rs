//! Retention at work on a year of history: the service starts on a copy of a seeded data dir
//! with settings that keep a tenth of it, and the runs list and the environments are timed
//! while it prunes, until it is done. The same requests at the same pace are timed first on the
//! same copy with nothing being pruned, so that the two are compared side by side.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::Value;

use crate::service::{RetentionStep, Service, ServiceSpec};
use crate::stats::{Samples, timed};

/// Runs are kept 36 days of the seeded 365 and logs 7: a tenth and a fiftieth of them.
pub const KEEP_RUNS_DAYS: &str = "36";
pub const KEEP_LOGS_DAYS: &str = "7";

/// The pause between two pairs of requests, while idle and while pruning.
pub const PACE: Duration = Duration::from_millis(50);
/// Pairs of requests timed on the idle service.
const IDLE_PAIRS: usize = 1000;

pub struct RetentionFigures {
    pub runs: i64,
    /// Seconds from the service's start until the oldest kept run is the oldest run left;
    /// `None` when the measurement stopped at its time limit first.
    pub prune_seconds: Option<f64>,
    pub measured_seconds: f64,
    pub runs_left: usize,
    pub list_idle: Samples,
    pub environments_idle: Samples,
    pub list_during: Samples,
    pub environments_during: Samples,
    /// The requests while pruning, split by the step of retention that was under way.
    pub by_step: Vec<StepFigures>,
}

/// The requests timed while one step of retention's passes was under way.
pub struct StepFigures {
    /// What the step removed (`runs`, `test records`, `logs`), then what came after the last
    /// step logged.
    pub what: String,
    /// How many it removed (`None` for the tail).
    pub removed: Option<u64>,
    pub seconds: f64,
    pub list: Samples,
    pub environments: Samples,
}

pub async fn prune_while_serving(
    spec: &ServiceSpec,
    data_dir: &Path,
    runs: i64,
    limit: Duration,
) -> anyhow::Result<RetentionFigures> {
    let client = Client::new();
    // Nothing is pruned until the first pass, an interval after the start.
    let idle = Service::start(spec, data_dir, &["--retention-interval-s", "1000000"])?;
    idle.wait_quiet(Duration::from_secs(600)).await?;
    let (mut list_idle, mut environments_idle) = (Samples::default(), Samples::default());
    for _ in 0..IDLE_PAIRS {
        time_pair(&client, &idle.url, &mut list_idle, &mut environments_idle).await?;
        tokio::time::sleep(PACE).await;
    }
    idle.stop()?;

    let service = Service::start(
        spec,
        data_dir,
        &["--keep-runs-days", KEEP_RUNS_DAYS, "--keep-logs-days", KEEP_LOGS_DAYS, "--retention-interval-s", "1"],
    )?;
    let started = Instant::now();
    let mut list_during = Samples::default();
    let mut environments_during = Samples::default();
    let mut timed_at = Vec::new();
    // Seeded runs are spread evenly over 365 days, oldest first: the runs below this id are
    // past keeping, and the run at `log_probe` (20 days old) keeps its record but not its log.
    let keep_days: i64 = KEEP_RUNS_DAYS.parse()?;
    let cutoff_id = runs * (365 - keep_days) / 365;
    let log_probe = runs * (365 - 20) / 365;
    let prune_seconds = loop {
        timed_at.push(Instant::now());
        time_pair(&client, &service.url, &mut list_during, &mut environments_during).await?;
        let logs_step_ended = || service.retention_steps().iter().any(|step| step.what == "logs");
        if list_during.len() % 20 == 0
            && logs_step_ended()
            && pruned(&client, &service.url, cutoff_id, log_probe).await?
        {
            break Some(started.elapsed().as_secs_f64());
        }
        if started.elapsed() > limit {
            break None;
        }
        tokio::time::sleep(PACE).await;
    };
    let measured_seconds = started.elapsed().as_secs_f64();
    let runs_left = count_runs(&client, &service.url).await?;
    let tail = if prune_seconds.is_some() { "after" } else { "under way when timing stopped" };
    let steps = service.retention_steps();
    let by_step = split_by_step(started, &steps, tail, &timed_at, &list_during, &environments_during);
    service.stop()?;
    Ok(RetentionFigures {
        runs,
        prune_seconds,
        measured_seconds,
        runs_left,
        list_idle,
        environments_idle,
        list_during,
        environments_during,
        by_step,
    })
}

/// Splits the pairs timed at `timed_at` by the step of retention under way then: a step runs
/// from the end of the one before it (or the start) to its own end, as the service logged it;
/// the pairs after the last end are the `tail`.
fn split_by_step(
    started: Instant,
    step_ends: &[RetentionStep],
    tail: &str,
    timed_at: &[Instant],
    list: &Samples,
    environments: &Samples,
) -> Vec<StepFigures> {
    let mut steps = Vec::new();
    let mut from = started;
    let ends = step_ends.iter().map(|step| (Some(step.ended), step.what.as_str(), Some(step.removed)));
    for (end, what, removed) in ends.chain([(None, tail, None)]) {
        let within = |at: &Instant| *at >= from && end.is_none_or(|end| *at < end);
        let mut step = StepFigures {
            what: what.to_owned(),
            removed,
            seconds: end.map_or(0.0, |end| end.duration_since(from).as_secs_f64()),
            list: Samples::default(),
            environments: Samples::default(),
        };
        for (index, _) in timed_at.iter().enumerate().filter(|(_, at)| within(at)) {
            step.list.push(list.get(index));
            step.environments.push(environments.get(index));
        }
        if let Some(end) = end {
            from = end;
        }
        if step.list.len() > 0 || removed.is_some() {
            steps.push(step);
        }
    }
    steps
}

/// Times the runs list's first page and then the environments.
async fn time_pair(client: &Client, base: &str, list: &mut Samples, environments: &mut Samples) -> anyhow::Result<()> {
    let (answer, ms) = timed(get(client, base, "/api/runs")).await;
    answer?;
    list.push(ms);
    let (answer, ms) = timed(get(client, base, "/api/environments")).await;
    answer?;
    environments.push(ms);
    Ok(())
}

async fn get(client: &Client, base: &str, path: &str) -> anyhow::Result<Value> {
    Ok(client.get(format!("{base}{path}")).send().await?.error_for_status()?.json().await?)
}

/// Whether no run is left below `cutoff_id` and the run `log_probe` has lost its log.
async fn pruned(client: &Client, base: &str, cutoff_id: i64, log_probe: i64) -> anyhow::Result<bool> {
    let below = get(client, base, &format!("/api/runs?limit=1&cursor={cutoff_id}")).await?;
    let runs_done = below["items"].as_array().is_some_and(Vec::is_empty);
    let probe = get(client, base, &format!("/api/runs/{log_probe}")).await?;
    Ok(runs_done && probe["log_pruned_at"].is_string())
}

async fn count_runs(client: &Client, base: &str) -> anyhow::Result<usize> {
    let mut path = "/api/runs?limit=200".to_owned();
    let mut count = 0;
    loop {
        let page = get(client, base, &path).await?;
        count += page["items"].as_array().map_or(0, Vec::len);
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/runs?limit=200&cursor={cursor}"),
            None => return Ok(count),
        }
    }
}
