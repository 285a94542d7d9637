//! Queries on users and their tokens' hashes.

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, RecordIdKey, SurrealValue};

use super::guarded::{Guarded, guarded, take_last};
use super::{Store, StoreError};
use crate::domain::User;

fn user_record(name: &str) -> RecordId {
    RecordId::new("user", name.to_owned())
}

#[derive(Debug, SurrealValue)]
struct UserRow {
    id: RecordId,
    admin: bool,
    created_at: DateTime<Utc>,
    token_issued_at: Option<DateTime<Utc>>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<User, StoreError> {
        let RecordIdKey::String(name) = row.id.key else {
            return Err(StoreError::Corrupt(format!("user id is not a name: {:?}", row.id)));
        };
        Ok(User { name, admin: row.admin, created_at: row.created_at, token_issued_at: row.token_issued_at })
    }
}

/// What adding a user came to.
#[derive(Debug)]
pub enum AddedUser {
    Added(User),
    /// A user has the name already.
    Taken,
    /// The first user was asked for, but there are users (added meanwhile, e.g. on another node).
    UsersExist,
}

const USER_FIELDS: &str = "id, admin, created_at, token_issued_at";

impl Store {
    /// Adds a user whose token has `token_hash`. With `first`, only while there is no user
    /// (the first admin, added by a caller who needed no token), checked in the same
    /// transaction.
    pub async fn add_user(
        &self,
        name: &str,
        admin: bool,
        token_hash: &str,
        first: bool,
        now: DateTime<Utc>,
    ) -> Result<AddedUser, StoreError> {
        let sql = format!(
            "BEGIN TRANSACTION;
             IF $first AND count(SELECT id FROM user LIMIT 1) > 0 {{ THROW 'users_exist' }};
             IF record::exists($user) {{ THROW 'taken' }};
             CREATE $user SET admin = $admin, token_hash = $hash, created_at = $now, token_issued_at = $now
                 RETURN {USER_FIELDS};
             COMMIT TRANSACTION;"
        );
        let statement = || {
            self.query(sql.clone())
                .bind("user", user_record(name))
                .bind("first", first)
                .bind("admin", admin)
                .bind("hash", token_hash.to_owned())
                .bind("now", now)
        };
        match guarded("add user", statement).await? {
            Guarded::Refused(reason) if reason.contains("users_exist") => Ok(AddedUser::UsersExist),
            Guarded::Refused(_) => Ok(AddedUser::Taken),
            Guarded::Done(mut response) => {
                let rows: Vec<UserRow> = take_last(&mut response).map_err(StoreError::query("add user"))?;
                let row = rows
                    .into_iter()
                    .next()
                    .ok_or_else(|| StoreError::Corrupt("an added user came back empty".into()))?;
                Ok(AddedUser::Added(User::try_from(row)?))
            }
        }
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut response = self
            .query(format!("SELECT {USER_FIELDS} FROM user ORDER BY id"))
            .await
            .map_err(StoreError::query("list users"))?;
        let rows: Vec<UserRow> = response.take(0).map_err(StoreError::query("list users"))?;
        rows.into_iter().map(User::try_from).collect()
    }

    /// Whether any user exists (then every request needs a user's token).
    pub async fn has_users(&self) -> Result<bool, StoreError> {
        let mut response = self
            .query("RETURN count(SELECT id FROM user LIMIT 1) > 0")
            .await
            .map_err(StoreError::query("count users"))?;
        let any: Option<bool> = response.take(0).map_err(StoreError::query("count users"))?;
        Ok(any.unwrap_or(false))
    }

    pub async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let mut response = self
            .query(format!("SELECT {USER_FIELDS} FROM $user"))
            .bind("user", user_record(name))
            .await
            .map_err(StoreError::query("read user"))?;
        let rows: Vec<UserRow> = response.take(0).map_err(StoreError::query("read user"))?;
        rows.into_iter().next().map(User::try_from).transpose()
    }

    /// The user whose current token has `token_hash`.
    pub async fn user_by_token_hash(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let mut response = self
            .query(format!("SELECT {USER_FIELDS} FROM user WHERE token_hash = $hash LIMIT 1"))
            .bind("hash", token_hash.to_owned())
            .await
            .map_err(StoreError::query("find a token's user"))?;
        let rows: Vec<UserRow> = response.take(0).map_err(StoreError::query("find a token's user"))?;
        rows.into_iter().next().map(User::try_from).transpose()
    }

    /// Replaces the user's token by one with `token_hash`, or with none (`None`: revoked).
    /// `None` when there is no such user.
    pub async fn set_token(
        &self,
        name: &str,
        token_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError> {
        let mut response = self
            .query(format!(
                "IF record::exists($user) {{
                     RETURN (UPDATE $user SET token_hash = $hash,
                         token_issued_at = IF $hash = NONE {{ NONE }} ELSE {{ $now }} RETURN {USER_FIELDS})
                 }} ELSE {{ RETURN [] }}"
            ))
            .bind("user", user_record(name))
            .bind("hash", token_hash.map(str::to_owned))
            .bind("now", now)
            .await
            .map_err(StoreError::query("set a user's token"))?;
        let rows: Vec<UserRow> = response.take(0).map_err(StoreError::query("set a user's token"))?;
        rows.into_iter().next().map(User::try_from).transpose()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::AddedUser;
    use crate::store::Store;

    #[tokio::test]
    async fn the_first_user_only_while_there_is_none_and_a_name_once() {
        let store = Store::connect("mem://", None, Default::default()).await.expect("connect");
        let added = store.add_user("root", true, "h1", true, Utc::now()).await.expect("add");
        assert!(matches!(added, AddedUser::Added(ref user) if user.admin));
        let second_first = store.add_user("eve", true, "h2", true, Utc::now()).await.expect("add");
        assert!(matches!(second_first, AddedUser::UsersExist), "{second_first:?}");
        let again = store.add_user("root", false, "h3", false, Utc::now()).await.expect("add");
        assert!(matches!(again, AddedUser::Taken), "{again:?}");
        assert_eq!(store.user_by_token_hash("h1").await.expect("find").map(|user| user.name).as_deref(), Some("root"));
        assert!(store.user_by_token_hash("h2").await.expect("find").is_none());
    }
}
