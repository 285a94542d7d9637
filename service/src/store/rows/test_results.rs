//! Test results as stored, with what a test's history reads by the index on node id and
//! time: the run's environment and creation time, and the test file's content hash.

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::{StoreError, run_id_of, run_record, test_result_record};
use crate::domain::{RunId, TestMemory, TestMemrayFigures, TestOutcome, TestResult};

/// A test result, keyed by its run and its sequence number (`test_result:[run, seq]`), so that a
/// run's results are one range of keys: no index is needed to find them, and none is written.
#[derive(Debug, SurrealValue)]
pub(in crate::store) struct TestResultRow {
    pub id: RecordId,
    pub run: RecordId,
    pub seq: i64,
    pub node_id: String,
    pub outcome: String,
    pub phase: String,
    pub duration_s: f64,
    pub failure: Option<String>,
    /// Absent on results of older versions and where the plugin could not read it.
    pub memory_before_bytes: Option<i64>,
    pub memory_after_bytes: Option<i64>,
    /// memray's figures, in a memory-profiled run.
    pub memray_peak_bytes: Option<i64>,
    pub memray_allocations: Option<i64>,
    pub memray_top: Option<Vec<MemraySiteRow>>,
    /// The test file's content hash; absent on results of older versions.
    pub file_hash: Option<String>,
    /// Written by the schema from the run (`VALUE`); absent on results of older versions
    /// until migration 5.
    pub environment: Option<i64>,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, SurrealValue)]
pub(in crate::store) struct MemraySiteRow {
    pub location: String,
    pub bytes: i64,
}

impl TestResultRow {
    pub fn new(run: RunId, result: &TestResult) -> Self {
        TestResultRow {
            id: test_result_record(run, result.seq),
            run: run_record(run),
            seq: result.seq,
            node_id: result.node_id.clone(),
            outcome: result.outcome.as_str().to_owned(),
            phase: result.phase.clone(),
            duration_s: result.duration_s,
            failure: result.failure.clone(),
            memory_before_bytes: result.memory.and_then(|memory| i64::try_from(memory.before_bytes).ok()),
            memory_after_bytes: result.memory.and_then(|memory| i64::try_from(memory.after_bytes).ok()),
            memray_peak_bytes: result.memray.as_ref().and_then(|memray| i64::try_from(memray.peak_bytes).ok()),
            memray_allocations: result.memray.as_ref().and_then(|memray| i64::try_from(memray.allocations).ok()),
            memray_top: result.memray.as_ref().map(|memray| {
                let site = |(location, bytes): &(String, u64)| MemraySiteRow {
                    location: location.clone(),
                    bytes: i64::try_from(*bytes).unwrap_or(i64::MAX),
                };
                memray.top.iter().map(site).collect()
            }),
            file_hash: result.file_hash.clone(),
            environment: None,
            at: None,
        }
    }
}

impl TestResultRow {
    /// The same result under the key of its run and sequence number.
    pub fn keyed(self) -> Result<TestResultRow, StoreError> {
        let run = run_id_of(&self.run)?;
        Ok(TestResultRow { id: test_result_record(run, self.seq), ..self })
    }
}

impl TryFrom<TestResultRow> for TestResult {
    type Error = StoreError;

    fn try_from(row: TestResultRow) -> Result<TestResult, StoreError> {
        Ok(TestResult {
            seq: row.seq,
            outcome: TestOutcome::parse(&row.outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("test outcome `{}`", row.outcome)))?,
            node_id: row.node_id,
            phase: row.phase,
            duration_s: row.duration_s,
            failure: row.failure,
            memory: match (row.memory_before_bytes, row.memory_after_bytes) {
                (Some(before), Some(after)) => Some(TestMemory {
                    before_bytes: u64::try_from(before).unwrap_or(0),
                    after_bytes: u64::try_from(after).unwrap_or(0),
                }),
                _ => None,
            },
            memray: row.memray_peak_bytes.map(|peak| TestMemrayFigures {
                peak_bytes: u64::try_from(peak).unwrap_or(0),
                allocations: row.memray_allocations.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                top: row
                    .memray_top
                    .unwrap_or_default()
                    .into_iter()
                    .map(|site| (site.location, u64::try_from(site.bytes).unwrap_or(0)))
                    .collect(),
            }),
            file_hash: row.file_hash,
        })
    }
}
