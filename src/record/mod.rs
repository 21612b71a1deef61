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

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{AdminAccess, Role, SignedIn, User};
use crate::config::{NotesSharing, WhoMayHost};
use crate::error::{ApiJson, AppError, AppResult};
use crate::problems::Guidance;
use crate::realtime::SessionCode;
use crate::realtime::store::Author;
use crate::sessions::{Session, Status};
use history::{History, Step};
use notes::{AuthoredNotes, Notes};
use rubrics::Rubric;
use scorecards::{AuthoredScorecard, Saved, Scorecard, ScorecardInput, Submitted};

pub use history::Histories;

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new()
        .routes(routes!(own_notes, save_notes))
        .routes(routes!(all_notes))
        .routes(routes!(own_scorecard, save_scorecard))
        .routes(routes!(submit_scorecard))
        .routes(routes!(all_scorecards))
        .routes(routes!(reopen_scorecard))
        .routes(routes!(replay))
        .routes(routes!(timeline_route))
        .routes(routes!(report::show))
        .routes(routes!(guidance))
        .routes(routes!(list_rubrics))
        .routes(routes!(admin_list_rubrics))
        .routes(routes!(save_rubric, remove_rubric))
        .routes(routes!(default_rubric))
        .routes(routes!(interviews::list))
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

/// The reader of the session `{id}` in the path, for the routes that read nothing but it. A
/// route that reads a body opens its reader after the body, so that a malformed body is still
/// refused before the record's access rule is applied.
impl FromRequestParts<AppState> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let Path(id) = Path::<String>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        Reader::open(state, user, &id).await.map_err(IntoResponse::into_response)
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

/// Notes to save: they replace the caller's notes on the session.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NotesInput {
    /// At most 100,000 characters.
    markdown: String,
}

#[derive(Serialize, ToSchema)]
struct NotesReply {
    notes: Notes,
}

/// The caller's own private notes on a session (empty before the first save).
///
/// The host, co-interviewers and administrators.
#[utoipa::path(get, path = "/sessions/{id}/notes", tag = "record", params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The caller's notes", body = NotesReply)))]
async fn own_notes(State(state): State<AppState>, reader: Reader) -> AppResult<Json<NotesReply>> {
    let notes = notes::own(&state.db, &reader.session.id, &reader.user.id).await?;
    Ok(Json(NotesReply { notes }))
}

/// Saves the caller's private notes on a session; acknowledged once durably stored.
///
/// The host, co-interviewers and administrators.
#[utoipa::path(put, path = "/sessions/{id}/notes", tag = "record", params(("id" = String, Path, description = "The session's id")), request_body = NotesInput,
    responses((status = 200, description = "The notes as saved", body = NotesReply)))]
async fn save_notes(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NotesInput>,
) -> AppResult<Json<NotesReply>> {
    let reader = Reader::open(&state, user, &id).await?;
    if input.markdown.chars().count() > notes::MAX_CHARS {
        return Err(AppError::PayloadTooLarge(format!("Notes are at most {} characters", notes::MAX_CHARS)));
    }
    let notes = notes::save(&state.db, &reader.session.id, &reader.user.id, &input.markdown).await?;
    Ok(Json(NotesReply { notes }))
}

