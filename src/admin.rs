//! Administration over HTTP: what an administrator (or the command line, while the server
//! holds the embedded database) can do to the whole installation.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use axum::{Json, Router};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::audit::{self, Actor, Event};
use crate::auth::{AdminAccess, Role, store};
use crate::error::{ApiJson, AppError, AppResult};
use crate::realtime::Closing;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/backup", get(backup))
        .route("/admin/users", get(users))
        .route("/admin/users/{id}", patch(update_user))
}

/// Streams a SurrealQL export of the whole database, taken while the server keeps serving.
async fn backup(State(state): State<AppState>, AdminAccess(admin): AdminAccess) -> AppResult<Response> {
    audit::record(&state.db, Event::new("backup.downloaded").by(Actor::admin(admin.as_ref()))).await;
    let export = state.db.export(()).await?;
    let body = Body::from_stream(export.map(|chunk| chunk.map_err(std::io::Error::other)));
    Ok((
        [
            (header::CONTENT_TYPE, "application/sql"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"coderoom-backup.surql\""),
        ],
        body,
    )
        .into_response())
}

async fn users(State(state): State<AppState>, _: AdminAccess) -> AppResult<Json<serde_json::Value>> {
    let users: Vec<_> = store::list(&state.db).await?.iter().map(admin_view).collect();
    Ok(Json(json!({ "users": users })))
}

fn admin_view(record: &store::UserRecord) -> serde_json::Value {
    let mut user = json!(record.to_user());
    user["disabled"] = json!(record.disabled);
    user
}

/// What an administrator may change about an account: the same as `coderoom users set-role`,
/// `disable` and `enable`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChanges {
    role: Option<Role>,
    disabled: Option<bool>,
}

/// Changes a user's role or disables/enables the account. Every change revokes the user's
/// sign-ins. Nobody may demote or disable themselves, nor the last administrator who can sign in.
async fn update_user(
    State(state): State<AppState>,
    AdminAccess(caller): AdminAccess,
    Path(id): Path<String>,
    ApiJson(changes): ApiJson<UserChanges>,
) -> AppResult<Json<serde_json::Value>> {
    if changes.role.is_none() && changes.disabled.is_none() {
        return Err(AppError::bad_request("Nothing to change: send \"role\" or \"disabled\""));
    }
    let target = store::find_by_id(&state.db, &id).await?.ok_or_else(|| AppError::not_found("User not found"))?;
    if target.role == Role::Guest || changes.role == Some(Role::Guest) {
        return Err(AppError::bad_request(
            "Guests come and go with their invitation link: remove them from the session instead",
        ));
    }
    let demotes = changes.role.is_some_and(|role| role != Role::Admin) && target.role == Role::Admin;
    let disables = changes.disabled == Some(true) && !target.disabled;
    if caller.as_ref().is_some_and(|me| me.id == target.id) {
        if demotes {
            return Err(AppError::bad_request("You cannot remove your own administrator role"));
        }
        if disables {
            return Err(AppError::bad_request("You cannot disable your own account"));
        }
    }
    if target.role == Role::Admin
        && !target.disabled
        && (demotes || disables)
        && store::count_active_admins(&state.db).await? <= 1
    {
        return Err(AppError::bad_request(
            "This is the last active administrator: make someone else an administrator first",
        ));
    }
    let mut fields = serde_json::Map::new();
    if let Some(role) = changes.role {
        fields.insert("role".into(), json!(role));
    }
    if let Some(disabled) = changes.disabled {
        fields.insert("disabled".into(), json!(disabled));
    }
    let updated = store::update_by_id(&state.db, &target.id, serde_json::Value::Object(fields))
        .await?
        .ok_or_else(|| AppError::not_found("User not found"))?;
    state.users.invalidate();
    let closing = if updated.disabled { Closing::Disabled } else { Closing::RoleChanged };
    state.rooms.disconnect_user_everywhere(&updated.id, closing);
    tracing::info!(user = %updated.id, role = ?updated.role, disabled = updated.disabled, "user changed by an administrator");
    let actor = Actor::admin(caller.as_ref());
    if let Some(role) = changes.role.filter(|role| *role != target.role) {
        let detail = json!({ "from": target.role, "to": role, "email": target.email });
        audit::record(&state.db, Event::new("user.role_changed").by(actor.clone()).on(&target.id).detail(detail)).await;
    }
    if let Some(disabled) = changes.disabled.filter(|disabled| *disabled != target.disabled) {
        let action = if disabled { "user.disabled" } else { "user.enabled" };
        let detail = json!({ "email": target.email });
        audit::record(&state.db, Event::new(action).by(actor).on(&target.id).detail(detail)).await;
    }
    Ok(Json(json!({ "user": admin_view(&updated) })))
}
