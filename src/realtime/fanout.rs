//! One room across several instances. With a SurrealDB server (`database.url`), several
//! coderoom instances serve the same sessions, and the people of one session may be connected
//! to different instances. Each instance keeps its own copy of a room, as on a single server,
//! and tells the others what happens in it through the database: every message is a row of
//! `room_relay`, and every instance follows one live query on that table for the rows the
//! others wrote.
//!
//! - **Edits** are applied and forwarded to the instance's own sockets at once, as on one
//!   server, then relayed while another instance has the room open ([`is_spread`]); only the
//!   instance that received an edit logs it. Yjs updates are
//!   idempotent and commute, so the order in which copies see each other's edits does not
//!   matter. A remote edit moves the local sequence count past its own (a Lamport clock), so
//!   log numbers keep following time across instances.
//! - **Missed rows** (a live query that reconnected, a copy loaded while a row was in flight)
//!   are repaired the way y-websocket clients repair theirs: every copy of a document
//!   announces its state vector when it loads and every [`SYNC_EVERY`], and the others answer
//!   with whatever it lacks.
//! - **Events** (chat, results, seats changed, the end, removals) are relayed as they are
//!   broadcast locally; **presence** is each instance's list of its own sockets, repeated every
//!   [`SYNC_EVERY`] and forgotten after [`PRESENCE_TTL`] without news (an instance that died);
//!   **WebRTC signals** go to the instance holding the addressed peer.
//!
//! Relay rows are not a record: they are swept after [`KEEP_ROWS`]. The log, the snapshots and
//! the chat stay where they were, written once by the instance that received them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::store::DocKind;
use super::{Closing, Room, Rooms, collab, events, lock};
use crate::db::Db;

/// How often every copy of an open document announces its state, and every instance its
/// people in each room.
pub const SYNC_EVERY: Duration = Duration::from_secs(5);
/// An instance's people in a room are forgotten this long after its last announcement.
pub const PRESENCE_TTL: Duration = Duration::from_secs(20);
/// Relay rows older than this are swept: every instance has long read them.
const KEEP_ROWS: Duration = Duration::from_secs(60);
/// Messages waiting for the relay writer; when it is full, new ones are dropped and the next
/// state-vector exchange brings the copies level again.
const QUEUE: usize = 4096;
/// Most rows written in one statement.
const MAX_BATCH: usize = 256;

/// What one instance tells the others about one of its rooms.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Relayed {
    /// An edit applied by the origin (`seq`: its number in the origin's log), or (`seq` absent)
    /// what another copy lacked, in answer to its [`Relayed::Sync`].
    Update { doc: DocKind, seq: Option<u64>, data: String },
    /// Cursors and selections of the origin's editors.
    Awareness { doc: DocKind, data: String },
    /// The origin's copy holds this state vector: whoever has more answers with the difference.
    Sync { doc: DocKind, state_vector: String },
    /// An event for every socket of the room (chat, a result, seats changed).
    Event { event: Value },
    /// A WebRTC signal for one peer, held by the instance its name ends with.
    Signal { to: String, event: Value },
    /// The origin's people in the room (its part of the presence list).
    Presence { peers: Value },
    /// The session was ended on the origin.
    Ended,
    /// Someone's sockets are to be closed (removed, left, disabled); `session` is `*` for
    /// every room.
    Disconnect { user: String, closing: Closing },
}

#[derive(Serialize, Deserialize)]
struct Row {
    session_id: String,
    origin: String,
    message: Relayed,
    /// When the origin wrote it, for the sweep.
    at_ms: i64,
}

/// The room of every session, for [`Relayed::Disconnect`].
pub const EVERY_ROOM: &str = "*";

/// Names this process in relay rows and in its peers' names (`p7.k3x9q2ab`); set when the
/// fan-out starts, so that without one peers keep their short names.
static INSTANCE: OnceLock<String> = OnceLock::new();

/// The instance name peers of this process carry, when rooms are shared across instances.
pub fn instance() -> Option<&'static str> {
    INSTANCE.get().map(String::as_str)
}

