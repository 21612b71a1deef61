//! Company sign-in with OpenID Connect (`auth.provider = "oidc"`): the authorization code flow
//! with PKCE against the company's identity provider (Keycloak, Okta, Entra ID, Google,
//! Authentik…), found by discovery.
//!
//! - `GET /api/auth/oidc/start` keeps a pending sign-in (its `state`, `nonce` and PKCE verifier)
//!   in the database for ten minutes, bound to this browser by a random cookie, and sends the
//!   browser to the provider. In the database, so that any instance sharing it can finish it.
//! - `GET /api/auth/oidc/callback` takes the pending sign-in out (at most once: a replayed
//!   `state` finds nothing), checks the browser's cookie, exchanges the code, verifies the ID
//!   token (signature by the provider's published keys, issuer, audience, expiry, nonce, access
//!   token hash), maps the role from a claim, creates or refreshes the user and signs the
//!   browser in with coderoom's own session cookie. From then on the person is authenticated
//!   like a local account, so guests, API keys and WebSockets work unchanged.
//! - Signing keys rotate: a token signed by a key coderoom has not seen re-reads the provider's
//!   metadata and keys (at most every few seconds) and is checked once more.

use std::net::IpAddr;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl, Scope,
    TokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use super::external::{self, Identity, Profile};
use super::store::{self, UserRecord};
use super::{ClientAddr, Role, cookie_value};
use crate::app::AppState;
use crate::audit::{self, Actor, Event};
use crate::db::{Db, take_rows};
use crate::error::AppResult;
use crate::settings::{Problem, Secret, is_http_url};

/// The cookie that ties a pending sign-in to the browser that started it.
const BINDING_COOKIE: &str = "coderoom_oidc";
/// Ids of users who sign in with the provider start with this.
const USER_PREFIX: &str = "oidc_";

pub fn is_oidc_user(id: &str) -> bool {
    id.starts_with(USER_PREFIX)
}

/// How long a started sign-in may take at the provider.
const PENDING_SECS: u64 = 600;
/// Provider metadata and keys are re-read at least this often.
const METADATA_MAX_AGE: Duration = Duration::from_secs(3600);
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest answer read from the provider (metadata, keys, tokens, user info).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// The `[oidc]` section of coderoom.toml, used when `auth.provider = "oidc"`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OidcConfig {
    /// The provider's issuer URL; its `/.well-known/openid-configuration` is read.
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Empty for a public client (PKCE only).
    pub client_secret: Option<Secret>,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The redirect URI registered at the provider; by default
    /// `<public_url>/api/auth/oidc/callback`.
    pub redirect_url: Option<String>,
    /// The sign-in button says "Sign in with <label>".
    pub label: String,
    /// The claim (in the ID token or the user info) whose values map to roles.
    pub role_claim: String,
    /// Claim values that make an administrator.
    pub admin_values: Vec<String>,
    /// Claim values that make an interviewer.
    pub interviewer_values: Vec<String>,
    /// The role of everyone else. With `admin_values` or `interviewer_values` set, roles follow
    /// the provider at every sign-in; without them, new users get this role and keep whatever
    /// an administrator gives them.
    pub default_role: Role,
    /// Who may still sign in with a coderoom password: `admins` (break-glass administrators,
    /// the default), `everyone`, or `nobody`.
    pub local_sign_in: LocalSignIn,
    /// Least time between two re-reads of the provider's keys caused by a token signed with a
    /// key coderoom does not have.
    pub keys_min_refresh_secs: u64,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer: None,
            client_id: None,
            client_secret: None,
            scopes: vec!["email".into(), "profile".into()],
            redirect_url: None,
            label: "company sign-in".into(),
            role_claim: "groups".into(),
            admin_values: Vec::new(),
            interviewer_values: Vec::new(),
            default_role: Role::Candidate,
            local_sign_in: LocalSignIn::Admins,
            keys_min_refresh_secs: 10,
        }
    }
}

