//! Persistence in SurrealDB: the only module that speaks SurrealQL. Every query binds its
//! parameters; SurrealDB types do not leave this module.
//!
//! The database is embedded (SurrealKV files, or memory for tests) or a SurrealDB server reached
//! over `ws://`, so that several Testbay nodes can share one.

mod active_floor;
mod changes;
mod connection;
mod error;
mod guarded;
mod migrations;
mod nodes;
#[cfg(test)]
mod plans;
mod queue;
mod resources;
mod retention;
mod rows;
mod run_events;
mod run_list;
mod runs;
mod templates;
mod test_history;
#[cfg(test)]
mod testing;
mod users;

use std::sync::Arc;
use std::time::Duration;

use active_floor::ActiveFloor;
use connection::{Connection, Statement};

pub use connection::EmbeddedSizes;
pub use error::{CreateRunError, StoreError};
pub use queue::{CancelRequest, Environments, QueuedRun};
pub use retention::{RetentionMarks, RunAge};
pub use runs::{Finish, Progress};
pub use templates::Replace;
pub use users::AddedUser;

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
    connection: Connection,
    active_floor: Arc<ActiveFloor>,
}

impl Store {
    /// Connects to `address` (`surrealkv://DIR` or `mem://`, embedded and sized by `sizes`, or
    /// `ws://HOST:PORT`) and defines the schema.
    pub async fn connect(
        address: &str,
        credentials: Option<&Credentials>,
        sizes: EmbeddedSizes,
    ) -> Result<Store, StoreError> {
        let connect_error = |source| StoreError::Connect { address: address.to_owned(), source };
        let connection = Connection::open(address, sizes).await.map_err(connect_error)?;
        if let Some(credentials) = credentials {
            connection.signin(&credentials.username, &credentials.password).await.map_err(connect_error)?;
        }
        let store = Store { connection, active_floor: Arc::new(ActiveFloor::new(active_floor::SETTLE)) };
        // Nodes that start together against one fresh server race to define the namespace, the
        // schema and the schema's version; losing that race only means another node got there
        // first, and every step is done only if it is not done yet, so the loser does it again.
        let mut attempt = 1;
        loop {
            match store.prepare(address).await {
                Err(error) if error.is_conflict() && attempt < SETUP_ATTEMPTS => {
                    tracing::info!(attempt, "another node is setting up the database too; trying again");
                    tokio::time::sleep(setup_backoff(attempt)).await;
                    attempt += 1;
                }
                prepared => break prepared?,
            }
        }
        store.load_active_floor().await?;
        Ok(store)
    }

    /// Selects Testbay's database (creating it on a fresh server), defines the schema and brings
    /// the data up to its version.
    async fn prepare(&self, address: &str) -> Result<(), StoreError> {
        self.connection
            .use_ns_db(NAMESPACE, DATABASE)
            .await
            .map_err(|source| StoreError::Connect { address: address.to_owned(), source })?;
        self.define_schema().await?;
        self.migrate().await
    }

    /// Lets go of this handle and waits until an embedded database has flushed its memory to its
    /// files and released them for the next process (once every handle on it is gone); a
    /// server connection just ends with the last handle.
    pub async fn close(self) {
        self.connection.close().await;
    }

    /// Whether other processes may share this database: a server's may be, an embedded one is
    /// this process's alone.
    pub fn is_shared(&self) -> bool {
        self.connection.is_server()
    }

    /// A query; its parameters are bound with `bind` and it is sent when awaited.
    fn query(&self, sql: impl Into<String>) -> Statement<'_> {
        Statement::new(&self.connection, sql)
    }

    async fn define_schema(&self) -> Result<(), StoreError> {
        self.query(SCHEMA).await.and_then(error::checked).map(drop).map_err(StoreError::Schema)
    }
}

/// How often setting up the database is tried while other nodes set it up too.
const SETUP_ATTEMPTS: u32 = 20;

/// How long to wait before setting up the database again: longer with every attempt, and
/// different on every node, so that nodes that collided do not collide again in step.
fn setup_backoff(attempt: u32) -> Duration {
    Duration::from_millis(u64::from(attempt.min(10)) * 20 + jitter_ms(50))
}

/// A few milliseconds (under `below`) that differ between writers that retry at the same moment.
fn jitter_ms(below: u64) -> u64 {
    u64::from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos()))
        % below
}
