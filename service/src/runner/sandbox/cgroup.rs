//! One run's cgroup, in either hierarchy: limits in, processes out, usage read.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::domain::{Limits, ResourceUsage};

/// The scheduler period for the CPU quota: 100 ms, the kernel's default.
const CPU_PERIOD_US: u64 = 100_000;
/// How long killing a cgroup's processes may take before it is reported as failed.
const KILL_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// The v1 controllers Testbay uses, each its own hierarchy (or co-mounted, as `cpu,cpuacct`).
pub const V1_CONTROLLERS: [&str; 5] = ["memory", "pids", "cpu", "cpuacct", "freezer"];

/// A run's cgroup: one folder in v2, one per controller in v1 (`dirs` in `V1_CONTROLLERS` order,
/// co-mounted controllers sharing a folder).
#[derive(Debug)]
pub struct RunCgroup {
    pub version: Version,
    pub dirs: Vec<PathBuf>,
}

impl RunCgroup {
    /// Creates the cgroup and writes its limits.
    pub fn create(version: Version, dirs: Vec<PathBuf>, limits: &Limits) -> io::Result<RunCgroup> {
        let mut unique = dirs.clone();
        unique.dedup();
        for dir in &unique {
            fs::create_dir_all(dir)?;
        }
        let cgroup = RunCgroup { version, dirs };
        cgroup.write_limits(limits)?;
        Ok(cgroup)
    }

    fn dir_of(&self, controller: &str) -> &Path {
        match self.version {
            Version::V2 => &self.dirs[0],
            Version::V1 => {
                let index = V1_CONTROLLERS.iter().position(|c| *c == controller).unwrap_or(0);
                &self.dirs[index]
            }
        }
    }

    fn write_limits(&self, limits: &Limits) -> io::Result<()> {
        let quota_us = u64::from(limits.cpu_millicores) * CPU_PERIOD_US / 1000;
        match self.version {
            Version::V2 => {
                let dir = self.dir_of("memory");
                write(dir, "memory.max", &limits.memory_bytes.to_string())?;
                write_if_present(dir, "memory.swap.max", "0")?;
                write(dir, "pids.max", &limits.pids.to_string())?;
                write(dir, "cpu.max", &format!("{quota_us} {CPU_PERIOD_US}"))?;
            }
            Version::V1 => {
                let memory = self.dir_of("memory");
                write(memory, "memory.limit_in_bytes", &limits.memory_bytes.to_string())?;
                // With swap accounting on, the same limit covers memory and swap together.
                write_if_present(memory, "memory.memsw.limit_in_bytes", &limits.memory_bytes.to_string())?;
                write(self.dir_of("pids"), "pids.max", &limits.pids.to_string())?;
                let cpu = self.dir_of("cpu");
                write(cpu, "cpu.cfs_period_us", &CPU_PERIOD_US.to_string())?;
                write(cpu, "cpu.cfs_quota_us", &quota_us.to_string())?;
            }
        }
        Ok(())
    }

    /// The `cgroup.procs` files a new process writes itself into, one per distinct folder.
    pub fn procs_files(&self) -> Vec<PathBuf> {
        let mut dirs = self.dirs.clone();
        dirs.sort();
        dirs.dedup();
        dirs.into_iter().map(|dir| dir.join("cgroup.procs")).collect()
    }

    /// Every process in the cgroup.
    pub fn pids(&self) -> Vec<i32> {
        let mut pids: Vec<i32> = self.procs_files().iter().flat_map(|file| read_pids(file)).collect();
        pids.sort_unstable();
        pids.dedup();
        pids
    }

    /// Kills every process in the cgroup, including those that left the run's process group,
    /// and waits until the cgroup is empty.
    pub fn kill_all(&self) -> io::Result<()> {
        let deadline = Instant::now() + KILL_TIMEOUT;
        loop {
            let pids = self.pids();
            if pids.is_empty() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(io::Error::other(format!("processes {pids:?} survived SIGKILL")));
            }
            self.kill_round(&pids)?;
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// One round of killing. Freezing first stops a fork bomb from replacing what is killed.
    fn kill_round(&self, pids: &[i32]) -> io::Result<()> {
        match self.version {
            Version::V2 if self.dirs[0].join("cgroup.kill").exists() => write(&self.dirs[0], "cgroup.kill", "1"),
            Version::V2 => {
                write_if_present(&self.dirs[0], "cgroup.freeze", "1")?;
                kill_each(&self.pids());
                write_if_present(&self.dirs[0], "cgroup.freeze", "0")
            }
            Version::V1 => {
                let freezer = self.dir_of("freezer");
                let frozen = write(freezer, "freezer.state", "FROZEN").is_ok() && wait_frozen(freezer);
                let listed = if frozen { self.pids() } else { pids.to_vec() };
                kill_each(&listed);
                // Killed processes only die once thawed.
                let _ = write(freezer, "freezer.state", "THAWED");
                Ok(())
            }
        }
    }

    /// What the run used, as its cgroup accounted it.
    pub fn usage(&self) -> ResourceUsage {
        match self.version {
            Version::V2 => {
                let dir = &self.dirs[0];
                ResourceUsage {
                    peak_memory_bytes: read_number(dir, "memory.peak"),
                    cpu_seconds: read_keyed(dir, "cpu.stat", "usage_usec").map(|us| us as f64 / 1e6),
                    oom_killed: read_keyed(dir, "memory.events", "oom_kill").is_some_and(|n| n > 0),
                }
            }
            Version::V1 => ResourceUsage {
                peak_memory_bytes: read_number(self.dir_of("memory"), "memory.max_usage_in_bytes"),
                cpu_seconds: read_number(self.dir_of("cpuacct"), "cpuacct.usage").map(|ns| ns as f64 / 1e9),
                oom_killed: read_keyed(self.dir_of("memory"), "memory.oom_control", "oom_kill").is_some_and(|n| n > 0),
            },
        }
    }

    /// The memory the cgroup holds now (what its limit counts: the processes' memory and the
    /// page cache they caused) and the CPU time used so far.
    pub fn current(&self) -> Option<(u64, f64)> {
        match self.version {
            Version::V2 => {
                let dir = &self.dirs[0];
                let cpu = read_keyed(dir, "cpu.stat", "usage_usec").map_or(0.0, |us| us as f64 / 1e6);
                Some((read_number(dir, "memory.current")?, cpu))
            }
            Version::V1 => {
                let cpu = read_number(self.dir_of("cpuacct"), "cpuacct.usage").map_or(0.0, |ns| ns as f64 / 1e9);
                Some((read_number(self.dir_of("memory"), "memory.usage_in_bytes")?, cpu))
            }
        }
    }

    /// Removes the cgroup's folders. It must be empty.
    pub fn remove(&self) -> io::Result<()> {
        let mut dirs = self.dirs.clone();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            remove_dir(&dir)?;
        }
        Ok(())
    }
}

