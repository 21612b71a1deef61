//! Built-in accounts: registration, sign-in with argon2id passwords, JWT sessions in an
//! HttpOnly cookie (or a Bearer header), the `CurrentUser` extractor and roles.

pub mod clerk;
pub mod external;
pub mod limiter;
pub mod oidc;
pub mod password;
pub mod proxies;
pub mod revocation;
pub mod setup;
pub mod store;
pub mod svix;
pub mod token;

use std::time::Duration;

use axum::Json;
use axum::extract::{FromRef, FromRequestParts, Query, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE, UPGRADE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::config::{Config, Registration};
use crate::db::Db;
use crate::error::{ApiJson, AppError, AppResult};
pub use proxies::ClientAddr;
use store::{CreateOutcome, NewUser};

/// What sign-in keeps in memory: attempt counters, the proxies whose `X-Forwarded-For` is
/// believed, signed-out tokens and the first-run setup token.
pub struct AuthState {
    pub login_attempts: limiter::AttemptLimiter,
    pub registrations: limiter::AttemptLimiter,
    pub proxies: proxies::TrustedProxies,
    pub revoked: revocation::Revocations,
    pub setup: setup::Setup,
}

impl AuthState {
    pub async fn new(config: &Config, db: &Db) -> anyhow::Result<Self> {
        let minute = Duration::from_secs(60);
        Ok(Self {
            login_attempts: limiter::AttemptLimiter::new(
                config.auth.login_attempts_per_minute,
                minute,
                limiter::DEFAULT_MAX_KEYS,
            ),
            registrations: limiter::AttemptLimiter::new(
                config.auth.registrations_per_minute,
                minute,
                limiter::DEFAULT_MAX_KEYS,
            ),
            proxies: proxies::TrustedProxies::from_config(&config.http.trusted_proxies),
            revoked: revocation::Revocations::default(),
            setup: setup::Setup::prepare(db, &config.data_dir).await?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Interviewer,
    Candidate,
    /// Someone who opened an invitation link: no password, and access to that one session only.
    #[value(skip)]
    Guest,
}

impl Role {
    /// Who may host sessions when `sessions.who_may_host` is `interviewers`.
    pub fn interviews(self) -> bool {
        matches!(self, Self::Admin | Self::Interviewer)
    }
}

/// A user as the signed-in person and administrators see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub image: Option<String>,
    pub role: Role,
    /// A guest's one session.
    #[serde(rename = "sessionId", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub session_id: Option<String>,
}

impl User {
    pub fn person(&self) -> Person {
        Person { id: self.id.clone(), name: self.name.clone(), image: self.image.clone() }
    }
}

/// A user as everyone else sees them: never the e-mail address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub image: Option<String>,
}

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(current_session))
        .routes(routes!(claim_setup))
        .routes(routes!(me))
        .routes(routes!(clerk::webhook))
        .routes(routes!(oidc::start))
        .routes(routes!(oidc::callback))
}

/// The signed-in person: the answer of registration, sign-in, setup and `/me`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserResponse {
    pub user: User,
}

/// Who this request is signed in as, if anyone.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionResponse {
    /// `null` when nobody is signed in.
    pub user: Option<User>,
}

/// Signed out of coderoom; the browser should also end the company sign-in there.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogoutResponse {
    /// The company provider's sign-out address.
    pub logout_url: String,
}

/// The signed-in account holder, from the session cookie, an `Authorization: Bearer` header
/// or (for WebSocket upgrades only, which cannot set headers from a browser) a `token` query
/// parameter: anywhere else a token in the URL would end up in logs, history and `Referer`.
/// Rejects with a JSON 401 — never a redirect — and guests with 403: a route opens to guests
/// only by asking for [`SignedIn`] and checking the session itself.
#[derive(Debug, Clone, FromRequestParts)]
#[from_request(via(Admitted), rejection(AppError))]
pub struct CurrentUser(pub User);

impl Admission for CurrentUser {
    fn admit(caller: Caller) -> Result<Self, AppError> {
        match caller {
            Caller::Person(user) if user.role == Role::Guest => Err(guests_stay_in_their_session()),
            Caller::Person(user) => Ok(Self(user)),
            Caller::Service => Err(unauthorized()),
        }
    }
}

/// Anyone signed in, guests included: for the routes of one session, which check that the
/// caller belongs to it.
#[derive(Debug, Clone, FromRequestParts)]
#[from_request(via(Admitted), rejection(AppError))]
pub struct SignedIn(pub User);

