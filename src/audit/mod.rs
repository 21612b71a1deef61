//! The audit log: who did what to the installation. Sign-ins and failed attempts, role
//! changes, accounts disabled and enabled, candidate links created and revoked, people removed
//! from sessions, sessions ended, problems imported and removed, backups, API keys. Each entry
//! is written before the action's answer is sent and kept like any other record (backups
//! include it); `GET /api/admin/audit`, its JSON-lines export and `coderoom audit` read it.
//!
//! Writing an entry never fails the action it describes: a refused write is logged instead.
//! Entries older than `audit.retention_days` are removed once an hour.

pub mod cli;
pub mod routes;

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::User;
use crate::db::{Db, take_rows};

/// The `[audit]` section of coderoom.toml.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// Days an entry is kept; 0 keeps every entry.
    pub retention_days: u32,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self { retention_days: 365 }
    }
}

/// Removes the entries older than `days`; returns how many there were.
pub async fn prune(db: &Db, days: u32) -> anyhow::Result<u64> {
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let mut response = db
        .query(
            "LET $cutoff = time::now() - <duration>$age;
             SELECT count() AS n FROM audit WHERE at < $cutoff GROUP ALL;
             DELETE audit WHERE at < $cutoff RETURN NONE;",
        )
        .bind(json!({ "age": format!("{days}d") }))
        .await?
        .check()?;
    Ok(take_rows::<Count>(&mut response, 1)?.first().map_or(0, |count| count.n))
}

/// Prunes now and then once an hour while the server runs. With several instances each one
/// prunes; removing an entry twice is harmless.
pub fn keep_pruned(db: Db, days: u32) {
    if days == 0 {
        return;
    }
    tokio::spawn(async move {
        loop {
            match prune(&db, days).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, days, "audit entries past their retention removed"),
                Err(err) => tracing::warn!(error = %err, "cannot prune the audit log"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
}

/// Most entries one read returns (the export pages through all of them).
pub const MAX_PAGE: usize = 1000;

/// Who acted: a person, or the command line / a service token (no person).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Actor {
    /// The person's user id; `null` for the command line.
    pub id: Option<String>,
    /// The person's name, or `command line`.
    pub name: String,
    pub email: Option<String>,
}

impl Actor {
    pub fn person(user: &User) -> Self {
        Self { id: Some(user.id.clone()), name: user.name.clone(), email: Some(user.email.clone()) }
    }

    pub fn command_line() -> Self {
        Self { id: None, name: "command line".into(), email: None }
    }

    /// An administrator's request: a person, or the command line's service token.
    pub fn admin(caller: Option<&User>) -> Self {
        caller.map_or_else(Self::command_line, Self::person)
    }
}

/// One thing done, before it is stored.
#[derive(Debug, Clone)]
pub struct Event {
    action: &'static str,
    actor: Option<Actor>,
    target: Option<String>,
    detail: Value,
    address: Option<IpAddr>,
}

impl Event {
    pub fn new(action: &'static str) -> Self {
        Self { action, actor: None, target: None, detail: Value::Null, address: None }
    }

    pub fn by(mut self, actor: Actor) -> Self {
        self.actor = Some(actor);
        self
    }

    /// What was acted on: a user id, a session id, a problem slug, a key name.
    pub fn on(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }

    pub fn from(mut self, address: IpAddr) -> Self {
        self.address = Some(address);
        self
    }
}

/// A stored entry, as every reader shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Entry {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// What was done: `auth.signed_in`, `user.role_changed`, `apikey.created`…
    pub action: String,
    /// `null` when nobody is known to have acted (a failed sign-in).
    pub actor: Option<Actor>,
    /// What was acted on: a user id, a session id, a problem slug, a key name, an email.
    pub target: Option<String>,
    /// The action's particulars, which differ by action; `null` when it has none.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub detail: Value,
    /// The client's address, for the actions that record it (sign-ins and their failures).
    pub address: Option<String>,
}

/// Stores `event`; a failure is logged, never returned, so that the action still answers.
pub async fn record(db: &Db, event: Event) {
    let result = db
        .query(
            "CREATE audit CONTENT {
                at: time::now(), action: $action, actor: $actor, actor_id: $actor_id,
                target: $target, detail: $detail, address: $address
            }",
        )
        .bind(json!({
            "action": event.action,
            "actor_id": event.actor.as_ref().and_then(|actor| actor.id.clone()),
            "actor": event.actor,
            "target": event.target,
            "detail": event.detail,
            "address": event.address.map(|address| address.to_string()),
        }))
        .await
        .and_then(|response| response.check());
    if let Err(err) = result {
        crate::counters::database_error();
        tracing::error!(action = event.action, error = %err, "cannot write the audit entry");
    }
}

