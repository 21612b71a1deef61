//! Administrators' API key endpoints; `coderoom apikeys …` uses them while the server runs
//! (the embedded store admits one process), so a revocation takes effect at once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{normalize_name, store};
use crate::app::AppState;
use crate::auth::AdminAccess;
use crate::error::{ApiJson, AppError, AppResult};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/apikeys", get(list).post(create)).route("/admin/apikeys/{name}", delete(revoke))
}

async fn list(State(state): State<AppState>, _: AdminAccess) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(json!({ "apiKeys": store::list(&state.db).await? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    name: String,
}

/// 201 `{apiKey: {name, createdAt, lastUsedAt}, key}`: the only response that holds the key.
async fn create(
    State(state): State<AppState>,
    AdminAccess(admin): AdminAccess,
    ApiJson(body): ApiJson<CreateRequest>,
) -> AppResult<Response> {
    let created = super::create(&state.db, &body.name).await?;
    state.api_keys.changed();
    let actor = crate::audit::Actor::admin(admin.as_ref());
    tracing::info!(name = %created.info.name, by = %actor.name, "API key created");
    crate::audit::record(&state.db, crate::audit::Event::new("apikey.created").by(actor).on(&created.info.name)).await;
    Ok((StatusCode::CREATED, Json(json!({ "apiKey": created.info, "key": created.key }))).into_response())
}

async fn revoke(
    State(state): State<AppState>,
    AdminAccess(admin): AdminAccess,
    Path(name): Path<String>,
) -> AppResult<StatusCode> {
    let name = normalize_name(&name)?;
    if !store::revoke(&state.db, &name).await? {
        return Err(AppError::not_found(format!("No API key named {name}")));
    }
    state.api_keys.changed();
    let actor = crate::audit::Actor::admin(admin.as_ref());
    tracing::info!(%name, by = %actor.name, "API key revoked");
    crate::audit::record(&state.db, crate::audit::Event::new("apikey.revoked").by(actor).on(&name)).await;
    Ok(StatusCode::NO_CONTENT)
}
