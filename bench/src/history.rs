//! Each test's history at scale: a data dir of runs of 20 tests each, seeded through the
//! service's own store as its journal writes them (results, each test's record, the run's
//! failure changes), then the history page, the flaky list and the slow list timed through the
//! service, and what the end of a run spends on its tests' records timed in the store.
//!
//! The suite: five tests in every run (`core/test_core.py`, the longest histories), and 15 of
//! the 400 tests of 20 modules (`suite/test_module_MM.py`, one module a run, each test in a
//! twentieth of the runs). Flaky: `core::test_3` (fails one run in ten) and each module's
//! `test_case_00` (one in twenty); `core::test_4` fails in environment 7 only (broken there, not
//! flaky). Each module's file changes every 10,000 runs; module 3 grows twice as slow in the last
//! twentieth of the history. Environments 1-20, CI's 7 most.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use testbay_service::domain::{
    Counts, Enforcement, Environment, Limits, LogChunk, NewRun, ResourceUsage, RunFilter, RunMark, RunStatus,
    TestOutcome, TestPath, TestResult, UserName,
};
use testbay_service::store::{EmbeddedSizes, Finish, Store};

use crate::seed::Random;
use crate::service::{Service, ServiceSpec};
use crate::stats::{Samples, timed};

const TESTS_PER_RUN: usize = 20;
const MODULES: u64 = 20;
const SPAN_DAYS: i64 = 365;
const ENVIRONMENTS: u64 = 20;
/// The test with the longest history that is also flaky: the history page's worst case.
pub const LONGEST: &str = "core/test_core.py::test_3";
/// Requests per timed figure, after `WARM_UP` of each.
const REQUESTS: usize = 1000;
const WARM_UP: usize = 20;
/// Runs ended to time the records' update.
const ENDS: usize = 200;

pub struct HistoryFigures {
    pub runs: i64,
    pub history: Samples,
    pub history_in_environment: Samples,
    pub history_entries: usize,
    pub flaky: Samples,
    pub flaky_tests: usize,
    pub slow: Samples,
    /// Reading a run's 20 tests' records and bringing them up to date.
    pub update: Samples,
    /// The run's end stored with its tests' records, and without (alternating).
    pub finish_with: Samples,
    pub finish_without: Samples,
}

/// Adds runs to the data dir at `database` until it holds `total`.
pub async fn seed(database: &str, total: i64, workers: u8) -> anyhow::Result<f64> {
    let sizes = EmbeddedSizes { memtable_bytes: 64 << 20, block_cache_bytes: 64 << 20 };
    let store = Arc::new(Store::connect(database, None, sizes).await.context("open the data dir")?);
    let existing = store.list_runs(&RunFilter::default(), 1).await?.first().map_or(0, |run| run.id.0);
    let started = Instant::now();
    let next = Arc::new(AtomicI64::new(existing));
    let first_at = Utc::now() - chrono::Duration::days(SPAN_DAYS);
    let step_ms = (SPAN_DAYS * 24 * 3600 * 1000) / total.max(1);
    let mut tasks = Vec::new();
    for worker in 0..u64::from(workers) {
        let (store, next) = (Arc::clone(&store), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut random = Random(0x4157_0000 + worker);
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= total {
                    return Ok::<(), anyhow::Error>(());
                }
                // Environments w + 1, w + 1 + workers, ... belong to this worker; CI's 7 takes
                // half of its worker's runs.
                let own: Vec<u64> = (1..=ENVIRONMENTS).filter(|e| (e - 1) % u64::from(workers) == worker).collect();
                let mut environment = own[random.below(own.len() as u64) as usize];
                if own.contains(&7) && random.chance(50) {
                    environment = 7;
                }
                let created_at = first_at + chrono::Duration::milliseconds(index * step_ms);
                let results = results_of_run(&mut random, index, total, environment);
                store_run(&store, u8::try_from(environment)?, created_at, results, true).await?;
                if index % 10_000 == 0 && index > 0 {
                    eprintln!("seeded {index} runs");
                }
            }
        }));
    }
    for task in tasks {
        task.await.context("a seeding worker")??;
    }
    Arc::try_unwrap(store).map_err(|_| anyhow::anyhow!("a worker still holds the store"))?.close().await;
    Ok(started.elapsed().as_secs_f64())
}

