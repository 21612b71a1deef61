//! Administration over HTTP: what an administrator (or the command line, while the server
//! holds the embedded database) can do to the whole installation.

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures::StreamExt;
use serde_json::json;

use crate::app::AppState;
use crate::auth::{AdminAccess, store};
use crate::error::AppResult;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/backup", get(backup)).route("/admin/users", get(users))
}

/// Streams a SurrealQL export of the whole database, taken while the server keeps serving.
async fn backup(State(state): State<AppState>, _: AdminAccess) -> AppResult<Response> {
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
    let users: Vec<_> = store::list(&state.db)
        .await?
        .iter()
        .map(|record| {
            let mut user = json!(record.to_user());
            user["disabled"] = json!(record.disabled);
            user
        })
        .collect();
    Ok(Json(json!({ "users": users })))
}
