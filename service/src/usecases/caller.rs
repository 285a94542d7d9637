//! Who makes a request, as the API's guard established it, and what that caller may do.

/// The maker of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// The service has no users: anyone who may reach it (on loopback, or with the service's
    /// `--token`) may do everything.
    Anyone,
    /// The service's own `--token`, which acts as an admin also when users exist (a CI system).
    ServiceToken,
    /// A user, by their token.
    User { name: String, admin: bool },
}

impl Caller {
    /// Whether the caller may manage users and act for others.
    pub fn is_admin(&self) -> bool {
        match self {
            Caller::Anyone | Caller::ServiceToken => true,
            Caller::User { admin, .. } => *admin,
        }
    }

    /// Whether the caller may act for `user`: as that user, or as an admin.
    pub fn acts_for(&self, user: &str) -> bool {
        self.is_admin() || self.user_name() == Some(user)
    }

    /// The signed-in user's name.
    pub fn user_name(&self) -> Option<&str> {
        match self {
            Caller::User { name, .. } => Some(name),
            Caller::Anyone | Caller::ServiceToken => None,
        }
    }
}
