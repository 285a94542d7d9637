//! The connection to SurrealDB: an embedded datastore Testbay opens and sizes itself, or a
//! SurrealDB server over `ws://`; and one way to send a query to either.
//!
//! An embedded datastore is built here rather than by the SDK's `connect`, because the SDK
//! sizes SurrealKV from the machine's memory (a 1 GiB memtable and a block cache of half the
//! memory on a 24 GiB machine) and offers no way to change it: the service's memory would then
//! grow with every run it stores, and a scan over records that change often (the 100
//! environments) would slow down with every version of them the memtable keeps.

use std::future::{Future, IntoFuture};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use surrealdb::engine::any::{self, Any};
use surrealdb::engine::local::Db;
use surrealdb::types::{SurrealValue, Value};
use surrealdb::{IndexedResults, Surreal};
use surrealdb_cnf::ConfigMap;
use surrealdb_core::kvs::Datastore;

/// How an embedded datastore is sized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbeddedSizes {
    /// Bytes written to memory before they are flushed to a file; also the largest transaction.
    pub memtable_bytes: u64,
    /// Bytes of file blocks kept in memory for reads.
    pub block_cache_bytes: u64,
}

impl Default for EmbeddedSizes {
    fn default() -> Self {
        EmbeddedSizes { memtable_bytes: 8 << 20, block_cache_bytes: 8 << 20 }
    }
}

/// How long to wait for a previous process (or a previous service in this process) to let go
/// of an embedded database's lock: it is released asynchronously as that service shuts down.
const LOCK_WAIT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub(super) enum Connection {
    /// The datastore closes itself (flushing its memory to its files and releasing its lock)
    /// once the last handle on it is gone; `folder` holds its lock file.
    Embedded {
        db: Surreal<Db>,
        folder: Option<PathBuf>,
        /// Where the datastore's flushes and compactions run.
        background: Arc<BackgroundThreads>,
    },
    Server {
        db: Surreal<Any>,
        reach: Arc<Reach>,
    },
}

/// Whether a database server answers. Once a query finds it gone, queries fail at once (instead
/// of waiting in the client's queue and being sent, perhaps much later, when it reconnects) and
/// a probe asks the server every `PROBE_INTERVAL` until it answers again.
pub(super) struct Reach {
    reachable: std::sync::atomic::AtomicBool,
}

/// How long a query to a database server may take before the server counts as gone.
const SERVER_ANSWER_WAIT: Duration = Duration::from_secs(5);
const PROBE_INTERVAL: Duration = Duration::from_secs(1);

impl Reach {
    fn is_reachable(&self) -> bool {
        self.reachable.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Notes that the server did not answer; the first to notice starts the probe.
    fn lost(self: &Arc<Self>, db: &Surreal<Any>, why: &str) {
        if self.reachable.swap(false, std::sync::atomic::Ordering::AcqRel) {
            tracing::error!(
                why,
                "the database server cannot be reached; requests fail with 503 until it answers again"
            );
            let (reach, db) = (Arc::clone(self), db.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(PROBE_INTERVAL).await;
                    let probe = tokio::time::timeout(SERVER_ANSWER_WAIT, db.query("RETURN 1")).await;
                    if matches!(probe, Ok(Ok(_))) {
                        reach.reachable.store(true, std::sync::atomic::Ordering::Release);
                        tracing::info!("the database server answers again");
                        return;
                    }
                }
            });
        }
    }
}

fn unreachable_error(message: &str) -> surrealdb::Error {
    surrealdb::Error::connection(message.to_owned(), surrealdb::types::ConnectionError::ConnectionFailed)
}

/// How long closing waits for an embedded database to release its lock.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

