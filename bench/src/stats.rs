//! Timings and their summaries.

use std::time::Instant;

/// Milliseconds taken by each of a series of requests.
#[derive(Clone, Debug, Default)]
pub struct Samples(Vec<f64>);

impl Samples {
    pub fn push(&mut self, ms: f64) {
        self.0.push(ms);
    }

    pub fn extend(&mut self, other: Samples) {
        self.0.extend(other.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The `index`th sample, in the order pushed.
    pub fn get(&self, index: usize) -> f64 {
        self.0[index]
    }

    /// The `p`th percentile (0-100), nearest rank.
    pub fn percentile(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    pub fn p50(&self) -> f64 {
        self.percentile(50.0)
    }

    pub fn p99(&self) -> f64 {
        self.percentile(99.0)
    }
}

/// Runs `step` and returns its result and the milliseconds it took.
pub async fn timed<T>(step: impl std::future::Future<Output = T>) -> (T, f64) {
    let started = Instant::now();
    let value = step.await;
    (value, started.elapsed().as_secs_f64() * 1000.0)
}
