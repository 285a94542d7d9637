//! Users and their tokens (admins only), and who the caller is.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::identity::Identify;
use super::json_body::Unchecked;
use super::models::{AddUserRequest, CallerView, IssuedToken, UserList, UserView};
use super::problem::{Problem, ServerError};
use super::{ApiTags, AppState};
use crate::usecases::{Caller, Issued, UserFailure};

pub struct UsersApi;

#[derive(ApiResponse)]
enum ListUsersResponse {
    #[oai(status = 200)]
    Ok(Json<UserList>),
    /// Only admins manage users (code `forbidden`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
}

#[derive(ApiResponse)]
enum AddUserResponse {
    /// The user and their token, shown this once.
    #[oai(status = 201)]
    Created(Json<IssuedToken>),
    /// Only admins manage users (code `forbidden`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
    /// A user has this name already (code `user_exists`).
    #[oai(status = 409)]
    Taken(Json<Problem>),
    /// A field is wrong; `field` names it.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
}

#[derive(ApiResponse)]
enum TokenResponse {
    /// The user and their new token, shown this once.
    #[oai(status = 200)]
    Issued(Json<IssuedToken>),
    /// Only admins manage users (code `forbidden`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
    /// No user has this name.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
    /// The name is not a valid user name.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
}

#[derive(ApiResponse)]
enum RevokeResponse {
    /// The token no longer works; the user has none until given a new one.
    #[oai(status = 200)]
    Revoked(Json<UserView>),
    /// Only admins manage users (code `forbidden`).
    #[oai(status = 403)]
    Forbidden(Json<Problem>),
    /// No user has this name.
    #[oai(status = 404)]
    NotFound(Json<Problem>),
    /// The name is not a valid user name.
    #[oai(status = 422)]
    Invalid(Json<Problem>),
}

/// The answer to a failed change, as each response type spells it.
fn problem_of(failure: UserFailure) -> Result<(u16, Problem), ServerError> {
    Ok(match failure {
        UserFailure::Forbidden => (403, Problem::new("forbidden", failure.to_string())),
        UserFailure::Invalid(error) => (422, Problem::invalid_field(error)),
        UserFailure::Taken(_) => (409, Problem::new("user_exists", failure.to_string())),
        UserFailure::NotFound(_) => (404, Problem::new("not_found", failure.to_string())),
        UserFailure::Randomness(_) => return Err(ServerError::log("cannot make a token", &failure)),
        UserFailure::Failed(error) => return Err(ServerError::log("cannot change users", &error)),
    })
}

#[OpenApi(tag = "ApiTags::Users")]
impl UsersApi {
    /// Who am I
    ///
    /// Who the request was made as: a user (by their token), the service's token, or anyone
    /// (while the service has no users).
    #[oai(path = "/me", method = "get", operation_id = "who_am_i")]
    async fn me(&self, caller: Data<&Caller>) -> Json<CallerView> {
        Json(CallerView::from(caller.0))
    }

    /// List users
    #[oai(path = "/users", method = "get", operation_id = "list_users")]
    async fn list(&self, state: Data<&Arc<AppState>>, caller: Data<&Caller>) -> Result<ListUsersResponse, ServerError> {
        Ok(match state.users(caller.0).await {
            Ok(users) => ListUsersResponse::Ok(Json(UserList { items: users.into_iter().map(Into::into).collect() })),
            Err(failure) => ListUsersResponse::Forbidden(Json(problem_of(failure)?.1)),
        })
    }

    /// Add a user
    ///
    /// Adds a user with a new token, shown in this answer only. Once a user exists, every
    /// request needs a user's token (or the service's). While the service has no users, anyone
    /// who reaches it may add the first admin.
    #[oai(path = "/users", method = "post", operation_id = "add_user")]
    async fn add(
        &self,
        state: Data<&Arc<AppState>>,
        identify: Data<&Arc<Identify>>,
        caller: Data<&Caller>,
        body: Json<Unchecked<AddUserRequest>>,
    ) -> Result<AddUserResponse, ServerError> {
        Ok(match state.add_user(caller.0, &body.0.json).await {
            Ok(Issued { user, token }) => {
                identify.user_added();
                AddUserResponse::Created(Json(IssuedToken { user: user.into(), token }))
            }
            Err(failure) => match problem_of(failure)? {
                (403, problem) => AddUserResponse::Forbidden(Json(problem)),
                (409, problem) => AddUserResponse::Taken(Json(problem)),
                (_, problem) => AddUserResponse::Invalid(Json(problem)),
            },
        })
    }

    /// Give a user a new token
    ///
    /// The old token stops working at once.
    #[oai(path = "/users/:name/token", method = "post", operation_id = "new_user_token")]
    async fn new_token(
        &self,
        state: Data<&Arc<AppState>>,
        caller: Data<&Caller>,
        name: Path<String>,
    ) -> Result<TokenResponse, ServerError> {
        Ok(match state.new_user_token(caller.0, &name).await {
            Ok(Issued { user, token }) => TokenResponse::Issued(Json(IssuedToken { user: user.into(), token })),
            Err(failure) => match problem_of(failure)? {
                (403, problem) => TokenResponse::Forbidden(Json(problem)),
                (404, problem) => TokenResponse::NotFound(Json(problem)),
                (_, problem) => TokenResponse::Invalid(Json(problem)),
            },
        })
    }

    /// Revoke a user's token
    ///
    /// The token stops working at once; the user keeps their runs and templates.
    #[oai(path = "/users/:name/token", method = "delete", operation_id = "revoke_user_token")]
    async fn revoke(
        &self,
        state: Data<&Arc<AppState>>,
        caller: Data<&Caller>,
        name: Path<String>,
    ) -> Result<RevokeResponse, ServerError> {
        Ok(match state.revoke_user_token(caller.0, &name).await {
            Ok(user) => RevokeResponse::Revoked(Json(user.into())),
            Err(failure) => match problem_of(failure)? {
                (403, problem) => RevokeResponse::Forbidden(Json(problem)),
                (404, problem) => RevokeResponse::NotFound(Json(problem)),
                (_, problem) => RevokeResponse::Invalid(Json(problem)),
            },
        })
    }
}
