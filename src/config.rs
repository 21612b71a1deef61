//! Configuration: built-in defaults ← `coderoom.toml` ← `CODEROOM_*` environment ← command-line flags.
//!
//! Environment names are the TOML path in upper case with the section joined by `_`:
//! `CODEROOM_BIND` → `bind`, `CODEROOM_DATA_DIR` → `data_dir`, `CODEROOM_AUTH_PROVIDER` →
//! `auth.provider`, `CODEROOM_SESSIONS_SEATS` → `sessions.seats`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::db::DatabaseConfig;
use crate::realtime::RealtimeConfig;
use crate::sandbox::SandboxConfig;
use crate::settings::{Problem, Secret, is_http_url};
use crate::tls::{TlsConfig, TlsMode};

/// Sections of the file; an environment variable whose name starts with one of these
/// (followed by `_`) is routed into that section.
const SECTIONS: &[&str] = &[
    "database", "auth", "sessions", "record", "http", "log", "sandbox", "realtime", "clerk", "oidc", "stream", "tls",
    "metrics", "audit",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub bind: String,
    /// The URL people use to reach coderoom; used for links, cookie security and origin checks.
    pub public_url: Option<String>,
    /// Where coderoom keeps its database, secret key and other state.
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub auth: AuthConfig,
    pub sessions: SessionsConfig,
    pub record: RecordConfig,
    pub http: HttpConfig,
    pub log: LogConfig,
    pub sandbox: SandboxConfig,
    pub clerk: ClerkConfig,
    pub oidc: crate::auth::oidc::OidcConfig,
    pub stream: StreamConfig,
    pub realtime: RealtimeConfig,
    pub tls: TlsConfig,
    pub metrics: crate::metrics::MetricsConfig,
    pub audit: crate::audit::AuditConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            data_dir: PathBuf::from("data"),
            database: DatabaseConfig::default(),
            auth: AuthConfig::default(),
            sessions: SessionsConfig::default(),
            record: RecordConfig::default(),
            http: HttpConfig::default(),
            log: LogConfig::default(),
            sandbox: SandboxConfig::default(),
            clerk: ClerkConfig::default(),
            oidc: crate::auth::oidc::OidcConfig::default(),
            stream: StreamConfig::default(),
            realtime: RealtimeConfig::default(),
            tls: TlsConfig::default(),
            metrics: crate::metrics::MetricsConfig::default(),
            audit: crate::audit::AuditConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Registration {
    /// Anyone who can reach the server may create an account.
    Open,
    /// Only addresses an administrator created or invited (via `coderoom users create`).
    InviteOnly,
    /// Nobody but the first administrator may register.
    Closed,
}

/// Who signs people in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignInProvider {
    /// coderoom's own accounts and passwords.
    Local,
    /// Clerk session tokens (see `[clerk]`).
    Clerk,
    /// The company's OpenID Connect provider (see `[oidc]`).
    Oidc,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub provider: SignInProvider,
    /// Key that signs sign-in tokens. Generated into `<data_dir>/auth-secret` when absent.
    pub secret: Option<Secret>,
    pub registration: Registration,
    /// How long a sign-in lasts, in hours.
    pub token_ttl_hours: u64,
    /// Failed sign-ins allowed per e-mail address and per client address within a minute.
    pub login_attempts_per_minute: u32,
    /// Registrations (and setup-token attempts) allowed per client address within a minute.
    pub registrations_per_minute: u32,
    /// Mark the cookie `Secure`; by default on when `public_url` is https.
    pub secure_cookie: Option<bool>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            provider: SignInProvider::Local,
            secret: None,
            registration: Registration::Open,
            token_ttl_hours: 24 * 7,
            login_attempts_per_minute: 10,
            registrations_per_minute: 30,
            secure_cookie: None,
        }
    }
}

