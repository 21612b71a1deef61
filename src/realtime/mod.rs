//! Real-time session rooms: the shared documents (`collab`, y-websocket protocol: the code and
//! the whiteboard, see `board`), the room's event channel (`events`: chat, presence, results,
//! session end, WebRTC signalling), and the registry that holds one [`Room`] per session with
//! someone connected.

mod access;
pub mod board;
mod board_svg;
pub mod collab;
mod config;
pub mod events;
mod fanout;
mod protocol;
mod socket;
pub mod store;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use axum::Json;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use tokio::sync::{OnceCell, mpsc, oneshot};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub use access::Closing;
use access::Holder;
pub use config::RealtimeConfig;

use crate::app::AppState;
use crate::auth::{SignedIn, SocketSignIn, User};
use crate::db::Db;
use crate::error::{ApiQuery, AppError, AppResult};
use crate::problems::ProblemRef;
pub use crate::sessions::RoomRole;
use crate::sessions::{Session, Status, store as sessions_store};
pub use store::{DocKind, PersistenceHealth};

/// Produces the starter code for a problem in a language; `None` leaves the editor empty.
/// The problem library replaces the placeholder once it has real starter code.
pub type StarterCode = Arc<dyn Fn(&ProblemRef, &str) -> Option<String> + Send + Sync>;

/// Identifies one WebSocket connection within the process.
pub type PeerId = u64;

/// Every room of this process, keyed by session id.
pub struct Rooms {
    db: Db,
    config: RealtimeConfig,
    starter: StarterCode,
    persister: store::Persister,
    /// Rooms with at least one connection (or finishing their final save), and how many.
    registry: Mutex<HashMap<String, (Arc<Room>, usize)>>,
    next_peer: AtomicU64,
    /// Set when rooms are shared with other instances (a SurrealDB server).
    fan_out: OnceLock<fanout::FanOut>,
}

/// One session's live state.
pub struct Room {
    pub session_id: String,
    /// Set when the session is completed: the documents stop accepting edits. Set while
    /// holding each document's lock, and read under it by every edit, so that no edit lands
    /// after the final snapshot.
    ended: AtomicBool,
    code: Shared,
    board: Shared,
    members: Mutex<HashMap<PeerId, events::Member>>,
    /// The people other instances hold sockets for, as each last announced them.
    remote_members: Mutex<fanout::RemoteMembers>,
    /// When another instance last said anything about this room (see [`fanout::is_spread`]).
    heard_from_others: Mutex<Option<Instant>>,
}

/// One shared document of a room and the sockets editing it.
#[derive(Default)]
struct Shared {
    /// Loaded by the first connection.
    doc: OnceCell<Mutex<collab::DocState>>,
    editors: Mutex<HashMap<PeerId, Link>>,
}

/// One open socket as its room sees it: whose it is, its outgoing queue, and the way to close
/// it with a reason.
pub struct Link {
    holder: Holder,
    sender: mpsc::Sender<Message>,
    closer: oneshot::Sender<Closing>,
}

impl Link {
    /// A link for a new socket, and the receiving end its connection watches: it yields the
    /// reason when the room closes the socket, or an error when the room dropped the link
    /// because the client read too slowly.
    fn new(holder: Holder, sender: mpsc::Sender<Message>) -> (Self, oneshot::Receiver<Closing>) {
        let (closer, closed) = oneshot::channel();
        (Self { holder, sender, closer }, closed)
    }
}

