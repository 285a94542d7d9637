//! How a run's failures changed against each test's previous verdict, as stored on the run.

use surrealdb::types::SurrealValue;

use crate::domain::{ChangedTests, FailureChanges};

#[derive(Clone, Debug, SurrealValue)]
pub(in crate::store) struct FailureChangesRow {
    new_failures: ChangedTestsRow,
    still_failing: ChangedTestsRow,
    fixed: ChangedTestsRow,
}

#[derive(Clone, Debug, SurrealValue)]
struct ChangedTestsRow {
    count: i64,
    node_ids: Vec<String>,
}

impl From<&ChangedTests> for ChangedTestsRow {
    fn from(tests: &ChangedTests) -> Self {
        ChangedTestsRow { count: tests.count.into(), node_ids: tests.node_ids.clone() }
    }
}

impl From<ChangedTestsRow> for ChangedTests {
    fn from(row: ChangedTestsRow) -> Self {
        ChangedTests { count: u32::try_from(row.count).unwrap_or(0), node_ids: row.node_ids }
    }
}

impl From<&FailureChanges> for FailureChangesRow {
    fn from(changes: &FailureChanges) -> Self {
        FailureChangesRow {
            new_failures: (&changes.new_failures).into(),
            still_failing: (&changes.still_failing).into(),
            fixed: (&changes.fixed).into(),
        }
    }
}

impl From<FailureChangesRow> for FailureChanges {
    fn from(row: FailureChangesRow) -> Self {
        FailureChanges {
            new_failures: row.new_failures.into(),
            still_failing: row.still_failing.into(),
            fixed: row.fixed.into(),
        }
    }
}
