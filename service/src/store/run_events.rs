//! A run's events as stored: its log in chunks and its test results, written in batches while
//! it runs and read back by sequence number (to replay its events) or by byte offset (to read
//! its log).

use super::error::checked;
use super::rows::{CountsRow, LogChunkRow, TestResultRow, run_record, test_results_of};
use super::runs::Progress;
use super::{Statement, Store, StoreError};
use crate::domain::{LogChunk, RunId, TestResult};

impl Store {
    /// Stores a batch of log text and test results with the run's counts, in one transaction.
    /// A batch stored already (its sequence number is not above the run's) is skipped, so that
    /// a batch whose answer was lost can be sent again.
    pub async fn record_progress(&self, id: RunId, progress: &Progress) -> Result<(), StoreError> {
        let log = LogChunkRow::batch(id, &progress.log);
        let results: Vec<TestResultRow> = progress.results.iter().map(|r| TestResultRow::new(id, r)).collect();
        self.query(
            "BEGIN TRANSACTION;
                 IF (SELECT VALUE seq FROM ONLY $run) < $seq {
                     IF array::len($log) > 0 { INSERT INTO log_chunk $log RETURN NONE; };
                     IF array::len($results) > 0 { INSERT INTO test_result $results RETURN NONE; };
                     UPDATE $run SET counts = $counts, log_bytes = $log_bytes, log_truncated = $log_truncated,
                         stored_bytes = $stored_bytes, seq = $seq RETURN NONE;
                 };
                 COMMIT TRANSACTION;",
        )
        .bind("run", run_record(id))
        .bind("log", log)
        .bind("results", results)
        .bind("counts", CountsRow::from(progress.counts))
        .bind("log_bytes", progress.log_bytes as i64)
        .bind("log_truncated", progress.log_truncated)
        .bind("stored_bytes", progress.stored_bytes as i64)
        .bind("seq", progress.seq)
        .await
        .and_then(checked)
        .map_err(StoreError::query("record progress"))?;
        Ok(())
    }

    /// Test results of a run with events `after_seq < seq <= upto_seq`, in order.
    pub async fn test_results(&self, id: RunId, after_seq: i64, upto_seq: i64) -> Result<Vec<TestResult>, StoreError> {
        let mut response = self
            .test_results_statement(id, after_seq, upto_seq)
            .await
            .map_err(StoreError::query("read test results"))?;
        let rows: Vec<TestResultRow> = response.take(0).map_err(StoreError::query("read test results"))?;
        rows.into_iter().map(TestResult::try_from).collect()
    }

    /// The log events of a run with `after_seq < seq <= upto_seq`, in order, from at most `limit`
    /// stored batches; `upto_seq` is the end of a stored batch.
    pub async fn log_chunks_after_seq(
        &self,
        id: RunId,
        after_seq: i64,
        upto_seq: i64,
        limit: usize,
    ) -> Result<Vec<LogChunk>, StoreError> {
        let mut response = self
            .log_after_seq_statement(id, after_seq, upto_seq, limit)
            .await
            .map_err(StoreError::query("read log"))?;
        let rows: Vec<LogChunkRow> = response.take(0).map_err(StoreError::query("read log"))?;
        let pieces = rows.into_iter().flat_map(LogChunkRow::into_pieces);
        Ok(pieces.filter(|piece| piece.seq > after_seq && piece.seq <= upto_seq).collect())
    }

    /// Stored pieces of a run's log that end after byte `offset`, in order, at most `limit`.
    pub async fn log_chunks_from(&self, id: RunId, offset: u64, limit: usize) -> Result<Vec<LogChunk>, StoreError> {
        let mut response = self.log_from_statement(id, offset, limit).await.map_err(StoreError::query("read log"))?;
        let rows: Vec<LogChunkRow> = response.take(0).map_err(StoreError::query("read log"))?;
        Ok(rows.into_iter().map(LogChunk::from).collect())
    }

    /// A run's results are one range of keys, read in order.
    pub(super) fn test_results_statement(&self, id: RunId, after_seq: i64, upto_seq: i64) -> Statement<'_> {
        self.query("SELECT * FROM $results").bind("results", test_results_of(id, after_seq, upto_seq))
    }

    pub(super) fn log_after_seq_statement(
        &self,
        id: RunId,
        after_seq: i64,
        upto_seq: i64,
        limit: usize,
    ) -> Statement<'_> {
        self.query(
            "SELECT * FROM log_chunk WHERE run = $run AND seq > $after AND seq <= $upto ORDER BY seq LIMIT $limit",
        )
        .bind("run", run_record(id))
        .bind("after", after_seq)
        .bind("upto", upto_seq)
        .bind("limit", limit as i64)
    }

    /// Chunks end in the order they were written, so the index on their ends gives them in
    /// order.
    pub(super) fn log_from_statement(&self, id: RunId, offset: u64, limit: usize) -> Statement<'_> {
        self.query("SELECT * FROM log_chunk WHERE run = $run AND byte_end > $offset ORDER BY byte_end LIMIT $limit")
            .bind("run", run_record(id))
            .bind("offset", offset as i64)
            .bind("limit", limit as i64)
    }
}