/// The notes the reader may read: their own, and the others' as `record.share_notes` says.
async fn readable_notes(state: &AppState, reader: &Reader) -> AppResult<Vec<notes::AuthoredNotes>> {
    let mut all = notes::all(&state.db, &reader.session.id).await?;
    if !reader.sees_others_notes(state.config.record.share_notes) {
        all.retain(|n| n.user.id == reader.user.id);
    }
    Ok(all)
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct AllNotes {
    /// Oldest save first.
    notes: Vec<AuthoredNotes>,
    /// Whether the others' notes are among them (the server's `record.share_notes`: always,
    /// after the end, or never).
    others_visible: bool,
}

/// The interviewers' notes on a session that the caller may read.
///
/// Their own, and the others' as the server's notes sharing allows.
///
/// The host, co-interviewers and administrators.
#[utoipa::path(get, path = "/sessions/{id}/notes/all", tag = "record", params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The notes the caller may read", body = AllNotes)))]
async fn all_notes(State(state): State<AppState>, reader: Reader) -> AppResult<Json<AllNotes>> {
    let notes = readable_notes(&state, &reader).await?;
    Ok(Json(AllNotes { notes, others_visible: reader.sees_others_notes(state.config.record.share_notes) }))
}

// Scorecards

#[derive(Serialize, ToSchema)]
struct ScorecardReply {
    scorecard: Scorecard,
}

/// The caller's own scorecard on a session.
///
/// A blank draft on the default rubric before the first save.
///
/// The host, co-interviewers and administrators.
#[utoipa::path(get, path = "/sessions/{id}/scorecard", tag = "record", params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The caller's scorecard", body = ScorecardReply)))]
async fn own_scorecard(State(state): State<AppState>, reader: Reader) -> AppResult<Json<ScorecardReply>> {
    let card = match scorecards::own(&state.db, &reader.session.id, &reader.user.id).await? {
        Some(card) => card,
        None => scorecards::blank(&state.db).await?,
    };
    Ok(Json(ScorecardReply { scorecard: card }))
}

/// Saves the caller's draft scorecard.
///
/// Ratings 1 to 4 of the rubric's criteria, a recommendation and comments. Refused (409) once
/// submitted.
///
/// The host, co-interviewers and administrators.
#[utoipa::path(put, path = "/sessions/{id}/scorecard", tag = "record", params(("id" = String, Path, description = "The session's id")), request_body = ScorecardInput,
    responses((status = 200, description = "The draft as saved", body = ScorecardReply)))]
async fn save_scorecard(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ScorecardInput>,
) -> AppResult<Json<ScorecardReply>> {
    let reader = Reader::open(&state, user, &id).await?;
    match scorecards::save(&state.db, &reader.session.id, &reader.user.id, input).await? {
        Saved::Done(card) => Ok(Json(ScorecardReply { scorecard: card })),
        Saved::Locked => Err(AppError::Conflict("This scorecard is submitted; an administrator can reopen it".into())),
        Saved::Invalid(message) => Err(AppError::bad_request(message)),
    }
}

/// Submits the caller's scorecard, which locks it.
///
/// Every criterion must be rated and a recommendation given.
///
/// The host, co-interviewers and administrators.
#[utoipa::path(post, path = "/sessions/{id}/scorecard/submit", tag = "record", params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The submitted scorecard", body = ScorecardReply)))]
async fn submit_scorecard(State(state): State<AppState>, reader: Reader) -> AppResult<Json<ScorecardReply>> {
    match scorecards::submit(&state.db, &reader.session.id, &reader.user.id).await? {
        Submitted::Done(card) => {
            tracing::info!(session = %reader.session.id, user = %reader.user.id, "scorecard submitted");
            Ok(Json(ScorecardReply { scorecard: card }))
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

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ScorecardList {
    /// The submitted scorecards, oldest submission first; empty until the caller submitted
    /// their own (administrators see them all). Drafts are never listed.
    scorecards: Vec<AuthoredScorecard>,
    /// Whether the caller's own scorecard is submitted.
    own_submitted: bool,
}

/// The session's submitted scorecards, once the caller submitted theirs.
///
/// The host, co-interviewers and administrators.
#[utoipa::path(get, path = "/sessions/{id}/scorecards", tag = "record", params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The scorecards the caller may read", body = ScorecardList)))]
async fn all_scorecards(State(state): State<AppState>, reader: Reader) -> AppResult<Json<ScorecardList>> {
    let (scorecards, own_submitted) = readable_scorecards(&state, &reader).await?;
    Ok(Json(ScorecardList { scorecards, own_submitted }))
}

/// Turns someone's submitted scorecard back into a draft they can edit.
///
/// Administrators.
#[utoipa::path(post, path = "/sessions/{id}/scorecards/{user_id}/reopen", tag = "record",
    params(("id" = String, Path, description = "The session's id"), ("user_id" = String, Path, description = "The id of the scorecard's author")),
    responses((status = 200, description = "The reopened scorecard", body = ScorecardReply)))]
async fn reopen_scorecard(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path((id, person)): Path<(String, String)>,
) -> AppResult<Json<ScorecardReply>> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden("Only an administrator reopens a submitted scorecard".into()));
    }
    let reader = Reader::open(&state, user, &id).await?;
    let card = scorecards::reopen(&state.db, &reader.session.id, &person)
        .await?
        .ok_or_else(|| AppError::not_found("This person has no scorecard in the session"))?;
    tracing::info!(session = %reader.session.id, user = %person, by = %reader.user.id, "scorecard reopened");
    Ok(Json(ScorecardReply { scorecard: card }))
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

