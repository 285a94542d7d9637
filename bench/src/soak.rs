//! The service's memory over many real runs: two clients start one-test runs one after the
//! other (each in an environment of its own) until `runs` have ended, and the service's
//! resident memory is read every `SAMPLE_EVERY` runs.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::service::{Rss, Service, ServiceSpec, run_until_passed};

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
                let body = json!({"user": "soak", "environment": environment, "paths": ["test_one.py"]});
                run_until_passed(&client, &url, &body, Duration::from_millis(50)).await?;
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
