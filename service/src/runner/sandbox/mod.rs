//! Contains each run: its own cgroup with memory, CPU and process limits where the machine
//! allows it (v2 or v1 hierarchy), per-process rlimits where it does not.
//!
//! Every process of a run is in its cgroup from its first instruction: the child writes itself
//! into the cgroup between `fork` and `exec`, so not even a fork racing the start escapes. When
//! the run ends, whatever is left in the cgroup is killed, which catches daemons that left the
//! run's process group, and the cgroup is removed.

mod cgroup;
mod hierarchy;
mod process_group;

use std::fs::OpenOptions;
use std::io;
use std::os::fd::OwnedFd;

use nix::sys::resource::{Resource, setrlimit};
use nix::sys::signal::Signal;
use tracing::{info, warn};

use self::cgroup::{RunCgroup, Version};
use self::hierarchy::Parent;
use crate::domain::{Enforcement, Limits, ResourceUsage, RunId};

/// Which containment to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SandboxChoice {
    /// Cgroups (v2, else v1) where they can be written, rlimits otherwise.
    Auto,
    /// Rlimits only, even where cgroups could be used.
    Rlimit,
}

/// The containment this service applies to every run, chosen once at start-up.
#[derive(Debug)]
pub struct Sandbox {
    parent: Option<Parent>,
    /// Why cgroups are not used, when they are not.
    fallback_reason: Option<String>,
}

impl Sandbox {
    /// Finds a cgroup hierarchy Testbay may write, for the instance named `instance` (one per
    /// data dir, so that services on one machine never touch each other's runs).
    pub fn detect(choice: SandboxChoice, instance: &str) -> Sandbox {
        if choice == SandboxChoice::Rlimit {
            return Sandbox::rlimit("rlimits were asked for (--sandbox rlimit)".into());
        }
        let attempt = if cgroups_rs::fs::hierarchies::is_cgroup2_unified_mode() {
            std::fs::read_to_string("/proc/self/cgroup").and_then(|text| {
                let own = hierarchy::own_v2_path(&text)
                    .ok_or_else(|| io::Error::other("no unified cgroup in /proc/self/cgroup"))?;
                hierarchy::prepare_v2(
                    std::path::Path::new(cgroups_rs::fs::hierarchies::UNIFIED_MOUNTPOINT),
                    own,
                    instance,
                    std::process::id(),
                )
            })
        } else {
            hierarchy::own_v1_dirs().and_then(|own_dirs| hierarchy::prepare_v1(&own_dirs, instance))
        };
        match attempt {
            Ok(parent) => {
                info!(version = ?parent.version, parent = %parent.dirs[0].display(), "runs get their own cgroups");
                Sandbox { parent: Some(parent), fallback_reason: None }
            }
            Err(error) => Sandbox::rlimit(format!("cannot use cgroups: {error}")),
        }
    }

    fn rlimit(reason: String) -> Sandbox {
        warn!(
            reason = %reason,
            "LIMITS ARE WEAK: runs get rlimits only (address space, processes per user, CPU seconds); \
             processes that leave a run's process group can outlive it. Run as root or with a delegated \
             cgroup (systemd Delegate=yes) for full containment"
        );
        Sandbox { parent: None, fallback_reason: Some(reason) }
    }

    pub fn enforcement(&self) -> Enforcement {
        match self.parent.as_ref().map(|p| p.version) {
            Some(Version::V2) => Enforcement::CgroupV2,
            Some(Version::V1) => Enforcement::CgroupV1,
            None => Enforcement::Rlimit,
        }
    }

    /// Why limits cannot be fully enforced, if they cannot.
    pub fn weakness(&self) -> Option<&str> {
        self.fallback_reason.as_deref()
    }

    /// Kills and removes the run cgroups a previous process of this instance left behind
    /// (after a crash or `kill -9`). Returns how many there were.
    pub fn reclaim_leftovers(&self) -> usize {
        let Some(parent) = &self.parent else { return 0 };
        let names = parent.run_names();
        for name in &names {
            let cgroup = RunCgroup { version: parent.version, dirs: parent.run_dirs(name) };
            let pids = cgroup.pids();
            if let Err(error) = cgroup.kill_all().and_then(|()| cgroup.remove()) {
                warn!(cgroup = %name, error = %error, "cannot clean up a leftover run cgroup");
            } else {
                warn!(cgroup = %name, killed = pids.len(), "killed what a previous process left in a run cgroup");
            }
        }
        names.len()
    }

