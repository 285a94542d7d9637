//! What can go wrong when talking to the database.

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
    matches!(error.query_details(), Some(surrealdb::types::QueryError::TransactionConflict))
        || error.message().contains("can be retried")
}
