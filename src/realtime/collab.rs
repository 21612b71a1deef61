//! The shared documents: `GET /api/collab/:sessionId` (the code) and
//! `GET /api/collab/:sessionId/board` (the whiteboard), WebSockets speaking the y-websocket
//! protocol (binary frames: sync step 1/2, updates, awareness), so the stock browser
//! `WebsocketProvider` and `y-monaco` work against them unchanged.
//!
//! The code document holds the code in `doc.getText("code")` and the chosen language in
//! `doc.getMap("meta").get("language")`; the whiteboard is described in `super::board`.
//!
//! An edit is applied and forwarded to the other editors at once (propagation is what people
//! feel), and queued for the database at the same time. Because the server never learns
//! anything it cannot get back from the clients — every client replays its whole state on
//! reconnect — an edit lost between broadcast and commit is restored by the next sync. A client
//! that needs to know an edit is on disk connects with `?ack=1` and then receives one
//! [`MSG_SAVED`] frame per update of its own, in order, once that update is committed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::IntoParams;
use yrs::sync::protocol::SyncMessage;
use yrs::sync::{Awareness, AwarenessUpdate, Message};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{ClientID, Doc, GetString, Map, OffsetKind, Options, ReadTxn, StateVector, Text, Transact, Update};

use super::access::Holder;
use super::protocol::{Incoming, Messages};
use super::socket::{self, Conversation, Frames, Outbox, Refusal};
use super::store::{DocKey, DocKind};
use super::{
    Admission, Closing, Link, PeerId, Room, Rooms, TokenBucket, authorize, board, close, close_with, fanout,
    limit_upgrade, lock, store,
};
use crate::app::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};
use crate::sessions::{Session, Status};

/// Name of the shared text (`doc.getText(TEXT)`).
pub const TEXT: &str = "code";
/// Name of the shared map with session settings (`doc.getMap(META)`).
pub const META: &str = "meta";
pub const LANGUAGE: &str = "language";
pub const DEFAULT_LANGUAGE: &str = "javascript";
/// Custom y-protocol message tag: "your update was saved" (payload: the room's sequence number,
/// 8 bytes big-endian). Sent only to clients that asked with `?ack=1`; stock clients never see it.
pub const MSG_SAVED: u8 = 100;
/// The starter code is written by this fixed client id, so that seeding twice yields
/// identical operations that Yjs merges into one, never duplicated text.
const SEED_CLIENT: u64 = 1;
/// Cursors (awareness client ids) one connection may introduce. A browser tab has one
/// document and so one id, kept across reconnections; a few more allow for odd clients.
const MAX_CURSORS_PER_CONNECTION: usize = 4;

/// A room's document, its awareness (cursors) and its place in the update log.
pub struct DocState {
    key: DocKey,
    awareness: Awareness,
    last_seq: u64,
    snapshot_seq: u64,
    /// The starter code, when this load seeded an empty document: to be logged.
    seed: Option<Vec<u8>>,
    /// Encoded size of the document, in bytes: exact after a load or snapshot, then grown by
    /// each applied update (an over-estimate, made exact again before refusing an edit).
    size: usize,
    /// Which connection introduced each cursor: nobody may change or remove another's.
    cursor_owners: HashMap<ClientID, PeerId>,
}

fn new_doc(client_id: Option<u64>) -> Doc {
    let mut options = Options { offset_kind: OffsetKind::Utf16, ..Options::default() };
    if let Some(id) = client_id {
        options.client_id = ClientID::new(id);
    }
    Doc::with_options(options)
}

