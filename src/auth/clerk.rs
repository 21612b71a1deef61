//! Clerk sign-in (`auth.provider = "clerk"`): verifies Clerk session tokens (RS256 JWTs from
//! the `__session` cookie or a Bearer header) against the instance's keys, keeps a local
//! user per Clerk user (created on the first authenticated request, so nothing waits for a
//! webhook), and takes Clerk's Svix-signed user webhooks. Roles stay coderoom's.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use serde_json::json;
use surrealdb::types::AlreadyExistsError;

use super::external::{self, Identity, Profile};
use super::store::UserRecord;
use super::{Role, store, svix};
use crate::app::AppState;
use crate::config::Config;
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// The cookie Clerk's browser SDK keeps the current session token in.
pub const SESSION_COOKIE: &str = "__session";
/// Clock skew tolerated on `exp` and `nbf`: Clerk's tokens live about a minute.
const LEEWAY_SECS: u64 = 5;
/// Keys are re-read at least this often even when every `kid` is known.
const JWKS_MAX_AGE: Duration = Duration::from_secs(3600);
const HTTP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a token was refused; logged at debug level, never shown to the caller in detail.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    #[error("not a JWT: {0}")]
    Malformed(String),
    #[error("algorithm {0:?} is not RS256")]
    Algorithm(Algorithm),
    #[error("no signing key with kid {0:?}")]
    UnknownKey(Option<String>),
    #[error("invalid token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("azp {0} is not an authorized party")]
    Party(String),
    #[error("subject is not a Clerk user id")]
    Subject,
}

/// The claims coderoom reads. Profile fields are only present when the administrator
/// customised Clerk's session token to carry them.
#[derive(Debug, Clone, Deserialize)]
pub struct SessionClaims {
    pub sub: String,
    pub azp: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, alias = "picture")]
    pub image_url: Option<String>,
}

pub struct ClerkVerifier {
    validation: Validation,
    authorized_parties: Vec<String>,
    source: KeySource,
    http: reqwest::Client,
    /// Backend API, for the profile of a user seen for the first time.
    backend: Option<(String, String)>,
}

enum KeySource {
    /// A configured PEM key: no network at all.
    Pem(DecodingKey),
    Jwks(JwksCache),
}

struct JwksCache {
    url: String,
    /// Sent as a Bearer token when the JWKS comes from the Backend API.
    bearer: Option<String>,
    min_refresh: Duration,
    keys: RwLock<Keys>,
    /// One download at a time; the others wait and then read what it found.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
}

impl ClerkVerifier {
    /// `None` unless `auth.provider = "clerk"`.
    pub fn from_config(config: &Config, public_url: &str) -> anyhow::Result<Option<Self>> {
        if config.auth.provider != crate::config::SignInProvider::Clerk {
            return Ok(None);
        }
        let clerk = &config.clerk;
        let issuer = clerk.expected_issuer().context("clerk.publishable_key or clerk.issuer is required")?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let mut authorized_parties: Vec<String> =
            clerk.authorized_parties.iter().map(|origin| origin.trim_end_matches('/').to_string()).collect();
        if authorized_parties.is_empty() {
            authorized_parties.push(public_url.trim_end_matches('/').to_string());
        }
        let api_url = clerk.api_url.trim_end_matches('/').to_string();
        let source = if let Some(pem) = &clerk.pem_public_key {
            KeySource::Pem(DecodingKey::from_rsa_pem(pem.as_bytes()).context("clerk.pem_public_key")?)
        } else {
            let (url, bearer) = match (&clerk.jwks_url, &clerk.secret_key, clerk.frontend_api_host()) {
                (Some(url), _, _) => (url.clone(), None),
                (None, Some(secret), _) => (format!("{api_url}/v1/jwks"), Some(secret.to_string())),
                (None, None, Some(host)) => (format!("https://{host}/.well-known/jwks.json"), None),
                (None, None, None) => anyhow::bail!("clerk: no source for signing keys"),
            };
            KeySource::Jwks(JwksCache {
                url,
                bearer,
                min_refresh: Duration::from_secs(clerk.jwks_min_refresh_secs),
                keys: RwLock::new(Keys::default()),
                fetching: tokio::sync::Mutex::new(()),
            })
        };
        let http = reqwest::Client::builder().timeout(HTTP_TIMEOUT).build()?;
        let backend = clerk.secret_key.as_ref().map(|secret| (api_url, secret.to_string()));
        Ok(Some(Self { validation, authorized_parties, source, http, backend }))
    }

