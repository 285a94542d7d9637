//! What can go wrong when talking to the database.

use std::collections::HashMap;

use surrealdb::IndexedResults;
use surrealdb::types::QueryError;

use crate::domain::{Environment, RunId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database at `{address}`")]
    Connect {
        address: String,
        #[source]
        source: surrealdb::Error,
    },
    #[error("cannot define the database schema")]
    Schema(#[source] surrealdb::Error),
    #[error("database query failed: {context}")]
    Query {
        context: &'static str,
        #[source]
        source: surrealdb::Error,
    },
    #[error("the database holds a record Testbay cannot read: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// The database could not be reached (a server that is down or cut off); the request may
    /// succeed later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Query { source, .. } | StoreError::Connect { source, .. } => source.is_connection(),
            _ => false,
        }
    }

    /// The transaction lost a race on a key with another writer and may be run again.
    pub(crate) fn is_conflict(&self) -> bool {
        match self {
            StoreError::Connect { source, .. } | StoreError::Schema(source) | StoreError::Query { source, .. } => {
                is_conflict(source)
            }
            StoreError::Corrupt(_) => false,
        }
    }

    pub(crate) fn query(context: &'static str) -> impl FnOnce(surrealdb::Error) -> StoreError {
        move |source| StoreError::Query { context, source }
    }
}

/// Creating a run failed.
#[derive(Debug, thiserror::Error)]
pub enum CreateRunError {
    #[error("environment {environment} is held by run {run_id}")]
    EnvironmentBusy { environment: Environment, run_id: RunId },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether the transaction lost a race on a key and may be retried as a whole.
pub(crate) fn is_conflict(error: &surrealdb::Error) -> bool {
    matches!(error.query_details(), Some(QueryError::TransactionConflict)) || error.message().contains("can be retried")
}

/// The response, or the error that says why its statements failed. Unlike
/// `IndexedResults::check`, which answers the first error, this looks past the statements of a
/// failed transaction that are only marked "not executed": they come first, and the reason (a
/// statement's error, or a conflict when committing) comes after them.
pub(crate) fn checked(mut response: IndexedResults) -> Result<IndexedResults, surrealdb::Error> {
    match why_failed(response.take_errors()) {
        Some(error) => Err(error),
        None => Ok(response),
    }
}

/// The error that says why a transaction failed, of its statements' `errors` (by index).
pub(crate) fn transaction_failure(errors: HashMap<usize, surrealdb::Error>) -> surrealdb::Error {
    why_failed(errors).unwrap_or_else(|| surrealdb::Error::internal("transaction failed".into()))
}

/// Of the errors of a response's statements (by index), the one that says why they failed: the
/// first that is not a consequence of another; if all are, the last (a failed `COMMIT`'s own).
fn why_failed(errors: HashMap<usize, surrealdb::Error>) -> Option<surrealdb::Error> {
    let mut errors: Vec<(usize, surrealdb::Error)> = errors.into_iter().collect();
    errors.sort_unstable_by_key(|(index, _)| *index);
    let cause = errors.iter().position(|(_, error)| !is_consequence(error)).unwrap_or(errors.len().saturating_sub(1));
    errors.into_iter().nth(cause).map(|(_, error)| error)
}

/// A statement that did not run, or was undone, because another statement of its transaction
/// failed.
fn is_consequence(error: &surrealdb::Error) -> bool {
    matches!(error.query_details(), Some(QueryError::NotExecuted | QueryError::Cancelled))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_executed() -> surrealdb::Error {
        surrealdb::Error::query(
            "The query was not executed due to a failed transaction".into(),
            QueryError::NotExecuted,
        )
    }

    /// The shape SurrealDB gives a transaction whose commit lost a race: every statement marked
    /// not executed, then the `COMMIT`'s own error (CI saw the first answered instead).
    #[test]
    fn a_conflict_when_committing_is_the_reason_a_transaction_failed() {
        let conflict = surrealdb::Error::query(
            "Cannot COMMIT: Transaction conflict: Write conflict, retry the transaction".into(),
            QueryError::TransactionConflict,
        );
        let errors = HashMap::from([(0, not_executed()), (3, conflict), (1, not_executed()), (2, not_executed())]);
        let reason = why_failed(errors).expect("an error");
        assert!(is_conflict(&reason), "{reason:?}");
    }

    #[test]
    fn a_statement_that_failed_is_the_reason_not_the_commit_it_aborted() {
        let aborted =
            surrealdb::Error::query("Cannot COMMIT: the transaction was aborted".into(), QueryError::NotExecuted);
        let failed = surrealdb::Error::internal("Found a record in table run that is not a run".into());
        let errors = HashMap::from([(0, not_executed()), (1, failed), (2, aborted)]);
        assert_eq!(why_failed(errors).expect("an error").message(), "Found a record in table run that is not a run");
    }

    #[test]
    fn a_commit_that_failed_on_its_own_is_the_reason() {
        let commit = surrealdb::Error::query("Cannot COMMIT: the index is full".into(), QueryError::NotExecuted);
        let errors = HashMap::from([(1, not_executed()), (2, commit), (0, not_executed())]);
        assert_eq!(why_failed(errors).expect("an error").message(), "Cannot COMMIT: the index is full");
    }

    #[test]
    fn no_errors_no_reason() {
        assert!(why_failed(HashMap::new()).is_none());
    }
}
