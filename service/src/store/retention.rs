//! What the retention setting removes: a run's log, or a whole run. Everything is removed in
//! small transactions (an embedded database refuses one larger than its memtable, and requests
//! should not wait behind a long one), oldest runs first, from marks kept in `meta:retention`
//! so that a pass goes on where the previous one stopped.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::error::checked;
use super::resources::resources_record;
use super::rows::{run_id_of, run_record, test_results_of};
use super::run_list::window;
use super::test_history::test_stat_record;
use super::{Store, StoreError};
use crate::domain::{Environment, RUN_RECORD_BYTES, RunId, RunStatus};

/// Records removed per transaction.
const DELETE_BATCH: usize = 500;

/// How far each kind of removal has got: every run below the mark has been dealt with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionMarks {
    pub logs_from: RunId,
    pub runs_from: RunId,
}

impl Default for RetentionMarks {
    /// Nothing dealt with yet: run ids start at 1.
    fn default() -> Self {
        RetentionMarks { logs_from: RunId(1), runs_from: RunId(1) }
    }
}

/// What retention needs to know of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunAge {
    pub id: RunId,
    pub created_at: DateTime<Utc>,
    pub status: RunStatus,
    pub log_pruned: bool,
}

#[derive(Debug, SurrealValue)]
struct RunAgeRow {
    id: RecordId,
    created_at: DateTime<Utc>,
    status: String,
    log_pruned_at: Option<DateTime<Utc>>,
}

#[derive(Debug, SurrealValue)]
struct ResultIdRow {
    id: RecordId,
    node_id: String,
}

#[derive(Debug, Default, SurrealValue)]
struct MarksRow {
    logs_from: Option<i64>,
    runs_from: Option<i64>,
}

impl Store {
    /// The id of the newest run, if there is any.
    pub async fn newest_run_id(&self) -> Result<Option<RunId>, StoreError> {
        let mut response = self
            .query("SELECT VALUE record::id(id) FROM run ORDER BY id DESC LIMIT 1")
            .await
            .map_err(StoreError::query("find the newest run"))?;
        let newest: Vec<i64> = response.take(0).map_err(StoreError::query("find the newest run"))?;
        Ok(newest.first().copied().map(RunId))
    }

    /// The id of the `n`th newest run (1 is the newest), if there are that many.
    pub async fn nth_newest_run_id(&self, n: u64) -> Result<Option<RunId>, StoreError> {
        let mut response = self
            .query("SELECT VALUE record::id(id) FROM run ORDER BY id DESC LIMIT 1 START $skip")
            .bind("skip", i64::try_from(n.saturating_sub(1)).unwrap_or(i64::MAX))
            .await
            .map_err(StoreError::query("find the oldest run kept by count"))?;
        let found: Vec<i64> = response.take(0).map_err(StoreError::query("find the oldest run kept by count"))?;
        Ok(found.first().copied().map(RunId))
    }

    /// The runs with ids in `from..from + count`, oldest first.
    pub async fn run_ages(&self, from: RunId, count: i64) -> Result<Vec<RunAge>, StoreError> {
        let mut response = self
            .query("SELECT id, created_at, status, log_pruned_at FROM $window")
            .bind("window", window(from.0, from.0.saturating_add(count)))
            .await
            .map_err(StoreError::query("read runs' ages"))?;
        let rows: Vec<RunAgeRow> = response.take(0).map_err(StoreError::query("read runs' ages"))?;
        rows.into_iter()
            .map(|row| {
                Ok(RunAge {
                    id: run_id_of(&row.id)?,
                    created_at: row.created_at,
                    status: row.status.parse::<RunStatus>().map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    log_pruned: row.log_pruned_at.is_some(),
                })
            })
            .collect()
    }

    pub async fn retention_marks(&self) -> Result<RetentionMarks, StoreError> {
        let mut response = self
            .query("SELECT logs_from, runs_from FROM meta:retention")
            .await
            .map_err(StoreError::query("read the retention marks"))?;
        let rows: Vec<MarksRow> = response.take(0).map_err(StoreError::query("read the retention marks"))?;
        let row = rows.into_iter().next().unwrap_or_default();
        let start = RetentionMarks::default();
        Ok(RetentionMarks {
            logs_from: row.logs_from.map_or(start.logs_from, RunId),
            runs_from: row.runs_from.map_or(start.runs_from, RunId),
        })
    }

    pub async fn set_retention_marks(&self, marks: RetentionMarks) -> Result<(), StoreError> {
        self.query("UPSERT meta:retention SET logs_from = $logs_from, runs_from = $runs_from RETURN NONE")
            .bind("logs_from", marks.logs_from.0)
            .bind("runs_from", marks.runs_from.0)
            .await
            .and_then(checked)
            .map_err(StoreError::query("keep the retention marks"))?;
        Ok(())
    }