/// This instance's end of the relay.
pub struct FanOut {
    instance: String,
    outbox: mpsc::Sender<Row>,
    /// Set while the relay queue is full, so that a run of drops is logged once.
    dropping: AtomicBool,
}

impl FanOut {
    /// Starts relaying for `rooms`: the writer, the live query and the periodic exchange.
    pub fn start(rooms: &Arc<Rooms>) -> Self {
        let instance = INSTANCE.get_or_init(|| uuid::Uuid::new_v4().simple().to_string()[..8].to_string()).clone();
        let (outbox, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_rows(rooms.db.clone(), receiver));
        tokio::spawn(follow(Arc::downgrade(rooms), rooms.db.clone(), instance.clone()));
        tokio::spawn(keep_in_step(Arc::downgrade(rooms)));
        Self { instance, outbox, dropping: AtomicBool::new(false) }
    }

    /// Queues a message for the other instances; never waits.
    pub fn publish(&self, session: &str, message: Relayed) {
        let row = Row {
            session_id: session.to_string(),
            origin: self.instance.clone(),
            message,
            at_ms: crate::clock::now_ms(),
        };
        if self.outbox.try_send(row).is_ok() {
            crate::counters::room_relay("sent");
            self.dropping.store(false, Ordering::Relaxed);
        } else {
            crate::counters::room_relay("dropped");
            // Once per run of drops, not per keystroke: the metric counts them all.
            if !self.dropping.swap(true, Ordering::Relaxed) {
                tracing::warn!(session, "the room relay is behind; messages are dropped (the next sync repairs edits)");
            }
        }
    }
}

pub fn encode(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

/// Writes queued rows, everything waiting in one statement.
async fn write_rows(db: Db, mut receiver: mpsc::Receiver<Row>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let rows = match serde_json::to_value(&batch) {
            Ok(rows) => rows,
            Err(err) => {
                tracing::error!(error = %err, "cannot encode relay rows");
                batch.clear();
                continue;
            }
        };
        batch.clear();
        let written = db.query("INSERT INTO room_relay $rows RETURN NONE").bind(json!({ "rows": rows })).await;
        if let Err(err) = written.and_then(surrealdb::IndexedResults::check) {
            tracing::warn!(error = %err, "cannot write to the room relay; the next sync repairs edits");
        }
    }
}