impl DocState {
    /// Loads one of a session's documents from its snapshot and log; an active session whose
    /// code was never written gets the starter code.
    pub async fn load(rooms: &Rooms, session: &Session, kind: DocKind) -> anyhow::Result<Self> {
        let key = DocKey::new(&session.id, kind);
        // What a previous opening of the room logged may still be lingering for its row.
        rooms.persister.flush(&key).await;
        let stored = store::load_doc(&rooms.db, &key, rooms.is_shared()).await?;
        let doc = new_doc(None);
        let empty = stored.snapshot.is_none() && stored.updates.is_empty();
        {
            let mut txn = doc.transact_mut();
            for bytes in stored.snapshot.iter().chain(stored.updates.iter()) {
                let update = Update::decode_v1(bytes)?;
                txn.apply_update(update)?;
            }
        }
        let mut state = Self {
            key,
            awareness: Awareness::new(doc),
            last_seq: stored.last_seq,
            snapshot_seq: stored.snapshot_seq,
            seed: None,
            size: 0,
            cursor_owners: HashMap::new(),
        };
        if empty && kind == DocKind::Code && session.status == Status::Active {
            let code = (rooms.starter)(&session.problem, DEFAULT_LANGUAGE).unwrap_or_default();
            let seed = seed_update(&code, DEFAULT_LANGUAGE);
            state.awareness.doc().transact_mut().apply_update(Update::decode_v1(&seed)?)?;
            state.seed = Some(seed);
        }
        state.size = state.encoded_size();
        Ok(state)
    }

    fn encoded_size(&self) -> usize {
        self.awareness.doc().transact().encode_state_as_update_v1(&StateVector::default()).len()
    }

    /// Whether the document stays within `max` bytes with an update of `extra` bytes more.
    fn fits(&mut self, extra: usize, max: usize) -> bool {
        if self.size.saturating_add(extra) <= max {
            return true;
        }
        self.size = self.encoded_size();
        self.size.saturating_add(extra) <= max
    }

    pub fn doc(&self) -> &Doc {
        self.awareness.doc()
    }

    pub fn code_and_language(&self) -> (String, String) {
        let txn = self.awareness.doc().transact();
        let code = txn.get_text(TEXT).map(|text| text.get_string(&txn)).unwrap_or_default();
        let language = match txn.get_map(META).and_then(|meta| meta.get(&txn, LANGUAGE)) {
            Some(yrs::Out::Any(yrs::Any::String(language))) => language.to_string(),
            _ => DEFAULT_LANGUAGE.to_string(),
        };
        (code, language)
    }

    /// The whole document and the sequence number it covers, if anything changed since the
    /// last snapshot. Every update numbered up to that sequence was applied before this
    /// encoding, which is what makes trimming the log up to it safe.
    pub fn snapshot(&mut self) -> Option<(DocKey, u64, Vec<u8>)> {
        if self.last_seq <= self.snapshot_seq {
            return None;
        }
        self.snapshot_seq = self.last_seq;
        let state = self.awareness.doc().transact().encode_state_as_update_v1(&StateVector::default());
        self.size = state.len();
        Some((self.key.clone(), self.last_seq, state))
    }

    fn needs_compaction(&self, every: u32) -> bool {
        self.last_seq - self.snapshot_seq >= u64::from(every)
    }
}

/// The starter code and language as a Yjs update, identical every time for the same input.
pub fn seed_update(code: &str, language: &str) -> Vec<u8> {
    let doc = new_doc(Some(SEED_CLIENT));
    let meta = doc.get_or_insert_map(META);
    let text = doc.get_or_insert_text(TEXT);
    let mut txn = doc.transact_mut();
    meta.insert(&mut txn, LANGUAGE, language);
    if !code.is_empty() {
        text.insert(&mut txn, 0, code);
    }
    txn.encode_update_v1()
}

/// Which document a collab route serves: `connect::<Code>` or `connect::<Board>`.
pub trait SharedDocument {
    const KIND: DocKind;
}

pub struct Code;
pub struct Board;

impl SharedDocument for Code {
    const KIND: DocKind = DocKind::Code;
}

impl SharedDocument for Board {
    const KIND: DocKind = DocKind::Board;
}

/// `?ack=` of a shared document's socket; a value other than `1` is no request rather than a
/// rejected one.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SavedFrames {
    /// `1` asks for a saved frame after each of the client's own updates
    ack: Option<u8>,
}

/// What entering a shared document reads of the request; the same for both documents.
#[derive(axum::extract::FromRequestParts)]
#[from_request(state(AppState))]
pub struct Entering {
    state: State<AppState>,
    user: SignedIn,
    session_id: Path<String>,
    uri: Uri,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
}

