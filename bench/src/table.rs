//! The figures as one Markdown table, the form `bench/README.md` keeps them in.

use std::fmt::Write;

use crate::figures::LevelFigures;
use crate::overhead::Overhead;
use crate::retention::{KEEP_LOGS_DAYS, KEEP_RUNS_DAYS, RetentionFigures};
use crate::service::{Rss, ServiceSpec};
use crate::soak::Soak;
use crate::stats::Samples;

/// Picks one figure's samples out of a level's.
type Pick = fn(&LevelFigures) -> &Samples;

/// `levels` holds each level's rounds; a figure is the median of its rounds.
pub fn render(
    spec: &ServiceSpec,
    idle: Rss,
    levels: &[Vec<LevelFigures>],
    latency: Option<&Samples>,
    overhead: Option<&Overhead>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "binary: `{}` {}", spec.binary.display(), spec.extra_args.join(" "));
    let _ = writeln!(out, "date: {}\n", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    let mut header = "| figure (ms unless said) |".to_owned();
    let mut rule = "| --- |".to_owned();
    let rounds = levels.first().map_or(0, Vec::len);
    let _ = writeln!(out, "each figure: the median of {rounds} rounds, each on a fresh copy of the data dir\n");
    for level in levels {
        let runs = level.first().map_or(0, |round| round.runs);
        let _ = write!(header, " {} runs |", thousands(runs));
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
            let values: Vec<f64> =
                levels.iter().map(|level| median(level.iter().map(|round| pick(samples_of(round))))).collect();
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
    let mut rss = "| service RSS right after the figures, anonymous / total (MB) |".to_owned();
    let mut settled = "| … 30 s later, anonymous / total (MB) |".to_owned();
    let mut peak = "| … highest total (MB) |".to_owned();
    for level in levels {
        let of = |value: fn(&LevelFigures) -> u64| median(level.iter().map(|round| value(round) as f64)) / 1e6;
        let _ = write!(pages, " {} |", level.first().map_or(0, |round| round.deep_page.0));
        let _ = write!(rss, " {:.0} / {:.0} |", of(|l| l.rss_after.anonymous), of(|l| l.rss_after.total));
        let _ = write!(settled, " {:.0} / {:.0} |", of(|l| l.rss_settled.anonymous), of(|l| l.rss_settled.total));
        let _ = write!(peak, " {:.0} |", of(|l| l.rss_settled.peak));
    }
    if levels.len() > 1 {
        for line in [&mut pages, &mut rss, &mut settled, &mut peak] {
            line.push_str(" |");
        }
    }
    let _ = writeln!(out, "{pages}\n{rss}\n{settled}\n{peak}");
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
        let steps: Vec<String> =
            overhead.steps.iter().map(|(step, samples)| format!("{step} {:.1}", samples.p50())).collect();
        let _ = writeln!(out, "the service's steps of those runs, medians in ms: {}", steps.join(", "));
    }
    out
}

/// The middle value (the mean of the two middle ones for an even count); 0 for none.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
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

pub fn render_retention(spec: &ServiceSpec, figures: &RetentionFigures) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "binary: `{}` {}", spec.binary.display(), spec.extra_args.join(" "));
    let done = match figures.prune_seconds {
        Some(seconds) => format!("done in {seconds:.0} s"),
        None => format!("not done when timing stopped after {:.0} s", figures.measured_seconds),
    };
    let _ = writeln!(
        out,
        "retention (runs kept {KEEP_RUNS_DAYS} days, logs {KEEP_LOGS_DAYS} days) on {} runs over 365 days: \
         {done}, {} runs left",
        thousands(figures.runs),
        thousands(figures.runs_left as i64)
    );
    let _ = writeln!(out, "| request (ms) | idle p50 | idle p99 | pruning p50 | pruning p99 | p50 ratio | p99 ratio |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, idle, during) in [
        ("`GET /api/runs`", &figures.list_idle, &figures.list_during),
        ("`GET /api/environments`", &figures.environments_idle, &figures.environments_during),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            idle.p50(),
            idle.p99(),
            during.p50(),
            during.p99(),
            during.p50() / idle.p50(),
            during.p99() / idle.p99()
        );
    }
    let _ = writeln!(
        out,
        "({} requests of each idle, {} while pruning, one pair every {} ms)",
        figures.list_idle.len(),
        figures.list_during.len(),
        crate::retention::PACE.as_millis()
    );
    let _ = writeln!(out, "\nwhile pruning, by the step under way (its end as the service logged it):");
    let _ =
        writeln!(out, "| step | removed | s | requests | runs p50 | runs p99 | environments p50 | environments p99 |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for step in &figures.by_step {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            step.what,
            step.removed.map_or_else(String::new, |removed| thousands(i64::try_from(removed).unwrap_or(i64::MAX))),
            step.seconds,
            step.list.len(),
            step.list.p50(),
            step.list.p99(),
            step.environments.p50(),
            step.environments.p99()
        );
    }
    out
}

pub fn render_soak(spec: &ServiceSpec, soak: &Soak, warm_up: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "binary: `{}`", spec.binary.display());
    let _ = writeln!(out, "{} real runs in {:.0} s; service RSS, anonymous / total (MB):", soak.runs, soak.seconds);
    for (runs, rss) in &soak.samples {
        let _ = writeln!(out, "  after {runs:>6} runs: {:>6.1} / {:>6.1}", mb(rss.anonymous), mb(rss.total));
    }
    let settled: Vec<f64> =
        soak.samples.iter().filter(|(runs, _)| *runs >= warm_up).map(|(_, rss)| mb(rss.total)).collect();
    if let (Some(min), Some(max)) = (settled.iter().copied().reduce(f64::min), settled.iter().copied().reduce(f64::max))
    {
        let mut sorted = settled.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        let spread = ((max - median).max(median - min)) / median * 100.0;
        let _ = writeln!(
            out,
            "after {warm_up} runs: total RSS {min:.1} to {max:.1} MB, median {median:.1} MB: within ±{spread:.1} % of the median"
        );
    }
    out
}
