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
pub use queue::{CancelRequest, QueuedRun};
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
        connection.use_ns_db(NAMESPACE, DATABASE).await.map_err(connect_error)?;
        let store = Store { connection, active_floor: Arc::new(ActiveFloor::new(active_floor::SETTLE)) };
        store.define_schema().await?;
        store.migrate().await?;
        store.load_active_floor().await?;
        Ok(store)
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
        // Nodes that start together against one server race to define the schema; a
        // conflict there only means another node got there first.
        for attempt in 0.. {
            match self.query(SCHEMA).await.and_then(|response| response.check()) {
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
