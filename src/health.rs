//! Liveness and readiness: `/health` (and `/healthz`) answers while the process runs; `/readyz`
//! asks every component and is 503 while one that coderoom cannot work without fails.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::db;
use crate::integrations::stream::StreamHealth;
use crate::openapi::ApiRouter;
use crate::realtime::PersistenceHealth;
use crate::sandbox::SandboxReadiness;

pub fn routes() -> ApiRouter {
    ApiRouter::new().routes(utoipa_axum::routes!(health)).routes(utoipa_axum::routes!(readiness))
}

/// How one component is doing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    #[default]
    Ok,
    /// Working in part: coderoom serves, some feature does not.
    Degraded,
    Error,
    /// Not configured on this server.
    Disabled,
}

#[derive(Serialize, ToSchema)]
pub struct Liveness {
    /// Always `ok`: the process answers.
    status: Condition,
}

/// Liveness: the process answers (also at `/healthz`).
#[utoipa::path(get, path = "/health", tag = "operations", security(()), responses((status = 200, body = Liveness)))]
pub async fn health() -> Json<Liveness> {
    Json(Liveness { status: Condition::Ok })
}

#[derive(Serialize, ToSchema)]
struct Readiness {
    /// `ok`, or `unavailable` while the database or every Docker engine fails.
    status: ReadyStatus,
    components: Components,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum ReadyStatus {
    Ok,
    Unavailable,
}

#[derive(Serialize, ToSchema)]
struct Components {
    database: DatabaseHealth,
    sandbox: SandboxReadiness,
    /// Reported, but never makes coderoom unready: sessions work without Stream.
    stream: StreamHealth,
    /// The writer of the shared documents.
    documents: PersistenceHealth,
}

#[derive(Serialize, ToSchema)]
struct DatabaseHealth {
    status: Condition,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    message: Option<String>,
}

/// Readiness: 200 when every component answers, 503 with the failing component's reason.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses((status = 200, body = Readiness), (status = 503, description = "A component fails", body = Readiness)))]
async fn readiness(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let database = match db::ping(&state.db).await {
        Ok(()) => DatabaseHealth { status: Condition::Ok, message: None },
        Err(err) => DatabaseHealth { status: Condition::Error, message: Some(err.to_string()) },
    };
    let sandbox = state.sandbox.readiness().await;
    let ready = database.status == Condition::Ok && sandbox.status != Condition::Error;
    let stream = state.stream.as_ref().map_or_else(StreamHealth::disabled, |stream| stream.health());
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let components = Components { database, sandbox, stream, documents: state.rooms.persistence_health() };
    (status, Json(Readiness { status: if ready { ReadyStatus::Ok } else { ReadyStatus::Unavailable }, components }))
}
