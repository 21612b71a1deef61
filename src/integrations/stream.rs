//! Stream video and chat, used when `stream.api_key` and `stream.api_secret` are set.
//!
//! Browsers get an expiring user token from `GET /api/chat/token`. The server keeps Stream's
//! state in step with sessions through the REST API: on create it upserts the host and
//! gets-or-creates the video call and the chat channel, on join it adds the member, on end it
//! hard-deletes both. Those calls run on one background worker, in order, with retries, so a
//! slow or failing Stream never slows down or fails a session; failures are logged (without
//! secrets) and shown in `/readyz` under `stream`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::app::AppState;
use crate::auth::{Person, SignedIn};
use crate::config::StreamConfig;
use crate::error::{AppError, AppResult};
use crate::health::Condition;
use crate::sessions::Session;

const CALL_TYPE: &str = "default";
const CHANNEL_TYPE: &str = "messaging";
const ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Jobs waiting for the worker; beyond this, new jobs are dropped (and counted as failures)
/// rather than holding up the request that caused them.
const QUEUE: usize = 1024;

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new().routes(utoipa_axum::routes!(chat_token))
}

/// Signing and REST access to one Stream app. Deliberately not `Debug`: it holds the secret.
pub struct Stream {
    api_key: String,
    secret: Vec<u8>,
    token_ttl_secs: u64,
    jobs: mpsc::Sender<Job>,
    health: std::sync::Arc<Health>,
}

#[derive(Default)]
struct Health {
    succeeded: AtomicU64,
    failed: AtomicU64,
    last_error: Mutex<Option<StreamFailure>>,
}

/// What happened to a session that Stream must hear about.
#[derive(Debug, Clone)]
enum Job {
    Created { session_id: String, call_id: String, host: Person, problem: String },
    Joined { call_id: String, user: Person },
    Ended { call_id: String },
}

/// One REST call.
#[derive(Debug)]
struct Call {
    what: &'static str,
    method: Method,
    path: String,
    query: Vec<(&'static str, &'static str)>,
    body: Option<Value>,
}

impl Job {
    fn calls(&self) -> Vec<Call> {
        let post = |what, path: String, body: Value| Call {
            what,
            method: Method::POST,
            path,
            query: vec![],
            body: Some(body),
        };
        match self {
            Job::Created { session_id, call_id, host, problem } => vec![
                post("upsert host", "/users".into(), upsert_users(host)),
                post(
                    "create call",
                    format!("/api/v2/video/call/{CALL_TYPE}/{call_id}"),
                    json!({ "data": { "created_by_id": host.id, "custom": { "sessionId": session_id, "problem": problem } } }),
                ),
                post(
                    "create channel",
                    format!("/channels/{CHANNEL_TYPE}/{call_id}/query"),
                    json!({
                        "data": { "created_by_id": host.id, "members": [host.id], "name": problem, "session_id": session_id },
                        "state": false, "watch": false, "presence": false,
                    }),
                ),
            ],
            Job::Joined { call_id, user } => vec![
                post("upsert member", "/users".into(), upsert_users(user)),
                post("add member", format!("/channels/{CHANNEL_TYPE}/{call_id}"), json!({ "add_members": [user.id] })),
            ],
            Job::Ended { call_id } => vec![
                post(
                    "delete call",
                    format!("/api/v2/video/call/{CALL_TYPE}/{call_id}/delete"),
                    json!({ "hard": true }),
                ),
                Call {
                    what: "delete channel",
                    method: Method::DELETE,
                    path: format!("/channels/{CHANNEL_TYPE}/{call_id}"),
                    query: vec![("hard_delete", "true")],
                    body: None,
                },
            ],
        }
    }

    fn call_id(&self) -> &str {
        match self {
            Job::Created { call_id, .. } | Job::Joined { call_id, .. } | Job::Ended { call_id } => call_id,
        }
    }
}

fn upsert_users(person: &Person) -> Value {
    json!({ "users": { person.id.clone(): { "id": person.id, "name": person.name, "image": person.image } } })
}

impl Stream {
    /// `None` without keys. Starts the REST worker, so call it inside the runtime.
    pub fn from_config(config: &StreamConfig) -> anyhow::Result<Option<Self>> {
        let (Some(api_key), Some(secret)) = (&config.api_key, &config.api_secret) else {
            return Ok(None);
        };
        let http = reqwest::Client::builder().timeout(HTTP_TIMEOUT).build()?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        let health = std::sync::Arc::new(Health::default());
        let rest = Rest {
            http,
            base_url: config.base_url.trim_end_matches('/').to_string(),
            api_key: api_key.clone(),
            secret: secret.as_bytes().to_vec(),
        };
        tokio::spawn(worker(rest, queue, health.clone()));
        Ok(Some(Self {
            api_key: api_key.clone(),
            secret: secret.as_bytes().to_vec(),
            token_ttl_secs: config.token_ttl_secs,
            jobs,
            health,
        }))
    }

