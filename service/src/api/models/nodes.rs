use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};

use super::EnforcementView;
use crate::domain::{Node, NodeState};

/// Where a node stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum NodeStateView {
    /// Its lease is current: it executes runs.
    Live,
    /// Its lease ran out without it stopping; another node interrupted its runs.
    Lost,
    /// It stopped as asked, after ending its runs.
    Stopped,
}

impl From<NodeState> for NodeStateView {
    fn from(state: NodeState) -> Self {
        match state {
            NodeState::Live => NodeStateView::Live,
            NodeState::Lost => NodeStateView::Lost,
            NodeState::Stopped => NodeStateView::Stopped,
        }
    }
}

/// A Testbay node sharing the database.
#[derive(Debug, Object)]
pub struct NodeView {
    /// The node's name (`--node`), as runs name the node that executes them.
    pub name: String,
    /// Where its API answers (`--advertise-url`).
    pub url: String,
    pub state: NodeStateView,
    /// Whether this is the node that answered.
    pub this_node: bool,
    /// Runs it executes at once at most.
    pub capacity: u32,
    /// Runs it executed at its last renewal.
    pub running: u32,
    pub enforcement: EnforcementView,
    /// A digest of its tests tree (paths and contents of Python and pytest settings files).
    pub tree_fingerprint: String,
    /// Its tree is not the one most live nodes serve (each live node's, when there is no
    /// majority): runs may find other tests there.
    pub tree_differs: bool,
    /// Its Testbay version.
    pub version: String,
    pub started_at: DateTime<Utc>,
    pub renewed_at: DateTime<Utc>,
    /// When its lease runs out unless it renews it.
    pub lease_until: DateTime<Utc>,
    /// When another node found its lease run out.
    #[oai(nullable)]
    pub lost_at: Option<DateTime<Utc>>,
    /// The node that found it lost and interrupted its runs.
    #[oai(nullable)]
    pub lost_to: Option<String>,
}

impl NodeView {
    pub fn new(node: Node, this_node: &str, odd_trees: &[String]) -> NodeView {
        let name = node.announcement.name;
        NodeView {
            this_node: name == this_node,
            tree_differs: odd_trees.contains(&name),
            name,
            url: node.announcement.url,
            state: node.state.into(),
            capacity: node.announcement.capacity,
            running: node.running,
            enforcement: node.announcement.enforcement.into(),
            tree_fingerprint: node.announcement.tree_fingerprint,
            version: node.announcement.version,
            started_at: node.started_at,
            renewed_at: node.renewed_at,
            lease_until: node.lease_until,
            lost_at: node.lost_at,
            lost_to: node.lost_to,
        }
    }
}

/// The nodes sharing the database, by name.
#[derive(Debug, Object)]
pub struct NodeList {
    pub items: Vec<NodeView>,
    /// How long a lease lasts, in seconds, on the node that answered.
    pub lease_s: u64,
}
