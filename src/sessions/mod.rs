//! Interview sessions: create, list, enter (by invitation link, or by joining a session open
//! to every signed-in user; atomic and seat-limited), leave, remove someone, and end.

pub mod invites;
pub mod store;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::AppState;
use crate::audit;
use crate::auth::{CurrentUser, Person, Role, SignedIn, User};
use crate::config::WhoMayHost;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::integrations::stream;
use crate::problems::{Difficulty, ProblemRef};

const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 100;

/// What someone is in a session's room as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoomRole {
    Host,
    /// A co-interviewer.
    Interviewer,
    /// A candidate.
    Participant,
    /// An administrator looking in; may do what participants do.
    Admin,
}

/// A session as every API response shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub problem: ProblemRef,
    pub difficulty: Difficulty,
    pub host: Person,
    /// The first candidate (the original app's single seat).
    #[serde(default)]
    pub participant: Option<Person>,
    /// The people in candidate seats.
    pub participants: Vec<Person>,
    /// Co-interviewers: people in interviewer seats besides the host.
    #[serde(default)]
    pub interviewers: Vec<Person>,
    /// Candidate seats plus the host.
    pub seats: u32,
    #[serde(default)]
    pub interviewer_seats: u32,
    #[serde(default = "Visibility::before_invitations")]
    pub visibility: Visibility,
    pub status: Status,
    pub call_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub ended_at: Option<String>,
    /// When the first candidate took a seat: the interview clock starts there.
    #[serde(default)]
    pub started_at: Option<String>,
    /// The time box the host set, if any.
    #[serde(default)]
    pub time_box_minutes: Option<u32>,
    /// When the time box runs out: `startedAt` plus the time box, once both are known.
    #[serde(default)]
    pub ends_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Completed,
}

/// Who may enter a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// People with an invitation link, and those the host adds (an interview).
    Invite,
    /// Every signed-in account may join while a seat is free (pair programming).
    Open,
}

impl Visibility {
    /// Sessions created before invitations let every signed-in user join.
    fn before_invitations() -> Self {
        Self::Open
    }
}

/// The two kinds of seat, and the two kinds of invitation link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seat {
    Candidate,
    Interviewer,
}

impl Session {
    /// Fills the fields computed from the stored ones.
    pub(crate) fn with_derived(mut self) -> Self {
        self.participant = self.participants.first().cloned();
        self.ends_at = match (&self.started_at, self.time_box_minutes) {
            (Some(started), Some(minutes)) => crate::clock::parse(started)
                .map(|start| crate::clock::format(start + time::Duration::minutes(i64::from(minutes)))),
            _ => None,
        };
        self
    }

    /// Whether `user_id` is the host or a co-interviewer.
    pub fn interviewed_by(&self, user_id: &str) -> bool {
        self.host.id == user_id || self.interviewers.iter().any(|p| p.id == user_id)
    }

    /// Whether `user_id` is the host or holds a seat.
    pub fn includes(&self, user_id: &str) -> bool {
        self.host.id == user_id
            || self.participants.iter().any(|p| p.id == user_id)
            || self.interviewers.iter().any(|p| p.id == user_id)
    }

    /// What `user` is in this session's room, if they may enter it: the one rule for the
    /// room's sockets, for runs and submits made in the session and for its submissions. The
    /// host, the people seated, and administrators looking in (who may do what participants do).
    pub fn room_role(&self, user_id: &str, role: Role) -> Option<RoomRole> {
        if self.host.id == user_id {
            Some(RoomRole::Host)
        } else if self.interviewers.iter().any(|person| person.id == user_id) {
            Some(RoomRole::Interviewer)
        } else if self.participants.iter().any(|person| person.id == user_id) {
            Some(RoomRole::Participant)
        } else if role == Role::Admin {
            Some(RoomRole::Admin)
        } else {
            None
        }
    }

