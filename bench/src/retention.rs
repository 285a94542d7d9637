//! Retention at work on a year of history: the service starts on a copy of a seeded data dir
//! with settings that keep a tenth of it, and the runs list and the environments are timed
//! while it prunes, until it is done.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::Value;

use crate::service::{Service, ServiceSpec};
use crate::stats::{Samples, timed};

/// Runs are kept 36 days of the seeded 365 and logs 7: a tenth and a fiftieth of them.
pub const KEEP_RUNS_DAYS: &str = "36";
pub const KEEP_LOGS_DAYS: &str = "7";

pub struct RetentionFigures {
    pub runs: i64,
    /// Seconds from the service's start until the oldest kept run is the oldest run left.
    pub prune_seconds: f64,
    pub runs_left: usize,
    pub list_during: Samples,
    pub environments_during: Samples,
}

pub async fn prune_while_serving(spec: &ServiceSpec, data_dir: &Path, runs: i64) -> anyhow::Result<RetentionFigures> {
    let service = Service::start(
        spec,
        data_dir,
        &["--keep-runs-days", KEEP_RUNS_DAYS, "--keep-logs-days", KEEP_LOGS_DAYS, "--retention-interval-s", "1"],
    )?;
    let client = Client::new();
    let started = Instant::now();
    let mut list_during = Samples::default();
    let mut environments_during = Samples::default();
    // Seeded runs are spread evenly over 365 days, oldest first: the runs below this id are
    // past keeping, and the run at `log_probe` (20 days old) keeps its record but not its log.
    let keep_days: i64 = KEEP_RUNS_DAYS.parse()?;
    let cutoff_id = runs * (365 - keep_days) / 365;
    let log_probe = runs * (365 - 20) / 365;
    let deadline = started + Duration::from_secs(3600);
    let prune_seconds = loop {
        let (list, ms) = timed(get(&client, &service.url, "/api/runs")).await;
        list?;
        list_during.push(ms);
        let (environments, ms) = timed(get(&client, &service.url, "/api/environments")).await;
        environments?;
        environments_during.push(ms);
        if list_during.len() % 20 == 0 && pruned(&client, &service.url, cutoff_id, log_probe).await? {
            break started.elapsed().as_secs_f64();
        }
        anyhow::ensure!(Instant::now() < deadline, "pruning took more than an hour");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let runs_left = count_runs(&client, &service.url).await?;
    service.stop()?;
    Ok(RetentionFigures { runs, prune_seconds, runs_left, list_during, environments_during })
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
