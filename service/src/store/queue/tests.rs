use std::sync::Arc;

use chrono::Utc;

use super::*;
use crate::domain::{Enforcement, NewRun, RunId, RunStatus};
use crate::store::testing::{ended, new_run, store};

#[tokio::test]
async fn queued_runs_wait_unclaimed_in_creation_order_until_one_node_claims_each() {
    let store = store().await;
    let mut created = Vec::new();
    for environment in [5, 3, 9] {
        created.push(store.create_run(&new_run(environment), Utc::now()).await.expect("create").id);
    }
    let queue = store.queued_runs(10).await.expect("queue");
    assert_eq!(queue.iter().map(|run| run.id).collect::<Vec<_>>(), created, "creation order");
    assert!(queue.iter().all(|run| run.node.is_none()), "unclaimed");

    let claimed = store.claim_run(created[0], "a").await.expect("claim").expect("claimed");
    assert_eq!(claimed.node.as_deref(), Some("a"));
    assert_eq!(store.claim_run(created[0], "b").await.expect("claim"), None, "claimed once");
    assert_eq!(store.queued_runs(2).await.expect("queue").len(), 2, "the limit holds");

    // Two nodes claiming the same run at once: one gets it.
    let store = Arc::new(store);
    let racers: Vec<_> = ["b", "c", "d", "e"]
        .into_iter()
        .map(|node| {
            let store = Arc::clone(&store);
            let id = created[1];
            tokio::spawn(async move { store.claim_run(id, node).await.expect("claim") })
        })
        .collect();
    let mut winners = 0;
    for racer in racers {
        winners += usize::from(racer.await.expect("join").is_some());
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn a_cancel_request_reaches_the_node_that_executes_the_run() {
    let store = store().await;
    let id = store.create_run(&new_run(4), Utc::now()).await.expect("create").id;
    assert!(!store.request_cancel(id, Some("bob")).await.expect("request"), "a queued run is not running");
    store.claim_run(id, "a").await.expect("claim").expect("claimed");
    store.mark_running(id, Utc::now(), Enforcement::Rlimit, 2).await.expect("start").expect("started");
    assert!(store.cancel_requests("a").await.expect("requests").is_empty());

    assert!(store.request_cancel(id, Some("bob")).await.expect("request"));
    assert_eq!(store.cancel_requests("b").await.expect("requests"), [], "only the executing node hears it");
    assert_eq!(
        store.cancel_requests("a").await.expect("requests"),
        [CancelRequest { run: id, by: Some("bob".into()) }]
    );
    let run = store.run(id).await.expect("read").expect("run");
    assert_eq!((run.status, run.cancelled_by.as_deref()), (RunStatus::Running, Some("bob")));
}

fn waiting(environment: u8) -> NewRun {
    NewRun { wait_for_environment: true, ..new_run(environment) }
}

async fn holder(store: &Store, environment: u8) -> Option<RunId> {
    let holds = store.environment_holds().await.expect("holds");
    holds.into_iter().find(|hold| hold.environment == environment.into()).and_then(|hold| hold.run_id)
}

#[tokio::test]
async fn runs_that_wait_line_up_behind_the_holder_and_get_the_environment_in_turn() {
    use crate::store::CreateRunError;
    let store = store().await;
    let first = store.create_run(&waiting(7), Utc::now()).await.expect("create").id;
    assert!(!store.run(first).await.expect("read").expect("run").waiting_for_environment, "a free one is taken");
    let second = store.create_run(&waiting(7), Utc::now()).await.expect("in line");
    let third = store.create_run(&waiting(7), Utc::now()).await.expect("in line");
    assert!(second.waiting_for_environment && third.waiting_for_environment);
    assert!(
        matches!(
            store.create_run(&new_run(7), Utc::now()).await,
            Err(CreateRunError::EnvironmentBusy { run_id, .. }) if run_id == first
        ),
        "a run that does not wait is still refused"
    );
    assert_eq!(store.claim_run(second.id, "a").await.expect("claim"), None, "one in line cannot be claimed");
    assert_eq!(holder(&store, 7).await, Some(first));

    // The third leaves the line; the holder's end hands the environment to the second.
    store.finish_queued_run(third.id, &ended(RunStatus::Cancelled, 2)).await.expect("cancel").expect("ended");
    assert_eq!(holder(&store, 7).await, Some(first), "a waiter that leaves takes nothing with it");
    store.claim_run(first, "a").await.expect("claim").expect("claimed");
    store.finish_run(first, &ended(RunStatus::Passed, 2)).await.expect("finish").expect("ended");
    assert_eq!(holder(&store, 7).await, Some(second.id));
    let next = store.run(second.id).await.expect("read").expect("run");
    assert_eq!((next.status, next.waiting_for_environment), (RunStatus::Queued, false));
    store.claim_run(second.id, "b").await.expect("claim").expect("now it can be claimed");
    store.finish_run(second.id, &ended(RunStatus::Passed, 2)).await.expect("finish").expect("ended");
    assert_eq!(holder(&store, 7).await, None, "nobody is in line");
}

/// A run that joins the line while the holder ends is never left waiting for a holder that is
/// gone: the two transactions write the environment's record, so one sees the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_joining_the_line_as_the_holder_ends_gets_the_environment() {
    let store = Arc::new(store().await);
    for _ in 0..20 {
        let first = store.create_run(&new_run(8), Utc::now()).await.expect("create").id;
        let joining = tokio::spawn({
            let store = Arc::clone(&store);
            async move { store.create_run(&waiting(8), Utc::now()).await.expect("create or join") }
        });
        store.finish_run(first, &ended(RunStatus::Passed, 2)).await.expect("finish").expect("ended");
        let joined = joining.await.expect("join");
        assert_eq!(holder(&store, 8).await, Some(joined.id), "the run that joined holds the environment");
        let joined = store.run(joined.id).await.expect("read").expect("run");
        assert!(!joined.waiting_for_environment);
        store.finish_run(joined.id, &ended(RunStatus::Passed, 2)).await.expect("finish").expect("ended");
    }
}