/// Clerk sign-in, used when `auth.provider = "clerk"`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClerkConfig {
    /// `pk_test_…` / `pk_live_…`: public, given to the browser; encodes the Frontend API host.
    pub publishable_key: Option<String>,
    /// `sk_test_…` / `sk_live_…`: lets the server read JWKS and user profiles from the Backend API.
    pub secret_key: Option<Secret>,
    /// Where the signing keys are fetched from; by default the Frontend API's JWKS.
    pub jwks_url: Option<String>,
    /// The instance's PEM public key: verification without any network access.
    pub pem_public_key: Option<String>,
    /// Expected `iss`; by default the Frontend API URL encoded in the publishable key.
    pub issuer: Option<String>,
    /// `whsec_…`: verifies the Svix signatures of `POST /api/webhooks/clerk`.
    pub webhook_secret: Option<Secret>,
    /// Origins accepted in a token's `azp` claim; by default coderoom's `public_url`.
    pub authorized_parties: Vec<String>,
    /// Clerk's Backend API (profiles of new users, JWKS with the secret key).
    pub api_url: String,
    /// Least time between two JWKS downloads caused by tokens with an unknown `kid`.
    pub jwks_min_refresh_secs: u64,
}

impl Default for ClerkConfig {
    fn default() -> Self {
        Self {
            publishable_key: None,
            secret_key: None,
            jwks_url: None,
            pem_public_key: None,
            issuer: None,
            webhook_secret: None,
            authorized_parties: Vec::new(),
            api_url: "https://api.clerk.com".into(),
            jwks_min_refresh_secs: 10,
        }
    }
}

impl ClerkConfig {
    /// The Frontend API host encoded in the publishable key: `pk_test_` + base64("<host>$").
    pub fn frontend_api_host(&self) -> Option<String> {
        use base64::Engine;
        let key = self.publishable_key.as_deref()?;
        let encoded = key.strip_prefix("pk_test_").or_else(|| key.strip_prefix("pk_live_"))?;
        let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
        let decoded = engine.decode(encoded.trim_end_matches('=')).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let host = text.strip_suffix('$')?;
        let plausible = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c));
        plausible.then(|| host.to_string())
    }

    /// The `iss` that session tokens must carry.
    pub fn expected_issuer(&self) -> Option<String> {
        match &self.issuer {
            Some(issuer) => Some(issuer.trim_end_matches('/').to_string()),
            None => self.frontend_api_host().map(|host| format!("https://{host}")),
        }
    }
}

/// Stream video and chat, used when both keys are set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StreamConfig {
    /// Public: the browser SDKs need it.
    pub api_key: Option<String>,
    /// Signs user and server tokens; never leaves the server.
    pub api_secret: Option<Secret>,
    /// Stream's REST endpoint.
    pub base_url: String,
    /// Lifetime of the user tokens given to browsers, in seconds.
    pub token_ttl_secs: u64,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            api_key: None,
            api_secret: None,
            base_url: "https://chat.stream-io-api.com".into(),
            token_ttl_secs: 3600,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionsConfig {
    /// Candidate seats plus the host (2 = host + one candidate).
    pub seats: u32,
    /// Co-interviewers a session may have besides its host.
    pub interviewer_seats: u32,
    /// Active sessions one person may host at once.
    pub max_active_per_host: u32,
    /// Who may create and host sessions: `interviewers` (interviewer and admin accounts, for
    /// a hiring team) or `everyone` (candidate accounts too, for pair programming).
    pub who_may_host: WhoMayHost,
    /// How long an invitation link stays valid unless its creator says otherwise (it also
    /// stops working when the session ends).
    pub invite_hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WhoMayHost {
    Interviewers,
    Everyone,
}

impl Default for SessionsConfig {
    fn default() -> Self {
        Self {
            seats: 2,
            interviewer_seats: 4,
            max_active_per_host: 10,
            who_may_host: WhoMayHost::Interviewers,
            invite_hours: 7 * 24,
        }
    }
}

/// The interviewer's record of a session.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecordConfig {
    /// When a session's interviewers (and administrators) may read each other's notes:
    /// `after_end` (so that nobody's judgement leans on another's during the interview),
    /// `always`, or `never` (each interviewer reads only their own).
    pub share_notes: NotesSharing,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotesSharing {
    #[default]
    AfterEnd,
    Always,
    Never,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Origins allowed to call the API from a browser, besides coderoom's own.
    pub allowed_origins: Vec<String>,
    /// Largest accepted request body, in KiB.
    pub body_limit_kb: usize,
    /// Seconds before a request is abandoned with 408.
    pub request_timeout_secs: u64,
    /// Reverse proxies (addresses or CIDR networks) whose `X-Forwarded-For` names the client;
    /// from anyone else the header is ignored and the socket's peer is the client.
    pub trusted_proxies: Vec<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self { allowed_origins: Vec::new(), body_limit_kb: 256, request_timeout_secs: 120, trusted_proxies: Vec::new() }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A tracing filter such as `info` or `coderoom=debug,info`.
    pub level: String,
    pub format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people reading a terminal or the journal.
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".into(), format: LogFormat::Text }
    }
}

