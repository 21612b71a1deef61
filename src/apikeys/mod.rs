//! Access to the Piston-compatible API (`/api/v2/…`): who may call it (`[sandbox] api_access`),
//! the API keys that programs use instead of a sign-in, and how often one caller may run code.
//!
//! A key is `crk_` followed by 32 random bytes in base64url. It is shown once, when created,
//! and stored only as its SHA-256, which is also the record's id: a lookup is one point read.
//! A fast hash is the right one here: a 256-bit random secret cannot be guessed, so there is
//! nothing for a slow password hash to slow down.

pub mod cli;
mod limiter;
pub mod routes;
pub mod store;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cache::TtlCache;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::sandbox::SandboxConfig;
pub use limiter::RateLimiter;

/// `[sandbox] api_access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiAccess {
    /// Signed-in people (cookie or Bearer token) and holders of an API key.
    Users,
    /// Anyone who can reach the server.
    Open,
    /// The routes answer 404: only the judge runs code.
    Off,
}

/// What every key starts with, so that it is recognisable in a header (and in a leak).
pub const KEY_PREFIX: &str = "crk_";
const KEY_BYTES: usize = 32;
/// Length of the base64url text (no padding) of `KEY_BYTES`.
const KEY_TEXT_LEN: usize = 43;
const NAME_MAX: usize = 64;
/// How stale a cached key may be when another instance sharing the database revoked it.
const CACHE_TTL: Duration = Duration::from_secs(5);
const CACHE_CAPACITY: usize = 10_000;
/// `last_used_at` is written at most this often per key: a write per execution would cost an
/// fsync each.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

fn generate() -> String {
    let mut bytes = [0u8; KEY_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    format!("{KEY_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Whether `text` has the shape of a key; anything else is refused without a lookup.
pub fn looks_like_key(text: &str) -> bool {
    text.strip_prefix(KEY_PREFIX).is_some_and(|rest| {
        rest.len() == KEY_TEXT_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Names are short and plain, so they are safe in a URL path, a log line and a terminal.
pub fn normalize_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    let plain = name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if name.is_empty() || name.len() > NAME_MAX || !plain {
        return Err(AppError::bad_request(format!(
            "An API key name is 1 to {NAME_MAX} letters, digits, dots, dashes or underscores"
        )));
    }
    Ok(name.to_string())
}

/// A key just created: the only moment its text exists outside the client.
pub struct NewKey {
    pub info: store::KeyInfo,
    pub key: String,
}

/// Creates a key named `name` (unique), stores its hash and returns it with its text.
pub async fn create(db: &Db, name: &str) -> AppResult<NewKey> {
    let name = normalize_name(name)?;
    let key = generate();
    match store::create(db, &name, &hash(&key)).await? {
        store::CreateOutcome::Created(info) => Ok(NewKey { info, key }),
        store::CreateOutcome::NameTaken => Err(AppError::Conflict(format!("An API key named {name} already exists"))),
        store::CreateOutcome::TooMany => {
            Err(AppError::Conflict(format!("There are already {} API keys: revoke unused ones first", store::MAX_KEYS)))
        }
    }
}

/// The server's side of API keys: verification with a short cache, and the per-caller rate.
pub struct ApiKeys {
    cache: TtlCache<String, Option<store::KeyInfo>>,
    touched: Mutex<HashMap<String, Instant>>,
    pub limiter: RateLimiter,
}

impl ApiKeys {
    pub fn new(config: &SandboxConfig) -> Self {
        Self {
            cache: TtlCache::new(CACHE_TTL, CACHE_CAPACITY),
            touched: Mutex::new(HashMap::new()),
            limiter: RateLimiter::new(config.api_requests_per_minute, config.api_burst),
        }
    }

    /// The name of the live key `key`, or None (malformed, unknown or revoked).
    pub async fn verify(&self, db: &Db, key: &str) -> anyhow::Result<Option<String>> {
        if !looks_like_key(key) {
            return Ok(None);
        }
        let hash = hash(key);
        let found = self.cache.get_or_load(&hash, || store::find(db, &hash)).await?;
        if found.is_some() {
            self.note_use(db, hash);
        }
        Ok(found.map(|info| info.name))
    }

    /// After a key was created or revoked here: no cached answer outlives it.
    pub fn changed(&self) {
        self.cache.invalidate();
        self.touched.lock().unwrap_or_else(|poison| poison.into_inner()).clear();
    }

    fn note_use(&self, db: &Db, hash: String) {
        let now = Instant::now();
        {
            let mut touched = self.touched.lock().unwrap_or_else(|poison| poison.into_inner());
            if touched.get(&hash).is_some_and(|at| now.duration_since(*at) < TOUCH_EVERY) {
                return;
            }
            if touched.len() >= store::MAX_KEYS {
                touched.retain(|_, at| now.duration_since(*at) < TOUCH_EVERY);
            }
            touched.insert(hash.clone(), now);
        }
        let db = db.clone();
        tokio::spawn(async move {
            if let Err(err) = store::touch(&db, &hash).await {
                tracing::warn!(error = %err, "cannot record an API key's last use");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_recognisable_and_hashed() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(looks_like_key(&a) && looks_like_key(&b), "{a}");
        assert!(!looks_like_key("crk_short") && !looks_like_key(&a.replace(KEY_PREFIX, "xyz_")));
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn names_are_plain() {
        assert_eq!(normalize_name(" ci-bot.1 ").ok().as_deref(), Some("ci-bot.1"));
        for bad in ["", "a b", "../x", "é", &"x".repeat(65)] {
            assert!(normalize_name(bad).is_err(), "{bad}");
        }
    }
}
