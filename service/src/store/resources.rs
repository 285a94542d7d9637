//! A run's memory and CPU samples: one record a run (`run_resources:<run number>`), its points
//! as three columns of integers, so that an hour of samples stays a few KiB.

use surrealdb::types::{RecordId, SurrealValue};

use super::error::checked;
use super::{Store, StoreError};
use crate::domain::{ResourceSample, ResourceSeries, RunId};

#[derive(Debug, SurrealValue)]
struct ResourcesRow {
    at_ms: Vec<i64>,
    memory_bytes: Vec<i64>,
    /// CPU time in milliseconds.
    cpu_ms: Vec<i64>,
}

pub(super) fn resources_record(id: RunId) -> RecordId {
    RecordId::new("run_resources", id.0)
}

impl Store {
    /// Stores run `id`'s samples, replacing what was stored before.
    pub async fn save_resources(&self, id: RunId, series: &ResourceSeries) -> Result<(), StoreError> {
        let points = series.points();
        let whole = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let row = ResourcesRow {
            at_ms: points.iter().map(|point| whole(point.at_ms)).collect(),
            memory_bytes: points.iter().map(|point| whole(point.memory_bytes)).collect(),
            cpu_ms: points.iter().map(|point| (point.cpu_seconds * 1000.0).round() as i64).collect(),
        };
        self.query("UPSERT $record CONTENT $row RETURN NONE")
            .bind("record", resources_record(id))
            .bind("row", row)
            .await
            .and_then(checked)
            .map_err(StoreError::query("store a run's resource samples"))?;
        Ok(())
    }

    /// Run `id`'s samples as stored; none for a run that has none (or before they were kept).
    pub async fn resources(&self, id: RunId) -> Result<ResourceSeries, StoreError> {
        let mut response = self
            .query("SELECT at_ms, memory_bytes, cpu_ms FROM ONLY $record")
            .bind("record", resources_record(id))
            .await
            .map_err(StoreError::query("read a run's resource samples"))?;
        let row: Option<ResourcesRow> = response.take(0).map_err(StoreError::query("read a run's resource samples"))?;
        let Some(row) = row else { return Ok(ResourceSeries::default()) };
        let unsigned = |n: i64| u64::try_from(n).unwrap_or(0);
        let points = row
            .at_ms
            .iter()
            .zip(&row.memory_bytes)
            .zip(&row.cpu_ms)
            .map(|((at_ms, memory_bytes), cpu_ms)| ResourceSample {
                at_ms: unsigned(*at_ms),
                memory_bytes: unsigned(*memory_bytes),
                cpu_seconds: *cpu_ms as f64 / 1000.0,
            })
            .collect();
        Ok(ResourceSeries::from_points(points))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::EmbeddedSizes;

    #[tokio::test]
    async fn samples_are_stored_and_read_back() {
        let store = Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("connect");
        assert!(store.resources(RunId(7)).await.expect("read").is_empty());
        let mut series = ResourceSeries::default();
        for second in 0..3600_u64 {
            series.push(ResourceSample {
                at_ms: second * 1000,
                memory_bytes: second << 20,
                cpu_seconds: second as f64 * 0.5,
            });
        }
        store.save_resources(RunId(7), &series).await.expect("save");
        store.save_resources(RunId(7), &series).await.expect("save again");
        assert_eq!(store.resources(RunId(7)).await.expect("read"), series);
        // An hour of samples, as the record holds them (three columns of integers), weighs a
        // few KiB: well under the 50 KB a run's samples may take.
        let mut response =
            store.query("SELECT * FROM ONLY $record").bind("record", resources_record(RunId(7))).await.expect("read");
        let stored: Option<surrealdb::types::Value> = response.take(0).expect("the record");
        let json = serde_json::to_string(&stored.expect("stored").into_json_value()).expect("json");
        assert!(json.len() < 50_000, "an hour of samples stored in {} bytes", json.len());
    }
}
