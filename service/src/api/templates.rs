//! Saved run setups: list, read, save (create or replace) and delete templates.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::json_body::Unchecked;
use super::models::{TemplateList, TemplateRequest, TemplateView};
use super::problem::{Problem, ServerError};
use super::{ApiTags, AppState};
use crate::domain::parse_template_name;
use crate::usecases::{Caller, SaveTemplateFailure};

pub struct TemplatesApi;

#[derive(ApiResponse)]
enum TemplateResponse {
    #[oai(status = 200)]
    Ok(Json<TemplateView>),
    /// No template has this name.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
    /// The name is not a valid template name.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
}

#[derive(ApiResponse)]
enum SaveTemplateResponse {
    /// The template replaced the one saved under this name.
    #[oai(status = 200)]
    Replaced(Json<TemplateView>),
    /// The template was saved under a new name.
    #[oai(status = 201)]
    Created(Json<TemplateView>),
    /// The service holds as many templates as it keeps (code `too_many_templates`).
    #[oai(status = 409)]
    TooMany(Json<Problem>),
    /// A field or the name is wrong; `field` names it. Nothing was saved.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
    /// Not yours: only the template's owner and admins change it (code `forbidden`); or a
    /// foreign `Host` or `Origin` (codes `foreign_host`, `foreign_origin`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
}

#[derive(ApiResponse)]
enum DeleteTemplateResponse {
    /// The template is gone. Runs started from it keep its name.
    #[oai(status = 204)]
    Deleted,
    /// No template has this name.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
    /// The name is not a valid template name.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
    /// Not yours: only the template's owner and admins change it (code `forbidden`); or a
    /// foreign `Host` or `Origin` (codes `foreign_host`, `foreign_origin`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
}

#[OpenApi(tag = "ApiTags::Templates")]
impl TemplatesApi {
    /// List templates
    #[oai(path = "/templates", method = "get", operation_id = "list_templates")]
    async fn list(&self, state: Data<&Arc<AppState>>) -> Result<Json<TemplateList>, ServerError> {
        let templates = state.store.templates().await?;
        Ok(Json(TemplateList { items: templates.into_iter().map(TemplateView::from).collect() }))
    }

    /// Get a template
    #[oai(path = "/templates/:name", method = "get", operation_id = "get_template")]
    async fn get(&self, state: Data<&Arc<AppState>>, name: Path<String>) -> Result<TemplateResponse, ServerError> {
        let name = match parse_template_name(&name) {
            Ok(name) => name,
            Err(error) => return Ok(TemplateResponse::Invalid(Json(Problem::invalid_field(error)))),
        };
        Ok(match state.store.template(&name).await? {
            Some(template) => TemplateResponse::Ok(Json(template.into())),
            None => TemplateResponse::NotFound(Json(not_found(&name))),
        })
    }

    /// Save a template
    ///
    /// Saves a run setup under `name` (letters, digits, `.`, `_`, `-`; at most 64), creating
    /// the template (201) or replacing the one of that name (200). Its paths must exist in the
    /// test tree now. Start a run from it with `POST /runs` and `template`.
    #[oai(path = "/templates/:name", method = "put", operation_id = "save_template")]
    async fn save(
        &self,
        state: Data<&Arc<AppState>>,
        caller: Data<&Caller>,
        name: Path<String>,
        body: Json<Unchecked<TemplateRequest>>,
    ) -> Result<SaveTemplateResponse, ServerError> {
        Ok(match state.save_template(caller.0, &name, &body.0.json).await {
            Ok((template, true)) => SaveTemplateResponse::Created(Json(template.into())),
            Ok((template, false)) => SaveTemplateResponse::Replaced(Json(template.into())),
            Err(SaveTemplateFailure::Invalid(error)) => {
                SaveTemplateResponse::Invalid(Json(Problem::invalid_field(error)))
            }
            Err(failure @ SaveTemplateFailure::TooMany) => {
                SaveTemplateResponse::TooMany(Json(Problem::new("too_many_templates", failure.to_string())))
            }
            Err(failure @ SaveTemplateFailure::Forbidden { .. }) => {
                SaveTemplateResponse::Forbidden(Json(Problem::new("forbidden", failure.to_string())))
            }
            Err(failure @ SaveTemplateFailure::NotFound(_)) => {
                return Err(ServerError::log("cannot save the template", &failure));
            }
            Err(SaveTemplateFailure::Failed(error)) => {
                return Err(ServerError::log("cannot save the template", &error));
            }
        })
    }

    /// Delete a template
    ///
    /// Once users exist, only its owner (who saved it first) and admins may.
    #[oai(path = "/templates/:name", method = "delete", operation_id = "delete_template")]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        caller: Data<&Caller>,
        name: Path<String>,
    ) -> Result<DeleteTemplateResponse, ServerError> {
        Ok(match state.delete_template(caller.0, &name).await {
            Ok(()) => DeleteTemplateResponse::Deleted,
            Err(SaveTemplateFailure::Invalid(error)) => {
                DeleteTemplateResponse::Invalid(Json(Problem::invalid_field(error)))
            }
            Err(SaveTemplateFailure::NotFound(name)) => DeleteTemplateResponse::NotFound(Json(not_found(&name))),
            Err(failure @ SaveTemplateFailure::Forbidden { .. }) => {
                DeleteTemplateResponse::Forbidden(Json(Problem::new("forbidden", failure.to_string())))
            }
            Err(failure @ SaveTemplateFailure::TooMany) => {
                return Err(ServerError::log("cannot delete the template", &failure));
            }
            Err(SaveTemplateFailure::Failed(error)) => {
                return Err(ServerError::log("cannot delete the template", &error));
            }
        })
    }
}

fn not_found(name: &str) -> Problem {
    Problem::not_found(&format!("template `{name}`"))
}
