//! Queries on runs, their test results, their logs and the environments they hold.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use surrealdb::types::RecordId;

use super::error::{is_conflict, transaction_failure};
use super::guarded::{retried, take_last};
use super::rows::{
    CountsRow, EnvironmentRow, FailureChangesRow, LogChunkRow, NewRunRow, ResourcesRow, RunRow, TestResultRow,
    run_record,
};
use super::test_history::TestStatRow;
use super::{CreateRunError, Statement, Store, StoreError, jitter_ms};
use crate::domain::{
    Counts, Enforcement, Environment, EnvironmentHold, FailureChanges, LogChunk, NewRun, RUN_RECORD_BYTES,
    ResourceUsage, Run, RunId, RunStatus, TestResult, TestStat,
};

/// How often a transaction that lost a write race is tried again before giving up.
const CONFLICT_ATTEMPTS: u32 = 12;
/// Marks the error thrown when the environment is held; the holder's id follows it.
const BUSY_MARKER: &str = "environment_busy:";

/// Takes the environment and creates the run in one transaction, or (`$wait`) puts the run in
/// line behind the holder. Every creator writes the environment's record, so of two racing
/// creators one commits and the other conflicts and, on its retry, sees the holder; and a
/// holder that ends (handing the environment to the first in line) conflicts with a run that
/// joins the line meanwhile, so no run waits for a holder that is gone. (A read alone would not
/// do: snapshot isolation lets two readers both see a free environment.)
const CREATE_RUN: &str = "
BEGIN TRANSACTION;
LET $holder = $env.holder;
IF $holder != NONE AND !$wait { THROW $busy + <string> record::id($holder); };
LET $run = type::record('run', sequence::nextval('run_id'));
IF $holder = NONE {
    LET $taken = (UPSERT $env SET holder = $run WHERE holder = NONE RETURN AFTER);
    IF array::len($taken) == 0 { THROW $busy; };
    CREATE $run CONTENT $content RETURN NONE;
} ELSE {
    UPSERT $env SET holder = $holder RETURN NONE;
    CREATE $run CONTENT $content RETURN NONE;
    UPDATE $run SET waiting = true RETURN NONE;
};
SELECT * FROM $run;
COMMIT TRANSACTION;
";

/// The run first in line for environment `$line`, the next to hold it.
pub(super) const NEXT_IN_LINE: &str = "SELECT VALUE id FROM run WHERE status = 'queued' AND number >= $from
    AND waiting = true AND environment = $line ORDER BY number LIMIT 1";

/// The end of a run: its final status and what is known about how it ended.
#[derive(Clone, Debug)]
pub struct Finish {
    pub status: RunStatus,
    pub exit_code: Option<i32>,
    pub message: Option<String>,
    pub finished_at: DateTime<Utc>,
    pub counts: Counts,
    pub log_bytes: u64,
    pub log_truncated: bool,
    pub stored_bytes: u64,
    pub seq: i64,
    pub resources: ResourceUsage,
    /// The user who cancelled the run.
    pub cancelled_by: Option<String>,
    /// Log events of the run not stored yet, stored with its end.
    pub log: Vec<LogChunk>,
    /// Log events up to this sequence number may be stored already (a batch whose answer was
    /// lost): they are kept apart from later ones, so that the end stores exactly those it has
    /// to.
    pub log_maybe_stored_to: Option<i64>,
    /// Test results of the run not stored yet, stored with its end.
    pub results: Vec<TestResult>,
    /// The records of the run's tests, brought up to date, and how its failures changed.
    pub history: Option<(Vec<TestStat>, FailureChanges)>,
}

/// What a running run produced since the last flush.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub log: Vec<LogChunk>,
    pub results: Vec<TestResult>,
    pub counts: Counts,
    pub log_bytes: u64,
    pub log_truncated: bool,
    pub stored_bytes: u64,
    pub seq: i64,
}

