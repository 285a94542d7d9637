//! The embedded database's engine (SurrealKV, patched in `vendor/surrealkv`) reads a range
//! backwards from its last key: the patch finds that key through the memtable's skiplist levels
//! instead of walking back from the memtable's end one entry at a time (which made the runs
//! list's first page cost one step per entry written after the `run` table, as retention's
//! deletions of test results are). What the backward read returns must not change.

use surrealkv::LSMIterator;

fn backwards(transaction: &surrealkv::Transaction, start: &[u8], end: &[u8]) -> Vec<String> {
    let mut range = transaction.range(start, end).expect("range");
    let mut keys = Vec::new();
    let mut valid = range.seek_last().expect("seek last");
    while valid {
        keys.push(String::from_utf8(range.key().user_key().to_vec()).expect("utf-8"));
        valid = range.prev().expect("prev");
    }
    keys
}

#[test]
fn a_range_read_backwards_holds_its_keys_newest_first_and_nothing_past_its_bounds() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let _inside = runtime.enter();
    let tree = surrealkv::TreeBuilder::new().with_path(dir.path().to_path_buf()).build().expect("open");
    let mut transaction = tree.begin().expect("begin");
    for key in 0..50 {
        transaction.set(format!("b-{key:03}").as_bytes(), b"v").expect("set");
    }
    // Much more after the range than in it, as the memtable holds while results are deleted.
    for key in 0..5000 {
        transaction.set(format!("c-{key:05}").as_bytes(), b"v").expect("set");
    }
    transaction.set(b"a", b"v").expect("set");
    runtime.block_on(transaction.commit()).expect("commit");
    let mut transaction = tree.begin().expect("begin");
    for key in (0..50).step_by(7) {
        transaction.delete(format!("b-{key:03}").as_bytes()).expect("delete");
    }
    for key in 0..5000 {
        transaction.delete(format!("c-{key:05}").as_bytes()).expect("delete");
    }
    runtime.block_on(transaction.commit()).expect("commit");

    let reader = tree.begin().expect("begin");
    let expected: Vec<String> = (0..50).rev().filter(|key| key % 7 != 0).map(|key| format!("b-{key:03}")).collect();
    assert_eq!(backwards(&reader, b"b", b"c"), expected);
    assert_eq!(
        backwards(&reader, b"b-010", b"b-020"),
        ["b-019", "b-018", "b-017", "b-016", "b-015", "b-013", "b-012", "b-011", "b-010"]
    );
    assert_eq!(backwards(&reader, b"b-0491", b"c"), Vec::<String>::new(), "nothing between the last key and the end");
    assert_eq!(backwards(&reader, b"c", b"d"), Vec::<String>::new(), "only deleted keys");
    assert_eq!(backwards(&reader, b"", b"b"), ["a"]);
}