    /// The claims of a valid session token from this Clerk instance.
    pub async fn verify(&self, token: &str) -> Result<SessionClaims, Rejected> {
        let header = jsonwebtoken::decode_header(token).map_err(|err| Rejected::Malformed(err.to_string()))?;
        // Decided before looking at any key: `none` does not even parse as an algorithm, and
        // HS* would let a public key act as a shared secret.
        if header.alg != Algorithm::RS256 {
            return Err(Rejected::Algorithm(header.alg));
        }
        let key = match &self.source {
            KeySource::Pem(key) => key.clone(),
            KeySource::Jwks(cache) => cache.key(&self.http, header.kid.as_deref()).await?,
        };
        let claims = jsonwebtoken::decode::<SessionClaims>(token, &key, &self.validation)?.claims;
        if let Some(azp) = &claims.azp
            && !self.authorized_parties.iter().any(|party| party == azp.trim_end_matches('/'))
        {
            return Err(Rejected::Party(azp.clone()));
        }
        if !is_clerk_id(&claims.sub) {
            return Err(Rejected::Subject);
        }
        Ok(claims)
    }

    /// Downloads the signing keys once (for `config check --online`).
    pub async fn check_keys(&self) -> anyhow::Result<()> {
        match &self.source {
            KeySource::Pem(_) => Ok(()),
            KeySource::Jwks(cache) => cache.download(&self.http).await.map(|_| ()),
        }
    }

    /// Name, e-mail and picture from the Backend API, when a secret key is configured.
    async fn fetch_profile(&self, clerk_id: &str) -> Option<Profile> {
        let (api_url, secret) = self.backend.as_ref()?;
        let response = self.http.get(format!("{api_url}/v1/users/{clerk_id}")).bearer_auth(secret).send().await;
        match response {
            Ok(response) if response.status().is_success() => {
                response.json::<ClerkUser>().await.ok().map(|user| user.profile())
            }
            Ok(response) => {
                tracing::warn!(status = %response.status(), "Clerk Backend API refused a profile request");
                None
            }
            Err(err) => {
                tracing::warn!(error = %err.without_url(), "Clerk Backend API unreachable");
                None
            }
        }
    }
}

impl JwksCache {
    async fn key(&self, http: &reqwest::Client, kid: Option<&str>) -> Result<DecodingKey, Rejected> {
        let kid = kid.ok_or(Rejected::UnknownKey(None))?;
        if let Some(key) = self.cached(kid, true) {
            return Ok(key);
        }
        let _one_download = self.fetching.lock().await;
        // Someone else may have downloaded the keys while this caller waited.
        if let Some(key) = self.cached(kid, true) {
            return Ok(key);
        }
        let recently = self.read().fetched_at.is_some_and(|at| at.elapsed() < self.min_refresh);
        if !recently {
            match self.download(http).await {
                Ok(by_kid) => {
                    *self.keys.write().unwrap_or_else(|poison| poison.into_inner()) =
                        Keys { by_kid, fetched_at: Some(Instant::now()) };
                }
                Err(err) => {
                    // Counts as an attempt, so an unreachable JWKS is not hammered.
                    self.keys.write().unwrap_or_else(|poison| poison.into_inner()).fetched_at = Some(Instant::now());
                    tracing::warn!(error = %format!("{err:#}"), "cannot download Clerk's signing keys");
                }
            }
        }
        // A key past its age is still better than refusing everyone while the JWKS is down.
        self.cached(kid, false).ok_or_else(|| Rejected::UnknownKey(Some(kid.to_string())))
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Keys> {
        self.keys.read().unwrap_or_else(|poison| poison.into_inner())
    }

    fn cached(&self, kid: &str, fresh_only: bool) -> Option<DecodingKey> {
        let keys = self.read();
        let fresh = keys.fetched_at.is_some_and(|at| at.elapsed() < JWKS_MAX_AGE);
        if fresh_only && !fresh {
            return None;
        }
        keys.by_kid.get(kid).cloned()
    }

    async fn download(&self, http: &reqwest::Client) -> anyhow::Result<HashMap<String, DecodingKey>> {
        let mut request = http.get(&self.url);
        if let Some(bearer) = &self.bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.map_err(reqwest::Error::without_url)?;
        anyhow::ensure!(response.status().is_success(), "JWKS answered {}", response.status());
        let set: JwkSet = response.json().await.map_err(reqwest::Error::without_url)?;
        let keys: HashMap<String, DecodingKey> = set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(jwk).ok()?)))
            .collect();
        anyhow::ensure!(!keys.is_empty(), "the JWKS holds no usable keys");
        tracing::info!(keys = keys.len(), "downloaded Clerk's signing keys");
        Ok(keys)
    }
}

/// Clerk ids look like `user_2abc…`; anything else cannot become a record id.
fn is_clerk_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The coderoom user id of a Clerk user: stable, so that the first request, a repeated
/// request and the webhook all land on the same record without a lookup table.
pub fn local_id(clerk_id: &str) -> String {
    format!("clerk_{clerk_id}")
}

