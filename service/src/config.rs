//! The service's settings (`testbay serve`): every flag is also a `TESTBAY_*` environment
//! variable, and the defaults work on a laptop from a clone of the repository.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser};

use crate::domain::{
    CPU_MIN_MILLICORES, Keep, LimitPolicy, Limits, MEMORY_MIN_MB, MIB, PIDS_MIN, RetentionPolicy, TIMEOUT_MIN_S,
};
use crate::runner::SandboxChoice;
use crate::store::EmbeddedSizes;

#[derive(Clone, Debug, Args)]
pub struct ServeConfig {
    /// Address to listen on. Any address but loopback needs --token.
    #[arg(long, env = "TESTBAY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Folder for the embedded database and each run's files.
    #[arg(long, env = "TESTBAY_DATA_DIR", default_value = "testbay-data")]
    pub data_dir: PathBuf,

    /// The test tree that runs pick their paths from.
    #[arg(long, env = "TESTBAY_TESTS_ROOT", default_value = "sample_tests")]
    pub tests_root: PathBuf,

    /// Python interpreter with pytest and pytest-reportlog [default: .venv/bin/python if it
    /// exists, else python3].
    #[arg(long, env = "TESTBAY_PYTHON")]
    pub python: Option<PathBuf>,

    /// Database: surrealkv://DIR (embedded, on disk), mem:// (embedded, lost at exit) or
    /// ws://HOST:PORT (a SurrealDB server shared by several nodes) [default:
    /// surrealkv://DATA_DIR/db].
    #[arg(long, env = "TESTBAY_DATABASE")]
    pub database: Option<String>,

    /// User for a SurrealDB server (root user).
    #[arg(long, env = "TESTBAY_DATABASE_USER", requires = "database_password")]
    pub database_user: Option<String>,

    /// Password for a SurrealDB server.
    #[arg(long, env = "TESTBAY_DATABASE_PASSWORD", hide_env_values = true)]
    pub database_password: Option<String>,

    /// Memory the embedded database writes to before flushing to its files, in MiB: the service's
    /// memory grows and shrinks by about this much. Also the largest write the database takes.
    #[arg(long, env = "TESTBAY_DATABASE_MEMTABLE_MB", default_value_t = 8, value_parser = clap::value_parser!(u64).range(4..=4096))]
    pub database_memtable_mb: u64,

    /// Memory the embedded database keeps file blocks in for reads, in MiB.
    #[arg(long, env = "TESTBAY_DATABASE_CACHE_MB", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub database_cache_mb: u64,

    /// Days a run (its record and test results) is kept after it was created; 0 keeps runs for
    /// ever. Its log goes with it.
    #[arg(long, env = "TESTBAY_KEEP_RUNS_DAYS", default_value_t = 365)]
    pub keep_runs_days: u32,

    /// The newest runs kept whatever their age; 0 sets no count.
    #[arg(long, env = "TESTBAY_KEEP_RUNS", default_value_t = 0)]
    pub keep_runs: u64,

    /// Days a run's log is kept after the run was created (the run itself stays); 0 keeps logs
    /// as long as their runs.
    #[arg(long, env = "TESTBAY_KEEP_LOGS_DAYS", default_value_t = 90)]
    pub keep_logs_days: u32,

    /// The newest runs whose logs are kept whatever their age; 0 sets no count.
    #[arg(long, env = "TESTBAY_KEEP_LOGS", default_value_t = 0)]
    pub keep_logs: u64,

    /// Seconds between two passes that remove what is past keeping.
    #[arg(long, env = "TESTBAY_RETENTION_INTERVAL_S", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub retention_interval_s: u64,

    /// Runs executed at once; more wait as queued [default: the number of CPU cores].
    #[arg(long, env = "TESTBAY_MAX_CONCURRENT_RUNS", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub max_concurrent_runs: Option<u16>,

    /// Bytes of log kept per run; the rest of a run's output is dropped (the run goes on).
    #[arg(long, env = "TESTBAY_LOG_CAP_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub log_cap_bytes: u64,

    /// Seconds between SIGTERM and SIGKILL when a run is stopped.
    #[arg(long, env = "TESTBAY_GRACE_PERIOD_S", default_value_t = 5)]
    pub grace_period_s: u64,

    /// Milliseconds between two samples of a running run's memory and CPU; 0 samples nothing
    /// (the run pages then have no chart).
    #[arg(long, env = "TESTBAY_SAMPLE_INTERVAL_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub sample_interval_ms: u64,

    /// Token that every API call must present (`Authorization: Bearer TOKEN`). Required when
    /// listening on any address but loopback.
    #[arg(long, env = "TESTBAY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Host names accepted in the `Host` header besides loopback ones (comma-separated).
    #[arg(long = "allowed-host", env = "TESTBAY_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,

