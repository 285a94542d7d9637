//! The content hash of each test file a run reports on, so that a test's history can tell a
//! test that flips on the same code (flaky) from one whose file changed.
//!
//! A file is hashed when its first result arrives: pytest has collected it by then (the
//! content that runs is the content read at collection), the file is in the page cache, and
//! a run pays nothing for the files under its paths that hold no tests.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Files larger than this are not hashed (their tests' history then knows no content).
const LARGEST_HASHED_BYTES: u64 = 16 * 1024 * 1024;
/// Hex digits kept of a hash: 64 bits tell a file's versions apart.
const HASH_DIGITS: usize = 16;

/// The hashes of a run's test files, by their path relative to the tree.
pub(super) struct FileHashes {
    root: PathBuf,
    known: HashMap<String, Option<String>>,
}

impl FileHashes {
    pub fn new(root: &Path) -> FileHashes {
        FileHashes { root: root.to_owned(), known: HashMap::new() }
    }

    /// The hash of the file of `node_id` (`dir/test_x.py::test_y[1]`), read the first time;
    /// `None` for a file that cannot be read.
    pub fn of_node(&mut self, node_id: &str) -> Option<String> {
        let file = node_id.split_once("::").map_or(node_id, |(file, _)| file);
        if let Some(hash) = self.known.get(file) {
            return hash.clone();
        }
        let hash = hash_file(&self.root.join(file));
        self.known.insert(file.to_owned(), hash.clone());
        hash
    }
}

fn hash_file(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut content = Vec::new();
    file.take(LARGEST_HASHED_BYTES + 1).read_to_end(&mut content).ok()?;
    if content.len() as u64 > LARGEST_HASHED_BYTES {
        return None;
    }
    let digest = Sha256::digest(&content);
    let mut hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    hex.truncate(HASH_DIGITS);
    Some(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_hash_follows_its_content_and_is_read_once() {
        let tree = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(tree.path().join("pkg")).expect("dir");
        let file = tree.path().join("pkg/test_a.py");
        std::fs::write(&file, "def test_a():\n    pass\n").expect("write");
        let mut hashes = FileHashes::new(tree.path());
        let first = hashes.of_node("pkg/test_a.py::test_a").expect("a hash");
        assert_eq!(first.len(), HASH_DIGITS);
        std::fs::write(&file, "def test_a():\n    assert 1\n").expect("write");
        assert_eq!(hashes.of_node("pkg/test_a.py::test_b[x::y]"), Some(first.clone()), "the run's first reading");
        let changed = FileHashes::new(tree.path()).of_node("pkg/test_a.py::test_a").expect("a hash");
        assert_ne!(changed, first, "another run sees the new content");
        assert_eq!(FileHashes::new(tree.path()).of_node("pkg/missing.py::t"), None);
        assert_eq!(FileHashes::new(tree.path()).of_node("pkg"), None, "a folder has no hash");
    }
}
