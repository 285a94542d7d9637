//! An upgrade of a large data dir written by Testbay's first version (schema version 1: runs
//! without numbers, single-field indexes, test results under random keys): how long the
//! migrations take when the service opens it with its default sizes, and that it then serves
//! from the new indexes and keys.

use std::time::Instant;

use anyhow::Context;
use serde_json::json;
use surrealdb::engine::any;
use testbay_service::domain::{RunFilter, RunId, UserName};
use testbay_service::store::{EmbeddedSizes, Store};

/// The schema of version 1, as its test keeps it.
const SCHEMA_1: &str = include_str!("../../service/src/store/testdata/schema-v1.surql");
const RESULTS_PER_RUN: i64 = 20;
const RUNS_PER_INSERT: i64 = 250;

pub struct Upgrade {
    pub runs: i64,
    pub write_seconds: f64,
    pub migrate_seconds: f64,
}

pub async fn from_version_1(runs: i64) -> anyhow::Result<Upgrade> {
    let dir = tempfile::tempdir()?;
    let address = format!("surrealkv://{}", dir.path().join("db").display());
    let started = Instant::now();
    {
        let db = any::connect(&address).await?;
        db.use_ns("testbay").use_db("testbay").await?;
        db.query(SCHEMA_1).await?.check()?;
        let mut first = 1;
        while first <= runs {
            let last = (first + RUNS_PER_INSERT - 1).min(runs);
            let run_rows: Vec<serde_json::Value> = (first..=last).map(run_of_version_1).collect();
            let result_rows: Vec<serde_json::Value> = (first..=last)
                .flat_map(|run| (0..RESULTS_PER_RUN).map(move |index| result_of_version_1(run, index)))
                .collect();
            db.query(
                "FOR $row IN $runs {
                     CREATE type::record('run', $row.number) SET user = $row.user, environment = $row.environment,
                         paths = $row.paths, variables = $row.variables, status = $row.status,
                         created_at = <datetime> $row.created_at, counts = $row.counts, log_bytes = $row.log_bytes,
                         log_truncated = $row.log_truncated, node = $row.node, seq = $row.seq, limits = $row.limits,
                         resources = $row.resources RETURN NONE;
                 };
                 FOR $row IN $results {
                     CREATE test_result SET run = type::record('run', $row.run), seq = $row.seq, node_id = $row.node_id,
                         outcome = $row.outcome, phase = $row.phase, duration_s = $row.duration_s RETURN NONE;
                 };",
            )
            .bind(("runs", run_rows))
            .bind(("results", result_rows))
            .await?
            .check()?;
            first = last + 1;
        }
    }
    let write_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let store = Store::connect(&address, None, EmbeddedSizes::default()).await.context("open and migrate")?;
    let migrate_seconds = started.elapsed().as_secs_f64();
    let filter =
        RunFilter { user: Some(UserName::new("ci-nightly").map_err(anyhow::Error::msg)?), ..RunFilter::default() };
    let page = store.list_runs(&filter, 50).await?;
    anyhow::ensure!(page.len() == 50 && page[0].id.0 > page[49].id.0, "a filtered page after the upgrade");
    let results = store.test_results(RunId(runs / 2), 0, i64::MAX).await?;
    anyhow::ensure!(results.len() == RESULTS_PER_RUN as usize, "a run's results under their new keys");
    store.close().await;
    Ok(Upgrade { runs, write_seconds, migrate_seconds })
}

fn run_of_version_1(number: i64) -> serde_json::Value {
    let users = ["ci-nightly", "ci-merge", "ada", "grace"];
    json!({
        "number": number, "user": users[(number % 4) as usize], "environment": number % 100 + 1,
        "paths": ["math"], "variables": {}, "status": "passed",
        "created_at": "2026-01-01T00:00:00Z",
        "counts": {"passed": 20, "failed": 0, "skipped": 0, "errors": 0, "xfailed": 0, "xpassed": 0, "total": 20},
        "log_bytes": 0, "log_truncated": false, "node": "old", "seq": 42,
        "limits": {"memory_bytes": 1073741824_i64, "cpu_millicores": 1000, "pids": 512, "timeout_s": 3600},
        "resources": {"oom_killed": false}
    })
}

fn result_of_version_1(run: i64, index: i64) -> serde_json::Value {
    json!({
        "run": run, "seq": 3 + index, "node_id": format!("pkg/test_module.py::test_case_{index}"),
        "outcome": "passed", "phase": "call", "duration_s": 0.01
    })
}
