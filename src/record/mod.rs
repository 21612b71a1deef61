//! The interviewer's record of a session: private notes, scorecards against rubrics, the edit
//! history with its replay, the timeline, the report, and the list of past interviews.
//!
//! Who may read it: the session's host and co-interviewers, and administrators. A candidate, a
//! guest or anyone else gets 403 from every route here, and nothing of the record travels on
//! the room's sockets.

pub mod history;
mod interviews;
pub mod notes;
mod report;
pub mod rubrics;
pub mod scorecards;
pub mod timeline;

use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::{AdminAccess, Role, SignedIn, User};
use crate::config::{NotesSharing, WhoMayHost};
use crate::error::{ApiJson, AppError, AppResult};
use crate::realtime::store::Author;
use crate::sessions::{Session, Status};
use history::History;
use scorecards::{Saved, ScorecardInput, Submitted};

pub use history::Histories;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/notes", get(own_notes).put(save_notes))
        .route("/sessions/{id}/notes/all", get(all_notes))
        .route("/sessions/{id}/scorecard", get(own_scorecard).put(save_scorecard))
        .route("/sessions/{id}/scorecard/submit", post(submit_scorecard))
        .route("/sessions/{id}/scorecards", get(all_scorecards))
        .route("/sessions/{id}/scorecards/{user_id}/reopen", post(reopen_scorecard))
        .route("/sessions/{id}/replay", get(replay))
        .route("/sessions/{id}/timeline", get(timeline_route))
        .route("/sessions/{id}/report", get(report::show))
        .route("/sessions/{id}/guidance", get(guidance))
        .route("/rubrics", get(list_rubrics))
        .route("/admin/rubrics", get(admin_list_rubrics))
        .route("/rubrics/{id}", put(save_rubric).delete(remove_rubric))
        .route("/rubrics/{id}/default", post(default_rubric))
        .route("/interviews", get(interviews::list))
}

/// Someone allowed to read a session's record, and the session.
pub struct Reader {
    pub user: User,
    pub session: Session,
}

impl Reader {
    /// The host, a co-interviewer (an account, or a guest who came by an interviewer link) or an
    /// administrator; 403 for everyone else.
    pub async fn open(state: &AppState, user: User, session_id: &str) -> AppResult<Self> {
        if user.role == Role::Guest && user.session_id.as_deref() != Some(session_id) {
            return Err(crate::auth::guests_stay_in_their_session());
        }
        let session = crate::sessions::load(state, session_id).await?;
        if !session.interviewed_by(&user.id) && user.role != Role::Admin {
            return Err(AppError::Forbidden("The interview record is for the session's interviewers".into()));
        }
        Ok(Self { user, session })
    }

    fn created_ms(&self) -> i64 {
        crate::clock::parse_ms(&self.session.created_at).unwrap_or(0)
    }

    /// Milliseconds from creation to the end, or to now while the session is live.
    fn duration_ms(&self) -> i64 {
        let end =
            self.session.ended_at.as_deref().and_then(crate::clock::parse_ms).unwrap_or_else(crate::clock::now_ms);
        (end - self.created_ms()).max(0)
    }

    /// Whether the others' notes are readable to this reader now.
    fn sees_others_notes(&self, sharing: NotesSharing) -> bool {
        match sharing {
            NotesSharing::Always => true,
            NotesSharing::AfterEnd => self.session.status == Status::Completed,
            NotesSharing::Never => false,
        }
    }

    async fn history<T>(&self, state: &AppState, f: impl FnOnce(&History) -> T) -> AppResult<T> {
        let ended = self.session.status == Status::Completed;
        state.rooms.flush_code(&self.session.id).await;
        Ok(state.histories.read(&state.db, (&self.session.id, self.created_ms(), ended), f).await?)
    }
}

/// Builds and stores an ended session's history in the background, so that the first look at
/// its replay or report after the interview does not wait for it.
pub fn store_history_of_ended(state: &AppState, session: &Session) {
    let (state, session_id) = (state.clone(), session.id.clone());
    let created_ms = crate::clock::parse_ms(&session.created_at).unwrap_or(0);
    tokio::spawn(async move {
        state.rooms.flush_code(&session_id).await;
        if let Err(err) = state.histories.read(&state.db, (&session_id, created_ms, true), |_| ()).await {
            tracing::warn!(session = %session_id, error = %err, "cannot prepare the ended session's history");
        }
    });
}

// Notes

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotesInput {
    markdown: String,
}

async fn own_notes(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    let notes = notes::own(&state.db, &reader.session.id, &reader.user.id).await?;
    Ok(Json(json!({ "notes": notes })))
}