impl Connection {
    /// Opens `address`: `surrealkv://DIR` or `mem://` embedded, anything else as a server.
    pub(super) async fn open(address: &str, sizes: EmbeddedSizes) -> Result<Connection, surrealdb::Error> {
        if !(address.starts_with("surrealkv://") || address.starts_with("mem://")) {
            let reach = Arc::new(Reach { reachable: std::sync::atomic::AtomicBool::new(true) });
            return Ok(Connection::Server { db: any::connect(address).await?, reach });
        }
        let background =
            Arc::new(BackgroundThreads::start().map_err(|error| surrealdb::Error::internal(error.to_string()))?);
        let deadline = tokio::time::Instant::now() + LOCK_WAIT;
        let datastore = loop {
            // Opened on the background threads: the tasks it starts stay there.
            let owned_address = address.to_owned();
            let opened = background.spawn(async move { open_datastore(&owned_address, sizes).await }).await;
            match opened.unwrap_or_else(|error| Err(format!("opening the database stopped: {error}"))) {
                Err(error) if error.contains("already locked") && tokio::time::Instant::now() < deadline => {
                    tracing::info!(address, "the database is still locked by a stopping service; waiting");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => return Err(surrealdb::Error::internal(error)),
                Ok(datastore) => break datastore,
            }
        };
        let db = Surreal::<Db>::unstable_from_datastore(datastore, None).await?;
        let folder = address.strip_prefix("surrealkv://").map(|folder| PathBuf::from(without_query(folder)));
        Ok(Connection::Embedded { db, folder, background })
    }

    pub(super) fn is_server(&self) -> bool {
        matches!(self, Connection::Server { .. })
    }

    pub(super) async fn signin(&self, username: &str, password: &str) -> Result<(), surrealdb::Error> {
        let credentials = surrealdb::opt::auth::Root { username: username.to_owned(), password: password.to_owned() };
        match self {
            Connection::Embedded { db, .. } => db.signin(credentials).await.map(drop),
            Connection::Server { db, .. } => db.signin(credentials).await.map(drop),
        }
    }

    pub(super) async fn use_ns_db(&self, namespace: &str, database: &str) -> Result<(), surrealdb::Error> {
        match self {
            Connection::Embedded { db, .. } => db.use_ns(namespace).use_db(database).await.map(drop),
            Connection::Server { db, .. } => db.use_ns(namespace).use_db(database).await.map(drop),
        }
    }

    /// Lets go of this handle and, for an embedded database of files, waits until it has closed
    /// (its lock released), so that the next process, or the next service in this process,
    /// can open it. It closes only once every other handle is gone too.
    pub(super) async fn close(self) {
        if let Connection::Embedded { db, folder: Some(folder), background } = self {
            drop(db);
            if !wait_until_unlocked(&folder, CLOSE_WAIT).await {
                tracing::warn!(folder = %folder.display(), "the database did not close in time");
            }
            // Only now: closing flushes on these threads.
            drop(background);
        }
    }
}

/// Threads of their own for the embedded datastore's background work. SurrealKV flushes its
/// memtable and compacts its files in tasks that hold the thread they run on for as long as
/// the work takes (seconds, with a year of history); on the service's own runtime they would
/// take a request worker (of two, on two cores) for that long. They run at a lower priority,
/// as retention does: while a pass removes a year of history they flush and compact for many
/// minutes, and nobody waits for that work. (Measured at 10,000 runs, requests' tails while
/// pruning were the same either way: `bench/README.md`.)
pub(super) struct BackgroundThreads(Option<tokio::runtime::Runtime>);

/// The flush and the compaction each get a thread, so that neither waits for the other.
const BACKGROUND_THREADS: usize = 2;

const BACKGROUND_THREAD_NAME: &str = "database";

impl BackgroundThreads {
    fn start() -> std::io::Result<BackgroundThreads> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(BACKGROUND_THREADS)
            .thread_name(BACKGROUND_THREAD_NAME)
            .on_thread_start(|| crate::process::lower_this_threads_priority(crate::process::BACKGROUND_NICENESS))
            .enable_all()
            .build()?;
        Ok(BackgroundThreads(Some(runtime)))
    }

    fn spawn<F>(&self, work: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.0.as_ref().expect("running until dropped").spawn(work)
    }
}

