//! Signed-out tokens. Logging out records the token's id (`jti`) with the token's own expiry,
//! so a copied token stops working at once rather than living out its hours. A row is useless
//! after that expiry, so rows are pruned then: the table holds at most the tokens signed out
//! within one token lifetime. Checks are cached per token for a few seconds (a signed-out
//! token is refused by this instance at once, by others sharing the database within that).

use std::time::Duration;

use serde_json::json;

use crate::cache::TtlCache;
use crate::db::{Db, take_rows};

/// How long an answer for one token id is reused.
const CHECK_TTL: Duration = Duration::from_secs(5);
/// Token ids whose answer is cached at once.
const CACHED_IDS: usize = 50_000;

pub struct Revocations {
    checked: TtlCache<String, bool>,
}

impl Default for Revocations {
    fn default() -> Self {
        Self { checked: TtlCache::new(CHECK_TTL, CACHED_IDS) }
    }
}

impl Revocations {
    pub async fn is_revoked(&self, db: &Db, token_id: &str) -> anyhow::Result<bool> {
        self.checked
            .get_or_load(&token_id.to_string(), || async {
                let mut response = db
                    .query("SELECT VALUE expires_at FROM type::record('revoked_token', $id)")
                    .bind(json!({ "id": token_id }))
                    .await?
                    .check()?;
                Ok(!take_rows::<serde_json::Value>(&mut response, 0)?.is_empty())
            })
            .await
    }

    /// Refuses the token `token_id` from now until `expires_at` (unix seconds), and drops the
    /// rows of tokens that have expired anyway.
    pub async fn revoke(&self, db: &Db, token_id: &str, expires_at: u64) -> anyhow::Result<()> {
        let expires_at = i64::try_from(expires_at)
            .ok()
            .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
            .unwrap_or(time::OffsetDateTime::now_utc() + Duration::from_secs(366 * 24 * 3600))
            .format(&time::format_description::well_known::Rfc3339)?;
        db.query(
            "UPSERT type::record('revoked_token', $id) SET expires_at = <datetime>$expires_at RETURN NONE;
             DELETE revoked_token WHERE expires_at < time::now() RETURN NONE;",
        )
        .bind(json!({ "id": token_id, "expires_at": expires_at }))
        .await?
        .check()?;
        self.checked.invalidate();
        Ok(())
    }
}
