//! Finding where Testbay may create cgroups: a parent folder per Testbay instance, under the
//! service's own cgroup, so that runs stay inside whatever the service itself is limited to.
//!
//! - **v2** (unified): the service's cgroup comes from `/proc/self/cgroup` (`0::/PATH`). A
//!   cgroup that hands controllers to its children may hold no processes itself, so when the
//!   service's cgroup is not the root, the service first moves its own processes into a
//!   `service` leaf, enables `memory pids cpu` for the children and puts runs beside it. This is
//!   what systemd's `Delegate=yes` allows.
//! - **v1**: one folder per controller (memory, pids, cpu, cpuacct, freezer), each under the
//!   service's cgroup in that hierarchy, as cgroups-rs reads them from the mount table.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::cgroup::{self, V1_CONTROLLERS, Version};

const V2_CONTROLLERS: &str = "+memory +pids +cpu";

/// Where a Testbay instance keeps its runs' cgroups.
#[derive(Clone, Debug)]
pub struct Parent {
    pub version: Version,
    /// v2: one folder; v1: one per controller of `V1_CONTROLLERS`.
    pub dirs: Vec<PathBuf>,
}

impl Parent {
    /// The folders of run `name`'s cgroup.
    pub fn run_dirs(&self, name: &str) -> Vec<PathBuf> {
        self.dirs.iter().map(|dir| dir.join(name)).collect()
    }

    /// Names of the run cgroups that exist now.
    pub fn run_names(&self) -> Vec<String> {
        let Some(first) = self.dirs.first() else { return Vec::new() };
        let Ok(entries) = fs::read_dir(first) else { return Vec::new() };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_dir())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| name.starts_with("run-"))
            .collect();
        names.sort();
        names
    }
}

/// Prepares the v2 parent for `instance` under the unified hierarchy at `root`, for a service
/// whose cgroup is `own` (the path from `/proc/self/cgroup`) and whose pid is `pid`.
pub fn prepare_v2(root: &Path, own: &str, instance: &str, pid: u32) -> io::Result<Parent> {
    let own_dir = root.join(own.trim_start_matches('/'));
    let controllers = fs::read_to_string(own_dir.join("cgroup.controllers"))?;
    for needed in ["memory", "pids", "cpu"] {
        if !controllers.split_whitespace().any(|c| c == needed) {
            return Err(io::Error::other(format!(
                "the {needed} controller is not available in {} (is the cgroup delegated?)",
                own_dir.display()
            )));
        }
    }
    if own_dir != root {
        // No internal processes: move the service (and anything else here) into a leaf.
        let leaf = own_dir.join("service");
        fs::create_dir_all(&leaf)?;
        let mut pids = cgroup::read_pids(&own_dir.join("cgroup.procs"));
        if !pids.contains(&(pid as i32)) {
            pids.push(pid as i32);
        }
        for process in pids {
            // A process may have ended since the list was read.
            let _ = cgroup::write(&leaf, "cgroup.procs", &process.to_string());
        }
    }
    cgroup::write(&own_dir, "cgroup.subtree_control", V2_CONTROLLERS)?;
    let parent = own_dir.join(format!("testbay-{instance}"));
    fs::create_dir_all(&parent)?;
    cgroup::write(&parent, "cgroup.subtree_control", V2_CONTROLLERS)?;
    Ok(Parent { version: Version::V2, dirs: vec![parent] })
}

/// Prepares the v1 parent for `instance`, given the service's own folder in each controller's
/// hierarchy (controller name → absolute folder).
pub fn prepare_v1(own_dirs: &HashMap<String, String>, instance: &str) -> io::Result<Parent> {
    let mut dirs = Vec::with_capacity(V1_CONTROLLERS.len());
    for controller in V1_CONTROLLERS {
        let own = own_dirs
            .get(controller)
            .ok_or_else(|| io::Error::other(format!("the v1 {controller} controller is not mounted")))?;
        if !Path::new(own).is_absolute() {
            return Err(io::Error::other(format!("the {controller} cgroup path `{own}` is not absolute")));
        }
        let dir = Path::new(own).join(format!("testbay-{instance}"));
        fs::create_dir_all(&dir)?;
        dirs.push(dir);
    }
    Ok(Parent { version: Version::V1, dirs })
}

