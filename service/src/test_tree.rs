//! The test tree on disk: which folders and test files it holds, and whether a requested path
//! really lies inside it.
//!
//! Files are found as pytest finds them by default (`test_*.py` and `*_test.py`). Hidden
//! folders, `__pycache__`, `node_modules` and virtualenvs are skipped, and symbolic links are
//! listed only when they point inside the tree (folders behind links are not walked, so a link
//! cycle cannot trap the walk).

use std::io;
use std::path::{Path, PathBuf};

use crate::domain::TestPath;

mod fingerprint;

pub use fingerprint::fingerprint;

/// Folders never walked.
const SKIPPED_FOLDERS: [&str; 4] = ["__pycache__", "node_modules", "venv", "site-packages"];

/// One folder or test file, relative to the tree's root, with `/` separators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    pub path: String,
    pub kind: EntryKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Folder,
    File,
}

/// A requested path does not name a file or folder inside the tree.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("`{0}` does not exist in the test tree")]
    NotFound(String),
    #[error("`{0}` leads outside the test tree")]
    OutsideTree(String),
    #[error("`{0}` is neither a file nor a folder")]
    NotFileOrFolder(String),
}

/// The root of the tests, resolved once at start-up.
#[derive(Clone, Debug)]
pub struct TestTree {
    root: PathBuf,
}

impl TestTree {
    /// Opens the tree at `root`, which must be an existing folder.
    pub fn open(root: &Path) -> io::Result<TestTree> {
        let root = root.canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotADirectory, "the tests root is not a folder"));
        }
        Ok(TestTree { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Lists the folders that hold test files and the test files, sorted by path; folders come
    /// before the files inside them.
    pub fn entries(&self) -> io::Result<Vec<TreeEntry>> {
        let mut entries = Vec::new();
        self.walk(&self.root, "", &mut entries)?;
        Ok(entries)
    }

    /// Walks `dir` and returns whether it held any test file.
    fn walk(&self, dir: &Path, prefix: &str, out: &mut Vec<TreeEntry>) -> io::Result<bool> {
        let mut children: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
        children.sort_by_key(|child| child.file_name());
        let mut found = false;
        for child in children {
            let Some(name) = child.file_name().to_str().map(str::to_owned) else { continue };
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            let file_type = child.file_type()?;
            if file_type.is_dir() {
                if name.starts_with('.') || SKIPPED_FOLDERS.contains(&name.as_str()) || is_virtualenv(&child.path()) {
                    continue;
                }
                let position = out.len();
                out.push(TreeEntry { path: path.clone(), kind: EntryKind::Folder });
                if self.walk(&child.path(), &path, out)? {
                    found = true;
                } else {
                    out.truncate(position);
                }
            } else if is_test_file(&name) && (file_type.is_file() || self.link_stays_inside(&child.path())) {
                out.push(TreeEntry { path, kind: EntryKind::File });
                found = true;
            }
        }
        Ok(found)
    }

    fn link_stays_inside(&self, link: &Path) -> bool {
        link.canonicalize().is_ok_and(|target| target.starts_with(&self.root) && target.is_file())
    }

    /// Checks that `path` (possibly with a `::test` selector) names an existing file or folder
    /// inside the tree once every symbolic link is followed.
    pub fn check(&self, path: &TestPath) -> Result<(), PathError> {
        let joined = self.root.join(path.file_part());
        let resolved = match joined.canonicalize() {
            Ok(resolved) => resolved,
            Err(_) if joined.symlink_metadata().is_ok() => return Err(PathError::OutsideTree(path.to_string())),
            Err(_) => return Err(PathError::NotFound(path.to_string())),
        };
        if !resolved.starts_with(&self.root) {
            return Err(PathError::OutsideTree(path.to_string()));
        }
        if !(resolved.is_file() || resolved.is_dir()) {
            return Err(PathError::NotFileOrFolder(path.to_string()));
        }
        Ok(())
    }
}

fn is_test_file(name: &str) -> bool {
    name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
}

fn is_virtualenv(dir: &Path) -> bool {
    dir.join("pyvenv.cfg").exists()
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::symlink;

    use super::*;

    fn tree() -> (tempfile::TempDir, TestTree) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("tests");
        fs::create_dir_all(root.join("math/deep")).expect("mkdir");
        fs::create_dir_all(root.join("empty")).expect("mkdir");
        fs::create_dir_all(root.join(".hidden")).expect("mkdir");
        fs::create_dir_all(root.join("__pycache__")).expect("mkdir");
        fs::write(root.join("math/test_add.py"), "").expect("write");
        fs::write(root.join("math/deep/sub_test.py"), "").expect("write");
        fs::write(root.join("math/helpers.py"), "").expect("write");
        fs::write(root.join(".hidden/test_no.py"), "").expect("write");
        fs::write(root.join("__pycache__/test_no.py"), "").expect("write");
        fs::write(root.join("test_top.py"), "").expect("write");
        fs::write(dir.path().join("secret.py"), "").expect("write");
        symlink(dir.path().join("secret.py"), root.join("test_escape.py")).expect("symlink");
        symlink(dir.path(), root.join("up")).expect("symlink");
        let tree = TestTree::open(&root).expect("open");
        (dir, tree)
    }

    #[test]
    fn lists_folders_with_tests_and_test_files() {
        let (_dir, tree) = tree();
        let paths: Vec<_> = tree.entries().expect("entries").into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["math", "math/deep", "math/deep/sub_test.py", "math/test_add.py", "test_top.py"]);
    }

    #[test]
    fn checks_paths_stay_inside() {
        let (_dir, tree) = tree();
        assert!(tree.check(&"math".into()).is_ok());
        assert!(tree.check(&"math/test_add.py::test_one".into()).is_ok());
        assert!(matches!(tree.check(&"math/nope.py".into()), Err(PathError::NotFound(_))));
        assert!(matches!(tree.check(&"test_escape.py".into()), Err(PathError::OutsideTree(_))));
        assert!(matches!(tree.check(&"up/secret.py".into()), Err(PathError::OutsideTree(_))));
        assert!(matches!(tree.check(&"up".into()), Err(PathError::OutsideTree(_))));
    }
}
