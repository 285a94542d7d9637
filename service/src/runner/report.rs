//! Reads pytest's per-test events: the JSON lines that pytest-reportlog writes as each test
//! phase ends, plus the collected count that Testbay's own plugin adds.
//!
//! Reports are counted the way pytest's terminal summary counts them, so a run's counts equal
//! the summary line of the same pytest run: a passing setup or teardown counts for nothing, a
//! failing one is an error, and `wasxfail` turns a skip into an xfail and a pass into an xpass.

use serde_json::Value;

use testbay_protocol::MEMRAY_SECTIONS;

use crate::domain::{TestMemory, TestMemrayFigures, TestOutcome, TestResult};

/// What one report line tells.
#[derive(Clone, Debug, PartialEq)]
pub enum ReportEvent {
    /// Collection is over: this many tests will run.
    Collected(u32),
    /// A report that counts in pytest's summary; its `seq` is 0 until the journal numbers it.
    Outcome(TestResult),
}

/// Parses one line of the report log. Lines that count for nothing give `None`.
pub fn parse_line(line: &str) -> Option<ReportEvent> {
    let report: Value = serde_json::from_str(line).ok()?;
    match report.get("$report_type")?.as_str()? {
        "TestbayCollected" => {
            let count = report.get("count")?.as_u64()?;
            Some(ReportEvent::Collected(u32::try_from(count).unwrap_or(u32::MAX)))
        }
        "TestReport" => test_report(&report).map(ReportEvent::Outcome),
        "CollectReport" if report.get("outcome")?.as_str()? == "failed" => Some(ReportEvent::Outcome(TestResult {
            seq: 0,
            node_id: report.get("nodeid")?.as_str()?.to_owned(),
            outcome: TestOutcome::Error,
            phase: "collect".into(),
            duration_s: 0.0,
            failure: report.get("longrepr").and_then(failure_text),
            memory: None,
            memray: None,
            file_hash: None,
        })),
        _ => None,
    }
}

fn test_report(report: &Value) -> Option<TestResult> {
    let phase = report.get("when")?.as_str()?;
    let xfail = report.get("wasxfail").is_some();
    let outcome = match (report.get("outcome")?.as_str()?, phase, xfail) {
        ("skipped", _, true) => TestOutcome::Xfailed,
        ("skipped", _, false) => TestOutcome::Skipped,
        ("passed", "call", true) => TestOutcome::Xpassed,
        ("passed", "call", false) => TestOutcome::Passed,
        ("failed", "call", _) => TestOutcome::Failed,
        ("failed", _, _) => TestOutcome::Error,
        _ => return None,
    };
    let failure = match outcome {
        TestOutcome::Passed => None,
        TestOutcome::Xfailed | TestOutcome::Xpassed => {
            report.get("wasxfail").and_then(Value::as_str).map(str::to_owned)
        }
        _ => report.get("longrepr").and_then(failure_text).map(|text| text + &memray_sections(report)),
    };
    Some(TestResult {
        seq: 0,
        node_id: report.get("nodeid")?.as_str()?.to_owned(),
        outcome,
        phase: phase.to_owned(),
        duration_s: report.get("duration").and_then(Value::as_f64).unwrap_or(0.0),
        failure,
        memory: memory_of(report),
        memray: memray_of(report),
        file_hash: None,
    })
}

/// What memray added to a failure as report sections (e.g. `memray-leaked-memory`: the leaked
/// allocations and their stacks), after the failure's own text.
fn memray_sections(report: &Value) -> String {
    let sections = report.get("sections").and_then(Value::as_array).into_iter().flatten();
    sections
        .filter_map(|section| match section.as_array()?.as_slice() {
            [title, content] if title.as_str()?.starts_with("memray") => {
                let title = title.as_str()?.strip_prefix("memray-")?;
                Some(format!("{MEMRAY_SECTIONS}{title}\n{}", content.as_str()?.trim_end()))
            }
            _ => None,
        })
        .collect()
}

