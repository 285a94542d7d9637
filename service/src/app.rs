//! Assembles the service: checks the configuration, opens the store, reconciles what a previous
//! process left, starts the runner and binds the listener.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use tracing::{info, warn};

use crate::api::{self, AccessPolicy, AppState, SystemFacts};
use crate::config::{ConfigError, ServeConfig};
use crate::domain::NodeAnnouncement;
use crate::events::EventHub;
use crate::journal::{Journal, JournalSettings};
use crate::membership::Membership;
use crate::metrics::Metrics;
use crate::retention;
use crate::runner::{RunContext, Runner, RunnerSettings, Sandbox, instance_name};
use crate::store::{Credentials, Store, StoreError};
use crate::test_tree::TestTree;

/// How long open connections (live streams) get to close when the service stops.
const CONNECTION_GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the tests root `{path}`")]
    TestsRoot {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create the data dir `{path}`")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot set up the metrics")]
    Metrics(#[from] prometheus::Error),
    #[error("cannot listen on {address}")]
    Listen {
        address: String,
        #[source]
        source: std::io::Error,
    },
}

/// A started service, listening but not yet serving.
pub struct Application {
    port: u16,
    acceptor: poem::listener::TcpAcceptor,
    routes: poem::endpoint::BoxEndpoint<'static>,
    runner: Runner,
    retention: BackgroundTask,
    /// Only when other nodes may share the database.
    other_nodes_changes: Option<BackgroundTask>,
    membership: Membership,
    /// Closed last, once the runs have ended and the listener has stopped.
    store: Store,
    /// What the log says when the service starts serving.
    announcement: Announcement,
}

/// The "listening" line: logged once the service can also be stopped, so that whoever waits for
/// it (a script, a test) may stop the service as soon as it is there.
struct Announcement {
    url: String,
    tests_root: String,
    database: String,
    python: String,
    max_concurrent_runs: usize,
}

/// A task that runs until it is told to stop (retention, other nodes' changes).
struct BackgroundTask {
    stop_tx: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl BackgroundTask {
    async fn stop(self) {
        let _ = self.stop_tx.send(true);
        let _ = self.task.await;
    }
}

impl Application {
    pub async fn build(config: ServeConfig) -> Result<Application, StartError> {
        config.check()?;
        let tree = TestTree::open(&config.tests_root)
            .map_err(|source| StartError::TestsRoot { path: config.tests_root.display().to_string(), source })?;
        let data_dir_error = |source| StartError::DataDir { path: config.data_dir.display().to_string(), source };
        std::fs::create_dir_all(&config.data_dir).map_err(data_dir_error)?;
        let data_dir = config.data_dir.canonicalize().map_err(data_dir_error)?;

        let credentials = match (&config.database_user, &config.database_password) {
            (Some(username), Some(password)) => {
                Some(Credentials { username: username.clone(), password: password.clone() })
            }
            _ => None,
        };
        let address = config.database_address();
        let store = Store::connect(&address, credentials.as_ref(), config.database_sizes()).await?;
        let shared_database = store.is_shared();
        let node = config.node();
        let hub = EventHub::new();
        let journal = Journal::new(
            store.clone(),
            hub.clone(),
            JournalSettings::for_database(config.database_sizes().memtable_bytes),
        );
        // First end what a killed predecessor left running, then mark its runs.
        let sandbox = Sandbox::detect(config.sandbox, &instance_name(&data_dir));
        sandbox.reclaim_leftovers();
        let left_over = "the Testbay service stopped while this run was active";
        for run in journal.interrupt_runs_of(&node, Utc::now(), left_over).await? {
            warn!(run_id = %run.id, "a run was left active by a previous process; marked interrupted");
        }

        let python = config.python();
        let settings = RunnerSettings {
            python: python.clone(),
            tests_root: tree.root().to_path_buf(),
            work_dir: data_dir.join("runs"),
            log_cap_bytes: config.log_cap_bytes,
            max_concurrent_runs: config.max_concurrent_runs(),
            grace_period: config.grace_period(),
            node: node.clone(),
            sample_interval: config.sample_interval(),
            queue_poll: if shared_database { Duration::from_millis(200) } else { Duration::from_secs(2) },
        };
        let memory_profiling = check_python(&settings).await;
        let system = SystemFacts {
            node: node.clone(),
            enforcement: sandbox.enforcement(),
            sandbox_weakness: sandbox.weakness().map(str::to_owned),
            limit_policy: config.limit_policy(),
            max_concurrent_runs: settings.max_concurrent_runs,
            python: python.display().to_string(),
            tests_root: settings.tests_root.display().to_string(),
            retention: config.retention_policy(),
            database_dir: address.strip_prefix("surrealkv://").map(std::path::PathBuf::from),
            memory_profiling,
            lease: config.lease(),
        };
        let closing_store = store.clone();
        let enforcement = sandbox.enforcement();
        let runner = Runner::start(RunContext { settings: settings.clone(), sandbox, journal: journal.clone() })
            .map_err(data_dir_error)?;
        let membership_journal = journal.clone();

        let other_nodes_changes = shared_database.then(|| {
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
            let task = crate::other_nodes_changes::start(store.clone(), hub.clone(), node.clone(), stop_rx);
            BackgroundTask { stop_tx, task }
        });
        let metrics = Arc::new(Metrics::new()?);
        metrics.follow_runs(&hub);
        let state = Arc::new(AppState {
            store,
            hub,
            journal,
            runner: runner.clone(),
            tree,
            metrics,
            system,
            cancel_wait: settings.grace_period + Duration::from_secs(5),
        });
        let policy = AccessPolicy {
            allowed_hosts: config.allowed_hosts.clone(),
            allowed_origins: config.allowed_origins.clone(),
            token: config.token.clone(),
            user_header: config.trust_user_header.clone().map(|header| (header, config.trusted_proxies.clone())),
        };
        let routes = poem::EndpointExt::boxed(poem::EndpointExt::map_to_response(api::routes(state, policy)));

        let listen_error = |source| StartError::Listen { address: config.listen.to_string(), source };
        let acceptor = TcpListener::bind(config.listen).into_acceptor().await.map_err(listen_error)?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().map(std::net::SocketAddr::port))
            .unwrap_or(config.listen.port());
        let announcement = Announcement {
            url: format!("http://{}:{port}/", config.listen.ip()),
            tests_root: settings.tests_root.display().to_string(),
            database: address.to_string(),
            python: python.display().to_string(),
            max_concurrent_runs: settings.max_concurrent_runs,
        };
        let tree_root = settings.tests_root.clone();
        let tree_fingerprint = tokio::task::spawn_blocking(move || crate::test_tree::fingerprint(&tree_root))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let announcement_of_node = NodeAnnouncement {
            name: node.clone(),
            url: config.advertise_url.clone().unwrap_or_else(|| announcement.url.trim_end_matches('/').to_owned()),
            capacity: u32::try_from(settings.max_concurrent_runs).unwrap_or(u32::MAX),
            enforcement,
            tree_fingerprint,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        let membership =
            Membership::join(membership_journal, runner.clone(), announcement_of_node, config.lease()).await?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let task =
            retention::start(closing_store.clone(), config.retention_policy(), config.retention_interval(), stop_rx);
        Ok(Application {
            port,
            acceptor,
            routes,
            runner,
            retention: BackgroundTask { stop_tx, task },
            other_nodes_changes,
            membership,
            store: closing_store,
            announcement,
        })
    }

