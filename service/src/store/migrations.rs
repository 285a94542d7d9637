//! What existing records need when the schema changes, each step done once and recorded in
//! `meta:schema`, so that a data dir written by an earlier version keeps working.
//!
//! Steps work in small transactions: an embedded database refuses a transaction larger than
//! its memtable, and a data dir may hold years of runs.

use std::time::Instant;

use surrealdb::types::{RecordId, RecordIdKey};

use super::error::checked;
use super::rows::{TestResultRow, results_of_runs, run_record};
use super::run_list::window;
use super::{Store, StoreError};
use crate::domain::RunId;

/// The version the schema in `schema.surql` is at.
const SCHEMA_VERSION: i64 = 5;
/// Runs rewritten per transaction.
const BATCH: i64 = 1000;
/// Results keyed anew per transaction.
const RESULTS_BATCH: usize = 500;
/// Runs whose results get their run's fields per transaction (a few thousand results).
const RESULTS_RUNS_BATCH: i64 = 200;
/// Results read at once while keying them anew.
const RESULTS_WINDOW_MAX: usize = 5000;

impl Store {
    /// Brings the data up to `SCHEMA_VERSION`.
    pub(super) async fn migrate(&self) -> Result<(), StoreError> {
        let version = self.schema_version().await?;
        if version < 2 {
            self.number_every_run().await?;
        }
        if version < 3 {
            self.claim_run_numbers_in_windows().await?;
        }
        if version < 4 {
            self.key_results_by_run().await?;
        }
        if version == 4 {
            self.copy_run_fields_onto_results().await?;
        }
        if version < SCHEMA_VERSION {
            self.query("UPSERT meta:schema SET version = $version RETURN NONE")
                .bind("version", SCHEMA_VERSION)
                .await
                .and_then(checked)
                .map_err(StoreError::query("record the schema version"))?;
        }
        Ok(())
    }

    async fn schema_version(&self) -> Result<i64, StoreError> {
        let mut response = self
            .query("RETURN (SELECT VALUE version FROM meta:schema)[0] ?? 1")
            .await
            .map_err(StoreError::query("read the schema version"))?;
        let version: Option<i64> = response.take(0).map_err(StoreError::query("read the schema version"))?;
        Ok(version.unwrap_or(1))
    }

    /// Version 4: test results are keyed by their run and sequence number. Results stored
    /// before carry random keys: each run's are found by the index earlier versions kept on
    /// `run, seq`, written anew under their keys, and then the index goes.
    async fn key_results_by_run(&self) -> Result<(), StoreError> {
        let mut response = self
            .query("RETURN object::keys((INFO FOR TABLE test_result).indexes ?? {})")
            .await
            .map_err(StoreError::query("read the results' indexes"))?;
        let indexes: Vec<String> = response.take(0).map_err(StoreError::query("read the results' indexes"))?;
        if !indexes.iter().any(|index| index == "test_result_run") {
            return Ok(());
        }
        let newest = self.newest_run_id().await?.map_or(0, |id| id.0);
        let started = Instant::now();
        tracing::info!(runs = newest, "keying the test results of an earlier version by their runs");
        // Windows of runs, as wide as keeps a window's results few enough to hold at once;
        // each transaction writes a bounded number of them.
        let (mut low, mut width) = (1, 64_i64);
        while low <= newest {
            let high = low + width;
            let mut response = self
                .query("SELECT * FROM test_result WHERE run >= $low AND run < $high")
                .bind("low", run_record(RunId(low)))
                .bind("high", run_record(RunId(high)))
                .await
                .map_err(StoreError::query("read results to key anew"))?;
            let rows: Vec<TestResultRow> = response.take(0).map_err(StoreError::query("read results to key anew"))?;
            if rows.len() > RESULTS_WINDOW_MAX && width > 1 {
                width /= 2;
                continue;
            }
            // Results keyed already (by a migration that stopped half-way) stay.
            let old: Vec<TestResultRow> =
                rows.into_iter().filter(|row| !matches!(row.id.key, RecordIdKey::Array(_))).collect();
            let found = old.len();
            let mut old = old.into_iter().peekable();
            while old.peek().is_some() {
                let batch: Vec<TestResultRow> = old.by_ref().take(RESULTS_BATCH).collect();
                let old_ids: Vec<RecordId> = batch.iter().map(|row| row.id.clone()).collect();
                let keyed = batch.into_iter().map(TestResultRow::keyed).collect::<Result<Vec<_>, _>>()?;
                self.query(
                    "BEGIN TRANSACTION;
                     DELETE $old RETURN NONE;
                     INSERT INTO test_result $keyed RETURN NONE;
                     COMMIT TRANSACTION;",
                )
                .bind("old", old_ids)
                .bind("keyed", keyed)
                .await
                .and_then(checked)
                .map_err(StoreError::query("key results anew"))?;
            }
            if low / 10_000 != high / 10_000 {
                tracing::info!(runs = high - 1, of = newest, "keying test results");
            }
            low = high;
            if found < RESULTS_WINDOW_MAX / 4 {
                width = (width * 2).min(4096);
            }
        }
        self.query("REMOVE INDEX IF EXISTS test_result_run ON test_result")
            .await
            .and_then(checked)
            .map_err(StoreError::query("remove the results' index"))?;
        tracing::info!(seconds = started.elapsed().as_secs_f64(), "the test results are keyed by their runs");
        Ok(())
    }

