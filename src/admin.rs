//! Administration over HTTP: what an administrator (or the command line, while the server
//! holds the embedded database) can do to the whole installation.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::audit::{self, Actor, Event};
use crate::auth::{AdminAccess, Role, User, store};
use crate::error::{ApiJson, AppError, AppResult};
use crate::realtime::Closing;

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new().routes(routes!(backup)).routes(routes!(users)).routes(routes!(update_user))
}

/// Downloads a backup of the whole database.
///
/// A SurrealQL export, streamed while the server keeps serving; `coderoom restore` reads it.
/// Administrators only (or the command line's service token).
#[utoipa::path(get, path = "/admin/backup", tag = "admin",
    responses((status = 200, description = "The export, streamed as a file download",
        content_type = "application/sql", body = String,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"coderoom-backup.surql\"`")))))]
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

/// An account as administrators see it: the user, and whether the account is disabled.
#[derive(Serialize, utoipa::ToSchema)]
struct AdminUser {
    #[serde(flatten)]
    user: User,
    /// A disabled account cannot sign in.
    disabled: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
struct AdminUserList {
    /// Oldest account first.
    users: Vec<AdminUser>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct AdminUserResponse {
    user: AdminUser,
}

/// Lists every account, guests of invitation links included, oldest first.
///
/// Administrators only (or the command line's service token).
#[utoipa::path(get, path = "/admin/users", tag = "admin",
    responses((status = 200, description = "Every account", body = AdminUserList)))]
async fn users(State(state): State<AppState>, _: AdminAccess) -> AppResult<Json<AdminUserList>> {
    let users = store::list(&state.db).await?.iter().map(admin_view).collect();
    Ok(Json(AdminUserList { users }))
}

fn admin_view(record: &store::UserRecord) -> AdminUser {
    AdminUser { user: record.to_user(), disabled: record.disabled }
}

/// What an administrator may change about an account: the same as `coderoom users set-role`,
/// `disable` and `enable`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct UserChanges {
    /// Not `guest`: guests come and go with their invitation link.
    role: Option<Role>,
    disabled: Option<bool>,
}

/// Changes a user's role or disables/enables the account.
///
/// Administrators only (or the command line's service token). At least one of `role` and
/// `disabled` is required. Every change revokes the user's sign-ins and closes their open rooms.
/// Nobody may demote or disable themselves, nor the last administrator who can sign in; guests
/// cannot be changed.
#[utoipa::path(patch, path = "/admin/users/{id}", tag = "admin",
    params(("id" = String, Path, description = "The user's id")),
    request_body = UserChanges,
    responses((status = 200, description = "The account as changed", body = AdminUserResponse)))]
async fn update_user(
    State(state): State<AppState>,
    AdminAccess(caller): AdminAccess,
    Path(id): Path<String>,
    ApiJson(changes): ApiJson<UserChanges>,
) -> AppResult<Json<AdminUserResponse>> {
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
    Ok(Json(AdminUserResponse { user: admin_view(&updated) }))
}
