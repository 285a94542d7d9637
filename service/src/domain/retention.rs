//! How long runs and their logs are kept: by age, by count, or both (whichever lets go first).
//! Logs are the bulk of what a run stores; a run's record and test results (its summary and
//! its tests' history) are small and kept longer.

use chrono::{DateTime, Duration, Utc};

use super::RunId;

/// What is kept of one kind of record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Keep {
    /// Kept for this many days after the run was created; forever when absent.
    pub days: Option<u32>,
    /// Kept for the newest this many runs; all when absent.
    pub newest: Option<u64>,
}

impl Keep {
    /// Whether a run created at `created_at` with id `id` is past keeping at `now`, when the
    /// oldest of the newest `self.newest` runs is `oldest_of_newest` (none when there are not
    /// that many runs). Run ids may have gaps, so the count is of runs, not of ids.
    pub fn expired(
        &self,
        id: RunId,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
        oldest_of_newest: Option<RunId>,
    ) -> bool {
        let too_old = self.days.is_some_and(|days| created_at < now - Duration::days(i64::from(days)));
        let too_many = self.newest.is_some() && oldest_of_newest.is_some_and(|oldest| id < oldest);
        too_old || too_many
    }

    /// Nothing is ever let go.
    pub fn is_forever(&self) -> bool {
        self.days.is_none() && self.newest.is_none()
    }
}

/// The service's retention settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// A run's record and test results; its log goes with it.
    pub runs: Keep,
    /// A run's log alone.
    pub logs: Keep,
}

/// About what a run takes in the database beyond its log and its test results: its record and
/// its index entries.
pub const RUN_RECORD_BYTES: u64 = 512;
/// About what a test result takes besides its texts.
pub const TEST_RESULT_RECORD_BYTES: u64 = 96;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_expires_by_age_or_by_count_whichever_comes_first() {
        let now = Utc::now();
        let keep = Keep { days: Some(30), newest: Some(100) };
        // The 100th newest run is run 901.
        let oldest_kept = Some(RunId(901));
        assert!(!keep.expired(RunId(990), now - Duration::days(29), now, oldest_kept));
        assert!(keep.expired(RunId(990), now - Duration::days(31), now, oldest_kept), "too old");
        assert!(keep.expired(RunId(900), now, now, oldest_kept), "older than the 100 newest");
        assert!(!keep.expired(RunId(901), now, now, oldest_kept), "the 100th newest");
        assert!(!keep.expired(RunId(1), now, now, None), "fewer than 100 runs");
        let forever = Keep::default();
        assert!(forever.is_forever());
        assert!(!forever.expired(RunId(1), now - Duration::days(10_000), now, Some(RunId(5))));
    }
}