/// Both documents are entered the same way, by the same people.
pub async fn connect<D: SharedDocument>(entering: Entering) -> AppResult<Response> {
    let Entering { state: State(state), user: SignedIn(user), session_id: Path(session_id), uri, upgrade } = entering;
    let kind = D::KIND;
    authorize(&state, &user, &session_id).await?;
    let upgrade = upgrade.map_err(|_| AppError::bad_request("This endpoint speaks WebSocket only"))?;
    let wants_ack = Query::<SavedFrames>::try_from_uri(&uri).is_ok_and(|Query(frames)| frames.ack == Some(1));
    let holder = Holder::of(&state, &user).await?;
    let rooms = state.rooms.clone();
    let (admission, session) = rooms.enter(&session_id).await?;
    // Load before upgrading, so that a database failure is an HTTP error, not a dead socket.
    admission
        .room
        .shared(kind)
        .doc
        .get_or_try_init(|| async {
            let mut doc = DocState::load(&rooms, &session, kind).await?;
            if let Some(seed) = doc.seed.take() {
                doc.last_seq += 1;
                let write = store::Write::Update {
                    doc: doc.key.clone(),
                    seq: doc.last_seq,
                    update: Bytes::from(seed),
                    edit: store::Edit::now(None),
                    done: None,
                };
                rooms.persister.write(write).await;
            }
            Ok::<_, anyhow::Error>(std::sync::Mutex::new(doc))
        })
        .await?;
    // Another instance may have edits this copy missed while it loaded: they answer this.
    rooms.announce_state(&admission.room, kind);
    let upgrade = limit_upgrade(upgrade, rooms.config());
    Ok(upgrade.on_upgrade(move |socket| serve(socket, rooms, admission, holder, wants_ack, kind)))
}

fn frame(message: &Message) -> WsMessage {
    WsMessage::Binary(Bytes::from(message.encode_v1()))
}

async fn serve(
    mut socket: WebSocket,
    rooms: Arc<Rooms>,
    admission: Admission,
    holder: Holder,
    wants_ack: bool,
    kind: DocKind,
) {
    let room = admission.room.clone();
    let Some(doc) = room.shared(kind).doc.get() else { return };
    let peer = rooms.next_peer();
    let config = rooms.config();
    let (sender, mut outbox) = mpsc::channel(config.send_queue);
    // Only the room holds this connection's sender: when the room drops it (the client
    // reads too slowly), the outbox closes and the connection ends.
    let ack_sender = wants_ack.then(|| sender.downgrade());
    let author = holder.user_id.clone();
    let (link, mut closed) = Link::new(holder, sender);
    let greeting = {
        let state = lock(doc);
        lock(&room.shared(kind).editors).insert(peer, link);
        let step1 = frame(&Message::Sync(SyncMessage::SyncStep1(state.awareness.doc().transact().state_vector())));
        let awareness = state.awareness.update().ok().filter(|update| !update.clients.is_empty());
        (step1, awareness.map(|update| frame(&Message::Awareness(update))))
    };
    let mut connection =
        Connection { rooms: &rooms, room: &room, kind, peer, author, announced: HashSet::new(), ack_sender };
    let mut open = socket.send(greeting.0).await.is_ok();
    if let Some(awareness) = greeting.1 {
        open = open && socket.send(awareness).await.is_ok();
    }
    if open && room.has_ended() {
        // Ended while this socket was being opened, after the end closed the room's sockets.
        close_with(&mut socket, Closing::Ended.code(), Closing::Ended.reason()).await;
        open = false;
    }
    if open {
        let bucket = TokenBucket::new(config.messages_per_second, config.message_burst);
        let outbox = Outbox { queued: &mut outbox, closed: &mut closed };
        socket::converse(&mut socket, outbox, bucket, &mut connection, &room.session_id).await;
    }
    connection.leave();
    drop(admission);
}

struct Connection<'a> {
    rooms: &'a Arc<Rooms>,
    room: &'a Arc<Room>,
    kind: DocKind,
    peer: PeerId,
    /// The user id the edits of this connection are recorded under.
    author: String,
    /// Awareness client ids this connection introduced: cleared when it goes away.
    announced: HashSet<ClientID>,
    ack_sender: Option<mpsc::WeakSender<WsMessage>>,
}

