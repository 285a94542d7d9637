//! Records as SurrealDB holds them, and their conversion to and from the domain's types.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use std::ops::Bound;

use surrealdb::types::{Array, RecordId, RecordIdKey, RecordIdKeyRange, SurrealValue};

use super::StoreError;
use crate::domain::{
    Counts, Enforcement, EnvironmentHold, Limits, LogChunk, RUN_RECORD_BYTES, ResourceUsage, Run, RunId, RunStatus,
    Template, TemplateSetup, TestOutcome, TestResult,
};

pub(super) fn run_record(id: RunId) -> RecordId {
    RecordId::new("run", id.0)
}

pub(super) fn test_result_record(run: RunId, seq: i64) -> RecordId {
    RecordId::new("test_result", Array::from(vec![run.0, seq]))
}

/// The results of run `run` with sequence numbers `after < seq <= upto`, as one range of keys.
pub(super) fn test_results_of(run: RunId, after: i64, upto: i64) -> RecordId {
    RecordId {
        table: "test_result".into(),
        key: RecordIdKey::Range(Box::new(RecordIdKeyRange {
            start: Bound::Excluded(RecordIdKey::Array(Array::from(vec![run.0, after]))),
            end: Bound::Included(RecordIdKey::Array(Array::from(vec![run.0, upto]))),
        })),
    }
}

pub(super) fn run_id_of(record: &RecordId) -> Result<RunId, StoreError> {
    match record.key {
        RecordIdKey::Number(number) => Ok(RunId(number)),
        _ => Err(StoreError::Corrupt(format!("run id is not a number: {record:?}"))),
    }
}

#[derive(Clone, Debug, SurrealValue)]
pub(super) struct CountsRow {
    passed: i64,
    failed: i64,
    skipped: i64,
    errors: i64,
    xfailed: i64,
    xpassed: i64,
    total: i64,
}

impl From<Counts> for CountsRow {
    fn from(counts: Counts) -> Self {
        CountsRow {
            passed: counts.passed.into(),
            failed: counts.failed.into(),
            skipped: counts.skipped.into(),
            errors: counts.errors.into(),
            xfailed: counts.xfailed.into(),
            xpassed: counts.xpassed.into(),
            total: counts.total.into(),
        }
    }
}

impl From<CountsRow> for Counts {
    fn from(row: CountsRow) -> Self {
        let count = |n: i64| u32::try_from(n).unwrap_or(0);
        Counts {
            passed: count(row.passed),
            failed: count(row.failed),
            skipped: count(row.skipped),
            errors: count(row.errors),
            xfailed: count(row.xfailed),
            xpassed: count(row.xpassed),
            total: count(row.total),
        }
    }
}

#[derive(Clone, Debug, SurrealValue)]
pub(super) struct LimitsRow {
    memory_bytes: i64,
    cpu_millicores: i64,
    pids: i64,
    timeout_s: i64,
}

impl From<Limits> for LimitsRow {
    fn from(limits: Limits) -> Self {
        LimitsRow {
            memory_bytes: i64::try_from(limits.memory_bytes).unwrap_or(i64::MAX),
            cpu_millicores: limits.cpu_millicores.into(),
            pids: limits.pids.into(),
            timeout_s: limits.timeout_s.into(),
        }
    }
}

impl From<LimitsRow> for Limits {
    fn from(row: LimitsRow) -> Self {
        Limits {
            memory_bytes: u64::try_from(row.memory_bytes).unwrap_or(0),
            cpu_millicores: u32::try_from(row.cpu_millicores).unwrap_or(0),
            pids: u32::try_from(row.pids).unwrap_or(0),
            timeout_s: u32::try_from(row.timeout_s).unwrap_or(0),
        }
    }
}

#[derive(Clone, Debug, Default, SurrealValue)]
pub(super) struct ResourcesRow {
    peak_memory_bytes: Option<i64>,
    cpu_seconds: Option<f64>,
    oom_killed: bool,
}

impl From<ResourceUsage> for ResourcesRow {
    fn from(usage: ResourceUsage) -> Self {
        ResourcesRow {
            peak_memory_bytes: usage.peak_memory_bytes.and_then(|n| i64::try_from(n).ok()),
            cpu_seconds: usage.cpu_seconds,
            oom_killed: usage.oom_killed,
        }
    }
}

impl From<ResourcesRow> for ResourceUsage {
    fn from(row: ResourcesRow) -> Self {
        ResourceUsage {
            peak_memory_bytes: row.peak_memory_bytes.and_then(|n| u64::try_from(n).ok()),
            cpu_seconds: row.cpu_seconds,
            oom_killed: row.oom_killed,
        }
    }
}

/// The fields a run is created with.
#[derive(Clone, Debug, SurrealValue)]
pub(super) struct NewRunRow {
    pub user: String,
    pub environment: i64,
    pub paths: Vec<String>,
    pub variables: BTreeMap<String, String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub counts: CountsRow,
    pub log_bytes: i64,
    pub log_truncated: bool,
    pub stored_bytes: i64,
    pub node: String,
    pub seq: i64,
    pub limits: LimitsRow,
    pub resources: ResourcesRow,
    pub template: Option<String>,
    pub rerun_of: Option<i64>,
}

