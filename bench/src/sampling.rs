//! What sampling a run's memory and CPU costs: the service's CPU time during a run that sleeps,
//! with samples every second and without any, side by side (alternating, several rounds); and
//! what a long run's samples weigh once stored.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::service::{Service, ServiceSpec, run_until_passed};
use crate::stats::Samples;

pub struct SamplingCost {
    pub run_seconds: f64,
    /// The service's CPU seconds per second of run, median of the rounds.
    pub cpu_with: f64,
    pub cpu_without: f64,
    /// Samples taken in the long run, and the size of its series as the API serves it.
    pub long_run_samples: usize,
    pub long_run_points: usize,
    pub long_run_json_bytes: usize,
}

/// One run of `seconds` on a fresh service; the service's CPU seconds during it per second.
async fn cpu_per_second(spec: &ServiceSpec, sample_interval_ms: u64, seconds: f64) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let interval = sample_interval_ms.to_string();
    let service = Service::start(spec, dir.path(), &["--sample-interval-ms", &interval])?;
    service.wait_quiet(Duration::from_secs(60)).await?;
    let before = service.cpu_seconds()?;
    let started = Instant::now();
    run_to_end(&service.url, seconds).await?;
    let per_second = (service.cpu_seconds()? - before) / started.elapsed().as_secs_f64();
    service.stop()?;
    Ok(per_second)
}

/// A run of the bench's sleeping test, to its end; its id. Read every 200 ms: the reads cost
/// the service CPU too, the same with sampling and without.
async fn run_to_end(url: &str, seconds: f64) -> anyhow::Result<i64> {
    let body = json!({"user": "bench", "environment": 1, "paths": ["test_sleep.py"],
                      "variables": {"BENCH_SLEEP_S": seconds.to_string()}});
    run_until_passed(&reqwest::Client::new(), url, &body, Duration::from_millis(200)).await
}

pub async fn measure(spec: &ServiceSpec, rounds: u8, run_seconds: f64) -> anyhow::Result<SamplingCost> {
    let mut with = Samples::default();
    let mut without = Samples::default();
    for _ in 0..rounds {
        with.push(cpu_per_second(spec, 1000, run_seconds).await?);
        without.push(cpu_per_second(spec, 0, run_seconds).await?);
    }
    // A run sampled 3,600 times, as an hour at one a second is: every 10 ms for 36 s.
    let dir = tempfile::tempdir()?;
    let service = Service::start(spec, dir.path(), &["--sample-interval-ms", "10"])?;
    let id = run_to_end(&service.url, 36.0).await?;
    let series = reqwest::get(format!("{}/api/runs/{id}/resources", service.url)).await?.text().await?;
    let points = serde_json::from_str::<Value>(&series)?["points"].as_array().map_or(0, Vec::len);
    service.stop()?;
    Ok(SamplingCost {
        run_seconds,
        cpu_with: with.p50(),
        cpu_without: without.p50(),
        long_run_samples: 3600,
        long_run_points: points,
        long_run_json_bytes: series.len(),
    })
}

pub fn render(spec: &ServiceSpec, cost: &SamplingCost, rounds: u8) -> String {
    let extra = (cost.cpu_with - cost.cpu_without).max(0.0);
    format!(
        "sampling a run's memory and CPU ({}; {rounds} rounds of a {:.0} s run each way, medians):\n\
         | figure | value |\n| --- | --- |\n\
         | service CPU per second of run, sampling every second | {:.4} s |\n\
         | service CPU per second of run, no sampling | {:.4} s |\n\
         | cost of sampling, share of the run's wall time | {:.3} % |\n\
         | a run sampled {} times: points kept, series as served | {} points, {:.1} KB |\n",
        spec.binary.display(),
        cost.run_seconds,
        cost.cpu_with,
        cost.cpu_without,
        extra * 100.0,
        cost.long_run_samples,
        cost.long_run_points,
        cost.long_run_json_bytes as f64 / 1000.0,
    )
}
