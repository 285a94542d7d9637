//! This node's place among the nodes that share the database: it registers, renews its lease
//! three times a lease, and ends the runs of any node whose lease has run out.
//!
//! A node is lost when its lease runs out (reckoned by the database's clock): it was killed, its
//! machine went down, or it cannot reach the database. The first node to find it marks it lost
//! and interrupts its runs, which frees their environments. The lost node itself stops its
//! running runs as soon as it learns it is lost (its renewal is refused) or once it has not
//! renewed for a whole lease (it cannot reach the database): by then another node has ended
//! them, and their processes must not go on holding the environments' resources unseen.

use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::watch;
use tracing::{error, info, warn};

use crate::domain::{NodeAnnouncement, lost_node_message};
use crate::journal::Journal;
use crate::runner::Runner;
use crate::store::{Store, StoreError};

/// The lease task's handle: stop it, then mark the node stopped.
pub struct Membership {
    store: Store,
    name: String,
    stop_tx: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Membership {
    /// Registers `node` and starts renewing its lease.
    pub async fn join(
        journal: Journal,
        runner: Runner,
        node: NodeAnnouncement,
        lease: Duration,
    ) -> Result<Membership, StoreError> {
        let store = journal.store().clone();
        store.register_node(&node, lease).await?;
        info!(node = %node.name, lease_s = lease.as_secs_f64(), "node registered");
        let (stop_tx, stop_rx) = watch::channel(false);
        let name = node.name.clone();
        let lease_keeper =
            LeaseKeeper { journal, runner, node, lease, renewed: Instant::now(), fenced: false, failing: false };
        let task = tokio::spawn(lease_keeper.run(stop_rx));
        Ok(Membership { store, name, stop_tx, task })
    }

    /// Stops renewing and marks the node stopped (its runs have ended by then).
    pub async fn leave(self) {
        let _ = self.stop_tx.send(true);
        let _ = self.task.await;
        if let Err(error) = self.store.mark_node_stopped(&self.name).await {
            warn!(error = ?error, "cannot mark this node stopped; its lease will run out instead");
        }
    }
}

struct LeaseKeeper {
    journal: Journal,
    runner: Runner,
    node: NodeAnnouncement,
    lease: Duration,
    /// When the lease was last renewed, by this process's clock.
    renewed: Instant,
    /// This node stopped its runs for want of a lease and has not had one since.
    fenced: bool,
    /// The last renewal failed (said once, until one succeeds).
    failing: bool,
}

impl LeaseKeeper {
    async fn run(mut self, mut stop_rx: watch::Receiver<bool>) {
        let period = self.lease / 3;
        loop {
            tokio::select! {
                () = tokio::time::sleep(period) => {}
                _ = stop_rx.changed() => return,
            }
            self.renew().await;
            if self.failing {
                continue;
            }
            if let Err(error) = self.end_lost_nodes_runs().await {
                warn!(error = %error, "cannot look for lost nodes");
            }
        }
    }

    async fn renew(&mut self) {
        let running = u32::try_from(self.journal.active_count()).unwrap_or(u32::MAX);
        match self.journal.store().renew_lease(&self.node.name, running, self.lease).await {
            Ok(Some(_)) => {
                self.renewed = Instant::now();
                self.fenced = false;
                if std::mem::take(&mut self.failing) {
                    info!(node = %self.node.name, "this node's lease is renewed again");
                }
            }
            Ok(None) => {
                error!(node = %self.node.name, "another node found this node's lease run out and ended its runs; \
                    stopping what still runs here and joining again");
                self.fence();
                match self.journal.store().register_node(&self.node, self.lease).await {
                    Ok(_) => {
                        self.renewed = Instant::now();
                        self.fenced = false;
                    }
                    Err(error) => error!(error = ?error, "cannot register this node again"),
                }
            }
            Err(error) => {
                if !std::mem::replace(&mut self.failing, true) {
                    error!(error = %error, "cannot renew this node's lease; trying again");
                }
                if self.renewed.elapsed() >= self.lease && !self.fenced {
                    error!(node = %self.node.name, "this node's lease has run out: stopping its runs, which \
                        another node ends");
                    self.fence();
                }
            }
        }
    }

    fn fence(&mut self) {
        self.runner.stop_running();
        self.fenced = true;
    }

    /// Marks the nodes whose leases ran out lost and interrupts their runs; also the runs of a
    /// node found lost earlier by a node that stopped before it had ended them all.
    async fn end_lost_nodes_runs(&self) -> Result<(), StoreError> {
        let store = self.journal.store();
        for node in store.mark_expired_nodes_lost(&self.node.name).await? {
            warn!(node = %node.announcement.name, last_renewed = %node.renewed_at, "a node's lease ran out: \
                ending its runs");
        }
        // Each lost node's runs, also those a node that found it lost could not finish ending.
        for node in store.lost_nodes().await? {
            let message = lost_node_message(&node, &self.node.name);
            for run in self.journal.interrupt_runs_of(&node.announcement.name, Utc::now(), &message).await? {
                warn!(run_id = %run.id, node = %node.announcement.name, "a lost node's run marked interrupted");
            }
        }
        Ok(())
    }
}
