//! Invitation links: how a candidate (as a guest, with a name and no password) or a
//! co-interviewer enters a session. A link's token is derived from the invitation's id with
//! the server's secret ([`crate::auth::token::TokenKeys::link_token`]); the database keeps
//! only its SHA-256, so a copy of the database opens no room, yet the host can always read
//! the link again. One link seats one person: two browsers racing for it get one seat.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::{HOST, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{Seat, Session, Status, load, seated, store};
use crate::app::AppState;
use crate::auth::{self, ClientAddr, CurrentUser, Person, User, store as users};
use crate::db::{Db, take_rows};
use crate::error::{ApiJson, AppError, AppResult};

/// Links one session may have, used or not: enough for any interview loop, and a bound on
/// what a listing reads.
const MAX_PER_SESSION: usize = 50;

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new().routes(routes!(list, create)).routes(routes!(show, revoke)).routes(routes!(accept))
}

/// An invitation as its session's host sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invite {
    id: String,
    /// The secret in the link: whoever has it may take the seat.
    token: String,
    /// The link to send: `<origin>/join/<token>`.
    url: String,
    role: Seat,
    status: InviteStatus,
    expires_at: String,
    created_at: String,
    opened_at: Option<String>,
    /// Who entered with it.
    guest: Option<Person>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum InviteStatus {
    Unused,
    Opened,
    InRoom,
    Left,
    Revoked,
    Expired,
}

/// An invitation as stored.
#[derive(Debug, Clone, Deserialize)]
struct Record {
    id: String,
    session: String,
    role: Seat,
    created_at: String,
    expires_at: String,
    opened_at: Option<String>,
    /// The user who entered with it: a guest, or the account of a co-interviewer.
    guest: Option<String>,
    guest_name: Option<String>,
    revoked_at: Option<String>,
    /// Computed by the read: the expiry has passed.
    expired: bool,
}

impl Record {
    fn status(&self, session: &Session) -> InviteStatus {
        if self.revoked_at.is_some() {
            return InviteStatus::Revoked;
        }
        match &self.guest {
            Some(guest) if session.includes(guest) => InviteStatus::InRoom,
            Some(_) => InviteStatus::Left,
            None if self.expired || session.status == Status::Completed => InviteStatus::Expired,
            None if self.opened_at.is_some() => InviteStatus::Opened,
            None => InviteStatus::Unused,
        }
    }

    fn view(&self, state: &AppState, origin: &str, session: &Session) -> Invite {
        let token = state.tokens.link_token(&self.id);
        Invite {
            id: self.id.clone(),
            url: format!("{origin}/join/{token}"),
            token,
            role: self.role,
            status: self.status(session),
            expires_at: self.expires_at.clone(),
            created_at: self.created_at.clone(),
            opened_at: self.opened_at.clone(),
            guest: self.guest.as_ref().map(|id| Person {
                id: id.clone(),
                name: self.guest_name.clone().unwrap_or_default(),
                image: None,
            }),
        }
    }

    /// Why the link no longer lets anyone in, if it does not.
    fn closed(&self, session: &Session) -> Option<AppError> {
        if session.status == Status::Completed {
            return Some(AppError::Gone("This interview has ended".into()));
        }
        if self.revoked_at.is_some() {
            return Some(AppError::Gone("This link was withdrawn; ask your interviewer for a new one".into()));
        }
        if self.expired {
            return Some(AppError::Gone("This link has expired; ask your interviewer for a new one".into()));
        }
        None
    }
}

/// Where links point: `public_url` when set, otherwise the address the host reached.
fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let scheme = if state.config.serves_tls() { "https" } else { "http" };
    let host = headers.get(HOST).and_then(|host| host.to_str().ok()).unwrap_or("localhost");
    format!("{scheme}://{host}")
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The host and administrators manage a session's links.
fn ensure_manager(session: &Session, user: &User) -> AppResult<()> {
    if session.managed_by(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only the host can manage this session's links".into()))
    }
}

/// One invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteReply {
    invite: Invite,
}

/// A session's invitations, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteList {
    invites: Vec<Invite>,
}