impl Conversation for Connection<'_> {
    const FRAMES: Frames = Frames::Binary;
    const NAME: &'static str = "collab";

    /// Handles one frame; returns the replies for this client. Each message in the frame
    /// costs one token of the connection's rate limit, and a frame gets at most one answer
    /// to a sync step 1 and one to an awareness query: a frame packed with requests must not
    /// make the server queue a copy of the document per request. Updates are applied and
    /// broadcast here, then queued for the database.
    async fn handle(&mut self, data: &Bytes, bucket: &mut TokenBucket) -> Result<Vec<WsMessage>, Refusal> {
        let mut read = FrameOutcome::default();
        let outcome = self.read_frame(data, bucket, &mut read);
        // What was applied before a refusal is already with the others: save it too.
        for (seq, update, at_ms) in read.logged {
            let done = self.ack_sender.clone().map(|weak| -> store::Done {
                Box::new(move || {
                    if let Some(sender) = weak.upgrade() {
                        let _ = sender.try_send(frame(&Message::Custom(MSG_SAVED, seq.to_be_bytes().to_vec())));
                    }
                })
            });
            let edit = store::Edit { author: Some(self.author.clone()), at_ms };
            let doc = DocKey::new(&self.room.session_id, self.kind);
            let write = store::Write::Update { doc, seq, update, edit, done };
            self.rooms.persister.write(write).await;
        }
        if read.compact {
            // Fire and forget: the snapshot rides the same queue as the updates.
            drop(self.rooms.snapshot(self.room, self.kind));
        }
        outcome.map(|()| read.replies)
    }
}