/// Removes a cgroup folder; the kernel may need a moment after its last process died.
pub fn remove_dir(dir: &Path) -> io::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match fs::remove_dir(dir) {
            Ok(()) => return Ok(()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(error) if Instant::now() > deadline => return Err(error),
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn kill_each(pids: &[i32]) {
    for pid in pids {
        // ESRCH only means it is already gone.
        let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
    }
}

fn wait_frozen(freezer: &Path) -> bool {
    let deadline = Instant::now() + Duration::from_secs(1);
    while Instant::now() < deadline {
        if fs::read_to_string(freezer.join("freezer.state")).is_ok_and(|state| state.trim() == "FROZEN") {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

pub fn write(dir: &Path, file: &str, value: &str) -> io::Result<()> {
    fs::write(dir.join(file), value).map_err(|error| {
        io::Error::new(error.kind(), format!("cannot write {value:?} to {}: {error}", dir.join(file).display()))
    })
}

fn write_if_present(dir: &Path, file: &str, value: &str) -> io::Result<()> {
    if dir.join(file).exists() { write(dir, file, value) } else { Ok(()) }
}

pub fn read_pids(file: &Path) -> Vec<i32> {
    fs::read_to_string(file)
        .map(|text| text.lines().filter_map(|line| line.trim().parse().ok()).collect())
        .unwrap_or_default()
}

fn read_number(dir: &Path, file: &str) -> Option<u64> {
    fs::read_to_string(dir.join(file)).ok()?.trim().parse().ok()
}

/// A value from a `key value` per line file such as `cpu.stat` or `memory.events`.
fn read_keyed(dir: &Path, file: &str, key: &str) -> Option<u64> {
    let text = fs::read_to_string(dir.join(file)).ok()?;
    text.lines().find_map(|line| line.strip_prefix(key)?.strip_prefix(' ')?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits { memory_bytes: 256 << 20, cpu_millicores: 1500, pids: 64, timeout_s: 10 };

    #[test]
    fn v2_limits_and_usage_use_the_unified_files() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("run-1");
        fs::create_dir(&dir).expect("mkdir");
        fs::write(dir.join("memory.swap.max"), "max").expect("write");
        let cgroup = RunCgroup::create(Version::V2, vec![dir.clone()], &LIMITS).expect("create");
        assert_eq!(fs::read_to_string(dir.join("memory.max")).expect("read"), "268435456");
        assert_eq!(fs::read_to_string(dir.join("memory.swap.max")).expect("read"), "0");
        assert_eq!(fs::read_to_string(dir.join("pids.max")).expect("read"), "64");
        assert_eq!(fs::read_to_string(dir.join("cpu.max")).expect("read"), "150000 100000");
        fs::write(dir.join("memory.peak"), "1048576\n").expect("write");
        fs::write(dir.join("cpu.stat"), "usage_usec 2500000\nuser_usec 2000000\n").expect("write");
        fs::write(dir.join("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n").expect("write");
        let usage = cgroup.usage();
        assert_eq!(usage.peak_memory_bytes, Some(1_048_576));
        assert_eq!(usage.cpu_seconds, Some(2.5));
        assert!(usage.oom_killed);
        assert_eq!(cgroup.procs_files(), vec![dir.join("cgroup.procs")]);
    }

    #[test]
    fn v1_limits_go_to_each_controller() {
        let root = tempfile::tempdir().expect("temp dir");
        let dirs: Vec<PathBuf> = V1_CONTROLLERS.iter().map(|c| root.path().join(c).join("run-1")).collect();
        let cgroup = RunCgroup::create(Version::V1, dirs.clone(), &LIMITS).expect("create");
        assert_eq!(fs::read_to_string(dirs[0].join("memory.limit_in_bytes")).expect("read"), "268435456");
        assert_eq!(fs::read_to_string(dirs[1].join("pids.max")).expect("read"), "64");
        assert_eq!(fs::read_to_string(dirs[2].join("cpu.cfs_quota_us")).expect("read"), "150000");
        fs::write(dirs[0].join("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n").expect("write");
        assert!(!cgroup.usage().oom_killed);
        assert_eq!(cgroup.procs_files().len(), 5);
    }
}
