//! Creating, listing, inspecting, cancelling and repeating runs (what they produced:
//! `run_results`).

use std::sync::Arc;
use std::time::Duration;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::json_body::Unchecked;
use super::models::{CreateRunRequest, RerunRequest, RunPage, RunView};
use super::problem::{Problem, ServerError};
use super::query::environment_filter;
use super::{ApiTags, AppState};
use crate::domain::{FieldError, Run, RunFilter, RunId, RunStatus, TemplateName, UserName};
use crate::store::Store;
use crate::usecases::{Caller, CancelFailure, Cancelling, CreateRunFailure, RerunFailure};

const DEFAULT_PAGE: u32 = 50;

pub struct RunsApi;

#[derive(ApiResponse)]
enum CreateRunResponse {
    /// The run was stored as `queued` and holds its environment.
    #[oai(status = 201)]
    Created(Json<RunView>),
    /// The environment is held by an active run; `run_id` names it. Nothing was stored.
    #[oai(status = 409)]
    EnvironmentBusy(Json<Problem>),
    /// A field is missing or wrong; `field` names it. Nothing was stored.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
    /// Not yours: only admins act for other users (code `forbidden`); or a foreign `Host` or
    /// `Origin` (codes `foreign_host`, `foreign_origin`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
}

#[derive(ApiResponse)]
enum RerunResponse {
    /// The new run, stored as `queued`.
    #[oai(status = 201)]
    Created(Json<RunView>),
    /// No run has this id.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
    /// The environment is held by an active run; `run_id` names it. Nothing was stored.
    #[oai(status = 409)]
    EnvironmentBusy(Json<Problem>),
    /// A field is wrong, or `failed_only` was asked of a run without failed tests.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
    /// Not yours: only admins act for other users (code `forbidden`); or a foreign `Host` or
    /// `Origin` (codes `foreign_host`, `foreign_origin`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
}

#[derive(ApiResponse)]
enum ListRunsResponse {
    /// A page of runs, newest first.
    #[oai(status = 200)]
    Ok(Json<RunPage>),
    /// A query parameter is wrong; `field` names it.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
}

#[derive(ApiResponse)]
enum RunResponse {
    #[oai(status = 200)]
    Ok(Json<RunView>),
    /// No run has this id.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
}

#[derive(ApiResponse)]
enum CancelResponse {
    /// The run has ended as `cancelled`; its processes are gone and its environment is free.
    #[oai(status = 200)]
    Cancelled(Json<RunView>),
    /// The run is being stopped but its processes have not ended yet; it ends as `cancelled`.
    #[oai(status = 202)]
    Stopping(Json<RunView>),
    /// No run has this id.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
    /// The run has already ended (code `run_not_active`).
    #[oai(status = 409)]
    NotActive(Json<Problem>),
    /// Not yours: only admins act for other users (code `forbidden`); or a foreign `Host` or
    /// `Origin` (codes `foreign_host`, `foreign_origin`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
}