impl Config {
    /// Defaults, then the file (if any), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            anyhow::ensure!(path.exists(), "configuration file {} does not exist", path.display());
            figment = figment.merge(Toml::file_exact(path));
        }
        let config: Config =
            figment.merge(environment()).extract().map_err(|err| anyhow::anyhow!(describe_figment_error(err)))?;
        config.validate().map_err(|problems| {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("invalid configuration:\n  {}", lines.join("\n  "))
        })?;
        Ok(config)
    }

    pub fn bind_addr(&self) -> anyhow::Result<SocketAddr> {
        self.bind.parse().with_context(|| format!("bind: `{}` is not an address such as 127.0.0.1:8080", self.bind))
    }

    /// The URL printed at start-up and used for origin checks.
    pub fn public_url(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None if self.serves_tls() => format!("https://{bound}"),
            None => format!("http://{bound}"),
        }
    }

    /// Whether coderoom itself serves HTTPS (`tls.mode` other than `off`).
    pub fn serves_tls(&self) -> bool {
        self.tls.effective_mode(&self.bind) != TlsMode::Off
    }

    /// Whether browsers reach coderoom over HTTPS, served here or by a proxy in front.
    pub fn reached_over_https(&self) -> bool {
        self.serves_tls() || self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    pub fn secure_cookie(&self) -> bool {
        self.auth.secure_cookie.unwrap_or_else(|| self.reached_over_https())
    }

    /// Checks that go beyond types: every problem found, each with its key.
    /// Logs a warning for each retired setting still present.
    pub fn warn_retired(&self) {
        if self.database.cache_mb.is_some() {
            tracing::warn!("database.cache_mb is no longer used and has no effect; remove it from the configuration");
        }
    }

    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut fail = |key: &str, message: String| problems.push(Problem { key: key.into(), message, line: None });
        if self.bind.parse::<SocketAddr>().is_err() {
            fail("bind", format!("`{}` is not an address such as 127.0.0.1:8080", self.bind));
        }
        if let Some(url) = &self.public_url
            && !is_http_url(url)
        {
            fail("public_url", format!("`{url}` must start with http:// or https://"));
        }
        if let Some(url) = &self.database.url
            && !(url.starts_with("ws://") || url.starts_with("wss://"))
        {
            fail("database.url", format!("`{url}` must be a ws:// or wss:// URL of a SurrealDB server"));
        }
        for Problem { key, message, .. } in self.oidc.validate(self.auth.provider == SignInProvider::Oidc) {
            fail(&key, message);
        }
        if let Some(secret) = &self.auth.secret
            && secret.len() < 32
        {
            fail("auth.secret", "must be at least 32 characters".into());
        }
        if self.auth.token_ttl_hours == 0 {
            fail("auth.token_ttl_hours", "must be at least 1".into());
        }
        if self.auth.login_attempts_per_minute == 0 {
            fail("auth.login_attempts_per_minute", "must be at least 1".into());
        }
        if self.auth.registrations_per_minute == 0 {
            fail("auth.registrations_per_minute", "must be at least 1".into());
        }
        for proxy in &self.http.trusted_proxies {
            if let Err(message) = crate::auth::proxies::Network::parse(proxy) {
                fail("http.trusted_proxies", message);
            }
        }
        if self.sessions.interviewer_seats > 16 {
            fail("sessions.interviewer_seats", format!("{} is more than 16", self.sessions.interviewer_seats));
        }
        if !(1..=24 * 365).contains(&self.sessions.invite_hours) {
            fail("sessions.invite_hours", format!("{} is out of range 1..=8760", self.sessions.invite_hours));
        }
        if !(2..=16).contains(&self.sessions.seats) {
            fail("sessions.seats", format!("{} is out of range 2..=16", self.sessions.seats));
        }
        if self.sessions.max_active_per_host == 0 {
            fail("sessions.max_active_per_host", "must be at least 1".into());
        }
        for origin in &self.http.allowed_origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) || origin.ends_with('/') {
                fail("http.allowed_origins", format!("`{origin}` must be an origin such as https://example.com"));
            }
        }
        if self.http.body_limit_kb == 0 {
            fail("http.body_limit_kb", "must be at least 1".into());
        }
        if let Err(err) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            fail("log.level", format!("`{}` is not a valid filter: {err}", self.log.level));
        }
        problems.extend(self.sandbox.validate());
        problems.extend(self.validate_clerk());
        problems.extend(self.validate_stream());
        problems.extend(self.realtime.validate());
        problems.extend(self.tls.validate(&self.bind, self.public_url.as_deref()));
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

