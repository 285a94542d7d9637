//! The journal's promise, checked from every starting point: a listener that has seen events up
//! to any sequence number gets exactly the rest, in order, whether they come from the store,
//! the tail or live.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;

use super::{Ending, Journal, JournalSettings, RunEventKind};
use crate::domain::{Enforcement, Limits, NewRun, ResourceUsage, RunStatus, TestOutcome, TestResult};
use crate::events::EventHub;
use crate::store::{EmbeddedSizes, Store};

fn new_run() -> NewRun {
    NewRun {
        user: "ada".into(),
        environment: 4.into(),
        paths: vec!["math".into()],
        variables: BTreeMap::new(),
        limits: Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 64, timeout_s: 60 },
        template: None,
        rerun_of: None,
        profile: None,
        created_by: None,
        wait_for_environment: false,
    }
}

fn result(name: &str, outcome: TestOutcome) -> TestResult {
    TestResult {
        seq: 0,
        node_id: name.into(),
        outcome,
        phase: "call".into(),
        duration_s: 0.1,
        failure: None,
        memory: None,
        memray: None,
        file_hash: None,
    }
}

/// What a listener heard, in a form to compare: sequence number and what it was.
fn describe(kind: &RunEventKind) -> String {
    match kind {
        RunEventKind::State(run) => format!("state {} {}", run.status, run.counts.passed),
        RunEventKind::Test(result) => format!("test {}", result.node_id),
        RunEventKind::Log(chunk) => format!("log {} {}", chunk.byte_offset, chunk.text),
        RunEventKind::Resources(sample) => format!("resources {}", sample.memory_bytes),
    }
}

