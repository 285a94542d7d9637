//! A request for a new run, checked field by field so that every rejection names its field.
//!
//! Whether a path exists inside the test tree is the file system's question and is answered by
//! `test_tree`; here a path is only checked for its form.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{
    Environment, LimitPolicy, Limits, Run, RunId, RunProfile, TemplateName, TestOutcome, TestPath, TestResult, UserName,
};

// The rules of a request, stated once: the checks below and the OpenAPI spec (`api::spec`) both
// read them. Lengths count characters, as JSON Schema's `maxLength` does. The patterns are
// ECMA-262 regular expressions, as JSON Schema's are, and say the same as the checks.

pub const USER_MAX_CHARS: usize = 64;
/// No control characters, and something besides white space (which is trimmed off).
pub const USER_PATTERN: &str = concat!(
    "^[^\\u0000-\\u001f\\u007f-\\u009f]*",
    "[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
    "[^\\u0000-\\u001f\\u007f-\\u009f]*$"
);
pub const ENVIRONMENT_MIN: u8 = 1;
pub const ENVIRONMENT_MAX: u8 = 100;
pub const PATHS_MAX: usize = 50;
pub const PATH_MAX_CHARS: usize = 1024;
/// Not starting with `-` or `/`, no `..` component in the file part (before `::`), no control
/// characters.
pub const PATH_PATTERN: &str =
    concat!("^(?![-/])(?!(?:(?!::)[\\s\\S])*(?:^|/)\\.\\.(?:/|::|$))", "[^\\u0000-\\u001f\\u007f-\\u009f]+$");
pub const VARIABLES_MAX: usize = 32;
pub const VARIABLE_NAME_MAX_CHARS: usize = 64;
/// Letters, digits and `_`, not starting with a digit or with the reserved prefix.
pub const VARIABLE_NAME_PATTERN: &str = "^(?!TESTBAY_)[A-Za-z_][A-Za-z0-9_]*$";
pub const VARIABLE_VALUE_MAX_CHARS: usize = 4096;
/// Anything but NUL, which cannot be passed to a process.
pub const VARIABLE_VALUE_PATTERN: &str = "^[^\\u0000]*$";

/// Names Testbay sets itself; a run may not override them.
const RESERVED_VARIABLE_PREFIX: &str = "TESTBAY_";

/// A field of the request was missing or wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field, as a JSON path: `user`, `paths[2]`, `variables.FOO`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// The fields of a request body, which must be a JSON object holding only `known` fields.
pub(super) fn body_fields<'a>(body: &'a Value, known: &[&str]) -> Result<&'a Map<String, Value>, FieldError> {
    let Value::Object(fields) = body else {
        return Err(FieldError::new("body", "expected a JSON object"));
    };
    refuse_unknown(fields, known, "")?;
    Ok(fields)
}

/// Refuses the first of `fields` that is not in `known`, naming it after `prefix`
/// (e.g. `limits.`).
pub(super) fn refuse_unknown(fields: &Map<String, Value>, known: &[&str], prefix: &str) -> Result<(), FieldError> {
    match fields.keys().find(|key| !known.contains(&key.as_str())) {
        Some(unknown) => Err(FieldError::new(format!("{prefix}{unknown}"), "unknown field")),
        None => Ok(()),
    }
}

/// A valid request for a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRun {
    pub user: UserName,
    pub environment: Environment,
    /// Files, folders or pytest node ids (`file.py::test_name`), relative to the test tree.
    pub paths: Vec<TestPath>,
    pub variables: BTreeMap<String, String>,
    /// The limits the run gets: the service's defaults, tightened (or the timeout lengthened)
    /// as the request asked.
    pub limits: Limits,
    /// The saved template the run was started from.
    pub template: Option<TemplateName>,
    /// The run this one repeats.
    pub rerun_of: Option<RunId>,
    /// What the run measures besides outcomes.
    pub profile: Option<RunProfile>,
    /// The user whose token asks for the run.
    pub created_by: Option<String>,
    /// When its environment is held: wait in line for it instead of being refused.
    pub wait_for_environment: bool,
}