/// Follows the other instances' rows for as long as the rooms exist, subscribing again after
/// the database connection drops; each new subscription is followed by an exchange of state
/// vectors, which brings back what was missed meanwhile.
async fn follow(rooms: Weak<Rooms>, db: Db, instance: String) {
    loop {
        let subscribed = db
            .query("LIVE SELECT * FROM room_relay WHERE origin != $me")
            .bind(json!({ "me": instance }))
            .await
            .and_then(|mut response| response.stream::<surrealdb::Notification<surrealdb::types::Value>>(0));
        match subscribed {
            Ok(mut stream) => {
                if let Some(rooms) = rooms.upgrade() {
                    announce_all(&rooms);
                }
                while let Some(notification) = stream.next().await {
                    let Some(rooms) = rooms.upgrade() else { return };
                    match notification {
                        Ok(notification) if notification.action == surrealdb::types::Action::Create => {
                            match serde_json::from_value::<Row>(notification.data.into_json_value()) {
                                Ok(row) => {
                                    crate::counters::room_relay("received");
                                    receive(&rooms, row);
                                }
                                Err(err) => tracing::warn!(error = %err, "an unreadable room relay row"),
                            }
                        }
                        Ok(_) => {}
                        Err(err) => tracing::warn!(error = %err, "the room relay's live query failed"),
                    }
                }
                tracing::warn!("the room relay's live query ended; subscribing again");
            }
            Err(err) => tracing::warn!(error = %err, "cannot follow the room relay; retrying"),
        }
        if rooms.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Every [`SYNC_EVERY`]: announces each open document's state and each room's people, forgets
/// the people of instances gone quiet, and sweeps old relay rows.
async fn keep_in_step(rooms: Weak<Rooms>) {
    let mut ticks = tokio::time::interval(SYNC_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sweep = 0u32;
    loop {
        ticks.tick().await;
        let Some(rooms) = rooms.upgrade() else { return };
        announce_all(&rooms);
        for room in rooms.open_rooms() {
            let forgot = {
                let mut remote = lock(&room.remote_members);
                let before = remote.len();
                remote.retain(|_, (heard, _)| heard.elapsed() < PRESENCE_TTL);
                remote.len() != before
            };
            if forgot {
                events::presence_changed(&room);
            }
        }
        sweep += 1;
        if sweep.is_multiple_of(6) {
            let cutoff = crate::clock::now_ms() - i64::try_from(KEEP_ROWS.as_millis()).unwrap_or(i64::MAX);
            // Each instance sweeps its own rows: no two sweeps contend for the same ones.
            let swept = rooms
                .db
                .query("DELETE room_relay WHERE origin = $me AND at_ms < $cutoff")
                .bind(json!({ "me": instance(), "cutoff": cutoff }))
                .await;
            if let Err(err) = swept.and_then(surrealdb::IndexedResults::check) {
                tracing::warn!(error = %err, "cannot sweep the room relay");
            }
        }
    }
}

fn announce_all(rooms: &Rooms) {
    for room in rooms.open_rooms() {
        for kind in [DocKind::Code, DocKind::Board] {
            rooms.announce_state(&room, kind);
        }
        rooms.relay(&room.session_id, Relayed::Presence { peers: events::local_presence(&room) });
    }
}

/// Applies one row another instance wrote to this instance's copy of its room, if open here.
fn receive(rooms: &Arc<Rooms>, row: Row) {
    if let Relayed::Disconnect { user, closing } = &row.message
        && row.session_id == EVERY_ROOM
    {
        rooms.close_user_everywhere(user, *closing);
        return;
    }
    let Some(room) = rooms.loaded(&row.session_id) else { return };
    *lock(&room.heard_from_others) = Some(Instant::now());
    let decoded = |data: &str| BASE64.decode(data).ok();
    match row.message {
        Relayed::Update { doc, seq, data } => {
            if let Some(update) = decoded(&data) {
                collab::apply_remote_update(&room, doc, seq, &update);
            }
        }
        Relayed::Awareness { doc, data } => {
            if let Some(update) = decoded(&data) {
                collab::apply_remote_awareness(&room, doc, &update);
            }
        }
        Relayed::Sync { doc, state_vector } => {
            if let Some(state_vector) = decoded(&state_vector)
                && let Some(missing) = collab::missing_from(&room, doc, &state_vector)
            {
                rooms.relay(&room.session_id, Relayed::Update { doc, seq: None, data: encode(&missing) });
            }
        }
        Relayed::Event { event } => events::broadcast(&room, &event, None),
        Relayed::Signal { to, event } => {
            events::deliver_signal(&room, &to, &event);
        }
        Relayed::Presence { peers } => {
            let changed = {
                let mut remote = lock(&room.remote_members);
                let previous = remote.insert(row.origin, (Instant::now(), peers.clone()));
                previous.is_none_or(|(_, before)| before != peers)
            };
            if changed {
                events::presence_changed(&room);
            }
        }
        Relayed::Ended => {
            let rooms = rooms.clone();
            tokio::spawn(async move { rooms.end_room(&room).await });
        }
        Relayed::Disconnect { user, closing } => room.close_where(closing, |holder| holder.user_id == user),
    }
}

/// The other instances' people in a room, as they announced them.
pub type RemoteMembers = HashMap<String, (Instant, Value)>;

/// Whether another instance has the room open: it announced something within
/// [`PRESENCE_TTL`] (every open copy announces its state every [`SYNC_EVERY`], and at once when
/// it loads). Only then are edits and cursors relayed: a room whose people all meet on one
/// instance — what a proxy routing by session gives — costs the relay nothing per keystroke.
/// An edit made in the moment before a newly opened copy was heard of reaches it with that
/// copy's announcement, which the others answer with what it lacks.
pub fn is_spread(room: &Room) -> bool {
    lock(&room.heard_from_others).is_some_and(|heard| heard.elapsed() < PRESENCE_TTL)
}
