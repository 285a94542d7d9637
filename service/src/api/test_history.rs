//! Each test across runs: its history, the flaky tests and the slow ones.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::models::{FlakyTestList, FlakyTestView, SlowTestList, TestHistoryView, TestRecordView};
use super::problem::{Problem, ServerError};
use super::query::environment_filter;
use super::{ApiTags, AppState};
use crate::domain::{FieldError, HistoryEntry, HistoryQuery, TestStat};

const DEFAULT_HISTORY: u32 = 50;
const DEFAULT_FLAKY_DAYS: u32 = 14;
const FLAKY_MAX: usize = 500;
const DEFAULT_SLOW: u32 = 20;
const DEFAULT_GROWTH: f64 = 1.5;

pub struct TestsApi;

#[derive(ApiResponse)]
enum HistoryResponse {
    /// The test's results, newest first, and its records (both empty for a test never run).
    #[oai(status = 200)]
    Ok(Json<TestHistoryView>),
    /// A parameter is out of its range; the problem names it.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
}

#[derive(ApiResponse)]
enum FlakyResponse {
    /// The flaky tests, highest flip rate first (at most 500).
    #[oai(status = 200)]
    Ok(Json<FlakyTestList>),
}

#[derive(ApiResponse)]
enum SlowResponse {
    /// The slowest tests and those grown slower.
    #[oai(status = 200)]
    Ok(Json<SlowTestList>),
    /// A parameter is out of its range, or `growth` is not a number; the problem names it.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
}

#[OpenApi(tag = "ApiTags::Tests")]
impl TestsApi {
    /// Get a test's history
    ///
    /// The test's results run by run, newest first (`limit`, 1-500, default 50), and its record
    /// in each environment: runs, failures, since when it fails, its flips on unchanged file
    /// content, its median duration. `since` and `until` bound the runs' creation time; pass
    /// `next_until` as `until` for older results.
    #[oai(path = "/tests/history", method = "get", operation_id = "get_test_history")]
    async fn history(
        &self,
        state: Data<&Arc<AppState>>,
        /// The test's pytest node id, e.g. `math/test_add.py::test_add[1-2]`.
        #[oai(validator(min_length = 1, max_length = 1000))]
        node_id: Query<String>,
        /// Only results of runs in this environment.
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        environment: Query<Option<u8>>,
        /// Only results of runs created at or after this time (RFC 3339).
        since: Query<Option<DateTime<Utc>>>,
        /// Only results of runs created before this time (RFC 3339).
        until: Query<Option<DateTime<Utc>>>,
        /// Results per page, 1-500.
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u32>>,
    ) -> Result<HistoryResponse, ServerError> {
        let environment = match environment_filter(environment.0) {
            Ok(environment) => environment,
            Err(problem) => return Ok(HistoryResponse::Invalid(Json(problem))),
        };
        let limit = limit.0.unwrap_or(DEFAULT_HISTORY) as usize;
        let query =
            HistoryQuery { node_id: node_id.0.clone(), environment, since: since.0, until: until.0, limit: limit + 1 };
        let mut entries = state.store.test_history(&query).await?;
        let next_until = next_page(&mut entries, limit);
        let mut records = state.store.test_stats_of(&node_id.0).await?;
        records.sort_by_key(|record| record.environment);
        let first_failure = records.iter().filter_map(|record| record.first_failure).min_by_key(|mark| mark.at);
        Ok(HistoryResponse::Ok(Json(TestHistoryView {
            node_id: node_id.0,
            entries: entries.into_iter().map(Into::into).collect(),
            next_until,
            environments: records.into_iter().map(Into::into).collect(),
            first_failure: first_failure.map(Into::into),
        })))
    }

    /// List flaky tests
    ///
    /// Tests whose verdict (passed or failed) flipped on unchanged file content in one
    /// environment within the last `days` days (1-365, default 14), highest flip rate first. A
    /// test whose file changed between the two results is not flaky: it changed.
    #[oai(path = "/tests/flaky", method = "get", operation_id = "list_flaky_tests")]
    async fn flaky(
        &self,
        state: Data<&Arc<AppState>>,
        /// The window, in days.
        #[oai(validator(minimum(value = "1"), maximum(value = "365")))]
        days: Query<Option<u32>>,
    ) -> Result<FlakyResponse, ServerError> {
        let days = days.0.unwrap_or(DEFAULT_FLAKY_DAYS);
        let since = Utc::now() - Duration::days(days.into());
        let records = state.store.flaky_test_stats(since).await?;
        Ok(FlakyResponse::Ok(Json(FlakyTestList { days, items: flaky_tests(records) })))
    }

