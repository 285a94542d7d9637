use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;

use super::*;
use crate::domain::{Enforcement, NewRun, RunStatus};

fn new_run(environment: u8) -> NewRun {
    NewRun {
        user: "ada".into(),
        environment: environment.into(),
        paths: vec!["math".into()],
        variables: BTreeMap::new(),
        limits: crate::domain::Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 100, timeout_s: 60 },
        template: None,
        rerun_of: None,
        profile: None,
        created_by: None,
    }
}

async fn store() -> Store {
    Store::connect("mem://", None, Default::default()).await.expect("connect")
}

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