/// Which entries to read: all filters are optional.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Entries at or after this moment (RFC 3339, or a date such as `2026-11-01`).
    pub since: Option<String>,
    /// Entries before this moment (for paging: the `at` of the last entry seen).
    pub before: Option<String>,
    /// Done by, or done to, this user (id or email).
    pub user: Option<String>,
    /// Actions starting with this text (`auth.`, `user.role_changed`).
    pub action: Option<String>,
    /// Most entries in the page (200 when not given); the export ignores it.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

impl Filter {
    /// The filter with its times parsed and its limit bounded; a clear message otherwise.
    fn checked(&self) -> Result<(Option<String>, Option<String>, usize), String> {
        let moment = |name: &str, value: &Option<String>| -> Result<Option<String>, String> {
            value
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(|text| {
                    parse_moment(text).ok_or_else(|| {
                        format!("`{name}` must be a date (2026-11-01) or an RFC 3339 time, not `{text}`")
                    })
                })
                .transpose()
        };
        let limit = self.limit.unwrap_or(200);
        if limit == 0 || limit > MAX_PAGE {
            return Err(format!("`limit` must be 1 to {MAX_PAGE}"));
        }
        Ok((moment("since", &self.since)?, moment("before", &self.before)?, limit))
    }
}

/// A date or an RFC 3339 time, as RFC 3339.
fn parse_moment(text: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(moment) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return moment.format(&Rfc3339).ok();
    }
    let date = time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    date.midnight().assume_utc().format(&Rfc3339).ok()
}

/// Newest first.
pub async fn list(db: &Db, filter: &Filter) -> Result<Vec<Entry>, ListError> {
    let (since, before, limit) = filter.checked().map_err(ListError::Invalid)?;
    let mut conditions = Vec::new();
    if since.is_some() {
        conditions.push("at >= <datetime> $since");
    }
    if before.is_some() {
        conditions.push("at < <datetime> $before");
    }
    if filter.user.is_some() {
        conditions.push("(actor_id = $user OR actor.email = $user OR target = $user)");
    }
    if filter.action.is_some() {
        conditions.push("string::starts_with(action, $action)");
    }
    let clause = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    let mut response = db
        .query(format!(
            "SELECT <string> at AS at, action, actor, target, detail, address FROM audit {clause}
             ORDER BY at DESC LIMIT {limit}"
        ))
        .bind(json!({
            "since": since,
            "before": before,
            "user": filter.user.as_deref().map(str::trim),
            "action": filter.action.as_deref().map(str::trim),
        }))
        .await
        .map_err(|err| ListError::Database(err.into()))?
        .check()
        .map_err(|err| ListError::Database(err.into()))?;
    take_rows(&mut response, 0).map_err(ListError::Database)
}

#[derive(Debug)]
pub enum ListError {
    Invalid(String),
    Database(anyhow::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_past_their_retention_are_removed() {
        let folder = tempfile::tempdir().expect("tempdir");
        let db = crate::db::connect(&crate::db::DatabaseConfig::default(), folder.path()).await.expect("database");
        db.query(
            "CREATE audit CONTENT { at: time::now() - 400d, action: 'auth.signed_in' };
             CREATE audit CONTENT { at: time::now() - 10d, action: 'auth.signed_in' };",
        )
        .await
        .expect("insert")
        .check()
        .expect("inserted");
        assert_eq!(prune(&db, 365).await.expect("prune"), 1);
        assert_eq!(prune(&db, 365).await.expect("prune again"), 0);
        let left = list(&db, &Filter::default()).await.expect("list");
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn moments_are_dates_or_rfc3339_times() {
        assert_eq!(parse_moment("2026-11-01").as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(parse_moment("2026-11-01T10:30:00+01:00").as_deref(), Some("2026-11-01T10:30:00+01:00"));
        assert_eq!(parse_moment("yesterday"), None);
        let filter = Filter { limit: Some(MAX_PAGE + 1), ..Filter::default() };
        assert!(filter.checked().is_err());
        let filter = Filter { since: Some("soon".into()), ..Filter::default() };
        assert!(filter.checked().unwrap_err().contains("`since`"));
    }
}
