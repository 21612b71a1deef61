//! The room's event channel: `GET /api/sessions/:id/events`, a WebSocket of JSON text frames.
//!
//! Client → server:
//! - `{"type":"chat","text":"…"}` — stored, then sent to everyone as
//!   `{"type":"chat","message":{"id","text","user":{"id","name"},"createdAt"}}`.
//! - `{"type":"offer"|"answer"|"ice"|"hangup","to":"<peerId>",…}` — WebRTC signalling, relayed
//!   to that peer with `"from":"<peerId>"` and `"user":{"id","name"}` added.
//! - `{"type":"ping"}` → `{"type":"pong"}`.
//! - `{"type":"focus","visible":true|false}` — a candidate's tab shown or hidden (the Page
//!   Visibility API); logged for the interviewers' record, never sent to anyone.
//!
//! A person's first connection to the room and their last disconnection are logged as `join`
//! and `leave` events of the record.
//!
//! Server → client: `welcome` (own peer id, role, ICE servers, who is here, chat history),
//! `presence` (who is here, on every change), `chat`, `result` (run/submit results),
//! `ended` (after which the room accepts no more writes), `error`.

use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::access::Holder;
use super::socket::{self, Conversation, Frames, Outbox, Refusal};
use super::store::{self, Author};
use super::{
    Admission, Closing, Link, PeerId, Room, RoomRole, Rooms, TokenBucket, authorize, close, close_with, fanout,
    limit_upgrade, lock,
};
use crate::app::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};
use crate::record::timeline::{self, Logged};

/// Chat messages sent on join and by `GET /api/sessions/:id/messages`.
pub const HISTORY: u32 = 200;
const SIGNALS: &[&str] = &["offer", "answer", "ice", "hangup"];

/// Someone connected to a room's event channel.
pub struct Member {
    user: Author,
    role: RoomRole,
    pub(super) link: Link,
    /// The last tab visibility this connection reported.
    visible: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PresenceEntry<'a> {
    peer_id: String,
    user: &'a Author,
    role: RoomRole,
}

/// A peer's name in presence and signals: `p7`, or `p7.<instance>` when rooms are shared with
/// other instances, whose peers are numbered apart.
fn peer_name(peer: PeerId) -> String {
    match fanout::instance() {
        Some(instance) => format!("p{peer}.{instance}"),
        None => format!("p{peer}"),
    }
}

/// The local peer a name stands for; `None` for a name of another instance's or no peer.
fn local_peer(name: &str) -> Option<PeerId> {
    let number = name.strip_prefix('p')?;
    let number = match (number.split_once('.'), fanout::instance()) {
        (Some((number, instance)), Some(ours)) if instance == ours => number,
        (None, None) => number,
        _ => return None,
    };
    number.parse().ok()
}

/// Everyone in the room: this instance's sockets, then those other instances announced.
pub(super) fn presence(room: &Room) -> Value {
    let mut entries = match local_presence(room) {
        Value::Array(entries) => entries,
        _ => Vec::new(),
    };
    let remote = lock(&room.remote_members);
    let mut instances: Vec<&String> = remote.keys().collect();
    instances.sort();
    for instance in instances {
        if let Some((_, Value::Array(peers))) = remote.get(instance) {
            entries.extend(peers.iter().cloned());
        }
    }
    Value::Array(entries)
}

