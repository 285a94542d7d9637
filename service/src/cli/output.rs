//! What the command line prints for people: tables and summaries, coloured on a terminal
//! (`anstream` drops the colours when the output is not one, or when `NO_COLOR` is set).

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, Local, Utc};
use serde_json::Value;

use crate::api::models::{CountsView, RunStatusView, RunView, TestOutcomeView, TestResultView};
use crate::domain::failure_summary;

pub fn status_style(status: RunStatusView) -> Style {
    let color = match status {
        RunStatusView::Passed => AnsiColor::Green,
        RunStatusView::Failed => AnsiColor::Red,
        RunStatusView::Error | RunStatusView::TimedOut | RunStatusView::Interrupted => AnsiColor::Magenta,
        RunStatusView::Cancelled => AnsiColor::BrightBlack,
        RunStatusView::Running => AnsiColor::Blue,
        RunStatusView::Queued => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

pub fn status_name(status: RunStatusView) -> &'static str {
    match status {
        RunStatusView::Queued => "queued",
        RunStatusView::Running => "running",
        RunStatusView::Passed => "passed",
        RunStatusView::Failed => "failed",
        RunStatusView::Error => "error",
        RunStatusView::Cancelled => "cancelled",
        RunStatusView::TimedOut => "timed_out",
        RunStatusView::Interrupted => "interrupted",
    }
}

/// `text` in `style`.
pub fn styled(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// The counts that are not zero, e.g. `5 passed, 1 failed`.
pub fn counts(counts: &CountsView) -> String {
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

pub fn local_time(time: &DateTime<Utc>) -> String {
    time.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// One line on how a run ended (or stands), e.g. `run 12 failed: 5 passed, 1 failed in 2.1 s`.
pub fn run_summary(run: &RunView) -> String {
    let mut line = format!(
        "run {} {}: {}",
        run.id,
        styled(status_style(run.status), status_name(run.status)),
        counts(&run.counts)
    );
    if let Some(seconds) = run.duration_s {
        line.push_str(&format!(" in {seconds:.1} s"));
    }
    if let Some(message) = &run.message {
        line.push_str(&format!(" ({message})"));
    }
    line
}

/// The failed and erroring tests, one a line with the last line of their report.
pub fn failed_tests(results: &[TestResultView]) -> Vec<String> {
    results
        .iter()
        .filter(|r| matches!(r.outcome, TestOutcomeView::Failed | TestOutcomeView::Error))
        .map(|r| {
            let (label, color) = match r.outcome {
                TestOutcomeView::Error => ("ERROR ", AnsiColor::Magenta),
                _ => ("FAILED", AnsiColor::Red),
            };
            let reason =
                r.failure.as_deref().and_then(failure_summary).map(|line| format!(" - {line}")).unwrap_or_default();
            format!("{} {}{reason}", styled(Style::new().fg_color(Some(color.into())).bold(), label), r.node_id)
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

/// JSON for machines, as the API gave it.
pub fn json(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let none = CountsView { passed: 0, failed: 0, skipped: 0, errors: 0, xfailed: 0, xpassed: 0, total: 0 };
        assert_eq!(counts(&none), "no tests");
        assert_eq!(counts(&CountsView { passed: 3, failed: 1, ..none }), "3 passed, 1 failed");
    }
}
