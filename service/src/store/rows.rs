//! Records as SurrealDB holds them, and their conversion to and from the domain's types.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use std::ops::Bound;

use surrealdb::types::{Array, RecordId, RecordIdKey, RecordIdKeyRange, SurrealValue};

mod failure_changes;
mod log_chunks;
mod test_results;

pub(super) use failure_changes::FailureChangesRow;
pub(super) use log_chunks::LogChunkRow;
pub(super) use test_results::TestResultRow;

use super::StoreError;
use crate::domain::{
    Counts, Enforcement, Environment, EnvironmentHold, Limits, RUN_RECORD_BYTES, ResourceUsage, Run, RunId, RunProfile,
    RunStatus, Template, TemplateName, TemplateSetup, TestPath, UserName,
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

/// The results of the runs `low..high`, as one range of keys.
pub(super) fn results_of_runs(low: i64, high: i64) -> RecordId {
    let key = |run: i64| RecordIdKey::Array(Array::from(vec![run, i64::MIN]));
    RecordId {
        table: "test_result".into(),
        key: RecordIdKey::Range(Box::new(RecordIdKeyRange {
            start: Bound::Included(key(low)),
            end: Bound::Excluded(key(high)),
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
    pub node: Option<String>,
    pub seq: i64,
    pub limits: LimitsRow,
    pub resources: ResourcesRow,
    pub template: Option<String>,
    pub rerun_of: Option<i64>,
    pub profile: Option<String>,
    pub created_by: Option<String>,
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
    node: Option<String>,
    seq: i64,
    limits: LimitsRow,
    enforcement: Option<String>,
    resources: ResourcesRow,
    template: Option<String>,
    rerun_of: Option<i64>,
    /// Absent on runs of older versions.
    profile: Option<String>,
    created_by: Option<String>,
    cancelled_by: Option<String>,
    /// Absent unless the run waits in line for its environment.
    waiting: Option<bool>,
    /// When the record was last written (absent on records of earlier versions).
    pub changed_at: Option<DateTime<Utc>>,
    /// Set when the run ended; absent on runs of older versions.
    failure_changes: Option<FailureChangesRow>,
}

impl TryFrom<RunRow> for Run {
    type Error = StoreError;

    fn try_from(row: RunRow) -> Result<Run, StoreError> {
        let status = row.status.parse::<RunStatus>().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Run {
            id: run_id_of(&row.id)?,
            user: UserName::new(&row.user).map_err(corrupt("user"))?,
            environment: Environment::new(row.environment).map_err(corrupt("environment"))?,
            paths: test_paths(&row.paths)?,
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
            template: row.template.as_deref().map(TemplateName::new).transpose().map_err(corrupt("template"))?,
            rerun_of: row.rerun_of.map(RunId),
            profile: row
                .profile
                .as_deref()
                .map(|name| RunProfile::parse(name).ok_or(name))
                .transpose()
                .map_err(|name| StoreError::Corrupt(format!("run profile `{name}`")))?,
            created_by: row.created_by,
            cancelled_by: row.cancelled_by,
            waiting_for_environment: row.waiting == Some(true),
            failure_changes: row.failure_changes.map(Into::into),
        })
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
            RecordIdKey::Number(n) => Environment::new(n).ok(),
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
    pub owner: Option<String>,
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
            name: TemplateName::new(&name).map_err(corrupt("template name"))?,
            setup: TemplateSetup {
                description: row.description,
                environment: Environment::new(row.environment).map_err(corrupt("environment"))?,
                paths: test_paths(&row.paths)?,
                variables: row.variables,
                timeout_s: row.timeout_s.and_then(|n| u32::try_from(n).ok()),
            },
            owner: row.owner,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A stored value that breaks its rule: the database holds what Testbay did not write.
pub(super) fn corrupt(what: &'static str) -> impl Fn(String) -> StoreError {
    move |message| StoreError::Corrupt(format!("a stored {what} {message}"))
}

pub(super) fn test_paths(paths: &[String]) -> Result<Vec<TestPath>, StoreError> {
    paths.iter().map(|path| TestPath::new(path).map_err(corrupt("path"))).collect()
}
