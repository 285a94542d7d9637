//! What the store's tests share: a store in memory, a plain request for a run and a plain end.

use std::collections::BTreeMap;

use chrono::Utc;

use super::{Finish, Store};
use crate::domain::{Limits, NewRun, RunStatus};

pub(super) async fn store() -> Store {
    Store::connect("mem://", None, Default::default()).await.expect("connect")
}

/// Ada's run of `math` in `environment`, refused when the environment is held.
pub(super) fn new_run(environment: u8) -> NewRun {
    NewRun {
        user: "ada".into(),
        environment: environment.into(),
        paths: vec!["math".into()],
        variables: BTreeMap::new(),
        limits: Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 100, timeout_s: 60 },
        template: None,
        rerun_of: None,
        profile: None,
        created_by: None,
        wait_for_environment: false,
    }
}

/// An end with `status` and nothing more to store, at event `seq`.
pub(super) fn ended(status: RunStatus, seq: i64) -> Finish {
    Finish {
        status,
        exit_code: None,
        message: None,
        finished_at: Utc::now(),
        counts: Default::default(),
        log_bytes: 0,
        log_truncated: false,
        stored_bytes: 0,
        seq,
        resources: Default::default(),
        cancelled_by: None,
        log: Vec::new(),
        log_maybe_stored_to: None,
        results: Vec::new(),
        history: None,
    }
}