    /// Origins allowed to write besides the service's own, e.g. a dev server's
    /// http://localhost:5173 (comma-separated).
    #[arg(long = "allowed-origin", env = "TESTBAY_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// A header that names the signed-in user, set by an authenticating proxy in front of
    /// Testbay (oauth2-proxy: X-Forwarded-User; Authelia: Remote-User). Taken only from
    /// --trusted-proxy addresses and ignored from any other.
    #[arg(long, env = "TESTBAY_TRUST_USER_HEADER", requires = "trusted_proxies")]
    pub trust_user_header: Option<String>,

    /// The addresses of the authenticating proxy whose --trust-user-header is believed
    /// (comma-separated).
    #[arg(long = "trusted-proxy", env = "TESTBAY_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// This node's name, stored on the runs it executes [default: the host name].
    #[arg(long, env = "TESTBAY_NODE")]
    pub node: Option<String>,

    /// Seconds a node's lease lasts. A node renews it three times a lease; when a node's lease
    /// runs out (it was killed, or cannot reach the database), another node interrupts its runs
    /// and frees their environments.
    #[arg(long, env = "TESTBAY_LEASE_S", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub lease_s: u64,

    /// The address other nodes and clients reach this node's API at, as `/api/nodes` shows it
    /// [default: http://<listen address>].
    #[arg(long, env = "TESTBAY_ADVERTISE_URL")]
    pub advertise_url: Option<String>,

    /// How runs are contained: `auto` uses a cgroup per run (v2, else v1) where the service may
    /// create them and rlimits otherwise; `rlimit` never uses cgroups.
    #[arg(long, env = "TESTBAY_SANDBOX", value_enum, default_value = "auto")]
    pub sandbox: SandboxChoice,

    /// Memory a run may use (all its processes together), in MiB; a run may ask for less.
    #[arg(long, env = "TESTBAY_MEMORY_LIMIT_MB", default_value_t = DEFAULT_LIMITS.memory_bytes / MIB, value_parser = clap::value_parser!(u64).range(MEMORY_MIN_MB..))]
    pub memory_limit_mb: u64,

    /// CPU a run may use, in thousandths of a core (1000 = one core); a run may ask for less.
    #[arg(long, env = "TESTBAY_CPU_LIMIT_MILLICORES", default_value_t = DEFAULT_LIMITS.cpu_millicores, value_parser = clap::value_parser!(u32).range(i64::from(CPU_MIN_MILLICORES)..))]
    pub cpu_limit_millicores: u32,

    /// Processes and threads a run may have at once; a run may ask for fewer.
    #[arg(long, env = "TESTBAY_PIDS_LIMIT", default_value_t = DEFAULT_LIMITS.pids, value_parser = clap::value_parser!(u32).range(i64::from(PIDS_MIN)..))]
    pub pids_limit: u32,

    /// Seconds a run may take before it is stopped as timed out.
    #[arg(long, env = "TESTBAY_TIMEOUT_S", default_value_t = DEFAULT_LIMITS.timeout_s, value_parser = clap::value_parser!(u32).range(i64::from(TIMEOUT_MIN_S)..))]
    pub timeout_s: u32,

    /// The longest timeout a run may ask for, in seconds.
    #[arg(long, env = "TESTBAY_MAX_TIMEOUT_S", default_value_t = LimitPolicy::DEFAULT.max_timeout_s, value_parser = clap::value_parser!(u32).range(i64::from(TIMEOUT_MIN_S)..))]
    pub max_timeout_s: u32,
}

const DEFAULT_LIMITS: Limits = LimitPolicy::DEFAULT.defaults;

/// The configuration does not make sense.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "listening on {0} exposes the service beyond this machine; set --token (TESTBAY_TOKEN) so \
         that only those who know it can start runs, or listen on 127.0.0.1"
    )]
    TokenRequired(SocketAddr),
    #[error("the token must be at least 16 characters")]
    TokenTooShort,
    #[error("--trust-user-header needs --trusted-proxy: the addresses whose header is believed")]
    NoTrustedProxy,
}