impl Config {
    fn validate_clerk(&self) -> Vec<Problem> {
        let clerk = &self.clerk;
        let mut problems = Vec::new();
        let mut fail = |key: &str, message: &str| problems.push(Problem::new(key, message));
        if let Some(key) = &clerk.publishable_key
            && clerk.frontend_api_host().is_none()
        {
            let shown: String = key.chars().take(12).collect();
            fail("clerk.publishable_key", &format!("`{shown}…` is not a pk_test_/pk_live_ key"));
        }
        if let Some(key) = &clerk.secret_key
            && !(key.starts_with("sk_test_") || key.starts_with("sk_live_"))
        {
            fail("clerk.secret_key", "must start with sk_test_ or sk_live_");
        }
        for (key, url) in [("clerk.jwks_url", clerk.jwks_url.as_deref()), ("clerk.issuer", clerk.issuer.as_deref())] {
            if let Some(url) = url
                && !is_http_url(url)
            {
                fail(key, &format!("`{url}` must be an http:// or https:// URL"));
            }
        }
        if !is_http_url(&clerk.api_url) {
            fail("clerk.api_url", "must be an http:// or https:// URL");
        }
        if let Some(pem) = &clerk.pem_public_key
            && jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes()).is_err()
        {
            fail("clerk.pem_public_key", "is not a PEM-encoded RSA public key");
        }
        if let Some(secret) = &clerk.webhook_secret
            && crate::auth::svix::decode_secret(secret).is_none()
        {
            fail("clerk.webhook_secret", "must be whsec_ followed by base64");
        }
        for origin in &clerk.authorized_parties {
            if !is_http_url(origin) || origin.ends_with('/') {
                fail("clerk.authorized_parties", &format!("`{origin}` must be an origin such as https://example.com"));
            }
        }
        if self.auth.provider == SignInProvider::Clerk {
            if clerk.expected_issuer().is_none() {
                fail("clerk.publishable_key", "is required when auth.provider is `clerk` (or set clerk.issuer)");
            }
            let has_keys = clerk.pem_public_key.is_some()
                || clerk.jwks_url.is_some()
                || clerk.secret_key.is_some()
                || clerk.frontend_api_host().is_some();
            if !has_keys {
                fail(
                    "clerk.jwks_url",
                    "a key source is required: jwks_url, pem_public_key, secret_key or publishable_key",
                );
            }
        }
        problems
    }

    fn validate_stream(&self) -> Vec<Problem> {
        let stream = &self.stream;
        let mut problems = Vec::new();
        match (&stream.api_key, &stream.api_secret) {
            (Some(_), None) => problems.push(Problem::new("stream.api_secret", "is required with stream.api_key")),
            (None, Some(_)) => problems.push(Problem::new("stream.api_key", "is required with stream.api_secret")),
            _ => {}
        }
        if stream.api_key.as_deref().is_some_and(|key| key.trim().is_empty() || key.contains(char::is_whitespace)) {
            problems.push(Problem::new("stream.api_key", "must be a key without spaces"));
        }
        if stream.api_secret.as_deref().is_some_and(|secret| secret.trim().len() < 16) {
            problems.push(Problem::new("stream.api_secret", "looks too short for a Stream API secret"));
        }
        if !is_http_url(&stream.base_url) {
            problems.push(Problem::new("stream.base_url", "must be an http:// or https:// URL"));
        }
        if stream.token_ttl_secs < 60 {
            problems.push(Problem::new("stream.token_ttl_secs", "must be at least 60"));
        }
        problems
    }
}

