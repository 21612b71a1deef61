//! Accounts whose sign-in lives in an outside identity provider (Clerk, an OpenID Connect
//! provider): a local user per outside identity, created on first sight and refreshed from
//! the profile the provider tells. These users have no password.

use anyhow::Context;
use serde_json::json;
use surrealdb::types::AlreadyExistsError;

use super::store::{self, USER_FIELDS, UserRecord};
use super::{Role, normalize_name};
use crate::db::{Db, take_rows};

/// What a provider tells about a person; every field optional because each source has a subset.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub name: Option<String>,
    pub email: Option<String>,
    pub image: Option<String>,
}

/// One outside identity and the local user it maps to.
pub struct Identity {
    /// The local user id (`clerk_…`, `oidc_…`).
    pub id: String,
    /// Fields that say where the identity comes from, stored on the user (`clerk_id`, or
    /// `oidc_issuer` and `oidc_subject`).
    pub link: serde_json::Value,
    /// The address used when the profile has none, or when another account has it already:
    /// e-mail addresses are unique, and an outside identity never takes over a local account.
    pub placeholder_email: String,
    /// The role of a user created now.
    pub role: Role,
}

/// Creates the user for `identity` or, when it exists, applies the profile fields that are known.
pub async fn create_or_update(db: &Db, identity: &Identity, profile: &Profile) -> anyhow::Result<UserRecord> {
    if let Some(updated) = update_profile(db, &identity.id, profile).await? {
        return Ok(updated);
    }
    let name = profile
        .name
        .as_deref()
        .and_then(|name| normalize_name(name).ok())
        .or_else(|| profile.email.as_deref().and_then(|email| email.split('@').next()).map(str::to_string))
        .unwrap_or_else(|| "New user".to_string());
    let placeholder = &identity.placeholder_email;
    for email in [profile.email.as_ref().unwrap_or(placeholder), placeholder] {
        let result = db
            .query(format!(
                "CREATE type::record('user', $id) CONTENT {{
                    name: $name, email: $email, image: $image, role: $role, password_hash: NONE,
                    disabled: false, token_version: 0, created_at: time::now()
                }} RETURN NONE;
                 UPDATE type::record('user', $id) MERGE $link RETURN {USER_FIELDS}"
            ))
            .bind(json!({
                "id": identity.id, "name": name, "email": email, "image": profile.image,
                "role": identity.role, "link": identity.link,
            }))
            .await?;
        match result.check() {
            Ok(mut response) => {
                if let Some(created) = take_rows::<UserRecord>(&mut response, 1)?.pop() {
                    return Ok(created);
                }
            }
            Err(err) if err.to_string().contains("user_email") => continue,
            Err(err) if matches!(err.already_exists_details(), Some(AlreadyExistsError::Record { .. })) => {
                // A concurrent request created it first.
                return store::find_by_id(db, &identity.id).await?.context("user vanished after a concurrent create");
            }
            Err(err) => return Err(err.into()),
        }
    }
    anyhow::bail!("cannot create a user for {}", identity.id)
}

/// Applies the known profile fields; `None` when there is no such user.
pub async fn update_profile(db: &Db, id: &str, profile: &Profile) -> anyhow::Result<Option<UserRecord>> {
    let mut changes = serde_json::Map::new();
    if let Some(name) = profile.name.as_deref().and_then(|name| normalize_name(name).ok()) {
        changes.insert("name".into(), json!(name));
    }
    if let Some(image) = &profile.image {
        changes.insert("image".into(), json!(image));
    }
    let with_email = profile.email.as_ref().map(|email| {
        let mut all = changes.clone();
        all.insert("email".into(), json!(email));
        all
    });
    for changes in with_email.into_iter().chain([changes]) {
        let result = db
            .query(format!("UPDATE type::record('user', $id) MERGE $changes RETURN {USER_FIELDS}"))
            .bind(json!({ "id": id, "changes": changes }))
            .await?;
        match result.check() {
            Ok(mut response) => return Ok(take_rows::<UserRecord>(&mut response, 0)?.pop()),
            // The new address belongs to another account: keep the other fields.
            Err(err) if err.to_string().contains("user_email") => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(None)
}