impl ServeConfig {
    /// A configuration for tests: an ephemeral loopback port, an embedded database in
    /// `data_dir`, and the given tests root.
    pub fn for_tests(tests_root: PathBuf, data_dir: PathBuf) -> ServeConfig {
        ServeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            tests_root,
            python: None,
            database: None,
            database_user: None,
            database_password: None,
            database_memtable_mb: 8,
            database_cache_mb: 8,
            keep_runs_days: 365,
            keep_runs: 0,
            keep_logs_days: 90,
            keep_logs: 0,
            retention_interval_s: 600,
            max_concurrent_runs: None,
            log_cap_bytes: 16 * 1024 * 1024,
            grace_period_s: 5,
            sample_interval_ms: 1000,
            token: None,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            trust_user_header: None,
            trusted_proxies: Vec::new(),
            node: None,
            lease_s: 10,
            advertise_url: None,
            sandbox: SandboxChoice::Auto,
            memory_limit_mb: DEFAULT_LIMITS.memory_bytes / MIB,
            cpu_limit_millicores: DEFAULT_LIMITS.cpu_millicores,
            pids_limit: DEFAULT_LIMITS.pids,
            timeout_s: DEFAULT_LIMITS.timeout_s,
            max_timeout_s: LimitPolicy::DEFAULT.max_timeout_s,
        }
    }

    pub fn limit_policy(&self) -> LimitPolicy {
        LimitPolicy {
            defaults: Limits {
                memory_bytes: self.memory_limit_mb * MIB,
                cpu_millicores: self.cpu_limit_millicores,
                pids: self.pids_limit,
                timeout_s: self.timeout_s.min(self.max_timeout_s),
            },
            max_timeout_s: self.max_timeout_s.max(self.timeout_s),
        }
    }

    /// The configuration from `TESTBAY_*` variables alone (no command line), for embedders
    /// such as the desktop app, with their own defaults for the tests root and the data dir.
    pub fn from_env(default_tests_root: PathBuf, default_data_dir: PathBuf) -> Result<ServeConfig, clap::Error> {
        #[derive(Parser)]
        struct FromEnv {
            #[command(flatten)]
            serve: ServeConfig,
        }
        let mut config = FromEnv::try_parse_from(["testbay"])?.serve;
        if std::env::var_os("TESTBAY_TESTS_ROOT").is_none() {
            config.tests_root = default_tests_root;
        }
        if std::env::var_os("TESTBAY_DATA_DIR").is_none() {
            config.data_dir = default_data_dir;
        }
        Ok(config)
    }

    pub fn check(&self) -> Result<(), ConfigError> {
        match &self.token {
            None if !self.listen.ip().is_loopback() => Err(ConfigError::TokenRequired(self.listen)),
            Some(token) if token.len() < 16 => Err(ConfigError::TokenTooShort),
            _ if self.trust_user_header.is_some() && self.trusted_proxies.is_empty() => {
                Err(ConfigError::NoTrustedProxy)
            }
            _ => Ok(()),
        }
    }

    /// What is kept of the history.
    pub fn retention_policy(&self) -> RetentionPolicy {
        let keep =
            |days: u32, newest: u64| Keep { days: (days > 0).then_some(days), newest: (newest > 0).then_some(newest) };
        RetentionPolicy {
            runs: keep(self.keep_runs_days, self.keep_runs),
            logs: keep(self.keep_logs_days, self.keep_logs),
        }
    }

    pub fn retention_interval(&self) -> Duration {
        Duration::from_secs(self.retention_interval_s)
    }

    /// How an embedded database is sized.
    pub fn database_sizes(&self) -> EmbeddedSizes {
        EmbeddedSizes {
            memtable_bytes: self.database_memtable_mb << 20,
            block_cache_bytes: self.database_cache_mb << 20,
        }
    }

    pub fn database_address(&self) -> String {
        self.database.clone().unwrap_or_else(|| format!("surrealkv://{}", self.data_dir.join("db").display()))
    }

    /// The interpreter; a relative path is made absolute, since runs start in the tests root.
    pub fn python(&self) -> PathBuf {
        let python = self.python.clone().unwrap_or_else(|| {
            let venv = Path::new(".venv/bin/python");
            if venv.exists() { venv.to_path_buf() } else { PathBuf::from("python3") }
        });
        if python.components().count() > 1 && python.is_relative() {
            std::path::absolute(&python).unwrap_or(python)
        } else {
            python
        }
    }

    pub fn max_concurrent_runs(&self) -> usize {
        self.max_concurrent_runs
            .map(usize::from)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
    }

    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_s)
    }

    pub fn grace_period(&self) -> Duration {
        Duration::from_secs(self.grace_period_s)
    }

    /// How often a running run is sampled; `None` when it is not.
    pub fn sample_interval(&self) -> Option<Duration> {
        (self.sample_interval_ms > 0).then(|| Duration::from_millis(self.sample_interval_ms))
    }

    pub fn node(&self) -> String {
        self.node.clone().unwrap_or_else(|| {
            nix::unistd::gethostname().ok().and_then(|name| name.into_string().ok()).unwrap_or_else(|| "testbay".into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_address_needs_a_token() {
        let mut config = ServeConfig::for_tests("t".into(), "d".into());
        assert!(config.check().is_ok());
        config.listen = "0.0.0.0:8080".parse().expect("address");
        assert!(matches!(config.check(), Err(ConfigError::TokenRequired(_))));
        config.token = Some("short".into());
        assert!(matches!(config.check(), Err(ConfigError::TokenTooShort)));
        config.token = None;
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.trust_user_header = Some("X-Forwarded-User".into());
        assert!(matches!(config.check(), Err(ConfigError::NoTrustedProxy)));
        config.trusted_proxies = vec!["127.0.0.1".parse().expect("address")];
        assert!(config.check().is_ok());
        config.listen = "0.0.0.0:8080".parse().expect("address");
        config.token = Some("a-long-enough-token".into());
        assert!(config.check().is_ok());
    }
}
