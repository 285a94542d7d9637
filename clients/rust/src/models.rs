//! The API's answers as this client reads them: the fields it shows, by the names of
//! `openapi/openapi.json`. Kept apart from the service's own `api` types (poem's), as any other
//! client's would be; unknown fields are ignored, so the service may add fields freely.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A run's status, a test's outcome and a run's counts are the words the service and its
/// clients share.
pub use testbay_protocol::{Counts, RunStatus, TestOutcome};

#[derive(Clone, Debug, Deserialize)]
pub struct Limits {
    pub memory_bytes: u64,
    pub cpu_millicores: u32,
    pub pids: u32,
    pub timeout_s: u32,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Resources {
    pub peak_memory_bytes: Option<u64>,
    pub cpu_seconds: Option<f64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Run {
    pub id: i64,
    pub user: String,
    pub environment: u8,
    pub paths: Vec<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    pub status: RunStatus,
    pub exit_code: Option<i32>,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_s: Option<f64>,
    pub counts: Counts,
    /// None while the run waits in the queue for a node.
    pub node: Option<String>,
    pub limits: Limits,
    #[serde(default)]
    pub resources: Resources,
    pub queue_position: Option<u32>,
    /// Its place in the line for its environment, while it waits there.
    #[serde(default)]
    pub line_position: Option<u32>,
    pub template: Option<String>,
    pub rerun_of: Option<i64>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub cancelled_by: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub stored_bytes: u64,
    #[serde(default)]
    pub log_pruned_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub failure_changes: Option<FailureChanges>,
}

/// How a run's failures compare with each test's previous verdict in its environment.
#[derive(Clone, Debug, Deserialize)]
pub struct FailureChanges {
    pub new_failures: ChangedTests,
    pub still_failing: ChangedTests,
    pub fixed: ChangedTests,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ChangedTests {
    pub count: u32,
    pub node_ids: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RunPage {
    pub items: Vec<Run>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TestResult {
    pub node_id: String,
    pub outcome: TestOutcome,
    pub failure: Option<String>,
    #[serde(default)]
    pub memory_growth_bytes: Option<i64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ResourcePoint {
    pub memory_bytes: u64,
}

/// A run's memory samples (`GET /runs/{id}/resources`).
#[derive(Clone, Debug, Deserialize)]
pub struct ResourceSeries {
    pub memory_limit_bytes: u64,
    pub peak_memory_bytes: Option<u64>,
    pub points: Vec<ResourcePoint>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TestResultList {
    pub items: Vec<TestResult>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Template {
    pub name: String,
    pub description: Option<String>,
    pub environment: u8,
    pub paths: Vec<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    pub timeout_s: Option<u32>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TemplateList {
    pub items: Vec<Template>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TreeEntry {
    pub path: String,
    pub kind: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TestTree {
    pub entries: Vec<TreeEntry>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Environment {
    pub id: u8,
    pub run_id: Option<i64>,
    /// Runs waiting in line for it, first first.
    #[serde(default)]
    pub waiting: Vec<i64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct EnvironmentList {
    pub items: Vec<Environment>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct LogPage {
    pub text: String,
    pub next_offset: u64,
    pub complete: bool,
    #[serde(default)]
    pub pruned_at: Option<DateTime<Utc>>,
}

/// An event of a run's stream (`GET /runs/{id}/events`).
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    /// The run's state after a change.
    Run { run: Run },
    /// A test's result.
    Test {},
    /// Log text at byte `offset` of the log.
    Log { offset: u64, text: String },
    /// Anything else (a `resources` sample, or an event a newer service adds): not needed to
    /// follow the log and the end.
    #[serde(other)]
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> serde_json::Value {
        serde_json::from_str(include_str!("../../../openapi/openapi.json")).expect("the spec is JSON")
    }

    #[test]
    fn knows_every_status_and_outcome_the_spec_names() {
        let spec = spec();
        let names = |schema: &str| spec["components"]["schemas"][schema]["enum"].as_array().expect(schema).clone();
        for name in names("RunStatusView") {
            let status: RunStatus = serde_json::from_value(name.clone()).expect("a status the client knows");
            assert_eq!(status.to_string(), name.as_str().expect("a name"));
        }
        for name in names("TestOutcomeView") {
            assert!(serde_json::from_value::<TestOutcome>(name.clone()).is_ok(), "the client knows {name}");
        }
        let counts = spec["components"]["schemas"]["CountsView"]["properties"].as_object().expect("CountsView");
        let known: serde_json::Value = serde_json::to_value(Counts::default()).expect("fields");
        assert_eq!(counts.keys().collect::<Vec<_>>(), known.as_object().expect("object").keys().collect::<Vec<_>>());
    }

    #[test]
    fn reads_the_services_own_run() {
        let spec = spec();
        let run_fields = spec["components"]["schemas"]["RunView"]["properties"].as_object().expect("RunView");
        for field in ["id", "user", "environment", "paths", "status", "counts", "template", "rerun_of", "limits"] {
            assert!(run_fields.contains_key(field), "the spec's RunView has `{field}`");
        }
        let event = r#"{"type": "log", "seq": 3, "offset": 10, "text": "hi\n"}"#;
        assert!(matches!(serde_json::from_str(event), Ok(RunEvent::Log { offset: 10, .. })));
        let event = r#"{"type": "test", "seq": 4, "test": {"node_id": "t.py::a", "outcome": "passed"}}"#;
        assert!(matches!(serde_json::from_str(event), Ok(RunEvent::Test {})));
        let event =
            r#"{"type": "resources", "seq": 4, "sample": {"at_s": 1.0, "memory_bytes": 9, "cpu_seconds": 0.5}}"#;
        assert!(matches!(serde_json::from_str(event), Ok(RunEvent::Other)));
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct User {
    pub name: String,
    pub admin: bool,
    pub created_at: DateTime<Utc>,
    pub token_issued_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct UserList {
    pub items: Vec<User>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct IssuedToken {
    pub user: User,
    pub token: String,
}