async fn save_notes(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NotesInput>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    if input.markdown.chars().count() > notes::MAX_CHARS {
        return Err(AppError::PayloadTooLarge(format!("Notes are at most {} characters", notes::MAX_CHARS)));
    }
    let notes = notes::save(&state.db, &reader.session.id, &reader.user.id, &input.markdown).await?;
    Ok(Json(json!({ "notes": notes })))
}

/// The notes the reader may read: their own, and the others' as `record.share_notes` says.
async fn readable_notes(state: &AppState, reader: &Reader) -> AppResult<Vec<notes::AuthoredNotes>> {
    let mut all = notes::all(&state.db, &reader.session.id).await?;
    if !reader.sees_others_notes(state.config.record.share_notes) {
        all.retain(|n| n.user.id == reader.user.id);
    }
    Ok(all)
}

async fn all_notes(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    let notes = readable_notes(&state, &reader).await?;
    Ok(Json(json!({ "notes": notes, "othersVisible": reader.sees_others_notes(state.config.record.share_notes) })))
}

// Scorecards

async fn own_scorecard(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    let card = match scorecards::own(&state.db, &reader.session.id, &reader.user.id).await? {
        Some(card) => card,
        None => scorecards::blank(&state.db).await?,
    };
    Ok(Json(json!({ "scorecard": card })))
}

async fn save_scorecard(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ScorecardInput>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    match scorecards::save(&state.db, &reader.session.id, &reader.user.id, input).await? {
        Saved::Done(card) => Ok(Json(json!({ "scorecard": card }))),
        Saved::Locked => Err(AppError::Conflict("This scorecard is submitted; an administrator can reopen it".into())),
        Saved::Invalid(message) => Err(AppError::bad_request(message)),
    }
}

async fn submit_scorecard(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    match scorecards::submit(&state.db, &reader.session.id, &reader.user.id).await? {
        Submitted::Done(card) => {
            tracing::info!(session = %reader.session.id, user = %reader.user.id, "scorecard submitted");
            Ok(Json(json!({ "scorecard": card })))
        }
        Submitted::Already => Err(AppError::Conflict("This scorecard is already submitted".into())),
        Submitted::Incomplete(message) => Err(AppError::bad_request(message)),
    }
}

/// The scorecards the reader may read: none of the others' before their own is submitted
/// (administrators: every submitted one). Drafts are never shown to anyone but their author.
async fn readable_scorecards(
    state: &AppState,
    reader: &Reader,
) -> AppResult<(Vec<scorecards::AuthoredScorecard>, bool)> {
    let all = scorecards::submitted(&state.db, &reader.session.id).await?;
    let own_submitted = all.iter().any(|card| card.user.id == reader.user.id);
    if own_submitted || reader.user.role == Role::Admin { Ok((all, own_submitted)) } else { Ok((Vec::new(), false)) }
}

async fn all_scorecards(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    let (cards, own_submitted) = readable_scorecards(&state, &reader).await?;
    Ok(Json(json!({ "scorecards": cards, "ownSubmitted": own_submitted })))
}

async fn reopen_scorecard(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path((id, person)): Path<(String, String)>,
) -> AppResult<Json<Value>> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden("Only an administrator reopens a submitted scorecard".into()));
    }
    let reader = Reader::open(&state, user, &id).await?;
    let card = scorecards::reopen(&state.db, &reader.session.id, &person)
        .await?
        .ok_or_else(|| AppError::not_found("This person has no scorecard in the session"))?;
    tracing::info!(session = %reader.session.id, user = %person, by = %reader.user.id, "scorecard reopened");
    Ok(Json(json!({ "scorecard": card })))
}

// Replay, code at a moment, timeline

/// The names of a history's authors, in the history's order.
async fn author_names(state: &AppState, ids: &[String]) -> AppResult<Vec<Author>> {
    let names = crate::auth::store::names(&state.db, ids).await?;
    Ok(ids
        .iter()
        .map(|id| Author { id: id.clone(), name: names.get(id).cloned().unwrap_or_else(|| "Former user".into()) })
        .collect())
}

async fn replay(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    let (ids, body) = reader
        .history(&state, |history| {
            let body = json!({
                "initial": { "code": history.initial_code, "language": history.initial_language },
                "steps": history.steps,
            });
            (history.authors.clone(), body)
        })
        .await?;
    let mut body = body;
    body["authors"] = json!(author_names(&state, &ids).await?);
    body["createdAt"] = json!(reader.session.created_at);
    body["durationMs"] = json!(reader.duration_ms());
    body["live"] = json!(reader.session.status == Status::Active);
    Ok(Json(json!({ "replay": body })))
}