/// Who may still sign in with a coderoom password when company sign-in is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LocalSignIn {
    Admins,
    Everyone,
    Nobody,
}

impl OidcConfig {
    /// Problems with the section; `active` when `auth.provider = "oidc"`.
    pub fn validate(&self, active: bool) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut fail = |key: &str, message: String| problems.push(Problem::new(format!("oidc.{key}"), message));
        match &self.issuer {
            Some(issuer) if !is_allowed_url(issuer) => fail(
                "issuer",
                format!("`{issuer}` must be an https:// URL (plain http:// only on this machine's loopback)"),
            ),
            None if active => fail("issuer", "is required when auth.provider is `oidc`".into()),
            _ => {}
        }
        if active && self.client_id.as_deref().is_none_or(|id| id.trim().is_empty()) {
            fail("client_id", "is required when auth.provider is `oidc`".into());
        }
        if let Some(url) = &self.redirect_url
            && !is_http_url(url)
        {
            fail("redirect_url", format!("`{url}` must be an http:// or https:// URL"));
        }
        if self.default_role == Role::Guest {
            fail("default_role", "must be admin, interviewer or candidate".into());
        }
        if self.role_claim.trim().is_empty() {
            fail("role_claim", "must name a claim".into());
        }
        if self.label.trim().is_empty() || self.label.chars().count() > 60 {
            fail("label", "must be 1 to 60 characters".into());
        }
        problems
    }

    /// Whether roles follow the provider at every sign-in.
    fn maps_roles(&self) -> bool {
        !self.admin_values.is_empty() || !self.interviewer_values.is_empty()
    }

    /// The role for a person whose role claim holds `values`.
    fn role_for(&self, values: &[String]) -> Role {
        // Keycloak's group paths start with a slash; either spelling matches.
        let listed = |list: &[String]| {
            values
                .iter()
                .any(|value| list.iter().any(|want| want.trim_start_matches('/') == value.trim_start_matches('/')))
        };
        if listed(&self.admin_values) {
            Role::Admin
        } else if listed(&self.interviewer_values) {
            Role::Interviewer
        } else {
            self.default_role
        }
    }
}

/// https anywhere; http only to this machine (a provider started next to coderoom, or tests).
fn is_allowed_url(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(host, _)| host),
    };
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

struct Addresses {
    redirect: RedirectUrl,
    after_logout: String,
}

/// The provider as discovered, with when it was read.
struct Discovered {
    metadata: ProviderMetadataWithLogout,
    read_at: Instant,
}

pub struct OidcProvider {
    config: OidcConfig,
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    /// Where the provider sends the browser back to, and after signing out of it; set from
    /// the address coderoom listens on when `public_url` does not say.
    addresses: RwLock<Addresses>,
    secure_cookie: bool,
    http: reqwest::Client,
    discovered: Mutex<Option<Discovered>>,
}

impl OidcProvider {
    /// `None` unless `auth.provider = "oidc"`. Does not contact the provider: coderoom starts
    /// (and guests keep working) while it is unreachable.
    pub fn from_config(config: &crate::config::Config, public_url: &str) -> anyhow::Result<Option<Self>> {
        if config.auth.provider != crate::config::SignInProvider::Oidc {
            return Ok(None);
        }
        let oidc = &config.oidc;
        let issuer = oidc.issuer.clone().ok_or_else(|| anyhow::anyhow!("oidc.issuer is required"))?;
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(HTTP_TIMEOUT).build()?;
        Ok(Some(Self {
            issuer: IssuerUrl::new(issuer.trim_end_matches('/').to_string())?,
            client_id: ClientId::new(oidc.client_id.clone().unwrap_or_default()),
            client_secret: oidc
                .client_secret
                .as_ref()
                .filter(|secret| !secret.is_empty())
                .map(|secret| ClientSecret::new(secret.to_string())),
            addresses: RwLock::new(Self::addresses(oidc, public_url)?),
            secure_cookie: config.secure_cookie(),
            config: oidc.clone(),
            http,
            discovered: Mutex::new(None),
        }))
    }

