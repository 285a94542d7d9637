//! Creating a run (from paths or a template) and repeating one.

use chrono::Utc;
use serde_json::Value;

use super::{AppState, Caller};
use crate::domain::{
    self, Environment, FieldError, NewRun, Run, RunId, RunProfile, RunStatus, TemplateName, TestPath, UserName,
};
use crate::runner::CancelOutcome;
use crate::store::{CreateRunError, StoreError};

/// Why a run was not created. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum CreateRunFailure {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error(
        "environment {environment} is held by run {run_id} until it ends; ask with `wait_for_environment` to wait in line for it"
    )]
    EnvironmentBusy { environment: Environment, run_id: RunId },
    #[error("you are signed in as `{signed_in}`: only admins start runs for `{asked}`")]
    Forbidden { signed_in: String, asked: String },
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

/// Where a cancel stands.
pub enum Cancelling {
    /// The run waited in the queue and is now cancelled.
    Ended(Box<Run>),
    /// The run is being stopped on this node; the receiver gets the run once it has ended.
    Stopping(tokio::sync::watch::Receiver<Option<Run>>),
    /// The run executes on the node named, which was asked to stop it.
    AskedOf(String),
    /// The run is not active (it had ended, or it keeps changing hands).
    NotActive(Box<Run>),
}

