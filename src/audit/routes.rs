//! `GET /api/admin/audit` (a page of entries, newest first) and `GET /api/admin/audit/export`
//! (every matching entry as JSON lines): administrators only.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::{Entry, Filter, ListError, MAX_PAGE, list};
use crate::app::AppState;
use crate::auth::AdminAccess;
use crate::error::{ApiQuery, AppError, AppResult};

/// Most entries one export holds.
pub const MAX_EXPORT: usize = 100_000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(page)).route("/admin/audit/export", get(export))
}

async fn page(
    State(state): State<AppState>,
    _: AdminAccess,
    ApiQuery(filter): ApiQuery<Filter>,
) -> AppResult<Json<serde_json::Value>> {
    let entries = list(&state.db, &filter).await.map_err(into_app_error)?;
    Ok(Json(json!({ "entries": entries })))
}

async fn export(
    State(state): State<AppState>,
    _: AdminAccess,
    ApiQuery(filter): ApiQuery<Filter>,
) -> AppResult<Response> {
    let lines = export_lines(&state.db, filter).await.map_err(into_app_error)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"coderoom-audit.jsonl\""),
        ],
        lines,
    )
        .into_response())
}

/// Every entry the filter matches, newest first, one JSON object a line, read a page at a time.
pub async fn export_lines(db: &crate::db::Db, mut filter: Filter) -> Result<String, ListError> {
    filter.limit = Some(MAX_PAGE);
    let mut out = String::new();
    let mut written = 0;
    while written < MAX_EXPORT {
        let entries: Vec<Entry> = list(db, &filter).await?;
        let Some(last) = entries.last() else { break };
        filter.before = Some(last.at.clone());
        let full_page = entries.len() == MAX_PAGE;
        for entry in &entries {
            out.push_str(&serde_json::to_string(entry).map_err(|err| ListError::Database(err.into()))?);
            out.push('\n');
        }
        written += entries.len();
        if !full_page {
            break;
        }
    }
    Ok(out)
}

fn into_app_error(err: ListError) -> AppError {
    match err {
        ListError::Invalid(message) => AppError::bad_request(message),
        ListError::Database(err) => AppError::Internal(err),
    }
}