/// `coderoom config check FILE`: parse the file on its own and report every problem with
/// its line and key. Returns the problems; an empty list means the file is valid.
pub fn check_file(path: &Path) -> anyhow::Result<Vec<Problem>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let config: Config = match toml::from_str(&text) {
        Ok(config) => config,
        Err(err) => {
            let line = err.span().map(|span| line_of_offset(&text, span.start));
            let key = key_at_line(&text, line).unwrap_or_else(|| "(file)".into());
            return Ok(vec![Problem { key, message: err.message().trim().to_string(), line }]);
        }
    };
    let problems = match config.validate() {
        Ok(()) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .map(|mut problem| {
                problem.line = line_of_key(&text, &problem.key);
                problem
            })
            .collect(),
    };
    Ok(problems)
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The dotted key defined on a given line, e.g. `sessions.seats`.
fn key_at_line(text: &str, line: Option<usize>) -> Option<String> {
    let line = line?;
    let mut section = String::new();
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.starts_with('[') {
            section = trimmed.trim_matches(|c| c == '[' || c == ']').trim().to_string();
        }
        if index + 1 == line {
            let key = trimmed.split('=').next()?.trim();
            if trimmed.starts_with('[') || key.is_empty() {
                return Some(section);
            }
            return Some(if section.is_empty() { key.to_string() } else { format!("{section}.{key}") });
        }
    }
    None
}

/// The line on which a dotted key is assigned, if it is in the file at all.
fn line_of_key(text: &str, dotted: &str) -> Option<usize> {
    let (section, key) = dotted.rsplit_once('.').unwrap_or(("", dotted));
    let mut current = String::new();
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.starts_with('[') {
            current = trimmed.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            continue;
        }
        let assigned = trimmed.split('=').next().map(str::trim);
        if current == section && assigned == Some(key) && trimmed.contains('=') {
            return Some(index + 1);
        }
    }
    None
}

/// Top-level settings, which are not in a section.
const TOP_LEVEL: &[&str] = &["bind", "public_url", "data_dir"];

/// Maps `CODEROOM_*` variables onto settings. Variables that name no setting and no section
/// (`CODEROOM_CONFIG`, or ones that build and test tools use) are left alone; a misspelt key
/// inside a known section is still reported as unknown.
fn environment() -> Env {
    Env::prefixed("CODEROOM_")
        .filter(|name| setting_for(name.as_str()).is_some())
        .map(|name| setting_for(name.as_str()).unwrap_or_default().into())
}

