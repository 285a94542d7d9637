//! How long a line a test prints takes to reach a client of the run's event stream: the test
//! prints the wall-clock time on each line, the client notes when the line arrives.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use futures::StreamExt;
use serde_json::{Value, json};

use crate::service::{Service, ServiceSpec};
use crate::stats::Samples;

/// Runs of the printing test; each prints 300 lines, one every 10 ms.
const RUNS: usize = 3;

/// Milliseconds from `print` in a test to the line's arrival at an SSE client.
pub async fn print_to_client(spec: &ServiceSpec, data_dir: &Path) -> anyhow::Result<Samples> {
    let service = Service::start(spec, data_dir, &[])?;
    let samples = prints_heard(&service.url, &service.url, 1).await?;
    service.stop()?;
    Ok(samples)
}

/// Runs the printing test in `environment` `RUNS` times, created through the service at
/// `create_on`, and follows each run's events through the service at `follow_on` (another node,
/// for the latency across nodes): milliseconds from each `print` to its arrival.
pub async fn prints_heard(create_on: &str, follow_on: &str, environment: u8) -> anyhow::Result<Samples> {
    let client = reqwest::Client::new();
    let mut samples = Samples::default();
    for _ in 0..RUNS {
        let body = json!({"user": "bench", "environment": environment, "paths": ["test_print_latency.py"]});
        let run: Value = client.post(format!("{create_on}/api/runs")).json(&body).send().await?.json().await?;
        let id = run["id"].as_i64().with_context(|| format!("run id in {run}"))?;
        let response = client
            .get(format!("{follow_on}/api/runs/{id}/events"))
            .header("Accept", "text/event-stream")
            .send()
            .await?;
        let mut body = response.bytes_stream();
        let mut buffer = String::new();
        'stream: while let Some(chunk) = body.next().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk?));
            let arrived_ns = now_ns();
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let Some(data) = block.lines().find_map(|line| line.strip_prefix("data:")) else { continue };
                let event: Value = serde_json::from_str(data.trim_start())?;
                if event["type"] == "log" {
                    for line in event["text"].as_str().unwrap_or_default().lines() {
                        if let Some(printed_ns) = line.split("TB-LAT ").nth(1).and_then(|rest| rest.split(' ').nth(1)) {
                            let printed_ns: u128 = printed_ns.trim().parse().context("a printed time")?;
                            samples.push(arrived_ns.saturating_sub(printed_ns) as f64 / 1e6);
                        }
                    }
                }
                if event["type"] == "run" && event["run"]["finished_at"].is_string() {
                    break 'stream;
                }
            }
        }
    }
    Ok(samples)
}

fn now_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
