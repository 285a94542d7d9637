//! The test tree, the environments and the service's health.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::models::{DatabaseKind, DatabaseView, EnvironmentList, SystemView, TestTreeView, TreeEntryView};
use super::problem::ServerError;
use super::{ApiTags, AppState};

pub struct CatalogApi;

#[derive(Debug, Object)]
pub struct Health {
    /// `ok` when the service answers and its database does.
    pub status: String,
}

#[derive(ApiResponse)]
enum TestTreeResponse {
    /// The test tree as it is on disk now.
    #[oai(status = 200)]
    Ok(Json<TestTreeView>),
}

#[OpenApi(tag = "ApiTags::Catalog")]
impl CatalogApi {
    /// List the test tree
    ///
    /// Folders that hold tests and test files (`test_*.py`, `*_test.py`), read from the file
    /// system on each call, as pytest would find them. Use their paths in a new run.
    #[oai(path = "/tests", method = "get", operation_id = "list_tests")]
    async fn tests(&self, state: Data<&Arc<AppState>>) -> Result<TestTreeResponse, ServerError> {
        let tree = state.tree.clone();
        let entries = tokio::task::spawn_blocking(move || tree.entries())
            .await
            .map_err(|err| ServerError::log("cannot read the test tree", &err))?
            .map_err(|err| ServerError::log("cannot read the test tree", &err))?;
        Ok(TestTreeResponse::Ok(Json(TestTreeView {
            root: state.tree.root().display().to_string(),
            entries: entries.into_iter().map(TreeEntryView::from).collect(),
        })))
    }

    /// List the environments
    ///
    /// All 100 environments with the queued or running run holding each, and the runs waiting
    /// in line for it.
    #[oai(path = "/environments", method = "get", operation_id = "list_environments")]
    async fn environments(&self, state: Data<&Arc<AppState>>) -> Result<Json<EnvironmentList>, ServerError> {
        let environments = state.store.environments().await?;
        Ok(Json(EnvironmentList::new(&environments.holds, &environments.lines)))
    }

    /// Describe this service
    ///
    /// How runs are contained here (`enforcement`; a `sandbox_warning` when limits cannot be
    /// fully enforced), the default limits, the longest timeout, the concurrency, how long
    /// runs and logs are kept, and what the database takes on disk.
    #[oai(path = "/system", method = "get", operation_id = "get_system")]
    async fn system(&self, state: Data<&Arc<AppState>>) -> Json<SystemView> {
        let facts = &state.system;
        let size_bytes = match facts.database_dir.clone() {
            Some(dir) => tokio::task::spawn_blocking(move || folder_bytes(&dir)).await.ok(),
            None => None,
        };
        let kind = if facts.database_dir.is_some() { DatabaseKind::Embedded } else { DatabaseKind::Server };
        Json(SystemView {
            version: env!("CARGO_PKG_VERSION").into(),
            node: facts.node.clone(),
            enforcement: facts.enforcement.into(),
            sandbox_warning: facts.sandbox_weakness.as_ref().map(|reason| {
                format!(
                    "limits are enforced with rlimits only ({reason}): memory is capped per process as address \
                     space, processes per user, CPU as seconds; processes that leave a run's process group can \
                     outlive it"
                )
            }),
            default_limits: facts.limit_policy.defaults.into(),
            max_timeout_s: facts.limit_policy.max_timeout_s,
            max_concurrent_runs: u32::try_from(facts.max_concurrent_runs).unwrap_or(u32::MAX),
            python: facts.python.clone(),
            memory_profiling: facts.memory_profiling,
            tests_root: facts.tests_root.clone(),
            retention: facts.retention.into(),
            database: DatabaseView { kind, size_bytes },
        })
    }

    /// Check the service's health
    #[oai(path = "/healthz", method = "get", operation_id = "health")]
    async fn health(&self, state: Data<&Arc<AppState>>) -> Result<Json<Health>, ServerError> {
        state.store.environment_holds().await?;
        Ok(Json(Health { status: "ok".into() }))
    }
}

/// The bytes of the files under `folder`.
fn folder_bytes(folder: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(metadata) if metadata.is_dir() => folders.push(entry.path()),
                Ok(metadata) => total += metadata.len(),
                Err(_) => {}
            }
        }
    }
    total
}
