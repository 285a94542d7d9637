//! `testbay history`, `testbay flaky` and `testbay slow`: each test across runs.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::args::{FlakyArgs, HistoryArgs, SlowArgs};
use super::client::parse;
use super::commands::connect;
use super::models::{RunStatus, TestOutcome};
use super::output::{self, Table, cell, say};
use super::{CliError, EXIT_PASSED};

#[derive(Clone, Copy, Debug, Deserialize)]
pub struct RunMark {
    pub run_id: i64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
struct HistoryEntry {
    run_id: i64,
    environment: Option<u8>,
    at: Option<DateTime<Utc>>,
    user: Option<String>,
    outcome: TestOutcome,
    duration_s: f64,
    failure_summary: Option<String>,
    file_hash: Option<String>,
    #[serde(default)]
    run_status: Option<RunStatus>,
}

#[derive(Debug, Deserialize)]
struct TestRecord {
    node_id: String,
    environment: u8,
    runs: u64,
    failures: u64,
    last_outcome: TestOutcome,
    failing_since: Option<RunMark>,
    verdicts: u64,
    flips: u64,
    flip_rate: f64,
    median_duration_s: Option<f64>,
    duration_growth: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct TestHistory {
    entries: Vec<HistoryEntry>,
    environments: Vec<TestRecord>,
    first_failure: Option<RunMark>,
}

#[derive(Debug, Deserialize)]
struct FlakyTest {
    node_id: String,
    flip_rate: f64,
    flips: u64,
    verdicts: u64,
    last_flip: RunMark,
    environments: Vec<u8>,
}

#[derive(Debug, Deserialize)]
struct FlakyTestList {
    days: u32,
    items: Vec<FlakyTest>,
}

#[derive(Debug, Deserialize)]
struct SlowTestList {
    slowest: Vec<TestRecord>,
    slower: Vec<TestRecord>,
    growth: f64,
}

fn percent(rate: f64) -> String {
    format!("{:.0} %", rate * 100.0)
}

fn when(mark: &RunMark) -> String {
    format!("run {} ({})", mark.run_id, output::local_time(&mark.at))
}

pub async fn history(args: HistoryArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let mut query = vec![("node_id", args.node_id.clone()), ("limit", args.limit.to_string())];
    if let Some(environment) = args.environment {
        query.push(("environment", environment.to_string()));
    }
    if let Some(days) = args.days {
        let since = Utc::now() - chrono::Duration::days(days.into());
        query.push(("since", since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    }
    let answer = client.get_with("/tests/history", &query).await?;
    if args.json {
        output::json(&answer);
        return Ok(EXIT_PASSED);
    }
    let history: TestHistory = parse(&answer)?;
    if history.entries.is_empty() && history.environments.is_empty() {
        say(format!("{} has no results: no run has reported it", args.node_id));
        return Ok(EXIT_PASSED);
    }
    say(&args.node_id);
    for record in &history.environments {
        let standing = match record.failing_since {
            Some(since) => format!("failing since {}", when(&since)),
            None => format!("last {}", record.last_outcome.as_str()),
        };
        let mut line =
            format!("  env {}: {} runs, {} failed, {standing}", record.environment, record.runs, record.failures);
        if record.flips > 0 {
            line.push_str(&format!(
                "; flaky: {} flips in {} verdicts on this file ({})",
                record.flips,
                record.verdicts,
                percent(record.flip_rate)
            ));
        }
        say(line);
    }
    if let Some(first) = history.first_failure {
        say(format!("  first failure: {}", when(&first)));
    }
    let mut table = Table::new(vec!["RUN", "WHEN", "ENV", "USER", "OUTCOME", "TIME", "FILE", "REASON"]);
    for (index, entry) in history.entries.iter().enumerate() {
        // The file's content differs from the result before (the next one down).
        let older = history.entries.get(index + 1).and_then(|older| older.file_hash.as_deref());
        let changed = matches!((entry.file_hash.as_deref(), older), (Some(now), Some(before)) if now != before);
        let file = entry.file_hash.as_deref().map_or_else(String::new, |hash| {
            format!("{}{}", hash.chars().take(8).collect::<String>(), if changed { " changed" } else { "" })
        });
        let outcome = match entry.run_status {
            Some(RunStatus::Running | RunStatus::Queued) => format!("{} (running)", entry.outcome.as_str()),
            _ => entry.outcome.as_str().to_owned(),
        };
        table.row(vec![
            cell(entry.run_id.to_string()),
            cell(entry.at.as_ref().map(output::local_time).unwrap_or_default()),
            cell(entry.environment.map(|n| n.to_string()).unwrap_or_default()),
            cell(entry.user.clone().unwrap_or_default()),
            (outcome, output::outcome_style(entry.outcome)),
            cell(format!("{:.2} s", entry.duration_s)),
            cell(file),
            cell(entry.failure_summary.clone().unwrap_or_default()),
        ]);
    }
    output::print(&table.render());
    Ok(EXIT_PASSED)
}

pub async fn flaky(args: FlakyArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let answer = client.get_with("/tests/flaky", &[("days", args.days.to_string())]).await?;
    if args.json {
        output::json(&answer);
        return Ok(EXIT_PASSED);
    }
    let list: FlakyTestList = parse(&answer)?;
    if list.items.is_empty() {
        say(format!("no flaky tests: none flipped on unchanged code in the last {} days", list.days));
        return Ok(EXIT_PASSED);
    }
    let mut table = Table::new(vec!["TEST", "FLIP RATE", "FLIPS", "LAST FLIP", "ENVS"]);
    for test in &list.items {
        let environments: Vec<String> = test.environments.iter().map(u8::to_string).collect();
        table.row(vec![
            cell(test.node_id.clone()),
            cell(percent(test.flip_rate)),
            cell(format!("{} of {}", test.flips, test.verdicts)),
            cell(when(&test.last_flip)),
            cell(environments.join(",")),
        ]);
    }
    output::print(&table.render());
    Ok(EXIT_PASSED)
}

pub async fn slow(args: SlowArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let query = [("limit", args.limit.to_string()), ("growth", args.growth.to_string())];
    let answer = client.get_with("/tests/slow", &query).await?;
    if args.json {
        output::json(&answer);
        return Ok(EXIT_PASSED);
    }
    let list: SlowTestList = parse(&answer)?;
    let table_of = |records: &[TestRecord]| {
        let mut table = Table::new(vec!["TEST", "ENV", "MEDIAN", "GROWTH"]);
        for record in records {
            table.row(vec![
                cell(record.node_id.clone()),
                cell(record.environment.to_string()),
                cell(record.median_duration_s.map(|s| format!("{s:.2} s")).unwrap_or_default()),
                cell(record.duration_growth.map(|g| format!("{g:.1}x")).unwrap_or_default()),
            ]);
        }
        table.render()
    };
    say("slowest (median of the last 20 passes):");
    output::print(&table_of(&list.slowest));
    if list.slower.is_empty() {
        say(format!("no test grew {:.1}x slower (last 10 passes against the 10 before)", list.growth));
    } else {
        say(format!("grown {:.1}x slower or more (last 10 passes against the 10 before):", list.growth));
        output::print(&table_of(&list.slower));
    }
    Ok(EXIT_PASSED)
}