/// Follows the run from `after` until its end.
async fn heard(journal: &Journal, id: crate::domain::RunId, after: i64) -> Vec<(i64, String)> {
    let mut events = journal.follow(id, after);
    let mut heard = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .expect("the next event in time")
            .expect("the stream goes on");
        let ended = matches!(&event.kind, RunEventKind::State(run) if !run.status.is_active());
        heard.push((event.seq, describe(&event.kind)));
        if ended {
            return heard;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_from_any_point_hears_exactly_the_rest() {
    let store = Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("store");
    let settings =
        JournalSettings { persist_interval: Duration::from_millis(15), persist_bytes: 64, tail_max_bytes: 1 << 20 };
    let journal = Journal::new(store, EventHub::new(), settings);
    let run = journal.create(&new_run(), Utc::now()).await.expect("create");
    journal.adopt(run.clone());
    let writer = journal.start(run.id, Enforcement::Rlimit).await.expect("start").expect("queued");

    // A listener from the start, live all along.
    let live = tokio::spawn({
        let journal = journal.clone();
        async move { heard(&journal, run.id, 0).await }
    });
    // Listeners that join while the run goes: some of what they need is stored, some is in
    // the tail, the rest is live.
    let mut joiners = Vec::new();
    writer.collected(30);
    for number in 0..30 {
        writer.log(format!("line {number} é\n"));
        if number % 3 == 0 {
            writer.test(result(&format!("t.py::test_{number}"), TestOutcome::Passed));
        }
        if number % 7 == 0 {
            let journal = journal.clone();
            let after = i64::from(number);
            joiners.push(tokio::spawn(async move { (after, heard(&journal, run.id, after).await) }));
        }
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let ending =
        Ending { status: RunStatus::Passed, exit_code: Some(0), message: None, resources: ResourceUsage::default() };
    let ended = writer.finish(ending).await.expect("the run ends");
    assert_eq!(ended.status, RunStatus::Passed);
    assert_eq!(ended.counts.passed, 10);

    let everything = live.await.expect("live listener");
    let seqs: Vec<i64> = everything.iter().map(|(seq, _)| *seq).collect();
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "in order, none twice: {seqs:?}");
    let log: String = everything
        .iter()
        .filter_map(|(_, what)| what.strip_prefix("log "))
        .map(|rest| rest.split_once(' ').expect("offset and text").1)
        .collect();
    assert_eq!(log, (0..30).map(|n| format!("line {n} é\n")).collect::<String>());
    // Log and test events are the same for every listener, live or late; states may be
    // summed up differently (a late listener gets the state as it is, not each step).
    let essentials = |heard: &[(i64, String)], after: i64| -> Vec<(i64, String)> {
        heard.iter().filter(|(seq, what)| *seq > after && !what.starts_with("state")).cloned().collect()
    };
    for joiner in joiners {
        let (after, heard) = joiner.await.expect("joiner");
        assert_eq!(essentials(&heard, after), essentials(&everything, after), "a listener from {after}");
    }
    // After the end, from every point: the store alone.
    let last = *seqs.last().expect("events");
    for after in 0..last {
        let replayed = heard(&journal, run.id, after).await;
        assert_eq!(essentials(&replayed, after), essentials(&everything, after), "a replay from {after}");
        assert_eq!(replayed.last().map(|(seq, _)| *seq), Some(last), "the end, under its own number");
    }
}

/// A run that prints faster than the database stores is held back, not lost: once the tail is
/// full the writer has no room until a batch is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_tail_leaves_no_room_until_a_batch_is_stored() {
    let store = Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("store");
    let settings =
        JournalSettings { persist_interval: Duration::from_secs(3600), persist_bytes: 1 << 30, tail_max_bytes: 1000 };
    let journal = Journal::new(store.clone(), EventHub::new(), settings);
    let run = journal.create(&new_run(), Utc::now()).await.expect("create");
    journal.adopt(run.clone());
    let writer = journal.start(run.id, Enforcement::Rlimit).await.expect("start").expect("queued");
    writer.log("x".repeat(600));
    assert!(writer.has_room());
    writer.log("y".repeat(600));
    assert!(!writer.has_room(), "1200 bytes wait in a tail of 1000");
    // The persister is asleep for an hour: asking for room wakes it, and the batch it stores
    // makes room.
    tokio::time::timeout(Duration::from_secs(10), writer.room()).await.expect("room once the batch is stored");
    assert!(writer.has_room());
    let stored = store.log_chunks_from(run.id, 0, 10).await.expect("log");
    assert_eq!(stored.iter().map(|chunk| chunk.text.len()).sum::<usize>(), 1200);
    let ending =
        Ending { status: RunStatus::Passed, exit_code: Some(0), message: None, resources: ResourceUsage::default() };
    writer.finish(ending).await.expect("ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samples_are_numbered_heard_live_and_kept_with_the_run() {
    let store = Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("store");
    let journal = Journal::new(store.clone(), EventHub::new(), JournalSettings::default());
    let run = journal.create(&new_run(), Utc::now()).await.expect("create");
    journal.adopt(run.clone());
    let writer = journal.start(run.id, Enforcement::Rlimit).await.expect("start").expect("queued");
    let mut events = journal.follow(run.id, 0);
    writer.log("before\n".into());
    let mut heard = Vec::new();
    // Samples are live only: the listener must be following before they come.
    while !heard.iter().any(|(_, what): &(i64, String)| what.starts_with("log")) {
        let event = tokio::time::timeout(Duration::from_secs(5), events.next()).await.expect("in time").expect("more");
        heard.push((event.seq, describe(&event.kind)));
    }
    for second in 0..3_u64 {
        writer.sample(crate::domain::ResourceSample {
            at_ms: second * 1000,
            memory_bytes: (second + 1) << 20,
            cpu_seconds: 0.1,
        });
    }
    writer.log("after\n".into());
    while heard.iter().filter(|(_, what)| what.starts_with("log")).count() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(5), events.next()).await.expect("in time").expect("more");
        heard.push((event.seq, describe(&event.kind)));
    }
    let samples: Vec<_> = heard.iter().filter(|(_, what)| what.starts_with("resources")).collect();
    assert_eq!(samples.len(), 3, "every sample is heard: {heard:?}");
    let log_seqs: Vec<i64> = heard.iter().filter(|(_, what)| what.starts_with("log")).map(|(seq, _)| *seq).collect();
    assert_eq!(log_seqs.len(), 2, "the log after the samples is heard too: {heard:?}");
    let seqs: Vec<i64> = heard.iter().map(|(seq, _)| *seq).collect();
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "samples are numbered in order: {heard:?}");
    assert_eq!(log_seqs[1], log_seqs[0] + 4, "three samples came between the two logs");
    assert_eq!(journal.resources(run.id).await.expect("from memory").points().len(), 3);

    let ending =
        Ending { status: RunStatus::Passed, exit_code: Some(0), message: None, resources: ResourceUsage::default() };
    writer.finish(ending).await.expect("the run ends");
    let stored = store.resources(run.id).await.expect("stored with the end");
    assert_eq!(stored.peak_memory_bytes(), Some(3 << 20));
    assert_eq!(journal.resources(run.id).await.expect("from the store"), stored);
}