#[derive(Debug, SurrealValue)]
pub(super) struct RunRow {
    id: RecordId,
    user: String,
    environment: i64,
    paths: Vec<String>,
    variables: BTreeMap<String, String>,
    status: String,
    exit_code: Option<i64>,
    message: Option<String>,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    counts: CountsRow,
    log_bytes: i64,
    log_truncated: bool,
    log_pruned_at: Option<DateTime<Utc>>,
    /// Absent on runs stored before Testbay counted it.
    stored_bytes: Option<i64>,
    node: String,
    seq: i64,
    limits: LimitsRow,
    enforcement: Option<String>,
    resources: ResourcesRow,
    template: Option<String>,
    rerun_of: Option<i64>,
}

impl TryFrom<RunRow> for Run {
    type Error = StoreError;

    fn try_from(row: RunRow) -> Result<Run, StoreError> {
        let status = row.status.parse::<RunStatus>().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Run {
            id: run_id_of(&row.id)?,
            user: row.user,
            environment: u8::try_from(row.environment)
                .map_err(|_| StoreError::Corrupt(format!("environment {}", row.environment)))?,
            paths: row.paths,
            variables: row.variables,
            status,
            exit_code: row.exit_code.and_then(|code| i32::try_from(code).ok()),
            message: row.message,
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
            counts: row.counts.into(),
            log_bytes: u64::try_from(row.log_bytes).unwrap_or(0),
            log_truncated: row.log_truncated,
            log_pruned_at: row.log_pruned_at,
            stored_bytes: row.stored_bytes.and_then(|n| u64::try_from(n).ok()).unwrap_or_else(|| {
                let log = if row.log_pruned_at.is_some() { 0 } else { u64::try_from(row.log_bytes).unwrap_or(0) };
                RUN_RECORD_BYTES + log
            }),
            node: row.node,
            seq: row.seq,
            limits: row.limits.into(),
            enforcement: row.enforcement.as_deref().and_then(Enforcement::parse),
            resources: row.resources.into(),
            template: row.template,
            rerun_of: row.rerun_of.map(RunId),
        })
    }
}

/// A test result, keyed by its run and its sequence number (`test_result:[run, seq]`), so that a
/// run's results are one range of keys: no index is needed to find them, and none is written.
#[derive(Debug, SurrealValue)]
pub(super) struct TestResultRow {
    pub id: RecordId,
    pub run: RecordId,
    pub seq: i64,
    pub node_id: String,
    pub outcome: String,
    pub phase: String,
    pub duration_s: f64,
    pub failure: Option<String>,
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
        })
    }
}

/// A batch of a run's log: the text of one or more consecutive log events. When it holds more
/// than one, `piece_seqs` and `piece_ends` give each event's sequence number and the byte
/// where its text ends, so that a client resuming after any of them gets the rest exactly.
#[derive(Debug, SurrealValue)]
pub(super) struct LogChunkRow {
    pub run: RecordId,
    /// The last event's sequence number.
    pub seq: i64,
    pub byte_offset: i64,
    pub byte_end: i64,
    pub text: String,
    pub piece_seqs: Option<Vec<i64>>,
    pub piece_ends: Option<Vec<i64>>,
}

/// Text merged into one row at most; a longer batch is stored as several rows.
const LOG_ROW_BYTES: usize = 256 * 1024;

impl LogChunkRow {
    /// Rows for consecutive log events, in order: as few as the row size allows.
    pub fn batch(run: RunId, events: &[LogChunk]) -> Vec<LogChunkRow> {
        let mut rows = Vec::new();
        let mut pieces: &[LogChunk] = events;
        while !pieces.is_empty() {
            let mut taken = 0;
            let mut bytes = 0;
            while taken < pieces.len() && (taken == 0 || bytes + pieces[taken].text.len() <= LOG_ROW_BYTES) {
                bytes += pieces[taken].text.len();
                taken += 1;
            }
            let (row, rest) = pieces.split_at(taken);
            rows.push(LogChunkRow::merged(run, row));
            pieces = rest;
        }
        rows
    }

    /// Rows for consecutive log events, none holding events on both sides of `apart_after`.
    pub fn batch_apart(run: RunId, events: &[LogChunk], apart_after: Option<i64>) -> Vec<LogChunkRow> {
        let Some(apart_after) = apart_after else { return LogChunkRow::batch(run, events) };
        let split = events.partition_point(|event| event.seq <= apart_after);
        let (before, after) = events.split_at(split);
        let mut rows = LogChunkRow::batch(run, before);
        rows.extend(LogChunkRow::batch(run, after));
        rows
    }

