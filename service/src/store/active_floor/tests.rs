use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::*;
use crate::domain::{Enforcement, RunId, RunStatus};
use crate::store::rows::run_record;
use crate::store::testing::{ended, new_run, store};

async fn store_settling_in(settle: Duration) -> Store {
    let mut store = store().await;
    store.active_floor = Arc::new(ActiveFloor::new(settle));
    store
}

async fn create(store: &Store, environment: u8) -> RunId {
    store.create_run(&new_run(environment), Utc::now()).await.expect("create").id
}

async fn advance(store: &Store) -> i64 {
    store.advance_active_floor_from(store.active_floor.get()).await.expect("advance");
    store.active_floor.get()
}

fn ids(queue: &[crate::store::QueuedRun]) -> Vec<RunId> {
    queue.iter().map(|run| run.id).collect()
}

#[tokio::test]
async fn the_floor_rises_past_ended_runs_but_never_past_an_active_one() {
    let store = store_settling_in(Duration::ZERO).await;
    let (first, second, third) = (create(&store, 1).await, create(&store, 2).await, create(&store, 3).await);
    store.finish_queued_run(first, &ended(RunStatus::Cancelled, 2)).await.expect("finish").expect("ended");
    assert_eq!(advance(&store).await, second.0, "up to the lowest queued run");

    store.claim_run(second, "a").await.expect("claim").expect("claimed");
    store.mark_running(second, Utc::now(), Enforcement::Rlimit, 2).await.expect("start").expect("started");
    store.finish_queued_run(third, &ended(RunStatus::Cancelled, 2)).await.expect("finish").expect("ended");
    assert_eq!(advance(&store).await, second.0, "a running run holds it");
    assert_eq!(store.unfinished_runs("a").await.expect("unfinished").len(), 1, "the running run is read");

    store.finish_run(second, &ended(RunStatus::Passed, 3)).await.expect("finish").expect("ended");
    assert_eq!(advance(&store).await, third.0 + 1, "past every run when none is active");
    let fourth = create(&store, 1).await;
    assert_eq!(ids(&store.queued_runs(10).await.expect("queue")), [fourth], "a new run lies above it");

    store.active_floor.set(1);
    store.load_active_floor().await.expect("load");
    assert_eq!(store.active_floor.get(), third.0 + 1, "kept for the next start");
}

#[tokio::test]
async fn the_floor_stays_below_numbers_handed_out_lately() {
    let store = store_settling_in(Duration::from_secs(3600)).await;
    let first = create(&store, 1).await;
    store.finish_queued_run(first, &ended(RunStatus::Cancelled, 2)).await.expect("finish").expect("ended");
    assert_eq!(advance(&store).await, 1, "a creation that took a later number may not have committed");
}

#[tokio::test]
async fn runs_waiting_in_line_are_read_above_the_floor_and_handed_the_environment() {
    let store = store_settling_in(Duration::ZERO).await;
    let old = create(&store, 9).await;
    store.finish_queued_run(old, &ended(RunStatus::Cancelled, 2)).await.expect("finish").expect("ended");
    let holder = create(&store, 4).await;
    let waiting = store
        .create_run(&crate::domain::NewRun { wait_for_environment: true, ..new_run(4) }, Utc::now())
        .await
        .expect("create")
        .id;
    assert_eq!(advance(&store).await, holder.0);
    let environments = store.environments().await.expect("environments");
    assert_eq!(environments.lines, [(4.into(), waiting)]);
    let hold = environments.holds.iter().find(|hold| hold.environment == 4.into()).expect("environment 4");
    assert_eq!(hold.run_id, Some(holder), "read in the same transaction as the line");
    store.finish_queued_run(holder, &ended(RunStatus::Cancelled, 2)).await.expect("finish").expect("ended");
    let holds = store.environment_holds().await.expect("holds");
    let hold = holds.iter().find(|hold| hold.environment == 4.into()).expect("environment 4");
    assert_eq!(hold.run_id, Some(waiting), "the first in line holds it next");
    let listed = store
        .list_runs(&crate::domain::RunFilter { status: Some(RunStatus::Queued), ..Default::default() }, 10)
        .await
        .expect("list");
    assert_eq!(listed.iter().map(|run| run.id).collect::<Vec<_>>(), [waiting]);
}

#[tokio::test]
async fn a_sweep_finds_an_active_run_below_the_floor_and_lowers_it() {
    let store = store_settling_in(Duration::ZERO).await;
    let (first, second) = (create(&store, 1).await, create(&store, 2).await);
    for id in [first, second] {
        store.finish_queued_run(id, &ended(RunStatus::Cancelled, 2)).await.expect("finish").expect("ended");
    }
    assert_eq!(advance(&store).await, second.0 + 1);
    // What the floor assumes cannot happen: an ended run queued again.
    store.query("UPDATE $run SET status = 'queued'").bind("run", run_record(first)).await.expect("requeue");
    assert_eq!(ids(&store.queued_runs(10).await.expect("queue")), [], "read from the floor, it is not seen");
    assert_eq!(advance(&store).await, second.0 + 1, "nor by a move from the floor");

    store.advance_active_floor_from(1).await.expect("sweep");
    assert_eq!(store.active_floor.get(), first.0, "a sweep reads from the start");
    assert_eq!(ids(&store.queued_runs(10).await.expect("queue")), [first]);
}
