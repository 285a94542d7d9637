//! The HTTP API: REST and server-sent events under `/api`, described by a generated OpenAPI
//! spec (`/openapi.json`, Swagger UI at `/docs`), and the web page at every other path. poem
//! types stay inside this module.

mod allow;
mod catalog;
mod guard;
mod identity;
mod json_body;
mod junit;
mod live;
mod metrics;
mod models;
mod nodes;
mod page;
mod problem;
mod query;
mod request_log;
mod run_results;
mod runs;
mod spec;
mod templates;
mod test_history;
mod users;

use std::sync::Arc;

use poem::endpoint::make_sync;
use poem::web::{Html, Json};
use poem::{Endpoint, EndpointExt, Route, get};
use poem_openapi::{OpenApi, OpenApiService, Tags};

pub use crate::usecases::{AppState, SystemFacts};
pub use guard::AccessPolicy;

use crate::domain::LimitPolicy;
use allow::AllowedMethods;

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
    /// Users and their tokens, and who the caller is.
    Users,
    /// Each test across runs: its history, the flaky tests and the slow ones.
    Tests,
    /// The Testbay nodes that share the database, and their leases.
    Nodes,
}

fn api_service() -> OpenApiService<impl OpenApi, ()> {
    let apis = (
        runs::RunsApi,
        run_results::RunResultsApi,
        templates::TemplatesApi,
        live::LiveApi,
        catalog::CatalogApi,
        users::UsersApi,
        test_history::TestsApi,
        nodes::NodesApi,
    );
    OpenApiService::new(apis, "Testbay", env!("CARGO_PKG_VERSION"))
        .description(
            "Runs pytest suites on a shared machine. A run takes a test environment (1-100) for \
             as long as it is queued or running; a second run for a held environment is refused \
             with 409 `environment_busy`. Errors are JSON problems `{code, message, field?}`.",
        )
        .server("/api")
}

/// The OpenAPI spec of a service with `limits`, as served at `/openapi.json`.
pub fn spec(limits: &LimitPolicy) -> serde_json::Value {
    let mut spec = serde_json::from_str(&api_service().spec()).expect("poem-openapi writes JSON");
    spec::complete(&mut spec, limits);
    spec
}

/// The spec of a service with the default settings, as `openapi/openapi.json` holds it.
pub fn spec_json() -> String {
    serde_json::to_string_pretty(&spec(&LimitPolicy::DEFAULT)).expect("a JSON value serializes")
}

/// Every route of the service, guarded by `policy`.
pub fn routes(state: Arc<AppState>, policy: AccessPolicy) -> impl Endpoint {
    let identify =
        Arc::new(identity::Identify::new(policy.token.clone(), policy.user_header.clone(), state.store.clone()));
    let spec = spec(&state.system.limit_policy);
    let methods = Arc::new(AllowedMethods::from_spec(&spec, "/api"));
    let api = api_service();
    // Swagger UI embeds the spec it is given: the completed one.
    let docs = Html(api.swagger_ui_html().replace(&api.spec(), &spec.to_string()));
    let spec = Json(spec);
    Route::new()
        .nest("/api", api)
        .at("/docs", get(make_sync(move |_| docs.clone())))
        .at("/openapi.json", get(make_sync(move |_| spec.clone())))
        .at("/metrics", get(metrics::metrics))
        .at("/", get(page::page))
        .at("/*path", get(page::page))
        .data(state)
        .data(Arc::clone(&identify))
        .with(guard::Guard { policy: Arc::new(policy), identify })
        .catch_all_error(problem::to_problem)
        .around(move |endpoint, request| {
            let methods = Arc::clone(&methods);
            async move { methods.call(&endpoint, request).await }
        })
        .around(|endpoint, request| async move { request_log::logged(&endpoint, request).await })
}