impl NewRun {
    /// Checks a JSON request body. The first wrong field is reported.
    pub fn from_json(body: &Value, policy: &LimitPolicy) -> Result<NewRun, FieldError> {
        let fields = body_fields(
            body,
            &["user", "environment", "paths", "variables", "limits", "profile", "wait_for_environment"],
        )?;
        Ok(NewRun {
            user: parse_user(fields.get("user"))?,
            environment: parse_environment(fields.get("environment"))?,
            paths: parse_paths(fields.get("paths"))?,
            variables: parse_variables(fields)?,
            limits: policy.apply(fields.get("limits"))?,
            template: None,
            rerun_of: None,
            profile: parse_profile(fields.get("profile"))?,
            created_by: None,
            wait_for_environment: parse_flag(fields.get("wait_for_environment"), "wait_for_environment")?,
        })
    }
}

/// How a run is to be repeated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RerunRequest {
    /// Only the tests that failed or errored, by node id (at most `PATHS_MAX` of them).
    pub failed_only: bool,
    /// Who asks; the original run's user when absent.
    pub user: Option<UserName>,
    /// When the environment is held: wait in line for it instead of being refused.
    pub wait_for_environment: bool,
}

impl RerunRequest {
    /// Checks a JSON request body; `{}` asks for a plain rerun.
    pub fn from_json(body: &Value) -> Result<RerunRequest, FieldError> {
        let fields = body_fields(body, &["failed_only", "user", "wait_for_environment"])?;
        let failed_only = parse_flag(fields.get("failed_only"), "failed_only")?;
        let wait_for_environment = parse_flag(fields.get("wait_for_environment"), "wait_for_environment")?;
        let user = match fields.get("user") {
            None | Some(Value::Null) => None,
            user => Some(parse_user(user)?),
        };
        Ok(RerunRequest { failed_only, user, wait_for_environment })
    }
}

impl NewRun {
    /// A run that repeats `original`: the same environment, variables and limits (within the
    /// service's current policy), and its paths or, with `failed_only`, the node ids of the
    /// tests that failed or errored among `results`.
    pub fn rerun(
        original: &Run,
        request: &RerunRequest,
        results: &[TestResult],
        policy: &LimitPolicy,
    ) -> Result<NewRun, FieldError> {
        let paths = if request.failed_only {
            let mut failed: Vec<TestPath> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let unsuccessful = results.iter().filter(|r| matches!(r.outcome, TestOutcome::Failed | TestOutcome::Error));
            for node_id in unsuccessful.map(|r| r.node_id.as_str()).filter(|id| !id.is_empty()) {
                if !seen.insert(node_id) {
                    continue;
                }
                if failed.len() == PATHS_MAX {
                    let message = format!(
                        "run {} has more than {PATHS_MAX} failed tests, more than a run may name; run it again whole",
                        original.id
                    );
                    return Err(FieldError::new("failed_only", message));
                }
                // Node ids come from pytest's reports, not from a client: they get the same
                // checks as a path a client sends.
                let path = TestPath::new(node_id).map_err(|message| {
                    FieldError::new("failed_only", format!("the failed test `{node_id}` cannot be named: {message}"))
                })?;
                failed.push(path);
            }
            if failed.is_empty() {
                let message = format!("run {} has no failed tests to run again", original.id);
                return Err(FieldError::new("failed_only", message));
            }
            failed
        } else {
            original.paths.clone()
        };
        Ok(NewRun {
            user: request.user.clone().unwrap_or_else(|| original.user.clone()),
            environment: original.environment,
            paths,
            variables: original.variables.clone(),
            limits: policy.clamp(original.limits),
            template: original.template.clone(),
            rerun_of: Some(original.id),
            profile: original.profile,
            created_by: None,
            wait_for_environment: request.wait_for_environment,
        })
    }
}