    fn addresses(config: &OidcConfig, public_url: &str) -> anyhow::Result<Addresses> {
        let redirect = config.redirect_url.clone().unwrap_or_else(|| format!("{public_url}/api/auth/oidc/callback"));
        Ok(Addresses { redirect: RedirectUrl::new(redirect)?, after_logout: format!("{public_url}/login") })
    }

    /// Once listening: the address that `public_url` (when set) or the bound socket gives.
    pub fn listening_at(&self, public_url: &str) -> anyhow::Result<()> {
        *self.addresses.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Self::addresses(&self.config, public_url)?;
        Ok(())
    }

    fn redirect(&self) -> RedirectUrl {
        self.addresses.read().unwrap_or_else(|poisoned| poisoned.into_inner()).redirect.clone()
    }

    pub fn label(&self) -> &str {
        &self.config.label
    }

    pub fn local_sign_in(&self) -> LocalSignIn {
        self.config.local_sign_in
    }

    /// The provider's metadata and keys: cached for an hour, re-read sooner when `stale_keys`
    /// (a token named a key coderoom does not have) and the last read is a few seconds old.
    async fn metadata(&self, stale_keys: bool) -> anyhow::Result<ProviderMetadataWithLogout> {
        let mut discovered = self.discovered.lock().await;
        if let Some(current) = discovered.as_ref() {
            let age = current.read_at.elapsed();
            let least = Duration::from_secs(self.config.keys_min_refresh_secs);
            let fresh = if stale_keys { age < least } else { age < METADATA_MAX_AGE };
            if fresh {
                return Ok(current.metadata.clone());
            }
        }
        let http = |request| send(self.http.clone(), request);
        match ProviderMetadataWithLogout::discover_async(self.issuer.clone(), &http).await {
            Ok(metadata) => {
                *discovered = Some(Discovered { metadata: metadata.clone(), read_at: Instant::now() });
                Ok(metadata)
            }
            // A provider that is down for a moment: the keys read before are still good.
            Err(err) => match discovered.as_ref() {
                Some(current) => {
                    tracing::warn!(error = %err, "cannot re-read the OpenID provider's metadata; using the last");
                    Ok(current.metadata.clone())
                }
                None => Err(anyhow::anyhow!("cannot read the OpenID provider's metadata: {err}")),
            },
        }
    }

    fn client(&self, metadata: ProviderMetadataWithLogout) -> OidcClient {
        CoreClient::from_provider_metadata(metadata, self.client_id.clone(), self.client_secret.clone())
            .set_redirect_uri(self.redirect())
    }

    /// `config check --online`: the provider's metadata is read and publishes signing keys.
    pub async fn check_reachable(&self) -> anyhow::Result<()> {
        let metadata = self.metadata(false).await?;
        anyhow::ensure!(!metadata.jwks().keys().is_empty(), "the provider publishes no signing keys");
        Ok(())
    }

    /// Where the browser goes to sign out of the provider too, when it supports that.
    pub async fn logout_url(&self) -> Option<String> {
        let metadata = self.metadata(false).await.ok()?;
        let mut url = metadata.additional_metadata().end_session_endpoint.as_ref()?.url().clone();
        let after_logout = self.addresses.read().unwrap_or_else(|poisoned| poisoned.into_inner()).after_logout.clone();
        url.query_pairs_mut()
            .append_pair("client_id", self.client_id.as_str())
            .append_pair("post_logout_redirect_uri", &after_logout);
        Some(url.to_string())
    }
}

type OidcClient = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct TransportError(String);

