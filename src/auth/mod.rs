//! Built-in accounts: registration, sign-in with argon2id passwords, JWT sessions in an
//! HttpOnly cookie (or a Bearer header), the `CurrentUser` extractor and roles.

pub mod clerk;
pub mod limiter;
pub mod password;
pub mod store;
pub mod svix;
pub mod token;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::AppState;
use crate::config::Registration;
use crate::error::{ApiJson, AppError, AppResult};
use store::{CreateOutcome, NewUser};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Interviewer,
    Candidate,
}

/// A user as the signed-in person and administrators see it.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub image: Option<String>,
    pub role: Role,
}

/// A user as everyone else sees them: never the e-mail address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub image: Option<String>,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(register))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/session", get(current_session))
        .route("/me", get(me))
        .route("/webhooks/clerk", post(clerk::webhook))
}

/// The signed-in user, from the session cookie, an `Authorization: Bearer` header or (for
/// WebSocket upgrades, which cannot set headers from a browser) a `token` query parameter.
/// Rejects with a JSON 401 — never a redirect.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl<S> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match authenticate(parts, &AppState::from_ref(state)).await? {
            Caller::Person(user) => Ok(CurrentUser(user)),
            Caller::Service => Err(unauthorized()),
        }
    }
}

/// Administrators only (403 for everyone else); also the command line's service token,
/// which is accepted nowhere else. Holds the administrator (`None` for the service token).
pub struct AdminAccess(pub Option<User>);

impl<S> FromRequestParts<S> for AdminAccess
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match authenticate(parts, &AppState::from_ref(state)).await? {
            Caller::Service => Ok(AdminAccess(None)),
            Caller::Person(user) if user.role == Role::Admin => Ok(AdminAccess(Some(user))),
            Caller::Person(_) => Err(AppError::Forbidden("Administrators only".into())),
        }
    }
}

enum Caller {
    Person(User),
    Service,
}

fn unauthorized() -> AppError {
    AppError::Unauthorized("Sign in to continue".into())
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Caller, AppError> {
    if let Some(verifier) = &state.clerk {
        return authenticate_with_clerk(parts, state, verifier).await;
    }
    let token = token_from_parts(parts).ok_or_else(unauthorized)?;
    let claims = state.tokens.verify(&token).ok_or_else(unauthorized)?;
    if claims.sub == token::SERVICE_SUBJECT {
        return Ok(Caller::Service);
    }
    // Cached for a few seconds: a disabled account or revoked token stops working within that.
    let record = state
        .users
        .get_or_load(&claims.sub, || store::find_by_id(&state.db, &claims.sub))
        .await?
        .ok_or_else(unauthorized)?;
    if record.disabled || record.token_version != claims.ver {
        return Err(unauthorized());
    }
    Ok(Caller::Person(record.to_user()))
}

/// Clerk mode: a Clerk session token from a Bearer header, the `__session` cookie or a
/// `token` query parameter (WebSockets). The command line's service token still works.
async fn authenticate_with_clerk(
    parts: &Parts,
    state: &AppState,
    verifier: &clerk::ClerkVerifier,
) -> Result<Caller, AppError> {
    let bearer = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let query = parts.uri.query().and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("token=")));
    let candidates =
        [bearer.map(str::to_string), cookie_value(&parts.headers, clerk::SESSION_COOKIE), query.map(str::to_string)];
    for token in candidates.into_iter().flatten() {
        let token = token.trim();
        if state.tokens.verify(token).is_some_and(|claims| claims.sub == token::SERVICE_SUBJECT) {
            return Ok(Caller::Service);
        }
        match verifier.verify(token).await {
            Ok(claims) => {
                let id = clerk::local_id(&claims.sub);
                // Cached like local users; the first request of a new Clerk user creates it.
                let record = state
                    .users
                    .get_or_load(&id, || async { clerk::ensure_user(state, verifier, &claims).await.map(Some) })
                    .await?
                    .ok_or_else(unauthorized)?;
                if record.disabled {
                    return Err(unauthorized());
                }
                return Ok(Caller::Person(record.to_user()));
            }
            Err(reason) => tracing::debug!(%reason, "Clerk session token refused"),
        }
    }
    Err(unauthorized())
}

fn token_from_parts(parts: &Parts) -> Option<String> {
    if let Some(bearer) =
        parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    if let Some(cookie) = cookie_value(&parts.headers, token::COOKIE_NAME) {
        return Some(cookie);
    }
    parts
        .uri
        .query()
        .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("token=").map(str::to_string)))
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then(|| value.to_string())
    })
}

