//! The embedded database's engine (SurrealKV, patched in `vendor/surrealkv`) keeps the bloom
//! filters of its table files within a budget: as published, each table read its whole filter
//! when it was opened and held it for its life, so the service's memory grew with every run
//! stored (about 10 MB at 100,000 runs, 100 MB at 1,000,000). The patch reads a filter when a
//! lookup first needs it and keeps it in a cache as large as the block cache.
//!
//! Memory is counted by this test binary's own allocator: what opening a table and reading from
//! it keeps allocated, for a table ten times the keys of another.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(pointer, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CACHE_BYTES: u64 = 64 << 10;
const MEMTABLE_BYTES: usize = 64 << 20;

fn key(number: usize) -> Vec<u8> {
    format!("test_result:{number:09}").into_bytes()
}

fn open(runtime: &tokio::runtime::Runtime, path: &std::path::Path) -> surrealkv::Tree {
    let _inside = runtime.enter();
    surrealkv::TreeBuilder::new()
        .with_path(path.to_path_buf())
        .with_block_cache_capacity(CACHE_BYTES)
        .with_max_memtable_size(MEMTABLE_BYTES)
        .build()
        .expect("open")
}

/// Writes the even numbers below `2 * keys` into one table file (the memtable holds them all
/// and is flushed when the tree closes).
fn write_table(runtime: &tokio::runtime::Runtime, path: &std::path::Path, keys: usize) {
    let tree = open(runtime, path);
    for batch in (0..keys).collect::<Vec<_>>().chunks(10_000) {
        let mut transaction = tree.begin().expect("begin");
        for number in batch {
            transaction.set(&key(number * 2), b"value").expect("set");
        }
        runtime.block_on(transaction.commit()).expect("commit");
    }
    runtime.block_on(tree.close()).expect("close");
}

/// What opening the table and looking up keys in it (present and absent, all through the table
/// file) leaves allocated while the tree is open.
fn bytes_kept_by_reading(runtime: &tokio::runtime::Runtime, path: &std::path::Path, keys: usize) -> isize {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let tree = open(runtime, path);
    let transaction = tree.begin().expect("begin");
    for number in (0..keys).step_by(keys / 500) {
        assert_eq!(transaction.get(key(number * 2)).expect("get").as_deref(), Some(&b"value"[..]), "key {number}");
        assert_eq!(transaction.get(key(number * 2 + 1)).expect("get"), None, "absent key {number}");
    }
    assert_eq!(transaction.get(key(keys * 2)).expect("get"), None, "past the last key");
    let kept = LIVE_BYTES.load(Ordering::Relaxed) - before;
    drop(transaction);
    runtime.block_on(tree.close()).expect("close");
    kept
}

#[test]
fn the_memory_a_table_keeps_while_read_does_not_grow_with_its_keys() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let small = tempfile::tempdir().expect("temp dir");
    let large = tempfile::tempdir().expect("temp dir");
    write_table(&runtime, small.path(), 40_000);
    write_table(&runtime, large.path(), 400_000);

    let kept_small = bytes_kept_by_reading(&runtime, small.path(), 40_000);
    let kept_large = bytes_kept_by_reading(&runtime, large.path(), 400_000);
    // A filter holds 10 bits a key: 360,000 more keys are 450 KB more when it is held whole.
    let growth = kept_large - kept_small;
    eprintln!("kept while reading: {kept_small} bytes for 40,000 keys, {kept_large} for 400,000");
    assert!(
        growth < 150_000,
        "reading a table of 400,000 keys keeps {kept_large} bytes, one of 40,000 keys {kept_small}: \
         {growth} more (the engine holds what grows with the keys, its filters as published)"
    );
}
