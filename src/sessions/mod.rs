//! Interview sessions: create, list, enter (by invitation link, or by joining a session open
//! to every signed-in user; atomic and seat-limited), leave, remove someone, and end.

pub mod invites;
pub mod store;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

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
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
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
    // `default` is for reading older rows; every answer has the field.
    #[serde(default)]
    #[schema(required = true)]
    pub interviewers: Vec<Person>,
    /// Candidate seats plus the host.
    pub seats: u32,
    #[serde(default)]
    #[schema(required = true)]
    pub interviewer_seats: u32,
    #[serde(default = "Visibility::before_invitations")]
    #[schema(required = true)]
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

/// Whether a session is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
// Other areas have a `Status` of their own: the document names this one apart.
#[schema(as = SessionStatus)]
pub enum Status {
    Active,
    Completed,
}

/// Who may enter a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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

    /// Whether `user` may change who is seated, the time box and the invitation links: the host
    /// and administrators.
    pub fn managed_by(&self, user: &User) -> bool {
        self.host.id == user.id || user.role == Role::Admin
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

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(active))
        .routes(routes!(my_recent))
        .routes(routes!(show))
        .routes(routes!(join))
        .routes(routes!(leave))
        .routes(routes!(end))
        .routes(routes!(set_timer))
        .routes(routes!(remove))
        .merge(invites::routes())
}

/// One session: the answer of every route that shows or changes a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionReply {
    pub session: Session,
}

/// A page of sessions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<Session>,
}

/// The session as it ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionEnded {
    pub session: Session,
    /// Always `Session ended successfully`.
    pub message: &'static str,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateSession {
    /// The problem's slug.
    problem: String,
    /// Must be the problem's own difficulty when given.
    difficulty: Option<Difficulty>,
    /// `invite` (the default) or `open`.
    #[serde(default)]
    visibility: Option<Visibility>,
    /// 1 to 480 minutes; none when absent or `null`.
    #[serde(default, rename = "timeBoxMinutes")]
    #[schema(minimum = 1, maximum = 480)]
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

/// Creates a session for a problem, hosted by the caller.
///
/// Signed-in accounts, not guests; with `sessions.who_may_host = "interviewers"` only
/// interviewers and administrators. A host has at most `sessions.max_active_per_host` live
/// sessions.
#[utoipa::path(post, path = "/sessions", tag = "sessions", request_body = CreateSession,
    responses((status = 201, description = "Created; the caller is its host", body = SessionReply)))]
async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(body): ApiJson<CreateSession>,
) -> AppResult<(StatusCode, Json<SessionReply>)> {
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
    Ok((StatusCode::CREATED, Json(SessionReply { session })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Sessions on the page: 1 to 100, 20 when absent.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// The next page: sessions created before this time (the last one's `createdAt`).
    #[param(format = DateTime)]
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

fn listing(sessions: Vec<Session>) -> Json<SessionList> {
    Json(SessionList { sessions: sessions.into_iter().map(Session::with_derived).collect() })
}

/// Live sessions, newest first: the ones the caller hosts or sits in; every one for administrators.
///
/// Signed-in accounts, not guests. The first page (no `limit`, no `before`) is what
/// dashboards poll.
#[utoipa::path(get, path = "/sessions/active", tag = "sessions", params(PageQuery),
    responses((status = 200, description = "A page of live sessions", body = SessionList)))]
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
            let Json(page) = listing(store::list(&state.db, listing_kind, limit, None).await?);
            anyhow::Ok(Bytes::from(serde_json::to_vec(&page)?))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Completed sessions the caller hosted or sat in, newest first.
///
/// Signed-in accounts, not guests.
#[utoipa::path(get, path = "/sessions/my-recent", tag = "sessions", params(PageQuery),
    responses((status = 200, description = "A page of completed sessions", body = SessionList)))]