/// The service's own folder in each v1 controller's hierarchy: where cgroups-rs finds the
/// controller mounted, plus the service's path in it from `/proc/self/cgroup`.
pub fn own_v1_dirs() -> io::Result<HashMap<String, String>> {
    use cgroups_rs::fs::Controllers;
    let relative = cgroups_rs::fs::cgroup::get_cgroups_relative_paths().map_err(|e| io::Error::other(e.to_string()))?;
    let mounts = cgroups_rs::fs::hierarchies::V1::new();
    let mut dirs = HashMap::new();
    for (controller, name) in [
        (Controllers::Mem, "memory"),
        (Controllers::Pids, "pids"),
        (Controllers::Cpu, "cpu"),
        (Controllers::CpuAcct, "cpuacct"),
        (Controllers::Freezer, "freezer"),
    ] {
        let Some((mount_point, mount_root)) = mounts.get_mount_point(controller) else { continue };
        let Some(own) = relative.get(name) else { continue };
        dirs.insert(name.to_owned(), v1_dir(&mount_point, &mount_root, own).display().to_string());
    }
    Ok(dirs)
}

/// The folder of cgroup `own` (as `/proc/self/cgroup` names it) in a hierarchy mounted at
/// `mount_point` from `mount_root` (not `/` inside a container).
fn v1_dir(mount_point: &Path, mount_root: &Path, own: &str) -> PathBuf {
    let own = Path::new(own);
    let inside = own.strip_prefix(mount_root).unwrap_or(own);
    mount_point.join(inside.strip_prefix("/").unwrap_or(inside))
}

/// The path of the service's cgroup in the unified hierarchy, from `/proc/self/cgroup`.
pub fn own_v2_path(proc_self_cgroup: &str) -> Option<&str> {
    proc_self_cgroup.lines().find_map(|line| line.strip_prefix("0::"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake unified hierarchy where the service runs in a delegated systemd unit.
    fn fake_v2() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().expect("temp dir");
        let own = root.path().join("system.slice/testbay.service");
        fs::create_dir_all(&own).expect("mkdir");
        fs::write(own.join("cgroup.controllers"), "cpuset cpu io memory pids\n").expect("write");
        fs::write(own.join("cgroup.procs"), "4242\n4243\n").expect("write");
        (root, own)
    }

    #[test]
    fn v2_moves_the_service_to_a_leaf_and_delegates_controllers() {
        let (root, own) = fake_v2();
        let parent = prepare_v2(root.path(), "/system.slice/testbay.service", "abc", 4242).expect("prepare");
        assert!(own.join("service").is_dir());
        // The fake file keeps the last pid written; the kernel would take each.
        assert_eq!(fs::read_to_string(own.join("service/cgroup.procs")).expect("read"), "4243");
        assert_eq!(fs::read_to_string(own.join("cgroup.subtree_control")).expect("read"), "+memory +pids +cpu");
        assert_eq!(parent.dirs, vec![own.join("testbay-abc")]);
        assert_eq!(
            fs::read_to_string(own.join("testbay-abc/cgroup.subtree_control")).expect("read"),
            "+memory +pids +cpu"
        );
        assert_eq!(parent.run_dirs("run-7"), vec![own.join("testbay-abc/run-7")]);
        fs::create_dir(own.join("testbay-abc/run-7")).expect("mkdir");
        assert_eq!(parent.run_names(), vec!["run-7".to_owned()]);
    }

    #[test]
    fn v2_refuses_a_cgroup_without_the_controllers() {
        let (root, own) = fake_v2();
        fs::write(own.join("cgroup.controllers"), "cpu\n").expect("write");
        let error = prepare_v2(root.path(), "/system.slice/testbay.service", "abc", 1).expect_err("refused");
        assert!(error.to_string().contains("memory controller"), "{error}");
    }

    #[test]
    fn v1_folders_join_the_mount_point_and_the_own_path() {
        let dir = v1_dir(Path::new("/sys/fs/cgroup/memory"), Path::new("/"), "/process_api/x");
        assert_eq!(dir, Path::new("/sys/fs/cgroup/memory/process_api/x"));
        let in_container = v1_dir(Path::new("/sys/fs/cgroup/pids"), Path::new("/docker/abc"), "/docker/abc/svc");
        assert_eq!(in_container, Path::new("/sys/fs/cgroup/pids/svc"));
    }

    #[test]
    fn reads_the_unified_path_from_proc_self_cgroup() {
        assert_eq!(own_v2_path("0::/system.slice/testbay.service\n"), Some("/system.slice/testbay.service"));
        assert_eq!(own_v2_path("4:memory:/x\n0::/\n"), Some("/"));
        assert_eq!(own_v2_path("4:memory:/x\n"), None);
    }
}