/// What an invitation link opens, for the join page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct InvitePreview {
    session: InvitedSession,
    /// The seat the link gives.
    role: Seat,
    /// `false` when someone else has already entered with the link.
    valid: bool,
    expires_at: String,
    /// The caller entered with this link before and may return to the seat.
    rejoin: bool,
    /// Why the link cannot be used; only when `valid` is `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    message: Option<&'static str>,
}

/// The session an invitation opens, as much as someone not yet in it may know.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct InvitedSession {
    id: String,
    problem_title: String,
    host_name: String,
    status: Status,
}

/// The seat taken with a link: the session and who the caller now is in it.
#[derive(Debug, Serialize, ToSchema)]
struct SeatTaken {
    session: Session,
    /// A new guest account, or the caller's own account (an interviewer link, or returning).
    user: User,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateInvite {
    /// The seat the link gives.
    role: Seat,
    /// 1 to 8760 hours; `sessions.invite_hours` when absent.
    #[schema(minimum = 1, maximum = 8760)]
    expires_in_hours: Option<u32>,
}

/// Creates an invitation link to one seat of a live session.
///
/// The session's host or an administrator; at most 50 links a session.
#[utoipa::path(post, path = "/sessions/{id}/invites", tag = "sessions",
    params(("id" = String, Path, description = "The session's id")), request_body = CreateInvite,
    responses((status = 201, description = "Created; its `url` is the link to send", body = InviteReply)))]
async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateInvite>,
) -> AppResult<(StatusCode, Json<InviteReply>)> {
    let session = load(&state, &id).await?;
    ensure_manager(&session, &user)?;
    if session.status == Status::Completed {
        return Err(AppError::Conflict("The session has ended".into()));
    }
    let hours = body.expires_in_hours.unwrap_or(state.config.sessions.invite_hours);
    if !(1..=24 * 365).contains(&hours) {
        return Err(AppError::bad_request("expiresInHours must be between 1 and 8760"));
    }
    if list_for_session(&state.db, &session.id).await?.len() >= MAX_PER_SESSION {
        return Err(AppError::Conflict(format!(
            "This session already has {MAX_PER_SESSION} links; withdraw unused ones first"
        )));
    }
    let invite_id = uuid::Uuid::new_v4().simple().to_string();
    let hash = token_hash(&state.tokens.link_token(&invite_id));
    let record = insert(&state.db, &invite_id, &session.id, body.role, &user.id, &hash, hours).await?;
    tracing::info!(session = %session.id, invite = %invite_id, role = ?body.role, "invitation link created");
    let event = crate::audit::Event::new("invite.created").by(crate::audit::Actor::person(&user)).on(&invite_id);
    crate::audit::record(&state.db, event.detail(json!({ "session": session.id, "role": body.role, "hours": hours })))
        .await;
    let invite = record.view(&state, &origin(&state, &headers), &session);
    Ok((StatusCode::CREATED, Json(InviteReply { invite })))
}

/// A session's invitation links, newest first, with who entered with each.
///
/// The session's host or an administrator.
#[utoipa::path(get, path = "/sessions/{id}/invites", tag = "sessions",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The session's links", body = InviteList)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> AppResult<Json<InviteList>> {
    let session = load(&state, &id).await?;
    ensure_manager(&session, &user)?;
    let origin = origin(&state, &headers);
    let invites: Vec<Invite> = list_for_session(&state.db, &session.id)
        .await?
        .iter()
        .map(|record| record.view(&state, &origin, &session))
        .collect();
    Ok(Json(InviteList { invites }))
}

/// Withdraws an invitation link.
///
/// Whoever entered with it as a guest leaves the room and cannot come back. The session's host
/// or an administrator.
#[utoipa::path(delete, path = "/invites/{key}", tag = "sessions",
    params(("key" = String, Path, description = "The invitation's `id` (not its token)")),
    responses((status = 200, description = "The invitation, now `revoked`", body = InviteReply)))]
