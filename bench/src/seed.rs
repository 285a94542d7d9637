//! Fills a data dir with a year of realistic history through Testbay's own store: runs of many
//! users (CI jobs most of all) across the environments, some from templates, with a mix of
//! outcomes, each with its test results and a pytest log, created, started, progressed and
//! finished exactly as the service itself stores them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use testbay_service::domain::{
    Counts, Enforcement, Environment, Limits, LogChunk, NewRun, RUN_RECORD_BYTES, ResourceUsage, RunFilter, RunMark,
    RunStatus, TEST_RESULT_RECORD_BYTES, TemplateName, TestMemory, TestOutcome, TestPath, TestResult, UserName,
};
use testbay_service::store::{CreateRunError, EmbeddedSizes, Finish, Progress, Store};

/// Users that start runs, CI jobs first: they start most runs.
const USERS: [&str; 24] = [
    "ci-nightly",
    "ci-merge",
    "ci-pr",
    "ci-release",
    "ada",
    "grace",
    "linus",
    "barbara",
    "ken",
    "dennis",
    "margaret",
    "edsger",
    "donald",
    "john",
    "frances",
    "alan",
    "radia",
    "guido",
    "bjarne",
    "anders",
    "yukihiro",
    "rasmus",
    "james",
    "larry",
];
const TEMPLATES: [&str; 8] = ["nightly", "smoke", "full", "api", "ui", "db-migrations", "perf", "release-gate"];
/// The test files of a mid-sized project; node ids are made from them.
const FILES: [&str; 16] = [
    "api/test_auth.py",
    "api/test_users.py",
    "api/test_orders.py",
    "api/test_search.py",
    "db/test_migrations.py",
    "db/test_queries.py",
    "ui/test_login.py",
    "ui/test_checkout.py",
    "core/test_pricing.py",
    "core/test_tax.py",
    "core/test_inventory.py",
    "core/test_money.py",
    "jobs/test_mailer.py",
    "jobs/test_reports.py",
    "text/test_strings.py",
    "math/test_arithmetic.py",
];
/// A year, the span the seeded history covers.
const SPAN_DAYS: i64 = 365;

/// What a seeding did.
pub struct Seeded {
    pub runs: i64,
    pub seconds: f64,
}

/// A small, fast, deterministic generator: the same seed gives the same history.
#[derive(Clone)]
pub struct Random(pub u64);

impl Random {
    pub fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Adds runs to the data dir at `database` (a SurrealDB address) until it holds `total`, with
/// `workers` writers at once, each on environments of its own so that none waits for another.
pub async fn seed(database: &str, total: i64, workers: u8) -> anyhow::Result<Seeded> {
    // A larger memtable than the service's: seeding is one long stream of writes.
    let sizes = EmbeddedSizes { memtable_bytes: 64 << 20, block_cache_bytes: 64 << 20 };
    let store = Store::connect(database, None, sizes).await.context("open the data dir")?;
    // Seeded ids are dense from 1, so the newest id is the number of runs held.
    let newest = store.list_runs(&RunFilter::default(), 1).await?;
    let existing = newest.first().map_or(0, |run| run.id.0);
    let to_add = total - existing;
    let started = Instant::now();
    if to_add <= 0 {
        store.close().await;
        return Ok(Seeded { runs: 0, seconds: 0.0 });
    }
    let store = Arc::new(store);
    let next = Arc::new(AtomicI64::new(existing));
    let now = Utc::now();
    let first_at = now - Duration::days(SPAN_DAYS);
    let step_ms = (SPAN_DAYS * 24 * 3600 * 1000) / total.max(1);
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let store = Arc::clone(&store);
        let next = Arc::clone(&next);
        tasks.push(tokio::spawn(async move {
            let mut random = Random(0x5eed_0000 + u64::from(worker));
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= total {
                    return Ok::<(), anyhow::Error>(());
                }
                let created_at = first_at + Duration::milliseconds(index * step_ms);
                // Environments w, w + workers, ... belong to this worker alone. CI runs in
                // environment 7 most: half of its worker's runs.
                let slots = (100 - u64::from(worker)).div_ceil(u64::from(workers));
                let mut environment = 1 + worker + u8::try_from(random.below(slots)).unwrap_or(0) * workers;
                if workers > 6 && worker == 6 && random.chance(50) {
                    environment = 7;
                }
                store_one_run(&store, &mut random, environment, created_at).await?;
                if index % 5000 == 0 && index > 0 {
                    eprintln!("seeded {index} runs");
                }
            }
        }));
    }
    for task in tasks {
        task.await.context("a seeding worker")??;
    }
    match Arc::try_unwrap(store) {
        Ok(store) => store.close().await,
        Err(_) => anyhow::bail!("a seeding worker still holds the store"),
    }
    Ok(Seeded { runs: to_add, seconds: started.elapsed().as_secs_f64() })
}