impl Room {
    pub fn has_ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }

    fn shared(&self, kind: DocKind) -> &Shared {
        match kind {
            DocKind::Code => &self.code,
            DocKind::Board => &self.board,
        }
    }

    fn documents(&self) -> [&Shared; 2] {
        [&self.code, &self.board]
    }

    /// Stops the documents taking edits: any edit being applied finishes first.
    fn mark_ended(&self) {
        let _code = self.code.doc.get().map(lock);
        let _board = self.board.doc.get().map(lock);
        self.ended.store(true, Ordering::Release);
    }

    /// Closes the sockets whose holder `matches` with `closing` as the reason; tells the
    /// members left who is still here.
    fn close_where(&self, closing: Closing, matches: impl Fn(&Holder) -> bool) {
        let editors: Vec<Link> = self
            .documents()
            .into_iter()
            .flat_map(|shared| lock(&shared.editors).extract_if(|_, link| matches(&link.holder)).collect::<Vec<_>>())
            .map(|(_, link)| link)
            .collect();
        let members: Vec<Link> = lock(&self.members)
            .extract_if(|_, member| matches(&member.link.holder))
            .map(|(_, member)| member.link)
            .collect();
        let left_members = !members.is_empty();
        for link in editors.into_iter().chain(members) {
            let _ = link.closer.send(closing);
        }
        if left_members {
            events::broadcast(self, &json!({ "type": "presence", "peers": events::presence(self) }), None);
        }
    }

    /// Everyone holding a socket here, once per user and sign-in.
    fn holders(&self) -> Vec<Holder> {
        let mut holders: Vec<Holder> = self
            .documents()
            .into_iter()
            .flat_map(|shared| lock(&shared.editors).values().map(|link| link.holder.clone()).collect::<Vec<_>>())
            .collect();
        holders.extend(lock(&self.members).values().map(|member| member.link.holder.clone()));
        holders.sort();
        holders.dedup();
        holders
    }
}

/// See [`Rooms::counts`].
pub struct RoomCounts {
    pub rooms: usize,
    pub sockets: usize,
    pub writes_queued: usize,
    pub writes_set_aside: u64,
}

/// Holding one keeps a room in the registry; dropping it lets the room be saved and unloaded.
pub struct Admission {
    rooms: Arc<Rooms>,
    pub room: Arc<Room>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let rooms = self.rooms.clone();
        let room = self.room.clone();
        let last = {
            let mut registry = lock(&rooms.registry);
            match registry.get_mut(&room.session_id) {
                Some((entry, count)) if Arc::ptr_eq(entry, &room) => {
                    *count = count.saturating_sub(1);
                    *count == 0
                }
                _ => false,
            }
        };
        if last && let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { rooms.unload(room).await });
        }
    }
}