async fn my_recent(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<SessionList>> {
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

/// A session, for those who may see it.
///
/// Its host, the people seated (guests included), administrators, and for an `open` session
/// every signed-in account.
#[utoipa::path(get, path = "/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The session", body = SessionReply)))]
async fn show(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<SessionReply>> {
    let session = load(&state, &id).await?;
    if !session.visible_to(&user) {
        return Err(not_yours(&user));
    }
    Ok(Json(SessionReply { session }))
}

fn not_yours(user: &User) -> AppError {
    if user.role == Role::Guest {
        crate::auth::guests_stay_in_their_session()
    } else {
        AppError::Forbidden("You are not in this session; ask its host for an invitation link".into())
    }
}

/// Takes a candidate seat in a session open to every signed-in user.
///
/// An interview is entered by its invitation link instead. Signed-in accounts, not guests,
/// while the session is `open`, live and has a free seat; someone already in the session gets
/// it back unchanged.
#[utoipa::path(post, path = "/sessions/{id}/join", tag = "sessions",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The session, with the caller seated", body = SessionReply)))]
async fn join(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<SessionReply>> {
    let before = load(&state, &id).await?;
    if before.includes(&user.id) {
        return Ok(Json(SessionReply { session: before }));
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
            Status::Active if now.includes(&user.id) => Ok(Json(SessionReply { session: now })),
            Status::Active => Err(AppError::Conflict("Session is full".into())),
        };
    }
    seated(&state, &before, &user);
    session_now(&state, &id).await
}

/// Gives up the caller's seat in a live session; their sockets in its room close.
///
/// The people seated (candidates, co-interviewers, guests); not the host, who ends the session
/// instead.
#[utoipa::path(post, path = "/sessions/{id}/leave", tag = "sessions",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The session, without the caller", body = SessionReply)))]
async fn leave(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<SessionReply>> {
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
    state.rooms.disconnect_user(&id, &user.id, crate::realtime::Closing::Left);
    seats_changed(&state, &id);
    session_now(&state, &id).await
}

/// Removes someone from a live session.
///
/// Their sockets close with the reason, their seat frees, and a guest's link stops working.
/// The host or an administrator.
#[utoipa::path(post, path = "/sessions/{id}/participants/{user_id}/remove", tag = "sessions",
    params(("id" = String, Path, description = "The session's id"),
        ("user_id" = String, Path, description = "The id of the person to remove (not the host)")),
    responses((status = 200, description = "The session, without that person", body = SessionReply)))]
async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, person)): Path<(String, String)>,
) -> AppResult<Json<SessionReply>> {
    let session = load(&state, &id).await?;
    if !session.managed_by(&user) {
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
    session_now(&state, &id).await
}

/// Takes `person` out of the session for good: their seat, their sockets, and (for a guest)
/// their sign-in and the link they came with.
pub(crate) async fn remove_person(state: &AppState, session: &Session, person: &str) -> AppResult<()> {
    store::try_leave(&state.db, &session.id, person).await?;
    invites::revoke_used_by(&state.db, &session.id, person).await?;
    crate::auth::store::disable_guest(&state.db, person).await?;
    state.users.invalidate();
    state.rooms.disconnect_user(&session.id, person, crate::realtime::Closing::Removed);
    seats_changed(state, &session.id);
    Ok(())
}

/// Who is seated, or the time box, changed: the dashboards' cached listings go, and the room
/// tells everyone in it to read the session again.
fn seats_changed(state: &AppState, session_id: &str) {
    state.live_sessions.invalidate();
    state.rooms.seats_changed(session_id);
}

/// Someone took a seat in `session`: as [`seats_changed`], and the event stream hears who.
pub(crate) fn seated(state: &AppState, session: &Session, user: &User) {
    seats_changed(state, &session.id);
    stream::session_joined(state, session, &user.person());
}

/// The answer of a route that changed a session: the session as it is now.
async fn session_now(state: &AppState, id: &str) -> AppResult<Json<SessionReply>> {
    Ok(Json(SessionReply { session: load(state, id).await? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TimeBoxRequest {
    /// 1 to 480 minutes; absent or `null` clears the time box.
    #[schema(minimum = 1, maximum = 480)]
    minutes: Option<u32>,
}

/// Sets or clears a live session's time box.
///
/// It counts from when the first candidate took a seat, so it can be set before they arrive.
/// The host or an administrator.
#[utoipa::path(put, path = "/sessions/{id}/timer", tag = "sessions",
    params(("id" = String, Path, description = "The session's id")), request_body = TimeBoxRequest,
    responses((status = 200, description = "The session with its new time box and `endsAt`", body = SessionReply)))]
async fn set_timer(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TimeBoxRequest>,
) -> AppResult<Json<SessionReply>> {
    let session = load(&state, &id).await?;
    if !session.managed_by(&user) {
        return Err(AppError::Forbidden("Only the host sets the time box".into()));
    }
    let minutes = check_time_box(body.minutes)?;
    if !store::set_time_box(&state.db, &id, minutes).await? {
        return Err(AppError::Conflict(crate::realtime::Closing::Ended.reason().into()));
    }
    seats_changed(&state, &id);
    session_now(&state, &id).await
}

/// Ends a live session and keeps its record.
///
/// Its room stops accepting edits and closes its sockets. The host only.
#[utoipa::path(post, path = "/sessions/{id}/end", tag = "sessions",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The completed session", body = SessionEnded)))]
async fn end(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<SessionEnded>> {
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
    Ok(Json(SessionEnded { session: load(&state, &id).await?, message: "Session ended successfully" }))
}