/// This instance's sockets in the room.
pub(super) fn local_presence(room: &Room) -> Value {
    let members = lock(&room.members);
    let mut entries: Vec<(PeerId, PresenceEntry<'_>)> = members
        .iter()
        .map(|(peer, member)| {
            (*peer, PresenceEntry { peer_id: peer_name(*peer), user: &member.user, role: member.role })
        })
        .collect();
    entries.sort_by_key(|(peer, _)| *peer);
    json!(entries.into_iter().map(|(_, entry)| entry).collect::<Vec<_>>())
}

/// Tells everyone here who is in the room now.
pub(super) fn presence_changed(room: &Room) {
    broadcast(room, &json!({ "type": "presence", "peers": presence(room) }), None);
}

/// Delivers a signal another instance relayed, when its peer is here.
pub(super) fn deliver_signal(room: &Room, to: &str, event: &Value) {
    if let Some(peer) = local_peer(to) {
        send_to(room, peer, event);
    }
}

/// Whether another instance announced a peer of this name in the room.
fn is_remote_peer(room: &Room, name: &str) -> bool {
    lock(&room.remote_members).values().any(|(_, peers)| {
        peers.as_array().is_some_and(|peers| peers.iter().any(|peer| peer["peerId"].as_str() == Some(name)))
    })
}

/// Sends a JSON event to everyone in the room (or everyone but `except`); a member whose
/// queue is full is disconnected rather than allowed to hold the others up.
pub fn broadcast(room: &Room, event: &Value, except: Option<PeerId>) {
    let message = Message::Text(event.to_string().into());
    let mut members = lock(&room.members);
    let mut stalled = Vec::new();
    for (peer, member) in members.iter() {
        if Some(*peer) != except && member.link.sender.try_send(message.clone()).is_err() {
            stalled.push(*peer);
        }
    }
    for peer in stalled {
        tracing::info!(session = %room.session_id, peer, "event client too slow; disconnected");
        members.remove(&peer);
    }
}

fn send_to(room: &Room, peer: PeerId, event: &Value) -> bool {
    let members = lock(&room.members);
    members
        .get(&peer)
        .is_some_and(|member| member.link.sender.try_send(Message::Text(event.to_string().into())).is_ok())
}

pub async fn connect(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(session_id): Path<String>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> AppResult<Response> {
    let (_, role) = authorize(&state, &user, &session_id).await?;
    let upgrade = upgrade.map_err(|_| AppError::bad_request("This endpoint speaks WebSocket only"))?;
    let holder = Holder::of(&state, &user).await?;
    let rooms = state.rooms.clone();
    let (admission, session) = rooms.enter(&session_id).await?;
    let history = store::chat_history(&state.db, &session.id, HISTORY).await?;
    let author = Author { id: user.id, name: user.name };
    let upgrade = limit_upgrade(upgrade, rooms.config());
    Ok(upgrade
        .on_upgrade(move |socket| serve(socket, rooms, admission, Joining { user: author, holder, role }, history)))
}

/// Who is opening an event channel, and as what.
struct Joining {
    user: Author,
    holder: Holder,
    role: RoomRole,
}

async fn serve(
    mut socket: WebSocket,
    rooms: Arc<Rooms>,
    admission: Admission,
    joining: Joining,
    history: Vec<store::ChatMessage>,
) {
    let Joining { user, holder, role } = joining;
    let room = admission.room.clone();
    let config = rooms.config();
    let peer = rooms.next_peer();
    let (sender, mut outbox) = mpsc::channel(config.send_queue);
    let (link, mut closed) = Link::new(holder, sender);
    let first = {
        let mut members = lock(&room.members);
        let first = !members.values().any(|member| member.user.id == user.id);
        members.insert(peer, Member { user: user.clone(), role, link, visible: None });
        first
    };
    if first {
        log_event(&rooms, &room, Logged::Join, &user, json!({ "role": role }));
    }
    rooms.relay(&room.session_id, fanout::Relayed::Presence { peers: local_presence(&room) });
    let welcome = json!({
        "type": "welcome",
        "peerId": peer_name(peer),
        "user": user,
        "role": role,
        "ended": room.has_ended(),
        "iceServers": config.ice_servers,
        "peers": presence(&room),
        "messages": history,
    });
    broadcast(&room, &json!({ "type": "presence", "peers": presence(&room) }), Some(peer));
    let mut open = socket.send(Message::Text(welcome.to_string().into())).await.is_ok();
    if room.has_ended() {
        // Ended while this socket was being opened, after the end closed the room's sockets.
        close_with(&mut socket, Closing::Ended.code(), Closing::Ended.reason()).await;
        open = false;
    }
    if open {
        let bucket = TokenBucket::new(config.messages_per_second, config.message_burst);
        let outbox = Outbox { queued: &mut outbox, closed: &mut closed };
        let mut conversation = EventConversation { rooms: &rooms, room: &room, peer, user: &user, role };
        socket::converse(&mut socket, outbox, bucket, &mut conversation, &room.session_id).await;
    }
    let last = {
        let mut members = lock(&room.members);
        members.remove(&peer);
        !members.values().any(|member| member.user.id == user.id)
    };
    if last {
        log_event(&rooms, &room, Logged::Leave, &user, json!({ "role": role }));
    }
    rooms.relay(&room.session_id, fanout::Relayed::Presence { peers: local_presence(&room) });
    presence_changed(&room);
    drop(admission);
}

/// Logs a record event without holding the connection up.
/// One person's event socket, as [`socket::converse`] drives it.
struct EventConversation<'a> {
    rooms: &'a Arc<Rooms>,
    room: &'a Room,
    peer: PeerId,
    user: &'a Author,
    role: RoomRole,
}

impl Conversation for EventConversation<'_> {
    const FRAMES: Frames = Frames::Text;
    const NAME: &'static str = "event";

    /// Each event costs one token of the connection's rate limit.
    async fn handle(&mut self, frame: &Bytes, bucket: &mut TokenBucket) -> Result<Vec<Message>, Refusal> {
        if !bucket.take() {
            return Err(Refusal::too_fast());
        }
        let text =
            std::str::from_utf8(frame).map_err(|err| Refusal::new(close::INVALID, "invalid text", err.to_string()))?;
        let reply = handle(self.rooms, self.room, self.peer, (self.user, self.role), text).await;
        Ok(reply.map(|reply| Message::Text(reply.to_string().into())).into_iter().collect())
    }
}

