//! The embedded database's engine (SurrealKV, patched in `vendor/surrealkv`) keeps serving while
//! range scans and memtable flushes run at once. Unpatched, a scan and a flush take two locks in
//! opposite orders and deadlock: with this load that happens within a few seconds.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long the load runs; unpatched, the deadlock came within 2 s in each of three tries.
const LOAD_FOR: Duration = Duration::from_secs(10);
/// No operation finishing for this long is a deadlock (one takes microseconds).
const STALLED: Duration = Duration::from_secs(5);

#[test]
fn scans_and_flushes_at_once_do_not_deadlock() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    // A tiny memtable: a flush every few hundred writes.
    let tree = {
        let _inside = runtime.enter();
        Arc::new(
            surrealkv::TreeBuilder::new()
                .with_path(dir.path().to_path_buf())
                .with_max_memtable_size(64 * 1024)
                .build()
                .expect("open"),
        )
    };
    let done = Arc::new(AtomicU64::new(0));
    // An error in a load thread ends that thread; the test then fails with it, not as a stall.
    let failed: Arc<Mutex<Option<String>>> = Arc::default();
    for writer in 0..2u64 {
        let (tree, done, handle) = (Arc::clone(&tree), Arc::clone(&done), runtime.handle().clone());
        let failed = Arc::clone(&failed);
        std::thread::spawn(move || {
            for batch in 0u64.. {
                let mut transaction = tree.begin().expect("begin");
                for key in 0..20 {
                    let key = format!("key-{writer}-{batch:012}-{key}");
                    transaction.set(key.as_bytes(), &[7u8; 200]).expect("set");
                }
                if let Err(error) = handle.block_on(transaction.commit()) {
                    *failed.lock().unwrap_or_else(PoisonError::into_inner) = Some(format!("a commit failed: {error}"));
                    return;
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    for _ in 0..2 {
        let (tree, done, failed) = (Arc::clone(&tree), Arc::clone(&done), Arc::clone(&failed));
        std::thread::spawn(move || {
            loop {
                let transaction = match tree.begin() {
                    Ok(transaction) => transaction,
                    Err(error) => {
                        *failed.lock().unwrap_or_else(PoisonError::into_inner) =
                            Some(format!("a scan's transaction failed: {error}"));
                        return;
                    }
                };
                // Creating the iterator is the scan's locking step.
                drop(transaction.range(b"key-0".as_slice(), b"key-0-000000000100".as_slice()));
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let started = Instant::now();
    let (mut last, mut last_moved) = (0, Instant::now());
    while started.elapsed() < LOAD_FOR {
        std::thread::sleep(Duration::from_millis(200));
        if let Some(error) = failed.lock().unwrap_or_else(PoisonError::into_inner).take() {
            panic!("the load stopped: {error}");
        }
        let now = done.load(Ordering::Relaxed);
        if now != last {
            (last, last_moved) = (now, Instant::now());
        }
        if last_moved.elapsed() >= STALLED {
            // The stuck threads cannot be stopped: leave them (and the runtime they wait in).
            std::mem::forget(runtime);
            std::mem::forget(tree);
            panic!(
                "the database stopped: no operation finished for {STALLED:?} after {:.1} s and {now} operations \
                 (a scan and a flush deadlocked; is vendor/surrealkv's patch in place?)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    assert!(last > 1000, "the load ran ({last} operations)");
}
