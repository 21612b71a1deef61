//! `GET /api/admin/audit` (a page of entries, newest first) and `GET /api/admin/audit/export`
//! (every matching entry as JSON lines): administrators only.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::routes;

use super::{Entry, Filter, ListError, MAX_PAGE, list};
use crate::app::AppState;
use crate::auth::AdminAccess;
use crate::error::{ApiQuery, AppError, AppResult};

/// Most entries one export holds.
pub const MAX_EXPORT: usize = 100_000;

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new().routes(routes!(page)).routes(routes!(export))
}

#[derive(Serialize, utoipa::ToSchema)]
struct EntryPage {
    /// Newest first; page on with `before` set to the last entry's `at`.
    entries: Vec<Entry>,
}

/// Reads a page of the audit log, newest first.
///
/// Administrators only (or the command line's service token).
#[utoipa::path(get, path = "/admin/audit", tag = "admin", params(Filter),
    responses((status = 200, description = "The matching entries, newest first", body = EntryPage)))]
async fn page(
    State(state): State<AppState>,
    _: AdminAccess,
    ApiQuery(filter): ApiQuery<Filter>,
) -> AppResult<Json<EntryPage>> {
    let entries = list(&state.db, &filter).await.map_err(into_app_error)?;
    Ok(Json(EntryPage { entries }))
}

/// Exports the audit log: every matching entry (up to 100 000), newest first, as JSON lines.
///
/// Administrators only (or the command line's service token). Takes the same filters as
/// `GET /api/admin/audit` except `limit`, which it ignores: each line is one entry, in the
/// shape of that page's entries.
#[utoipa::path(get, path = "/admin/audit/export", tag = "admin", params(Filter),
    responses((status = 200, description = "One JSON object (an `Entry`) a line, as a file download",
        content_type = "application/x-ndjson", body = String,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"coderoom-audit.jsonl\"`")))))]
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