/// The code's whole edit history, for the replay page to play back.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Replay {
    /// The code before the first step.
    initial: InitialCode,
    /// In order; each step's `at` is milliseconds since the session was created.
    steps: Vec<Step>,
    /// Who made the steps: a step's `author` indexes this list.
    authors: Vec<Author>,
    created_at: String,
    /// From the creation to the end, or to now while live.
    duration_ms: i64,
    /// Whether the session still runs (the history grows).
    live: bool,
}

#[derive(Serialize, ToSchema)]
struct InitialCode {
    code: String,
    language: String,
}

#[derive(Serialize, ToSchema)]
struct ReplayReply {
    replay: Replay,
}

/// The code's edit history: the starting code and every change, with who made it and when.
///
/// The host, co-interviewers and administrators.
#[utoipa::path(get, path = "/sessions/{id}/replay", tag = "record", params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The edit history", body = ReplayReply)))]
async fn replay(State(state): State<AppState>, reader: Reader) -> AppResult<Json<ReplayReply>> {
    let (ids, initial, steps) = reader
        .history(&state, |history| {
            let initial =
                InitialCode { code: history.initial_code.clone(), language: history.initial_language.clone() };
            (history.authors.clone(), initial, history.steps.clone())
        })
        .await?;
    let replay = Replay {
        initial,
        steps,
        authors: author_names(&state, &ids).await?,
        created_at: reader.session.created_at.clone(),
        duration_ms: reader.duration_ms(),
        live: reader.session.status == Status::Active,
    };
    Ok(Json(ReplayReply { replay }))
}

/// `GET /api/sessions/:id/code?at=<ms>`: the code as it was `at` milliseconds after the
/// session was created (the route without `at`, the code now, belongs to the room).
pub async fn code_at(state: &AppState, user: User, session_id: &str, at: &str) -> AppResult<Json<SessionCode>> {
    let reader = Reader::open(state, user, session_id).await?;
    let at = at
        .parse::<i64>()
        .ok()
        .filter(|at| *at >= 0)
        .ok_or_else(|| AppError::bad_request("at is milliseconds since the session was created (0 or more)"))?;
    let (code, language) = reader.history(state, |history| history.code_at(at)).await?;
    Ok(Json(SessionCode { code, language, at: Some(at) }))
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

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Timeline {
    created_at: String,
    /// From the creation to the end, or to now while live.
    duration_ms: i64,
    /// Whether the session still runs.
    live: bool,
    /// In order of time.
    events: Vec<timeline::Event>,
}

/// What happened in a session, in order.
///
/// People joining and leaving, the candidate's tab losing and regaining focus, language
/// switches, pastes, runs and submits, chat, the end.
///
/// The host, co-interviewers and administrators.
#[utoipa::path(get, path = "/sessions/{id}/timeline", tag = "record", params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The session's timeline", body = Timeline)))]
async fn timeline_route(State(state): State<AppState>, reader: Reader) -> AppResult<Json<Timeline>> {
    let events = events_of(&state, &reader).await?;
    Ok(Json(Timeline {
        created_at: reader.session.created_at.clone(),
        duration_ms: reader.duration_ms(),
        live: reader.session.status == Status::Active,
        events,
    }))
}

/// The interviewer guidance of the session's problem (empty when it has none).
///
/// The host, co-interviewers and administrators; never the candidates.
#[utoipa::path(get, path = "/sessions/{id}/guidance", tag = "record", operation_id = "session_guidance", params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The problem's interviewer guidance", body = Guidance)))]
async fn guidance(State(state): State<AppState>, reader: Reader) -> AppResult<Json<Guidance>> {
    let guidance = state.problems.problem(&reader.session.problem.slug).map(|problem| problem.guidance.clone());
    Ok(Json(Guidance { guidance: guidance.unwrap_or_default() }))
}

// Rubrics

#[derive(Serialize, ToSchema)]
struct RubricList {
    /// The default first, then by name.
    rubrics: Vec<Rubric>,
}

#[derive(Serialize, ToSchema)]
struct RubricReply {
    rubric: Rubric,
}

#[derive(Serialize, ToSchema)]
struct RubricRemoved {
    /// The removed rubric's id.
    removed: String,
}

/// The rubrics scorecards are filled against.
///
/// Interviewer and administrator accounts (every account when anyone may host); a guest only
/// while holding an interviewer seat.
#[utoipa::path(get, path = "/rubrics", tag = "record",
    responses((status = 200, description = "The rubrics", body = RubricList)))]