    /// Version 5: a test's history reads results by node id and time, so each result carries its
    /// run's environment and creation time. Results written from now on get them from the
    /// schema (`VALUE`); so did those migration 4 wrote anew; the others get them here, a window
    /// of runs at a time.
    async fn copy_run_fields_onto_results(&self) -> Result<(), StoreError> {
        let Some(RunId(newest)) = self.newest_run_id().await? else { return Ok(()) };
        let started = Instant::now();
        tracing::info!(runs = newest, "copying each run's environment and time onto its test results");
        let mut low = 1;
        while low <= newest {
            let high = low + RESULTS_RUNS_BATCH;
            self.query(
                "UPDATE $results SET environment = run.environment, at = run.created_at WHERE at = NONE RETURN NONE",
            )
            .bind("results", results_of_runs(low, high))
            .await
            .and_then(checked)
            .map_err(StoreError::query("copy run fields onto results"))?;
            if low / 10_000 != high / 10_000 {
                tracing::info!(runs = high - 1, of = newest, "copying run fields onto test results");
            }
            low = high;
        }
        tracing::info!(seconds = started.elapsed().as_secs_f64(), "the test results carry their runs' fields");
        Ok(())
    }

    /// Version 3: the run number sequence claims a thousand numbers at a time (it claimed one
    /// at a time before, which grows slower with the history). A sequence's batch cannot be
    /// changed, so it is defined anew, going on after the newest run.
    async fn claim_run_numbers_in_windows(&self) -> Result<(), StoreError> {
        self.query(
            "BEGIN TRANSACTION;
             LET $next = ((SELECT VALUE record::id(id) FROM run ORDER BY id DESC LIMIT 1)[0] ?? 0) + 1;
             REMOVE SEQUENCE IF EXISTS run_id;
             DEFINE SEQUENCE run_id BATCH 1000 START $next;
             COMMIT TRANSACTION;",
        )
        .await
        .and_then(checked)
        .map_err(StoreError::query("redefine the run number sequence"))?;
        Ok(())
    }

