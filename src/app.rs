//! Application state and the HTTP router: every domain's routes, the operational endpoints,
//! the embedded web app, and the middleware around them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::routing::{any, get};
use axum::serve::ListenerExt;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::apikeys::ApiKeys;
use crate::auth::Role;
use crate::auth::clerk::ClerkVerifier;
use crate::auth::store::UserRecord;
use crate::auth::token::{TokenKeys, load_or_create_secret};
use crate::cache::TtlCache;
use crate::config::{Config, Registration, SignInProvider, WhoMayHost};
use crate::db::Db;
use crate::error::AppError;
use crate::integrations::stream::{self, Stream};
use crate::memory;
use crate::openapi::{self, ApiRouter};
use crate::problems::Library;
use crate::realtime::Rooms;
use crate::sandbox::Sandbox;
use crate::{admin, apikeys, auth, db, health, problems, realtime, record, sandbox, sessions, tls, web};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub tokens: Arc<TokenKeys>,
    pub auth: Arc<auth::AuthState>,
    pub problems: Arc<Library>,
    pub sandbox: Sandbox,
    /// Users by id, read by every authenticated request.
    pub users: Arc<TtlCache<String, Option<UserRecord>>>,
    /// The default page of live sessions per person (`None`: administrators' view of all),
    /// polled by every open dashboard.
    pub live_sessions: Arc<TtlCache<Option<String>, bytes::Bytes>>,
    /// Clerk session-token verification, when `auth.provider = "clerk"`.
    pub clerk: Option<Arc<ClerkVerifier>>,
    /// Company sign-in, when `auth.provider = "oidc"`.
    pub oidc: Option<Arc<auth::oidc::OidcProvider>>,
    /// Stream video and chat, when its keys are configured.
    pub stream: Option<Arc<Stream>>,
    /// Real-time session rooms (shared document, events).
    pub rooms: Arc<Rooms>,
    /// API keys and the per-caller rate of the Piston API.
    pub api_keys: Arc<ApiKeys>,
    /// Sessions' edit histories, rebuilt for replays and extended as they grow.
    pub histories: Arc<record::Histories>,
}

impl AppState {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let secret = load_or_create_secret(config.auth.secret.as_deref(), &config.data_dir)?;
        crate::metrics::install();
        let db = db::connect(&config.database, &config.data_dir).await?;
        let problems = Arc::new(Library::load(&db).await?);
        record::rubrics::ensure_default(&db).await?;
        let sandbox = Sandbox::new(&config.sandbox).await?;
        let public_url = config.public_url(config.bind_addr()?);
        let clerk = ClerkVerifier::from_config(&config, &public_url)?.map(Arc::new);
        let oidc = auth::oidc::OidcProvider::from_config(&config, &public_url)?.map(Arc::new);
        let stream = Stream::from_config(&config.stream)?.map(Arc::new);
        let rooms = Arc::new(
            Rooms::new(db.clone(), config.realtime.clone())?.with_starter(realtime::library_starter(problems.clone())),
        );
        // With a database server, other instances may serve the same sessions.
        let shared_database = config.database.url.is_some();
        if shared_database {
            rooms.share_with_other_instances();
        }
        Ok(Self {
            tokens: Arc::new(TokenKeys::new(&secret, config.auth.token_ttl_hours)),
            api_keys: Arc::new(ApiKeys::new(&config.sandbox)),
            auth: Arc::new(auth::AuthState::new(&config, &db).await?),
            config: Arc::new(config),
            db,
            problems,
            sandbox,
            users: Arc::new(TtlCache::new(Duration::from_secs(5), 50_000)),
            live_sessions: Arc::new(TtlCache::new(Duration::from_secs(1), 4096)),
            clerk,
            oidc,
            stream,
            rooms,
            histories: Arc::new(record::Histories::new(shared_database)),
        })
    }
}

/// Every documented route: the API under `/api`, the Piston API and the operational endpoints.
pub fn api() -> ApiRouter {
    let api = ApiRouter::new()
        .routes(routes!(public_config))
        .merge(auth::routes())
        .merge(sessions::routes())
        .merge(record::routes())
        .merge(problems::routes())
        .merge(admin::routes())
        .merge(crate::audit::routes::routes())
        .merge(apikeys::routes::routes())
        .merge(stream::routes())
        .merge(realtime::routes());
    ApiRouter::with_openapi(openapi::base())
        .nest("/api", api)
        .merge(openapi::routes())
        .merge(sandbox::routes())
        .merge(health::routes())
        .merge(crate::metrics::routes())
        .merge(tls::routes())
}

pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let (documented, _) = api().split_for_parts();
    documented
        // The name container health checks have used since the first release.
        .route("/healthz", get(health::health))
        .merge(sandbox::route_aliases())
        .route("/api/{*rest}", any(api_not_found))
        .fallback(web::serve)
        .layer(axum::middleware::from_fn(crate::metrics::track_http))
        .layer(DefaultBodyLimit::max(config.http.body_limit_kb * 1024))
        .layer(cors(&config))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Browsers keep this only from a connection whose certificate they trust, so a device
        // that has not trusted coderoom's authority yet is never locked out by it.
        .layer(tower::util::option_layer(config.reached_over_https().then(|| {
            SetResponseHeaderLayer::if_not_present(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            )
        })))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.http.request_timeout_secs),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let request_id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id = %request_id, method = %request.method(), path = %request.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

fn cors(config: &Config) -> CorsLayer {
    let origins: Vec<HeaderValue> = config
        .http
        .allowed_origins
        .iter()
        .chain(config.public_url.iter())
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
}

