//! People who use the service, and their tokens. A token is 256 random bits, shown once when it
//! is made; only its SHA-256 is kept, so a copy of the database lets no one in.

use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::FieldError;
use super::name::check_name;

pub const USER_NAME_MAX_CHARS: usize = 64;
/// Letters, digits, `.`, `_`, `-` and `@`, starting with a letter or digit: a name that is safe
/// in URLs and on the command line (an e-mail address, as single sign-on proxies name people,
/// too), and that runs record as their `user`.
pub const USER_NAME_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._@-]*$";

/// A user of the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    /// Admins manage users and may act for others (start runs for a CI system, cancel any run).
    pub admin: bool,
    pub created_at: DateTime<Utc>,
    /// When the user's current token was made; `None` after it was revoked.
    pub token_issued_at: Option<DateTime<Utc>>,
}

/// Checks a user's name (see `USER_NAME_PATTERN`).
pub fn check_user_name(name: &str) -> Result<(), FieldError> {
    check_name(name, "user", &['.', '_', '-', '@'], USER_NAME_MAX_CHARS)
}

/// A new token: `tb_` and 256 random bits in URL-safe base64.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bits = [0u8; 32];
    getrandom::fill(&mut bits)?;
    Ok(format!("tb_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bits)))
}

/// What is stored of a token: its SHA-256, in hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_as_their_hash() {
        let (first, second) = (new_token().expect("token"), new_token().expect("token"));
        assert_ne!(first, second);
        assert!(first.starts_with("tb_") && first.len() == 3 + 43, "{first}");
        let hash = token_hash(&first);
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, token_hash(&first));
        assert!(!hash.contains(&first[3..]));
    }

    #[test]
    fn user_names_are_safe_in_urls() {
        assert!(check_user_name("ada.lovelace-2").is_ok());
        assert!(check_user_name("ada@example.org").is_ok());
        for bad in ["", "-ada", "ada lovelace", "ada/x", &"a".repeat(65)] {
            assert_eq!(check_user_name(bad).map_err(|e| e.field), Err("name".to_owned()), "{bad:?}");
        }
    }
}