fn log_event(rooms: &Arc<Rooms>, room: &Room, kind: Logged, user: &Author, data: Value) {
    let db = rooms.db.clone();
    let (session, user) = (room.session_id.clone(), user.id.clone());
    let at_ms = crate::clock::now_ms();
    tokio::spawn(async move { timeline::log(&db, &session, kind, &user, data, at_ms).await });
}

fn error(message: &str) -> Value {
    json!({ "type": "error", "message": message })
}

/// Handles one client event; returns a reply for the sender alone, if any.
async fn handle(
    rooms: &Arc<Rooms>,
    room: &Room,
    peer: PeerId,
    (user, role): (&Author, RoomRole),
    text: &str,
) -> Option<Value> {
    let Ok(Value::Object(mut event)) = serde_json::from_str::<Value>(text) else {
        return Some(error("Expected a JSON object with a `type`"));
    };
    let kind = event.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
    match kind.as_str() {
        "ping" => Some(json!({ "type": "pong" })),
        "focus" => {
            let Some(visible) = event.get("visible").and_then(Value::as_bool) else {
                return Some(error("`visible` must be true or false"));
            };
            // Only a candidate's attention is part of the record; repeats are dropped.
            let changed = {
                let mut members = lock(&room.members);
                members.get_mut(&peer).is_some_and(|member| member.visible.replace(visible) != Some(visible))
            };
            if role == RoomRole::Participant && changed && !room.has_ended() {
                log_event(rooms, room, Logged::Focus, user, json!({ "visible": visible }));
            }
            None
        }
        "chat" => {
            if room.has_ended() {
                return Some(error("The session has ended"));
            }
            let text = event.get("text").and_then(Value::as_str).unwrap_or_default().trim();
            let limit = rooms.config().max_chat_chars;
            if text.is_empty() || text.chars().count() > limit {
                return Some(error(&format!("A chat message is 1 to {limit} characters")));
            }
            if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                return Some(error("A chat message cannot contain control characters"));
            }
            match store::add_chat(&rooms.db, &room.session_id, &user.id, text).await {
                Ok(Some(message)) => {
                    let event = json!({ "type": "chat", "message": message });
                    broadcast(room, &event, None);
                    rooms.relay(&room.session_id, fanout::Relayed::Event { event });
                    None
                }
                Ok(None) => Some(error("The session has ended")),
                Err(err) => {
                    tracing::error!(session = %room.session_id, error = ?err, "cannot store a chat message");
                    Some(error("The message could not be saved; try again"))
                }
            }
        }
        signal if SIGNALS.contains(&signal) => {
            if room.has_ended() {
                return Some(error("The session has ended"));
            }
            let to = event.remove("to").and_then(|to| to.as_str().map(str::to_string)).unwrap_or_default();
            let local = local_peer(&to);
            if local == Some(peer) || (local.is_none() && !to.starts_with('p')) {
                return Some(error("`to` must be the peerId of someone else in the room"));
            }
            event.insert("from".into(), json!(peer_name(peer)));
            event.insert("user".into(), json!(user));
            let event = Value::Object(event);
            let delivered = match local {
                Some(target) => send_to(room, target, &event),
                None if is_remote_peer(room, &to) => {
                    rooms.relay(&room.session_id, fanout::Relayed::Signal { to, event });
                    true
                }
                None => false,
            };
            if delivered { None } else { Some(error("That peer is not in the room")) }
        }
        _ => Some(error("Unknown event type")),
    }
}