/// A Clerk user object, as in webhooks and the Backend API.
#[derive(Debug, Deserialize)]
struct ClerkUser {
    id: String,
    #[serde(default)]
    email_addresses: Vec<EmailAddress>,
    primary_email_address_id: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    username: Option<String>,
    image_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EmailAddress {
    id: Option<String>,
    email_address: String,
}

impl ClerkUser {
    fn profile(&self) -> Profile {
        let email = self
            .email_addresses
            .iter()
            .find(|address| address.id.is_some() && address.id == self.primary_email_address_id)
            .or_else(|| self.email_addresses.first())
            .and_then(|address| super::normalize_email(&address.email_address).ok());
        let full_name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let name = Some(full_name).filter(|n| !n.is_empty()).or_else(|| self.username.clone());
        Profile { name, email, image: self.image_url.clone().filter(|url| url.starts_with("https://")) }
    }
}

impl SessionClaims {
    fn profile(&self) -> Profile {
        Profile {
            name: self.name.clone(),
            email: self.email.as_deref().and_then(|email| super::normalize_email(email).ok()),
            image: self.image_url.clone().filter(|url| url.starts_with("https://")),
        }
    }
}

/// The local user for a verified Clerk session, created on first sight ("ensure user").
pub async fn ensure_user(db: &Db, verifier: &ClerkVerifier, claims: &SessionClaims) -> AppResult<UserRecord> {
    let id = local_id(&claims.sub);
    if let Some(record) = store::find_by_id(db, &id).await? {
        return Ok(record);
    }
    let mut profile = claims.profile();
    if (profile.email.is_none() || profile.name.is_none())
        && let Some(fetched) = verifier.fetch_profile(&claims.sub).await
    {
        profile = Profile {
            name: profile.name.or(fetched.name),
            email: profile.email.or(fetched.email),
            image: profile.image.or(fetched.image),
        };
    }
    let record = create_or_update(db, &claims.sub, &profile).await?;
    tracing::info!(user = %record.id, role = ?record.role, "Clerk user signed in for the first time");
    Ok(record)
}

/// Creates the user for `clerk_id` or, when it exists, applies the profile fields that are
/// known. New users are candidates: the first administrator is made with the setup token
/// (`POST /api/auth/setup`) or the command line, never by being first to sign in.
async fn create_or_update(db: &Db, clerk_id: &str, profile: &Profile) -> anyhow::Result<UserRecord> {
    let identity = Identity {
        id: local_id(clerk_id),
        link: json!({ "clerk_id": clerk_id }),
        placeholder_email: format!("{}@clerk.invalid", clerk_id.to_lowercase()),
        role: Role::Candidate,
    };
    external::create_or_update(db, &identity, profile).await
}

/// What a webhook delivery did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookReceipt {
    /// Always `true`: the delivery was taken (Svix stops retrying it).
    received: bool,
    /// Whether coderoom acts on this event's type (`user.created`, `user.updated`,
    /// `user.deleted`); absent for a duplicate.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    handled: Option<bool>,
    /// `true` when this delivery id was handled before and this one was ignored; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    duplicate: Option<bool>,
}

/// Takes one of Clerk's user webhooks (Svix-signed): creates, updates or disables the user.
///
/// Called by Clerk, not by people: no sign-in, but the delivery must carry a valid Svix signature
/// (`svix-id`, `svix-timestamp`, `svix-signature`, or the same headers named `webhook-*`) made
/// with `clerk.webhook_secret`, with a timestamp within five minutes; 401 for a wrong signature,
/// 404 when no webhook secret is configured. Each delivery id is handled once.
#[utoipa::path(post, path = "/webhooks/clerk", tag = "auth", security(()),
    params(
        ("svix-id" = Option<String>, Header, description = "The delivery's id (or `webhook-id`)"),
        ("svix-timestamp" = Option<String>, Header,
            description = "Unix seconds of the delivery (or `webhook-timestamp`)"),
        ("svix-signature" = Option<String>, Header,
            description = "`v1,<base64 HMAC-SHA256>`, space-separated (or `webhook-signature`)"),
    ),
    request_body(content = WebhookEvent, description = "A Clerk event, exactly as Clerk signed it",
        content_type = "application/json"),
    responses((status = 200, description = "The delivery was received", body = WebhookReceipt)))]