fn session_cookie(state: &AppState, token: &str, max_age: u64) -> HeaderValue {
    let secure = if state.config.secure_cookie() { "; Secure" } else { "" };
    let cookie =
        format!("{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}", token::COOKIE_NAME);
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn signed_in(state: &AppState, status: StatusCode, record: &store::UserRecord) -> AppResult<Response> {
    let token = state.tokens.issue(&record.id, record.token_version)?;
    let cookie = session_cookie(state, &token, state.tokens.ttl_secs());
    Ok((status, [(SET_COOKIE, cookie)], Json(json!({ "user": record.to_user() }))).into_response())
}

#[derive(Deserialize)]
struct RegisterRequest {
    name: String,
    email: String,
    password: String,
}

pub fn normalize_email(email: &str) -> AppResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if valid { Ok(email) } else { Err(AppError::bad_request("A valid email address is required")) }
}

pub fn normalize_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::bad_request("Name must be 1 to 100 printable characters"));
    }
    Ok(name.to_string())
}

async fn register(State(state): State<AppState>, ApiJson(body): ApiJson<RegisterRequest>) -> AppResult<Response> {
    if state.clerk.is_some() {
        return Err(clerk::local_accounts_disabled());
    }
    let name = normalize_name(&body.name)?;
    let email = normalize_email(&body.email)?;
    password::check_strength(&body.password)?;
    let first_user = store::count(&state.db).await? == 0;
    if !first_user {
        match state.config.auth.registration {
            Registration::Open => {}
            Registration::InviteOnly if store::has_invite(&state.db, &email).await? => {}
            Registration::InviteOnly => {
                return Err(AppError::Forbidden("Registration is by invitation only".into()));
            }
            Registration::Closed => return Err(AppError::Forbidden("Registration is closed".into())),
        }
    }
    let hash = password::hash(body.password).await?;
    let role = if first_user && store::claim_first_admin(&state.db).await? { Role::Admin } else { Role::Candidate };
    match store::create(&state.db, NewUser { name: &name, email: &email, password_hash: &hash, role }).await? {
        CreateOutcome::Created(record) => {
            tracing::info!(user = %record.id, role = ?record.role, "account created");
            signed_in(&state, StatusCode::CREATED, &record)
        }
        CreateOutcome::EmailTaken => Err(AppError::Conflict("An account with this email already exists".into())),
    }
}

#[derive(Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<LoginRequest>,
) -> AppResult<Response> {
    if state.clerk.is_some() {
        return Err(clerk::local_accounts_disabled());
    }
    let email = body.email.trim().to_lowercase();
    let keys = [format!("email:{email}"), format!("ip:{}", peer.ip())];
    for key in &keys {
        if let Err(retry_after_secs) = state.login_attempts.check(key) {
            return Err(AppError::TooManyRequests {
                message: "Too many failed sign-in attempts; try again later".into(),
                retry_after_secs,
            });
        }
    }
    let record = store::find_by_email(&state.db, &email).await?;
    let stored_hash = match record.as_ref().and_then(|r| r.password_hash.clone()) {
        Some(hash) => hash,
        None => password::decoy_hash().await.to_string(),
    };
    let matches = password::verify(body.password, stored_hash).await?;
    match record {
        Some(record) if matches && !record.disabled => {
            keys.iter().for_each(|key| state.login_attempts.clear(key));
            signed_in(&state, StatusCode::OK, &record)
        }
        _ => {
            keys.iter().for_each(|key| state.login_attempts.record_failure(key));
            Err(AppError::Unauthorized("Invalid email or password".into()))
        }
    }
}

async fn logout(State(state): State<AppState>) -> Response {
    (StatusCode::NO_CONTENT, [(SET_COOKIE, session_cookie(&state, "", 0))]).into_response()
}

/// `{user}` when signed in, `{user: null}` otherwise: lets the browser ask "who am I?"
/// without a 401 (which browsers log as an error).
async fn current_session(State(state): State<AppState>, parts: Parts) -> AppResult<Json<serde_json::Value>> {
    let user = match authenticate(&parts, &state).await {
        Ok(Caller::Person(user)) => Some(user),
        Ok(Caller::Service) | Err(AppError::Unauthorized(_)) => None,
        Err(other) => return Err(other),
    };
    Ok(Json(json!({ "user": user })))
}

async fn me(CurrentUser(user): CurrentUser) -> Json<serde_json::Value> {
    Json(json!({ "user": user }))
}