    /// Creates the containment for one run.
    pub fn prepare(&self, run: RunId, limits: &Limits) -> io::Result<RunSandbox> {
        let cgroup = match &self.parent {
            Some(parent) => {
                let name = format!("run-{run}");
                let dirs = parent.run_dirs(&name);
                // A leftover of an earlier run with this id (ids restart with a new database).
                if dirs[0].exists() {
                    let stale = RunCgroup { version: parent.version, dirs: dirs.clone() };
                    stale.kill_all()?;
                    stale.remove()?;
                }
                Some(RunCgroup::create(parent.version, dirs, limits)?)
            }
            None => None,
        };
        Ok(RunSandbox { cgroup, limits: *limits })
    }
}

/// One run's containment.
#[derive(Debug)]
pub struct RunSandbox {
    cgroup: Option<RunCgroup>,
    limits: Limits,
}

impl RunSandbox {
    /// Makes `command`'s process enter the sandbox before it runs any code of its own.
    #[allow(unsafe_code)]
    pub fn apply_to(&self, command: &mut tokio::process::Command) -> io::Result<()> {
        // Opened here, before the fork: between fork and exec only async-signal-safe calls
        // are allowed, so the child just writes to descriptors it inherited.
        let procs: Vec<OwnedFd> = match &self.cgroup {
            Some(cgroup) => cgroup
                .procs_files()
                .iter()
                .map(|file| OpenOptions::new().write(true).open(file).map(OwnedFd::from))
                .collect::<io::Result<_>>()?,
            None => Vec::new(),
        };
        let rlimits = self.cgroup.is_none().then_some(self.limits);
        // SAFETY: the closure runs in the child between fork and exec. It only calls
        // write(2), prctl(2) and setrlimit(2), which are async-signal-safe, on values prepared
        // before the fork, and allocates nothing.
        unsafe {
            command.pre_exec(move || {
                for fd in &procs {
                    // "0" means the writing process itself.
                    nix::unistd::write(fd, b"0")?;
                }
                // If the service dies, so does pytest (what it started is caught by the
                // cgroup at the next start).
                nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
                if let Some(limits) = rlimits {
                    setrlimit(Resource::RLIMIT_AS, limits.memory_bytes, limits.memory_bytes)?;
                    setrlimit(Resource::RLIMIT_NPROC, limits.pids.into(), limits.pids.into())?;
                    let cpu_seconds = (u64::from(limits.timeout_s) * u64::from(limits.cpu_millicores) / 1000).max(1);
                    setrlimit(Resource::RLIMIT_CPU, cpu_seconds, cpu_seconds)?;
                }
                Ok(())
            });
        }
        Ok(())
    }

    /// Kills every process still in the run's cgroup (nothing to do under rlimits).
    pub fn kill_all(&self) -> io::Result<()> {
        self.cgroup.as_ref().map_or(Ok(()), RunCgroup::kill_all)
    }

    /// The run's memory in use and CPU time so far: its cgroup's, or under rlimits the resident
    /// memory and CPU time of the processes in its process group `group`.
    pub fn sample(&self, group: i32) -> Option<(u64, f64)> {
        match &self.cgroup {
            Some(cgroup) => cgroup.current(),
            None => process_group::usage(group),
        }
    }

    pub fn usage(&self) -> ResourceUsage {
        self.cgroup.as_ref().map(RunCgroup::usage).unwrap_or_default()
    }

    /// Removes the run's cgroup; call after `kill_all`.
    pub fn remove(&self) -> io::Result<()> {
        self.cgroup.as_ref().map_or(Ok(()), RunCgroup::remove)
    }
}

impl Drop for RunSandbox {
    /// A run abandoned midway (its task dropped as the runtime ends) still leaves nothing
    /// behind. After `kill_all` and `remove` this finds nothing to do.
    fn drop(&mut self) {
        if let Some(cgroup) = &self.cgroup
            && cgroup.dirs.first().is_some_and(|dir| dir.exists())
        {
            let _ = cgroup.kill_all();
            let _ = cgroup.remove();
        }
    }
}

impl Drop for Sandbox {
    /// Removes this instance's parent folders once no run cgroup is left in them.
    fn drop(&mut self) {
        if let Some(parent) = &self.parent {
            for dir in &parent.dirs {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// A short, stable name for the data dir, so that each Testbay instance on a machine has its
/// own cgroups (FNV-1a of the path).
pub fn instance_name(data_dir: &std::path::Path) -> String {
    let hash = data_dir
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}