    fn merged(run: RunId, pieces: &[LogChunk]) -> LogChunkRow {
        let first = &pieces[0];
        let last = &pieces[pieces.len() - 1];
        let (piece_seqs, piece_ends) = if pieces.len() > 1 {
            (
                Some(pieces.iter().map(|piece| piece.seq).collect()),
                Some(pieces.iter().map(|piece| piece.byte_end() as i64).collect()),
            )
        } else {
            (None, None)
        };
        LogChunkRow {
            run: run_record(run),
            seq: last.seq,
            byte_offset: first.byte_offset as i64,
            byte_end: last.byte_end() as i64,
            text: pieces.iter().map(|piece| piece.text.as_str()).collect(),
            piece_seqs,
            piece_ends,
        }
    }

    /// The row as the log events it was made of.
    pub fn into_pieces(self) -> Vec<LogChunk> {
        let offset = u64::try_from(self.byte_offset).unwrap_or(0);
        let (Some(seqs), Some(ends)) = (self.piece_seqs, self.piece_ends) else {
            return vec![LogChunk { seq: self.seq, byte_offset: offset, text: self.text }];
        };
        let mut pieces = Vec::with_capacity(seqs.len());
        let mut start = offset;
        for (seq, end) in seqs.into_iter().zip(ends) {
            let end = u64::try_from(end).unwrap_or(start).max(start);
            let from = usize::try_from(start - offset).unwrap_or(usize::MAX).min(self.text.len());
            let to = usize::try_from(end - offset).unwrap_or(usize::MAX).min(self.text.len());
            pieces.push(LogChunk {
                seq,
                byte_offset: start,
                text: self.text.get(from..to).unwrap_or_default().to_owned(),
            });
            start = end;
        }
        pieces
    }
}

impl From<LogChunkRow> for LogChunk {
    /// The row as one piece of log, for reading the log by offset.
    fn from(row: LogChunkRow) -> Self {
        LogChunk { seq: row.seq, byte_offset: u64::try_from(row.byte_offset).unwrap_or(0), text: row.text }
    }
}

#[derive(Debug, SurrealValue)]
pub(super) struct EnvironmentRow {
    id: RecordId,
    holder: Option<RecordId>,
}

impl TryFrom<EnvironmentRow> for EnvironmentHold {
    type Error = StoreError;

    fn try_from(row: EnvironmentRow) -> Result<EnvironmentHold, StoreError> {
        let environment = match row.id.key {
            RecordIdKey::Number(n) => u8::try_from(n).ok(),
            _ => None,
        }
        .ok_or_else(|| StoreError::Corrupt(format!("environment id {:?}", row.id)))?;
        Ok(EnvironmentHold { environment, run_id: row.holder.as_ref().map(run_id_of).transpose()? })
    }
}

#[derive(Debug, SurrealValue)]
pub(super) struct TemplateRow {
    pub id: RecordId,
    pub description: Option<String>,
    pub environment: i64,
    pub paths: Vec<String>,
    pub variables: BTreeMap<String, String>,
    pub timeout_s: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<TemplateRow> for Template {
    type Error = StoreError;

    fn try_from(row: TemplateRow) -> Result<Template, StoreError> {
        let RecordIdKey::String(name) = row.id.key else {
            return Err(StoreError::Corrupt(format!("template id is not a name: {:?}", row.id)));
        };
        Ok(Template {
            name,
            setup: TemplateSetup {
                description: row.description,
                environment: u8::try_from(row.environment)
                    .map_err(|_| StoreError::Corrupt(format!("environment {}", row.environment)))?,
                paths: row.paths,
                variables: row.variables,
                timeout_s: row.timeout_s.and_then(|n| u32::try_from(n).ok()),
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(seq: i64, byte_offset: u64, text: &str) -> LogChunk {
        LogChunk { seq, byte_offset, text: text.to_owned() }
    }

    #[test]
    fn a_batch_of_log_events_is_one_row_that_splits_back_into_them() {
        let events = [piece(3, 10, "héllo "), piece(5, 17, "wörld"), piece(9, 23, "\n")];
        let rows = LogChunkRow::batch(RunId(1), &events);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].seq, rows[0].byte_offset, rows[0].byte_end), (9, 10, 24));
        let [row] = <[LogChunkRow; 1]>::try_from(rows).expect("one row");
        assert_eq!(row.into_pieces(), events);
    }

    #[test]
    fn a_long_batch_is_cut_into_rows_at_event_boundaries() {
        let big = "x".repeat(LOG_ROW_BYTES - 10);
        let events =
            [piece(1, 0, &big), piece(2, big.len() as u64, "0123456789abc"), piece(3, big.len() as u64 + 13, "z")];
        let rows = LogChunkRow::batch(RunId(1), &events);
        assert_eq!(rows.iter().map(|row| row.seq).collect::<Vec<_>>(), [1, 3]);
        let pieces: Vec<LogChunk> = rows.into_iter().flat_map(LogChunkRow::into_pieces).collect();
        assert_eq!(pieces, events);
    }
}
