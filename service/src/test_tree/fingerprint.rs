//! A digest of what pytest reads from the tree (every Python file and pytest's settings files,
//! by path and content), so that nodes can tell whether they serve the same tests.

use std::io;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{SKIPPED_FOLDERS, is_virtualenv};

/// Settings files pytest may read besides the Python files.
const SETTINGS_FILES: [&str; 4] = ["pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"];
/// Hex digits kept: 64 bits tell trees apart.
const DIGITS: usize = 16;

/// The digest of the sources under `root`: the same for two trees exactly when their Python
/// and settings files have the same paths and contents.
pub fn fingerprint(root: &Path) -> io::Result<String> {
    let mut digest = Sha256::new();
    add_folder(root, "", &mut digest)?;
    let hex = format!("{:x}", digest.finalize());
    Ok(hex[..DIGITS].to_owned())
}

fn add_folder(dir: &Path, prefix: &str, digest: &mut Sha256) -> io::Result<()> {
    let mut children: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
    children.sort_by_key(|child| child.file_name());
    for child in children {
        let Some(name) = child.file_name().to_str().map(str::to_owned) else { continue };
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let file_type = child.file_type()?;
        if file_type.is_dir() {
            if !(name.starts_with('.') || SKIPPED_FOLDERS.contains(&name.as_str()) || is_virtualenv(&child.path())) {
                add_folder(&child.path(), &path, digest)?;
            }
        } else if name.ends_with(".py") || SETTINGS_FILES.contains(&name.as_str()) {
            // A file that vanished or cannot be read counts as empty: the digest still differs.
            let content = std::fs::read(child.path()).unwrap_or_default();
            digest.update(path.as_bytes());
            digest.update([0]);
            digest.update(Sha256::digest(&content));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn the_digest_follows_paths_and_contents_of_sources_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        fs::create_dir_all(root.join("pkg/__pycache__")).expect("mkdir");
        fs::write(root.join("pkg/test_a.py"), "def test_a(): pass\n").expect("write");
        fs::write(root.join("conftest.py"), "").expect("write");
        let first = fingerprint(root).expect("digest");
        assert_eq!(first.len(), DIGITS);

        fs::write(root.join("README.md"), "notes").expect("write");
        fs::write(root.join("pkg/__pycache__/test_a.py"), "cached").expect("write");
        assert_eq!(fingerprint(root).expect("digest"), first, "what pytest does not read does not count");

        fs::write(root.join("pkg/test_a.py"), "def test_a(): assert False\n").expect("write");
        let changed = fingerprint(root).expect("digest");
        assert_ne!(changed, first, "a changed test file counts");

        fs::rename(root.join("pkg/test_a.py"), root.join("pkg/test_b.py")).expect("rename");
        assert_ne!(fingerprint(root).expect("digest"), changed, "a renamed file counts");
        fs::write(root.join("pytest.ini"), "[pytest]\n").expect("write");
        assert_ne!(fingerprint(root).expect("digest"), changed, "pytest's settings count");
    }
}
