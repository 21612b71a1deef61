//! Prometheus metrics at `GET /metrics`. Events are counted where they happen (HTTP requests
//! by route and status here; sandbox jobs by language and outcome, database errors and the
//! rest through `counters`); states (the sandbox queue, warm containers, open rooms and
//! sockets, the document writer's backlog) are sampled when scraped, so nothing runs between
//! scrapes.
//!
//! Who may scrape: a caller on this machine that came through no proxy, or anyone presenting
//! `metrics.token` as a bearer token. Labels only take values from fixed sets (route
//! templates, not paths), so no caller can grow the number of series.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::setup::constant_time_eq;
use crate::error::AppError;

/// Upper bounds of the latency histograms, in seconds: from a cached API answer to a submit
/// that compiles and runs every hidden test.
const BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Serve `/metrics` at all.
    pub enabled: bool,
    /// A bearer token that lets a scraper on another machine in; without one only this
    /// machine's loopback callers may scrape.
    pub token: Option<crate::settings::Secret>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self { enabled: true, token: None }
    }
}

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder (once) and keeps its histograms drained.
pub fn install() -> Option<PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    describe();
                    let upkeep = handle.clone();
                    tokio::spawn(async move {
                        let mut every = tokio::time::interval(Duration::from_secs(5));
                        loop {
                            every.tick().await;
                            upkeep.run_upkeep();
                        }
                    });
                    Some(handle)
                }
                Err(err) => {
                    tracing::warn!(error = %err, "metrics are unavailable");
                    None
                }
            }
        })
        .clone()
}

/// The `# HELP` line of every series.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!("coderoom_http_requests_total", "HTTP requests answered, by method, route template and status");
    describe_histogram!(
        "coderoom_http_request_duration_seconds",
        "Time to answer an HTTP request (a WebSocket: until it is upgraded)"
    );
    describe_counter!("coderoom_sandbox_jobs_total", "Sandbox jobs by language and outcome (ok, busy, unavailable)");
    describe_histogram!("coderoom_sandbox_queue_wait_seconds", "Time a sandbox job waited for a slot");
    describe_histogram!("coderoom_sandbox_job_duration_seconds", "Time a sandbox job ran, compile included");
    describe_gauge!("coderoom_sandbox_jobs_running", "Sandbox jobs running now");
    describe_gauge!("coderoom_sandbox_jobs_queued", "Sandbox jobs waiting for a slot now");
    describe_gauge!("coderoom_sandbox_warm_containers", "Idle started containers, by runtime image");
    describe_counter!(
        "coderoom_sandbox_engine_jobs_total",
        "Sandbox jobs sent to each Docker engine (a job moved to another engine counts on both)"
    );
    describe_gauge!("coderoom_sandbox_engine_healthy", "1 while a Docker engine answers its health check, by engine");
    describe_gauge!("coderoom_sandbox_engine_jobs_running", "Sandbox jobs running now, by Docker engine");
    describe_gauge!("coderoom_sandbox_engine_capacity", "Sandbox jobs a Docker engine takes at once, by engine");
    describe_gauge!("coderoom_rooms_open", "Interview rooms loaded in memory");
    describe_gauge!("coderoom_room_sockets_open", "WebSocket connections holding a room open");
    describe_gauge!("coderoom_document_writes_queued", "Document writes waiting for the database (the writer's lag)");
    describe_gauge!("coderoom_document_writes_set_aside", "Document writes the database refused, since start");
    describe_counter!("coderoom_database_errors_total", "Database calls that failed and became an error answer");
    describe_counter!("coderoom_sign_ins_total", "Password sign-ins by outcome (ok, failed, refused by the limiter)");
    describe_counter!(
        "coderoom_room_relay_messages_total",
        "Room messages shared with other instances (a SurrealDB server), by direction: sent, received, dropped (relay queue full)"
    );
    // Present from the start, so that a dashboard shows 0 rather than no data.
    metrics::counter!("coderoom_database_errors_total").absolute(0);
}

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new().routes(utoipa_axum::routes!(scrape))
}

/// The Prometheus text exposition. Who may read it: loopback callers without a forwarding
/// header, or anyone with `[metrics] token` as a Bearer token; 404 while metrics are off.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("token" = [])),
    responses((status = 200, description = "Prometheus text format 0.0.4", content_type = "text/plain", body = String)))]
