//! A run's results as JUnit XML, the format CI servers (Jenkins, GitLab, ...) read.
//!
//! Written from the stored results, so any node can serve any run's report, also for runs
//! that were interrupted. Each stored result is one `testcase`; the counts match the run's:
//! `failures` = failed, `errors` = errors, `skipped` = skipped + xfailed (as pytest's own
//! JUnit XML counts an expected failure), and `tests` = every result.

use std::fmt::Write;

use quick_xml::escape::escape;

use crate::domain::{Run, TestOutcome, TestResult, failure_summary};

/// The JUnit XML report of `run` with its `results`.
pub fn report(run: &Run, results: &[TestResult]) -> String {
    let count = |outcomes: &[TestOutcome]| results.iter().filter(|r| outcomes.contains(&r.outcome)).count();
    let failures = count(&[TestOutcome::Failed]);
    let errors = count(&[TestOutcome::Error]);
    let skipped = count(&[TestOutcome::Skipped, TestOutcome::Xfailed]);
    let time: f64 = results.iter().map(|r| r.duration_s).sum();
    let name = format!("testbay run {}", run.id);
    let totals = format!(
        r#"tests="{}" failures="{failures}" errors="{errors}" skipped="{skipped}" time="{time:.3}""#,
        results.len()
    );

    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(xml, r#"<testsuites name="{}" {totals}>"#, attribute(&name));
    // The JUnit schema's timestamp: ISO 8601 without fractions or zone (this one is UTC).
    let timestamp = run.started_at.unwrap_or(run.created_at).format("%Y-%m-%dT%H:%M:%S");
    let _ = writeln!(
        xml,
        r#"  <testsuite name="{}" {totals} timestamp="{timestamp}" hostname="{}">"#,
        attribute(&name),
        attribute(run.node.as_deref().unwrap_or_default())
    );
    xml.push_str("    <properties>\n");
    let properties = [
        ("testbay.run_id", run.id.to_string()),
        ("testbay.status", run.status.to_string()),
        ("testbay.user", run.user.to_string()),
        ("testbay.environment", run.environment.to_string()),
        ("testbay.paths", run.paths.iter().map(|path| path.as_str()).collect::<Vec<_>>().join(" ")),
    ];
    for (key, value) in properties {
        let _ = writeln!(xml, r#"      <property name="{key}" value="{}"/>"#, attribute(&value));
    }
    xml.push_str("    </properties>\n");
    for result in results {
        write_testcase(&mut xml, result);
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

fn write_testcase(xml: &mut String, result: &TestResult) {
    let (file, test) = match result.node_id.split_once("::") {
        Some((file, test)) => (file, test.to_owned()),
        None => (result.node_id.as_str(), String::from("collection")),
    };
    // A failing teardown is reported on its own, after the test's own outcome.
    let test = if result.phase == "teardown" { format!("{test} (teardown)") } else { test };
    // pytest's convention: the module path with dots, then any classes. A parameter id may
    // hold `::` itself, so only the part before it is split.
    let (path_part, parameters) = test.split_at(test.find('[').unwrap_or(test.len()));
    let mut parts: Vec<&str> = path_part.split("::").collect();
    let function = parts.pop().unwrap_or_default();
    let name = format!("{function}{parameters}");
    let module = file.trim_end_matches(".py").replace('/', ".");
    let classname = std::iter::once(module.as_str()).chain(parts).collect::<Vec<_>>().join(".");
    let _ = write!(
        xml,
        r#"    <testcase classname="{}" name="{}" file="{}" time="{:.3}""#,
        attribute(&classname),
        attribute(&name),
        attribute(file),
        result.duration_s
    );
    let text = result.failure.as_deref().map(clean).unwrap_or_default();
    let message = attribute(failure_summary(&text).unwrap_or_default());
    let element = match result.outcome {
        TestOutcome::Passed | TestOutcome::Xpassed => None,
        TestOutcome::Failed => Some("failure"),
        TestOutcome::Error => Some("error"),
        TestOutcome::Skipped | TestOutcome::Xfailed => Some("skipped"),
    };
    match element {
        None => xml.push_str("/>\n"),
        Some(element) => {
            let _ = writeln!(
                xml,
                ">\n      <{element} message=\"{message}\">{}</{element}>\n    </testcase>",
                escape(text.as_str())
            );
        }
    }
}

/// `value` as an attribute's value. Parsers turn raw newlines and tabs in attributes into
/// spaces; character references keep them.
fn attribute(value: &str) -> String {
    escape(clean(value).as_str()).replace('\n', "&#10;").replace('\r', "&#13;").replace('\t', "&#9;")
}

/// `text` without ANSI colour sequences and without the characters XML 1.0 cannot hold.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            if chars.peek() == Some(&'[') {
                chars.next();
                for next in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&next) {
                        break;
                    }
                }
            }
            continue;
        }
        let allowed = matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'));
        if allowed {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::Utc;

    use super::*;
    use crate::domain::{Counts, Limits, ResourceUsage, RunId, RunStatus};

    fn run() -> Run {
        Run {
            id: RunId(7),
            user: "ada <a&b>".into(),
            environment: 3.into(),
            paths: vec!["math".into()],
            variables: BTreeMap::new(),
            status: RunStatus::Failed,
            exit_code: Some(1),
            message: None,
            created_at: Utc::now(),
            started_at: None,
            finished_at: None,
            counts: Counts::default(),
            log_bytes: 0,
            log_truncated: false,
            log_pruned_at: None,
            stored_bytes: 0,
            node: Some("n1".into()),
            limits: Limits { memory_bytes: 1, cpu_millicores: 1, pids: 8, timeout_s: 1 },
            enforcement: None,
            resources: ResourceUsage::default(),
            seq: 1,
            template: None,
            rerun_of: None,
            profile: None,
            created_by: None,
            cancelled_by: None,
            waiting_for_environment: false,
            failure_changes: None,
        }
    }

    fn result(node_id: &str, outcome: TestOutcome, phase: &str, failure: Option<&str>) -> TestResult {
        TestResult {
            seq: 1,
            node_id: node_id.into(),
            outcome,
            phase: phase.into(),
            duration_s: 0.25,
            failure: failure.map(Into::into),
            memory: None,
            memray: None,
            file_hash: None,
        }
    }

    #[test]
    fn counts_and_cases_follow_the_results() {
        let results = [
            result("math/test_a.py::test_ok", TestOutcome::Passed, "call", None),
            result(
                "math/test_a.py::TestX::test_bad[1-2]",
                TestOutcome::Failed,
                "call",
                Some("\u{1b}[31massert 1 == 2\u{1b}[0m\nE  <oops> & \u{0}"),
            ),
            result("math/test_a.py::test_ok", TestOutcome::Error, "teardown", Some("boom")),
            result("math/test_a.py::test_skip", TestOutcome::Skipped, "setup", Some("later")),
            result("math/test_a.py::test_xfail", TestOutcome::Xfailed, "call", Some("known")),
            result("math/test_broken.py", TestOutcome::Error, "collect", Some("SyntaxError")),
            result("math/test_a.py::test_ids[a::b]", TestOutcome::Passed, "call", None),
        ];
        let xml = report(&run(), &results);
        assert!(xml.contains(r#"tests="7" failures="1" errors="2" skipped="2""#), "{xml}");
        assert!(xml.contains(r#"classname="math.test_a" name="test_ids[a::b]""#), "{xml}");
        assert!(xml.contains(r#"classname="math.test_a.TestX" name="test_bad[1-2]""#), "{xml}");
        assert!(xml.contains(r#"name="test_ok (teardown)""#), "{xml}");
        assert!(xml.contains(r#"classname="math.test_broken" name="collection""#), "{xml}");
        assert!(xml.contains("E  &lt;oops&gt; &amp; </failure>"), "{xml}");
        assert!(xml.contains(r#"value="ada &lt;a&amp;b&gt;""#), "{xml}");
        assert!(!xml.contains('\u{1b}') && !xml.contains('\u{0}'));
    }
}
