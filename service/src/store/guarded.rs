//! Writes guarded inside their transaction: the transaction checks what must hold and `THROW`s
//! a reason if it does not, so that no other writer can slip between the check and the write;
//! a transaction that lost a race on a key is run again.

use std::time::Duration;

use surrealdb::IndexedResults;

use super::error::{is_conflict, transaction_failure};
use super::{Statement, StoreError};

const ATTEMPTS: u32 = 6;

/// What a guarded write came to.
pub(super) enum Guarded {
    /// It committed; its results.
    Done(IndexedResults),
    /// A guard refused it with this reason.
    Refused(String),
}

/// Runs the transaction `statement` builds until it commits, a guard refuses it, or it fails.
pub(super) async fn guarded<'a>(
    context: &'static str,
    statement: impl Fn() -> Statement<'a>,
) -> Result<Guarded, StoreError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut response = statement().await.map_err(StoreError::query(context))?;
        let errors = response.take_errors();
        if errors.is_empty() {
            return Ok(Guarded::Done(response));
        }
        if let Some(thrown) = errors.values().find(|error| error.is_thrown()) {
            return Ok(Guarded::Refused(thrown.message().to_owned()));
        }
        if !errors.values().any(is_conflict) || attempt >= ATTEMPTS {
            return Err(StoreError::Query { context, source: transaction_failure(errors) });
        }
        tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 3)).await;
    }
}

/// Runs the write `statement` builds, which guards nothing, until it commits: a write that
/// lost a race on a key is run again.
pub(super) async fn retried<'a>(
    context: &'static str,
    statement: impl Fn() -> Statement<'a>,
) -> Result<IndexedResults, StoreError> {
    match guarded(context, statement).await? {
        Guarded::Done(response) => Ok(response),
        Guarded::Refused(reason) => Err(StoreError::Corrupt(format!("{context} was refused: {reason}"))),
    }
}

/// The result of a transaction's last statement before its `COMMIT` (which is counted too).
pub(super) fn take_last<R>(response: &mut IndexedResults) -> surrealdb::Result<R>
where
    R: surrealdb::types::SurrealValue,
    usize: surrealdb::opt::QueryResult<R>,
{
    let last = response.num_statements().saturating_sub(2);
    response.take(last)
}
