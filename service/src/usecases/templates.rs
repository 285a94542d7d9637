//! Saving a template.

use chrono::Utc;
use serde_json::Value;

use super::{AppState, Caller};
use crate::domain::{FieldError, TEMPLATES_MAX, Template, TemplateName, TemplateSetup, parse_template_name};
use crate::store::{Replace, StoreError};

/// Why a template was not saved. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum SaveTemplateFailure {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("the service keeps at most {TEMPLATES_MAX} templates; delete one first")]
    TooMany,
    #[error("template `{name}` is {}: only they and admins may change it", owner.as_deref().map_or("nobody's".to_owned(), |o| format!("{o}'s")))]
    Forbidden { name: TemplateName, owner: Option<String> },
    #[error("no template is named `{0}`")]
    NotFound(TemplateName),
    #[error("cannot save the template")]
    Failed(#[from] StoreError),
}

impl AppState {
    /// Saves the run setup `body` under `name`; says whether that created the template (or
    /// replaced one).
    /// Once users exist, a template is its owner's (who saved it first) and admins'.
    pub async fn save_template(
        &self,
        caller: &Caller,
        name: &str,
        body: &Value,
    ) -> Result<(Template, bool), SaveTemplateFailure> {
        let name = &parse_template_name(name)?;
        let setup = TemplateSetup::from_json(body, &self.system.limit_policy)?;
        self.check_paths_exist(&setup.paths).await?;
        if self.store.template(name).await?.is_none() && self.store.count_templates().await? >= TEMPLATES_MAX {
            return Err(SaveTemplateFailure::TooMany);
        }
        // Whose template may be replaced is checked in the write itself: someone else may save
        // the name meanwhile.
        let replace = match caller.user_name() {
            _ if caller.is_admin() => Replace::Any,
            Some(name) => Replace::OwnedBy(name),
            None => Replace::None,
        };
        let saved = self.store.put_template(name, &setup, caller.user_name(), replace, Utc::now()).await?;
        let Some((template, created)) = saved else {
            let owner = self.store.template(name).await?.and_then(|template| template.owner);
            return Err(SaveTemplateFailure::Forbidden { name: name.clone(), owner });
        };
        tracing::info!(template = %template.name, created, "template saved");
        Ok((template, created))
    }

    /// Deletes a template, if the caller may.
    pub async fn delete_template(&self, caller: &Caller, name: &str) -> Result<(), SaveTemplateFailure> {
        let name = &parse_template_name(name)?;
        let existing = self.store.template(name).await?.ok_or_else(|| SaveTemplateFailure::NotFound(name.clone()))?;
        check_owner(caller, &existing)?;
        if !self.store.delete_template(name).await? {
            return Err(SaveTemplateFailure::NotFound(name.clone()));
        }
        tracing::info!(template = %name, "template deleted");
        Ok(())
    }
}

fn check_owner(caller: &Caller, template: &Template) -> Result<(), SaveTemplateFailure> {
    let owns = template.owner.as_deref().is_some_and(|owner| caller.acts_for(owner));
    if owns || caller.is_admin() {
        Ok(())
    } else {
        Err(SaveTemplateFailure::Forbidden { name: template.name.clone(), owner: template.owner.clone() })
    }
}
