//! Managing users and their tokens: for admins only (and for anyone while the service has no
//! users, so that the first admin can be added on loopback or with the service's token).

use chrono::Utc;
use serde_json::Value;

use super::{AppState, Caller};
use crate::domain::{FieldError, User, check_user_name, new_token, token_hash};
use crate::store::{AddedUser, StoreError};

/// Why a change to users was not made.
#[derive(Debug, thiserror::Error)]
pub enum UserFailure {
    #[error("only admins manage users")]
    Forbidden,
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("a user is already named `{0}`")]
    Taken(String),
    #[error("no user is named `{0}`")]
    NotFound(String),
    #[error("cannot make a token: {0}")]
    Randomness(getrandom::Error),
    #[error("cannot change users")]
    Failed(#[from] StoreError),
}

/// A user with a token just made, shown this once.
#[derive(Debug)]
pub struct Issued {
    pub user: User,
    pub token: String,
}

impl AppState {
    pub async fn users(&self, caller: &Caller) -> Result<Vec<User>, UserFailure> {
        admin_only(caller)?;
        Ok(self.store.users().await?)
    }

    /// Adds the user a request body (`{"name": ..., "admin": ...}`) asks for, with a new token.
    pub async fn add_user(&self, caller: &Caller, body: &Value) -> Result<Issued, UserFailure> {
        admin_only(caller)?;
        let (name, admin) = parse_new_user(body)?;
        let token = new_token().map_err(UserFailure::Randomness)?;
        // A caller who needed no token may add only the first user, and only as long as no
        // user exists (another node may have added one since this one last looked).
        let first = matches!(caller, Caller::Anyone);
        let user = match self.store.add_user(&name, admin, &token_hash(&token), first, Utc::now()).await? {
            AddedUser::Added(user) => user,
            AddedUser::Taken => return Err(UserFailure::Taken(name)),
            AddedUser::UsersExist => return Err(UserFailure::Forbidden),
        };
        tracing::info!(user = %user.name, admin = user.admin, "user added");
        Ok(Issued { user, token })
    }

    /// Gives the user a new token; the old one stops working.
    pub async fn new_user_token(&self, caller: &Caller, name: &str) -> Result<Issued, UserFailure> {
        admin_only(caller)?;
        check_user_name(name)?;
        let token = new_token().map_err(UserFailure::Randomness)?;
        let user = self.store.set_token(name, Some(&token_hash(&token)), Utc::now()).await?;
        let user = user.ok_or_else(|| UserFailure::NotFound(name.to_owned()))?;
        tracing::info!(user = %user.name, "user token replaced");
        Ok(Issued { user, token })
    }

    /// Revokes the user's token: it stops working at once, and the user has none until given
    /// a new one.
    pub async fn revoke_user_token(&self, caller: &Caller, name: &str) -> Result<User, UserFailure> {
        admin_only(caller)?;
        check_user_name(name)?;
        let user = self.store.set_token(name, None, Utc::now()).await?;
        let user = user.ok_or_else(|| UserFailure::NotFound(name.to_owned()))?;
        tracing::info!(user = %user.name, "user token revoked");
        Ok(user)
    }
}

fn admin_only(caller: &Caller) -> Result<(), UserFailure> {
    if caller.is_admin() { Ok(()) } else { Err(UserFailure::Forbidden) }
}

fn parse_new_user(body: &Value) -> Result<(String, bool), FieldError> {
    let Value::Object(fields) = body else {
        return Err(FieldError::new("body", "expected a JSON object"));
    };
    if let Some(unknown) = fields.keys().find(|key| !["name", "admin"].contains(&key.as_str())) {
        return Err(FieldError::new(unknown.clone(), "unknown field"));
    }
    let Some(Value::String(name)) = fields.get("name") else {
        return Err(FieldError::new("name", "required: the user's name"));
    };
    check_user_name(name)?;
    let admin = match fields.get("admin") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(admin)) => *admin,
        Some(_) => return Err(FieldError::new("admin", "must be true or false")),
    };
    Ok((name.clone(), admin))
}
