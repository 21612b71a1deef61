//! `GET /api/interviews`: past and live interviews for the people who ran them — the sessions an
//! interviewer hosted or sat in as a co-interviewer, every session for administrators — with
//! duration and submitted recommendations, newest first, searchable by candidate and problem.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::scorecards::{self, Recommendation};
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::db::take_rows;
use crate::error::{ApiQuery, AppError, AppResult};
use crate::realtime::store::Author;
use crate::sessions::{Session, Status};

const DEFAULT_PAGE: usize = 25;
const MAX_PAGE: usize = 100;
/// Sessions read per query while searching; a search reads at most this many times
/// [`MAX_SCANS`] sessions before answering with what it found and where to go on.
const SCAN: u32 = 200;
const MAX_SCANS: usize = 10;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Text in the problem's title or slug, or in a candidate's or the host's name
    /// (case-insensitive, at most 100 characters).
    q: Option<String>,
    /// Only live (`active`) or only ended (`completed`) interviews.
    status: Option<Status>,
    /// Interviews on the page: 1 to 100, 25 when absent.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// The next page: interviews created before this time (`nextBefore` of the previous page).
    #[param(format = DateTime)]
    before: Option<String>,
}

/// A page of interviews.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InterviewList {
    /// Newest first.
    interviews: Vec<Interview>,
    /// Where the next page starts (pass it as `before`); `null` on the last page.
    next_before: Option<String>,
}

/// A session with what the interviewers concluded.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Interview {
    #[serde(flatten)]
    session: Session,
    /// From the candidate's arrival (or the creation) to the end; `null` while live.
    duration_ms: Option<i64>,
    /// The submitted scorecards' recommendations.
    recommendations: Vec<GivenRecommendation>,
}

/// One interviewer's submitted recommendation.
#[derive(Serialize, ToSchema)]
pub struct GivenRecommendation {
    user: Author,
    recommendation: Recommendation,
}

fn matches(session: &Session, needle: &str) -> bool {
    let found = |text: &str| text.to_lowercase().contains(needle);
    found(&session.problem.title)
        || found(&session.problem.slug)
        || session.participants.iter().any(|p| found(&p.name))
        || found(&session.host.name)
}

/// Past and live interviews, newest first, searchable by candidate and problem.
///
/// Each with its duration and the submitted recommendations.
///
/// Interviewer and administrator accounts (every account when anyone may host); an
/// interviewer sees the sessions they hosted or sat in as a co-interviewer, an administrator
/// every session. Not guests.
#[utoipa::path(get, path = "/interviews", tag = "record", operation_id = "list_interviews", params(ListQuery),
    responses((status = 200, description = "A page of interviews", body = InterviewList)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> AppResult<Json<InterviewList>> {
    let hosts = user.role.interviews() || state.config.sessions.who_may_host == crate::config::WhoMayHost::Everyone;
    if !hosts {
        return Err(AppError::Forbidden("Past interviews are for interviewers".into()));
    }
    let limit = match query.limit {
        None => DEFAULT_PAGE,
        Some(n) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => return Err(AppError::bad_request(format!("limit must be between 1 and {MAX_PAGE}"))),
    };
    if let Some(before) = &query.before
        && crate::clock::parse(before).is_none()
    {
        return Err(AppError::bad_request("before must be an RFC 3339 timestamp such as an interview's createdAt"));
    }
    let needle = query.q.as_deref().map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    if needle.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::bad_request("A search is at most 100 characters"));
    }
    let mine = (user.role != Role::Admin).then_some(user.id.as_str());
    let mut found: Vec<Session> = Vec::new();
    let mut cursor = query.before.clone();
    let mut exhausted = false;
    for _ in 0..MAX_SCANS {
        let page = read_page(&state, mine, query.status, cursor.as_deref(), SCAN).await?;
        exhausted = page.len() < SCAN as usize;
        for session in page {
            if found.len() >= limit {
                exhausted = false;
                break;
            }
            // The cursor follows what was read, so the next page starts after it.
            cursor = Some(session.created_at.clone());
            if needle.as_deref().is_none_or(|needle| matches(&session, needle)) {
                found.push(session);
            }
        }
        if found.len() >= limit || exhausted {
            break;
        }
    }
    let next_before = if exhausted { None } else { cursor };
    let ids: Vec<String> = found.iter().map(|s| s.id.clone()).collect();
    let mut given: HashMap<String, Vec<GivenRecommendation>> = HashMap::new();
    for (session, user, recommendation) in scorecards::recommendations(&state.db, &ids).await? {
        given.entry(session).or_default().push(GivenRecommendation { user, recommendation });
    }
    let interviews: Vec<Interview> = found
        .into_iter()
        .map(|session| {
            let start = session.started_at.as_deref().unwrap_or(&session.created_at);
            let duration_ms = session
                .ended_at
                .as_deref()
                .and_then(crate::clock::parse_ms)
                .zip(crate::clock::parse_ms(start))
                .map(|(end, start)| (end - start).max(0));
            let recommendations = given.remove(&session.id).unwrap_or_default();
            Interview { session: session.with_derived(), duration_ms, recommendations }
        })
        .collect();
    Ok(Json(InterviewList { interviews, next_before }))
}

async fn read_page(
    state: &AppState,
    mine: Option<&str>,
    status: Option<Status>,
    before: Option<&str>,
    limit: u32,
) -> AppResult<Vec<Session>> {
    let mut conditions = vec!["true"];
    if mine.is_some() {
        conditions.push("(host = $me OR $me INSIDE interviewers)");
    }
    if status.is_some() {
        conditions.push("status = $status");
    }
    if before.is_some() {
        conditions.push("created_at < <datetime>$before");
    }
    let statement = format!(
        "LET $me = IF $user THEN type::record('user', $user) ELSE NONE END;
         SELECT {} FROM session WHERE {} ORDER BY createdAt DESC LIMIT $limit;",
        crate::sessions::store::SESSION_VIEW,
        conditions.join(" AND ")
    );
    let mut response = state
        .db
        .query(statement)
        .bind(json!({ "user": mine, "status": status, "before": before, "limit": limit }))
        .await?
        .check()?;
    Ok(take_rows(&mut response, 1)?)
}