/// A std mutex whose poisoning (a panic while held) does not take the room down with it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Rooms {
    pub fn new(db: Db, config: RealtimeConfig) -> anyhow::Result<Self> {
        Ok(Self {
            persister: store::Persister::start(db.clone())?,
            db,
            config,
            starter: Arc::new(placeholder_starter),
            registry: Mutex::new(HashMap::new()),
            next_peer: AtomicU64::new(1),
            fan_out: OnceLock::new(),
        })
    }

    /// Shares this instance's rooms with the other instances on the same database (see
    /// [`fanout`]): for a SurrealDB server, where people of one session may be connected to
    /// different instances.
    pub fn share_with_other_instances(self: &Arc<Self>) {
        self.fan_out.get_or_init(|| fanout::FanOut::start(self));
    }

    /// Tells the other instances, if any, about something in a room.
    fn relay(&self, session_id: &str, message: fanout::Relayed) {
        if let Some(fan_out) = self.fan_out.get() {
            fan_out.publish(session_id, message);
        }
    }

    fn is_shared(&self) -> bool {
        self.fan_out.get().is_some()
    }

    /// Announces the state of this instance's copy of a document, so that other instances
    /// answer with what it lacks.
    fn announce_state(&self, room: &Room, kind: DocKind) {
        if !self.is_shared() {
            return;
        }
        if let Some(doc) = room.shared(kind).doc.get() {
            use yrs::updates::encoder::Encode;
            use yrs::{ReadTxn, Transact};
            let state_vector = lock(doc).doc().transact().state_vector().encode_v1();
            self.relay(
                &room.session_id,
                fanout::Relayed::Sync { doc: kind, state_vector: fanout::encode(&state_vector) },
            );
        }
    }

    fn open_rooms(&self) -> Vec<Arc<Room>> {
        lock(&self.registry).values().map(|(room, _)| room.clone()).collect()
    }

    /// Replaces the starter-code source (see [`library_starter`]).
    pub fn with_starter(mut self, starter: StarterCode) -> Self {
        self.starter = starter;
        self
    }

    pub fn config(&self) -> &RealtimeConfig {
        &self.config
    }

    fn next_peer(&self) -> PeerId {
        self.next_peer.fetch_add(1, Ordering::Relaxed)
    }

    /// Joins (or opens) the room of a session the caller may enter, and returns the session
    /// as read *after* the admission was registered. That order closes a race with the end:
    /// an end committed after this read finds the room registered and closes it; one
    /// committed before is seen here, and the room is refused. So no connection that was
    /// authorised just before the end can reopen the room.
    async fn enter(self: &Arc<Self>, session_id: &str) -> AppResult<(Admission, Session)> {
        let admission = self.admit(session_id);
        let session = sessions_store::find(&self.db, session_id)
            .await?
            .ok_or_else(|| AppError::not_found("Session not found"))?;
        if session.status == Status::Completed {
            return Err(AppError::Conflict(Closing::Ended.reason().into()));
        }
        Ok((admission, session))
    }

    fn admit(self: &Arc<Self>, session_id: &str) -> Admission {
        let (room, opened) = {
            let mut registry = lock(&self.registry);
            let mut opened = false;
            let (room, count) = registry.entry(session_id.to_string()).or_insert_with(|| {
                opened = true;
                let room = Room {
                    session_id: session_id.to_string(),
                    ended: AtomicBool::new(false),
                    code: Shared::default(),
                    board: Shared::default(),
                    members: Mutex::new(HashMap::new()),
                    remote_members: Mutex::new(HashMap::new()),
                    heard_from_others: Mutex::new(None),
                };
                (Arc::new(room), 0)
            });
            *count += 1;
            (room.clone(), opened)
        };
        if opened {
            access::watch(self, &room);
        }
        Admission { rooms: self.clone(), room }
    }

    /// Whether `room` is still the one registered for its session (not unloaded).
    fn holds(&self, room: &Arc<Room>) -> bool {
        lock(&self.registry).get(&room.session_id).is_some_and(|(entry, _)| Arc::ptr_eq(entry, room))
    }

    fn loaded(&self, session_id: &str) -> Option<Arc<Room>> {
        lock(&self.registry).get(session_id).map(|(room, _)| room.clone())
    }

    /// Saves a room nobody is connected to any more, then forgets it unless someone came back
    /// in the meantime. The room stays findable until its state is on disk, so a reconnect
    /// never loads a stale copy from the database.
    async fn unload(&self, room: Arc<Room>) {
        self.save(&room).await;
        let mut registry = lock(&self.registry);
        if let Some((entry, 0)) = registry.get(&room.session_id)
            && Arc::ptr_eq(entry, &room)
        {
            registry.remove(&room.session_id);
        }
    }

    /// Waits until the session's code edits queued so far are on disk: the record reads the
    /// log, where an edit may otherwise still be lingering for its row.
    pub async fn flush_code(&self, session_id: &str) {
        self.persister.flush(&store::DocKey::new(session_id, DocKind::Code)).await;
    }

    /// Queues a snapshot of one of the room's documents if it changed since the last one.
    fn snapshot(&self, room: &Room, kind: DocKind) -> Option<oneshot::Receiver<()>> {
        let doc = room.shared(kind).doc.get()?;
        let (doc, seq, state) = lock(doc).snapshot()?;
        let (done, finished) = oneshot::channel();
        let persister = self.persister.clone();
        tokio::spawn(async move {
            persister.write(store::Write::Snapshot { doc, seq, state, done: Some(done) }).await;
        });
        Some(finished)
    }

    /// Snapshots every changed document of the room and waits until they are on disk.
    async fn save(&self, room: &Room) {
        for kind in [DocKind::Code, DocKind::Board] {
            if let Some(done) = self.snapshot(room, kind) {
                let _ = done.await;
            }
        }
    }

    /// Tells everyone in the session's room that it has ended, stops accepting edits, closes
    /// every socket of the room and saves the final document. Called by
    /// `POST /api/sessions/:id/end` after the session is marked completed.
    pub async fn session_ended(&self, session_id: &str) {
        self.relay(session_id, fanout::Relayed::Ended);
        if let Some(room) = self.loaded(session_id) {
            self.end_room(&room).await;
        }
    }

    async fn end_room(&self, room: &Room) {
        room.mark_ended();
        events::broadcast(room, &json!({ "type": "ended" }), None);
        room.close_where(Closing::Ended, |_| true);
        self.save(room).await;
    }

    /// Closes one person's sockets in one session's room (they left or were removed).
    pub fn disconnect_user(&self, session_id: &str, user_id: &str, closing: Closing) {
        self.relay(session_id, fanout::Relayed::Disconnect { user: user_id.to_string(), closing });
        if let Some(room) = self.loaded(session_id) {
            room.close_where(closing, |holder| holder.user_id == user_id);
        }
    }

    /// Closes one person's sockets in every room (account disabled, role changed, password
    /// reset: whatever revokes their sign-ins).
    pub fn disconnect_user_everywhere(&self, user_id: &str, closing: Closing) {
        let user = user_id.to_string();
        self.relay(fanout::EVERY_ROOM, fanout::Relayed::Disconnect { user, closing });
        self.close_user_everywhere(user_id, closing);
    }

    /// The part of [`Rooms::disconnect_user_everywhere`] done on each instance.
    fn close_user_everywhere(&self, user_id: &str, closing: Closing) {
        for room in self.open_rooms() {
            room.close_where(closing, |holder| holder.user_id == user_id);
        }
    }

    /// How document persistence is doing, for `/readyz`.
    /// Rooms loaded, connections holding them, and the document writer's backlog.
    pub fn counts(&self) -> RoomCounts {
        let (rooms, sockets) = {
            let registry = lock(&self.registry);
            (registry.len(), registry.values().map(|(_, holders)| *holders).sum())
        };
        RoomCounts {
            rooms,
            sockets,
            writes_queued: self.persister.queued(),
            writes_set_aside: self.persister.set_aside(),
        }
    }

    pub fn persistence_health(&self) -> PersistenceHealth {
        self.persister.health()
    }

    /// Tells everyone in the room that who is seated changed (`{"type":"session"}`), so that
    /// every page shows the new people at once.
    pub fn seats_changed(&self, session_id: &str) {
        self.broadcast_event(session_id, json!({ "type": "session" }));
    }

    /// Shows a run or submit result to everyone in the room: `{"type":"result","result":…}`.
    pub fn broadcast_result(&self, session_id: &str, result: serde_json::Value) {
        self.broadcast_event(session_id, json!({ "type": "result", "result": result }));
    }

    /// Sends an event to every socket of the session's room, on every instance.
    fn broadcast_event(&self, session_id: &str, event: serde_json::Value) {
        if let Some(room) = self.loaded(session_id) {
            events::broadcast(&room, &event, None);
        }
        self.relay(session_id, fanout::Relayed::Event { event });
    }

    /// Writes every changed document to disk; called once the server stops accepting
    /// connections.
    pub async fn shutdown(&self) {
        for room in self.open_rooms() {
            self.save(&room).await;
        }
    }
}

