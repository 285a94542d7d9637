//! Users and tokens as the API shows and takes them.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};

use crate::domain::User;
use crate::usecases::Caller;

/// A user. Tokens are never shown again after they are made.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct UserView {
    pub name: String,
    /// Admins manage users and may act for others.
    pub admin: bool,
    pub created_at: DateTime<Utc>,
    /// When the current token was made; absent after it was revoked.
    #[oai(nullable)]
    pub token_issued_at: Option<DateTime<Utc>>,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        UserView {
            name: user.name,
            admin: user.admin,
            created_at: user.created_at,
            token_issued_at: user.token_issued_at,
        }
    }
}

/// All users, by name.
#[derive(Debug, Object)]
pub struct UserList {
    pub items: Vec<UserView>,
}

/// A user to add.
#[derive(Debug, Object)]
#[oai(rename_all = "snake_case")]
pub struct AddUserRequest {
    /// Letters, digits, `.`, `_` and `-`, at most 64; the `user` of the runs they start.
    pub name: String,
    /// Whether the user manages users and may act for others; `false` when absent.
    pub admin: Option<bool>,
}

/// A token just made: shown this once, only its hash is kept.
#[derive(Debug, Object)]
pub struct IssuedToken {
    pub user: UserView,
    /// Send it as `Authorization: Bearer TOKEN` (the CLI reads `TESTBAY_TOKEN`).
    pub token: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum CallerKind {
    /// The service has no users: whoever reaches it may do everything.
    Anyone,
    /// The service's own token, which acts as an admin.
    ServiceToken,
    /// A user, by their token.
    User,
}

/// Who the request was made as.
#[derive(Debug, Object)]
pub struct CallerView {
    pub kind: CallerKind,
    /// The user's name, for `user`.
    #[oai(nullable)]
    pub name: Option<String>,
    /// Whether the caller may manage users and act for others.
    pub admin: bool,
}

impl From<&Caller> for CallerView {
    fn from(caller: &Caller) -> Self {
        let kind = match caller {
            Caller::Anyone => CallerKind::Anyone,
            Caller::ServiceToken => CallerKind::ServiceToken,
            Caller::User { .. } => CallerKind::User,
        };
        CallerView { kind, name: caller.user_name().map(str::to_owned), admin: caller.is_admin() }
    }
}
