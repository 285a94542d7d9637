//! What the store's tests share: a store in memory and a plain request for a run.

use std::collections::BTreeMap;

use super::Store;
use crate::domain::{Limits, NewRun};

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