/// The HTTP client the OpenID library calls: coderoom's own, with no redirects followed (a
/// provider's answer is never allowed to point coderoom at another address) and a size cap.
async fn send(
    http: reqwest::Client,
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, TransportError> {
    let failed = |err: &dyn std::fmt::Display| TransportError(err.to_string());
    let (parts, body) = request.into_parts();
    let mut response = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|err| failed(&err))?;
    let mut received = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|err| failed(&err))? {
        if received.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(TransportError("the provider's answer is too large".into()));
        }
        received.extend_from_slice(&chunk);
    }
    let mut answer = openidconnect::HttpResponse::new(received);
    *answer.status_mut() = response.status();
    *answer.headers_mut() = response.headers().clone();
    Ok(answer)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// Where to go once signed in: a path of this site (anything else means `/dashboard`).
    next: Option<String>,
}

/// Starts company sign-in: sends the browser to the identity provider.
///
/// Anyone may call it (a browser navigation, not an API call); 404 when company sign-in is not
/// configured. The pending sign-in is bound to this browser by the `coderoom_oidc` cookie. When
/// the provider cannot be reached, or this address started too many sign-ins, the browser is
/// sent back to `/login?error=unreachable` or `/login?error=busy` instead.
#[utoipa::path(get, path = "/auth/oidc/start", tag = "auth", security(()), params(StartQuery),
    responses((status = 303, description = "See Other: to the provider's authorization endpoint, or back to sign-in",
        headers(
            ("Location" = String, description = "The provider's authorization URL, or `/login?error=<code>`"),
            ("Set-Cookie" = String,
                description = "`coderoom_oidc`: binds the pending sign-in to this browser (cleared when sent back)"),
        ))))]
pub async fn start(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Query(query): Query<StartQuery>,
) -> AppResult<Response> {
    let Some(provider) = state.oidc.as_deref() else {
        return Err(crate::error::AppError::NotFound("Company sign-in is not configured on this server".into()));
    };
    // Every start stores a row: an address gets the registration budget of them.
    if state.auth.registrations.admit(&[format!("oidc-start:{client}")]).is_err() {
        return Ok(back_to_sign_in(provider, Outcome::Busy));
    }
    let metadata = match provider.metadata(false).await {
        Ok(metadata) => metadata,
        Err(err) => {
            tracing::warn!(error = %err, "company sign-in unavailable");
            return Ok(back_to_sign_in(provider, Outcome::Unreachable));
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let client = provider.client(metadata);
    let mut request = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .set_pkce_challenge(challenge);
    for scope in provider.config.scopes.iter().filter(|scope| scope.as_str() != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (authorize_url, csrf, nonce) = request.url();
    let binding = super::token::random_secret();
    pending::put(
        &state.db,
        &pending::Pending {
            binding: digest(&binding),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            next: safe_next(query.next.as_deref()),
        },
        csrf.secret(),
    )
    .await?;
    let cookie = binding_cookie(provider, &binding, PENDING_SECS);
    Ok((StatusCode::SEE_OTHER, [(LOCATION, header_value(authorize_url.as_str())), (SET_COOKIE, cookie)])
        .into_response())
}

/// A path on this site, never another origin (`//host`, `/\host`, a scheme).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 2048
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/dashboard".into(),
    }
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("/"))
}

fn binding_cookie(provider: &OidcProvider, value: &str, max_age: u64) -> HeaderValue {
    // Lax, not Strict: the provider's redirect back is a cross-site navigation.
    let secure = if provider.secure_cookie { "; Secure" } else { "" };
    header_value(&format!(
        "{BINDING_COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/api/auth/oidc; Max-Age={max_age}{secure}"
    ))
}

/// Back to the sign-in page, which explains `outcome`; the pending sign-in's cookie is cleared.
fn back_to_sign_in(provider: &OidcProvider, outcome: Outcome) -> Response {
    let location = format!("/login?error={}", outcome.code());
    (StatusCode::SEE_OTHER, [(LOCATION, header_value(&location)), (SET_COOKIE, binding_cookie(provider, "", 0))])
        .into_response()
}