/// One run from creation to its end, stored as the service stores it.
async fn store_one_run(
    store: &Store,
    random: &mut Random,
    environment: u8,
    created_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let user = pick_user(random);
    // Four runs in ten come from a template, a third of them from the nightly one.
    let template = random.chance(40).then(|| {
        let index = if random.chance(33) { 0 } else { random.below(TEMPLATES.len() as u64) as usize };
        TEMPLATES[index]
    });
    let files: Vec<&str> = (0..1 + random.below(4)).map(|_| FILES[random.below(FILES.len() as u64) as usize]).collect();
    let new_run = NewRun {
        user: UserName::new(user).map_err(anyhow::Error::msg)?,
        environment: Environment::new(environment.into()).map_err(anyhow::Error::msg)?,
        paths: files.iter().map(|f| TestPath::new(f)).collect::<Result<_, _>>().map_err(anyhow::Error::msg)?,
        variables: if random.chance(20) {
            BTreeMap::from([("TARGET".to_owned(), format!("staging-{}", random.below(4)))])
        } else {
            BTreeMap::new()
        },
        limits: Limits { memory_bytes: 2 << 30, cpu_millicores: 1000, pids: 512, timeout_s: 3600 },
        template: template.map(TemplateName::new).transpose().map_err(anyhow::Error::msg)?,
        rerun_of: None,
        profile: None,
        created_by: None,
        wait_for_environment: false,
    };
    let run = match store.create_run(&new_run, created_at).await {
        Ok(run) => run,
        Err(CreateRunError::EnvironmentBusy { .. }) => anyhow::bail!("environment {environment} was held"),
        Err(CreateRunError::Store(error)) => return Err(error.into()),
    };
    let status = pick_status(random);
    let started_at = created_at + Duration::milliseconds(50 + random.below(2000) as i64);
    let mut seq = run.seq;
    let never_started = status == RunStatus::Cancelled && random.chance(50);
    let mut counts = Counts::default();
    let mut log_bytes = 0;
    // A run's events: one stored batch while it ran, the rest with its end (as the journal does).
    let mut batch = Progress::default();
    let mut tail = Progress::default();
    let mut all_results = Vec::new();
    if !never_started {
        seq += 1;
        store.mark_running(run.id, started_at, Enforcement::CgroupV2, seq).await?;
        let (results, log) = pytest_output(random, &files, status, &mut counts);
        let pieces = split_log(&log, 1 + random.below(3) as usize);
        let half = pieces.len() / 2;
        for (index, text) in pieces.into_iter().enumerate() {
            seq += 1;
            let target = if index < half { &mut batch } else { &mut tail };
            target.log.push(LogChunk { seq, byte_offset: log_bytes, text: text.to_owned() });
            log_bytes += text.len() as u64;
        }
        for mut result in results {
            seq += 1;
            result.seq = seq;
            all_results.push(result.clone());
            tail.results.push(result);
        }
        if !batch.log.is_empty() {
            seq += 1;
            batch.seq = seq;
            batch.counts = counts;
            batch.log_bytes = batch.log.iter().map(|chunk| chunk.text.len() as u64).sum();
            store.record_progress(run.id, &batch).await?;
        }
    }
    let duration_ms = 300 + random.below(120_000) as i64;
    seq += 1;
    let mark = RunMark { run: run.id, at: run.created_at };
    let history = store.test_history_update(run.environment, mark, &all_results).await?;
    let finish = Finish {
        status,
        exit_code: match status {
            RunStatus::Passed => Some(0),
            RunStatus::Failed => Some(1),
            RunStatus::Error => Some(2),
            _ => None,
        },
        message: (status == RunStatus::TimedOut).then(|| "stopped after its timeout of 3600 s".to_owned()),
        finished_at: started_at + Duration::milliseconds(duration_ms),
        counts,
        log_bytes,
        log_truncated: false,
        seq,
        cancelled_by: None,
        resources: if never_started {
            ResourceUsage::default()
        } else {
            ResourceUsage {
                peak_memory_bytes: Some((20 + random.below(400)) << 20),
                cpu_seconds: Some(duration_ms as f64 / 1000.0 * 0.7),
                oom_killed: false,
            }
        },
        stored_bytes: RUN_RECORD_BYTES
            + log_bytes
            + tail
                .results
                .iter()
                .map(|r| {
                    TEST_RESULT_RECORD_BYTES + r.node_id.len() as u64 + r.failure.as_ref().map_or(0, |f| f.len() as u64)
                })
                .sum::<u64>(),
        log: tail.log,
        log_maybe_stored_to: None,
        results: tail.results,
        history: Some(history),
    };
    store.finish_run(run.id, &finish).await?;
    Ok(())
}