/// Starter code from the problem library: the problem's own for the language, else the one
/// generated from its signature (what `GET /api/problems/:slug` shows as `starterCode`); a
/// comment naming the problem when the library has neither.
pub fn library_starter(library: Arc<crate::problems::Library>) -> StarterCode {
    Arc::new(move |problem: &ProblemRef, language: &str| {
        let definition = library.problem(&problem.slug);
        if definition.as_ref().is_some_and(|d| d.kind == crate::problems::model::ProblemKind::Design) {
            return Some(design_notes(problem, language));
        }
        let from_library = || {
            let definition = definition?;
            let language = crate::language::Language::parse(language)?;
            if let Some(code) = definition.starter.get(language.id()) {
                return Some(code.clone());
            }
            let signature = definition.parsed_signature().ok()?;
            Some(crate::judge::drivers::starter(language, &signature, definition.mutates.as_deref()))
        };
        from_library().or_else(|| placeholder_starter(problem, language))
    })
}

fn line_comment(language: &str) -> &'static str {
    match language {
        "python" | "ruby" | "bash" => "#",
        _ => "//",
    }
}

/// When the library has no starter code: a comment naming the problem.
fn placeholder_starter(problem: &ProblemRef, language: &str) -> Option<String> {
    let comment = line_comment(language);
    Some(format!("{comment} {}\n{comment} Write your solution here.\n", problem.title))
}

/// A design interview's editor holds notes beside the drawing: APIs, schemas, numbers.
fn design_notes(problem: &ProblemRef, language: &str) -> String {
    let comment = line_comment(language);
    format!(
        "{comment} Design: {}\n{comment} Draw on the Whiteboard tab; write APIs, data models and estimates here.\n",
        problem.title
    )
}

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new()
        .routes(routes!(code_socket))
        .routes(routes!(board_socket))
        .routes(routes!(board::whiteboard))
        .routes(routes!(events_socket))
        .routes(routes!(messages))
        .routes(routes!(code))
}

// The socket handlers live with their protocols (`collab`, generic over the document, and
// `events`); these wrappers give each route the description the API document shows.