pub async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<WebhookReceipt>> {
    let key = state
        .config
        .clerk
        .webhook_secret
        .as_deref()
        .and_then(svix::decode_secret)
        .ok_or_else(|| AppError::not_found("Clerk webhooks are not configured on this server"))?;
    // Svix's unbranded `webhook-*` headers are the same scheme.
    let header = |name: &str| {
        headers
            .get(format!("svix-{name}"))
            .or_else(|| headers.get(format!("webhook-{name}")))
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (id, timestamp, signature) = (header("id"), header("timestamp"), header("signature"));
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Err(err) = svix::verify(&key, &id, &timestamp, &signature, &body, now) {
        tracing::warn!(delivery = %id, reason = %err, "refused a Clerk webhook");
        return Err(match err {
            svix::SvixError::BadSignature => AppError::Unauthorized(err.to_string()),
            _ => AppError::bad_request(err.to_string()),
        });
    }
    if id.len() > 128 {
        return Err(AppError::bad_request("svix-id is too long"));
    }
    let event: WebhookEvent =
        serde_json::from_slice(&body).map_err(|err| AppError::bad_request(format!("Malformed event: {err}")))?;
    if !claim_delivery(&state.db, &id).await? {
        return Ok(Json(WebhookReceipt { received: true, handled: None, duplicate: Some(true) }));
    }
    match apply_event(&state.db, &event).await {
        Ok(handled) => {
            state.users.invalidate();
            tracing::info!(delivery = %id, event = %event.kind, handled, "Clerk webhook");
            Ok(Json(WebhookReceipt { received: true, handled: Some(handled), duplicate: None }))
        }
        Err(err) => {
            // Let Svix retry: forget the delivery so the retry is not taken for a duplicate.
            release_delivery(&state.db, &id).await;
            Err(err.into())
        }
    }
}

/// A Clerk webhook event.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct WebhookEvent {
    /// `user.created`, `user.updated` and `user.deleted` are acted on; other types are received
    /// and ignored.
    #[serde(rename = "type")]
    kind: String,
    /// The event's object (for user events, Clerk's user).
    #[schema(value_type = Object)]
    data: serde_json::Value,
}

/// `true` when the event was one coderoom acts on.
async fn apply_event(db: &Db, event: &WebhookEvent) -> anyhow::Result<bool> {
    match event.kind.as_str() {
        "user.created" | "user.updated" => {
            let user: ClerkUser = serde_json::from_value(event.data.clone()).context("user event without a user")?;
            anyhow::ensure!(is_clerk_id(&user.id), "user event with an invalid id");
            create_or_update(db, &user.id, &user.profile()).await?;
            Ok(true)
        }
        "user.deleted" => {
            let clerk_id = event.data.get("id").and_then(|id| id.as_str()).unwrap_or_default();
            anyhow::ensure!(is_clerk_id(clerk_id), "user.deleted without a valid id");
            // Kept (past sessions refer to it) but unable to sign in.
            db.query("UPDATE type::record('user', $id) SET disabled = true, token_version += 1")
                .bind(json!({ "id": local_id(clerk_id) }))
                .await?
                .check()?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Records a delivery id; `false` when it was seen before. Old ids are pruned: Svix stops
/// retrying a delivery after a few days.
async fn claim_delivery(db: &Db, id: &str) -> anyhow::Result<bool> {
    let result = db
        .query(
            "CREATE type::record('webhook_delivery', $id) SET source = 'clerk', received_at = time::now() RETURN NONE;
             DELETE webhook_delivery WHERE received_at < time::now() - 14d;",
        )
        .bind(json!({ "id": id }))
        .await?;
    match result.check() {
        Ok(_) => Ok(true),
        Err(err) if matches!(err.already_exists_details(), Some(AlreadyExistsError::Record { .. })) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

async fn release_delivery(db: &Db, id: &str) {
    let result = db.query("DELETE type::record('webhook_delivery', $id)").bind(json!({ "id": id })).await;
    if let Err(err) = result.and_then(|response| response.check()) {
        tracing::warn!(delivery = %id, error = %err, "cannot forget a failed webhook delivery");
    }
}

/// `register`/`login` when Clerk signs people in.
pub fn local_accounts_disabled() -> AppError {
    AppError::Conflict(
        "This server signs people in with Clerk; built-in registration and sign-in are turned off".into(),
    )
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    #[test]
    fn profile_prefers_the_primary_address_and_joins_names() {
        let user: ClerkUser = serde_json::from_value(json!({
            "id": "user_1",
            "email_addresses": [
                {"id": "idn_a", "email_address": "Other@Example.com"},
                {"id": "idn_b", "email_address": "Main@Example.com"}
            ],
            "primary_email_address_id": "idn_b",
            "first_name": "Ada", "last_name": "Lovelace", "image_url": "https://img.example/a.png"
        }))
        .expect("user");
        let profile = user.profile();
        assert_eq!(profile.email.as_deref(), Some("main@example.com"));
        assert_eq!(profile.name.as_deref(), Some("Ada Lovelace"));
        assert!(is_clerk_id("user_2abcXYZ"));
        assert!(!is_clerk_id("user:1"));
    }

    #[test]
    fn status_of_disabled_local_accounts_is_conflict() {
        assert_eq!(local_accounts_disabled().status(), StatusCode::CONFLICT);
    }
}