impl Admission for SignedIn {
    fn admit(caller: Caller) -> Result<Self, AppError> {
        match caller {
            Caller::Person(user) => Ok(Self(user)),
            Caller::Service => Err(unauthorized()),
        }
    }
}

pub fn guests_stay_in_their_session() -> AppError {
    AppError::Forbidden("An interview link opens only its own interview".into())
}

/// Administrators only (403 for everyone else); also the command line's service token,
/// which is accepted nowhere else. Holds the administrator (`None` for the service token).
#[derive(FromRequestParts)]
#[from_request(via(Admitted), rejection(AppError))]
pub struct AdminAccess(pub Option<User>);

impl Admission for AdminAccess {
    fn admit(caller: Caller) -> Result<Self, AppError> {
        match caller {
            Caller::Service => Ok(Self(None)),
            Caller::Person(user) if user.role == Role::Admin => Ok(Self(Some(user))),
            Caller::Person(_) => Err(AppError::Forbidden("Administrators only".into())),
        }
    }
}

/// Who made a request, before any route's rule on who may.
pub enum Caller {
    Person(User),
    /// The command line, with its service token.
    Service,
}

/// An extractor's rule on which callers it lets through, and the error for the others.
pub trait Admission: Sized {
    fn admit(caller: Caller) -> Result<Self, AppError>;
}

/// Tells who is calling and applies `T`'s [`Admission`] rule: the one way the extractors above
/// read a request.
pub struct Admitted<T>(T);

impl<S, T> FromRequestParts<S> for Admitted<T>
where
    T: Admission,
    Authenticator: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = authenticate(parts, &Authenticator::from_ref(state)).await?;
        T::admit(caller).map(Self)
    }
}

fn unauthorized() -> AppError {
    AppError::Unauthorized("Sign in to continue".into())
}

/// What telling who made a request needs, and nothing else of the application: the token
/// keys, the users (cached), revoked sign-ins and, in Clerk mode, its verifier.
#[derive(Clone)]
pub struct Authenticator {
    tokens: std::sync::Arc<token::TokenKeys>,
    db: Db,
    users: std::sync::Arc<crate::cache::TtlCache<String, Option<store::UserRecord>>>,
    auth: std::sync::Arc<AuthState>,
    clerk: Option<std::sync::Arc<clerk::ClerkVerifier>>,
}

impl FromRef<AppState> for Authenticator {
    fn from_ref(state: &AppState) -> Self {
        Self {
            tokens: state.tokens.clone(),
            db: state.db.clone(),
            users: state.users.clone(),
            auth: state.auth.clone(),
            clerk: state.clerk.clone(),
        }
    }
}

async fn authenticate(parts: &Parts, state: &Authenticator) -> Result<Caller, AppError> {
    if let Some(verifier) = &state.clerk {
        // Guests of an invitation link hold coderoom's own token whatever the sign-in provider.
        if let Some(guest) = local_guest(parts, state).await? {
            return Ok(Caller::Person(guest));
        }
        return authenticate_with_clerk(parts, state, verifier).await;
    }
    authenticate_locally(parts, state).await
}