/// `GET /api/sessions/:id/code?at=<ms>`: the code as it was `at` milliseconds after the
/// session was created (the route without `at`, the code now, belongs to the room).
pub async fn code_at(state: &AppState, user: User, session_id: &str, at: &str) -> AppResult<Json<Value>> {
    let reader = Reader::open(state, user, session_id).await?;
    let at = at
        .parse::<i64>()
        .ok()
        .filter(|at| *at >= 0)
        .ok_or_else(|| AppError::bad_request("at is milliseconds since the session was created (0 or more)"))?;
    let (code, language) = reader.history(state, |history| history.code_at(at)).await?;
    Ok(Json(json!({ "code": code, "language": language, "at": at })))
}

/// The whole timeline of a session.
async fn events_of(state: &AppState, reader: &Reader) -> AppResult<Vec<timeline::Event>> {
    let (ids, mut from_history) =
        reader.history(state, |history| (history.authors.clone(), timeline::from_history(history))).await?;
    let authors = author_names(state, &ids).await?;
    for user in from_history.iter_mut().filter_map(|event| event.user.as_mut()) {
        if let Some(known) = authors.iter().find(|author| author.id == user.id) {
            user.name.clone_from(&known.name);
        }
    }
    let submissions = submissions_oldest_first(state, &reader.session.id).await?;
    let chat = crate::realtime::store::chat_history(&state.db, &reader.session.id, MAX_CHAT).await?;
    let sources = timeline::Sources {
        session: &reader.session,
        created_ms: reader.created_ms(),
        submissions: &submissions,
        chat: &chat,
    };
    Ok(timeline::assemble(&state.db, sources, from_history).await?)
}

/// Most chat messages and judged attempts a record shows.
const MAX_CHAT: u32 = 5000;
const MAX_SUBMISSIONS: u32 = 1000;

async fn submissions_oldest_first(
    state: &AppState,
    session_id: &str,
) -> AppResult<Vec<crate::judge::store::Submission>> {
    let mut submissions = crate::judge::store::for_session(&state.db, session_id, MAX_SUBMISSIONS).await?;
    submissions.reverse();
    Ok(submissions)
}

async fn timeline_route(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    let events = events_of(&state, &reader).await?;
    Ok(Json(json!({
        "createdAt": reader.session.created_at,
        "durationMs": reader.duration_ms(),
        "live": reader.session.status == Status::Active,
        "events": events,
    })))
}

/// The interviewer guidance of the session's problem: the interviewers' to read, never the
/// candidate's.
async fn guidance(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let reader = Reader::open(&state, user, &id).await?;
    let guidance = state.problems.problem(&reader.session.problem.slug).map(|problem| problem.guidance.clone());
    Ok(Json(json!({ "guidance": guidance.unwrap_or_default() })))
}

// Rubrics

/// Interviewers and administrators; a guest only while holding an interviewer seat.
async fn list_rubrics(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Json<Value>> {
    let allowed = match (user.role, user.session_id.as_deref()) {
        (Role::Guest, Some(session_id)) => crate::sessions::load(&state, session_id).await?.interviewed_by(&user.id),
        (Role::Guest, None) => false,
        (role, _) => role.interviews() || state.config.sessions.who_may_host == WhoMayHost::Everyone,
    };
    if !allowed {
        return Err(AppError::Forbidden("Rubrics are for interviewers".into()));
    }
    Ok(Json(json!({ "rubrics": rubrics::list(&state.db).await? })))
}

async fn admin_list_rubrics(State(state): State<AppState>, _: AdminAccess) -> AppResult<Json<Value>> {
    Ok(Json(json!({ "rubrics": rubrics::list(&state.db).await? })))
}

async fn save_rubric(
    State(state): State<AppState>,
    _: AdminAccess,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<rubrics::RubricInput>,
) -> AppResult<Json<Value>> {
    let rubric = input.into_rubric(&id).map_err(AppError::bad_request)?;
    let saved = rubrics::save(&state.db, &rubric).await?;
    tracing::info!(rubric = %saved.id, "rubric saved");
    Ok(Json(json!({ "rubric": saved })))
}

async fn remove_rubric(
    State(state): State<AppState>,
    _: AdminAccess,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    match rubrics::remove(&state.db, &id).await? {
        Ok(()) => Ok(Json(json!({ "removed": id }))),
        Err(rubrics::RemoveError::NotFound) => Err(AppError::not_found("Rubric not found")),
        Err(rubrics::RemoveError::Last) => {
            Err(AppError::Conflict("This is the last rubric; add another before removing it".into()))
        }
    }
}

async fn default_rubric(
    State(state): State<AppState>,
    _: AdminAccess,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let rubric = rubrics::make_default(&state.db, &id).await?.ok_or_else(|| AppError::not_found("Rubric not found"))?;
    Ok(Json(json!({ "rubric": rubric })))
}
