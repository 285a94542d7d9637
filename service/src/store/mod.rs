//! Persistence in SurrealDB: the only module that speaks SurrealQL. Every query binds its
//! parameters; SurrealDB types do not leave this module.
//!
//! The database is embedded (SurrealKV files, or memory for tests) or a SurrealDB server reached
//! over `ws://`, so that several Testbay nodes can share one.

mod error;
mod rows;
mod runs;
mod templates;

use std::time::Duration;

use surrealdb::Surreal;
use surrealdb::engine::any::{self, Any};
use surrealdb::opt::auth::Root;

pub use error::{CreateRunError, StoreError};
pub use runs::{Finish, Progress};

const NAMESPACE: &str = "testbay";
const DATABASE: &str = "testbay";
const SCHEMA: &str = include_str!("schema.surql");

/// Credentials for a SurrealDB server; embedded databases need none.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// A connection to Testbay's database.
#[derive(Clone)]
pub struct Store {
    db: Surreal<Any>,
}

/// How long to wait for a previous process (or a previous service in this process) to let go
/// of an embedded database's lock: it is released asynchronously as that service shuts down.
const LOCK_WAIT: Duration = Duration::from_secs(10);

async fn open(address: &str) -> surrealdb::Result<Surreal<Any>> {
    let deadline = tokio::time::Instant::now() + LOCK_WAIT;
    loop {
        match any::connect(address).await {
            Err(error) if error.message().contains("already locked") && tokio::time::Instant::now() < deadline => {
                tracing::info!(address, "the database is still locked by a stopping service; waiting");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            result => return result,
        }
    }
}

/// Waits until the embedded database at `address` has closed: it closes in a task of its own
/// once its last handle is dropped, and releases its lock file last. `true` at once for
/// databases that are not embedded files; `false` when `limit` passed first.
pub async fn wait_until_closed(address: &str, limit: Duration) -> bool {
    let Some(folder) = address.strip_prefix("surrealkv://") else { return true };
    let folder = folder.split_once('?').map_or(folder, |(path, _)| path);
    let Ok(lock) = std::fs::File::open(std::path::Path::new(folder).join("LOCK")) else { return true };
    let deadline = tokio::time::Instant::now() + limit;
    let mut lock = lock;
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

impl Store {
    /// Connects to `address` (`surrealkv://DIR`, `mem://` or `ws://HOST:PORT`) and defines the
    /// schema.
    pub async fn connect(address: &str, credentials: Option<&Credentials>) -> Result<Store, StoreError> {
        let connect_error = |source| StoreError::Connect { address: address.to_owned(), source };
        let db = open(address).await.map_err(connect_error)?;
        if let Some(credentials) = credentials {
            db.signin(Root { username: credentials.username.clone(), password: credentials.password.clone() })
                .await
                .map_err(connect_error)?;
        }
        db.use_ns(NAMESPACE).use_db(DATABASE).await.map_err(connect_error)?;
        let store = Store { db };
        store.define_schema().await?;
        Ok(store)
    }

    async fn define_schema(&self) -> Result<(), StoreError> {
        // Nodes that start together against one server race to define the schema; a
        // conflict there only means another node got there first.
        for attempt in 0.. {
            match self.db.query(SCHEMA).await.and_then(|response| response.check()) {
                Ok(_) => return Ok(()),
                Err(error) if error::is_conflict(&error) && attempt < 5 => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(source) => return Err(StoreError::Schema(source)),
            }
        }
        unreachable!("the loop returns")
    }
}