async fn local_guest(parts: &Parts, state: &Authenticator) -> Result<Option<User>, AppError> {
    let holds_local_token = cookie_value(&parts.headers, token::COOKIE_NAME)
        .is_some_and(|token| state.tokens.verify(&token).is_some_and(|claims| claims.sub != token::SERVICE_SUBJECT));
    if !holds_local_token {
        return Ok(None);
    }
    match authenticate_locally(parts, state).await {
        Ok(Caller::Person(user)) if user.role == Role::Guest => Ok(Some(user)),
        Ok(_) | Err(AppError::Unauthorized(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

async fn authenticate_locally(parts: &Parts, state: &Authenticator) -> Result<Caller, AppError> {
    let token = token_from_parts(parts).ok_or_else(unauthorized)?;
    let claims = state.tokens.verify(&token).ok_or_else(unauthorized)?;
    if claims.sub == token::SERVICE_SUBJECT {
        return Ok(Caller::Service);
    }
    if state.auth.revoked.is_revoked(&state.db, &claims.jti).await? {
        return Err(unauthorized());
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
    state: &Authenticator,
    verifier: &clerk::ClerkVerifier,
) -> Result<Caller, AppError> {
    let bearer = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let candidates =
        [bearer.map(str::to_string), cookie_value(&parts.headers, clerk::SESSION_COOKIE), query_token(parts)];
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
                    .get_or_load(&id, || async { clerk::ensure_user(&state.db, verifier, &claims).await.map(Some) })
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
    query_token(parts)
}

/// The sign-in every socket also accepts in its query.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SocketSignIn {
    /// A sign-in token, for browsers that cannot set headers on a WebSocket; read on upgrades only
    token: Option<String>,
}

/// `?token=` of a WebSocket upgrade request; `None` for every other request.
fn query_token(parts: &Parts) -> Option<String> {
    let upgrade = parts.headers.get(UPGRADE).and_then(|v| v.to_str().ok());
    if !upgrade.is_some_and(|protocol| protocol.trim().eq_ignore_ascii_case("websocket")) {
        return None;
    }
    Query::<SocketSignIn>::try_from_uri(&parts.uri).ok().and_then(|Query(sign_in)| sign_in.token)
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
    Ok((status, [(SET_COOKIE, sign_in_cookie(state, record)?)], Json(UserResponse { user: record.to_user() }))
        .into_response())
}

/// The cookie that signs `record` in on this browser.
pub fn sign_in_cookie(state: &AppState, record: &store::UserRecord) -> AppResult<HeaderValue> {
    let token = state.tokens.issue(&record.id, record.token_version)?;
    Ok(session_cookie(state, &token, state.tokens.ttl_secs()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct RegisterRequest {
    /// 1 to 100 printable characters.
    name: String,
    email: String,
    password: String,
    /// The first-run setup token: makes this account the administrator while there is none.
    #[serde(default)]
    setup_token: Option<String>,
}

pub fn normalize_email(email: &str) -> AppResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid { Ok(email) } else { Err(AppError::bad_request("A valid email address is required")) }
}

pub fn normalize_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::bad_request("Name must be 1 to 100 printable characters"));
    }
    Ok(name.to_string())
}

fn refused(refusal: limiter::Refused, what: &str) -> AppError {
    match refusal {
        limiter::Refused::Exhausted { retry_after_secs } => {
            AppError::TooManyRequests { message: format!("Too many {what}; try again later"), retry_after_secs }
        }
        limiter::Refused::Crowded { retry_after_secs } => AppError::TooManyRequests {
            message: "The server is handling too many sign-ins at once; try again later".into(),
            retry_after_secs,
        },
    }
}

/// Who may use a coderoom password on this server; an error when nobody may.
fn password_sign_in(state: &AppState) -> AppResult<oidc::LocalSignIn> {
    if state.clerk.is_some() {
        return Err(clerk::local_accounts_disabled());
    }
    match state.oidc.as_deref().map(oidc::OidcProvider::local_sign_in) {
        None => Ok(oidc::LocalSignIn::Everyone),
        Some(oidc::LocalSignIn::Nobody) => Err(company_sign_in_only(state)),
        Some(allowed) => Ok(allowed),
    }
}

fn company_sign_in_only(state: &AppState) -> AppError {
    let Some(provider) = state.oidc.as_deref() else { return AppError::Forbidden("Passwords are turned off".into()) };
    let rule = match provider.local_sign_in() {
        oidc::LocalSignIn::Admins => "passwords are for administrators only",
        _ => "passwords are turned off",
    };
    AppError::Forbidden(format!("This server signs people in with {}; {rule}", provider.label()))
}

/// Creates an account and signs it in.
///
/// Anyone may call it, as `auth.registration` allows (open, by invitation, closed); not with
/// Clerk, nor when company sign-in turned passwords off. While the installation has no
/// administrator, an account created with the setup token becomes the administrator; without a
/// token it is an ordinary account (a candidate, so whoever reaches the server first gains
/// nothing), and a wrong token is refused.
#[utoipa::path(post, path = "/auth/register", tag = "auth", security(()), request_body = RegisterRequest,
    responses((status = 201, description = "Created and signed in", body = UserResponse,
        headers(("Set-Cookie" = String, description = "The `coderoom_session` sign-in cookie (HttpOnly)")))))]
async fn register(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> AppResult<Response> {
    let passwords = password_sign_in(&state)?;
    let name = normalize_name(&body.name)?;
    let email = normalize_email(&body.email)?;
    password::check_strength(&body.password)?;
    state
        .auth
        .registrations
        .admit(&[format!("ip:{client}")])
        .map_err(|refusal| refused(refusal, "registrations from this address"))?;
    let offered = body.setup_token.as_deref().map(str::trim).filter(|token| !token.is_empty());
    if offered.is_none() && passwords == oidc::LocalSignIn::Admins {
        return Err(company_sign_in_only(&state));
    }
    let setup = match offered {
        Some(offered) => Some(redeem_setup_token(&state, offered).await?),
        None => {
            match state.config.auth.registration {
                Registration::Open => {}
                Registration::InviteOnly if store::has_invite(&state.db, &email).await? => {}
                Registration::InviteOnly => {
                    return Err(AppError::Forbidden("Registration is by invitation only".into()));
                }
                Registration::Closed => return Err(AppError::Forbidden("Registration is closed".into())),
            }
            None
        }
    };
    let role = if setup.is_some() { Role::Admin } else { Role::Candidate };
    let hash = password::hash(body.password).await.map_err(password::to_app_error)?;
    match store::create(&state.db, NewUser { name: &name, email: &email, password_hash: &hash, role }).await? {
        CreateOutcome::Created(record) => {
            if let Some(setup) = setup {
                setup.complete();
            }
            tracing::info!(user = %record.id, role = ?record.role, "account created");
            signed_in(&state, StatusCode::CREATED, &record)
        }
        CreateOutcome::EmailTaken => Err(AppError::Conflict("An account with this email already exists".into())),
    }
}

/// Takes the setup token for this request, or explains why it cannot be used.
async fn redeem_setup_token<'a>(state: &'a AppState, offered: &str) -> AppResult<setup::Redeemed<'a>> {
    if state.auth.setup.pending_token().is_some() && store::count_active_admins(&state.db).await? > 0 {
        // Another instance sharing the database created the administrator.
        state.auth.setup.finish();
    }
    if state.auth.setup.pending_token().is_none() {
        return Err(AppError::Conflict(
            "This server already has an administrator: no setup token is needed (leave it empty)".into(),
        ));
    }
    state.auth.setup.redeem(offered).ok_or_else(|| {
        AppError::Forbidden(
            "The setup token is not valid: use the one `coderoom serve` printed at start \
             (it is also in the file setup-token in the data folder)"
                .into(),
        )
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct SetupRequest {
    /// The token `coderoom serve` printed at its first start (also in the data folder).
    setup_token: String,
}

/// Makes the signed-in person the administrator, with the setup token.
///
/// Any signed-in person (not a guest) may call it while the installation has no administrator:
/// how the first administrator is made with Clerk, or by someone who registered first. Except
/// with Clerk, the answer carries a new sign-in cookie, since the role change ended the old one.
#[utoipa::path(post, path = "/auth/setup", tag = "auth", request_body = SetupRequest,
    responses((status = 200, description = "Now the administrator", body = UserResponse,
        headers(("Set-Cookie" = String, description = "The replacement `coderoom_session` cookie (not with Clerk)")))))]
async fn claim_setup(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    CurrentUser(user): CurrentUser,
    ApiJson(body): ApiJson<SetupRequest>,
) -> AppResult<Response> {
    state
        .auth
        .registrations
        .admit(&[format!("ip:{client}")])
        .map_err(|refusal| refused(refusal, "setup attempts from this address"))?;
    let setup = redeem_setup_token(&state, &body.setup_token).await?;
    let promoted =
        store::update_by_id(&state.db, &user.id, json!({ "role": Role::Admin })).await?.ok_or_else(unauthorized)?;
    setup.complete();
    state.users.invalidate();
    tracing::info!(user = %promoted.id, "administrator created with the setup token");
    if state.clerk.is_some() {
        Ok(Json(UserResponse { user: promoted.to_user() }).into_response())
    } else {
        // The role change revoked the caller's token; this is its replacement.
        signed_in(&state, StatusCode::OK, &promoted)
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LoginRequest {
    email: String,
    password: String,
}

/// Signs in with an email address and a password.
///
/// Anyone may call it; not with Clerk, and with company sign-in only as `auth.oidc.local_sign_in`
/// allows. The attempt is counted (per address and per client) before the password is checked,
/// and argon2 runs under a concurrency cap, so neither a burst of guesses at one account nor a
/// burst across many accounts gets more than the budget or the memory it allows (429 with
/// `Retry-After` past it).
#[utoipa::path(post, path = "/auth/login", tag = "auth", security(()), request_body = LoginRequest,
    responses((status = 200, description = "Signed in", body = UserResponse,
        headers(("Set-Cookie" = String, description = "The `coderoom_session` sign-in cookie (HttpOnly)")))))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<LoginRequest>,
) -> AppResult<Response> {
    let passwords = password_sign_in(&state)?;
    let email = normalize_email(&body.email)?;
    let (email_key, client_key) = (format!("email:{email}"), format!("ip:{client}"));
    state.auth.login_attempts.admit(&[email_key.clone(), client_key.clone()]).map_err(|refusal| {
        crate::counters::sign_in("refused");
        refused(refusal, "failed sign-in attempts")
    })?;
    let record = store::find_by_email(&state.db, &email).await?;
    let stored_hash = match record.as_ref().and_then(|r| r.password_hash.clone()) {
        Some(hash) => hash,
        None => password::decoy_hash().await.map_err(password::to_app_error)?.to_string(),
    };
    let matches = password::verify(body.password, stored_hash).await.map_err(password::to_app_error)?;
    match record {
        Some(record)
            if matches && !record.disabled && passwords == oidc::LocalSignIn::Admins && record.role != Role::Admin =>
        {
            Err(company_sign_in_only(&state))
        }
        Some(record) if matches && !record.disabled => {
            // The address's guesses are forgiven; the client's other attempts still count, so
            // signing in to one's own account does not reset a guessing budget.
            state.auth.login_attempts.clear(&email_key);
            state.auth.login_attempts.give_back(&client_key);
            let event = crate::audit::Event::new("auth.signed_in").by(crate::audit::Actor::person(&record.to_user()));
            crate::audit::record(&state.db, event.from(client)).await;
            crate::counters::sign_in("ok");
            signed_in(&state, StatusCode::OK, &record)
        }
        _ => {
            // The address guessed, and which account it aimed at; never the password.
            let event = crate::audit::Event::new("auth.sign_in_failed").on(&email).from(client);
            crate::audit::record(&state.db, event).await;
            crate::counters::sign_in("failed");
            Err(AppError::Unauthorized("Invalid email or password".into()))
        }
    }
}

/// Signs out.
///
/// The presented token is revoked on the server (not only its cookie cleared), so a copy of it
/// stops working too. Anyone may call it, signed in or not. Someone who signed in with the company provider gets
/// its sign-out address too (`{"logoutUrl"}`), so that the browser can end that sign-in as well.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security((), ("token" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Signed out of a company sign-in: where to end it at the provider",
            body = LogoutResponse,
            headers(("Set-Cookie" = String, description = "Clears the `coderoom_session` cookie"))),
        (status = 204, description = "Signed out",
            headers(("Set-Cookie" = String, description = "Clears the `coderoom_session` cookie"))),
    ))]
