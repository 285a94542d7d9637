//! The service's own figures in Prometheus's text format (`GET /metrics`): its memory (the
//! process collector's `process_resident_memory_bytes`), open live streams, the queue, runs
//! created and ended by status, how long runs took and how much memory they peaked at, and
//! which environments are held. So Testbay can be watched for leaks as its guide advises.

use std::collections::HashSet;
use std::sync::Arc;

use prometheus::core::Collector;
use prometheus::{Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};
use tokio::sync::broadcast::error::RecvError;

use crate::domain::{Environment, EnvironmentHold, Run, RunId};
use crate::events::{EventHub, ListChange};

/// The registry and the metrics Testbay keeps itself.
pub struct Metrics {
    registry: Registry,
    runs_created: IntCounter,
    runs_ended: IntCounterVec,
    run_duration: Histogram,
    run_peak_memory: Histogram,
    open_streams: IntGauge,
    queued: IntGauge,
    running: IntGauge,
    environment_held: IntGaugeVec,
}

/// Held while a live stream is open; the gauge goes down when it is dropped.
pub struct OpenStream(IntGauge);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl Metrics {
    pub fn new() -> prometheus::Result<Metrics> {
        const MIB: f64 = 1024.0 * 1024.0;
        let registry = Registry::new();
        let metrics = Metrics {
            runs_created: IntCounter::new("testbay_runs_created_total", "Runs created through this node")?,
            runs_ended: IntCounterVec::new(
                Opts::new("testbay_runs_ended_total", "Runs this node saw end, by final status"),
                &["status"],
            )?,
            run_duration: Histogram::with_opts(
                HistogramOpts::new("testbay_run_duration_seconds", "How long ended runs ran, from start to end")
                    .buckets(vec![1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 4.0 * 3600.0]),
            )?,
            run_peak_memory: Histogram::with_opts(
                HistogramOpts::new("testbay_run_peak_memory_bytes", "The memory ended runs peaked at")
                    .buckets(prometheus::exponential_buckets(16.0 * MIB, 2.0, 10)?),
            )?,
            open_streams: IntGauge::new(
                "testbay_open_streams",
                "Live event streams open (run pages, runs lists, CLIs)",
            )?,
            queued: IntGauge::new("testbay_queue_length", "Runs waiting in the queue for a node with a free slot")?,
            running: IntGauge::new("testbay_runs_running", "Runs executing on this node")?,
            environment_held: IntGaugeVec::new(
                Opts::new("testbay_environment_held", "1 while an active run holds the environment"),
                &["environment"],
            )?,
            registry,
        };
        let collectors: [Box<dyn Collector>; 8] = [
            Box::new(metrics.runs_created.clone()),
            Box::new(metrics.runs_ended.clone()),
            Box::new(metrics.run_duration.clone()),
            Box::new(metrics.run_peak_memory.clone()),
            Box::new(metrics.open_streams.clone()),
            Box::new(metrics.queued.clone()),
            Box::new(metrics.running.clone()),
            Box::new(metrics.environment_held.clone()),
        ];
        for collector in collectors {
            metrics.registry.register(collector)?;
        }
        // The process's own memory, CPU and file descriptors, under the standard names.
        metrics.registry.register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))?;
        Ok(metrics)
    }

    /// Counts runs as they are created and end, from the runs list's stream.
    pub fn follow_runs(self: &Arc<Self>, hub: &EventHub) {
        let (_, mut events) = hub.subscribe_list(None);
        let metrics = Arc::clone(self);
        tokio::spawn(async move {
            // The runs seen active, so that each end is counted once.
            let mut active: HashSet<RunId> = HashSet::new();
            loop {
                match events.recv().await {
                    // Each node counts what it created and executed: the others count theirs.
                    Ok(event) if event.from_other_node => {}
                    Ok(event) => {
                        if event.change == ListChange::Created {
                            metrics.runs_created.inc();
                        }
                        if event.run.status.is_active() {
                            active.insert(event.run.id);
                        } else if active.remove(&event.run.id) {
                            metrics.observe_end(&event.run);
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "the metrics missed some run changes");
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }

    fn observe_end(&self, run: &Run) {
        self.runs_ended.with_label_values(&[run.status.as_str()]).inc();
        if let (Some(started), Some(finished)) = (run.started_at, run.finished_at) {
            self.run_duration.observe((finished - started).num_milliseconds() as f64 / 1000.0);
        }
        if let Some(peak) = run.resources.peak_memory_bytes {
            self.run_peak_memory.observe(peak as f64);
        }
    }

    /// Counts a live stream open until the returned guard is dropped.
    pub fn stream_opened(&self) -> OpenStream {
        self.open_streams.inc();
        OpenStream(self.open_streams.clone())
    }

    /// The text exposition, with the gauges read now.
    pub fn render(&self, queued: usize, running: usize, holds: &[EnvironmentHold]) -> String {
        self.queued.set(i64::try_from(queued).unwrap_or(i64::MAX));
        self.running.set(i64::try_from(running).unwrap_or(i64::MAX));
        for environment in Environment::all() {
            let held = holds.iter().any(|hold| hold.environment == environment && hold.run_id.is_some());
            self.environment_held.with_label_values(&[&environment.to_string()]).set(i64::from(held));
        }
        let mut text = Vec::new();
        if let Err(error) = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut text) {
            tracing::error!(error = %error, "cannot write the metrics");
        }
        String::from_utf8(text).unwrap_or_default()
    }
}