    /// Removes a finished run's log and notes when; its record and results stay. `false` when
    /// the run is active (or gone).
    pub async fn prune_log(&self, id: RunId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.delete_of_run("log_chunk", id).await?;
        let mut response = self
            .query(
                "UPDATE $run SET log_pruned_at = $now,
                     stored_bytes = math::max([(stored_bytes ?? 0) - log_bytes, $record_bytes])
                 WHERE status NOT IN ['queued', 'running'] RETURN VALUE id",
            )
            .bind("run", run_record(id))
            .bind("now", now)
            .bind("record_bytes", RUN_RECORD_BYTES as i64)
            .await
            .map_err(StoreError::query("note a pruned log"))?;
        let pruned: Vec<RecordId> = response.take(0).map_err(StoreError::query("note a pruned log"))?;
        Ok(!pruned.is_empty())
    }

    /// Removes a finished run with its log and results, and the records of its tests that it
    /// was the last run of (their history is made of runs deleted before it: retention deletes
    /// the oldest first). `None` when the run is active; else how many test records went.
    pub async fn delete_run(&self, id: RunId) -> Result<Option<u64>, StoreError> {
        let environment = match self.run(id).await? {
            Some(run) if run.status.is_active() => return Ok(None),
            Some(run) => Some(run.environment),
            None => None,
        };
        self.delete_of_run("log_chunk", id).await?;
        let node_ids = self.delete_results(id).await?;
        let test_records = match environment {
            Some(environment) => self.delete_test_stats_last_of(id, environment, &node_ids).await?,
            None => 0,
        };
        self.query("DELETE $resources RETURN NONE; DELETE $run WHERE status NOT IN ['queued', 'running'] RETURN NONE")
            .bind("resources", resources_record(id))
            .bind("run", run_record(id))
            .await
            .and_then(checked)
            .map_err(StoreError::query("delete a run"))?;
        Ok(Some(test_records))
    }

    /// Deletes a run's test results, a batch per transaction; the node ids they were of.
    async fn delete_results(&self, id: RunId) -> Result<BTreeSet<String>, StoreError> {
        let mut response = self
            .query("SELECT id, node_id FROM $results")
            .bind("results", test_results_of(id, i64::MIN, i64::MAX))
            .await
            .map_err(StoreError::query("find a run's results"))?;
        let rows: Vec<ResultIdRow> = response.take(0).map_err(StoreError::query("find a run's results"))?;
        for batch in rows.chunks(DELETE_BATCH) {
            self.query("DELETE $ids RETURN NONE")
                .bind("ids", batch.iter().map(|row| row.id.clone()).collect::<Vec<_>>())
                .await
                .and_then(checked)
                .map_err(StoreError::query("delete a run's results"))?;
        }
        Ok(rows.into_iter().map(|row| row.node_id).collect())
    }

    /// Deletes the records (in `environment`) of the tests `node_ids` whose last run is `run`;
    /// how many. The condition is checked in the deleting statement, so a record that a run
    /// ending meanwhile has just brought up to date stays.
    async fn delete_test_stats_last_of(
        &self,
        run: RunId,
        environment: Environment,
        node_ids: &BTreeSet<String>,
    ) -> Result<u64, StoreError> {
        let records: Vec<RecordId> = node_ids.iter().map(|node_id| test_stat_record(node_id, environment)).collect();
        let mut deleted = 0;
        for batch in records.chunks(DELETE_BATCH) {
            let mut response = self
                .query("DELETE $records WHERE last_run = $run RETURN BEFORE")
                .bind("records", batch.to_vec())
                .bind("run", run.0)
                .await
                .map_err(StoreError::query("delete test records"))?;
            let gone: Vec<surrealdb::types::Value> =
                response.take(0).map_err(StoreError::query("delete test records"))?;
            deleted += gone.len() as u64;
        }
        Ok(deleted)
    }

    /// Deletes the records of `table` that belong to run `id`, a batch per transaction.
    async fn delete_of_run(&self, table: &'static str, id: RunId) -> Result<(), StoreError> {
        let select = format!("SELECT VALUE id FROM {table} WHERE run = $run LIMIT $batch");
        loop {
            let mut response = self
                .query(select.clone())
                .bind("run", run_record(id))
                .bind("batch", DELETE_BATCH as i64)
                .await
                .map_err(StoreError::query("find a run's records"))?;
            let ids: Vec<RecordId> = response.take(0).map_err(StoreError::query("find a run's records"))?;
            if ids.is_empty() {
                return Ok(());
            }
            self.query("DELETE $ids RETURN NONE")
                .bind("ids", ids)
                .await
                .and_then(checked)
                .map_err(StoreError::query("delete a run's records"))?;
        }
    }
}