async fn logout(State(state): State<AppState>, parts: Parts) -> AppResult<Response> {
    let mut provider_logout = None;
    if state.clerk.is_none()
        && let Some(claims) = token_from_parts(&parts).and_then(|token| state.tokens.verify(&token))
        && claims.sub != token::SERVICE_SUBJECT
    {
        state.auth.revoked.revoke(&state.db, &claims.jti, claims.exp).await?;
        if let Some(provider) = state.oidc.as_deref()
            && oidc::is_oidc_user(&claims.sub)
        {
            provider_logout = provider.logout_url().await;
        }
    }
    let cleared = [(SET_COOKIE, session_cookie(&state, "", 0))];
    Ok(match provider_logout {
        Some(logout_url) => (cleared, Json(LogoutResponse { logout_url })).into_response(),
        None => (StatusCode::NO_CONTENT, cleared).into_response(),
    })
}

/// Who is signed in: `{user}` when someone is, `{user: null}` otherwise.
///
/// Anyone may call it: it lets the browser ask "who am I?" without a 401 (which browsers log
/// as an error). Guests are answered with their user too.
#[utoipa::path(get, path = "/auth/session", tag = "auth", security((), ("token" = []), ("cookie" = [])),
    responses((status = 200, description = "The signed-in person, or `null`", body = SessionResponse)))]
async fn current_session(State(state): State<AppState>, parts: Parts) -> AppResult<Json<SessionResponse>> {
    Ok(Json(SessionResponse { user: caller(&parts, &state).await? }))
}

/// The person signed in on this request, guests included, if anyone is.
pub async fn caller(parts: &Parts, state: &AppState) -> AppResult<Option<User>> {
    match authenticate(parts, &Authenticator::from_ref(state)).await {
        Ok(Caller::Person(user)) => Ok(Some(user)),
        Ok(Caller::Service) | Err(AppError::Unauthorized(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The signed-in person.
///
/// Anyone signed in, guests of an invitation link included; 401 otherwise.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, description = "The signed-in person", body = UserResponse)))]
async fn me(SignedIn(user): SignedIn) -> Json<UserResponse> {
    Json(UserResponse { user })
}