fn pick_user(random: &mut Random) -> &'static str {
    // Six runs in ten come from CI.
    if random.chance(60) { USERS[random.below(4) as usize] } else { USERS[4 + random.below(20) as usize] }
}

fn pick_status(random: &mut Random) -> RunStatus {
    match random.below(100) {
        0..70 => RunStatus::Passed,
        70..88 => RunStatus::Failed,
        88..91 => RunStatus::Error,
        91..96 => RunStatus::Cancelled,
        96..98 => RunStatus::TimedOut,
        _ => RunStatus::Interrupted,
    }
}

/// The tests of `files` with their outcomes, and the log pytest prints for them.
fn pytest_output(
    random: &mut Random,
    files: &[&str],
    status: RunStatus,
    counts: &mut Counts,
) -> (Vec<TestResult>, String) {
    let mut results = Vec::new();
    let mut log = String::from(
        "============================= test session starts ==============================\n\
         platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.6.0 -- /srv/testbay/.venv/bin/python\n\
         rootdir: /srv/testbay/tests\nplugins: reportlog-1.0.0\n",
    );
    let tests: usize = files.len() * (3 + random.below(12) as usize);
    log.push_str(&format!("collecting ... collected {tests} items\n\n"));
    counts.total = u32::try_from(tests).unwrap_or(u32::MAX);
    let mut failures = String::new();
    for index in 0..tests {
        let file = files[index % files.len()];
        let node_id = format!("{file}::test_case_{}[{}]", index / files.len(), random.below(6));
        let outcome = match (status, random.below(100)) {
            (RunStatus::Failed, 0..12) => TestOutcome::Failed,
            (RunStatus::Error, 0..5) => TestOutcome::Error,
            (_, 95..97) => TestOutcome::Skipped,
            (_, 97..98) => TestOutcome::Xfailed,
            _ => TestOutcome::Passed,
        };
        counts.record(outcome);
        let percent = (index + 1) * 100 / tests;
        log.push_str(&format!("{node_id} \x1b[32m{}\x1b[0m [{percent:3}%]\n", outcome.as_str().to_uppercase()));
        let failure = matches!(outcome, TestOutcome::Failed | TestOutcome::Error).then(|| {
            let report = format!(
                "    def test_case():\n        order = make_order(total=100)\n>       assert order.total_with_tax() == 119\n\
                 E       AssertionError: assert 118 == 119\nE        +  where 118 = <Order 4711>.total_with_tax()\n\n\
                 {file}:{}: AssertionError\n",
                10 + random.below(300)
            );
            failures.push_str(&format!("_________________ {node_id} _________________\n\n{report}\n"));
            report
        });
        results.push(TestResult {
            seq: 0,
            node_id,
            outcome,
            phase: if outcome == TestOutcome::Error { "setup".into() } else { "call".into() },
            duration_s: random.below(3000) as f64 / 1000.0,
            failure,
            memory: Some(TestMemory { before_bytes: 40 << 20, after_bytes: (40 << 20) + random.below(1 << 20) }),
            memray: None,
            file_hash: None,
        });
    }
    if !failures.is_empty() {
        log.push_str("\n=================================== FAILURES ===================================\n");
        log.push_str(&failures);
    }
    log.push_str(&format!(
        "========================= {} passed, {} failed in {}.{:02}s =========================\n",
        counts.passed,
        counts.failed,
        random.below(90),
        random.below(100)
    ));
    (results, log)
}

/// The log in about `pieces` parts, cut at line ends, as the runner stores it batch by batch.
fn split_log(log: &str, pieces: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let target = log.len() / pieces.max(1) + 1;
    let mut start = 0;
    while start < log.len() {
        let mut end = (start + target).min(log.len());
        end = log[end..].find('\n').map_or(log.len(), |newline| end + newline + 1);
        parts.push(&log[start..end]);
        start = end;
    }
    parts
}