    /// A user token, byte for byte what Stream's own server SDKs mint with
    /// `createToken(userId, exp, iat)`; it serves both video and chat.
    pub fn user_token(&self, user_id: &str, now: u64) -> (String, u64) {
        #[derive(Serialize)]
        struct UserClaims<'a> {
            user_id: &'a str,
            exp: u64,
            iat: u64,
        }
        let exp = now + self.token_ttl_secs;
        let claims = UserClaims { user_id, exp, iat: now };
        (sign_hs256(&self.secret, &claims), exp)
    }

    /// `/readyz`'s view: failures never make coderoom unready, only `degraded`.
    pub fn health(&self) -> StreamHealth {
        let last_error = self.health.last_error.lock().unwrap_or_else(|poison| poison.into_inner()).clone();
        StreamHealth {
            status: if last_error.is_some() { Condition::Degraded } else { Condition::Ok },
            succeeded_calls: Some(self.health.succeeded.load(Ordering::Relaxed)),
            failed_calls: Some(self.health.failed.load(Ordering::Relaxed)),
            last_error,
        }
    }

    fn enqueue(&self, job: Job) {
        if let Err(err) = self.jobs.try_send(job) {
            let job = match &err {
                mpsc::error::TrySendError::Full(job) | mpsc::error::TrySendError::Closed(job) => job,
            };
            tracing::warn!(call = %job.call_id(), "Stream work queue is full; skipping a Stream update");
            self.health.record_failure("queue", job.call_id(), "work queue full".into());
        }
    }
}

/// Stream as `/readyz` reports it: its calls since start, and the last failure.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StreamHealth {
    pub status: Condition,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub succeeded_calls: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub failed_calls: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub last_error: Option<StreamFailure>,
}

/// The last call to Stream that failed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StreamFailure {
    /// What coderoom was doing (`create call`, `queue`, …).
    pub operation: String,
    pub call_id: String,
    pub message: String,
    /// When (RFC 3339).
    pub at: Option<String>,
}

impl StreamHealth {
    /// Stream's keys are not configured.
    pub fn disabled() -> Self {
        Self { status: Condition::Disabled, succeeded_calls: None, failed_calls: None, last_error: None }
    }
}

/// A compact HS256 JWT. Header and claim order match Stream's SDKs (and the `jsonwebtoken`
/// npm package they use), so tokens are identical to theirs and easy to compare in tests.
fn sign_hs256<T: Serialize>(secret: &[u8], claims: &T) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = engine.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    // Serializing a struct of strings and numbers cannot fail.
    let payload = engine.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signing_input = format!("{header}.{payload}");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("any key length"));
    mac.update(signing_input.as_bytes());
    let signature = engine.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

impl Health {
    fn record_failure(&self, what: &str, call_id: &str, message: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let at = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).ok();
        *self.last_error.lock().unwrap_or_else(|poison| poison.into_inner()) =
            Some(StreamFailure { operation: what.to_string(), call_id: call_id.to_string(), message, at });
    }
}

struct Rest {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
    secret: Vec<u8>,
}

impl Rest {
    /// The server token: `{"server": true}`, as Stream's server SDKs send it.
    fn server_token(&self) -> String {
        sign_hs256(&self.secret, &json!({ "server": true }))
    }

    async fn send(&self, call: &Call) -> Result<(), Failure> {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, call.path))
            .map_err(|err| Failure::Final(format!("bad Stream URL: {err}")))?;
        url.query_pairs_mut().append_pair("api_key", &self.api_key).extend_pairs(&call.query);
        let mut request = self
            .http
            .request(call.method.clone(), url)
            .header("Authorization", self.server_token())
            .header("stream-auth-type", "jwt")
            .header("X-Stream-Client", concat!("coderoom-", env!("CARGO_PKG_VERSION")));
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        // `without_url` keeps the api_key query parameter out of logs.
        let response = request.send().await.map_err(|err| Failure::Retry(err.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() || (call.method == Method::DELETE && status == reqwest::StatusCode::NOT_FOUND) {
            return Ok(());
        }
        let detail: String = response.text().await.unwrap_or_default().chars().take(300).collect();
        let message = format!("Stream answered {status}: {detail}");
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            Err(Failure::Retry(message))
        } else {
            Err(Failure::Final(message))
        }
    }
}

enum Failure {
    Retry(String),
    Final(String),
}