async fn revoke(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(invite_id): Path<String>,
    headers: HeaderMap,
) -> AppResult<Json<InviteReply>> {
    let record = find(&state.db, &invite_id).await?.ok_or_else(|| AppError::not_found("Invitation not found"))?;
    let session = load(&state, &record.session).await?;
    ensure_manager(&session, &user)?;
    mark_revoked(&state.db, &record.id).await?;
    if let Some(guest) = &record.guest {
        super::remove_person(&state, &session, guest).await?;
    }
    let session = load(&state, &session.id).await?;
    let record = find(&state.db, &invite_id).await?.ok_or_else(|| AppError::not_found("Invitation not found"))?;
    tracing::info!(session = %session.id, invite = %invite_id, "invitation link withdrawn");
    let event = crate::audit::Event::new("invite.revoked").by(crate::audit::Actor::person(&user)).on(&invite_id);
    crate::audit::record(&state.db, event.detail(json!({ "session": session.id }))).await;
    Ok(Json(InviteReply { invite: record.view(&state, &origin(&state, &headers), &session) }))
}

/// The invitation behind a token, and its session; 404 for a token no link has.
async fn resolve(state: &AppState, token: &str) -> AppResult<(Record, Session)> {
    let plausible =
        (20..=64).contains(&token.len()) && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let not_found = || AppError::not_found("This link is not valid; check that it was copied whole");
    if !plausible {
        return Err(not_found());
    }
    let record = find_by_token_hash(&state.db, &token_hash(token)).await?.ok_or_else(not_found)?;
    let session = store::find(&state.db, &record.session).await?.ok_or_else(not_found)?;
    Ok((record, session))
}

/// What an invitation link opens, for the join page, and nothing more.
///
/// Anyone with the link; opening it marks it `opened`. A closed link (withdrawn, expired, or
/// its session ended) is refused, except to the person who entered with it.
#[utoipa::path(get, path = "/invites/{key}", tag = "sessions", security((), ("token" = []), ("cookie" = [])),
    params(("key" = String, Path, description = "The link's token")),
    responses((status = 200, description = "The link's session and seat", body = InvitePreview)))]
