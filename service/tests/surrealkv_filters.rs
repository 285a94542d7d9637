//! The embedded database's engine (SurrealKV, patched in `vendor/surrealkv`) leaves the bloom
//! filters of its deepest level's tables on disk. As published, every table held its whole filter
//! (10 bits a key) in memory for as long as it was open, so the service's memory grew with every
//! run ever stored: about 10 MB at 100,000 runs, most of it the deepest level's. The tables above
//! it, which a flush or a compaction keeps small, still hold theirs.
//!
//! Memory is counted by this test binary's own allocator: what opening a tree whose keys were
//! flushed and compacted, and reading from it, keeps allocated, against what its keys' filters
//! weigh. The lookups also check that keys are found, and absent ones not, without the filters.

// A global allocator can only be written as unsafe code; this one counts and hands every call to
// the system's allocator unchanged.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicIsize, Ordering};

/// Counts the bytes allocated and not yet freed, but for the memtables' arenas (allocated whole,
/// `MEMTABLE_BYTES` each), whose number depends on what opening a tree replays of its log.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

fn counted(size: usize) -> isize {
    if size == MEMTABLE_BYTES { 0 } else { size as isize }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(counted(layout.size()), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(counted(layout.size()), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(counted(layout.size()), Ordering::Relaxed);
        unsafe { System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(counted(new_size) - counted(layout.size()), Ordering::Relaxed);
        unsafe { System.realloc(pointer, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CACHE_BYTES: u64 = 64 << 10;
/// Small, so that writing the tree flushes many times and its level 0 is compacted into a deeper
/// level, as a service's history is.
const MEMTABLE_BYTES: usize = 1 << 20;

fn key(number: usize) -> Vec<u8> {
    format!("test_result:{number:09}").into_bytes()
}

fn open(runtime: &tokio::runtime::Runtime, path: &Path) -> surrealkv::Tree {
    let _inside = runtime.enter();
    surrealkv::TreeBuilder::new()
        .with_path(path.to_path_buf())
        .with_block_cache_capacity(CACHE_BYTES)
        .with_max_memtable_size(MEMTABLE_BYTES)
        // Writes wait for compaction rather than pile up in level 0, whose tables hold their filters.
        .with_l0_stall_threshold(4)
        .build()
        .expect("open")
}

/// Writes the even numbers below `2 * keys`, in transactions of 500 keys.
fn write_tree(runtime: &tokio::runtime::Runtime, path: &Path, keys: usize) {
    let tree = open(runtime, path);
    for batch in (0..keys).collect::<Vec<_>>().chunks(500) {
        let mut transaction = tree.begin().expect("begin");
        for number in batch {
            transaction.set(key(number * 2), b"value").expect("set");
        }
        runtime.block_on(transaction.commit()).expect("commit");
    }
    runtime.block_on(tree.close()).expect("close");
}

#[test]
fn a_tree_read_after_compaction_does_not_hold_the_filters_of_its_deepest_level() {
    const KEYS: usize = 400_000;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    write_tree(&runtime, dir.path(), KEYS);

    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let tree = open(&runtime, dir.path());
    let transaction = tree.begin().expect("begin");
    for number in (0..KEYS).step_by(KEYS / 500) {
        assert_eq!(transaction.get(key(number * 2)).expect("get").as_deref(), Some(&b"value"[..]), "key {number}");
        assert_eq!(transaction.get(key(number * 2 + 1)).expect("get"), None, "absent key {number}");
    }
    assert_eq!(transaction.get(key(KEYS * 2)).expect("get"), None, "past the last key");
    let kept = LIVE_BYTES.load(Ordering::Relaxed) - before;
    drop(transaction);
    runtime.block_on(tree.close()).expect("close");

    // A filter holds 10 bits a key: 500 KB for these keys when every table holds its own (555 KB
    // were kept as published); level 0, at most 4 flushes, holds under a fifth of them.
    let filters_weigh = (KEYS * 10 / 8) as isize;
    eprintln!("opening and reading a tree of {KEYS} keys kept {kept} bytes; their filters weigh {filters_weigh}");
    assert!(
        kept < filters_weigh / 2,
        "opening and reading a tree of {KEYS} keys kept {kept} bytes, more than half what their filters weigh \
         ({filters_weigh}): the deepest level's tables hold their filters in memory, as published"
    );
}
