//! Templates: a run's setup saved under a name, to start the same run again in one step.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::limits::{TIMEOUT_MIN_S, bounded};
use super::new_run::{body_fields, parse_environment, parse_paths, parse_variables};
use super::{Environment, FieldError, LimitPolicy, TemplateName, TestPath};

pub const TEMPLATE_NAME_MAX_CHARS: usize = 64;
/// Letters, digits, `.`, `_` and `-`, starting with a letter or digit (as `TemplateName`).
pub const TEMPLATE_NAME_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
pub const TEMPLATE_DESCRIPTION_MAX_CHARS: usize = 500;
/// How many templates the service keeps at most.
pub const TEMPLATES_MAX: usize = 1000;

/// A saved run setup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub name: TemplateName,
    pub setup: TemplateSetup,
    /// The user who saved it first (absent without users): they and admins may change it.
    pub owner: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a template holds: everything about a run but who asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateSetup {
    pub description: Option<String>,
    pub environment: Environment,
    pub paths: Vec<TestPath>,
    pub variables: BTreeMap<String, String>,
    /// The run's timeout; the service's default when absent.
    pub timeout_s: Option<u32>,
}

/// Checks a template's name from a URL or a request (see `TemplateName`); errors name `name`.
pub fn parse_template_name(name: &str) -> Result<TemplateName, FieldError> {
    TemplateName::new(name).map_err(|message| FieldError::new("name", message))
}

impl TemplateSetup {
    /// Checks a JSON request body. The first wrong field is reported.
    pub fn from_json(body: &Value, policy: &LimitPolicy) -> Result<TemplateSetup, FieldError> {
        let fields = body_fields(body, &["description", "environment", "paths", "variables", "timeout_s"])?;
        Ok(TemplateSetup {
            description: parse_description(fields.get("description"))?,
            environment: parse_environment(fields.get("environment"))?,
            paths: parse_paths(fields.get("paths"))?,
            variables: parse_variables(fields)?,
            timeout_s: parse_timeout(fields.get("timeout_s"), policy)?,
        })
    }

    /// A request for a run from this template: the request's own fields win, its variables
    /// are added to the template's, and the template fills in what the request leaves out.
    pub fn fill_in(&self, request: &Map<String, Value>) -> Map<String, Value> {
        let mut filled = request.clone();
        let absent = |value: Option<&Value>| value.is_none_or(Value::is_null);
        if absent(filled.get("environment")) {
            filled.insert("environment".into(), Value::from(self.environment.number()));
        }
        if absent(filled.get("paths")) {
            filled.insert("paths".into(), self.paths.iter().map(|path| Value::from(path.as_str())).collect());
        }
        let theirs = filled.get("variables").cloned();
        // Variables that are not an object stay as they are, for the request's check to refuse.
        if !self.variables.is_empty() && matches!(theirs, None | Some(Value::Null | Value::Object(_))) {
            let mut variables: Map<String, Value> =
                self.variables.iter().map(|(name, value)| (name.clone(), Value::from(value.clone()))).collect();
            if let Some(Value::Object(theirs)) = theirs {
                variables.extend(theirs);
            }
            filled.insert("variables".into(), Value::Object(variables));
        }
        if let Some(timeout_s) = self.timeout_s {
            if absent(filled.get("limits")) {
                filled.insert("limits".into(), Value::Object(Map::new()));
            }
            if let Some(Value::Object(limits)) = filled.get_mut("limits")
                && absent(limits.get("timeout_s"))
            {
                limits.insert("timeout_s".into(), Value::from(timeout_s));
            }
        }
        filled
    }
}

fn parse_description(value: Option<&Value>) -> Result<Option<String>, FieldError> {
    let field = "description";
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => {
            if text.chars().count() > TEMPLATE_DESCRIPTION_MAX_CHARS {
                return Err(FieldError::new(field, format!("at most {TEMPLATE_DESCRIPTION_MAX_CHARS} characters")));
            }
            let text = text.trim();
            Ok((!text.is_empty()).then(|| text.to_owned()))
        }
        Some(_) => Err(FieldError::new(field, "must be a string")),
    }
}

fn parse_timeout(value: Option<&Value>, policy: &LimitPolicy) -> Result<Option<u32>, FieldError> {
    // The bound is a u32, so the checked value fits one.
    let seconds = bounded(value, "timeout_s", TIMEOUT_MIN_S.into(), policy.max_timeout_s.into())?;
    Ok(seconds.and_then(|n| u32::try_from(n).ok()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::{Limits, NewRun};

    const POLICY: LimitPolicy = LimitPolicy {
        defaults: Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 256, timeout_s: 600 },
        max_timeout_s: 3600,
    };

    fn setup() -> TemplateSetup {
        TemplateSetup::from_json(
            &json!({"environment": 4, "paths": ["math"], "variables": {"A": "1", "B": "2"}, "timeout_s": 90}),
            &POLICY,
        )
        .expect("valid")
    }

    #[test]
    fn names_are_safe_in_urls() {
        for good in ["nightly", "api-smoke_2", "v1.2"] {
            assert!(parse_template_name(good).is_ok(), "{good}");
        }
        for bad in ["", "-x", ".hidden", "a b", "a/b", "ä", &"x".repeat(65)] {
            assert_eq!(parse_template_name(bad).map_err(|e| e.field), Err("name".to_owned()), "{bad}");
        }
    }

    #[test]
    fn a_setup_names_its_bad_field() {
        let field = |body: Value| TemplateSetup::from_json(&body, &POLICY).map(|_| ()).map_err(|e| e.field);
        assert_eq!(field(json!({"paths": ["math"]})), Err("environment".into()));
        assert_eq!(field(json!({"environment": 1, "paths": ["../x"]})), Err("paths[0]".into()));
        assert_eq!(field(json!({"environment": 1, "paths": ["m"], "timeout_s": 0})), Err("timeout_s".into()));
        assert_eq!(field(json!({"environment": 1, "paths": ["m"], "timeout_s": 3601})), Err("timeout_s".into()));
        assert_eq!(field(json!({"environment": 1, "paths": ["m"], "user": "x"})), Err("user".into()));
        assert_eq!(field(json!({"environment": 1, "paths": ["m"], "description": 3})), Err("description".into()));
    }

    #[test]
    fn the_request_wins_over_the_template() {
        let request = json!({"user": "ada", "environment": 9, "variables": {"B": "mine", "C": "3"}});
        let Value::Object(request) = request else { unreachable!() };
        let filled = Value::Object(setup().fill_in(&request));
        let run = NewRun::from_json(&filled, &POLICY).expect("valid");
        assert_eq!(run.environment.number(), 9);
        let Value::Object(nulls) = json!({"user": "ada", "environment": null, "limits": null}) else { unreachable!() };
        let from_nulls = NewRun::from_json(&Value::Object(setup().fill_in(&nulls)), &POLICY).expect("valid");
        assert_eq!((from_nulls.environment.number(), from_nulls.limits.timeout_s), (4, 90));
        assert_eq!(run.paths, ["math"]);
        assert_eq!(run.variables.get("A").map(String::as_str), Some("1"));
        assert_eq!(run.variables.get("B").map(String::as_str), Some("mine"));
        assert_eq!(run.variables.get("C").map(String::as_str), Some("3"));
        assert_eq!(run.limits.timeout_s, 90);
    }
}
