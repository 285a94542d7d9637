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
    let events = [piece(1, 0, &big), piece(2, big.len() as u64, "0123456789abc"), piece(3, big.len() as u64 + 13, "z")];
    let rows = LogChunkRow::batch(RunId(1), &events);
    assert_eq!(rows.iter().map(|row| row.seq).collect::<Vec<_>>(), [1, 3]);
    let pieces: Vec<LogChunk> = rows.into_iter().flat_map(LogChunkRow::into_pieces).collect();
    assert_eq!(pieces, events);
}
