//! A run's memory and CPU over time, as the API shows them.

use poem_openapi::Object;

use super::runs::EnforcementView;
use crate::domain::{ResourceSample, ResourceSeries, Run};

/// One sample of a run's processes.
#[derive(Clone, Debug, Object)]
pub struct ResourcePointView {
    /// Seconds since the run started.
    pub at_s: f64,
    /// Memory in use: the run's cgroup's (what its memory limit counts, page cache included),
    /// or under rlimits the resident memory of its process group.
    pub memory_bytes: u64,
    /// CPU time the run's processes have used so far, in seconds.
    pub cpu_seconds: f64,
}

impl From<&ResourceSample> for ResourcePointView {
    fn from(sample: &ResourceSample) -> Self {
        ResourcePointView {
            at_s: sample.at_ms as f64 / 1000.0,
            memory_bytes: sample.memory_bytes,
            cpu_seconds: sample.cpu_seconds,
        }
    }
}

/// A run's memory and CPU, sampled every second while it runs. Long runs keep at most 600
/// points: neighbours are merged (keeping the higher memory), so a peak is never lost.
#[derive(Debug, Object)]
pub struct ResourceSeriesView {
    /// How the run was contained, which says what `memory_bytes` measures; absent before it
    /// started.
    #[oai(nullable)]
    pub enforcement: Option<EnforcementView>,
    /// The run's memory limit, to draw against.
    pub memory_limit_bytes: u64,
    /// The run's CPU limit, in thousandths of a core.
    pub cpu_limit_millicores: u32,
    /// The highest memory sampled.
    #[oai(nullable)]
    pub peak_memory_bytes: Option<u64>,
    /// Oldest first.
    pub points: Vec<ResourcePointView>,
}

impl ResourceSeriesView {
    pub fn of(run: &Run, series: &ResourceSeries) -> Self {
        ResourceSeriesView {
            enforcement: run.enforcement.map(Into::into),
            memory_limit_bytes: run.limits.memory_bytes,
            cpu_limit_millicores: run.limits.cpu_millicores,
            peak_memory_bytes: series.peak_memory_bytes(),
            points: series.points().iter().map(ResourcePointView::from).collect(),
        }
    }
}