/// Why a run was not cancelled.
#[derive(Debug, thiserror::Error)]
pub enum CancelFailure {
    #[error("run {0} does not exist")]
    NotFound(RunId),
    #[error("run {run} is {owner}'s: only they and admins may cancel it")]
    Forbidden { run: RunId, owner: String },
    #[error("cannot cancel the run")]
    Failed(#[from] StoreError),
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
    ///
    /// A signed-in user's runs are theirs: `user` is the token's user when the body leaves it
    /// out, and only admins may name someone else (a CI system's runs); `created_by` records
    /// the token's user.
    pub async fn create_run(&self, caller: &Caller, body: Value) -> Result<Run, CreateRunFailure> {
        let mut body = body;
        if let (Some(name), Value::Object(fields)) = (caller.user_name(), &mut body)
            && fields.get("user").is_none_or(Value::is_null)
        {
            fields.insert("user".into(), Value::from(name));
        }
        let mut new_run = self.new_run_from_request(body).await?;
        check_acts_for(caller, &new_run.user)?;
        new_run.created_by = caller.user_name().map(str::to_owned);
        self.start_run(&new_run).await
    }

    /// Starts cancelling run `id`, if the caller may: its user, or an admin. A queued run ends
    /// here and now; a running one is stopped by the node that executes it, this one or another.
    pub async fn cancel_run(&self, caller: &Caller, id: RunId) -> Result<Cancelling, CancelFailure> {
        let mut run = self.store.run(id).await?.ok_or(CancelFailure::NotFound(id))?;
        if !caller.acts_for(&run.user) {
            return Err(CancelFailure::Forbidden { run: id, owner: run.user.into() });
        }
        let by = caller.user_name().map(str::to_owned);
        if let Some(name) = &by {
            self.journal.note_cancelled_by(id, name);
        }
        if let CancelOutcome::Stopping(done) = self.runner.cancel(id).await {
            return Ok(Cancelling::Stopping(done));
        }
        // Not running here. A queued run may start meanwhile on some node; then it is asked of
        // that node, whose start the end of the queued run lost to.
        for _ in 0..3 {
            match run.status {
                RunStatus::Queued => {
                    if let Some(ended) = self.journal.end_waiting(&run, RunStatus::Cancelled, None, by.clone()).await? {
                        return Ok(Cancelling::Ended(Box::new(ended)));
                    }
                }
                RunStatus::Running if run.node.as_deref() == Some(self.system.node.as_str()) => {
                    // Claimed here and started after the runner was asked: ask it again.
                    if let CancelOutcome::Stopping(done) = self.runner.cancel(id).await {
                        return Ok(Cancelling::Stopping(done));
                    }
                }
                RunStatus::Running => {
                    if self.store.request_cancel(id, by.as_deref()).await? {
                        return Ok(Cancelling::AskedOf(run.node.unwrap_or_default()));
                    }
                }
                _ => return Ok(Cancelling::NotActive(Box::new(run))),
            }
            run = self.store.run(id).await?.ok_or(CancelFailure::NotFound(id))?;
        }
        Ok(Cancelling::NotActive(Box::new(run)))
    }

    /// Creates a run like run `id`, as `body` (a rerun request) asks. A signed-in user's
    /// rerun is theirs, unless an admin names another user.
    pub async fn rerun(&self, caller: &Caller, id: RunId, body: &Value) -> Result<Run, RerunFailure> {
        let mut request = domain::RerunRequest::from_json(body).map_err(CreateRunFailure::from)?;
        if request.user.is_none() {
            request.user = caller.user_name().map(account_as_run_user).transpose().map_err(CreateRunFailure::from)?;
        }
        if let Some(user) = &request.user {
            check_acts_for(caller, user)?;
        }
        let original = self.store.run(id).await?.ok_or(RerunFailure::NotFound(id))?;
        let results = if request.failed_only { self.store.test_results(id, 0, i64::MAX).await? } else { Vec::new() };
        let mut new_run =
            NewRun::rerun(&original, &request, &results, &self.system.limit_policy).map_err(CreateRunFailure::from)?;
        new_run.created_by = caller.user_name().map(str::to_owned);
        self.check_paths_exist(&new_run.paths)
            .await
            .map_err(|error| {
                FieldError::new("paths", format!("run {id} cannot be repeated as it was: {}", error.message))
            })
            .map_err(CreateRunFailure::from)?;
        self.check_profile(&new_run).map_err(CreateRunFailure::from)?;
        Ok(self.start_run(&new_run).await?)
    }

    async fn new_run_from_request(&self, body: Value) -> Result<NewRun, CreateRunFailure> {
        let Value::Object(mut fields) = body else {
            return Err(FieldError::new("body", "expected a JSON object").into());
        };
        let template = match fields.remove("template") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => {
                let name = TemplateName::new(&name).map_err(|message| FieldError::new("template", message))?;
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
        self.check_profile(&new_run)?;
        new_run.template = template.map(|template| template.name);
        Ok(new_run)
    }

    /// A memory-profiled run needs pytest-memray in the service's Python.
    fn check_profile(&self, new_run: &NewRun) -> Result<(), FieldError> {
        match new_run.profile {
            Some(RunProfile::Memory) if !self.system.memory_profiling => Err(FieldError::new(
                "profile",
                format!(
                    "this service's Python ({}) has no pytest-memray, which memory profiling needs: \
                     install it there (pip install pytest-memray) and restart the service",
                    self.system.python
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Stores `new_run` as queued and tells the runner, which claims it if it has room.
    async fn start_run(&self, new_run: &NewRun) -> Result<Run, CreateRunFailure> {
        match self.journal.create(new_run, Utc::now()).await {
            Ok(run) => Ok(self.runner.created(run.id).await.unwrap_or(run)),
            Err(CreateRunError::EnvironmentBusy { environment, run_id }) => {
                Err(CreateRunFailure::EnvironmentBusy { environment, run_id })
            }
            Err(CreateRunError::Store(error)) => Err(CreateRunFailure::Failed(error)),
        }
    }

    /// Checks on disk that every path lies inside the test tree.
    pub(super) async fn check_paths_exist(&self, paths: &[TestPath]) -> Result<(), FieldError> {
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

/// A user's account name as the `user` of their run (account names are a narrower rule).
fn account_as_run_user(name: &str) -> Result<UserName, FieldError> {
    UserName::new(name).map_err(|message| FieldError::new("user", message))
}

/// Refuses a signed-in user who is not an admin a run for someone else.
fn check_acts_for(caller: &Caller, user: &str) -> Result<(), CreateRunFailure> {
    match caller.user_name() {
        Some(name) if !caller.acts_for(user) => {
            Err(CreateRunFailure::Forbidden { signed_in: name.to_owned(), asked: user.to_owned() })
        }
        _ => Ok(()),
    }
}

/// The request's own field that a field path such as `paths[2]` or `limits.timeout_s` is in.
fn top_field(field: &str) -> &str {
    field.split(['[', '.']).next().unwrap_or(field)
}
