//! API key records: `api_key:<sha256 of the key>` with a unique name. The key itself is never
//! stored.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::{Db, retrying_conflicts, take_rows};

/// Keys one installation may hold; listing them is one bounded read.
pub const MAX_KEYS: usize = 1000;

/// What may be shown about a key: never the key, nor its hash.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    pub name: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it was last used (recorded at most once a minute); `null` when never.
    pub last_used_at: Option<String>,
}

const FIELDS: &str = "name, created_at AS createdAt, last_used_at AS lastUsedAt";

pub enum CreateOutcome {
    Created(KeyInfo),
    NameTaken,
    TooMany,
}

pub async fn create(db: &Db, name: &str, hash: &str) -> anyhow::Result<CreateOutcome> {
    #[derive(Deserialize)]
    struct Count {
        n: usize,
    }
    let mut response = db.query("SELECT count() AS n FROM api_key GROUP ALL").await?.check()?;
    if take_rows::<Count>(&mut response, 0)?.first().is_some_and(|count| count.n >= MAX_KEYS) {
        return Ok(CreateOutcome::TooMany);
    }
    let result = db
        .query(format!(
            "CREATE type::record('api_key', $hash) CONTENT {{ name: $name, created_at: time::now(), last_used_at: NONE }}
             RETURN {FIELDS}"
        ))
        .bind(json!({ "hash": hash, "name": name }))
        .await?;
    let mut response = match result.check() {
        Ok(response) => response,
        Err(err) if err.to_string().contains("api_key_name") => return Ok(CreateOutcome::NameTaken),
        Err(err) => return Err(err.into()),
    };
    let created =
        take_rows::<KeyInfo>(&mut response, 0)?.pop().ok_or_else(|| anyhow::anyhow!("API key was not created"))?;
    Ok(CreateOutcome::Created(created))
}

/// Oldest first.
pub async fn list(db: &Db) -> anyhow::Result<Vec<KeyInfo>> {
    let mut response =
        db.query(format!("SELECT {FIELDS} FROM api_key ORDER BY createdAt LIMIT {MAX_KEYS}")).await?.check()?;
    take_rows(&mut response, 0)
}

pub async fn find(db: &Db, hash: &str) -> anyhow::Result<Option<KeyInfo>> {
    let mut response = db
        .query(format!("SELECT {FIELDS} FROM ONLY type::record('api_key', $hash)"))
        .bind(json!({ "hash": hash }))
        .await?
        .check()?;
    Ok(take_rows::<KeyInfo>(&mut response, 0)?.pop())
}

/// Whether a key of that name existed. A use of the key records itself (`touch`) at the same
/// time as it may be revoked: the revocation runs again when that write wins the race.
pub async fn revoke(db: &Db, name: &str) -> anyhow::Result<bool> {
    let delete = || async {
        db.query("DELETE api_key WHERE name = $name RETURN BEFORE").bind(json!({ "name": name })).await?.check()
    };
    let mut response = retrying_conflicts(delete).await?;
    Ok(!take_rows::<serde_json::Value>(&mut response, 0)?.is_empty())
}

/// Records a use. `UPDATE` changes only an existing record, so a key revoked meanwhile stays gone.
pub async fn touch(db: &Db, hash: &str) -> anyhow::Result<()> {
    db.query("UPDATE type::record('api_key', $hash) SET last_used_at = time::now()")
        .bind(json!({ "hash": hash }))
        .await?
        .check()?;
    Ok(())
}
