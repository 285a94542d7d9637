//! The runs list's live stream: runs created and changed, for the runs table. (Each run's own
//! events are the journal's.)
//!
//! List events are numbered within this process (an `epoch` tells processes apart) and the most
//! recent ones are kept in memory, so a listener that reconnects resumes exactly; one that fell
//! too far behind or comes from an earlier process is told to reload instead.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::broadcast;

use crate::domain::Run;

/// List events kept in memory for listeners that reconnect.
const LIST_HISTORY: usize = 2048;
/// Runs whose last published state is remembered.
const PUBLISHED_HERE_MAX: usize = 8192;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListChange {
    Created,
    Changed,
}

/// A run created or changed, numbered in this process's list stream.
#[derive(Clone, Debug)]
pub struct ListEvent {
    pub id: ListEventId,
    pub change: ListChange,
    pub run: Run,
    /// Another node made the change (this node read it from the database).
    pub from_other_node: bool,
}

/// The position of a list event: the process that numbered it and its number there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListEventId {
    pub epoch: u64,
    pub number: u64,
}

impl std::fmt::Display for ListEventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.epoch, self.number)
    }
}

impl std::str::FromStr for ListEventId {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let (epoch, number) = s.split_once('-').ok_or(())?;
        Ok(ListEventId { epoch: epoch.parse().map_err(|_| ())?, number: number.parse().map_err(|_| ())? })
    }
}

/// How a list listener starts.
pub enum ListResume {
    /// The events missed since the given id, then live ones.
    From(Vec<ListEvent>),
    /// The id is unknown here (too old, or from an earlier process): reload the list, then
    /// resume after `now`.
    Reload { now: ListEventId },
}

struct ListHistory {
    next_number: u64,
    recent: VecDeque<ListEvent>,
    /// The state this node last published of each run, so that the changes other nodes made
    /// are told apart from its own when read back from the database.
    published_here: std::collections::HashMap<crate::domain::RunId, (crate::domain::RunStatus, i64)>,
}

/// The hub every publisher and listener shares.
#[derive(Clone)]
pub struct EventHub {
    epoch: u64,
    list_tx: broadcast::Sender<ListEvent>,
    list: Arc<Mutex<ListHistory>>,
}

impl EventHub {
    pub fn new() -> Self {
        let epoch =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        EventHub {
            epoch,
            list_tx: broadcast::channel(LIST_HISTORY).0,
            list: Arc::new(Mutex::new(ListHistory {
                next_number: 1,
                recent: VecDeque::new(),
                published_here: std::collections::HashMap::new(),
            })),
        }
    }

    /// Publishes a created or changed run to the list stream.
    pub fn publish_list(&self, change: ListChange, run: Run) {
        self.publish(change, run, false);
    }

    /// Whether this node published `run` in this very state.
    pub fn published_here(&self, run: &Run) -> bool {
        let list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        list.published_here.get(&run.id) == Some(&(run.status, run.seq))
    }

    /// Publishes a change another node made, which this node read from the database.
    pub fn publish_list_from_other_node(&self, change: ListChange, run: Run) {
        self.publish(change, run, true);
    }

    fn publish(&self, change: ListChange, run: Run, from_other_node: bool) {
        let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        let id = ListEventId { epoch: self.epoch, number: list.next_number };
        list.next_number += 1;
        if !from_other_node {
            // Bounded: forgetting only lets a change be told twice, which listeners take.
            if list.published_here.len() >= PUBLISHED_HERE_MAX {
                list.published_here.clear();
            }
            list.published_here.insert(run.id, (run.status, run.seq));
        }
        let event = ListEvent { id, change, run, from_other_node };
        if list.recent.len() == LIST_HISTORY {
            list.recent.pop_front();
        }
        list.recent.push_back(event.clone());
        // Sent under the lock, so the live order is the numbering order.
        let _ = self.list_tx.send(event);
    }

    /// Subscribes to the list stream, resuming after `last` when given.
    pub fn subscribe_list(&self, last: Option<ListEventId>) -> (ListResume, broadcast::Receiver<ListEvent>) {
        let list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        let receiver = self.list_tx.subscribe();
        let now = ListEventId { epoch: self.epoch, number: list.next_number - 1 };
        let resume = match last {
            None => ListResume::From(Vec::new()),
            Some(last) if last.epoch != self.epoch || last.number >= list.next_number => ListResume::Reload { now },
            Some(last) => {
                let oldest_kept = list.recent.front().map_or(list.next_number, |e| e.id.number);
                if last.number + 1 < oldest_kept {
                    ListResume::Reload { now }
                } else {
                    ListResume::From(list.recent.iter().filter(|e| e.id.number > last.number).cloned().collect())
                }
            }
        };
        (resume, receiver)
    }
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Counts, RunId, RunStatus};

    fn run(id: i64) -> Run {
        Run {
            id: RunId(id),
            user: "u".into(),
            environment: 1.into(),
            paths: vec![],
            variables: Default::default(),
            status: RunStatus::Queued,
            exit_code: None,
            message: None,
            created_at: chrono::Utc::now(),
            started_at: None,
            finished_at: None,
            counts: Counts::default(),
            log_bytes: 0,
            log_truncated: false,
            log_pruned_at: None,
            stored_bytes: 0,
            node: Some("n".into()),
            seq: 1,
            limits: crate::domain::Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 64, timeout_s: 60 },
            enforcement: None,
            resources: Default::default(),
            template: None,
            rerun_of: None,
            profile: None,
            created_by: None,
            cancelled_by: None,
            waiting_for_environment: false,
            failure_changes: None,
        }
    }

    #[test]
    fn list_listeners_resume_after_their_last_event() {
        let hub = EventHub::new();
        hub.publish_list(ListChange::Created, run(1));
        hub.publish_list(ListChange::Created, run(2));
        let first = ListEventId { epoch: hub.epoch, number: 1 };
        let ListResume::From(missed) = hub.subscribe_list(Some(first)).0 else { panic!("expected resume") };
        assert_eq!(missed.iter().map(|e| e.run.id.0).collect::<Vec<_>>(), [2]);
        let stale = ListEventId { epoch: hub.epoch - 1, number: 1 };
        assert!(matches!(hub.subscribe_list(Some(stale)).0, ListResume::Reload { .. }));
        assert_eq!("5-7".parse::<ListEventId>(), Ok(ListEventId { epoch: 5, number: 7 }));
    }
}
