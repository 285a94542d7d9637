//! The runs whose records changed lately, for the runs lists' live streams of the other nodes.

use chrono::{DateTime, Utc};

use super::rows::RunRow;
use super::{Statement, Store, StoreError};
use crate::domain::Run;

impl Store {
    /// The runs written at or after `since` (by the database's clock), oldest change first, at
    /// most `limit`, with when each was written.
    pub async fn runs_changed_since(
        &self,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(DateTime<Utc>, Run)>, StoreError> {
        let mut response =
            self.changed_statement(since, limit).await.map_err(StoreError::query("read changed runs"))?;
        let rows: Vec<RunRow> = response.take(0).map_err(StoreError::query("read changed runs"))?;
        rows.into_iter()
            .map(|row| {
                let changed_at = row.changed_at.unwrap_or(since);
                Ok((changed_at, Run::try_from(row)?))
            })
            .collect()
    }

    /// The database's clock now.
    pub async fn now(&self) -> Result<DateTime<Utc>, StoreError> {
        let mut response = self.query("RETURN time::now()").await.map_err(StoreError::query("read the clock"))?;
        let now: Option<DateTime<Utc>> = response.take(0).map_err(StoreError::query("read the clock"))?;
        now.ok_or_else(|| StoreError::Corrupt("the database has no time".into()))
    }

    pub(super) fn changed_statement(&self, since: DateTime<Utc>, limit: usize) -> Statement<'_> {
        self.query("SELECT * FROM run WHERE changed_at >= $since ORDER BY changed_at LIMIT $limit")
            .bind("since", since)
            .bind("limit", i64::try_from(limit).unwrap_or(i64::MAX))
    }
}