impl Drop for BackgroundThreads {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which an async caller must not; this does not.
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

async fn open_datastore(address: &str, sizes: EmbeddedSizes) -> Result<Arc<Datastore>, String> {
    let config = ConfigMap::empty()
        .with_key_value("surrealkv_max_memtable_size", sizes.memtable_bytes.to_string())
        .with_key_value("surrealkv_block_cache_capacity", sizes.block_cache_bytes.to_string());
    // What the SDK's own `connect` does for an embedded engine, with the sizes set.
    let capabilities = surrealdb::opt::capabilities::Capabilities::new().into();
    let mut builder = Datastore::builder();
    if let Some(folder) = address.strip_prefix("surrealkv://") {
        builder = builder.with_id(node_id_of(folder));
    }
    let datastore = builder
        .with_config(config)
        .with_capabilities(capabilities)
        .without_maintenance_tasks()
        .build_with_path(address)
        .await
        .map_err(|error| format!("{error:#}"))?;
    datastore.check_version().await.map_err(|error| format!("{error:#}"))?;
    datastore.bootstrap().await.map_err(|error| format!("{error:#}"))?;
    datastore.start_maintenance_tasks();
    Ok(datastore)
}

fn without_query(folder: &str) -> &str {
    folder.split_once('?').map_or(folder, |(path, _)| path)
}

/// Waits until nobody holds the lock of the embedded database in `folder`; `false` when `limit`
/// passed first.
async fn wait_until_unlocked(folder: &Path, limit: Duration) -> bool {
    let Ok(mut lock) = std::fs::File::open(folder.join("LOCK")) else { return true };
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusiveNonblock) {
            // Dropping the lock releases it again.
            Ok(_taken) => return true,
            Err((file, _held)) if tokio::time::Instant::now() < deadline => {
                lock = file;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(_) => return false,
        }
    }
}

/// The database node id of the embedded database in `folder`, the same at every start: a
/// sequence hands out its numbers in windows claimed per node, and a node that comes back under
/// its own id goes on in its window instead of leaving the rest of it unused.
fn node_id_of(folder: &str) -> uuid::Uuid {
    let folder = Path::new(without_query(folder));
    let canonical = folder.canonicalize().unwrap_or_else(|_| folder.to_path_buf());
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("testbay:{}", canonical.display()).as_bytes())
}

/// A query with its parameters, sent when awaited.
pub(super) struct Statement<'a> {
    connection: &'a Connection,
    sql: String,
    bindings: Vec<(String, Value)>,
}

impl<'a> Statement<'a> {
    pub(super) fn new(connection: &'a Connection, sql: impl Into<String>) -> Self {
        Statement { connection, sql: sql.into(), bindings: Vec::new() }
    }

    pub(super) fn bind(mut self, name: &str, value: impl SurrealValue) -> Self {
        self.bindings.push((name.to_owned(), value.into_value()));
        self
    }

    /// The plan SurrealDB would follow, instead of the query's result.
    #[cfg(test)]
    pub(super) fn explain(mut self) -> Self {
        self.sql = format!("EXPLAIN {}", self.sql);
        self
    }
}

impl<'a> IntoFuture for Statement<'a> {
    type Output = Result<IndexedResults, surrealdb::Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            match self.connection {
                Connection::Embedded { db, .. } => {
                    let mut query = db.query(self.sql);
                    for binding in self.bindings {
                        query = query.bind(binding);
                    }
                    query.await
                }
                Connection::Server { db, reach } => {
                    if !reach.is_reachable() {
                        return Err(unreachable_error("the database server cannot be reached"));
                    }
                    let mut query = db.query(self.sql);
                    for binding in self.bindings {
                        query = query.bind(binding);
                    }
                    match tokio::time::timeout(SERVER_ANSWER_WAIT, query).await {
                        Err(_) => {
                            reach.lost(db, "a query got no answer in time");
                            Err(unreachable_error("the database server did not answer in time"))
                        }
                        Ok(Err(error)) if error.is_connection() => {
                            reach.lost(db, error.message());
                            Err(error)
                        }
                        Ok(answer) => answer,
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::niceness;

    #[tokio::test]
    async fn the_embedded_database_works_in_the_background_at_a_lower_priority() {
        let background = BackgroundThreads::start().expect("threads");
        // A worker starts when it is first given work.
        let on_a_worker = background.spawn(async { niceness::of_this_thread() }).await.expect("ran");
        let lowered = niceness::lowered_by(crate::process::BACKGROUND_NICENESS);
        assert_eq!(on_a_worker, lowered, "nicer than the service");
        niceness::assert_every_thread_named(BACKGROUND_THREAD_NAME, lowered);
    }
}
