//! The figures as one Markdown table, the form `bench/README.md` keeps them in.

use std::fmt::Write;

use crate::figures::LevelFigures;
use crate::overhead::Overhead;
use crate::service::{Rss, ServiceSpec};
use crate::stats::Samples;

/// Picks one figure's samples out of a level's.
type Pick = fn(&LevelFigures) -> &Samples;

pub fn render(
    spec: &ServiceSpec,
    idle: Rss,
    levels: &[LevelFigures],
    latency: Option<&Samples>,
    overhead: Option<&Overhead>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "binary: `{}`", spec.binary.display());
    let _ = writeln!(out, "date: {}\n", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    let mut header = "| figure (ms unless said) |".to_owned();
    let mut rule = "| --- |".to_owned();
    for level in levels {
        let _ = write!(header, " {} runs |", thousands(level.runs));
        rule.push_str(" ---: |");
    }
    if levels.len() > 1 {
        header.push_str(" last ÷ first |");
        rule.push_str(" ---: |");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    let rows: [(&str, Pick); 9] = [
        ("`GET /api/runs`, first page", |l| &l.list_first),
        ("… `?user=`", |l| &l.list_user),
        ("… `?environment=`", |l| &l.list_environment),
        ("… `?status=`", |l| &l.list_status),
        ("… `?template=`", |l| &l.list_template),
        ("… a deep page through `cursor`", |l| &l.deep_page.1),
        ("`GET /api/environments`", |l| &l.environments),
        ("`POST /api/runs`, one client", |l| &l.create_one),
        ("`POST /api/runs`, 8 clients at once", |l| &l.create_eight),
    ];
    for (name, samples_of) in rows {
        for (label, pick) in [("p50", Samples::p50 as fn(&Samples) -> f64), ("p99", Samples::p99)] {
            let mut line = format!("| {name} {label} |");
            let values: Vec<f64> = levels.iter().map(|level| pick(samples_of(level))).collect();
            for value in &values {
                let _ = write!(line, " {value:.2} |");
            }
            if let (Some(first), Some(last)) = (values.first(), values.last())
                && levels.len() > 1
            {
                let _ = write!(line, " {:.2} |", last / first);
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let mut pages = "| deep page read |".to_owned();
    let mut rss = "| service RSS after the figures, anonymous / total (MB) |".to_owned();
    for level in levels {
        let _ = write!(pages, " {} |", level.deep_page.0);
        let _ = write!(rss, " {:.0} / {:.0} |", mb(level.rss_after.anonymous), mb(level.rss_after.total));
    }
    if levels.len() > 1 {
        pages.push_str(" |");
        rss.push_str(" |");
    }
    let _ = writeln!(out, "{pages}\n{rss}");
    let _ =
        writeln!(out, "\nidle service RSS, anonymous / total: {:.0} / {:.0} MB", mb(idle.anonymous), mb(idle.total));
    if let Some(latency) = latency {
        let _ = writeln!(
            out,
            "a test's `print` to an SSE client: p50 {:.2} ms, p99 {:.2} ms ({} lines)",
            latency.p50(),
            latency.p99(),
            latency.len()
        );
    }
    if let Some(overhead) = overhead {
        let _ = writeln!(
            out,
            "`testbay run --wait` on one test: median {:.0} ms; the same pytest alone: median {:.0} ms; \
             difference {:.0} ms ({} each)",
            overhead.testbay.p50(),
            overhead.bare.p50(),
            overhead.testbay.p50() - overhead.bare.p50(),
            overhead.bare.len()
        );
    }
    out
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