fn setting_for(variable: &str) -> Option<String> {
    let lower = variable.to_ascii_lowercase();
    if TOP_LEVEL.contains(&lower.as_str()) {
        return Some(lower);
    }
    SECTIONS.iter().find_map(|section| {
        let rest = lower.strip_prefix(section)?.strip_prefix('_')?;
        (!rest.is_empty()).then(|| format!("{section}.{rest}"))
    })
}

fn describe_figment_error(err: figment::Error) -> String {
    err.into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let source = e.metadata.as_ref().map(|m| m.name.to_string()).unwrap_or_default();
            if key.is_empty() { format!("{source}: {}", e.kind) } else { format!("{key} ({source}): {}", e.kind) }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_but_read_as_text() {
        let mut config = Config::default();
        config.auth.secret = Some("a-signing-secret-of-at-least-32-chars".into());
        config.stream.api_secret = Some("stream-secret-value".into());
        let printed = format!("{config:?}\n{}", toml::to_string(&config).expect("toml"));
        assert!(!printed.contains("a-signing-secret") && !printed.contains("stream-secret-value"), "{printed}");
        assert!(printed.contains("(hidden)"));
        assert_eq!(config.auth.secret.as_deref(), Some("a-signing-secret-of-at-least-32-chars"));
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API fixes the closure's error type
    fn environment_names_map_to_sections() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CODEROOM_BIND", "127.0.0.1:9999");
            jail.set_env("CODEROOM_DATA_DIR", "/tmp/x");
            jail.set_env("CODEROOM_SESSIONS_SEATS", "3");
            jail.set_env("CODEROOM_SKIP_WEB_BUILD", "1");
            let config = Config::load(None).expect("loads");
            assert_eq!(config.bind, "127.0.0.1:9999");
            assert_eq!(config.data_dir, PathBuf::from("/tmp/x"));
            assert_eq!(config.sessions.seats, 3);
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API fixes the closure's error type
    fn integration_keys_come_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CODEROOM_AUTH_PROVIDER", "clerk");
            jail.set_env("CODEROOM_CLERK_PUBLISHABLE_KEY", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k");
            jail.set_env("CODEROOM_CLERK_SECRET_KEY", "sk_test_abc");
            jail.set_env("CODEROOM_CLERK_JWKS_URL", "http://127.0.0.1:1/jwks");
            jail.set_env("CODEROOM_CLERK_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            jail.set_env("CODEROOM_STREAM_API_KEY", "key");
            jail.set_env("CODEROOM_STREAM_API_SECRET", "a-secret-of-some-length");
            jail.set_env("CODEROOM_STREAM_BASE_URL", "http://127.0.0.1:2");
            let config = Config::load(None).expect("loads");
            assert_eq!(config.auth.provider, SignInProvider::Clerk);
            assert_eq!(config.clerk.frontend_api_host().as_deref(), Some("clerk.example.com"));
            assert_eq!(config.clerk.expected_issuer().as_deref(), Some("https://clerk.example.com"));
            assert_eq!(config.clerk.secret_key.as_deref(), Some("sk_test_abc"));
            assert_eq!(config.clerk.jwks_url.as_deref(), Some("http://127.0.0.1:1/jwks"));
            assert!(config.clerk.webhook_secret.is_some());
            assert_eq!(config.stream.api_key.as_deref(), Some("key"));
            assert_eq!(config.stream.base_url, "http://127.0.0.1:2");
            Ok(())
        });
    }

    #[test]
    fn check_reports_line_and_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "bind = \"127.0.0.1:1\"\n\n[sessions]\nseats = 1\n").expect("write");
        let problems = check_file(&path).expect("check");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "sessions.seats");
        assert_eq!(problems[0].line, Some(4));

        std::fs::write(&path, "[sessions]\nseats = \"two\"\n").expect("write");
        let problems = check_file(&path).expect("check");
        assert_eq!(problems[0].line, Some(2));
        assert_eq!(problems[0].key, "sessions.seats");
    }
}