#[OpenApi(tag = "ApiTags::Runs")]
impl RunsApi {
    /// Create a run
    ///
    /// Once users exist, a run is the token's user's (`user` may be left out), and only admins
    /// start runs for others (`created_by` records who did). Stores the run as `queued`,
    /// holding its environment until it ends, and queues it. At
    /// most one run per environment is active: if another queued or running run holds it, the
    /// answer is 409 with code `environment_busy` and that run's id.
    #[oai(path = "/runs", method = "post", operation_id = "create_run")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        caller: Data<&Caller>,
        body: Json<Unchecked<CreateRunRequest>>,
    ) -> Result<CreateRunResponse, ServerError> {
        Ok(match state.create_run(caller.0, body.0.json).await {
            Ok(run) => CreateRunResponse::Created(Json(view(&state, run))),
            Err(CreateRunFailure::Invalid(error)) => CreateRunResponse::Invalid(Json(Problem::invalid_field(error))),
            Err(failure @ CreateRunFailure::EnvironmentBusy { run_id, .. }) => {
                CreateRunResponse::EnvironmentBusy(Json(busy(&failure, run_id)))
            }
            Err(failure @ CreateRunFailure::Forbidden { .. }) => {
                CreateRunResponse::Forbidden(Json(Problem::new("forbidden", failure.to_string())))
            }
            Err(CreateRunFailure::Failed(error)) => return Err(ServerError::log("cannot create the run", &error)),
        })
    }

    /// Run again
    ///
    /// Creates a new run like this one: the same environment, paths, variables, limits and
    /// template, by the same user unless `user` is given. With `failed_only`, only the tests
    /// that failed or errored run again, by node id (422 when there are none). The new run's
    /// `rerun_of` names this one. 409 `environment_busy` while the environment is held (also
    /// by this run itself, while it is active).
    #[oai(path = "/runs/:id/rerun", method = "post", operation_id = "rerun_run")]
    async fn rerun(
        &self,
        state: Data<&Arc<AppState>>,
        caller: Data<&Caller>,
        id: Path<i64>,
        body: Json<Unchecked<RerunRequest>>,
    ) -> Result<RerunResponse, ServerError> {
        Ok(match state.rerun(caller.0, RunId(id.0), &body.0.json).await {
            Ok(run) => RerunResponse::Created(Json(view(&state, run))),
            Err(RerunFailure::NotFound(id)) => RerunResponse::NotFound(Json(Problem::not_found(&format!("run {id}")))),
            Err(RerunFailure::Refused(CreateRunFailure::Invalid(error))) => {
                RerunResponse::Invalid(Json(Problem::invalid_field(error)))
            }
            Err(RerunFailure::Refused(failure @ CreateRunFailure::EnvironmentBusy { run_id, .. })) => {
                RerunResponse::EnvironmentBusy(Json(busy(&failure, run_id)))
            }
            Err(RerunFailure::Refused(failure @ CreateRunFailure::Forbidden { .. })) => {
                RerunResponse::Forbidden(Json(Problem::new("forbidden", failure.to_string())))
            }
            Err(RerunFailure::Refused(CreateRunFailure::Failed(error))) => {
                return Err(ServerError::log("cannot create the run", &error));
            }
        })
    }

    /// List runs
    ///
    /// Newest first, optionally filtered. Pages hold `limit` runs (1-200, default 50); pass
    /// `next_cursor` as `cursor` for the next page.
    #[oai(path = "/runs", method = "get", operation_id = "list_runs")]
    // poem-openapi documents each query parameter from a handler argument of its own.
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        /// Only runs with this status.
        status: Query<Option<RunStatus>>,
        /// Only runs of this user.
        #[oai(validator(min_length = 1, max_length = 64))]
        user: Query<Option<String>>,
        /// Only runs in this environment.
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        environment: Query<Option<u8>>,
        /// Only runs started from this template.
        #[oai(validator(min_length = 1, max_length = 64))]
        template: Query<Option<String>>,
        /// The `next_cursor` of the previous page.
        #[oai(validator(pattern = "^[0-9]{1,18}$"))]
        cursor: Query<Option<String>>,
        /// Runs per page, 1-200.
        #[oai(validator(minimum(value = "1"), maximum(value = "200")))]
        limit: Query<Option<u32>>,
    ) -> Result<ListRunsResponse, ServerError> {
        let before = match cursor.0.as_deref().map(str::parse::<i64>) {
            None => None,
            Some(Ok(id)) => Some(RunId(id)),
            Some(Err(_)) => {
                let error = FieldError::new("cursor", "not a cursor from a previous page");
                return Ok(ListRunsResponse::Invalid(Json(Problem::invalid_field(error))));
            }
        };
        let environment = match environment_filter(environment.0) {
            Ok(environment) => environment,
            Err(problem) => return Ok(ListRunsResponse::Invalid(Json(problem))),
        };
        // A name no run can have (e.g. a template name with a space) matches no run.
        let (Ok(user), Ok(template)) = (
            user.0.as_deref().map(UserName::new).transpose(),
            template.0.as_deref().map(TemplateName::new).transpose(),
        ) else {
            return Ok(ListRunsResponse::Ok(Json(RunPage { items: Vec::new(), next_cursor: None })));
        };
        let filter = RunFilter { status: status.0, user, environment, template, before };
        let limit = limit.0.unwrap_or(DEFAULT_PAGE) as usize;
        let mut runs = state.store.list_runs(&filter, limit + 1).await?;
        let next_cursor = if runs.len() > limit {
            runs.truncate(limit);
            runs.last().map(|run| run.id.to_string())
        } else {
            None
        };
        let items = runs.into_iter().map(|run| view(&state, run).listed()).collect();
        Ok(ListRunsResponse::Ok(Json(RunPage { items, next_cursor })))
    }

    /// Get a run
    #[oai(path = "/runs/:id", method = "get", operation_id = "get_run")]
    async fn get(&self, state: Data<&Arc<AppState>>, id: Path<i64>) -> Result<RunResponse, ServerError> {
        Ok(match state.store.run(RunId(id.0)).await? {
            Some(run) => RunResponse::Ok(Json(view(&state, run))),
            None => RunResponse::NotFound(Json(Problem::not_found(&format!("run {}", id.0)))),
        })
    }

    /// Cancel a run
    ///
    /// Its user and admins may cancel a run, on any node. A queued run ends at once. A running
    /// run's process group gets SIGTERM, then SIGKILL after the grace period, from the node that
    /// executes it (another node asks it through the database); the answer comes when its
    /// processes have ended (200) or, if that takes longer than the grace period and a little
    /// more, while they are still ending (202).
    #[oai(path = "/runs/:id/cancel", method = "post", operation_id = "cancel_run")]
    async fn cancel(
        &self,
        state: Data<&Arc<AppState>>,
        caller: Data<&Caller>,
        id: Path<i64>,
    ) -> Result<CancelResponse, ServerError> {
        let id = RunId(id.0);
        let outcome = match state.cancel_run(caller.0, id).await {
            Ok(outcome) => outcome,
            Err(CancelFailure::NotFound(id)) => {
                return Ok(CancelResponse::NotFound(Json(Problem::not_found(&format!("run {id}")))));
            }
            Err(failure @ CancelFailure::Forbidden { .. }) => {
                return Ok(CancelResponse::Forbidden(Json(Problem::new("forbidden", failure.to_string()))));
            }
            Err(CancelFailure::Failed(error)) => return Err(ServerError::log("cannot cancel the run", &error)),
        };
        let ended = match outcome {
            Cancelling::Ended(run) => return Ok(CancelResponse::Cancelled(Json((*run).into()))),
            Cancelling::NotActive(run) => return Ok(CancelResponse::NotActive(Json(not_active(&run)))),
            Cancelling::Stopping(mut done) => tokio::time::timeout(state.cancel_wait, done.wait_for(Option::is_some))
                .await
                .ok()
                .and_then(|waited| waited.ok().and_then(|run| run.clone())),
            Cancelling::AskedOf(node) => {
                tracing::info!(run_id = %id, node = %node, "asked the executing node to cancel the run");
                wait_until_ended(&state.store, id, state.cancel_wait + REMOTE_CANCEL_NOTICE).await?
            }
        };
        if let Some(run) = ended {
            return Ok(CancelResponse::Cancelled(Json(run.into())));
        }
        match state.store.run(id).await? {
            Some(run) => Ok(CancelResponse::Stopping(Json(run.into()))),
            None => Ok(CancelResponse::NotFound(Json(Problem::not_found(&format!("run {id}"))))),
        }
    }
}

