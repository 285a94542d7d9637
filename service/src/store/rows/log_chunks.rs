//! A run's log as SurrealDB holds it: batches of log events in rows of bounded size.

use surrealdb::types::{RecordId, SurrealValue};

use super::run_record;
use crate::domain::{LogChunk, RunId};

/// A batch of a run's log: the text of one or more consecutive log events. When it holds more
/// than one, `piece_seqs` and `piece_ends` give each event's sequence number and the byte
/// where its text ends, so that a client resuming after any of them gets the rest exactly.
#[derive(Debug, SurrealValue)]
pub(in crate::store) struct LogChunkRow {
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

#[cfg(test)]
mod tests;
