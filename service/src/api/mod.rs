//! The HTTP API: REST and server-sent events under `/api`, described by a generated OpenAPI
//! spec (`/openapi.json`, Swagger UI at `/docs`), and the web page at every other path. poem
//! types stay inside this module.

mod catalog;
mod guard;
mod json_body;
mod junit;
mod live;
mod models;
mod page;
mod problem;
mod runs;
mod templates;

use std::sync::Arc;

use poem::middleware::Tracing;
use poem::{Endpoint, EndpointExt, Route, get};
use poem_openapi::{OpenApiService, Tags};

pub use guard::AccessPolicy;

use crate::domain::{Enforcement, LimitPolicy, RetentionPolicy};
use crate::events::EventHub;
use crate::journal::Journal;
use crate::runner::Runner;
use crate::store::Store;
use crate::test_tree::TestTree;

/// Facts about this service that the API reports.
#[derive(Clone, Debug)]
pub struct SystemFacts {
    pub node: String,
    pub enforcement: Enforcement,
    /// Why limits cannot be fully enforced, when they cannot.
    pub sandbox_weakness: Option<String>,
    pub limit_policy: LimitPolicy,
    pub max_concurrent_runs: usize,
    pub python: String,
    pub tests_root: String,
    pub retention: RetentionPolicy,
    /// The embedded database's folder; absent for a database server.
    pub database_dir: Option<std::path::PathBuf>,
}

/// What the handlers share.
pub struct AppState {
    pub store: Store,
    pub hub: EventHub,
    pub journal: Journal,
    pub runner: Runner,
    pub tree: TestTree,
    pub system: SystemFacts,
    /// How long a cancel waits for the run's processes to end before it answers.
    pub cancel_wait: std::time::Duration,
}

#[derive(Tags)]
enum ApiTags {
    /// Create, list, inspect, cancel and repeat test runs.
    Runs,
    /// Saved run setups to start runs from.
    Templates,
    /// Live updates as server-sent events.
    Live,
    /// The test tree, the environments, the service's limits and health.
    Catalog,
}

type Apis = (runs::RunsApi, templates::TemplatesApi, live::LiveApi, catalog::CatalogApi);

fn api_service() -> OpenApiService<Apis, ()> {
    let apis = (runs::RunsApi, templates::TemplatesApi, live::LiveApi, catalog::CatalogApi);
    OpenApiService::new(apis, "Testbay", env!("CARGO_PKG_VERSION"))
        .description(
            "Runs pytest suites on a shared machine. A run takes a test environment (1-100) for \
             as long as it is queued or running; a second run for a held environment is refused \
             with 409 `environment_busy`. Errors are JSON problems `{code, message, field?}`.",
        )
        .server("/api")
}

/// The OpenAPI spec as JSON, as served at `/openapi.json`.
pub fn spec_json() -> String {
    api_service().spec()
}

/// Every route of the service, guarded by `policy`.
pub fn routes(state: Arc<AppState>, policy: AccessPolicy) -> impl Endpoint {
    let api = api_service();
    let docs = api.swagger_ui();
    let spec = api.spec_endpoint();
    Route::new()
        .nest("/api", api)
        .nest("/docs", docs)
        .at("/openapi.json", spec)
        .at("/", get(page::page))
        .at("/*path", get(page::page))
        .data(state)
        .with(guard::Guard(Arc::new(policy)))
        .catch_all_error(problem::to_problem)
        .with(Tracing)
}
