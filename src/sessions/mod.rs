//! Interview sessions: create, list, join (atomic, seat-limited), leave and end.

pub mod store;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::AppState;
use crate::auth::{CurrentUser, Person};
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::integrations::stream;
use crate::problems::{Difficulty, ProblemRef};

const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 100;

/// A session as every API response shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub problem: ProblemRef,
    pub difficulty: Difficulty,
    pub host: Person,
    /// The first participant besides the host (the original app's single seat).
    #[serde(default)]
    pub participant: Option<Person>,
    pub participants: Vec<Person>,
    pub seats: u32,
    pub status: Status,
    pub call_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub ended_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Completed,
}

impl Session {
    fn with_participant(mut self) -> Self {
        self.participant = self.participants.first().cloned();
        self
    }

    pub fn includes(&self, user_id: &str) -> bool {
        self.host.id == user_id || self.participants.iter().any(|p| p.id == user_id)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions", post(create))
        .route("/sessions/active", get(active))
        .route("/sessions/my-recent", get(my_recent))
        .route("/sessions/{id}", get(show))
        .route("/sessions/{id}/join", post(join))
        .route("/sessions/{id}/leave", post(leave))
        .route("/sessions/{id}/end", post(end))
}

#[derive(Deserialize)]
struct CreateRequest {
    problem: String,
    difficulty: Option<Difficulty>,
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(body): ApiJson<CreateRequest>,
) -> AppResult<(StatusCode, Json<serde_json::Value>)> {
    let problem = state
        .problems
        .get(body.problem.trim())
        .ok_or_else(|| AppError::bad_request(format!("Unknown problem `{}`", body.problem.trim())))?;
    if body.difficulty.is_some_and(|difficulty| difficulty != problem.difficulty) {
        return Err(AppError::bad_request(format!(
            "Difficulty follows the problem: `{}` is {}",
            problem.slug,
            problem.difficulty.as_str()
        )));
    }
    let limit = state.config.sessions.max_active_per_host;
    if store::count_active_hosted_by(&state.db, &user.id).await? >= u64::from(limit) {
        return Err(AppError::Conflict(format!("You already host {limit} active sessions; end one first")));
    }
    let id = uuid::Uuid::now_v7().simple().to_string();
    let new = store::NewSession { id: &id, problem: &problem, host_id: &user.id, seats: state.config.sessions.seats };
    let session = store::create(&state.db, new).await?.with_participant();
    state.live_sessions.invalidate();
    tracing::info!(session = %session.id, host = %user.id, problem = %problem.slug, "session created");
    stream::session_created(&state, &session);
    Ok((StatusCode::CREATED, Json(json!({ "session": session }))))
}

#[derive(Deserialize)]
struct PageQuery {
    limit: Option<u32>,
    before: Option<String>,
}

impl PageQuery {
    fn limit(&self) -> AppResult<u32> {
        match self.limit {
            None => Ok(DEFAULT_PAGE),
            Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            Some(_) => Err(AppError::bad_request(format!("limit must be between 1 and {MAX_PAGE}"))),
        }
    }

    fn before(&self) -> AppResult<Option<&str>> {
        match self.before.as_deref() {
            None => Ok(None),
            Some(text) => time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map(|_| Some(text))
                .map_err(|_| {
                    AppError::bad_request("before must be an RFC 3339 timestamp such as a session's createdAt")
                }),
        }
    }
}

fn listing(sessions: Vec<Session>) -> Json<serde_json::Value> {
    let sessions: Vec<Session> = sessions.into_iter().map(Session::with_participant).collect();
    Json(json!({ "sessions": sessions }))
}

async fn active(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    let (limit, before) = (page.limit()?, page.before()?);
    if page.limit.is_some() || before.is_some() {
        let sessions = store::list(&state.db, store::Listing::Active, limit, before).await?;
        return Ok(listing(sessions).into_response());
    }
    // The first page is the same for everyone and polled by every dashboard: serve it from
    // a cache that every session write on this instance clears.
    let body = state
        .live_sessions
        .get_or_load(&(), || async {
            let sessions = store::list(&state.db, store::Listing::Active, limit, None).await?;
            let Json(value) = listing(sessions);
            anyhow::Ok(Bytes::from(serde_json::to_vec(&value)?))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn my_recent(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<serde_json::Value>> {
    let listing_kind = store::Listing::CompletedFor { user_id: &user.id };
    let sessions = store::list(&state.db, listing_kind, page.limit()?, page.before()?).await?;
    Ok(listing(sessions))
}

async fn load(state: &AppState, id: &str) -> AppResult<Session> {
    let valid_id =
        !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_id {
        return Err(AppError::not_found("Session not found"));
    }
    store::find(&state.db, id)
        .await?
        .map(Session::with_participant)
        .ok_or_else(|| AppError::not_found("Session not found"))
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(json!({ "session": load(&state, &id).await? })))
}

async fn join(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let before = load(&state, &id).await?;
    if before.status == Status::Completed {
        return Err(AppError::bad_request("Cannot join a completed session"));
    }
    if !before.includes(&user.id) {
        if !store::try_join(&state.db, &id, &user.id).await? {
            // The conditional update refused: say why from the state that refused it.
            let now = load(&state, &id).await?;
            return match now.status {
                Status::Completed => Err(AppError::bad_request("Cannot join a completed session")),
                Status::Active if now.includes(&user.id) => Ok(Json(json!({ "session": now }))),
                Status::Active => Err(AppError::Conflict("Session is full".into())),
            };
        }
        state.live_sessions.invalidate();
        let person = Person { id: user.id.clone(), name: user.name.clone(), image: user.image.clone() };
        stream::session_joined(&state, &before, &person);
    }
    Ok(Json(json!({ "session": load(&state, &id).await? })))
}

async fn leave(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let session = load(&state, &id).await?;
    if session.host.id == user.id {
        return Err(AppError::bad_request("The host cannot leave; end the session instead"));
    }
    if session.status == Status::Completed {
        return Err(AppError::bad_request("The session is already completed"));
    }
    if !store::try_leave(&state.db, &id, &user.id).await? {
        return Err(AppError::bad_request("You are not a participant of this session"));
    }
    state.live_sessions.invalidate();
    state.rooms.disconnect_user(&id, &user.id, crate::realtime::Closing::Left);
    Ok(Json(json!({ "session": load(&state, &id).await? })))
}

async fn end(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let session = load(&state, &id).await?;
    if session.host.id != user.id {
        return Err(AppError::Forbidden("Only the host can end the session".into()));
    }
    if session.status == Status::Completed || !store::try_end(&state.db, &id, &user.id).await? {
        return Err(AppError::bad_request("Session is already completed"));
    }
    state.live_sessions.invalidate();
    tracing::info!(session = %id, "session ended");
    stream::session_ended(&state, &session);
    state.rooms.session_ended(&id).await;
    Ok(Json(json!({ "session": load(&state, &id).await?, "message": "Session ended successfully" })))
}
