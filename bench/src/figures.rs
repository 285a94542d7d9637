//! The request figures at one history size: the runs list (first page, each filter, a deep page
//! through the cursor), the environments, run creation from one client and from eight at once,
//! and the service's memory after all of it.

use std::path::Path;

use anyhow::{Context, bail};
use reqwest::Client;
use serde_json::{Value, json};

use crate::service::{Rss, Service, ServiceSpec};
use crate::stats::{Samples, timed};

/// Requests per read figure.
const READS: usize = 1000;
/// Creates from one client, and from each of the eight.
const CREATES: usize = 1000;
const CREATES_EACH_OF_EIGHT: usize = 125;
/// The page the deep-page figure reads (or the last, when there are fewer).
const DEEP_PAGE: usize = 100;
/// The environment the run holding the only slot takes; creates use the others.
const HOLD_ENVIRONMENT: u8 = 100;

/// Every figure measured against one data dir.
pub struct LevelFigures {
    pub runs: i64,
    pub list_first: Samples,
    pub list_user: Samples,
    pub list_environment: Samples,
    pub list_status: Samples,
    pub list_template: Samples,
    /// The page number read, and its timings.
    pub deep_page: (usize, Samples),
    pub environments: Samples,
    pub create_one: Samples,
    pub create_eight: Samples,
    /// Right after the figures.
    pub rss_after: Rss,
    /// After `SETTLE` without requests: the database's background work (flushes, compactions)
    /// is done and the allocator has given back what it freed.
    pub rss_settled: Rss,
}

/// How long the service is left alone before its memory is read again.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs every request figure against a service started on `data_dir`.
pub async fn measure(spec: &ServiceSpec, data_dir: &Path, runs: i64) -> anyhow::Result<LevelFigures> {
    // One slot, held by a long run, so that created runs wait in the queue and are cancelled
    // there: run creation is measured, not pytest.
    let service = Service::start(spec, data_dir, &["--max-concurrent-runs", "1"])?;
    service.wait_quiet(std::time::Duration::from_secs(600)).await?;
    let client = Client::new();
    let api = Api { client: &client, base: &service.url };
    for _ in 0..20 {
        api.get("/api/runs").await?;
        api.get("/api/environments").await?;
    }
    let list_first = api.sample_get("/api/runs", READS).await?;
    // Filter values that fill a page at every history size: a CI job's runs, the environment CI
    // runs in most, the most used template.
    let list_user = api.sample_get("/api/runs?user=ci-nightly", READS).await?;
    let list_environment = api.sample_get("/api/runs?environment=7", READS).await?;
    let list_status = api.sample_get("/api/runs?status=failed", READS).await?;
    let list_template = api.sample_get("/api/runs?template=nightly", READS).await?;
    let deep_page = api.deep_page().await?;
    let environments = api.sample_get("/api/environments", READS).await?;

    let hold = api
        .post("/api/runs", &json!({"user": "bench", "environment": HOLD_ENVIRONMENT, "paths": ["test_hold.py"]}))
        .await?;
    let hold_id = hold["id"].as_i64().context("the holding run's id")?;
    let create_one = api.create_and_cancel(1, CREATES).await?;
    let mut eight = Vec::new();
    for client_number in 0..8u8 {
        let client = client.clone();
        let base = service.url.clone();
        eight.push(tokio::spawn(async move {
            let api = Api { client: &client, base: &base };
            api.create_and_cancel(1 + client_number * 12, CREATES_EACH_OF_EIGHT).await
        }));
    }
    let mut create_eight = Samples::default();
    for task in eight {
        create_eight.extend(task.await??);
    }
    api.post(&format!("/api/runs/{hold_id}/cancel"), &Value::Null).await?;
    let rss_after = service.rss()?;
    tokio::time::sleep(SETTLE).await;
    let rss_settled = service.rss()?;
    service.stop()?;
    Ok(LevelFigures {
        runs,
        list_first,
        list_user,
        list_environment,
        list_status,
        list_template,
        deep_page,
        environments,
        create_one,
        create_eight,
        rss_after,
        rss_settled,
    })
}

/// The resident memory of a service on an empty data dir, once it has answered a little.
pub async fn idle_rss(spec: &ServiceSpec, data_dir: &Path) -> anyhow::Result<Rss> {
    let service = Service::start(spec, data_dir, &[])?;
    let client = Client::new();
    let api = Api { client: &client, base: &service.url };
    for _ in 0..20 {
        api.get("/api/runs").await?;
        api.get("/api/environments").await?;
    }
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let rss = service.rss()?;
    service.stop()?;
    Ok(rss)
}

struct Api<'a> {
    client: &'a Client,
    base: &'a str,
}

impl Api<'_> {
    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self.client.get(format!("{}{path}", self.base)).send().await?;
        if !response.status().is_success() {
            bail!("GET {path}: {}", response.status());
        }
        Ok(response.json().await?)
    }

    async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        let mut request = self.client.post(format!("{}{path}", self.base));
        if !body.is_null() {
            request = request.json(body);
        }
        let response = request.send().await?;
        if !response.status().is_success() {
            bail!("POST {path}: {} {}", response.status(), response.text().await.unwrap_or_default());
        }
        Ok(response.json().await?)
    }

    async fn sample_get(&self, path: &str, count: usize) -> anyhow::Result<Samples> {
        let mut samples = Samples::default();
        for _ in 0..count {
            let (answer, ms) = timed(self.get(path)).await;
            answer?;
            samples.push(ms);
        }
        Ok(samples)
    }

    /// Walks the cursor to page `DEEP_PAGE` (or the last page), then reads that page again and
    /// again.
    async fn deep_page(&self) -> anyhow::Result<(usize, Samples)> {
        let mut path = "/api/runs".to_owned();
        let mut page = 1;
        while page < DEEP_PAGE {
            let answer = self.get(&path).await?;
            match answer["next_cursor"].as_str() {
                Some(cursor) => {
                    path = format!("/api/runs?cursor={cursor}");
                    page += 1;
                }
                None => break,
            }
        }
        Ok((page, self.sample_get(&path, READS / 2).await?))
    }

    /// Creates runs in environments `first..first + 12`, in turn, each cancelled at once while
    /// it waits in the queue; only the creates are timed.
    async fn create_and_cancel(&self, first: u8, count: usize) -> anyhow::Result<Samples> {
        let mut samples = Samples::default();
        for index in 0..count {
            let environment = first + u8::try_from(index % 12)?;
            let body = json!({"user": "bench", "environment": environment, "paths": ["test_one.py"]});
            let (created, ms) = timed(self.post("/api/runs", &body)).await;
            let created = created?;
            samples.push(ms);
            let id = created["id"].as_i64().context("a created run's id")?;
            self.post(&format!("/api/runs/{id}/cancel"), &Value::Null).await?;
        }
        Ok(samples)
    }
}