    /// The port the service listens on (useful when it was asked for port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, then stops as `run_until` does. The signals are caught
    /// from before the service says it is listening.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let stop = shutdown_signal()?;
        self.run_until(stop).await
    }

    /// Serves until `stop` completes, then interrupts the active runs (their processes are
    /// ended and they are stored as `interrupted`) and closes the listener.
    pub async fn run_until(self, stop: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let Application {
            acceptor,
            routes,
            runner,
            retention,
            other_nodes_changes,
            membership,
            store,
            announcement,
            ..
        } = self;
        info!(
            url = %announcement.url,
            tests_root = %announcement.tests_root,
            database = %announcement.database,
            python = %announcement.python,
            max_concurrent_runs = announcement.max_concurrent_runs,
            "listening"
        );
        let stopping = async move {
            stop.await;
            info!("stopping: interrupting active runs");
            runner.shutdown().await;
        };
        Server::new_with_acceptor(acceptor)
            .run_with_graceful_shutdown(routes, stopping, Some(CONNECTION_GRACE))
            .await?;
        retention.stop().await;
        if let Some(other_nodes_changes) = other_nodes_changes {
            other_nodes_changes.stop().await;
        }
        membership.leave().await;
        // An embedded database must be closed before the runtime ends, or its files are left
        // unsynced and its lock is held.
        store.close().await;
        info!("stopped");
        Ok(())
    }
}

/// SIGTERM or SIGINT, caught from now on.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Warns at start-up when the interpreter cannot run pytest, instead of failing every run.
/// Warns when the Python cannot run pytest with Testbay's report; says whether it has
/// pytest-memray, which memory-profiled runs need.
async fn check_python(settings: &RunnerSettings) -> bool {
    // One interpreter start answers both questions.
    const PROBE: &str = "import pytest, pytest_reportlog\n\
                         try:\n    import pytest_memray\nexcept ImportError:\n    print('no memray')\n\
                         else:\n    print('memray')";
    let probe = tokio::process::Command::new(&settings.python).args(["-c", PROBE]).output().await;
    let has_memray = match probe {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout).trim() == "memray",
        Ok(output) => {
            warn!(
                python = %settings.python.display(),
                stderr = %String::from_utf8_lossy(&output.stderr).trim(),
                "this Python lacks pytest or pytest-reportlog; runs will fail until they are installed (see README)"
            );
            false
        }
        Err(err) => {
            warn!(python = %settings.python.display(), error = %err, "cannot run Python; runs will fail");
            false
        }
    };
    if !has_memray {
        warn!(python = %settings.python.display(), "this Python lacks pytest-memray: memory-profiled runs are refused");
    }
    has_memray
}