pub(super) fn parse_user(value: Option<&Value>) -> Result<UserName, FieldError> {
    let field = "user";
    let Some(Value::String(user)) = value else {
        return Err(FieldError::new(field, "required: a string naming who asks for the run"));
    };
    UserName::new(user).map_err(|message| FieldError::new(field, message))
}

pub(super) fn parse_environment(value: Option<&Value>) -> Result<Environment, FieldError> {
    let field = "environment";
    let Some(number) = value.and_then(Value::as_i64) else {
        let range = format!("an integer from {ENVIRONMENT_MIN} to {ENVIRONMENT_MAX}");
        return Err(FieldError::new(field, format!("required: {range}")));
    };
    Environment::new(number).map_err(|message| FieldError::new(field, message))
}

pub(super) fn parse_paths(value: Option<&Value>) -> Result<Vec<TestPath>, FieldError> {
    let Some(Value::Array(items)) = value else {
        return Err(FieldError::new("paths", "required: a list of test files or folders"));
    };
    if items.is_empty() {
        return Err(FieldError::new("paths", "must name at least one test file or folder"));
    }
    if items.len() > PATHS_MAX {
        return Err(FieldError::new("paths", format!("at most {PATHS_MAX} paths")));
    }
    let mut paths: Vec<TestPath> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let field = format!("paths[{index}]");
        let Value::String(path) = item else {
            return Err(FieldError::new(field, "must be a string"));
        };
        let path = TestPath::new(path).map_err(|message| FieldError::new(&field, message))?;
        if let Some(first) = paths.iter().position(|seen| *seen == path) {
            return Err(FieldError::new(field, format!("repeats paths[{first}]")));
        }
        paths.push(path);
    }
    Ok(paths)
}

/// A true-or-false field; false when absent.
fn parse_flag(value: Option<&Value>, field: &str) -> Result<bool, FieldError> {
    match value {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(_) => Err(FieldError::new(field, "must be true or false")),
    }
}

fn parse_profile(value: Option<&Value>) -> Result<Option<RunProfile>, FieldError> {
    let names = RunProfile::ALL.map(RunProfile::as_str).join("`, `");
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(name)) => RunProfile::parse(name)
            .map(Some)
            .ok_or_else(|| FieldError::new("profile", format!("`{name}` is not a profile; one of `{names}`"))),
        Some(_) => Err(FieldError::new("profile", format!("must be one of `{names}`"))),
    }
}

pub(super) fn parse_variables(fields: &Map<String, Value>) -> Result<BTreeMap<String, String>, FieldError> {
    let entries = match fields.get("variables") {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Object(entries)) => entries,
        Some(_) => return Err(FieldError::new("variables", "must be an object of strings")),
    };
    if entries.len() > VARIABLES_MAX {
        return Err(FieldError::new("variables", format!("at most {VARIABLES_MAX} variables")));
    }
    let mut variables = BTreeMap::new();
    for (name, value) in entries {
        let field = format!("variables.{name}");
        check_variable_name(name).map_err(|message| FieldError::new(&field, message))?;
        let Value::String(value) = value else {
            return Err(FieldError::new(field, "must be a string"));
        };
        if value.chars().count() > VARIABLE_VALUE_MAX_CHARS {
            return Err(FieldError::new(field, format!("at most {VARIABLE_VALUE_MAX_CHARS} characters")));
        }
        if value.contains('\0') {
            return Err(FieldError::new(field, "must not contain NUL"));
        }
        variables.insert(name.clone(), value.clone());
    }
    Ok(variables)
}

fn check_variable_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err("a variable name is letters, digits and `_`, not starting with a digit".into());
    }
    if name.chars().count() > VARIABLE_NAME_MAX_CHARS {
        return Err(format!("a variable name has at most {VARIABLE_NAME_MAX_CHARS} characters"));
    }
    if name.starts_with(RESERVED_VARIABLE_PREFIX) {
        return Err(format!("names starting with {RESERVED_VARIABLE_PREFIX} are set by Testbay"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
