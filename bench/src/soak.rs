//! The service's memory over many real runs: two clients start one-test runs one after the
//! other (each in an environment of its own) until `runs` have ended, and the service's
//! resident memory is read every `SAMPLE_EVERY` runs.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::service::{Rss, Service, ServiceSpec};

pub const SAMPLE_EVERY: usize = 250;

pub struct Soak {
    pub runs: usize,
    pub seconds: f64,
    /// (runs ended, memory then).
    pub samples: Vec<(usize, Rss)>,
}

pub async fn real_runs(spec: &ServiceSpec, data_dir: &Path, runs: usize) -> anyhow::Result<Soak> {
    let service = Service::start(spec, data_dir, &["--max-concurrent-runs", "2"])?;
    let ended = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut clients = Vec::new();
    for environment in [1_u8, 2] {
        let url = service.url.clone();
        let ended = Arc::clone(&ended);
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            while ended.load(Ordering::Relaxed) < runs {
                one_run(&client, &url, environment).await?;
                ended.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<(), anyhow::Error>(())
        }));
    }
    let mut samples = Vec::new();
    let mut next_sample = 0;
    while clients.iter().any(|client| !client.is_finished()) {
        let now = ended.load(Ordering::Relaxed);
        if now >= next_sample {
            samples.push((now, service.rss()?));
            next_sample += SAMPLE_EVERY;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for client in clients {
        client.await??;
    }
    samples.push((ended.load(Ordering::Relaxed), service.rss()?));
    let seconds = started.elapsed().as_secs_f64();
    service.stop()?;
    Ok(Soak { runs, seconds, samples })
}

/// Creates a run and waits, by polling, until it has ended as passed.
async fn one_run(client: &reqwest::Client, url: &str, environment: u8) -> anyhow::Result<()> {
    let body = json!({"user": "soak", "environment": environment, "paths": ["test_one.py"]});
    let run: Value =
        client.post(format!("{url}/api/runs")).json(&body).send().await?.error_for_status()?.json().await?;
    let id = run["id"].as_i64().context("run id")?;
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let run: Value = client.get(format!("{url}/api/runs/{id}")).send().await?.json().await?;
        match run["status"].as_str() {
            Some("queued" | "running") => {}
            Some("passed") => return Ok(()),
            other => bail!("run {id} ended as {other:?}: {run}"),
        }
    }
}