/// A property Testbay's plugin noted in the report's `user_properties` (`[name, value]` pairs).
fn noted<'a>(report: &'a Value, name: &str) -> Option<&'a Value> {
    let properties = report.get("user_properties")?.as_array()?;
    properties.iter().rev().find_map(|property| match property.as_array()?.as_slice() {
        [key, value] if key.as_str() == Some(name) => Some(value),
        _ => None,
    })
}

/// The pytest process's memory around the test: `{"before": bytes, "after": bytes}`.
fn memory_of(report: &Value) -> Option<TestMemory> {
    let noted = noted(report, "testbay_memory")?;
    Some(TestMemory { before_bytes: noted.get("before")?.as_u64()?, after_bytes: noted.get("after")?.as_u64()? })
}

/// memray's figures for the test, in a memory-profiled run: `{"peak": bytes, "allocations": n,
/// "top": [[location, bytes], ...]}`.
fn memray_of(report: &Value) -> Option<TestMemrayFigures> {
    let noted = noted(report, "testbay_memray")?;
    let top = noted.get("top").and_then(Value::as_array).into_iter().flatten().filter_map(|site| {
        let [location, bytes] = site.as_array()?.as_slice() else { return None };
        Some((location.as_str()?.to_owned(), bytes.as_u64()?))
    });
    Some(TestMemrayFigures {
        peak_bytes: noted.get("peak")?.as_u64()?,
        allocations: noted.get("allocations").and_then(Value::as_u64).unwrap_or(0),
        top: top.collect(),
    })
}

