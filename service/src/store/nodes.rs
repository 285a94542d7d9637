//! The nodes sharing the database and their leases. Leases are reckoned by the database's own
//! clock (`time::now()` runs where the data is), so that nodes whose clocks differ still agree
//! on whose lease has run out.

use std::time::Duration;

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, RecordIdKey, SurrealValue};

use super::guarded::{retried, take_last};
use super::{Store, StoreError};
use crate::domain::{Enforcement, Node, NodeAnnouncement, NodeState};

#[derive(Debug, SurrealValue)]
struct NodeRow {
    id: RecordId,
    url: String,
    capacity: i64,
    running: i64,
    enforcement: String,
    tree_fingerprint: String,
    version: String,
    state: String,
    started_at: DateTime<Utc>,
    renewed_at: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    lost_at: Option<DateTime<Utc>>,
    lost_to: Option<String>,
}

impl TryFrom<NodeRow> for Node {
    type Error = StoreError;

    fn try_from(row: NodeRow) -> Result<Node, StoreError> {
        let RecordIdKey::String(name) = row.id.key else {
            return Err(StoreError::Corrupt(format!("node id is not a name: {:?}", row.id)));
        };
        let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("node `{name}` has {what} `{value}`"));
        Ok(Node {
            announcement: NodeAnnouncement {
                url: row.url,
                capacity: u32::try_from(row.capacity).unwrap_or(0),
                enforcement: Enforcement::parse(&row.enforcement)
                    .ok_or_else(|| corrupt("the enforcement", &row.enforcement))?,
                tree_fingerprint: row.tree_fingerprint,
                version: row.version,
                name: name.clone(),
            },
            state: NodeState::parse(&row.state).ok_or_else(|| corrupt("the state", &row.state))?,
            running: u32::try_from(row.running).unwrap_or(0),
            started_at: row.started_at,
            renewed_at: row.renewed_at,
            lease_until: row.lease_until,
            lost_at: row.lost_at,
            lost_to: row.lost_to,
        })
    }
}

fn node_record(name: &str) -> RecordId {
    RecordId::new("node", name.to_owned())
}

fn lease_millis(lease: Duration) -> i64 {
    i64::try_from(lease.as_millis()).unwrap_or(i64::MAX)
}

impl Store {
    /// Registers `node` as live with a fresh lease, whatever it was before (a node that comes
    /// back after it was found lost is live again; its old runs were ended by then).
    pub async fn register_node(&self, node: &NodeAnnouncement, lease: Duration) -> Result<Node, StoreError> {
        let statement = || {
            self.query(
                "UPSERT $node CONTENT {
                     url: $url, capacity: $capacity, running: 0, enforcement: $enforcement,
                     tree_fingerprint: $tree_fingerprint, version: $version, state: 'live',
                     started_at: time::now(), renewed_at: time::now(),
                     lease_until: time::now() + duration::from_millis($lease_ms),
                     lost_at: NONE, lost_to: NONE
                 } RETURN AFTER",
            )
            .bind("node", node_record(&node.name))
            .bind("url", node.url.clone())
            .bind("capacity", i64::from(node.capacity))
            .bind("enforcement", node.enforcement.as_str())
            .bind("tree_fingerprint", node.tree_fingerprint.clone())
            .bind("version", node.version.clone())
            .bind("lease_ms", lease_millis(lease))
        };
        let mut response = retried("register node", statement).await?;
        let rows: Vec<NodeRow> = response.take(0).map_err(StoreError::query("register node"))?;
        let row =
            rows.into_iter().next().ok_or_else(|| StoreError::Corrupt("a registered node came back empty".into()))?;
        Node::try_from(row)
    }

    /// Renews `name`'s lease and notes how many runs it executes. `None` when the node is no
    /// longer live: another node found its lease run out and ended its runs.
    pub async fn renew_lease(&self, name: &str, running: u32, lease: Duration) -> Result<Option<Node>, StoreError> {
        let statement = || {
            self.query(
                "UPDATE $node SET running = $running, renewed_at = time::now(),
                     lease_until = time::now() + duration::from_millis($lease_ms)
                 WHERE state = 'live' RETURN AFTER",
            )
            .bind("node", node_record(name))
            .bind("running", i64::from(running))
            .bind("lease_ms", lease_millis(lease))
        };
        let mut response = retried("renew lease", statement).await?;
        let rows: Vec<NodeRow> = response.take(0).map_err(StoreError::query("renew lease"))?;
        rows.into_iter().next().map(Node::try_from).transpose()
    }

    /// Marks the live nodes whose leases have run out as lost, found by `finder`, and returns
    /// them. Each is marked in a transaction of its own that checks the lease again, so of two
    /// nodes that find it at once exactly one marks it.
    pub async fn mark_expired_nodes_lost(&self, finder: &str) -> Result<Vec<Node>, StoreError> {
        let mut response = self
            .query("SELECT VALUE id FROM node WHERE state = 'live' AND lease_until < time::now()")
            .await
            .map_err(StoreError::query("find expired leases"))?;
        let expired: Vec<RecordId> = response.take(0).map_err(StoreError::query("find expired leases"))?;
        let mut lost = Vec::new();
        for node in expired {
            let statement = || {
                self.query(
                    "BEGIN TRANSACTION;
                     LET $marked = (UPDATE $node SET state = 'lost', lost_at = time::now(), lost_to = $finder
                         WHERE state = 'live' AND lease_until < time::now() RETURN AFTER);
                     RETURN $marked;
                     COMMIT TRANSACTION;",
                )
                .bind("node", node.clone())
                .bind("finder", finder.to_owned())
            };
            let mut response = retried("mark node lost", statement).await?;
            let rows: Vec<NodeRow> = take_last(&mut response).map_err(StoreError::query("mark node lost"))?;
            for row in rows {
                lost.push(Node::try_from(row)?);
            }
        }
        Ok(lost)
    }

    /// Notes that `name` stopped as asked.
    pub async fn mark_node_stopped(&self, name: &str) -> Result<(), StoreError> {
        let statement = || {
            self.query("UPDATE $node SET state = 'stopped', running = 0 WHERE state = 'live' RETURN NONE")
                .bind("node", node_record(name))
        };
        retried("mark node stopped", statement).await?;
        Ok(())
    }

    /// Every node that has registered, by name.
    pub async fn nodes(&self) -> Result<Vec<Node>, StoreError> {
        let mut response =
            self.query("SELECT * FROM node ORDER BY id").await.map_err(StoreError::query("list nodes"))?;
        let rows: Vec<NodeRow> = response.take(0).map_err(StoreError::query("list nodes"))?;
        rows.into_iter().map(Node::try_from).collect()
    }

    /// The nodes found lost.
    pub async fn lost_nodes(&self) -> Result<Vec<Node>, StoreError> {
        Ok(self.nodes().await?.into_iter().filter(|node| node.state == NodeState::Lost).collect())
    }
}

#[cfg(test)]
mod tests;
