//! The runs list, newest first, a page at a time, at a cost that does not grow with the
//! history: every page is read from where it starts, never by stepping over newer runs.
//!
//! - No filter, first page: the run table read backwards from its end.
//! - No filter, later pages: windows of run ids just below the cursor (ids come from a
//!   sequence, so a window of `limit` ids holds about `limit` runs; pruned runs leave gaps,
//!   which wider windows step over).
//! - A filter: its index `(field, number)`, from the cursor's number down (for queued or
//!   running runs, no further than where active runs start: see `active_floor.rs`).

use std::ops::Bound;

use surrealdb::types::{RecordId, RecordIdKey, RecordIdKeyRange};

use super::rows::RunRow;
use super::{Statement, Store, StoreError};
use crate::domain::{Run, RunFilter, RunId, RunStatus};

/// Windows grow by this factor while they come back short.
const WINDOW_GROWTH: i64 = 4;

/// The queries of the list, by their shape; the index test explains each of them.
pub(super) const NEWEST: &str = "SELECT * FROM run ORDER BY id DESC LIMIT $limit";
pub(super) const WINDOW: &str = "SELECT * FROM $window";

/// The query for a filtered list: each condition is an equality on the first field of an
/// index whose second field is `number`.
pub(super) fn filtered(filter: &RunFilter) -> String {
    let mut conditions = Vec::new();
    if filter.status.is_some() {
        conditions.push("status = $status");
    }
    if filter.user.is_some() {
        conditions.push("user = $user");
    }
    if filter.environment.is_some() {
        conditions.push("environment = $environment");
    }
    if filter.template.is_some() {
        conditions.push("template = $template");
    }
    // SurrealDB reads the index range of the first condition on `number` and filters by the
    // second: for queued or running runs, the range is the one from where they start (and
    // read backwards, it steps over only the active runs above the cursor).
    if filter.status.is_some_and(RunStatus::is_active) {
        conditions.push("number >= $active_from");
    }
    if filter.before.is_some() {
        conditions.push("number < $before");
    }
    format!("SELECT * FROM run WHERE {} ORDER BY number DESC LIMIT $limit", conditions.join(" AND "))
}

pub(super) fn is_filtered(filter: &RunFilter) -> bool {
    filter.status.is_some() || filter.user.is_some() || filter.environment.is_some() || filter.template.is_some()
}

/// Binds what `filtered` refers to; a list of queued or running runs starts at `active_from`.
pub(super) fn bind_filter<'a>(
    statement: Statement<'a>,
    filter: &RunFilter,
    limit: usize,
    active_from: i64,
) -> Statement<'a> {
    statement
        .bind("status", filter.status.map(|status| status.as_str().to_owned()))
        .bind("user", filter.user.as_ref().map(ToString::to_string))
        .bind("environment", filter.environment.map(i64::from))
        .bind("template", filter.template.as_ref().map(ToString::to_string))
        .bind("before", filter.before.map(|id| id.0))
        .bind("limit", limit as i64)
        .bind("active_from", active_from)
}

/// The runs with ids in `low..high`, as one record-id range.
pub(super) fn window(low: i64, high: i64) -> RecordId {
    RecordId {
        table: "run".into(),
        key: RecordIdKey::Range(Box::new(RecordIdKeyRange {
            start: Bound::Included(RecordIdKey::Number(low)),
            end: Bound::Excluded(RecordIdKey::Number(high)),
        })),
    }
}

impl Store {
    /// Runs matching `filter`, newest first, at most `limit`.
    pub async fn list_runs(&self, filter: &RunFilter, limit: usize) -> Result<Vec<Run>, StoreError> {
        let rows = match filter.before {
            _ if is_filtered(filter) => {
                let statement = bind_filter(self.query(filtered(filter)), filter, limit, self.active_floor.get());
                let mut response = statement.await.map_err(StoreError::query("list runs"))?;
                response.take::<Vec<RunRow>>(0).map_err(StoreError::query("list runs"))?
            }
            None => {
                let mut response =
                    self.query(NEWEST).bind("limit", limit as i64).await.map_err(StoreError::query("list runs"))?;
                response.take::<Vec<RunRow>>(0).map_err(StoreError::query("list runs"))?
            }
            Some(before) => self.runs_below(before, limit).await?,
        };
        rows.into_iter().map(Run::try_from).collect()
    }

    /// Up to `limit` runs with ids below `before`, newest first, read window by window.
    async fn runs_below(&self, before: RunId, limit: usize) -> Result<Vec<RunRow>, StoreError> {
        let mut rows = Vec::with_capacity(limit);
        let mut high = before.0;
        let mut width = i64::try_from(limit).unwrap_or(i64::MAX).max(1);
        while rows.len() < limit && high > 1 {
            let low = high.saturating_sub(width).max(1);
            let mut response =
                self.query(WINDOW).bind("window", window(low, high)).await.map_err(StoreError::query("list runs"))?;
            let mut found: Vec<RunRow> = response.take(0).map_err(StoreError::query("list runs"))?;
            let missing = limit - rows.len();
            // The window came back in ascending order; the newest `missing` of it are wanted.
            let keep = found.len().min(missing);
            rows.extend(found.drain(found.len() - keep..).rev());
            high = low;
            width = width.saturating_mul(WINDOW_GROWTH);
        }
        Ok(rows)
    }
}
