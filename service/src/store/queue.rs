//! The cluster's queue: queued runs in the database, in creation order, claimed by the node
//! that executes them; and cancel requests for runs another node executes.

use surrealdb::types::{RecordId, SurrealValue};

use super::error::checked;
use super::guarded::{Guarded, guarded, take_last};
use super::rows::{EnvironmentRow, RunRow, corrupt, run_id_of, run_record, test_paths};
use super::runs::{HOLDS, environment_records};
use super::{Statement, Store, StoreError};
use crate::domain::{Environment, EnvironmentHold, Run, RunId, TestPath};

/// A queued run as the queue needs it: enough to order it, claim it or place it in its
/// environment's line (the whole run is read when it is claimed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedRun {
    pub id: RunId,
    pub environment: Environment,
    pub paths: Vec<TestPath>,
    /// The node that claimed it, if one has.
    pub node: Option<String>,
    pub waiting_for_environment: bool,
}

#[derive(Debug, SurrealValue)]
struct QueuedRow {
    id: RecordId,
    environment: i64,
    paths: Vec<String>,
    node: Option<String>,
    waiting: Option<bool>,
}

/// A cancel asked of the node that executes a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelRequest {
    pub run: RunId,
    /// Who asked (absent without users).
    pub by: Option<String>,
}

#[derive(Debug, SurrealValue)]
struct InLineRow {
    id: RecordId,
    environment: i64,
}

impl InLineRow {
    fn into_line(self) -> Result<(Environment, RunId), StoreError> {
        let environment = Environment::new(self.environment).map_err(corrupt("environment"))?;
        Ok((environment, run_id_of(&self.id)?))
    }
}

/// The runs waiting in line for their environments, first in line first.
const IN_LINE: &str =
    "SELECT id, environment FROM run WHERE status = 'queued' AND number >= $from AND waiting = true ORDER BY number";

/// The environments and their holders, as the API lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environments {
    /// The environments that have a record, with their holders.
    pub holds: Vec<EnvironmentHold>,
    /// The runs waiting in line, first in line first, with their environments.
    pub lines: Vec<(Environment, RunId)>,
}

#[derive(Debug, SurrealValue)]
struct CancelRequestRow {
    id: RecordId,
    cancelled_by: Option<String>,
}

impl Store {
    /// The first `limit` queued runs, claimed or not, oldest first.
    pub async fn queued_runs(&self, limit: usize) -> Result<Vec<QueuedRun>, StoreError> {
        let mut response = self.queued_statement(limit).await.map_err(StoreError::query("read the queue"))?;
        let rows: Vec<QueuedRow> = response.take(0).map_err(StoreError::query("read the queue"))?;
        rows.into_iter()
            .map(|row| {
                Ok(QueuedRun {
                    id: run_id_of(&row.id)?,
                    environment: Environment::new(row.environment).map_err(corrupt("environment"))?,
                    paths: test_paths(&row.paths)?,
                    node: row.node,
                    waiting_for_environment: row.waiting == Some(true),
                })
            })
            .collect()
    }

    /// Every environment's holder and the runs waiting in line for it (first in line first), as
    /// they were at one moment: read in one transaction, so that a run handed its environment
    /// between two reads is not shown both holding it and waiting for it.
    pub async fn environments(&self) -> Result<Environments, StoreError> {
        let context = "read the environments and their lines";
        let mut response = self
            .query(format!("BEGIN TRANSACTION; {HOLDS}; {IN_LINE}; COMMIT TRANSACTION;"))
            .bind("environments", environment_records())
            .bind("from", self.active_floor.get())
            .await
            .and_then(checked)
            .map_err(StoreError::query(context))?;
        // The two reads are the last two results before the `COMMIT`'s.
        let lines_at = response.num_statements().saturating_sub(2);
        let holds: Vec<EnvironmentRow> =
            response.take(lines_at.saturating_sub(1)).map_err(StoreError::query(context))?;
        let lines: Vec<InLineRow> = response.take(lines_at).map_err(StoreError::query(context))?;
        Ok(Environments {
            holds: holds.into_iter().map(EnvironmentHold::try_from).collect::<Result<_, _>>()?,
            lines: lines.into_iter().map(InLineRow::into_line).collect::<Result<_, _>>()?,
        })
    }

    /// Claims queued run `id` for `node`, which is to execute it. `None` when another node
    /// claimed it first, or it is no longer queued: of two nodes claiming one run, one commits
    /// and the other conflicts and, run again, finds it claimed.
    pub async fn claim_run(&self, id: RunId, node: &str) -> Result<Option<Run>, StoreError> {
        let statement = || {
            self.query(
                "BEGIN TRANSACTION;
                 LET $claimed = (UPDATE $run SET node = $node
                     WHERE status = 'queued' AND node = NONE AND waiting != true RETURN AFTER);
                 RETURN $claimed;
                 COMMIT TRANSACTION;",
            )
            .bind("run", run_record(id))
            .bind("node", node.to_owned())
        };
        let Guarded::Done(mut response) = guarded("claim run", statement).await? else { return Ok(None) };
        let rows: Vec<RunRow> = take_last(&mut response).map_err(StoreError::query("claim run"))?;
        rows.into_iter().next().map(Run::try_from).transpose()
    }

    /// Asks the node that executes run `id` to cancel it, on behalf of `by`. False when the run
    /// is not running.
    pub async fn request_cancel(&self, id: RunId, by: Option<&str>) -> Result<bool, StoreError> {
        let statement = || {
            self.query(
                "UPDATE $run SET cancel_requested_at = time::now(), cancelled_by = $by
                 WHERE status = 'running' RETURN VALUE id",
            )
            .bind("run", run_record(id))
            .bind("by", by.map(str::to_owned))
        };
        let Guarded::Done(mut response) = guarded("request cancel", statement).await? else { return Ok(false) };
        let ids: Vec<RecordId> = response.take(0).map_err(StoreError::query("request cancel"))?;
        Ok(!ids.is_empty())
    }

    /// The runs `node` executes that another node was asked to cancel.
    pub async fn cancel_requests(&self, node: &str) -> Result<Vec<CancelRequest>, StoreError> {
        let mut response =
            self.cancel_requests_statement(node).await.map_err(StoreError::query("read cancel requests"))?;
        let rows: Vec<CancelRequestRow> = response.take(0).map_err(StoreError::query("read cancel requests"))?;
        rows.into_iter().map(|row| Ok(CancelRequest { run: run_id_of(&row.id)?, by: row.cancelled_by })).collect()
    }
}

impl Store {
    pub(super) fn queued_statement(&self, limit: usize) -> Statement<'_> {
        self.query(
            "SELECT id, environment, paths, node, waiting FROM run WHERE status = 'queued' AND number >= $from
             ORDER BY number LIMIT $limit",
        )
        .bind("from", self.active_floor.get())
        .bind("limit", i64::try_from(limit).unwrap_or(i64::MAX))
    }

    /// The line's read on its own, for its plan (`plans.rs`): `environments` reads it in a
    /// transaction.
    #[cfg(test)]
    pub(super) fn environment_lines_statement(&self) -> Statement<'_> {
        self.query(IN_LINE).bind("from", self.active_floor.get())
    }

    pub(super) fn cancel_requests_statement(&self, node: &str) -> Statement<'_> {
        self.query(
            "SELECT id, cancelled_by FROM run
             WHERE status = 'running' AND number >= $from AND node = $node AND cancel_requested_at != NONE",
        )
        .bind("from", self.active_floor.get())
        .bind("node", node.to_owned())
    }
}

#[cfg(test)]
mod tests;