async fn worker(rest: Rest, mut queue: mpsc::Receiver<Job>, health: std::sync::Arc<Health>) {
    while let Some(job) = queue.recv().await {
        for call in job.calls() {
            let mut backoff = FIRST_BACKOFF;
            for attempt in 1..=ATTEMPTS {
                match rest.send(&call).await {
                    Ok(()) => {
                        health.succeeded.fetch_add(1, Ordering::Relaxed);
                        tracing::debug!(call = %job.call_id(), operation = call.what, "Stream updated");
                        break;
                    }
                    Err(Failure::Retry(message)) if attempt < ATTEMPTS => {
                        tracing::info!(call = %job.call_id(), operation = call.what, attempt, %message, "Stream call failed; retrying");
                        tokio::time::sleep(backoff).await;
                        backoff *= 2;
                    }
                    Err(Failure::Retry(message) | Failure::Final(message)) => {
                        tracing::warn!(call = %job.call_id(), operation = call.what, attempt, %message, "Stream call failed; giving up");
                        health.record_failure(call.what, job.call_id(), message);
                        break;
                    }
                }
            }
        }
    }
}

/// `config check --online`: Stream's `GET /app` answers with these keys.
pub async fn check_reachable(config: &StreamConfig) -> anyhow::Result<()> {
    let (Some(api_key), Some(secret)) = (&config.api_key, &config.api_secret) else {
        return Ok(());
    };
    let rest = Rest {
        http: reqwest::Client::builder().timeout(HTTP_TIMEOUT).build()?,
        base_url: config.base_url.trim_end_matches('/').to_string(),
        api_key: api_key.clone(),
        secret: secret.as_bytes().to_vec(),
    };
    let call = Call { what: "app settings", method: Method::GET, path: "/app".into(), query: vec![], body: None };
    rest.send(&call).await.map_err(|(Failure::Retry(message) | Failure::Final(message))| anyhow::anyhow!(message))
}

/// After a session was created: the call and the channel, with the host as member.
pub fn session_created(state: &AppState, session: &Session) {
    if let Some(stream) = &state.stream {
        stream.enqueue(Job::Created {
            session_id: session.id.clone(),
            call_id: session.call_id.clone(),
            host: session.host.clone(),
            problem: session.problem.title.clone(),
        });
    }
}

/// After someone took a seat.
pub fn session_joined(state: &AppState, session: &Session, user: &Person) {
    if let Some(stream) = &state.stream {
        stream.enqueue(Job::Joined { call_id: session.call_id.clone(), user: user.clone() });
    }
}

/// After the host ended the session: both are hard-deleted.
pub fn session_ended(state: &AppState, session: &Session) {
    if let Some(stream) = &state.stream {
        stream.enqueue(Job::Ended { call_id: session.call_id.clone() });
    }
}

/// What the browser's Stream clients need to connect as one user.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct ChatToken {
    /// A Stream user token (HS256 JWT).
    token: String,
    user_id: String,
    user_name: String,
    user_image: Option<String>,
    /// The Stream app's public key.
    api_key: String,
    /// When `token` expires, in seconds since the Unix epoch.
    expires_at: u64,
}

/// What the browser's Stream video and chat clients need to connect as the caller.
///
/// Anyone signed in, guests included; 404 when Stream is not configured (the built-in video and
/// chat are in use).
#[utoipa::path(get, path = "/chat/token", tag = "room",
    responses((status = 200, description = "A Stream user token for the caller", body = ChatToken)))]
async fn chat_token(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Json<ChatToken>> {
    let stream = state.stream.as_ref().ok_or_else(|| {
        AppError::not_found(
            "Stream video and chat are not configured on this server; the built-in video and chat are in use",
        )
    })?;
    let (token, expires_at) = stream.user_token(&user.id, jsonwebtoken::get_current_timestamp());
    Ok(Json(ChatToken {
        token,
        user_id: user.id,
        user_name: user.name,
        user_image: user.image,
        api_key: stream.api_key.clone(),
        expires_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_tokens_verify_with_the_secret_and_expire() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let (token, exp) = (sign_hs256(secret, &json!({ "user_id": "u1", "exp": 2_000, "iat": 1_000 })), 2_000);
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.validate_exp = false;
        validation.set_required_spec_claims::<&str>(&[]);
        let decoded =
            jsonwebtoken::decode::<Value>(&token, &jsonwebtoken::DecodingKey::from_secret(secret), &validation)
                .expect("valid signature");
        assert_eq!(decoded.claims["user_id"], "u1");
        assert_eq!(decoded.claims["exp"], exp);
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."), "header as Stream's SDKs write it");
    }
}