/// How long the node that executes a run may take to notice a cancel asked of it.
const REMOTE_CANCEL_NOTICE: Duration = Duration::from_secs(1);

/// Run `id` once the store has it ended, read every 100 ms for at most `wait`; `None` if it has
/// not ended by then.
async fn wait_until_ended(store: &Store, id: RunId, wait: Duration) -> Result<Option<Run>, ServerError> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match store.run(id).await? {
            Some(run) if !run.status.is_active() => return Ok(Some(run)),
            None => return Ok(None),
            Some(_) if tokio::time::Instant::now() >= deadline => return Ok(None),
            Some(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// A run as the API shows it, with its place in the queue while it waits.
fn view(state: &AppState, run: Run) -> RunView {
    let queue_position = state.runner.queue_position(run.id);
    let line_position = state.runner.line_position(run.id);
    RunView { queue_position, line_position, ..RunView::from(run) }
}

fn not_active(run: &Run) -> Problem {
    let message = if run.status.is_active() {
        format!("run {} changed hands while it was being cancelled; try again", run.id)
    } else {
        format!("run {} has already ended as {}", run.id, run.status)
    };
    Problem { run_id: Some(run.id.0), ..Problem::new("run_not_active", message) }
}

/// The 409 for a busy environment: the run holding it, named.
fn busy(failure: &CreateRunFailure, holder: RunId) -> Problem {
    Problem {
        run_id: Some(holder.0),
        field: Some("environment".into()),
        ..Problem::new("environment_busy", failure.to_string())
    }
}
