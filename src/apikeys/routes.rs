//! Administrators' API key endpoints; `coderoom apikeys …` uses them while the server runs
//! (the embedded store admits one process), so a revocation takes effect at once.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use super::{normalize_name, store};
use crate::app::AppState;
use crate::auth::AdminAccess;
use crate::error::{ApiJson, AppError, AppResult};

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new().routes(routes!(list, create)).routes(routes!(revoke))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct KeyList {
    /// Oldest first.
    api_keys: Vec<store::KeyInfo>,
}

/// Lists the Piston API keys (never the keys themselves), oldest first.
///
/// Administrators only (or the command line's service token).
#[utoipa::path(get, path = "/admin/apikeys", tag = "admin",
    responses((status = 200, description = "Every key's name and use", body = KeyList)))]
async fn list(State(state): State<AppState>, _: AdminAccess) -> AppResult<Json<KeyList>> {
    Ok(Json(KeyList { api_keys: store::list(&state.db).await? }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    /// 1 to 64 letters, digits, dots, dashes or underscores; unique.
    name: String,
}

/// A key just created.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct CreatedKey {
    api_key: store::KeyInfo,
    /// The key (`crk_…`), for `Authorization: Bearer <key>`: shown this once, never stored.
    key: String,
}

/// Creates a Piston API key: the only answer that holds the key itself.
///
/// Administrators only (or the command line's service token). 409 when the name is taken or
/// the installation holds 1000 keys already.
#[utoipa::path(post, path = "/admin/apikeys", tag = "admin",
    request_body = CreateRequest,
    responses((status = 201, description = "Created", body = CreatedKey)))]
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
    Ok((StatusCode::CREATED, Json(CreatedKey { api_key: created.info, key: created.key })).into_response())
}

/// Revokes a Piston API key.
///
/// Administrators only (or the command line's service token). Requests with the key are
/// refused from then on (within seconds on other instances sharing the database).
#[utoipa::path(delete, path = "/admin/apikeys/{name}", tag = "admin",
    params(("name" = String, Path, description = "The key's name")),
    responses((status = 204, description = "Revoked")))]
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