impl Connection<'_> {
    fn read_frame(&mut self, data: &Bytes, bucket: &mut TokenBucket, out: &mut FrameOutcome) -> Result<(), Refusal> {
        let Some(doc) = self.room.shared(self.kind).doc.get() else {
            return Ok(());
        };
        let config = self.rooms.config();
        let max_document = match self.kind {
            DocKind::Code => config.max_document_kb,
            DocKind::Board => config.max_board_kb,
        } * 1024;
        let mut answered_sync = false;
        let mut answered_query = false;
        for message in Messages::new(data) {
            if !bucket.take() {
                return Err(Refusal::too_fast());
            }
            match message.map_err(Refusal::invalid)? {
                Incoming::SyncStep1(state_vector) => {
                    if !std::mem::replace(&mut answered_sync, true) {
                        let update = lock(doc).awareness.doc().transact().encode_state_as_update_v1(&state_vector);
                        out.replies.push(frame(&Message::Sync(SyncMessage::SyncStep2(update))));
                    }
                }
                Incoming::Update { update, message } => {
                    if is_empty_update(update) {
                        continue;
                    }
                    let decoded = Update::decode_v1(update).map_err(Refusal::invalid)?;
                    let mut state = lock(doc);
                    // Read under the document lock, which the end takes to set it.
                    if self.room.has_ended() {
                        continue;
                    }
                    if !state.fits(update.len(), max_document) {
                        return Err(Refusal::new(
                            close::TOO_BIG,
                            "the document would exceed its size limit",
                            format!("document of {} bytes, update of {} bytes", state.size, update.len()),
                        ));
                    }
                    if self.kind == DocKind::Board
                        && let Err(detail) = board::check_elements(state.doc(), update, config.max_board_elements)
                    {
                        return Err(Refusal::new(close::TOO_BIG, board::FULL, detail));
                    }
                    state.awareness.doc().transact_mut().apply_update(decoded).map_err(Refusal::invalid)?;
                    state.size += update.len();
                    state.last_seq += 1;
                    out.logged.push((state.last_seq, part_of(data, update), crate::clock::now_ms()));
                    out.compact |= state.needs_compaction(config.compact_every);
                    // An update message goes to the others as it came; a step 2 becomes one.
                    let forwarded = match message {
                        Some(message) => WsMessage::Binary(part_of(data, message)),
                        None => frame(&Message::Sync(SyncMessage::Update(update.to_vec()))),
                    };
                    // Broadcast while holding the document lock, so every editor receives
                    // updates in the order the server applied them.
                    self.broadcast(&forwarded);
                    if self.rooms.is_shared() && fanout::is_spread(self.room) {
                        let data = fanout::encode(update);
                        let relayed = fanout::Relayed::Update { doc: self.kind, seq: Some(state.last_seq), data };
                        self.rooms.relay(&self.room.session_id, relayed);
                    }
                }
                Incoming::Awareness(update) => {
                    let mut state = lock(doc);
                    if let Some(update) = self.own_cursors(&mut state, update)? {
                        let outgoing = frame(&Message::Awareness(update.clone()));
                        self.relay_cursors(&update);
                        state.awareness.apply_update(update).map_err(Refusal::invalid)?;
                        self.broadcast(&outgoing);
                    }
                }
                Incoming::AwarenessQuery => {
                    if !std::mem::replace(&mut answered_query, true)
                        && let Ok(update) = lock(doc).awareness.update()
                    {
                        out.replies.push(frame(&Message::Awareness(update)));
                    }
                }
                Incoming::Ignored => {}
            }
        }
        Ok(())
    }

    /// The part of an awareness update this connection may make: its own cursors, each
    /// within the size limit; `None` when nothing is left. Refuses a state over the limit and
    /// more cursors than one connection needs.
    fn own_cursors(
        &mut self,
        state: &mut DocState,
        mut update: AwarenessUpdate,
    ) -> Result<Option<AwarenessUpdate>, Refusal> {
        let max = self.rooms.config().max_awareness_bytes;
        if let Some(entry) = update.clients.values().find(|entry| entry.json.len() > max) {
            let detail = format!("a cursor state of {} bytes", entry.json.len());
            return Err(Refusal::new(close::TOO_BIG, "cursor state too large", detail));
        }
        update.clients.retain(|client, _| state.cursor_owners.get(client).is_none_or(|owner| *owner == self.peer));
        for (client, entry) in &update.clients {
            if &*entry.json == "null" {
                self.announced.remove(client);
                state.cursor_owners.remove(client);
            } else if self.announced.insert(*client) {
                if self.announced.len() > MAX_CURSORS_PER_CONNECTION {
                    let detail = format!("more than {MAX_CURSORS_PER_CONNECTION} cursors");
                    return Err(Refusal::new(close::POLICY, "too many cursors", detail));
                }
                state.cursor_owners.insert(*client, self.peer);
            }
        }
        Ok((!update.clients.is_empty()).then_some(update))
    }

    fn broadcast(&self, message: &WsMessage) {
        broadcast_to(self.room, self.kind, message, Some(self.peer));
    }

    /// Forgets this connection and the cursors it brought, telling the others.
    fn leave(&mut self) {
        lock(&self.room.shared(self.kind).editors).remove(&self.peer);
        let Some(doc) = self.room.shared(self.kind).doc.get() else {
            return;
        };
        if self.announced.is_empty() {
            return;
        }
        let mut state = lock(doc);
        let clients: Vec<ClientID> = self.announced.drain().collect();
        for client in &clients {
            state.awareness.remove_state(*client);
            state.cursor_owners.remove(client);
        }
        if let Ok(update) = state.awareness.update_with_clients(clients) {
            self.relay_cursors(&update);
            self.broadcast(&frame(&Message::Awareness(update)));
        }
    }

    fn relay_cursors(&self, update: &AwarenessUpdate) {
        if self.rooms.is_shared() && fanout::is_spread(self.room) {
            let data = fanout::encode(&update.encode_v1());
            self.rooms.relay(&self.room.session_id, fanout::Relayed::Awareness { doc: self.kind, data });
        }
    }
}

/// Who owns the cursors other instances relayed: no connection here may change them.
const REMOTE_CURSORS: PeerId = 0;

/// Applies an edit another instance relayed to this instance's copy of the document, and
/// forwards it to the editors here. The origin logged it; a numbered one moves this copy's
/// count past it, so that the next edit logged here is numbered after it.
pub(super) fn apply_remote_update(room: &Room, kind: DocKind, seq: Option<u64>, update: &[u8]) {
    let Some(doc) = room.shared(kind).doc.get() else { return };
    let Ok(decoded) = Update::decode_v1(update) else {
        tracing::warn!(session = %room.session_id, "an undecodable relayed update");
        return;
    };
    let mut state = lock(doc);
    if room.has_ended() {
        return;
    }
    if state.awareness.doc().transact_mut().apply_update(decoded).is_err() {
        tracing::warn!(session = %room.session_id, "a relayed update did not apply");
        return;
    }
    state.size += update.len();
    if let Some(seq) = seq {
        state.last_seq = state.last_seq.max(seq);
    }
    let message = frame(&Message::Sync(SyncMessage::Update(update.to_vec())));
    broadcast_to(room, kind, &message, None);
}