impl Store {
    /// Creates a queued run holding its environment, or says which run holds it already. It
    /// waits in the cluster's queue until a node claims it.
    pub async fn create_run(&self, new: &NewRun, now: DateTime<Utc>) -> Result<Run, CreateRunError> {
        let content = NewRunRow {
            user: new.user.to_string(),
            environment: new.environment.into(),
            paths: new.paths.iter().map(ToString::to_string).collect(),
            variables: new.variables.clone(),
            status: RunStatus::Queued.as_str().to_owned(),
            created_at: now,
            counts: Counts::default().into(),
            log_bytes: 0,
            log_truncated: false,
            stored_bytes: RUN_RECORD_BYTES as i64,
            node: None,
            seq: 1,
            limits: new.limits.into(),
            resources: ResourcesRow::default(),
            template: new.template.as_ref().map(ToString::to_string),
            rerun_of: new.rerun_of.map(|id| id.0),
            profile: new.profile.map(|profile| profile.as_str().to_owned()),
            created_by: new.created_by.clone(),
        };
        let env = environment_record(new.environment);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut response = self
                .query(CREATE_RUN)
                .bind("env", env.clone())
                .bind("busy", BUSY_MARKER)
                .bind("wait", new.wait_for_environment)
                .bind("content", content.clone())
                .await
                .map_err(StoreError::query("create run"))?;
            let errors = response.take_errors();
            if errors.is_empty() {
                let created: Vec<RunRow> = take_last(&mut response).map_err(StoreError::query("read created run"))?;
                let row = created
                    .into_iter()
                    .next()
                    .ok_or_else(|| StoreError::Corrupt("a created run came back empty".into()))?;
                return Ok(Run::try_from(row)?);
            }
            if let Some(thrown) = errors.values().find(|e| e.is_thrown()) {
                let holder = thrown.message().split_once(BUSY_MARKER).and_then(|(_, id)| id.trim().parse().ok());
                // Without a holder's id the environment was taken between this transaction's
                // read and its write: the retry reads the holder.
                if let Some(id) = holder {
                    return Err(CreateRunError::EnvironmentBusy { environment: new.environment, run_id: RunId(id) });
                }
            } else if !errors.values().any(is_conflict) || attempt >= CONFLICT_ATTEMPTS {
                return Err(StoreError::Query { context: "create run", source: transaction_failure(errors) }.into());
            }
            if attempt >= CONFLICT_ATTEMPTS {
                return Err(StoreError::Corrupt("environment hold kept changing".into()).into());
            }
            tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 2 + jitter_ms(7))).await;
        }
    }

    pub async fn run(&self, id: RunId) -> Result<Option<Run>, StoreError> {
        let mut response = self
            .query("SELECT * FROM $run")
            .bind("run", run_record(id))
            .await
            .map_err(StoreError::query("read run"))?;
        let rows: Vec<RunRow> = response.take(0).map_err(StoreError::query("read run"))?;
        rows.into_iter().next().map(Run::try_from).transpose()
    }

    /// Moves a queued run to running, noting how its limits are enforced. `None` when it was
    /// no longer queued (cancelled).
    pub async fn mark_running(
        &self,
        id: RunId,
        started_at: DateTime<Utc>,
        enforcement: Enforcement,
        seq: i64,
    ) -> Result<Option<Run>, StoreError> {
        let mut response = self
            .query(
                "UPDATE $run SET status = 'running', started_at = $started_at, enforcement = $enforcement, seq = $seq
                 WHERE status = 'queued' RETURN AFTER",
            )
            .bind("run", run_record(id))
            .bind("started_at", started_at)
            .bind("enforcement", enforcement.as_str())
            .bind("seq", seq)
            .await
            .map_err(StoreError::query("start run"))?;
        let rows: Vec<RunRow> = response.take(0).map_err(StoreError::query("start run"))?;
        rows.into_iter().next().map(Run::try_from).transpose()
    }

    /// Ends an active run and frees its environment in one transaction, with its events not
    /// stored yet (those a batch stored already are skipped). `None` when the run had already
    /// ended, so a run is finished exactly once.
    pub async fn finish_run(&self, id: RunId, finish: &Finish) -> Result<Option<Run>, StoreError> {
        self.finish_run_in(id, finish, &[RunStatus::Queued, RunStatus::Running]).await
    }

    /// Ends a run that is still queued (a node may have claimed it but not started it), as
    /// `finish_run` does. `None` when it is no longer queued.
    pub async fn finish_queued_run(&self, id: RunId, finish: &Finish) -> Result<Option<Run>, StoreError> {
        self.finish_run_in(id, finish, &[RunStatus::Queued]).await
    }

    async fn finish_run_in(&self, id: RunId, finish: &Finish, from: &[RunStatus]) -> Result<Option<Run>, StoreError> {
        // A run joining the environment's line writes its record too: a conflict is run again.
        let statement = || {
            self.query(
                "BEGIN TRANSACTION;
                 LET $stored = (SELECT VALUE seq FROM ONLY $run) ?? 0;
                 LET $ended = (UPDATE $run SET status = $status, exit_code = $exit_code, message = $message,
                     finished_at = $finished_at, counts = $counts, log_bytes = $log_bytes,
                     log_truncated = $log_truncated, stored_bytes = $stored_bytes, seq = $seq, resources = $resources,
                     cancelled_by = $cancelled_by, failure_changes = $failure_changes
                     WHERE status IN $ended_from RETURN AFTER);
                 IF array::len($ended) > 0 {
                     LET $environment = type::record('environment', $ended[0].environment);
                     IF $environment.holder = $run {
                         LET $line = $ended[0].environment;
                         LET $next = (NEXT_IN_LINE)[0];
                         UPDATE $environment SET holder = $next RETURN NONE;
                         IF $next != NONE { UPDATE $next SET waiting = NONE RETURN NONE; };
                     };
                     LET $new_log = $log[WHERE seq > $stored];
                     LET $new_results = $results[WHERE seq > $stored];
                     IF array::len($new_log) > 0 { INSERT INTO log_chunk $new_log RETURN NONE; };
                     IF array::len($new_results) > 0 { INSERT INTO test_result $new_results RETURN NONE; };
                     FOR $stat IN $test_stats { UPSERT $stat.id CONTENT $stat RETURN NONE; };
                 };
                 RETURN $ended;
                 COMMIT TRANSACTION;"
                    .replace("NEXT_IN_LINE", NEXT_IN_LINE),
            )
            .bind("run", run_record(id))
            .bind("from", self.active_floor.get())
            .bind("ended_from", from.iter().map(|status| status.as_str().to_owned()).collect::<Vec<_>>())
            .bind("status", finish.status.as_str().to_owned())
            .bind("exit_code", finish.exit_code.map(i64::from))
            .bind("message", finish.message.clone())
            .bind("finished_at", finish.finished_at)
            .bind("counts", CountsRow::from(finish.counts))
            .bind("log_bytes", finish.log_bytes as i64)
            .bind("log_truncated", finish.log_truncated)
            .bind("stored_bytes", finish.stored_bytes as i64)
            .bind("seq", finish.seq)
            .bind("resources", ResourcesRow::from(finish.resources))
            .bind("cancelled_by", finish.cancelled_by.clone())
            .bind("log", LogChunkRow::batch_apart(id, &finish.log, finish.log_maybe_stored_to))
            .bind("results", finish.results.iter().map(|result| TestResultRow::new(id, result)).collect::<Vec<_>>())
            .bind("failure_changes", finish.history.as_ref().map(|(_, changes)| FailureChangesRow::from(changes)))
            .bind(
                "test_stats",
                finish.history.iter().flat_map(|(stats, _)| stats.iter().map(TestStatRow::from)).collect::<Vec<_>>(),
            )
        };
        let mut response = retried("finish run", statement).await?;
        let rows: Vec<RunRow> = take_last(&mut response).map_err(StoreError::query("finish run"))?;
        rows.into_iter().next().map(Run::try_from).transpose()
    }

    /// Environments that have a record, with their holders.
    pub async fn environment_holds(&self) -> Result<Vec<EnvironmentHold>, StoreError> {
        let mut response = self.environments_statement().await.map_err(StoreError::query("read environments"))?;
        let rows: Vec<EnvironmentRow> = response.take(0).map_err(StoreError::query("read environments"))?;
        rows.into_iter().map(EnvironmentHold::try_from).collect()
    }

    /// The runs that `node` has queued or running, as stored.
    pub async fn unfinished_runs(&self, node: &str) -> Result<Vec<Run>, StoreError> {
        // One status at a time, each one range of the status index from the floor; a run that
        // started between the two reads is in both, and kept as running.
        let mut runs = BTreeMap::new();
        for status in [RunStatus::Queued, RunStatus::Running] {
            let mut response =
                self.unfinished_statement(node, status).await.map_err(StoreError::query("find unfinished runs"))?;
            let rows: Vec<RunRow> = response.take(0).map_err(StoreError::query("find unfinished runs"))?;
            for row in rows {
                let run = Run::try_from(row)?;
                runs.insert(run.id, run);
            }
        }
        Ok(runs.into_values().collect())
    }
}

impl Store {
    pub(super) fn environments_statement(&self) -> Statement<'_> {
        self.query(HOLDS).bind("environments", environment_records())
    }

    pub(super) fn unfinished_statement(&self, node: &str, status: RunStatus) -> Statement<'_> {
        self.query("SELECT * FROM run WHERE status = $status AND number >= $from AND node = $node")
            .bind("status", status.as_str())
            .bind("from", self.active_floor.get())
            .bind("node", node.to_owned())
    }
}

fn environment_record(environment: Environment) -> RecordId {
    RecordId::new("environment", i64::from(environment))
}

/// The environments' records with their holders. Each record is read by its id: a scan of the
/// table would also step over every earlier version of these records that the database still
/// keeps in memory, and they change with every run.
pub(super) const HOLDS: &str = "SELECT * FROM $environments";

pub(super) fn environment_records() -> Vec<RecordId> {
    Environment::all().map(environment_record).collect()
}

#[cfg(test)]
mod tests;