/// The 20 results of run number `index` of `total`.
fn results_of_run(random: &mut Random, index: i64, total: i64, environment: u64) -> Vec<TestResult> {
    let module = random.below(MODULES);
    let first = random.below(20 - 15 + 1);
    let version = index / 10_000;
    let late = index > total - total / 20;
    let mut results = Vec::with_capacity(TESTS_PER_RUN);
    for test in 0..5_u64 {
        let fails = match test {
            3 => random.chance(10),
            4 => environment == 7,
            _ => false,
        };
        results.push(result("core/test_core.py", &format!("test_{test}"), fails, 0.05 + test as f64 * 0.1, version));
    }
    for case in first..first + 15 {
        let fails = case == 0 && random.chance(5);
        let base = 0.01 * (1 + (module * 7 + case) % 40) as f64;
        let slower = if module == 3 && late { 2.0 } else { 1.0 };
        let duration = base * slower * (0.9 + random.below(20) as f64 / 100.0);
        let file = format!("suite/test_module_{module:02}.py");
        results.push(result(&file, &format!("test_case_{case:02}"), fails, duration, version));
    }
    results
}

fn result(file: &str, name: &str, fails: bool, duration_s: f64, version: i64) -> TestResult {
    TestResult {
        seq: 0,
        node_id: format!("{file}::{name}"),
        outcome: if fails { TestOutcome::Failed } else { TestOutcome::Passed },
        phase: "call".into(),
        duration_s,
        failure: fails.then(|| {
            format!(
                "    def {name}():\n>       assert answer() == 42\nE       assert 41 == 42\n\n{file}:12: AssertionError"
            )
        }),
        memory: None,
        memray: None,
        file_hash: Some(format!("{:016x}", (file.len() as i64 * 1_000_003) ^ version)),
    }
}

/// Creates, starts and ends one run with `results`, storing its tests' records with its end when
/// `with_records` (as the journal does); how long reading and updating the records took, and
/// how long the end took to store.
async fn store_run(
    store: &Store,
    environment: u8,
    created_at: chrono::DateTime<Utc>,
    mut results: Vec<TestResult>,
    with_records: bool,
) -> anyhow::Result<(f64, f64)> {
    let new_run = NewRun {
        user: UserName::new("ci-nightly").map_err(anyhow::Error::msg)?,
        environment: Environment::new(environment.into()).map_err(anyhow::Error::msg)?,
        paths: vec![
            TestPath::new("core").map_err(anyhow::Error::msg)?,
            TestPath::new("suite").map_err(anyhow::Error::msg)?,
        ],
        variables: Default::default(),
        limits: Limits { memory_bytes: 2 << 30, cpu_millicores: 1000, pids: 512, timeout_s: 3600 },
        template: None,
        rerun_of: None,
        profile: None,
        created_by: None,
        wait_for_environment: false,
    };
    let run = store.create_run(&new_run, created_at).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut seq = run.seq + 1;
    store.mark_running(run.id, created_at, Enforcement::CgroupV2, seq).await?;
    let mut counts = Counts::default();
    for result in &mut results {
        seq += 1;
        result.seq = seq;
        counts.record(result.outcome);
    }
    counts.total = u32::try_from(results.len())?;
    let (history, update_ms) = if with_records {
        let mark = RunMark { run: run.id, at: created_at };
        let (history, ms) = timed(store.test_history_update(run.environment, mark, &results)).await;
        (Some(history?), ms)
    } else {
        (None, 0.0)
    };
    seq += 1;
    let log = LogChunk { seq, byte_offset: 0, text: "collected 20 items\n".repeat(20) };
    seq += 1;
    let finish = Finish {
        status: if counts.failed > 0 { RunStatus::Failed } else { RunStatus::Passed },
        exit_code: Some(i32::from(counts.failed > 0)),
        message: None,
        finished_at: created_at + chrono::Duration::seconds(20),
        counts,
        log_bytes: log.text.len() as u64,
        log_truncated: false,
        stored_bytes: 0,
        seq,
        resources: ResourceUsage::default(),
        cancelled_by: None,
        log: vec![log],
        log_maybe_stored_to: None,
        results,
        history,
    };
    let (ended, finish_ms) = timed(store.finish_run(run.id, &finish)).await;
    ended?.context("the run had ended already")?;
    Ok((update_ms, finish_ms))
}