/// Applies cursors another instance relayed, and forwards them to the editors here.
pub(super) fn apply_remote_awareness(room: &Room, kind: DocKind, update: &[u8]) {
    let Some(doc) = room.shared(kind).doc.get() else { return };
    let Ok(update) = AwarenessUpdate::decode_v1(update) else { return };
    let mut state = lock(doc);
    for (client, entry) in &update.clients {
        if &*entry.json == "null" {
            state.cursor_owners.remove(client);
        } else {
            state.cursor_owners.insert(*client, REMOTE_CURSORS);
        }
    }
    let outgoing = frame(&Message::Awareness(update.clone()));
    if state.awareness.apply_update(update).is_ok() {
        broadcast_to(room, kind, &outgoing, None);
    }
}

/// What this copy of a document holds beyond `state_vector` (another copy's), if anything.
pub(super) fn missing_from(room: &Room, kind: DocKind, state_vector: &[u8]) -> Option<Vec<u8>> {
    let doc = room.shared(kind).doc.get()?;
    let state_vector = StateVector::decode_v1(state_vector).ok()?;
    let missing = lock(doc).awareness.doc().transact().encode_state_as_update_v1(&state_vector);
    (!is_empty_update(&missing)).then_some(missing)
}

/// Sends a frame to every editor of a document but `except`; one whose queue is full is cut
/// off rather than allowed to slow the room down.
fn broadcast_to(room: &Room, kind: DocKind, message: &WsMessage, except: Option<PeerId>) {
    let mut editors = lock(&room.shared(kind).editors);
    let mut stalled = Vec::new();
    for (peer, link) in editors.iter() {
        if Some(*peer) != except && link.sender.try_send(message.clone()).is_err() {
            stalled.push(*peer);
        }
    }
    for peer in stalled {
        tracing::info!(session = %room.session_id, peer, "collab client too slow; disconnected");
        editors.remove(&peer);
    }
}

/// What reading one frame produced.
#[derive(Default)]
struct FrameOutcome {
    /// Answers for the sender.
    replies: Vec<WsMessage>,
    /// Applied updates with their sequence numbers and when they were applied, to be saved.
    logged: Vec<(u64, Bytes, i64)>,
    compact: bool,
}

/// `part` of a received frame: shared with the frame when it is most of it, copied otherwise,
/// so that a small update sent in a large frame (padded with ignored messages) cannot keep the
/// whole frame alive in the log's queue and the editors' send queues.
fn part_of(frame: &Bytes, part: &[u8]) -> Bytes {
    if part.len().saturating_mul(2) >= frame.len() { frame.slice_ref(part) } else { Bytes::copy_from_slice(part) }
}

/// A v1 update with no structs and no deletions: what a client in sync sends as step 2.
fn is_empty_update(update: &[u8]) -> bool {
    update == [0, 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_twice_merges_into_one_copy() {
        let first = seed_update("print('hi')\n", "python");
        let second = seed_update("print('hi')\n", "python");
        assert_eq!(first, second, "deterministic");
        let doc = new_doc(None);
        let text = doc.get_or_insert_text(TEXT);
        let mut txn = doc.transact_mut();
        txn.apply_update(Update::decode_v1(&first).expect("decodes")).expect("applies");
        txn.apply_update(Update::decode_v1(&second).expect("decodes")).expect("applies");
        assert_eq!(text.get_string(&txn), "print('hi')\n");
    }

    #[test]
    fn a_small_part_of_a_large_frame_is_copied_and_most_of_one_is_shared() {
        let frame = Bytes::from(vec![7u8; 1000]);
        let small = part_of(&frame, &frame[10..20]);
        assert_eq!(small, frame[10..20]);
        assert_ne!(small.as_ptr(), frame[10..].as_ptr(), "copied: the frame is not kept alive");
        let most = part_of(&frame, &frame[4..]);
        assert_eq!(most.as_ptr(), frame[4..].as_ptr(), "shared, not copied");
    }

    #[test]
    fn empty_update_is_recognised() {
        let doc = new_doc(None);
        let empty = doc.transact().encode_state_as_update_v1(&StateVector::default());
        assert!(is_empty_update(&empty));
    }
}