/// The shared code editor: a WebSocket speaking the y-websocket protocol.
///
/// The host, the people seated (guests included) and administrators. Binary frames: Yjs sync
/// steps 1 and 2, document updates and awareness (cursors); the code is `doc.getText("code")`
/// and the language `doc.getMap("meta").get("language")`. With `?ack=1` the server also sends
/// a frame tagged 100 (8-byte big-endian sequence number) once each of the client's own updates
/// is saved. Closed with 4401 (sign in again), 4403 (no longer allowed) or 4409 (ended).
#[utoipa::path(get, path = "/collab/{session_id}", tag = "room",
    params(("session_id" = String, Path, description = "The session's id"), collab::SavedFrames, SocketSignIn),
    responses((status = 101, description = "Switching Protocols: y-websocket binary frames for the code document")))]
async fn code_socket(entering: collab::Entering) -> AppResult<Response> {
    collab::connect::<collab::Code>(entering).await
}

/// The shared whiteboard: a WebSocket speaking the y-websocket protocol.
///
/// The host, the people seated (guests included) and administrators. Like the code editor's
/// socket; the document holds `doc.getMap("elements")` (shape id → the shape as JSON text) and
/// is capped by `realtime.max_board_kb` and `realtime.max_board_elements`; pointers travel as
/// awareness states.
#[utoipa::path(get, path = "/collab/{session_id}/board", tag = "room",
    params(("session_id" = String, Path, description = "The session's id"), collab::SavedFrames, SocketSignIn),
    responses((status = 101, description = "Switching Protocols: y-websocket binary frames for the whiteboard document")))]
async fn board_socket(entering: collab::Entering) -> AppResult<Response> {
    collab::connect::<collab::Board>(entering).await
}

/// The room's event channel: a WebSocket of JSON text frames.
///
/// The host, the people seated (guests included) and administrators. Client to server: `chat`
/// (`text`), WebRTC signalling `offer`/`answer`/`ice`/`hangup` (`to` a peer id), `ping`, and
/// `focus` (`visible`: a candidate's tab shown or hidden, logged for the record). Server to
/// client: `welcome` (own peer id, role, ICE servers, who is here, chat history), `presence`,
/// `chat`, relayed signals (with `from` and `user`), `result` (runs and submissions), `session`
/// (seats or time box changed: read the session again), `pong`, `ended` and `error`. Closed with 4401, 4403 or 4409 like the documents' sockets.
#[utoipa::path(get, path = "/sessions/{id}/events", tag = "room",
    params(("id" = String, Path, description = "The session's id"), SocketSignIn),
    responses((status = 101, description = "Switching Protocols: the room's events as JSON text frames")))]
async fn events_socket(
    state: State<AppState>,
    user: SignedIn,
    session_id: Path<String>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> AppResult<Response> {
    events::connect(state, user, session_id, upgrade).await
}

/// Only the host, the people seated and administrators may enter a session's room.
pub async fn authorize(state: &AppState, user: &User, session_id: &str) -> AppResult<(Session, RoomRole)> {
    let valid_id = !session_id.is_empty()
        && session_id.len() <= 64
        && session_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_id {
        return Err(AppError::not_found("Session not found"));
    }
    let session =
        sessions_store::find(&state.db, session_id).await?.ok_or_else(|| AppError::not_found("Session not found"))?;
    let role = session
        .room_role(&user.id, user.role)
        .ok_or_else(|| AppError::Forbidden("Only the host and participants of this session may do that".into()))?;
    Ok((session, role))
}

/// The room's recent chat messages, oldest first.
#[derive(Debug, serde::Serialize, ToSchema)]
struct ChatHistory {
    messages: Vec<store::ChatMessage>,
}

/// The room's chat: its latest messages, oldest first.
///
/// The host, the people seated (guests included) and administrators.
#[utoipa::path(get, path = "/sessions/{id}/messages", tag = "room",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The chat history", body = ChatHistory)))]
async fn messages(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<ChatHistory>> {
    authorize(&state, &user, &id).await?;
    let messages = store::chat_history(&state.db, &id, events::HISTORY).await?;
    Ok(Json(ChatHistory { messages }))
}

/// The document's code and language: live while the session runs, final once it completed.
#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CodeQuery {
    /// The code at this moment instead: milliseconds since the session was created.
    #[param(value_type = Option<i64>, minimum = 0)]
    at: Option<String>,
}

/// A session's code and the editor's language.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct SessionCode {
    pub code: String,
    /// The editor's language as the room set it (`javascript` until someone picks another).
    pub language: String,
    /// The moment asked for with `?at=`, in milliseconds since the session was created; only
    /// then.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub at: Option<i64>,
}

