//! What `testbay show` says of a run's memory: a one-line sparkline of its samples with its
//! peak, and the tests that grew the pytest process's memory most.

use super::CliError;
use super::client::{Client, parse};
use super::models::{ResourceSeries, TestResult};
use super::output::{bytes, say};

/// Cells of the sparkline, at most.
const SPARK_WIDTH: usize = 40;
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Tests that grew memory less than this are not worth a line.
const NOTABLE_GROWTH: i64 = 1024 * 1024;
const TOP_TESTS: usize = 3;

/// `▁▂▃▅▇█ peak 64.0 MiB of 2.0 GiB (42 samples)`, or `None` for a run without samples.
pub async fn fact(client: &Client, id: i64) -> Result<Option<String>, CliError> {
    let resources: ResourceSeries = parse(&client.get(&format!("/runs/{id}/resources")).await?)?;
    let memory: Vec<u64> = resources.points.iter().map(|point| point.memory_bytes).collect();
    let Some(peak) = resources.peak_memory_bytes.filter(|_| !memory.is_empty()) else { return Ok(None) };
    Ok(Some(format!(
        "{} peak {} of {} ({} samples)",
        sparkline(&memory),
        bytes(peak),
        bytes(resources.memory_limit_bytes),
        memory.len()
    )))
}

/// Prints the tests that grew memory by a MiB or more, most first.
pub fn print_top_growth(results: &[TestResult]) {
    let mut growing: Vec<_> = results
        .iter()
        .filter_map(|test| Some((test.memory_growth_bytes.filter(|g| *g >= NOTABLE_GROWTH)?, &test.node_id)))
        .collect();
    if growing.is_empty() {
        return;
    }
    growing.sort_by_key(|(growth, _)| std::cmp::Reverse(*growth));
    say("memory growth, most first:");
    for (growth, node_id) in growing.into_iter().take(TOP_TESTS) {
        say(format!("  {:>11}  {node_id}", format!("+{}", bytes(growth.unsigned_abs()))));
    }
}

/// The values scaled from zero to their maximum, at most `SPARK_WIDTH` cells (the highest of
/// each stretch, so a peak shows).
fn sparkline(values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let per_cell = values.len().div_ceil(SPARK_WIDTH).max(1);
    values
        .chunks(per_cell)
        .map(|stretch| {
            let high = stretch.iter().copied().max().unwrap_or(0);
            let level = (high as f64 / max as f64 * (SPARKS.len() - 1) as f64).round() as usize;
            SPARKS[level.min(SPARKS.len() - 1)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_rises_with_memory_and_keeps_its_peak() {
        assert_eq!(sparkline(&[0, 10, 20, 30, 40, 50, 60, 70]), "▁▂▃▄▅▆▇█");
        let long: Vec<u64> = (0..400).map(|i| if i == 123 { 1000 } else { 10 }).collect();
        let line = sparkline(&long);
        assert_eq!(line.chars().count(), SPARK_WIDTH);
        assert_eq!(line.chars().filter(|c| *c == '█').count(), 1);
    }
}
