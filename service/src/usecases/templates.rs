//! Saving a template.

use chrono::Utc;
use serde_json::Value;

use super::AppState;
use crate::domain::{FieldError, TEMPLATES_MAX, Template, TemplateSetup, check_template_name};
use crate::store::StoreError;

/// Why a template was not saved. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum SaveTemplateFailure {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("the service keeps at most {TEMPLATES_MAX} templates; delete one first")]
    TooMany,
    #[error("cannot save the template")]
    Failed(#[from] StoreError),
}

impl AppState {
    /// Saves the run setup `body` under `name`; says whether that created the template (or
    /// replaced one).
    pub async fn save_template(&self, name: &str, body: &Value) -> Result<(Template, bool), SaveTemplateFailure> {
        check_template_name(name)?;
        let setup = TemplateSetup::from_json(body, &self.system.limit_policy)?;
        self.check_paths_exist(&setup.paths).await?;
        if self.store.template(name).await?.is_none() && self.store.count_templates().await? >= TEMPLATES_MAX {
            return Err(SaveTemplateFailure::TooMany);
        }
        let (template, created) = self.store.put_template(name, &setup, Utc::now()).await?;
        tracing::info!(template = %template.name, created, "template saved");
        Ok((template, created))
    }
}