    /// Whether `user` may see this session at all: its people and administrators, and for an
    /// open session every signed-in account.
    pub fn visible_to(&self, user: &User) -> bool {
        self.includes(&user.id)
            || user.role == Role::Admin
            || (self.visibility == Visibility::Open && user.role != Role::Guest)
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
        .route("/sessions/{id}/timer", put(set_timer))
        .route("/sessions/{id}/participants/{user_id}/remove", post(remove))
        .merge(invites::routes())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    problem: String,
    difficulty: Option<Difficulty>,
    #[serde(default)]
    visibility: Option<Visibility>,
    #[serde(default, rename = "timeBoxMinutes")]
    time_box_minutes: Option<u32>,
}

/// The longest time box a host may set: a working day.
const MAX_TIME_BOX_MINUTES: u32 = 480;

fn check_time_box(minutes: Option<u32>) -> AppResult<Option<u32>> {
    match minutes {
        Some(m) if !(1..=MAX_TIME_BOX_MINUTES).contains(&m) => {
            Err(AppError::bad_request(format!("A time box is 1 to {MAX_TIME_BOX_MINUTES} minutes")))
        }
        other => Ok(other),
    }
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(body): ApiJson<CreateRequest>,
) -> AppResult<(StatusCode, Json<serde_json::Value>)> {
    if state.config.sessions.who_may_host == WhoMayHost::Interviewers && !user.role.interviews() {
        return Err(AppError::Forbidden(
            "Only interviewers host sessions; ask an administrator for the interviewer role".into(),
        ));
    }
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
    let time_box_minutes = check_time_box(body.time_box_minutes)?;
    let limit = state.config.sessions.max_active_per_host;
    if store::count_active_hosted_by(&state.db, &user.id).await? >= u64::from(limit) {
        return Err(AppError::Conflict(format!("You already host {limit} active sessions; end one first")));
    }
    let id = uuid::Uuid::now_v7().simple().to_string();
    let new = store::NewSession {
        id: &id,
        problem: &problem,
        host_id: &user.id,
        seats: state.config.sessions.seats,
        interviewer_seats: state.config.sessions.interviewer_seats,
        visibility: body.visibility.unwrap_or(Visibility::Invite),
        time_box_minutes,
    };
    let session = store::create(&state.db, new).await?.with_derived();
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
    let sessions: Vec<Session> = sessions.into_iter().map(Session::with_derived).collect();
    Json(json!({ "sessions": sessions }))
}

/// Live sessions: the ones the caller hosts or sits in; every one for administrators.
async fn active(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    let (limit, before) = (page.limit()?, page.before()?);
    let listing_kind = match user.role {
        Role::Admin => store::Listing::Active,
        _ => store::Listing::ActiveFor { user_id: &user.id },
    };
    if page.limit.is_some() || before.is_some() {
        return Ok(listing(store::list(&state.db, listing_kind, limit, before).await?).into_response());
    }
    // The first page is polled by every open dashboard: serve it from a cache (per person;
    // one for all administrators) that every session write on this instance clears.
    let key = (user.role != Role::Admin).then(|| user.id.clone());
    let body = state
        .live_sessions
        .get_or_load(&key, || async {
            let Json(value) = listing(store::list(&state.db, listing_kind, limit, None).await?);
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

pub(crate) async fn load(state: &AppState, id: &str) -> AppResult<Session> {
    let valid_id =
        !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_id {
        return Err(AppError::not_found("Session not found"));
    }
    store::find(&state.db, id).await?.map(Session::with_derived).ok_or_else(|| AppError::not_found("Session not found"))
}

/// A session for one who may see it (see [`Session::visible_to`]).
async fn show(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let session = load(&state, &id).await?;
    if !session.visible_to(&user) {
        return Err(not_yours(&user));
    }
    Ok(Json(json!({ "session": session })))
}

fn not_yours(user: &User) -> AppError {
    if user.role == Role::Guest {
        crate::auth::guests_stay_in_their_session()
    } else {
        AppError::Forbidden("You are not in this session; ask its host for an invitation link".into())
    }
}

/// Takes a candidate seat in a session open to every signed-in user; an interview is entered
/// by its invitation link instead.
async fn join(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let before = load(&state, &id).await?;
    if before.includes(&user.id) {
        return Ok(Json(json!({ "session": before })));
    }
    if before.visibility != Visibility::Open {
        return Err(AppError::Forbidden("This interview is entered by invitation: ask its host for a link".into()));
    }
    if before.status == Status::Completed {
        return Err(AppError::bad_request("Cannot join a completed session"));
    }
    if !store::try_join(&state.db, &id, &user.id, Seat::Candidate).await? {
        // The conditional update refused: say why from the state that refused it.
        let now = load(&state, &id).await?;
        return match now.status {
            Status::Completed => Err(AppError::bad_request("Cannot join a completed session")),
            Status::Active if now.includes(&user.id) => Ok(Json(json!({ "session": now }))),
            Status::Active => Err(AppError::Conflict("Session is full".into())),
        };
    }
    state.live_sessions.invalidate();
    state.rooms.seats_changed(&id);
    stream::session_joined(&state, &before, &user.person());
    Ok(Json(json!({ "session": load(&state, &id).await? })))
}

async fn leave(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let session = load(&state, &id).await?;
    if !session.visible_to(&user) {
        return Err(not_yours(&user));
    }
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
    state.rooms.seats_changed(&id);
    Ok(Json(json!({ "session": load(&state, &id).await? })))
}

/// `POST /api/sessions/:id/participants/:userId/remove` (the host or an administrator): the
/// person's sockets close with the reason, their seat frees, and a guest's link stops working.
async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, person)): Path<(String, String)>,
) -> AppResult<Json<serde_json::Value>> {
    let session = load(&state, &id).await?;
    if session.host.id != user.id && user.role != Role::Admin {
        return Err(AppError::Forbidden("Only the host can remove people from the session".into()));
    }
    if session.host.id == person {
        return Err(AppError::bad_request("The host cannot be removed; end the session instead"));
    }
    if session.status == Status::Completed {
        return Err(AppError::bad_request("The session is already completed"));
    }
    if !session.includes(&person) {
        return Err(AppError::not_found("This person is not in the session"));
    }
    remove_person(&state, &session, &person).await?;
    tracing::info!(session = %id, removed = %person, by = %user.id, "person removed from the session");
    let event = audit::Event::new("session.person_removed").by(audit::Actor::person(&user)).on(&person);
    audit::record(&state.db, event.detail(json!({ "session": id }))).await;
    Ok(Json(json!({ "session": load(&state, &id).await? })))
}

/// Takes `person` out of the session for good: their seat, their sockets, and (for a guest)
/// their sign-in and the link they came with.
pub(crate) async fn remove_person(state: &AppState, session: &Session, person: &str) -> AppResult<()> {
    store::try_leave(&state.db, &session.id, person).await?;
    invites::revoke_used_by(&state.db, &session.id, person).await?;
    crate::auth::store::disable_guest(&state.db, person).await?;
    state.users.invalidate();
    state.live_sessions.invalidate();
    state.rooms.disconnect_user(&session.id, person, crate::realtime::Closing::Removed);
    state.rooms.seats_changed(&session.id);
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimerRequest {
    minutes: Option<u32>,
}

/// `PUT /api/sessions/:id/timer` (the host or an administrator): sets or clears the time box.
/// It counts from when the first candidate took a seat, so it can be set before they arrive.
async fn set_timer(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TimerRequest>,
) -> AppResult<Json<serde_json::Value>> {
    let session = load(&state, &id).await?;
    if session.host.id != user.id && user.role != Role::Admin {
        return Err(AppError::Forbidden("Only the host sets the time box".into()));
    }
    let minutes = check_time_box(body.minutes)?;
    if !store::set_time_box(&state.db, &id, minutes).await? {
        return Err(AppError::Conflict(crate::realtime::Closing::Ended.reason().into()));
    }
    state.live_sessions.invalidate();
    state.rooms.seats_changed(&id);
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
    audit::record(&state.db, audit::Event::new("session.ended").by(audit::Actor::person(&user)).on(&id)).await;
    stream::session_ended(&state, &session);
    state.rooms.session_ended(&id).await;
    crate::record::store_history_of_ended(&state, &session);
    Ok(Json(json!({ "session": load(&state, &id).await?, "message": "Session ended successfully" })))
}
