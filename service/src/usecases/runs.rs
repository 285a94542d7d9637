//! Creating a run (from paths or a template) and repeating one.

use chrono::Utc;
use serde_json::Value;

use super::AppState;
use crate::domain::{self, FieldError, NewRun, Run, RunId};
use crate::store::{CreateRunError, StoreError};

/// Why a run was not created. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum CreateRunFailure {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("environment {environment} is held by run {run_id} until it ends")]
    EnvironmentBusy { environment: u8, run_id: RunId },
    #[error("cannot create the run")]
    Failed(#[source] StoreError),
}

/// Why a run was not repeated. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum RerunFailure {
    #[error("run {0} does not exist")]
    NotFound(RunId),
    #[error(transparent)]
    Refused(#[from] CreateRunFailure),
}

impl From<StoreError> for CreateRunFailure {
    fn from(error: StoreError) -> Self {
        CreateRunFailure::Failed(error)
    }
}

impl From<StoreError> for RerunFailure {
    fn from(error: StoreError) -> Self {
        RerunFailure::Refused(CreateRunFailure::Failed(error))
    }
}

impl AppState {
    /// Creates the run a request body asks for, filled in from its template if it names one,
    /// stores it as queued (holding its environment) and hands it to the runner.
    pub async fn create_run(&self, body: Value) -> Result<Run, CreateRunFailure> {
        let new_run = self.new_run_from_request(body).await?;
        self.start_run(&new_run).await
    }

    /// Creates a run like run `id`, as `body` (a rerun request) asks.
    pub async fn rerun(&self, id: RunId, body: &Value) -> Result<Run, RerunFailure> {
        let request = domain::RerunRequest::from_json(body).map_err(CreateRunFailure::from)?;
        let original = self.store.run(id).await?.ok_or(RerunFailure::NotFound(id))?;
        let results = if request.failed_only { self.store.test_results(id, 0, i64::MAX).await? } else { Vec::new() };
        let new_run =
            NewRun::rerun(&original, &request, &results, &self.system.limit_policy).map_err(CreateRunFailure::from)?;
        self.check_paths_exist(&new_run.paths)
            .await
            .map_err(|error| {
                FieldError::new("paths", format!("run {id} cannot be repeated as it was: {}", error.message))
            })
            .map_err(CreateRunFailure::from)?;
        Ok(self.start_run(&new_run).await?)
    }

    async fn new_run_from_request(&self, body: Value) -> Result<NewRun, CreateRunFailure> {
        let Value::Object(mut fields) = body else {
            return Err(FieldError::new("body", "expected a JSON object").into());
        };
        let template = match fields.remove("template") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => {
                domain::check_template_name(&name).map_err(|error| FieldError::new("template", error.message))?;
                let template = self.store.template(&name).await?;
                Some(template.ok_or_else(|| FieldError::new("template", format!("no template is named `{name}`")))?)
            }
            Some(_) => return Err(FieldError::new("template", "must be a template's name").into()),
        };
        let asked = fields.clone();
        if let Some(template) = &template {
            fields = template.setup.fill_in(&fields);
        }
        // A wrong value the template gave is the template's fault: say so, since the request
        // itself may not even have the field.
        let blame = |error: FieldError| match &template {
            Some(template) if asked.get(top_field(&error.field)).is_none_or(Value::is_null) => {
                FieldError::new("template", format!("template `{}` no longer fits: {error}", template.name))
            }
            _ => error,
        };
        let mut new_run = NewRun::from_json(&Value::Object(fields), &self.system.limit_policy).map_err(blame)?;
        self.check_paths_exist(&new_run.paths).await.map_err(blame)?;
        new_run.template = template.map(|template| template.name);
        Ok(new_run)
    }

    /// Stores `new_run` as queued and hands it to the runner.
    async fn start_run(&self, new_run: &NewRun) -> Result<Run, CreateRunFailure> {
        match self.journal.create(new_run, &self.system.node, Utc::now()).await {
            Ok(run) => {
                self.runner.submit(run.clone());
                Ok(run)
            }
            Err(CreateRunError::EnvironmentBusy { environment, run_id }) => {
                Err(CreateRunFailure::EnvironmentBusy { environment, run_id })
            }
            Err(CreateRunError::Store(error)) => Err(CreateRunFailure::Failed(error)),
        }
    }

    /// Checks on disk that every path lies inside the test tree.
    pub(super) async fn check_paths_exist(&self, paths: &[String]) -> Result<(), FieldError> {
        let tree = self.tree.clone();
        let paths = paths.to_vec();
        let checked = tokio::task::spawn_blocking(move || {
            for (index, path) in paths.iter().enumerate() {
                tree.check(path).map_err(|error| FieldError::new(format!("paths[{index}]"), error.to_string()))?;
            }
            Ok(())
        })
        .await;
        // The check only reads the file system; if its thread died, the paths were not shown to exist.
        checked.unwrap_or_else(|error| Err(FieldError::new("paths", format!("cannot check the paths: {error}"))))
    }
}

/// The request's own field that a field path such as `paths[2]` or `limits.timeout_s` is in.
fn top_field(field: &str) -> &str {
    field.split(['[', '.']).next().unwrap_or(field)
}