    /// List slow tests
    ///
    /// The tests with the longest median passed duration (over their last 20 passes in an
    /// environment), and those whose median over their last 10 passes is at least `growth`
    /// times (1.1-100, default 1.5) that of the 10 before. At most `limit` (1-200, default
    /// 20) of each.
    #[oai(path = "/tests/slow", method = "get", operation_id = "list_slow_tests")]
    async fn slow(
        &self,
        state: Data<&Arc<AppState>>,
        /// Tests per list, 1-200.
        #[oai(validator(minimum(value = "1"), maximum(value = "200")))]
        limit: Query<Option<u32>>,
        /// How many times slower a test must have grown to be listed as slower.
        #[oai(validator(minimum(value = "1.1"), maximum(value = "100")))]
        growth: Query<Option<f64>>,
    ) -> Result<SlowResponse, ServerError> {
        let limit = limit.0.unwrap_or(DEFAULT_SLOW) as usize;
        let growth = growth.0.unwrap_or(DEFAULT_GROWTH);
        // NaN passes the range check (every comparison with it is false).
        if !growth.is_finite() {
            let error = FieldError::new("growth", "must be a number from 1.1 to 100");
            return Ok(SlowResponse::Invalid(Json(Problem::invalid_field(error))));
        }
        let slowest = state.store.slowest_test_stats(limit).await?;
        let slower = state.store.slower_test_stats(growth, limit).await?;
        let views = |records: Vec<TestStat>| records.into_iter().map(TestRecordView::from).collect();
        Ok(SlowResponse::Ok(Json(SlowTestList { slowest: views(slowest), slower: views(slower), growth })))
    }
}

/// Cuts `entries` (up to `limit + 1`, newest first) to a page, and says where the next starts.
/// The results of one run share its time, and a test may report twice in a run (a failed
/// teardown after its call): a page does not end inside such a group, since the next page
/// starts strictly before the time it ends at. It ends before the group instead, the next page
/// starting just after the group's time. (A page that is all one group, a `limit` below the
/// times the test reported in one run, ends there.)
fn next_page(entries: &mut Vec<HistoryEntry>, limit: usize) -> Option<DateTime<Utc>> {
    if entries.len() <= limit {
        return None;
    }
    let boundary = entries[limit].at;
    let whole = entries[..limit].iter().rposition(|entry| entry.at != boundary).map(|last| last + 1);
    match whole {
        Some(end) if entries[limit - 1].at == boundary => {
            entries.truncate(end);
            boundary.map(|at| at + Duration::nanoseconds(1))
        }
        _ => {
            entries.truncate(limit);
            entries.last().and_then(|entry| entry.at)
        }
    }
}

/// One entry per test, over the environments where it flipped.
fn flaky_tests(records: Vec<TestStat>) -> Vec<FlakyTestView> {
    let mut by_test: BTreeMap<String, Vec<TestStat>> = BTreeMap::new();
    for record in records {
        by_test.entry(record.node_id.clone()).or_default().push(record);
    }
    let mut tests: Vec<FlakyTestView> = by_test
        .into_iter()
        .filter_map(|(node_id, records)| {
            let last_flip = records.iter().filter_map(|record| record.last_flip).max_by_key(|mark| mark.at)?;
            let flips: u64 = records.iter().map(|record| record.content_flips).sum();
            let verdicts: u64 = records.iter().map(|record| record.content_verdicts).sum();
            let chances: u64 = records.iter().map(|record| record.content_verdicts.saturating_sub(1)).sum();
            let mut environments: Vec<u8> = records.iter().map(|record| record.environment.number()).collect();
            environments.sort_unstable();
            Some(FlakyTestView {
                node_id,
                flip_rate: if chances == 0 { 0.0 } else { flips as f64 / chances as f64 },
                flips,
                verdicts,
                last_flip: last_flip.into(),
                environments,
            })
        })
        .collect();
    tests.sort_by(|a, b| b.flip_rate.total_cmp(&a.flip_rate).then(b.last_flip.at.cmp(&a.last_flip.at)));
    tests.truncate(FLAKY_MAX);
    tests
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::{RunId, TestOutcome};

    fn entry(run: i64, minute: u32) -> HistoryEntry {
        HistoryEntry {
            run_id: RunId(run),
            environment: None,
            at: Utc.with_ymd_and_hms(2026, 11, 30, 12, minute, 0).single(),
            user: None,
            run_status: None,
            outcome: TestOutcome::Passed,
            phase: "call".into(),
            duration_s: 0.1,
            failure_summary: None,
            file_hash: None,
        }
    }

    #[test]
    fn a_page_does_not_end_inside_a_runs_results() {
        // Run 3 reported the test twice; a page of 2 would split it.
        let mut entries = vec![entry(4, 4), entry(3, 3), entry(3, 3), entry(2, 2)];
        let next = next_page(&mut entries, 2);
        assert_eq!(entries.iter().map(|e| e.run_id.0).collect::<Vec<_>>(), [4]);
        let next = next.expect("a next page");
        let run_3 = Utc.with_ymd_and_hms(2026, 11, 30, 12, 3, 0).single().expect("time");
        assert!(next > run_3, "run 3 is on the next page: {next}");
        assert!(next < entries[0].at.expect("time"), "run 4 is not: {next}");

        let mut plain = vec![entry(4, 4), entry(3, 3), entry(2, 2)];
        assert_eq!(next_page(&mut plain, 2), plain[1].at, "the next page starts before the last one shown");
        assert_eq!(plain.len(), 2);
        let mut last = vec![entry(4, 4)];
        assert_eq!(next_page(&mut last, 2), None);
        let mut one_run = vec![entry(3, 3), entry(3, 3), entry(3, 3)];
        assert_eq!(next_page(&mut one_run, 2), one_run[0].at, "a page that is all one run ends there");
    }
}