/// What the provider adds to the callback address (OpenID Connect's authorization response).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// The authorization code, on success.
    code: Option<String>,
    /// The `state` of the pending sign-in.
    state: Option<String>,
    /// The provider's error code, when it refused (`access_denied` when the person cancelled).
    error: Option<String>,
    error_description: Option<String>,
}

/// Why a sign-in failed: what the person is told, and what the log and audit log keep.
struct Refusal {
    shown: Outcome,
    reason: String,
}

fn refusal(shown: Outcome, reason: impl Into<String>) -> Refusal {
    Refusal { shown, reason: reason.into() }
}

/// Why the sign-in page is shown again, as a code in its address (`/login?error=used`); the
/// page has the words, so that nobody can make coderoom's page say what they like.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    Failed,
    Busy,
    Unreachable,
    Cancelled,
    Used,
    OtherBrowser,
    Disabled,
}

impl Outcome {
    fn code(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Busy => "busy",
            Self::Unreachable => "unreachable",
            Self::Cancelled => "cancelled",
            Self::Used => "used",
            Self::OtherBrowser => "other-browser",
            Self::Disabled => "disabled",
        }
    }
}

/// Finishes company sign-in: where the provider sends the browser back.
///
/// Anyone may call it (the provider's redirect); 404 when company sign-in is not configured.
/// On success the browser is signed in with coderoom's own session cookie and sent on to the
/// `next` path given at the start; otherwise back to the sign-in page with the reason's code
/// (`/login?error=failed|cancelled|used|other-browser|disabled|unreachable`).
#[utoipa::path(get, path = "/auth/oidc/callback", tag = "auth", security(()),
    params(CallbackQuery, ("coderoom_oidc" = Option<String>, Cookie, description = "Set by the start of this sign-in")),
    responses((status = 303, description = "See Other: signed in and on to the page asked for, or back to sign-in",
        headers(
            ("Location" = String, description = "The path given as `next` at the start, or `/login?error=<code>`"),
            ("Set-Cookie" = String,
                description = "On success the `coderoom_session` sign-in cookie; always clears `coderoom_oidc`"),
        ))))]
