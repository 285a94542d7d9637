//! A run's memory and CPU over time: a sample a second while it runs, kept to a bounded number
//! of points however long the run lasts.

/// The run's processes at one moment: memory in use (the cgroup's, or the process tree's
/// resident memory under rlimits) and the CPU time they have used so far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResourceSample {
    /// Milliseconds since the run started.
    pub at_ms: u64,
    pub memory_bytes: u64,
    pub cpu_seconds: f64,
}

/// A run's samples, oldest first. Once it holds `MAX_POINTS`, neighbouring points are merged
/// in pairs (keeping the higher memory, so a peak is never lost, and the later time and CPU
/// total): a one-hour run keeps a point every eight seconds, and its series stays a few KiB.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceSeries {
    points: Vec<ResourceSample>,
}

impl ResourceSeries {
    pub const MAX_POINTS: usize = 600;

    pub fn from_points(points: Vec<ResourceSample>) -> ResourceSeries {
        let mut series = ResourceSeries { points };
        while series.points.len() > Self::MAX_POINTS {
            series.halve();
        }
        series
    }

    pub fn push(&mut self, sample: ResourceSample) {
        self.points.push(sample);
        if self.points.len() > Self::MAX_POINTS {
            self.halve();
        }
    }

    pub fn points(&self) -> &[ResourceSample] {
        &self.points
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The highest memory sampled.
    pub fn peak_memory_bytes(&self) -> Option<u64> {
        self.points.iter().map(|point| point.memory_bytes).max()
    }

    fn halve(&mut self) {
        self.points = self
            .points
            .chunks(2)
            .map(|pair| match pair {
                [earlier, later] => {
                    ResourceSample { memory_bytes: earlier.memory_bytes.max(later.memory_bytes), ..*later }
                }
                [single] => *single,
                _ => unreachable!("chunks(2) gives one or two"),
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(second: u64, memory_bytes: u64) -> ResourceSample {
        ResourceSample { at_ms: second * 1000, memory_bytes, cpu_seconds: second as f64 / 2.0 }
    }

    #[test]
    fn an_hour_of_samples_stays_bounded_and_keeps_its_peak() {
        let mut series = ResourceSeries::default();
        for second in 0..3600 {
            let memory = if second == 1234 { 10_000 } else { 100 + second };
            series.push(sample(second, memory));
        }
        assert!(series.points().len() <= ResourceSeries::MAX_POINTS);
        assert!(series.points().len() >= ResourceSeries::MAX_POINTS / 2);
        assert_eq!(series.peak_memory_bytes(), Some(10_000), "the spike survives the merging");
        assert_eq!(series.points().iter().map(|point| point.memory_bytes).filter(|m| *m > 3699).count(), 1);
        assert!(series.points().windows(2).all(|pair| pair[0].at_ms < pair[1].at_ms));
        let last = series.points().last().expect("a point");
        assert_eq!((last.at_ms, last.cpu_seconds), (3_599_000, 1799.5));
    }

    #[test]
    fn stored_points_beyond_the_bound_are_merged() {
        let series = ResourceSeries::from_points((0..1500).map(|second| sample(second, second)).collect());
        assert!(series.points().len() <= ResourceSeries::MAX_POINTS);
        assert_eq!(series.peak_memory_bytes(), Some(1499));
    }
}