async fn list_rubrics(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Json<RubricList>> {
    let allowed = match (user.role, user.session_id.as_deref()) {
        (Role::Guest, Some(session_id)) => crate::sessions::load(&state, session_id).await?.interviewed_by(&user.id),
        (Role::Guest, None) => false,
        (role, _) => role.interviews() || state.config.sessions.who_may_host == WhoMayHost::Everyone,
    };
    if !allowed {
        return Err(AppError::Forbidden("Rubrics are for interviewers".into()));
    }
    Ok(Json(RubricList { rubrics: rubrics::list(&state.db).await? }))
}

/// The rubrics, for their administration page and `coderoom rubrics`.
///
/// Administrators and the command line.
#[utoipa::path(get, path = "/admin/rubrics", tag = "record",
    responses((status = 200, description = "The rubrics", body = RubricList)))]
async fn admin_list_rubrics(State(state): State<AppState>, _: AdminAccess) -> AppResult<Json<RubricList>> {
    Ok(Json(RubricList { rubrics: rubrics::list(&state.db).await? }))
}

/// Creates or replaces a rubric.
///
/// Whether it is the default stays as it was. Scorecards already filled keep the criteria they
/// were rated against.
///
/// Administrators and the command line.
#[utoipa::path(put, path = "/rubrics/{id}", tag = "record",
    params(("id" = String, Path, description = "The rubric's id: 1 to 40 lowercase letters, digits, `-` or `_`")),
    request_body = rubrics::RubricInput,
    responses((status = 200, description = "The rubric as saved", body = RubricReply)))]
async fn save_rubric(
    State(state): State<AppState>,
    _: AdminAccess,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<rubrics::RubricInput>,
) -> AppResult<Json<RubricReply>> {
    let rubric = input.into_rubric(&id).map_err(AppError::bad_request)?;
    let saved = rubrics::save(&state.db, &rubric).await?;
    tracing::info!(rubric = %saved.id, "rubric saved");
    Ok(Json(RubricReply { rubric: saved }))
}

/// Removes a rubric.
///
/// When it was the default, another becomes the default. The last rubric cannot be removed
/// (409).
///
/// Administrators and the command line.
#[utoipa::path(delete, path = "/rubrics/{id}", tag = "record",
    params(("id" = String, Path, description = "The rubric's id")),
    responses((status = 200, description = "Removed", body = RubricRemoved)))]
async fn remove_rubric(
    State(state): State<AppState>,
    _: AdminAccess,
    Path(id): Path<String>,
) -> AppResult<Json<RubricRemoved>> {
    match rubrics::remove(&state.db, &id).await? {
        Ok(()) => Ok(Json(RubricRemoved { removed: id })),
        Err(rubrics::RemoveError::NotFound) => Err(AppError::not_found("Rubric not found")),
        Err(rubrics::RemoveError::Last) => {
            Err(AppError::Conflict("This is the last rubric; add another before removing it".into()))
        }
    }
}

/// Makes a rubric the one new scorecards start from.
///
/// Administrators and the command line.
#[utoipa::path(post, path = "/rubrics/{id}/default", tag = "record",
    params(("id" = String, Path, description = "The rubric's id")),
    responses((status = 200, description = "The new default rubric", body = RubricReply)))]
async fn default_rubric(
    State(state): State<AppState>,
    _: AdminAccess,
    Path(id): Path<String>,
) -> AppResult<Json<RubricReply>> {
    let rubric = rubrics::make_default(&state.db, &id).await?.ok_or_else(|| AppError::not_found("Rubric not found"))?;
    Ok(Json(RubricReply { rubric }))
}