async fn scrape(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let config = &state.config.metrics;
    if !config.enabled {
        return Err(AppError::not_found("Metrics are turned off ([metrics] enabled = false)"));
    }
    authorize(config.token.as_deref(), peer, &headers)?;
    let handle = install().ok_or_else(|| AppError::Unavailable("Metrics are unavailable on this server".into()))?;
    sample(&state);
    handle.run_upkeep();
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response())
}

/// Loopback without any forwarding header (a reverse proxy on this machine would otherwise
/// pass the whole network's requests off as local), or the configured bearer token.
fn authorize(token: Option<&str>, peer: SocketAddr, headers: &HeaderMap) -> Result<(), AppError> {
    let offered = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if let (Some(expected), Some(offered)) = (token, offered) {
        return if constant_time_eq(expected.as_bytes(), offered.trim().as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Unauthorized("The metrics token is not valid".into()))
        };
    }
    let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"].iter().any(|name| headers.contains_key(*name));
    if peer.ip().to_canonical().is_loopback() && !forwarded {
        return Ok(());
    }
    Err(match token {
        Some(_) => AppError::Unauthorized("Metrics need the bearer token set in [metrics] token".into()),
        None => AppError::Forbidden(
            "Metrics are served to this machine only; set [metrics] token to scrape from elsewhere".into(),
        ),
    })
}

/// Sets the gauges that describe the present moment.
fn sample(state: &AppState) {
    let load = state.sandbox.load();
    metrics::gauge!("coderoom_sandbox_jobs_running").set(load.running as f64);
    metrics::gauge!("coderoom_sandbox_jobs_queued").set(load.queued as f64);
    for (image, idle) in load.warm {
        metrics::gauge!("coderoom_sandbox_warm_containers", "image" => image).set(idle as f64);
    }
    // Engine names come from the configuration, so these series are bounded too.
    for engine in load.engines {
        let healthy = if engine.healthy { 1.0 } else { 0.0 };
        metrics::gauge!("coderoom_sandbox_engine_healthy", "engine" => engine.name.clone()).set(healthy);
        metrics::gauge!("coderoom_sandbox_engine_jobs_running", "engine" => engine.name.clone())
            .set(engine.running as f64);
        metrics::gauge!("coderoom_sandbox_engine_capacity", "engine" => engine.name).set(engine.capacity as f64);
    }
    let rooms = state.rooms.counts();
    metrics::gauge!("coderoom_rooms_open").set(rooms.rooms as f64);
    metrics::gauge!("coderoom_room_sockets_open").set(rooms.sockets as f64);
    metrics::gauge!("coderoom_document_writes_queued").set(rooms.writes_queued as f64);
    metrics::gauge!("coderoom_document_writes_set_aside").set(rooms.writes_set_aside as f64);
}

/// Counts every request and its latency under its route template.
pub async fn track_http(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = match request.extensions().get::<MatchedPath>() {
        Some(matched) => matched.as_str().to_owned(),
        None if request.uri().path().starts_with("/api/") => "/api/(unknown)".to_owned(),
        None => "(web app)".to_owned(),
    };
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("coderoom_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("coderoom_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn peer(address: &str) -> SocketAddr {
        format!("{address}:40000").parse().expect("address")
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn loopback_scrapes_unless_a_proxy_forwarded_the_request() {
        assert!(authorize(None, peer("127.0.0.1"), &headers(&[])).is_ok());
        assert!(authorize(None, "[::1]:40000".parse().expect("v6"), &headers(&[])).is_ok());
        assert!(authorize(None, peer("127.0.0.1"), &headers(&[("x-forwarded-for", "192.0.2.9")])).is_err());
        assert!(authorize(None, peer("192.0.2.9"), &headers(&[])).is_err());
    }

    #[test]
    fn a_token_lets_other_machines_in_and_a_wrong_one_nobody() {
        let token = Some("scrape-secret");
        assert!(authorize(token, peer("192.0.2.9"), &headers(&[("authorization", "Bearer scrape-secret")])).is_ok());
        assert!(authorize(token, peer("192.0.2.9"), &headers(&[("authorization", "Bearer wrong")])).is_err());
        assert!(authorize(token, peer("127.0.0.1"), &headers(&[("authorization", "Bearer wrong")])).is_err());
        assert!(authorize(token, peer("192.0.2.9"), &headers(&[])).is_err());
        assert!(authorize(token, peer("127.0.0.1"), &headers(&[])).is_ok());
    }
}
