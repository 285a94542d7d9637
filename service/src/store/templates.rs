//! Queries on saved run templates.

use chrono::{DateTime, Utc};
use surrealdb::types::RecordId;

use super::guarded::{Guarded, guarded, take_last};
use super::rows::TemplateRow;
use super::{Store, StoreError};
use crate::domain::{Template, TemplateSetup};

/// Whose saved template a save may replace.
#[derive(Clone, Copy, Debug)]
pub enum Replace<'a> {
    /// Anyone's (an admin, or a service without users).
    Any,
    /// Only one whose owner is this user.
    OwnedBy(&'a str),
    /// None: only a new template may be saved.
    None,
}

fn template_record(name: &str) -> RecordId {
    RecordId::new("template", name.to_owned())
}

impl Store {
    /// Saves `setup` under `name`, replacing what was saved there (whose owner stays; a new
    /// template's is `owner`). Replacing is refused with `None` unless `may_replace` holds
    /// for the saved template's owner, checked in the same transaction as the write (so two
    /// first saves of one name cannot both succeed). The flag says whether the template is new.
    pub async fn put_template(
        &self,
        name: &str,
        setup: &TemplateSetup,
        owner: Option<&str>,
        replace: Replace<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<(Template, bool)>, StoreError> {
        let (anyones, owners) = match replace {
            Replace::Any => (true, None),
            Replace::OwnedBy(owner) => (false, Some(owner.to_owned())),
            Replace::None => (false, None),
        };
        let statement = || {
            self.query(
                "BEGIN TRANSACTION;
                 LET $saved = (SELECT owner FROM ONLY $template);
                 IF $saved != NONE AND !$anyones AND ($owners = NONE OR $saved.owner != $owners) {
                     THROW 'not_yours'
                 };
                 UPSERT $template SET owner = IF created_at = NONE { $owner } ELSE { owner },
                     description = $description, environment = $environment, paths = $paths,
                     variables = $variables, timeout_s = $timeout_s, updated_at = $now,
                     created_at = created_at ?? $now
                 RETURN AFTER;
                 COMMIT TRANSACTION;",
            )
            .bind("template", template_record(name))
            .bind("anyones", anyones)
            .bind("owners", owners.clone())
            .bind("description", setup.description.clone())
            .bind("environment", i64::from(setup.environment))
            .bind("paths", setup.paths.iter().map(ToString::to_string).collect::<Vec<_>>())
            .bind("variables", setup.variables.clone())
            .bind("timeout_s", setup.timeout_s.map(i64::from))
            .bind("owner", owner.map(str::to_owned))
            .bind("now", now)
        };
        let mut response = match guarded("save template", statement).await? {
            Guarded::Refused(_) => return Ok(None),
            Guarded::Done(response) => response,
        };
        let rows: Vec<TemplateRow> = take_last(&mut response).map_err(StoreError::query("save template"))?;
        let row =
            rows.into_iter().next().ok_or_else(|| StoreError::Corrupt("a saved template came back empty".into()))?;
        let template = Template::try_from(row)?;
        let created = template.created_at == template.updated_at;
        Ok(Some((template, created)))
    }

    pub async fn template(&self, name: &str) -> Result<Option<Template>, StoreError> {
        let mut response = self
            .query("SELECT * FROM $template")
            .bind("template", template_record(name))
            .await
            .map_err(StoreError::query("read template"))?;
        let rows: Vec<TemplateRow> = response.take(0).map_err(StoreError::query("read template"))?;
        rows.into_iter().next().map(Template::try_from).transpose()
    }

    /// Every template, by name.
    pub async fn templates(&self) -> Result<Vec<Template>, StoreError> {
        let mut response = self.query("SELECT * FROM template").await.map_err(StoreError::query("list templates"))?;
        let rows: Vec<TemplateRow> = response.take(0).map_err(StoreError::query("list templates"))?;
        let mut templates = rows.into_iter().map(Template::try_from).collect::<Result<Vec<_>, _>>()?;
        templates.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(templates)
    }

    pub async fn count_templates(&self) -> Result<usize, StoreError> {
        let mut response = self
            .query("RETURN (SELECT count() AS n FROM template GROUP ALL)[0].n ?? 0")
            .await
            .map_err(StoreError::query("count templates"))?;
        let count: Option<i64> = response.take(0).map_err(StoreError::query("count templates"))?;
        Ok(count.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX)))
    }

    /// Deletes the template; `false` when there was none by that name.
    pub async fn delete_template(&self, name: &str) -> Result<bool, StoreError> {
        let mut response = self
            .query("DELETE $template RETURN BEFORE")
            .bind("template", template_record(name))
            .await
            .map_err(StoreError::query("delete template"))?;
        let deleted: Vec<TemplateRow> = response.take(0).map_err(StoreError::query("delete template"))?;
        Ok(!deleted.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn setup(environment: u8) -> TemplateSetup {
        TemplateSetup {
            description: Some("nightly".into()),
            environment: environment.into(),
            paths: vec!["math".into(), "text/test_strings.py".into()],
            variables: BTreeMap::from([("A".to_owned(), "1".to_owned())]),
            timeout_s: Some(90),
        }
    }

    #[tokio::test]
    async fn templates_round_trip_and_keep_their_creation_time() {
        let store = Store::connect("mem://", None, Default::default()).await.expect("connect");
        let first = Utc::now();
        let (saved, created) = store
            .put_template("nightly", &setup(3), Some("ada"), Replace::Any, first)
            .await
            .expect("save")
            .expect("saved");
        assert!(created);
        assert_eq!(saved.setup, setup(3));
        let later = first + chrono::Duration::seconds(5);
        let (replaced, created) = store
            .put_template("nightly", &setup(4), Some("bob"), Replace::Any, later)
            .await
            .expect("replace")
            .expect("replaced");
        assert!(!created);
        assert_eq!(replaced.created_at, saved.created_at);
        assert_eq!(replaced.updated_at, later);
        assert_eq!(replaced.owner.as_deref(), Some("ada"), "a replaced template keeps its owner");
        assert_eq!(store.template("nightly").await.expect("read"), Some(replaced));
        store.put_template("a-first", &setup(1), None, Replace::Any, first).await.expect("save").expect("saved");
        // Replacing is checked in the write: not bob's, nobody's for a non-admin.
        let (five, six) = (setup(5), setup(6));
        let refused = store.put_template("nightly", &five, Some("bob"), Replace::OwnedBy("bob"), later);
        assert!(refused.await.expect("no error").is_none(), "bob may not replace ada's template");
        let refused = store.put_template("nightly", &five, None, Replace::None, later);
        assert!(refused.await.expect("no error").is_none());
        let ours = store.put_template("nightly", &five, Some("ada"), Replace::OwnedBy("ada"), later);
        assert!(ours.await.expect("no error").is_some(), "ada may replace her own");
        let new = store.put_template("fresh", &six, Some("bob"), Replace::None, later);
        assert_eq!(new.await.expect("no error").expect("saved").0.owner.as_deref(), Some("bob"));
        assert_eq!(store.count_templates().await.expect("count"), 3);
        let names: Vec<_> = store.templates().await.expect("list").into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["a-first", "fresh", "nightly"]);
        assert!(store.delete_template("nightly").await.expect("delete"));
        assert!(!store.delete_template("nightly").await.expect("delete again"));
        assert_eq!(store.template("nightly").await.expect("read"), None);
        store.delete_template("a-first").await.expect("delete");
        store.delete_template("fresh").await.expect("delete");
        assert_eq!(store.count_templates().await.expect("count"), 0);
    }
}
