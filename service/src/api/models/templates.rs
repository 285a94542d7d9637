//! Templates as the API shows and takes them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use crate::domain;

/// A run setup to save as a template: a run's fields but the user.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct TemplateRequest {
    /// What the template is for, at most 500 characters.
    pub description: Option<String>,
    /// The test environment, 1 to 100; a run from the template may choose another.
    pub environment: u8,
    /// Test files, folders or node ids, as in a run.
    pub paths: Vec<String>,
    /// Environment variables for pytest, as in a run.
    pub variables: Option<BTreeMap<String, String>>,
    /// The run's timeout in seconds, up to the service's maximum; the default when absent.
    pub timeout_s: Option<u32>,
}

/// A saved run setup.
#[derive(Clone, Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct TemplateView {
    /// Letters, digits, `.`, `_` and `-`, at most 64; unique.
    pub name: String,
    #[oai(nullable)]
    pub description: Option<String>,
    pub environment: u8,
    pub paths: Vec<String>,
    pub variables: BTreeMap<String, String>,
    #[oai(nullable)]
    pub timeout_s: Option<u32>,
    /// The user who saved it first (absent without users): they and admins may change it.
    #[oai(nullable)]
    pub owner: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<domain::Template> for TemplateView {
    fn from(template: domain::Template) -> Self {
        TemplateView {
            name: template.name.into(),
            description: template.setup.description,
            environment: template.setup.environment.number(),
            paths: template.setup.paths.into_iter().map(String::from).collect(),
            variables: template.setup.variables,
            timeout_s: template.setup.timeout_s,
            owner: template.owner,
            created_at: template.created_at,
            updated_at: template.updated_at,
        }
    }
}

/// All templates, by name.
#[derive(Debug, Object)]
pub struct TemplateList {
    pub items: Vec<TemplateView>,
}
