//! Each test's history: its results across runs, read by the index on node id and time, and
//! its record per environment (`test_stat:[node_id, environment]`), written with the end of
//! each run (see `domain::test_history`).

use chrono::{DateTime, Utc};
use std::ops::Bound;

use surrealdb::types::{Array, RecordId, RecordIdKey, RecordIdKeyRange, SurrealValue};

use super::{Statement, Store, StoreError};
use crate::domain::{
    Environment, FailureChanges, HistoryEntry, HistoryQuery, RunId, RunMark, RunStatus, TestOutcome, TestResult,
    TestStat, UserName, Verdict, failure_summary, outcomes_of, record_run,
};

fn test_stat_key(node_id: &str, environment: i64) -> RecordIdKey {
    RecordIdKey::Array(Array::from(vec![node_id.to_owned().into_value(), environment.into_value()]))
}

pub(super) fn test_stat_record(node_id: &str, environment: Environment) -> RecordId {
    RecordId { table: "test_stat".into(), key: test_stat_key(node_id, environment.into()) }
}

/// Every environment's record of `node_id`, as one range of keys.
fn test_stats_of(node_id: &str) -> RecordId {
    let key = |environment| test_stat_key(node_id, environment);
    RecordId {
        table: "test_stat".into(),
        key: RecordIdKey::Range(Box::new(RecordIdKeyRange {
            start: Bound::Included(key(i64::MIN)),
            end: Bound::Included(key(i64::MAX)),
        })),
    }
}

#[derive(Clone, Debug, SurrealValue)]
pub(super) struct TestStatRow {
    id: RecordId,
    node_id: String,
    environment: i64,
    runs: i64,
    failures: i64,
    last_outcome: String,
    last_run: i64,
    last_at: DateTime<Utc>,
    verdict: Option<String>,
    failing_since_run: Option<i64>,
    failing_since_at: Option<DateTime<Utc>>,
    first_failure_run: Option<i64>,
    first_failure_at: Option<DateTime<Utc>>,
    file_hash: Option<String>,
    content_since: DateTime<Utc>,
    content_verdicts: i64,
    content_flips: i64,
    last_flip_run: Option<i64>,
    last_flip_at: Option<DateTime<Utc>>,
    recent_durations: Vec<f64>,
    /// Derived, for the indexes that list the slowest tests and those that grew slower (to two
    /// significant digits, see `coarse`).
    median_duration_s: Option<f64>,
    duration_growth: Option<f64>,
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
    }
}

impl From<&TestStat> for TestStatRow {
    fn from(stat: &TestStat) -> Self {
        TestStatRow {
            id: test_stat_record(&stat.node_id, stat.environment),
            node_id: stat.node_id.clone(),
            environment: stat.environment.into(),
            runs: count(stat.runs),
            failures: count(stat.failures),
            last_outcome: stat.last_outcome.as_str().to_owned(),
            last_run: stat.last.run.0,
            last_at: stat.last.at,
            verdict: stat.verdict.map(|verdict| verdict_name(verdict).to_owned()),
            failing_since_run: stat.failing_since.map(|mark| mark.run.0),
            failing_since_at: stat.failing_since.map(|mark| mark.at),
            first_failure_run: stat.first_failure.map(|mark| mark.run.0),
            first_failure_at: stat.first_failure.map(|mark| mark.at),
            file_hash: stat.file_hash.clone(),
            content_since: stat.content_since,
            content_verdicts: count(stat.content_verdicts),
            content_flips: count(stat.content_flips),
            last_flip_run: stat.last_flip.map(|mark| mark.run.0),
            last_flip_at: stat.last_flip.map(|mark| mark.at),
            recent_durations: stat.recent_durations.clone(),
            median_duration_s: stat.median_duration_s().map(coarse),
            duration_growth: stat.duration_growth().map(coarse),
        }
    }
}

/// A figure to two significant digits, for the indexes that order tests by it: an entry then
/// changes only when its figure moves by a few per cent, not at every run's end, so the end
/// writes less and a scan of the index steps over fewer versions of its entries. (The API shows
/// the figures computed from the durations themselves.)
fn coarse(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10_f64.powi(1 - value.log10().floor() as i32);
    (value * scale).round() / scale
}

fn mark(run: Option<i64>, at: Option<DateTime<Utc>>) -> Option<RunMark> {
    Some(RunMark { run: RunId(run?), at: at? })
}