/// The code now, or with `?at=` the code at a past moment.
///
/// The past is part of the interviewers' record. Without `at`: the host, the people seated (guests included) and administrators. With `at`:
/// the host, co-interviewers and administrators.
#[utoipa::path(get, path = "/sessions/{id}/code", tag = "room",
    params(("id" = String, Path, description = "The session's id"), CodeQuery),
    responses((status = 200, description = "The code: live, as stored, or at the moment asked for", body = SessionCode)))]
async fn code(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<CodeQuery>,
) -> AppResult<Json<SessionCode>> {
    if let Some(at) = &query.at {
        // The record's reader decides who may look back.
        return crate::record::code_at(&state, user, &id, at).await;
    }
    let (session, _) = authorize(&state, &user, &id).await?;
    let live = state.rooms.loaded(&id).and_then(|room| room.code.doc.get().map(|doc| lock(doc).code_and_language()));
    let (code, language) = match live {
        Some(found) => found,
        None => collab::DocState::load(&state.rooms, &session, DocKind::Code).await?.code_and_language(),
    };
    Ok(Json(SessionCode { code, language, at: None }))
}

/// Allows `rate` messages a second with bursts up to `burst`.
pub struct TokenBucket {
    tokens: f64,
    burst: f64,
    rate: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate: u32, burst: u32) -> Self {
        Self { tokens: f64::from(burst), burst: f64::from(burst), rate: f64::from(rate), last: Instant::now() }
    }

    /// Takes one token; `false` when the bucket is empty.
    pub fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// WebSocket close codes used by the rooms. The 44xx codes end access for good: they mirror
/// the HTTP statuses, and the stock y-websocket provider does not reconnect after them.
pub mod close {
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
    pub const UNSUPPORTED: u16 = 1003;
    pub const INVALID: u16 = 1007;
    pub const TRY_AGAIN: u16 = 1013;
    /// The sign-in was revoked: sign in again.
    pub const SIGNED_OUT: u16 = 4401;
    /// No longer allowed in this room.
    pub const FORBIDDEN: u16 = 4403;
    /// The session has ended.
    pub const ENDED: u16 = 4409;
}

/// Closes a socket with a reason, then reads (and discards) what the client still sends
/// until it answers the close or a second passes: closing with unread data in the kernel's
/// buffer would reset the connection and lose the close frame, and with it the reason.
pub async fn close_with(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame { code, reason: reason.into() };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, socket.recv()).await {
        if matches!(message, Message::Close(_)) {
            break;
        }
    }
}

/// Closes a socket its room let go: with the room's reason, after sending what was queued
/// before it (the `ended` event, say), or as too slow when the room dropped it for falling
/// behind.
async fn close_for(
    socket: &mut WebSocket,
    outbox: &mut mpsc::Receiver<Message>,
    closing: Result<Closing, oneshot::error::RecvError>,
) {
    match closing {
        Ok(closing) => {
            while let Ok(message) = outbox.try_recv() {
                if socket.send(message).await.is_err() {
                    return;
                }
            }
            close_with(socket, closing.code(), closing.reason()).await;
        }
        Err(_) => close_with(socket, close::TRY_AGAIN, "too slow to keep up").await,
    }
}

/// Configures an upgrade with the room limits: small buffers (a thousand idle connections
/// must fit in a few MiB) and the maximum message size.
pub fn limit_upgrade(
    upgrade: axum::extract::ws::WebSocketUpgrade,
    config: &RealtimeConfig,
) -> axum::extract::ws::WebSocketUpgrade {
    let max = config.max_message_kb * 1024;
    upgrade.read_buffer_size(4 * 1024).write_buffer_size(0).max_message_size(max).max_frame_size(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_bursts_then_the_rate() {
        let mut bucket = TokenBucket::new(10, 5);
        assert!((0..5).all(|_| bucket.take()));
        assert!(!bucket.take(), "burst exhausted");
        bucket.last -= std::time::Duration::from_millis(200);
        assert!(bucket.take() && bucket.take(), "refilled two tokens in 200 ms");
        assert!(!bucket.take());
    }
}
