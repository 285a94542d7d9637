//! The nodes of a Testbay cluster: each `testbay serve` process that shares the database says
//! who it is and renews a lease; a node whose lease has run out is lost, and the others end
//! what it had active.

use chrono::{DateTime, Utc};

use super::Enforcement;

/// Where a node stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    /// Its lease is current: it takes and executes runs.
    Live,
    /// Its lease ran out without it stopping: another node interrupted its runs.
    Lost,
    /// It stopped as asked, after ending its runs.
    Stopped,
}

impl NodeState {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Live => "live",
            NodeState::Lost => "lost",
            NodeState::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<NodeState> {
        [NodeState::Live, NodeState::Lost, NodeState::Stopped].into_iter().find(|state| state.as_str() == s)
    }
}

/// What a node says about itself when it registers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeAnnouncement {
    pub name: String,
    /// Where its API answers, as the other nodes and clients reach it.
    pub url: String,
    /// How many runs it executes at once.
    pub capacity: u32,
    pub enforcement: Enforcement,
    /// A digest of its tests tree (paths and contents of what pytest reads).
    pub tree_fingerprint: String,
    pub version: String,
}

/// A node as the cluster knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub announcement: NodeAnnouncement,
    pub state: NodeState,
    /// Runs it executes now, as of its last renewal.
    pub running: u32,
    pub started_at: DateTime<Utc>,
    pub renewed_at: DateTime<Utc>,
    /// When its lease runs out unless it renews it.
    pub lease_until: DateTime<Utc>,
    /// When another node found its lease run out.
    pub lost_at: Option<DateTime<Utc>>,
    /// The node that found it lost and interrupted its runs.
    pub lost_to: Option<String>,
}

/// The message an interrupted run of a lost node carries.
pub fn lost_node_message(node: &Node, found_by: &str) -> String {
    format!(
        "node `{}` stopped renewing its lease (last renewed {}); node `{found_by}` interrupted this run",
        node.announcement.name,
        node.renewed_at.format("%Y-%m-%d %H:%M:%S UTC"),
    )
}

/// The live nodes whose tests tree is not the one most live nodes serve (all of them when no
/// tree is served by more nodes than any other), by name. Empty when the live nodes agree.
pub fn nodes_with_odd_trees(nodes: &[Node]) -> Vec<String> {
    let live: Vec<&Node> = nodes.iter().filter(|node| node.state == NodeState::Live).collect();
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for node in &live {
        *counts.entry(node.announcement.tree_fingerprint.as_str()).or_default() += 1;
    }
    if counts.len() <= 1 {
        return Vec::new();
    }
    let most = counts.values().copied().max().unwrap_or(0);
    let leaders: Vec<&str> = counts.iter().filter(|(_, count)| **count == most).map(|(tree, _)| *tree).collect();
    let majority = (leaders.len() == 1).then(|| leaders[0]);
    live.iter()
        .filter(|node| Some(node.announcement.tree_fingerprint.as_str()) != majority)
        .map(|node| node.announcement.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, tree: &str, state: NodeState) -> Node {
        let now = Utc::now();
        Node {
            announcement: NodeAnnouncement {
                name: name.into(),
                url: String::new(),
                capacity: 1,
                enforcement: Enforcement::Rlimit,
                tree_fingerprint: tree.into(),
                version: "1".into(),
            },
            state,
            running: 0,
            started_at: now,
            renewed_at: now,
            lease_until: now,
            lost_at: None,
            lost_to: None,
        }
    }

    #[test]
    fn the_odd_trees_are_those_outside_the_majority_of_live_nodes() {
        use NodeState::{Live, Lost};
        assert!(nodes_with_odd_trees(&[node("a", "t1", Live), node("b", "t1", Live)]).is_empty());
        assert!(nodes_with_odd_trees(&[node("a", "t1", Live), node("gone", "t2", Lost)]).is_empty(), "live only");
        let three = [node("a", "t1", Live), node("b", "t2", Live), node("c", "t1", Live)];
        assert_eq!(nodes_with_odd_trees(&three), ["b"]);
        let tie = [node("a", "t1", Live), node("b", "t2", Live)];
        assert_eq!(nodes_with_odd_trees(&tie), ["a", "b"], "no majority: each differs");
    }
}