/// Ends `ENDS` more runs in the store at `database`, alternately with their tests' records and
/// without, in environments the seeded history does not use.
pub async fn time_run_ends(database: &str) -> anyhow::Result<(Samples, Samples, Samples)> {
    let store = Store::connect(database, None, EmbeddedSizes::default()).await?;
    let (mut update, mut with, mut without) = (Samples::default(), Samples::default(), Samples::default());
    let mut random = Random(0xe4d5);
    for end in 0..ENDS + WARM_UP {
        let environment = u8::try_from(ENVIRONMENTS + 1 + (end as u64 % 10))?;
        let results = results_of_run(&mut random, 1, 100, 7);
        let with_records = end % 2 == 0;
        let (update_ms, finish_ms) = store_run(&store, environment, Utc::now(), results, with_records).await?;
        if end < WARM_UP {
            continue;
        }
        if with_records {
            update.push(update_ms);
            with.push(finish_ms);
        } else {
            without.push(finish_ms);
        }
    }
    store.close().await;
    Ok((update, with, without))
}

async fn time_requests(client: &reqwest::Client, url: &reqwest::Url) -> anyhow::Result<(Samples, serde_json::Value)> {
    let mut samples = Samples::default();
    let mut last = serde_json::Value::Null;
    for request in 0..REQUESTS + WARM_UP {
        let (answer, ms) =
            timed(async { client.get(url.clone()).send().await?.error_for_status()?.json().await }).await;
        last = answer.with_context(|| format!("GET {url}"))?;
        if request >= WARM_UP {
            samples.push(ms);
        }
    }
    Ok((samples, last))
}

/// Times the pages' requests on the service started on `data_dir`, whose records the end
/// timing has already been taken on.
pub async fn measure(spec: &ServiceSpec, data_dir: &Path, runs: i64) -> anyhow::Result<HistoryFigures> {
    let (update, finish_with, finish_without) =
        time_run_ends(&format!("surrealkv://{}", data_dir.join("db").display())).await?;
    let service = Service::start(spec, data_dir, &[])?;
    service.wait_quiet(Duration::from_secs(1800)).await?;
    let client = reqwest::Client::new();
    let url =
        |path: &str, query: &[(&str, &str)]| reqwest::Url::parse_with_params(&format!("{}{path}", service.url), query);
    let (history, page) = time_requests(&client, &url("/api/tests/history", &[("node_id", LONGEST)])?).await?;
    let in_seven = url("/api/tests/history", &[("node_id", LONGEST), ("environment", "7")])?;
    let (history_in_environment, _) = time_requests(&client, &in_seven).await?;
    let (flaky, list) = time_requests(&client, &url("/api/tests/flaky", &[("days", "14")])?).await?;
    let (slow, _) = time_requests(&client, &url("/api/tests/slow", &[])?).await?;
    service.stop()?;
    Ok(HistoryFigures {
        runs,
        history,
        history_in_environment,
        history_entries: page["entries"].as_array().map_or(0, Vec::len),
        flaky,
        flaky_tests: list["items"].as_array().map_or(0, Vec::len),
        slow,
        update,
        finish_with,
        finish_without,
    })
}

pub fn render(spec: &ServiceSpec, figures: &HistoryFigures) -> String {
    let row = |what: &str, samples: &Samples| format!("| {what} | {:.2} | {:.2} |\n", samples.p50(), samples.p99());
    let mut out = format!(
        "Test history at {} runs of {TESTS_PER_RUN} tests, `{}` ({} requests each, ms):\n\n\
         | figure | p50 | p99 |\n| --- | --- | --- |\n",
        figures.runs,
        spec.binary.display(),
        REQUESTS
    );
    out += &row(
        &format!("`GET /api/tests/history` of `{LONGEST}` (first page, {} results)", figures.history_entries),
        &figures.history,
    );
    out += &row("the same in environment 7", &figures.history_in_environment);
    out += &row(&format!("`GET /api/tests/flaky?days=14` ({} tests)", figures.flaky_tests), &figures.flaky);
    out += &row("`GET /api/tests/slow`", &figures.slow);
    out += &row(
        &format!("a run's end: reading and updating its {TESTS_PER_RUN} tests' records ({ENDS} runs, in the store)"),
        &figures.update,
    );
    out += &row("a run's end stored with its tests' records", &figures.finish_with);
    out += &row("a run's end stored without them", &figures.finish_without);
    out += &format!(
        "\nWhat the end of a run spends on its tests' records: {:.2} ms (reading and updating, p50) + {:.2} ms \
         (storing them, the difference of the p50s) = {:.2} ms.\n",
        figures.update.p50(),
        figures.finish_with.p50() - figures.finish_without.p50(),
        figures.update.p50() + figures.finish_with.p50() - figures.finish_without.p50()
    );
    out
}
