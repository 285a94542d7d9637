//! What a run may use: memory, CPU, processes and wall-clock time, and what it did use.

use serde_json::Value;

use super::FieldError;
use super::new_run::refuse_unknown;

/// Limits applied to one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub memory_bytes: u64,
    /// CPU time per wall-clock second, in thousandths of a core (1000 = one full core).
    pub cpu_millicores: u32,
    /// Processes and threads at once.
    pub pids: u32,
    pub timeout_s: u32,
}

/// The service's defaults and the longest timeout a run may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitPolicy {
    pub defaults: Limits,
    pub max_timeout_s: u32,
}

// The least a run may ask for, or a service be set to: below these, pytest itself cannot start.
pub const MEMORY_MIN_MB: u64 = 16;
pub const CPU_MIN_MILLICORES: u32 = 10;
pub const PIDS_MIN: u32 = 8;
pub const TIMEOUT_MIN_S: u32 = 1;

pub const MIB: u64 = 1024 * 1024;

impl LimitPolicy {
    /// The service's settings unless it is told otherwise.
    pub const DEFAULT: LimitPolicy = LimitPolicy {
        defaults: Limits { memory_bytes: 2048 * MIB, cpu_millicores: 1000, pids: 512, timeout_s: 3600 },
        max_timeout_s: 4 * 3600,
    };
}

/// How the limits of a run were enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enforcement {
    /// A cgroup in the unified (v2) hierarchy: every limit holds for the whole process tree.
    CgroupV2,
    /// Cgroups in the v1 hierarchies (memory, pids, cpu, cpuacct, freezer).
    CgroupV1,
    /// No cgroup could be used: per-process rlimits (address space, processes per user, CPU
    /// seconds) only; processes that leave the process group can outlive the run.
    Rlimit,
}

impl Enforcement {
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::CgroupV2 => "cgroup_v2",
            Enforcement::CgroupV1 => "cgroup_v1",
            Enforcement::Rlimit => "rlimit",
        }
    }

    pub fn parse(s: &str) -> Option<Enforcement> {
        [Enforcement::CgroupV2, Enforcement::CgroupV1, Enforcement::Rlimit].into_iter().find(|e| e.as_str() == s)
    }
}

/// What a run used, as its cgroup accounted it. Unknown under rlimits.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ResourceUsage {
    pub peak_memory_bytes: Option<u64>,
    pub cpu_seconds: Option<f64>,
    /// The kernel's OOM killer killed a process of the run at its memory limit.
    pub oom_killed: bool,
}

impl LimitPolicy {
    /// The limits for a run that asked for `request` (the `limits` field of a new run): each
    /// may only be tighter than the default, except the timeout, which may be longer up to the
    /// maximum.
    pub fn apply(&self, request: Option<&Value>) -> Result<Limits, FieldError> {
        let fields = match request {
            None | Some(Value::Null) => return Ok(self.defaults),
            Some(Value::Object(fields)) => fields,
            Some(_) => return Err(FieldError::new("limits", "must be an object")),
        };
        refuse_unknown(fields, &["memory_mb", "cpu_millicores", "pids", "timeout_s"], "limits.")?;
        let defaults = self.defaults;
        let memory_mb =
            bounded(fields.get("memory_mb"), "limits.memory_mb", MEMORY_MIN_MB, defaults.memory_bytes / MIB)?;
        let cpu = bounded(
            fields.get("cpu_millicores"),
            "limits.cpu_millicores",
            CPU_MIN_MILLICORES.into(),
            defaults.cpu_millicores.into(),
        )?;
        let pids = bounded(fields.get("pids"), "limits.pids", PIDS_MIN.into(), defaults.pids.into())?;
        let timeout =
            bounded(fields.get("timeout_s"), "limits.timeout_s", TIMEOUT_MIN_S.into(), self.max_timeout_s.into())?;
        Ok(Limits {
            memory_bytes: memory_mb.map_or(defaults.memory_bytes, |mb| mb * MIB),
            cpu_millicores: cpu.map_or(defaults.cpu_millicores, |n| n as u32),
            pids: pids.map_or(defaults.pids, |n| n as u32),
            timeout_s: timeout.map_or(defaults.timeout_s, |n| n as u32),
        })
    }
}

impl LimitPolicy {
    /// `limits` made to fit this policy: no looser than the defaults, no longer than the
    /// maximum timeout (the service's settings may have changed since they were chosen).
    pub fn clamp(&self, limits: Limits) -> Limits {
        Limits {
            memory_bytes: limits.memory_bytes.min(self.defaults.memory_bytes),
            cpu_millicores: limits.cpu_millicores.min(self.defaults.cpu_millicores),
            pids: limits.pids.min(self.defaults.pids),
            timeout_s: limits.timeout_s.clamp(1, self.max_timeout_s),
        }
    }
}

/// An optional integer field within `min..=max`.
pub(super) fn bounded(value: Option<&Value>, field: &str, min: u64, max: u64) -> Result<Option<u64>, FieldError> {
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(None) };
    let range = format!("an integer from {min} to {max} (this service's limit)");
    let number = value.as_u64().ok_or_else(|| FieldError::new(field, format!("must be {range}")))?;
    if !(min..=max).contains(&number) {
        return Err(FieldError::new(field, format!("must be {range}, not {number}")));
    }
    Ok(Some(number))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const POLICY: LimitPolicy = LimitPolicy {
        defaults: Limits { memory_bytes: 1024 * MIB, cpu_millicores: 1000, pids: 256, timeout_s: 600 },
        max_timeout_s: 3600,
    };

    #[test]
    fn defaults_apply_when_nothing_is_asked() {
        assert_eq!(POLICY.apply(None), Ok(POLICY.defaults));
        assert_eq!(POLICY.apply(Some(&json!({}))), Ok(POLICY.defaults));
    }

    #[test]
    fn a_run_may_tighten_limits_and_lengthen_its_timeout_up_to_the_maximum() {
        let limits =
            POLICY.apply(Some(&json!({"memory_mb": 200, "pids": 32, "cpu_millicores": 500, "timeout_s": 3600})));
        assert_eq!(limits, Ok(Limits { memory_bytes: 200 * MIB, cpu_millicores: 500, pids: 32, timeout_s: 3600 }));
    }

    #[test]
    fn looser_limits_name_their_field() {
        let field = |request: Value| POLICY.apply(Some(&request)).err().map(|e| e.field);
        assert_eq!(field(json!({"memory_mb": 4096})).as_deref(), Some("limits.memory_mb"));
        assert_eq!(field(json!({"pids": 100000})).as_deref(), Some("limits.pids"));
        assert_eq!(field(json!({"timeout_s": 3601})).as_deref(), Some("limits.timeout_s"));
        assert_eq!(field(json!({"timeout_s": 0})).as_deref(), Some("limits.timeout_s"));
        assert_eq!(field(json!({"cpu_millicores": -1})).as_deref(), Some("limits.cpu_millicores"));
        assert_eq!(field(json!({"disk_mb": 1})).as_deref(), Some("limits.disk_mb"));
        assert_eq!(field(json!(5)).as_deref(), Some("limits"));
    }
}
