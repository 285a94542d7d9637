//! What a run produced and used: its test results, its JUnit report, its log, and its memory
//! and CPU over time.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, OpenApi};

use super::junit;
use super::models::{LogPage, ResourceSeriesView, TestResultList, TestResultView};
use super::problem::{Problem, ServerError};
use super::{ApiTags, AppState};
use crate::domain::RunId;

const DEFAULT_LOG_BYTES: u32 = 1024 * 1024;
/// Log chunks read per log request; a chunk is at most a few hundred KiB.
const LOG_CHUNKS_PER_READ: usize = 64;

pub struct RunResultsApi;

#[derive(ApiResponse)]
enum JunitResponse {
    /// The report.
    #[oai(status = 200, content_type = "application/xml; charset=utf-8")]
    Ok(PlainText<String>, #[oai(header = "Content-Disposition")] String),
    /// No run has this id.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
}

#[derive(ApiResponse)]
enum TestResultsResponse {
    /// The run's results so far, in the order they happened.
    #[oai(status = 200)]
    Ok(Json<TestResultList>),
    /// No run has this id.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
}

#[derive(ApiResponse)]
enum ResourcesResponse {
    #[oai(status = 200)]
    Ok(Json<ResourceSeriesView>),
    /// No run has this id.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
}

#[derive(ApiResponse)]
enum LogResponse {
    #[oai(status = 200)]
    Ok(Json<LogPage>),
    /// No run has this id.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
}

#[OpenApi(tag = "ApiTags::Runs")]
impl RunResultsApi {
    /// Get a run's JUnit XML report
    ///
    /// The run's test results as JUnit XML, for CI servers. One `testcase` per result of
    /// `GET /runs/{id}/tests`; `failures`, `errors` and `skipped` (skipped and xfailed) match
    /// the run's counts. While the run is active it holds the results so far.
    #[oai(path = "/runs/:id/junit.xml", method = "get", operation_id = "get_run_junit")]
    async fn junit(&self, state: Data<&Arc<AppState>>, id: Path<i64>) -> Result<JunitResponse, ServerError> {
        let id = RunId(id.0);
        let Some(run) = state.store.run(id).await? else {
            return Ok(JunitResponse::NotFound(Json(Problem::not_found(&format!("run {id}")))));
        };
        let results = state.store.test_results(id, 0, i64::MAX).await?;
        let file_name = format!("attachment; filename=\"testbay-run-{id}.xml\"");
        Ok(JunitResponse::Ok(PlainText(junit::report(&run, &results)), file_name))
    }

    /// List a run's test results
    ///
    /// One entry per report that pytest's summary counts: a test's call, or a setup or
    /// teardown that failed, or a file that failed to collect.
    #[oai(path = "/runs/:id/tests", method = "get", operation_id = "list_run_tests")]
    async fn tests(&self, state: Data<&Arc<AppState>>, id: Path<i64>) -> Result<TestResultsResponse, ServerError> {
        let id = RunId(id.0);
        if state.store.run(id).await?.is_none() {
            return Ok(TestResultsResponse::NotFound(Json(Problem::not_found(&format!("run {id}")))));
        }
        let results = state.store.test_results(id, 0, i64::MAX).await?;
        Ok(TestResultsResponse::Ok(Json(TestResultList {
            items: results.into_iter().map(TestResultView::from).collect(),
        })))
    }

    /// Read a run's memory and CPU over time
    ///
    /// Sampled every second while the run runs (its cgroup's memory and CPU time; under
    /// rlimits, its process group's resident memory and CPU time). While it runs, the run's
    /// event stream also carries each new sample as a `resources` event.
    #[oai(path = "/runs/:id/resources", method = "get", operation_id = "get_run_resources")]
    async fn resources(&self, state: Data<&Arc<AppState>>, id: Path<i64>) -> Result<ResourcesResponse, ServerError> {
        let id = RunId(id.0);
        let Some(run) = state.store.run(id).await? else {
            return Ok(ResourcesResponse::NotFound(Json(Problem::not_found(&format!("run {id}")))));
        };
        let series = state.journal.resources(id).await?;
        Ok(ResourcesResponse::Ok(Json(ResourceSeriesView::of(&run, &series))))
    }

    /// Read a run's log
    ///
    /// stdout and stderr of pytest in one ordered log, from byte `offset`, at most `limit`
    /// bytes (1 KiB to 4 MiB, default 1 MiB) or somewhat more to end on a stored piece. Follow a
    /// log by asking again from `next_offset`; `complete` says the run has ended and the whole
    /// log has been read. A log the retention setting removed has `pruned_at` and no text.
    #[oai(path = "/runs/:id/log", method = "get", operation_id = "get_run_log")]
    async fn log(
        &self,
        state: Data<&Arc<AppState>>,
        id: Path<i64>,
        /// Byte offset to read from; 0 is the start.
        #[oai(validator(minimum(value = "0")))]
        offset: Query<Option<u64>>,
        /// Bytes to read at most.
        #[oai(validator(minimum(value = "1024"), maximum(value = "4194304")))]
        limit: Query<Option<u32>>,
    ) -> Result<LogResponse, ServerError> {
        let id = RunId(id.0);
        let Some(run) = state.store.run(id).await? else {
            return Ok(LogResponse::NotFound(Json(Problem::not_found(&format!("run {id}")))));
        };
        let offset = offset.0.unwrap_or(0);
        if let Some(pruned_at) = run.log_pruned_at {
            return Ok(LogResponse::Ok(Json(LogPage {
                offset,
                text: String::new(),
                next_offset: offset,
                complete: true,
                truncated: run.log_truncated,
                pruned_at: Some(pruned_at),
            })));
        }
        let limit = limit.0.unwrap_or(DEFAULT_LOG_BYTES) as usize;
        let chunks = state.store.log_chunks_from(id, offset, LOG_CHUNKS_PER_READ).await?;
        let mut text = String::new();
        let mut start = offset;
        for (index, chunk) in chunks.iter().enumerate() {
            if index > 0 && text.len() >= limit {
                break;
            }
            let mut skip =
                usize::try_from(offset.saturating_sub(chunk.byte_offset)).unwrap_or(usize::MAX).min(chunk.text.len());
            // An offset inside a character moves on to the next whole one.
            while !chunk.text.is_char_boundary(skip) {
                skip += 1;
            }
            if index == 0 {
                start = chunk.byte_offset + skip as u64;
            }
            text.push_str(&chunk.text[skip..]);
        }
        let next_offset = start + text.len() as u64;
        Ok(LogResponse::Ok(Json(LogPage {
            offset: start,
            complete: !run.status.is_active() && next_offset >= run.log_bytes,
            truncated: run.log_truncated,
            next_offset,
            text,
            pruned_at: None,
        })))
    }
}