pub async fn callback(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> AppResult<Response> {
    let Some(provider) = state.oidc.as_deref() else {
        return Err(crate::error::AppError::NotFound("Company sign-in is not configured on this server".into()));
    };
    match complete(&state, provider, &headers, query).await? {
        Ok((record, next)) => {
            audit::record(
                &state.db,
                Event::new("auth.signed_in")
                    .by(Actor::person(&record.to_user()))
                    .detail(json!({ "via": "oidc" }))
                    .from(client),
            )
            .await;
            crate::counters::sign_in("ok");
            let mut response = (StatusCode::SEE_OTHER, [(LOCATION, header_value(&next))]).into_response();
            let cookies = response.headers_mut();
            cookies.append(SET_COOKIE, super::sign_in_cookie(&state, &record)?);
            cookies.append(SET_COOKIE, binding_cookie(provider, "", 0));
            Ok(response)
        }
        Err(refused) => {
            tracing::info!(reason = %refused.reason, "company sign-in refused");
            let event = Event::new("auth.sign_in_failed").detail(json!({ "via": "oidc", "reason": refused.reason }));
            audit::record(&state.db, event.from(client)).await;
            crate::counters::sign_in("failed");
            Ok(back_to_sign_in(provider, refused.shown))
        }
    }
}

/// The checks of a callback, in order; the outer error is coderoom's own (a database failure).
async fn complete(
    state: &AppState,
    provider: &OidcProvider,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> AppResult<Result<(UserRecord, String), Refusal>> {
    if let Some(error) = query.error {
        let description = query.error_description.unwrap_or_default();
        let shown = if error == "access_denied" { Outcome::Cancelled } else { Outcome::Failed };
        return Ok(Err(refusal(shown, format!("the provider answered {error}: {description}"))));
    }
    let (Some(code), Some(csrf)) = (query.code, query.state) else {
        return Ok(Err(refusal(Outcome::Failed, "callback without code or state")));
    };
    let Some(pending) = pending::take(&state.db, &csrf).await? else {
        return Ok(Err(refusal(Outcome::Used, "unknown, used or expired state")));
    };
    let binding = cookie_value(headers, BINDING_COOKIE).unwrap_or_default();
    if digest(&binding) != pending.binding {
        return Ok(Err(refusal(Outcome::OtherBrowser, "the state does not belong to this browser")));
    }
    let claims = match verified_claims(provider, code, &pending).await {
        Ok(claims) => claims,
        Err(refused) => return Ok(Err(refused)),
    };
    let record = match sign_in_person(state, provider, &claims).await? {
        Ok(record) => record,
        Err(refused) => return Ok(Err(refused)),
    };
    Ok(Ok((record, pending.next)))
}

/// Exchanges the code and returns the verified ID token's claims, completed by the user info
/// endpoint when the token leaves out the profile or the role claim.
async fn verified_claims(
    provider: &OidcProvider,
    code: String,
    pending: &pending::Pending,
) -> Result<Map<String, Value>, Refusal> {
    let unreachable = |err: &dyn std::fmt::Display| refusal(Outcome::Unreachable, err.to_string());
    let metadata = provider.metadata(false).await.map_err(|err| unreachable(&err))?;
    let client = provider.client(metadata);
    let http = |request| send(provider.http.clone(), request);
    let exchange = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|err| refusal(Outcome::Failed, format!("the provider has no token endpoint: {err}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()));
    let tokens = exchange
        .request_async(&http)
        .await
        .map_err(|err| refusal(Outcome::Failed, format!("the code exchange failed: {err}")))?;
    let id_token = tokens.id_token().ok_or_else(|| refusal(Outcome::Failed, "the token answer has no ID token"))?;
    let nonce = Nonce::new(pending.nonce.clone());
    let mut client = client;
    let mut checked = id_token.claims(&client.id_token_verifier(), &nonce).cloned();
    if let Err(ClaimsVerificationError::SignatureVerification(_)) = checked {
        // Perhaps the provider rotated its keys since they were read.
        let metadata = provider.metadata(true).await.map_err(|err| unreachable(&err))?;
        client = provider.client(metadata);
        checked = id_token.claims(&client.id_token_verifier(), &nonce).cloned();
    }
    let id_claims = checked.map_err(|err| refusal(Outcome::Failed, format!("the ID token was refused: {err}")))?;
    let verifier = client.id_token_verifier();
    if let Some(expected) = id_claims.access_token_hash() {
        let algorithm = id_token.signing_alg().map_err(|err| refusal(Outcome::Failed, err.to_string()))?;
        let key = id_token.signing_key(&verifier).map_err(|err| refusal(Outcome::Failed, err.to_string()))?;
        let actual = AccessTokenHash::from_token(tokens.access_token(), algorithm, key)
            .map_err(|err| refusal(Outcome::Failed, err.to_string()))?;
        if actual != *expected {
            return Err(refusal(Outcome::Failed, "the access token does not match the ID token's at_hash"));
        }
    }
    // Verified above; read whole for the claims the library does not model (the role claim).
    let mut claims =
        jwt_payload(&id_token.to_string()).ok_or_else(|| refusal(Outcome::Failed, "unreadable ID token"))?;
    let wanted = ["email", "name", provider.config.role_claim.as_str()];
    if wanted.iter().any(|claim| !claims.contains_key(*claim))
        && let Some(endpoint) = client.user_info_url()
    {
        match user_info(provider, endpoint.url().as_str(), tokens.access_token().secret()).await {
            Ok(info) if info.get("sub") == claims.get("sub") => {
                for (name, value) in info {
                    claims.entry(name).or_insert(value);
                }
            }
            Ok(_) => return Err(refusal(Outcome::Failed, "the user info is about another subject")),
            Err(err) => tracing::warn!(error = %err, "cannot read the OpenID user info; using the ID token alone"),
        }
    }
    Ok(claims)
}

fn jwt_payload(jwt: &str) -> Option<Map<String, Value>> {
    use base64::Engine;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The user info of `access_token`, read through [`send`] like every answer of the provider.
async fn user_info(provider: &OidcProvider, endpoint: &str, access_token: &str) -> anyhow::Result<Map<String, Value>> {
    let request = openidconnect::http::Request::get(endpoint)
        .header(openidconnect::http::header::AUTHORIZATION, format!("Bearer {access_token}"))
        .body(Vec::new())?;
    let response = send(provider.http.clone(), request).await?;
    anyhow::ensure!(response.status().is_success(), "the user info endpoint answered {}", response.status());
    Ok(serde_json::from_slice(response.body())?)
}

/// Strings of a claim that is a string or a list of strings.
fn claim_values(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Value::String(value)) => vec![value.clone()],
        Some(Value::Array(values)) => values.iter().filter_map(Value::as_str).take(1000).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn profile(claims: &Map<String, Value>) -> Profile {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::trim).filter(|v| !v.is_empty());
    let full_name = match (text("given_name"), text("family_name")) {
        (Some(given), Some(family)) => Some(format!("{given} {family}")),
        (given, family) => given.or(family).map(str::to_string),
    };
    // An address the provider says it has not verified is not shown as the person's.
    let verified = claims.get("email_verified").and_then(Value::as_bool) != Some(false);
    Profile {
        name: text("name").map(str::to_string).or(full_name).or_else(|| text("preferred_username").map(str::to_string)),
        email: text("email").filter(|_| verified).and_then(|email| super::normalize_email(email).ok()),
        image: text("picture").filter(|url| url.starts_with("https://")).map(str::to_string),
    }
}

/// The local user for verified claims: created on first sign-in, refreshed on each, with the
/// role the claim maps to when roles follow the provider.
async fn sign_in_person(
    state: &AppState,
    provider: &OidcProvider,
    claims: &Map<String, Value>,
) -> AppResult<Result<UserRecord, Refusal>> {
    let (Some(issuer), Some(subject)) =
        (claims.get("iss").and_then(Value::as_str), claims.get("sub").and_then(Value::as_str))
    else {
        return Ok(Err(refusal(Outcome::Failed, "the ID token has no issuer or subject")));
    };
    let id = format!("{USER_PREFIX}{}", &digest(&format!("{issuer}\n{subject}"))[..32]);
    let config = &provider.config;
    let role = config.role_for(&claim_values(claims, &config.role_claim));
    let identity = Identity {
        id: id.clone(),
        link: json!({ "oidc_issuer": issuer, "oidc_subject": subject }),
        placeholder_email: format!("{id}@oidc.invalid"),
        role,
    };
    let mut record = external::create_or_update(&state.db, &identity, &profile(claims)).await?;
    if record.disabled {
        return Ok(Err(refusal(Outcome::Disabled, format!("{id} is disabled"))));
    }
    if config.maps_roles() && record.role != role {
        // The new role revokes the sessions signed in with the old one.
        let before = record.role;
        record = store::update_by_id(&state.db, &id, json!({ "role": role }))
            .await?
            .ok_or_else(|| anyhow::anyhow!("user {id} vanished"))?;
        state.users.invalidate();
        let event =
            Event::new("user.role_changed").on(&id).detail(json!({ "from": before, "to": role, "via": "oidc" }));
        audit::record(&state.db, event).await;
    }
    Ok(Ok(record))
}

/// Sign-ins started and not finished yet, one row each, keyed by a digest of their `state`.
mod pending {
    use super::*;

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Pending {
        /// Digest of the browser's binding cookie.
        pub binding: String,
        pub nonce: String,
        pub verifier: String,
        pub next: String,
    }

    pub async fn put(db: &Db, pending: &Pending, csrf: &str) -> anyhow::Result<()> {
        db.query(
            "DELETE oidc_login WHERE expires_at < time::now();
             CREATE type::record('oidc_login', $key) CONTENT {
                binding: $pending.binding, nonce: $pending.nonce, verifier: $pending.verifier,
                next: $pending.next, expires_at: time::now() + <duration>$ttl
             } RETURN NONE",
        )
        .bind(json!({ "key": digest(csrf), "pending": pending, "ttl": format!("{PENDING_SECS}s") }))
        .await?
        .check()?;
        Ok(())
    }

    /// Removes and returns the pending sign-in of `csrf` if it has not expired: one statement,
    /// so two callbacks with the same `state` cannot both have it.
    pub async fn take(db: &Db, csrf: &str) -> anyhow::Result<Option<Pending>> {
        let mut response = db
            .query("DELETE type::record('oidc_login', $key) WHERE expires_at > time::now() RETURN BEFORE")
            .bind(json!({ "key": digest(csrf) }))
            .await?
            .check()?;
        Ok(take_rows::<Pending>(&mut response, 0)?.pop())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_listed_claim_values() {
        let config = OidcConfig {
            admin_values: vec!["/coderoom-admins".into()],
            interviewer_values: vec!["interviewers".into()],
            ..OidcConfig::default()
        };
        assert!(config.maps_roles());
        assert_eq!(config.role_for(&["coderoom-admins".into()]), Role::Admin);
        assert_eq!(config.role_for(&["/interviewers".into(), "staff".into()]), Role::Interviewer);
        assert_eq!(config.role_for(&["staff".into()]), Role::Candidate);
        assert!(!OidcConfig::default().maps_roles());
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/session/abc?x=1")), "/session/abc?x=1");
        for outside in ["//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", ""] {
            assert_eq!(safe_next(Some(outside)), "/dashboard", "{outside}");
        }
        assert_eq!(safe_next(None), "/dashboard");
    }

    #[test]
    fn plain_http_issuers_only_on_loopback() {
        assert!(is_allowed_url("https://sso.example.com/realms/staff"));
        assert!(is_allowed_url("http://127.0.0.1:8081/realms/staff"));
        assert!(is_allowed_url("http://localhost:8081"));
        assert!(is_allowed_url("http://[::1]:8081/"));
        assert!(!is_allowed_url("http://sso.internal/realms/staff"));
        assert!(!is_allowed_url("http://10.0.0.5:8081"));
        assert!(!is_allowed_url("ftp://sso.example.com"));
    }

    #[test]
    fn profile_reads_standard_claims_and_ignores_unverified_addresses() {
        let claims = json!({
            "sub": "1", "given_name": "Ada", "family_name": "Lovelace",
            "email": "Ada@Example.com", "picture": "http://insecure.example/a.png"
        });
        let profile = profile(claims.as_object().expect("object"));
        assert_eq!(profile.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(profile.email.as_deref(), Some("ada@example.com"));
        assert_eq!(profile.image, None);
        let unverified = json!({ "sub": "1", "email": "ada@example.com", "email_verified": false });
        assert_eq!(super::profile(unverified.as_object().expect("object")).email, None);
    }

    #[test]
    fn role_claim_may_be_a_string_or_a_list() {
        let claims = json!({ "groups": ["a", "b", 3], "role": "admin" });
        let claims = claims.as_object().expect("object");
        assert_eq!(claim_values(claims, "groups"), ["a", "b"]);
        assert_eq!(claim_values(claims, "role"), ["admin"]);
        assert!(claim_values(claims, "missing").is_empty());
    }
}