async fn api_not_found() -> AppError {
    AppError::not_found("No such API endpoint")
}

/// What the browser app needs to know before anyone signs in. Nothing secret.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct PublicConfig {
    auth_provider: SignInProvider,
    /// Public by design (the browser SDKs need them); the secrets never leave the server.
    clerk_publishable_key: Option<String>,
    stream_api_key: Option<String>,
    /// Company sign-in, when configured.
    oidc: Option<CompanySignIn>,
    registration: RegistrationMode,
    /// No administrator exists yet: the first-run page asks for the setup code.
    setup_required: bool,
    /// Candidate seats a new session has.
    seats: u32,
    /// The roles that may host a session.
    host_roles: Vec<Role>,
    /// Where the camera works when this page was opened over plain HTTP.
    https_url: Option<String>,
    features: Features,
    whiteboard: WhiteboardLimits,
    version: &'static str,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct CompanySignIn {
    /// The sign-in button's words.
    label: String,
    /// Who may still use a coderoom password.
    local_sign_in: crate::auth::oidc::LocalSignIn,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum RegistrationMode {
    Open,
    Invite,
    Closed,
}

/// The room (shared editor, chat, presence, built-in video) is part of every server; said for
/// API clients written when it was optional.
#[derive(Serialize, ToSchema)]
struct Features {
    realtime: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct WhiteboardLimits {
    max_elements: usize,
    max_kb: usize,
}

/// The server's public settings, read by the web app before anyone signs in.
#[utoipa::path(get, path = "/config", tag = "auth", security(()), responses((status = 200, body = PublicConfig)))]
async fn public_config(State(state): State<AppState>) -> Json<PublicConfig> {
    let config = &state.config;
    Json(PublicConfig {
        auth_provider: config.auth.provider,
        clerk_publishable_key: state.clerk.as_ref().and(config.clerk.publishable_key.clone()),
        stream_api_key: state.stream.as_ref().and(config.stream.api_key.clone()),
        oidc: state
            .oidc
            .as_ref()
            .map(|oidc| CompanySignIn { label: oidc.label().to_string(), local_sign_in: oidc.local_sign_in() }),
        registration: match config.auth.registration {
            Registration::Open => RegistrationMode::Open,
            Registration::InviteOnly => RegistrationMode::Invite,
            Registration::Closed => RegistrationMode::Closed,
        },
        setup_required: state.auth.setup.pending_token().is_some(),
        seats: config.sessions.seats,
        host_roles: match config.sessions.who_may_host {
            WhoMayHost::Interviewers => vec![Role::Admin, Role::Interviewer],
            WhoMayHost::Everyone => vec![Role::Admin, Role::Interviewer, Role::Candidate],
        },
        https_url: config.public_url.clone().filter(|url| url.starts_with("https://")),
        features: Features { realtime: true },
        whiteboard: WhiteboardLimits {
            max_elements: config.realtime.max_board_elements,
            max_kb: config.realtime.max_board_kb,
        },
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Binds, prints where coderoom is reachable, and serves until SIGTERM or Ctrl-C, letting
/// requests in flight finish.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let addr = config.bind_addr()?;
    // Certificates first: a server that cannot serve them must not start at all.
    let tls = tls::prepare(&config)?.map(Arc::new);
    let state = AppState::build(config).await?;
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|err| anyhow::anyhow!("cannot listen on {addr}: {err}"))?;
    let bound = listener.local_addr()?;
    let url = state.config.public_url(bound);
    if let Some(oidc) = &state.oidc {
        oidc.listening_at(&url)?;
    }
    crate::audit::keep_pruned(state.db.clone(), state.config.audit.retention_days);
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%bound, %url, "coderoom is ready");
    auth::setup::announce(&state.auth.setup, &url);
    println!("coderoom is listening on {scheme}://{bound} — open {url}");
    let rooms = state.rooms.clone();
    let config = state.config.clone();
    memory::spawn_periodic_release();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        None => {
            // No Nagle delay: a WebSocket edit is a small write that must leave at once, not
            // wait for the previous one's (possibly delayed, up to 40 ms) acknowledgement.
            let listener = listener.tap_io(|tcp| {
                if let Err(err) = tcp.set_nodelay(true) {
                    tracing::debug!(error = %err, "cannot set TCP_NODELAY");
                }
            });
            axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
        }
        Some(tls) => {
            tls.spawn_maintenance(config.clone());
            let ca_pem = tls.authority.as_ref().map(|authority| authority.cert_pem.clone());
            let redirect = tls::redirect_router(bound.port(), config.public_url.as_deref(), ca_pem);
            if let Some(redirect_bind) = &config.tls.redirect_bind {
                let plain = tokio::net::TcpListener::bind(redirect_bind)
                    .await
                    .map_err(|err| anyhow::anyhow!("tls.redirect_bind: cannot listen on {redirect_bind}: {err}"))?;
                println!("coderoom redirects http://{} to HTTPS", plain.local_addr()?);
                tokio::spawn(axum::serve(plain, redirect.clone()).into_future());
            }
            // The listener's own tap gives the server the client's address (ConnectInfo).
            let listener = tls::TlsListener::new(listener, &tls, redirect)?.tap_io(|_| {});
            axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
        }
    }
    // Live documents are logged update by update; a final snapshot makes the next start fast.
    rooms.shutdown().await;
    tracing::info!("coderoom stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing requests in flight");
}
