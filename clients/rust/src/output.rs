//! What the command line prints for people: tables and summaries, coloured on a terminal
//! (`anstream` drops the colours when the output is not one, or when `NO_COLOR` is set).

use std::fmt::Display;
use std::io::Write;

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, Local, Utc};
use serde_json::Value;

use super::models::{Counts, Run, RunStatus, TestOutcome, TestResult};
use testbay_protocol::failure_summary;

/// Prints a line on stdout. A closed pipe (`testbay runs | head`) is not an error worth a
/// panic: the reader has what it wanted.
pub fn say(line: impl Display) {
    let _ = writeln!(anstream::stdout(), "{line}");
}

/// Prints text as it is on stdout, ignoring a closed pipe.
pub fn print(text: &str) {
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Prints a line on stderr: what a person should know that is not the command's output.
pub fn tell(line: impl Display) {
    let _ = writeln!(anstream::stderr(), "{line}");
}

/// The API's JSON, pretty, on stdout: `--json` output is exactly this.
pub fn json(value: &Value) {
    say(serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()));
}

pub fn status_style(status: RunStatus) -> Style {
    let color = match status {
        RunStatus::Passed => AnsiColor::Green,
        RunStatus::Failed => AnsiColor::Red,
        RunStatus::Error | RunStatus::TimedOut | RunStatus::Interrupted => AnsiColor::Magenta,
        RunStatus::Cancelled => AnsiColor::BrightBlack,
        RunStatus::Running => AnsiColor::Blue,
        RunStatus::Queued => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// A status in its colour.
pub fn status(status: RunStatus) -> String {
    styled(status_style(status), &status.to_string())
}

/// `text` in `style`.
pub fn styled(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// The counts that are not zero, e.g. `5 passed, 1 failed`.
pub fn counts(counts: &Counts) -> String {
    let parts: Vec<String> = [
        (counts.passed, "passed"),
        (counts.failed, "failed"),
        (counts.errors, "errors"),
        (counts.skipped, "skipped"),
        (counts.xfailed, "xfailed"),
        (counts.xpassed, "xpassed"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if parts.is_empty() { "no tests".into() } else { parts.join(", ") }
}

/// A size in bytes, in the unit that reads best: `812 B`, `14.2 KiB`, `3.1 MiB`.
pub fn bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

pub fn local_time(time: &DateTime<Utc>) -> String {
    time.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// One line on how a run ended (or stands), e.g. `run 12 failed: 5 passed, 1 failed in 2.1 s`.
pub fn run_summary(run: &Run) -> String {
    let mut line = format!("run {} {}: {}", run.id, status(run.status), counts(&run.counts));
    if let Some(seconds) = run.duration_s {
        line.push_str(&format!(" in {seconds:.1} s"));
    }
    if let Some(message) = &run.message {
        line.push_str(&format!(" ({message})"));
    }
    if let Some(changes) = &run.failure_changes {
        let mut parts = Vec::new();
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        if changes.new_failures.count > 0 {
            let n = changes.new_failures.count;
            parts.push(styled(
                Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
                &format!("{n} new failure{}", plural(n)),
            ));
        }
        if changes.still_failing.count > 0 {
            parts.push(format!("{} still failing", changes.still_failing.count));
        }
        if changes.fixed.count > 0 {
            parts.push(format!("{} fixed", changes.fixed.count));
        }
        if !parts.is_empty() {
            line.push_str(&format!("; {}", parts.join(", ")));
        }
    }
    line
}

/// The colour of a test's outcome.
pub fn outcome_style(outcome: TestOutcome) -> Style {
    let color = match outcome {
        TestOutcome::Passed | TestOutcome::Xfailed => AnsiColor::Green,
        TestOutcome::Failed => AnsiColor::Red,
        TestOutcome::Error => AnsiColor::Magenta,
        TestOutcome::Skipped | TestOutcome::Xpassed => AnsiColor::Yellow,
    };
    Style::new().fg_color(Some(color.into()))
}

/// The failed and erroring tests, one a line with the reason their report gives; those that
/// failed for the first time (passed, or never ran, before in the environment) say `new`.
pub fn failed_tests(results: &[TestResult], run: &Run) -> Vec<String> {
    let new = |node_id: &str| {
        run.failure_changes.as_ref().is_some_and(|changes| changes.new_failures.node_ids.iter().any(|id| id == node_id))
    };
    results
        .iter()
        .filter(|r| matches!(r.outcome, TestOutcome::Failed | TestOutcome::Error))
        .map(|r| {
            let (label, color) = match r.outcome {
                TestOutcome::Error => ("ERROR ", AnsiColor::Magenta),
                _ => ("FAILED", AnsiColor::Red),
            };
            let reason =
                r.failure.as_deref().and_then(failure_summary).map(|line| format!(" - {line}")).unwrap_or_default();
            let label = styled(Style::new().fg_color(Some(color.into())).bold(), label);
            let fresh = if new(&r.node_id) { styled(Style::new().bold(), " (new failure)") } else { String::new() };
            format!("{label} {}{fresh}{reason}", r.node_id)
        })
        .collect()
}

/// A table: a header row, then rows; cells are padded by their visible width, and a cell may
/// carry a style.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<(String, Style)>>,
}

impl Table {
    pub fn new(header: Vec<&'static str>) -> Table {
        Table { header, rows: Vec::new() }
    }

    pub fn row(&mut self, cells: Vec<(String, Style)>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (index, (text, _)) in row.iter().enumerate().take(columns) {
                widths[index] = widths[index].max(text.chars().count());
            }
        }
        let bold = Style::new().bold();
        let mut out = String::new();
        let header: Vec<(String, Style)> = self.header.iter().map(|h| ((*h).to_owned(), bold)).collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let mut line = String::new();
            for (index, (text, style)) in row.iter().enumerate().take(columns) {
                let last = index + 1 == row.len().min(columns);
                let padding = if last { 0 } else { widths[index] - text.chars().count() + 2 };
                line.push_str(&styled(*style, text));
                line.push_str(&" ".repeat(padding));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A plain cell.
pub fn cell(text: impl Into<String>) -> (String, Style) {
    (text.into(), Style::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_their_unit() {
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(14_541), "14.2 KiB");
        assert_eq!(bytes(3 * 1024 * 1024 + 200_000), "3.2 MiB");
    }

    #[test]
    fn a_table_pads_by_visible_width() {
        let mut table = Table::new(vec!["RUN", "STATUS", "PATHS"]);
        table.row(vec![cell("1"), (String::from("passed"), Style::new().bold()), cell("math")]);
        table.row(vec![cell("12"), cell("é"), cell("text")]);
        let plain = anstream::adapter::strip_str(&table.render()).to_string();
        assert_eq!(plain, "RUN  STATUS  PATHS\n1    passed  math\n12   é       text\n");
    }

    #[test]
    fn counts_leave_out_zeros() {
        assert_eq!(counts(&Counts::default()), "no tests");
        assert_eq!(counts(&Counts { passed: 3, failed: 1, ..Counts::default() }), "3 passed, 1 failed");
    }
}
