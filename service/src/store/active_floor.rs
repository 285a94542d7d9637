//! Where the reads of active (queued or running) runs start: the lowest number such a run can
//! still have.
//!
//! Every run passes through `queued` and `running` in the index `(status, number)`, and the
//! embedded engine keeps a deleted key as a tombstone until a compaction takes it to the last
//! level: a read of those statuses from the start steps over about one tombstone per run ever
//! made (10 ms at 100,000 runs). Started at the floor, it steps over those of the last minutes.
//!
//! The floor holds because run numbers come from one sequence, handed out in increasing order
//! over time, and a run that has ended never becomes active again. It moves up to the lowest
//! active run, but never past a number handed out less than `settle` ago: the creation that took
//! it may not have committed yet. It is kept in `meta:queue`, so that a restart (and every node
//! sharing the database) starts from it. Every `SWEEP_EVERY` moves, a read from the start checks
//! it, and lowers it, with an error in the log, if an active run lies below it: a broken
//! assumption then delays a run, never loses it.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use surrealdb::types::SurrealValue;

use super::error::checked;
use super::{Store, StoreError};

/// How long a creation may take between taking its number and committing.
pub(super) const SETTLE: Duration = Duration::from_secs(60);
/// One move in this many reads the active runs from the start, to check the floor.
const SWEEP_EVERY: u64 = 120;

pub(super) struct ActiveFloor {
    number: AtomicI64,
    settle: Duration,
    moves: AtomicU64,
    /// The newest run number at each move, with when it was read, back to the newest that has
    /// settled.
    newest_seen: Mutex<VecDeque<(Instant, i64)>>,
}

impl ActiveFloor {
    pub(super) fn new(settle: Duration) -> ActiveFloor {
        ActiveFloor { number: AtomicI64::new(1), settle, moves: AtomicU64::new(0), newest_seen: Mutex::default() }
    }

    /// The lowest number an active run can have.
    pub(super) fn get(&self) -> i64 {
        self.number.load(Ordering::Acquire)
    }

    fn set(&self, number: i64) {
        self.number.store(number, Ordering::Release);
    }

    /// Notes `newest`, read now; returns the newest number read at least `settle` ago.
    fn settled_newest(&self, newest: i64) -> Option<i64> {
        let now = Instant::now();
        let mut seen = self.newest_seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.push_back((now, newest));
        let is_settled = |(at, _): &(Instant, i64)| now.duration_since(*at) >= self.settle;
        while seen.len() > 1 && seen.get(1).is_some_and(is_settled) {
            seen.pop_front();
        }
        seen.front().filter(|sample| is_settled(sample)).map(|(_, number)| *number)
    }
}

#[derive(Debug, SurrealValue)]
struct FloorReading {
    newest: Option<i64>,
    queued: Option<i64>,
    running: Option<i64>,
}

impl Store {
    /// Reads the floor a previous process (or another node) kept.
    pub(super) async fn load_active_floor(&self) -> Result<(), StoreError> {
        let mut response = self
            .query("RETURN (SELECT VALUE active_from FROM meta:queue)[0]")
            .await
            .map_err(StoreError::query("read the queue's floor"))?;
        let kept: Option<i64> = response.take(0).map_err(StoreError::query("read the queue's floor"))?;
        if let Some(kept) = kept {
            self.active_floor.set(kept);
        }
        Ok(())
    }

    /// Moves the floor up as far as it safely goes; one call in `SWEEP_EVERY` checks it from the
    /// start instead. Called every few seconds; cheap.
    pub async fn advance_active_floor(&self) -> Result<(), StoreError> {
        let sweep = self.active_floor.moves.fetch_add(1, Ordering::Relaxed).is_multiple_of(SWEEP_EVERY);
        self.advance_active_floor_from(if sweep { 1 } else { self.active_floor.get() }).await
    }

    /// Moves the floor, reading the active runs from `from`.
    pub(super) async fn advance_active_floor_from(&self, from: i64) -> Result<(), StoreError> {
        let mut response = self
            .query(
                "RETURN {
                     newest: (SELECT VALUE number FROM run ORDER BY id DESC LIMIT 1)[0],
                     queued: (SELECT VALUE number FROM run WHERE status = 'queued' AND number >= $from
                         ORDER BY number LIMIT 1)[0],
                     running: (SELECT VALUE number FROM run WHERE status = 'running' AND number >= $from
                         ORDER BY number LIMIT 1)[0],
                 }",
            )
            .bind("from", from)
            .await
            .map_err(StoreError::query("read the queue's floor"))?;
        let reading: Option<FloorReading> = response.take(0).map_err(StoreError::query("read the queue's floor"))?;
        let Some(reading) = reading else { return Ok(()) };
        let floor = &self.active_floor;
        let current = floor.get();
        let lowest_active = reading.queued.into_iter().chain(reading.running).min();
        if let Some(lowest) = lowest_active.filter(|lowest| *lowest < current) {
            tracing::error!(
                run_id = lowest,
                floor = current,
                "an active run lies below where the queue is read from; reading it from there on"
            );
            floor.set(lowest);
            return self.keep_active_floor(lowest).await;
        }
        let Some(settled) = floor.settled_newest(reading.newest.unwrap_or(0)) else { return Ok(()) };
        let raised = lowest_active.unwrap_or(i64::MAX).min(settled + 1);
        if raised > current {
            floor.set(raised);
            self.keep_active_floor(raised).await?;
        }
        Ok(())
    }

    async fn keep_active_floor(&self, floor: i64) -> Result<(), StoreError> {
        self.query("UPSERT meta:queue SET active_from = $floor RETURN NONE")
            .bind("floor", floor)
            .await
            .and_then(checked)
            .map_err(StoreError::query("keep the queue's floor"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