async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    parts: Parts,
) -> AppResult<Json<InvitePreview>> {
    let (record, session) = resolve(&state, &token).await?;
    let caller = auth::caller(&parts, &state).await?;
    let rejoin = caller.as_ref().is_some_and(|user| record.guest.as_deref() == Some(user.id.as_str()));
    if !rejoin && let Some(closed) = record.closed(&session) {
        return Err(closed);
    }
    if record.opened_at.is_none() {
        mark_opened(&state.db, &record.id).await?;
    }
    let used_by_someone_else = record.guest.is_some() && !rejoin;
    Ok(Json(InvitePreview {
        session: InvitedSession {
            id: session.id,
            problem_title: session.problem.title,
            host_name: session.host.name,
            status: session.status,
        },
        role: record.role,
        valid: !used_by_someone_else,
        expires_at: record.expires_at,
        rejoin,
        message: used_by_someone_else.then_some(ALREADY_USED),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AcceptInvite {
    /// The name the others see (a guest's; ignored for a signed-in interviewer's own account).
    name: String,
    #[serde(default)]
    email: Option<String>,
}

/// The person who opened an invitation link takes its seat.
///
/// Anyone with the link. A guest account is made for them (the sign-in cookie opens that
/// session only); an interviewer or administrator already signed in takes an interviewer link's
/// seat as themselves; the same browser opening the link again returns to its seat. One link
/// seats one person.
#[utoipa::path(post, path = "/invites/{key}/accept", tag = "sessions", security((), ("token" = []), ("cookie" = [])),
    params(("key" = String, Path, description = "The link's token")), request_body = AcceptInvite,
    responses((status = 200, description = "Seated", body = SeatTaken,
        headers(("Set-Cookie" = String, description = "For a new guest only: the `coderoom_session` sign-in cookie (HttpOnly)")))))]
async fn accept(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Path(token): Path<String>,
    parts: Parts,
    ApiJson(body): ApiJson<AcceptInvite>,
) -> AppResult<Response> {
    let (record, session) = resolve(&state, &token).await?;
    let caller = auth::caller(&parts, &state).await?;
    if let Some(user) = caller.as_ref().filter(|user| record.guest.as_deref() == Some(user.id.as_str())) {
        return seat_returning(&state, &record, &session, user.clone()).await;
    }
    if let Some(closed) = record.closed(&session) {
        return Err(closed);
    }
    if record.guest.is_some() {
        return Err(already_used());
    }
    let name = auth::normalize_name(&body.name)?;
    let email = match body.email.as_deref().map(str::trim).filter(|email| !email.is_empty()) {
        Some(email) => Some(auth::normalize_email(email)?),
        None => None,
    };
    if record.role == Seat::Interviewer
        && let Some(account) = caller.filter(|user| user.role.interviews())
    {
        return seat_account(&state, &record, &session, account).await;
    }
    // Every accepted link makes an account: bounded like registrations.
    state.auth.registrations.admit(&[format!("ip:{client}")]).map_err(|_| AppError::TooManyRequests {
        message: "Too many people joined from this address; try again in a minute".into(),
        retry_after_secs: 60,
    })?;
    let guest = users::create_guest(&state.db, &name, email.as_deref(), &session.id).await?;
    if !claim(&state.db, &record.id, &guest.id, &guest.name).await? {
        users::delete_guest(&state.db, &guest.id).await?;
        return Err(refusal_after_lost_claim(&state, &record.id, &session).await);
    }
    if !store::try_join(&state.db, &session.id, &guest.id, record.role).await? {
        unclaim(&state.db, &record.id, &guest.id).await?;
        users::delete_guest(&state.db, &guest.id).await?;
        return Err(no_free_seat(&state, &session.id).await);
    }
    tracing::info!(session = %session.id, invite = %record.id, guest = %guest.id, "guest joined by link");
    let user = guest.to_user();
    seated(&state, &session, &user);
    let cookie = auth::sign_in_cookie(&state, &guest)?;
    let session = load(&state, &session.id).await?;
    Ok(([(SET_COOKIE, cookie)], Json(SeatTaken { session, user })).into_response())
}

const ALREADY_USED: &str = "Someone has already joined with this link; ask your interviewer for a new one";

fn already_used() -> AppError {
    AppError::Conflict(ALREADY_USED.into())
}

/// Whoever won the claim did: say what stands in the way now.
async fn refusal_after_lost_claim(state: &AppState, invite_id: &str, session: &Session) -> AppError {
    match find(&state.db, invite_id).await {
        Ok(Some(now)) => now.closed(session).unwrap_or_else(already_used),
        Ok(None) => AppError::Gone("This link was withdrawn".into()),
        Err(err) => err.into(),
    }
}

async fn no_free_seat(state: &AppState, session_id: &str) -> AppError {
    match store::find(&state.db, session_id).await {
        Ok(Some(session)) if session.status == Status::Completed => AppError::Gone("This interview has ended".into()),
        Ok(_) => AppError::Conflict("The session has no free seat".into()),
        Err(err) => err.into(),
    }
}

/// The person who entered with this link comes back: seated again if they had left.
async fn seat_returning(state: &AppState, record: &Record, session: &Session, user: User) -> AppResult<Response> {
    if record.revoked_at.is_some() || session.status == Status::Completed {
        return Err(record.closed(session).unwrap_or_else(|| AppError::Gone("This interview has ended".into())));
    }
    if !session.includes(&user.id) {
        if !store::try_join(&state.db, &session.id, &user.id, record.role).await? {
            return Err(no_free_seat(state, &session.id).await);
        }
        seated(state, session, &user);
    }
    let session = load(state, &session.id).await?;
    Ok(Json(SeatTaken { session, user }).into_response())
}

/// An interviewer's or administrator's own account takes an interviewer link's seat.
async fn seat_account(state: &AppState, record: &Record, session: &Session, account: User) -> AppResult<Response> {
    if session.includes(&account.id) {
        return Err(AppError::Conflict("You are already in this session".into()));
    }
    if !claim(&state.db, &record.id, &account.id, &account.name).await? {
        return Err(refusal_after_lost_claim(state, &record.id, session).await);
    }
    if !store::try_join(&state.db, &session.id, &account.id, Seat::Interviewer).await? {
        unclaim(&state.db, &record.id, &account.id).await?;
        return Err(no_free_seat(state, &session.id).await);
    }
    seated(state, session, &account);
    let session = load(state, &session.id).await?;
    Ok(Json(SeatTaken { session, user: account }).into_response())
}

// Storage. Ids are plain strings; times are SurrealDB datetimes shown as RFC 3339.

const INVITE_VIEW: &str = "record::id(id) AS id, session, role, created_at, expires_at, opened_at, guest, guest_name,
    revoked_at, expires_at < time::now() AS expired";

async fn insert(
    db: &Db,
    id: &str,
    session_id: &str,
    role: Seat,
    created_by: &str,
    token_hash: &str,
    hours: u32,
) -> anyhow::Result<Record> {
    let mut response = db
        .query(format!(
            "CREATE type::record('session_invite', $id) CONTENT {{
                session: $session_id, role: $role, token_hash: $hash, created_by: $by,
                created_at: time::now(), expires_at: time::now() + <duration>$lifetime,
                opened_at: NONE, guest: NONE, guest_name: NONE, revoked_at: NONE
            }} RETURN NONE;
            SELECT {INVITE_VIEW} FROM type::record('session_invite', $id);"
        ))
        .bind(json!({
            "id": id, "session_id": session_id, "role": role, "hash": token_hash, "by": created_by,
            "lifetime": format!("{hours}h"),
        }))
        .await?
        .check()?;
    take_rows::<Record>(&mut response, 1)?.pop().ok_or_else(|| anyhow::anyhow!("invitation was not created"))
}