impl TryFrom<TestStatRow> for TestStat {
    type Error = StoreError;

    fn try_from(row: TestStatRow) -> Result<TestStat, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("test record of `{}`: {what}", row.node_id));
        let verdict = match row.verdict.as_deref() {
            None => None,
            Some("passed") => Some(Verdict::Passed),
            Some("failed") => Some(Verdict::Failed),
            Some(other) => return Err(corrupt(&format!("verdict `{other}`"))),
        };
        Ok(TestStat {
            environment: Environment::new(row.environment).map_err(|_| corrupt("environment"))?,
            runs: u64::try_from(row.runs).unwrap_or(0),
            failures: u64::try_from(row.failures).unwrap_or(0),
            last_outcome: TestOutcome::parse(&row.last_outcome).ok_or_else(|| corrupt("outcome"))?,
            last: RunMark { run: RunId(row.last_run), at: row.last_at },
            verdict,
            failing_since: mark(row.failing_since_run, row.failing_since_at),
            first_failure: mark(row.first_failure_run, row.first_failure_at),
            file_hash: row.file_hash,
            content_since: row.content_since,
            content_verdicts: u64::try_from(row.content_verdicts).unwrap_or(0),
            content_flips: u64::try_from(row.content_flips).unwrap_or(0),
            last_flip: mark(row.last_flip_run, row.last_flip_at),
            recent_durations: row.recent_durations,
            node_id: row.node_id,
        })
    }
}

/// A result as the history reads it, with its run's user and status.
#[derive(Debug, SurrealValue)]
struct HistoryRow {
    run: RecordId,
    outcome: String,
    phase: String,
    duration_s: f64,
    failure: Option<String>,
    file_hash: Option<String>,
    environment: Option<i64>,
    at: Option<DateTime<Utc>>,
    user: Option<String>,
    run_status: Option<String>,
}

impl TryFrom<HistoryRow> for HistoryEntry {
    type Error = StoreError;

    fn try_from(row: HistoryRow) -> Result<HistoryEntry, StoreError> {
        Ok(HistoryEntry {
            run_id: super::rows::run_id_of(&row.run)?,
            environment: row.environment.and_then(|n| Environment::new(n).ok()),
            at: row.at,
            user: row.user.and_then(|name| UserName::new(&name).ok()),
            run_status: row.run_status.and_then(|status| status.parse::<RunStatus>().ok()),
            outcome: TestOutcome::parse(&row.outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("test outcome `{}`", row.outcome)))?,
            phase: row.phase,
            duration_s: row.duration_s,
            failure_summary: row.failure.as_deref().and_then(failure_summary).map(str::to_owned),
            file_hash: row.file_hash,
        })
    }
}

/// Records read by an index of coarse figures: enough more than asked for that the exact order
/// of the first `limit` is among them.
fn over_fetch(limit: usize) -> i64 {
    i64::try_from(limit.saturating_mul(2).saturating_add(10)).unwrap_or(i64::MAX)
}

/// The records whose exact `figure` is at least `least`, highest first, at most `limit`.
fn exactly(stats: Vec<TestStat>, limit: usize, figure: impl Fn(&TestStat) -> Option<f64>, least: f64) -> Vec<TestStat> {
    let mut ranked: Vec<(f64, TestStat)> = stats
        .into_iter()
        .filter_map(|stat| Some((figure(&stat)?, stat)))
        .filter(|(value, _)| *value >= least)
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.into_iter().take(limit).map(|(_, stat)| stat).collect()
}

/// The queries of the history, by their shape; the index test explains each of them.
pub(super) fn history_statement<'a>(store: &'a Store, query: &HistoryQuery) -> Statement<'a> {
    let mut conditions = vec!["node_id = $node_id"];
    if query.environment.is_some() {
        conditions.push("environment = $environment");
    }
    // The planner bounds an index scan on one side only: with `until`, the scan starts there and
    // stops at the page, and `test_history` drops what is older than `since` (going on past it
    // would read the rest of the history to find nothing).
    conditions.push(match (query.since, query.until) {
        (_, Some(_)) => "at < $until",
        (Some(_), None) => "at >= $since",
        (None, None) => "at > NONE",
    });
    let sql = format!(
        "SELECT run, outcome, phase, duration_s, failure, file_hash, environment, at, run.user AS user,
             run.status AS run_status
         FROM test_result WHERE {} ORDER BY at DESC LIMIT $limit",
        conditions.join(" AND ")
    );
    store
        .query(sql)
        .bind("node_id", query.node_id.clone())
        .bind("environment", query.environment.map(i64::from))
        .bind("since", query.since)
        .bind("until", query.until)
        .bind("limit", query.limit as i64)
}