/// Turns pytest's serialised `longrepr` back into the text pytest would print.
fn failure_text(longrepr: &Value) -> Option<String> {
    match longrepr {
        Value::String(text) => Some(text.clone()),
        // A skip: [path, line, reason].
        Value::Array(parts) => parts.last().and_then(Value::as_str).map(str::to_owned),
        Value::Object(_) => {
            let repr = longrepr;
            let mut text = String::new();
            let entries = repr.pointer("/reprtraceback/reprentries").and_then(Value::as_array);
            for entry in entries.into_iter().flatten() {
                let data = &entry["data"];
                for line in data["lines"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                    text.push_str(line);
                    text.push('\n');
                }
                if let (Some(path), Some(line)) =
                    (data.pointer("/reprfileloc/path"), data.pointer("/reprfileloc/lineno"))
                {
                    let message = data.pointer("/reprfileloc/message").and_then(Value::as_str).unwrap_or("");
                    text.push_str(&format!("\n{}:{line}: {message}\n", path.as_str().unwrap_or("?")));
                }
            }
            if text.is_empty() {
                text = repr.pointer("/reprcrash/message").and_then(Value::as_str)?.to_owned();
            }
            Some(text)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn outcome(report: Value) -> Option<TestOutcome> {
        match parse_line(&report.to_string()) {
            Some(ReportEvent::Outcome(test)) => Some(test.outcome),
            _ => None,
        }
    }

    fn report(when: &str, outcome: &str) -> Value {
        json!({"$report_type": "TestReport", "nodeid": "t.py::x", "when": when, "outcome": outcome, "duration": 0.1, "longrepr": null})
    }

    #[test]
    fn counts_reports_as_pytest_does() {
        assert_eq!(outcome(report("setup", "passed")), None);
        assert_eq!(outcome(report("call", "passed")), Some(TestOutcome::Passed));
        assert_eq!(outcome(report("teardown", "passed")), None);
        assert_eq!(outcome(report("call", "failed")), Some(TestOutcome::Failed));
        assert_eq!(outcome(report("setup", "failed")), Some(TestOutcome::Error));
        assert_eq!(outcome(report("teardown", "failed")), Some(TestOutcome::Error));
        assert_eq!(outcome(report("setup", "skipped")), Some(TestOutcome::Skipped));
        let mut xfail = report("call", "skipped");
        xfail["wasxfail"] = json!("known bug");
        assert_eq!(outcome(xfail), Some(TestOutcome::Xfailed));
        let mut xpass = report("call", "passed");
        xpass["wasxfail"] = json!("fixed");
        assert_eq!(outcome(xpass), Some(TestOutcome::Xpassed));
    }

    #[test]
    fn reads_the_collected_count_and_collection_errors() {
        assert_eq!(
            parse_line(r#"{"$report_type": "TestbayCollected", "count": 12}"#),
            Some(ReportEvent::Collected(12))
        );
        let broken = json!({"$report_type": "CollectReport", "nodeid": "bad.py", "outcome": "failed", "longrepr": "SyntaxError"});
        assert_eq!(outcome(broken), Some(TestOutcome::Error));
        assert_eq!(parse_line("not json"), None);
    }

    #[test]
    fn reads_the_memory_the_plugin_noted() {
        let mut call = report("call", "passed");
        call["user_properties"] = json!([["owner", "ada"], ["testbay_memory", {"before": 1000, "after": 3000}]]);
        let Some(ReportEvent::Outcome(test)) = parse_line(&call.to_string()) else { panic!("a test") };
        assert_eq!(test.memory, Some(TestMemory { before_bytes: 1000, after_bytes: 3000 }));
        assert_eq!(test.memory.map(TestMemory::growth_bytes), Some(2000));
        let Some(ReportEvent::Outcome(test)) = parse_line(&report("call", "passed").to_string()) else {
            panic!("a test")
        };
        assert_eq!(test.memory, None);
    }

    #[test]
    fn a_leak_checks_failure_carries_memrays_list_of_leaks() {
        let mut call = report("call", "failed");
        call["longrepr"] = json!("Test was allowed to leak 1.0MiB per location but at least one location leaked more");
        call["sections"] = json!([
            ["Captured stdout call", "noise"],
            [
                "memray-leaked-memory",
                "List of leaked allocations:\n    - 10.0MiB allocated here:\n        render:t.py:24\n"
            ]
        ]);
        let Some(ReportEvent::Outcome(test)) = parse_line(&call.to_string()) else { panic!("a test") };
        let failure = test.failure.expect("failure");
        assert!(failure.starts_with("Test was allowed to leak"), "{failure}");
        assert!(failure.ends_with("memray-leaked-memory\nList of leaked allocations:\n    - 10.0MiB allocated here:\n        render:t.py:24"), "{failure}");
        assert!(!failure.contains("noise"));
    }

    #[test]
    fn reads_memrays_figures() {
        let mut call = report("call", "passed");
        call["user_properties"] =
            json!([["testbay_memray", {"peak": 20971520, "allocations": 14, "top": [["render:t.py:24", 20971520]]}]]);
        let Some(ReportEvent::Outcome(test)) = parse_line(&call.to_string()) else { panic!("a test") };
        let figures = test.memray.expect("figures");
        assert_eq!((figures.peak_bytes, figures.allocations), (20 << 20, 14));
        assert_eq!(figures.top, vec![("render:t.py:24".to_owned(), 20 << 20)]);
    }

    #[test]
    fn rebuilds_failure_text() {
        let longrepr = json!({
            "reprcrash": {"message": "AssertionError: no"},
            "reprtraceback": {"reprentries": [{"data": {"lines": ["    def test():", "E   assert 1 == 2"],
                "reprfileloc": {"path": "t.py", "lineno": 2, "message": "AssertionError"}}}]}
        });
        let text = failure_text(&longrepr).expect("text");
        assert!(text.contains("E   assert 1 == 2"));
        assert!(text.contains("t.py:2: AssertionError"));
        assert_eq!(failure_text(&json!(["t.py", 3, "Skipped: later"])).as_deref(), Some("Skipped: later"));
    }
}