    /// Version 2: every run carries its number, which the runs list's indexes hold. Writing a
    /// run computes it (the field's `VALUE`); runs stored before that are written once here.
    async fn number_every_run(&self) -> Result<(), StoreError> {
        let Some(RunId(newest)) = self.newest_run_id().await? else { return Ok(()) };
        let started = Instant::now();
        tracing::info!(runs = newest, "numbering the runs of an earlier version for the runs list's indexes");
        let mut low = 1;
        while low <= newest {
            let high = low + BATCH;
            self.query("UPDATE $window SET number = record::id(id) WHERE number = NONE RETURN NONE")
                .bind("window", window(low, high))
                .await
                .and_then(checked)
                .map_err(StoreError::query("number runs"))?;
            low = high;
        }
        tracing::info!(seconds = started.elapsed().as_secs_f64(), "the runs are numbered");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::connection::{Connection, Statement};
    use super::super::testing::{ended, new_run};
    use super::super::{DATABASE, EmbeddedSizes, NAMESPACE};
    use super::*;
    use crate::domain::RunFilter;

    /// The schema of version 1: runs without `number`, indexes on the filter field alone.
    const SCHEMA_1: &str = include_str!("testdata/schema-v1.surql");
    const RUN_1: &str = "
        CREATE run:1 CONTENT { user: 'ada', environment: 1, paths: ['math'], variables: {}, status: 'passed',
            created_at: d'2026-01-01T00:00:00Z', counts: { passed: 1, failed: 0, skipped: 0, errors: 0, xfailed: 0,
            xpassed: 0, total: 1 }, log_bytes: 0, log_truncated: false, node: 'n', seq: 3,
            limits: { memory_bytes: 1, cpu_millicores: 1, pids: 8, timeout_s: 1 }, resources: { oom_killed: false } };
    ";

    #[tokio::test]
    async fn runs_of_version_1_are_numbered_and_listed_by_the_new_indexes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let address = format!("surrealkv://{}", dir.path().join("db").display());
        let old = Connection::open(&address, EmbeddedSizes::default()).await.expect("open");
        old.use_ns_db(NAMESPACE, DATABASE).await.expect("ns");
        Statement::new(&old, SCHEMA_1).await.and_then(surrealdb::IndexedResults::check).expect("old schema");
        Statement::new(&old, RUN_1).await.and_then(surrealdb::IndexedResults::check).expect("old data");
        for id in 2..=2500_i64 {
            let copy = format!("CREATE run:{id} CONTENT object::remove((SELECT * FROM ONLY run:1), 'id')");
            Statement::new(&old, copy).await.and_then(surrealdb::IndexedResults::check).expect("copy");
        }
        // Results as version 1 keyed them: at random.
        for id in [1_i64, 77, 2500] {
            for seq in [4_i64, 6] {
                let result = format!(
                    "CREATE test_result CONTENT {{ run: run:{id}, seq: {seq}, node_id: 't.py::test_{seq}', outcome: 'passed',
                     phase: 'call', duration_s: 0.5, failure: NONE }}"
                );
                Statement::new(&old, result).await.and_then(surrealdb::IndexedResults::check).expect("result");
            }
        }
        old.close().await;

        let store = Store::connect(&address, None, EmbeddedSizes::default()).await.expect("migrate");
        assert_eq!(store.schema_version().await.expect("version"), SCHEMA_VERSION);
        let filter = RunFilter { user: Some("ada".into()), ..RunFilter::default() };
        let page = store.list_runs(&filter, 3).await.expect("list");
        assert_eq!(page.iter().map(|run| run.id.0).collect::<Vec<_>>(), [2500, 2499, 2498]);
        let deep = RunFilter { before: Some(crate::domain::RunId(1001)), ..filter };
        assert_eq!(
            store.list_runs(&deep, 2).await.expect("list").iter().map(|run| run.id.0).collect::<Vec<_>>(),
            [1000, 999]
        );
        // Results are found under their runs' keys, and the old index is gone.
        for id in [1_i64, 77, 2500] {
            let results = store.test_results(crate::domain::RunId(id), 0, i64::MAX).await.expect("results");
            assert_eq!(
                results.iter().map(|r| (r.seq, r.node_id.as_str())).collect::<Vec<_>>(),
                [(4, "t.py::test_4"), (6, "t.py::test_6")]
            );
        }
        let mut response =
            store.query("RETURN object::keys((INFO FOR TABLE test_result).indexes)").await.expect("info");
        let mut indexes: Vec<String> = response.take(0).expect("indexes");
        indexes.sort_unstable();
        assert_eq!(indexes, ["test_result_history", "test_result_history_environment"]);
        // Each result carries its run's fields, and a test's history finds them.
        let query = crate::domain::HistoryQuery {
            node_id: "t.py::test_4".into(),
            environment: Some(1.into()),
            since: None,
            until: None,
            limit: 10,
        };
        let history = store.test_history(&query).await.expect("history");
        assert_eq!(history.iter().map(|entry| entry.run_id.0).collect::<Vec<_>>(), [2500, 77, 1]);
        assert!(history.iter().all(|entry| entry.at.is_some() && entry.user.is_some()), "{history:?}");
        // The run number sequence goes on after the newest run, in windows now.
        let next = store.create_run(&new_run(9), chrono::Utc::now()).await.expect("create");
        assert_eq!(next.id.0, 2501);
        store.close().await;
    }

    /// Results of version 4 have neither their run's environment nor its time: migration 5
    /// copies them, and a test's history finds the results.
    #[tokio::test]
    async fn results_of_version_4_get_their_runs_fields() {
        let dir = tempfile::tempdir().expect("temp dir");
        let address = format!("surrealkv://{}", dir.path().join("db").display());
        let store = Store::connect(&address, None, EmbeddedSizes::default()).await.expect("open");
        let run = store.create_run(&new_run(9), chrono::Utc::now()).await.expect("create");
        let result = format!(
            "CREATE test_result:[{id}, 4] CONTENT {{ run: run:{id}, seq: 4, node_id: 't.py::a', outcome: 'passed',
             phase: 'call', duration_s: 0.5 }}",
            id = run.id.0
        );
        // As version 4 stored it: without the fields (which the schema now fills on writing).
        let as_version_4 = format!(
            "REMOVE FIELD environment ON test_result; REMOVE FIELD at ON test_result; {result};
             UPSERT meta:schema SET version = 4;"
        );
        store.query(as_version_4).await.and_then(surrealdb::IndexedResults::check).expect("version 4 data");
        store.close().await;

        let store = Store::connect(&address, None, EmbeddedSizes::default()).await.expect("reopen");
        let query = crate::domain::HistoryQuery {
            node_id: "t.py::a".into(),
            environment: Some(9.into()),
            since: None,
            until: None,
            limit: 10,
        };
        let history = store.test_history(&query).await.expect("history");
        assert_eq!(history.iter().map(|entry| entry.run_id).collect::<Vec<_>>(), [run.id], "{history:?}");
        assert_eq!(history[0].at, Some(run.created_at));
        store.close().await;
    }

    /// Run numbers have no gaps, also across a restart of an embedded database.
    #[tokio::test]
    async fn run_numbers_go_on_without_a_gap_after_a_restart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let address = format!("surrealkv://{}", dir.path().join("db").display());
        let mut numbers = Vec::new();
        for _ in 0..3 {
            let store = Store::connect(&address, None, EmbeddedSizes::default()).await.expect("open");
            for environment in [1, 2] {
                let created = store.create_run(&new_run(environment), chrono::Utc::now()).await.expect("create");
                numbers.push(created.id.0);
                let finish = ended(crate::domain::RunStatus::Cancelled, 2);
                store.finish_run(created.id, &finish).await.expect("finish");
            }
            store.close().await;
        }
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    }
}