/// Invitations as [`INVITE_VIEW`] shows them; `source` is what follows `FROM`.
async fn select(db: &Db, source: &str, bindings: serde_json::Value) -> anyhow::Result<Vec<Record>> {
    let mut response = db.query(format!("SELECT {INVITE_VIEW} FROM {source}")).bind(bindings).await?.check()?;
    take_rows(&mut response, 0)
}

async fn find(db: &Db, id: &str) -> anyhow::Result<Option<Record>> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    Ok(select(db, "type::record('session_invite', $id)", json!({ "id": id })).await?.pop())
}

async fn find_by_token_hash(db: &Db, hash: &str) -> anyhow::Result<Option<Record>> {
    Ok(select(db, "session_invite WHERE token_hash = $hash LIMIT 1", json!({ "hash": hash })).await?.pop())
}

async fn list_for_session(db: &Db, session_id: &str) -> anyhow::Result<Vec<Record>> {
    let source =
        format!("session_invite WHERE session = $session_id ORDER BY created_at DESC LIMIT {}", MAX_PER_SESSION + 1);
    select(db, &source, json!({ "session_id": session_id })).await
}

async fn mark_opened(db: &Db, id: &str) -> anyhow::Result<()> {
    store::write_if(db, "session_invite", id, "opened_at = time::now()", "opened_at = NONE", json!({})).await?;
    Ok(())
}

async fn mark_revoked(db: &Db, id: &str) -> anyhow::Result<()> {
    store::write_if(db, "session_invite", id, "revoked_at = time::now()", "revoked_at = NONE", json!({})).await?;
    Ok(())
}

/// Withdraws the links a person entered with (when they are removed from the session).
pub async fn revoke_used_by(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<()> {
    db.query("UPDATE session_invite SET revoked_at = time::now() WHERE session = $session_id AND guest = $user AND revoked_at = NONE")
        .bind(json!({ "session_id": session_id, "user": user_id }))
        .await?
        .check()?;
    Ok(())
}

/// Takes the link for `user_id`; `false` when someone else took it first, or it closed.
async fn claim(db: &Db, id: &str, user_id: &str, name: &str) -> anyhow::Result<bool> {
    store::write_if(
        db,
        "session_invite",
        id,
        "guest = $user, guest_name = $name, accepted_at = time::now()",
        "guest = NONE AND revoked_at = NONE AND expires_at > time::now()",
        json!({ "user": user_id, "name": name }),
    )
    .await
}

/// Gives the link back when its seat could not be had.
async fn unclaim(db: &Db, id: &str, user_id: &str) -> anyhow::Result<()> {
    store::write_if(
        db,
        "session_invite",
        id,
        "guest = NONE, guest_name = NONE, accepted_at = NONE",
        "guest = $user",
        json!({ "user": user_id }),
    )
    .await?;
    Ok(())
}
