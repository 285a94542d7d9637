use std::sync::Arc;

use super::*;
use crate::domain::{RunFilter, TestMemory};
use crate::store::testing::{new_run, store};

#[tokio::test]
async fn a_held_environment_names_its_holder_until_released() {
    let store = store().await;
    let first = store.create_run(&new_run(3), Utc::now()).await.expect("create");
    assert_eq!(first.status, RunStatus::Queued);
    match store.create_run(&new_run(3), Utc::now()).await {
        Err(CreateRunError::EnvironmentBusy { run_id, .. }) => assert_eq!(run_id, first.id),
        other => panic!("expected busy, got {other:?}"),
    }
    let other = store.create_run(&new_run(4), Utc::now()).await.expect("other env");
    assert!(other.id > first.id);
    let holds = store.environment_holds().await.expect("holds");
    assert!(holds.contains(&EnvironmentHold { environment: 3.into(), run_id: Some(first.id) }));
    let finish = Finish {
        status: RunStatus::Passed,
        exit_code: Some(0),
        message: None,
        finished_at: Utc::now(),
        counts: Counts::default(),
        log_bytes: 0,
        log_truncated: false,
        stored_bytes: 0,
        seq: 2,
        resources: ResourceUsage { peak_memory_bytes: Some(1000), cpu_seconds: Some(0.5), oom_killed: false },
        cancelled_by: None,
        log: Vec::new(),
        log_maybe_stored_to: None,
        results: Vec::new(),
        history: None,
    };
    let done = store.finish_run(first.id, &finish).await.expect("finish").expect("was active");
    assert_eq!(done.status, RunStatus::Passed);
    assert_eq!(done.resources.peak_memory_bytes, Some(1000));
    assert_eq!(done.limits.pids, 100);
    assert!(store.finish_run(first.id, &finish).await.expect("finish again").is_none());
    store.create_run(&new_run(3), Utc::now()).await.expect("free again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_for_one_environment_have_one_winner() {
    let store = Arc::new(store().await);
    let attempts: Vec<_> = (0..50)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.create_run(&new_run(9), Utc::now()).await })
        })
        .collect();
    let mut winners = 0;
    for attempt in attempts {
        match attempt.await.expect("join") {
            Ok(_) => winners += 1,
            Err(CreateRunError::EnvironmentBusy { .. }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn progress_and_logs_read_back_in_order() {
    let store = store().await;
    let run = store.create_run(&new_run(1), Utc::now()).await.expect("create");
    store.mark_running(run.id, Utc::now(), Enforcement::Rlimit, 2).await.expect("start").expect("was queued");
    let progress = Progress {
        log: vec![
            LogChunk { seq: 3, byte_offset: 0, text: "hello ".into() },
            LogChunk { seq: 5, byte_offset: 6, text: "world\n".into() },
        ],
        results: vec![TestResult {
            seq: 4,
            node_id: "t.py::a".into(),
            outcome: crate::domain::TestOutcome::Failed,
            phase: "call".into(),
            duration_s: 0.5,
            failure: Some("boom".into()),
            memory: Some(TestMemory { before_bytes: 10 << 20, after_bytes: 12 << 20 }),
            file_hash: Some("0123456789abcdef".into()),
            memray: Some(crate::domain::TestMemrayFigures {
                peak_bytes: 3 << 20,
                allocations: 12,
                top: vec![("render:t.py:24".into(), 3 << 20)],
            }),
        }],
        counts: Counts { failed: 1, total: 1, ..Counts::default() },
        log_bytes: 12,
        log_truncated: false,
        stored_bytes: 0,
        seq: 5,
    };
    store.record_progress(run.id, &progress).await.expect("progress");
    // Sent again (its answer was lost, say): the store holds it once.
    store.record_progress(run.id, &progress).await.expect("progress again");
    let from = store.log_chunks_from(run.id, 7, 10).await.expect("log");
    assert_eq!(from.iter().map(|c| c.seq).collect::<Vec<_>>(), [5]);
    let after = store.log_chunks_after_seq(run.id, 0, i64::MAX, 10).await.expect("log");
    assert_eq!(after.len(), 2);
    let results = store.test_results(run.id, 0, i64::MAX).await.expect("results");
    assert_eq!(results, progress.results);
    let stored = store.run(run.id).await.expect("read").expect("exists");
    assert_eq!(stored.counts.failed, 1);
    assert_eq!(stored.seq, 5);
    assert_eq!(stored.status, RunStatus::Running);
    let listed =
        store.list_runs(&RunFilter { status: Some(RunStatus::Running), ..Default::default() }, 10).await.expect("list");
    assert_eq!(listed.len(), 1);

    // The end comes with the events not stored yet, and some that were (a batch whose
    // answer was lost): those are not stored twice.
    let late = TestResult { seq: 6, node_id: "t.py::b".into(), ..progress.results[0].clone() };
    let finish = Finish {
        status: RunStatus::Failed,
        exit_code: Some(1),
        message: None,
        finished_at: Utc::now(),
        counts: Counts { failed: 2, total: 2, ..Counts::default() },
        log_bytes: 16,
        log_truncated: false,
        stored_bytes: 0,
        seq: 8,
        resources: ResourceUsage::default(),
        cancelled_by: None,
        log: vec![progress.log[1].clone(), LogChunk { seq: 7, byte_offset: 12, text: "bye\n".into() }],
        log_maybe_stored_to: Some(5),
        results: vec![progress.results[0].clone(), late.clone()],
        history: None,
    };
    store.finish_run(run.id, &finish).await.expect("finish").expect("was active");
    let log: String =
        store.log_chunks_from(run.id, 0, 10).await.expect("log").into_iter().map(|chunk| chunk.text).collect();
    assert_eq!(log, "hello world\nbye\n");
    let results = store.test_results(run.id, 0, i64::MAX).await.expect("results");
    assert_eq!(results, vec![progress.results[0].clone(), late]);
}