pub(super) const FLAKY: &str = "SELECT * FROM test_stat WHERE last_flip_at >= $since";
pub(super) const SLOWEST: &str =
    "SELECT * FROM test_stat WHERE median_duration_s > 0 ORDER BY median_duration_s DESC LIMIT $limit";
pub(super) const SLOWER: &str =
    "SELECT * FROM test_stat WHERE duration_growth >= $growth ORDER BY duration_growth DESC LIMIT $limit";

impl Store {
    /// The records of the tests of a run's `results`, brought up to date with them (to be
    /// stored with the run's end, `Finish::history`), and how the run's failures changed.
    pub async fn test_history_update(
        &self,
        environment: Environment,
        mark: RunMark,
        results: &[TestResult],
    ) -> Result<(Vec<TestStat>, FailureChanges), StoreError> {
        let outcomes = outcomes_of(results);
        let node_ids: Vec<String> = outcomes.iter().map(|outcome| outcome.node_id.clone()).collect();
        let known = self.test_stats_in(environment, &node_ids).await?;
        Ok(record_run(known, environment, mark, &outcomes))
    }

    /// The records of `node_ids` in `environment` (none for a test new there).
    pub async fn test_stats_in(
        &self,
        environment: Environment,
        node_ids: &[String],
    ) -> Result<Vec<TestStat>, StoreError> {
        let ids: Vec<RecordId> = node_ids.iter().map(|node_id| test_stat_record(node_id, environment)).collect();
        self.stats(self.query("SELECT * FROM $ids").bind("ids", ids), "read test records").await
    }

    /// Every environment's record of `node_id`.
    pub async fn test_stats_of(&self, node_id: &str) -> Result<Vec<TestStat>, StoreError> {
        self.stats(self.query("SELECT * FROM $range").bind("range", test_stats_of(node_id)), "read a test's records")
            .await
    }

    /// Records of tests that flipped on the same content since `since`.
    pub async fn flaky_test_stats(&self, since: DateTime<Utc>) -> Result<Vec<TestStat>, StoreError> {
        self.stats(self.query(FLAKY).bind("since", since), "list flaky tests").await
    }

    /// The records with the longest median passed duration, longest first.
    pub async fn slowest_test_stats(&self, limit: usize) -> Result<Vec<TestStat>, StoreError> {
        let statement = self.query(SLOWEST).bind("limit", over_fetch(limit));
        let stats = self.stats(statement, "list slow tests").await?;
        Ok(exactly(stats, limit, |stat| stat.median_duration_s(), 0.0))
    }

    /// The records whose recent durations grew at least `growth` times, most first.
    pub async fn slower_test_stats(&self, growth: f64, limit: usize) -> Result<Vec<TestStat>, StoreError> {
        // The index holds the figure to two significant digits, so up to 5 % below the exact one.
        let statement = self.query(SLOWER).bind("growth", growth * 0.95).bind("limit", over_fetch(limit));
        let stats = self.stats(statement, "list tests grown slower").await?;
        Ok(exactly(stats, limit, |stat| stat.duration_growth(), growth))
    }

    /// A test's results, newest first.
    pub async fn test_history(&self, query: &HistoryQuery) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut response = history_statement(self, query).await.map_err(StoreError::query("read a test's history"))?;
        let rows: Vec<HistoryRow> = response.take(0).map_err(StoreError::query("read a test's history"))?;
        let since = query.since;
        let in_window = |row: &HistoryRow| since.is_none_or(|since| row.at.is_some_and(|at| at >= since));
        rows.into_iter().take_while(in_window).map(HistoryEntry::try_from).collect()
    }

    async fn stats(&self, statement: Statement<'_>, what: &'static str) -> Result<Vec<TestStat>, StoreError> {
        let mut response = statement.await.map_err(StoreError::query(what))?;
        let rows: Vec<TestStatRow> = response.take(0).map_err(StoreError::query(what))?;
        rows.into_iter().map(TestStat::try_from).collect()
    }
}

#[cfg(test)]
mod tests;
