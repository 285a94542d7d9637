//! Brings into this node's runs list stream the changes other nodes make: runs they create,
//! start, advance and end. (This node publishes its own as it makes them.)
//!
//! Every `POLL` the runs written since a little before the last look are read by the index on
//! their write time (the database's clock). The look reaches back `OVERLAP`, since a write
//! stamped before the last look may commit after it; what was published already is skipped.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tracing::warn;

use crate::domain::{RunId, RunStatus};
use crate::events::{EventHub, ListChange};
use crate::store::Store;

const POLL: Duration = Duration::from_millis(500);
const OVERLAP: Duration = Duration::from_secs(2);
/// Runs read at once; more wait for the next look.
const READ_LIMIT: usize = 500;

/// Starts following other nodes' changes; it stops when `stop_rx` changes.
pub fn start(
    store: Store,
    hub: EventHub,
    node: String,
    mut stop_rx: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut feed = Feed { store, hub, node, published: HashMap::new(), looked_at: None, failing: false };
        loop {
            tokio::select! {
                () = tokio::time::sleep(POLL) => feed.look().await,
                _ = stop_rx.changed() => return,
            }
        }
    })
}

struct Feed {
    store: Store,
    hub: EventHub,
    node: String,
    /// What was published of each run changed lately, to publish each change once.
    published: HashMap<RunId, (RunStatus, i64, DateTime<Utc>)>,
    /// The latest write seen.
    looked_at: Option<DateTime<Utc>>,
    failing: bool,
}

impl Feed {
    async fn look(&mut self) {
        let overlap = chrono::Duration::from_std(OVERLAP).unwrap_or_default();
        let since = match self.looked_at {
            Some(at) => at - overlap,
            // From now on: what happened before is in the list a listener loads.
            None => match self.store.now().await {
                Ok(now) => now - overlap,
                Err(error) => return self.failed(&error),
            },
        };
        let changed = match self.store.runs_changed_since(since, READ_LIMIT).await {
            Ok(changed) => changed,
            Err(error) => return self.failed(&error),
        };
        self.failing = false;
        for (changed_at, run) in changed {
            self.looked_at = Some(self.looked_at.map_or(changed_at, |at| at.max(changed_at)));
            if run.node.as_deref() == Some(self.node.as_str()) || self.hub.published_here(&run) {
                continue;
            }
            let state = (run.status, run.seq, changed_at);
            let seen = self.published.insert(run.id, state);
            if seen.is_some_and(|(status, seq, _)| (status, seq) == (run.status, run.seq)) {
                continue;
            }
            let change = if seen.is_none() && run.status == RunStatus::Queued && run.seq <= 1 {
                ListChange::Created
            } else {
                ListChange::Changed
            };
            self.hub.publish_list_from_other_node(change, run);
        }
        // Keep only what a later look may read again.
        let keep_from = since - overlap;
        self.published.retain(|_, (_, _, changed_at)| *changed_at >= keep_from);
    }

    fn failed(&mut self, error: &crate::store::StoreError) {
        if !std::mem::replace(&mut self.failing, true) {
            warn!(error = %error, "cannot read other nodes' changes to the runs list");
        }
    }
}
