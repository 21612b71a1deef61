//! What rooms keep in SurrealDB: the document's update log and snapshot, and chat messages.
//!
//! Document writes go through one [`Persister`] task that drains everything queued and writes
//! it as a single `INSERT`: with `sync=every` each commit costs an fsync (≈ 5 ms on the
//! reference machine), so batching across all rooms is what lets persistence keep up with
//! thousands of edits per second while each edit still reaches disk within a few
//! milliseconds.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use crate::db::{Db, take_rows};

/// Most writes committed in one transaction.
const MAX_BATCH: usize = 512;
/// Writes waiting for the database before producers have to wait (back-pressure).
const QUEUE: usize = 8192;

/// Called once a write is on disk.
pub type Done = Box<dyn FnOnce() + Send>;

pub enum Write {
    /// One client update, appended to the session's log.
    Update { session: String, seq: u64, update: Vec<u8>, done: Option<Done> },
    /// The whole document as of `seq`: replaces the snapshot and trims the log up to `seq`.
    Snapshot { session: String, seq: u64, state: Vec<u8>, done: Option<oneshot::Sender<()>> },
}

#[derive(Clone)]
pub struct Persister {
    queue: mpsc::Sender<Write>,
}

impl Persister {
    /// Starts the persister on a thread of its own: the embedded store fsyncs inside its
    /// commit, and on a two-core machine a commit on a shared worker thread stalls every
    /// WebSocket scheduled behind it for the length of the fsync.
    pub fn start(db: Db) -> anyhow::Result<Self> {
        let (queue, receiver) = mpsc::channel(QUEUE);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        std::thread::Builder::new().name("room-persister".into()).spawn(move || runtime.block_on(run(db, receiver)))?;
        Ok(Self { queue })
    }

    /// Queues a write; waits only when the database has fallen far behind.
    pub async fn write(&self, write: Write) {
        if self.queue.send(write).await.is_err() {
            tracing::error!("document persister has stopped; an update was not saved");
        }
    }
}

async fn run(db: Db, mut receiver: mpsc::Receiver<Write>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut updates = Vec::new();
        let mut snapshots = Vec::new();
        for write in batch.drain(..) {
            match write {
                Write::Update { session, seq, update, done } => updates.push((session, seq, update, done)),
                Write::Snapshot { session, seq, state, done } => snapshots.push((session, seq, state, done)),
            }
        }
        if !updates.is_empty() {
            let rows: Vec<serde_json::Value> = updates
                .iter()
                .map(|(session, seq, update, _)| json!({ "session_id": session, "seq": seq, "data": BASE64.encode(update) }))
                .collect();
            retry(&db, "append document updates", "INSERT INTO doc_update $rows RETURN NONE", json!({ "rows": rows }))
                .await;
            for (_, _, _, done) in updates {
                if let Some(done) = done {
                    done();
                }
            }
        }
        // The log rows a snapshot trims are all contained in it (see `Room::snapshot`), so
        // the order of a snapshot relative to updates of the same batch does not matter.
        for (session, seq, state, done) in snapshots {
            let params = json!({ "sid": session, "seq": seq, "state": BASE64.encode(&state) });
            let sql = "UPSERT type::record('doc_snapshot', $sid)
                    CONTENT { session_id: $sid, seq: $seq, state: $state, updated_at: time::now() } RETURN NONE;
                 DELETE doc_update WHERE session_id = $sid AND seq <= $seq RETURN NONE;";
            retry(&db, "write a document snapshot", sql, params).await;
            if let Some(done) = done {
                let _ = done.send(());
            }
        }
    }
}

/// Runs a write until it succeeds: an acknowledged edit must not be dropped because the
/// database hiccuped (a remote server restarting, a transaction conflict).
async fn retry(db: &Db, what: &str, sql: &str, params: serde_json::Value) {
    let mut delay = Duration::from_millis(10);
    loop {
        match db.query(sql).bind(params.clone()).await.and_then(surrealdb::IndexedResults::check) {
            Ok(_) => return,
            Err(err) => {
                tracing::warn!(error = %err, "cannot {what}; retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// A session's document as stored: the latest snapshot, then every logged update after it.
#[derive(Default)]
pub struct StoredDoc {
    pub snapshot: Option<Vec<u8>>,
    pub updates: Vec<Vec<u8>>,
    /// Highest sequence number seen; new updates continue after it.
    pub last_seq: u64,
    /// Sequence number the snapshot covers.
    pub snapshot_seq: u64,
}

pub async fn load_doc(db: &Db, session: &str) -> anyhow::Result<StoredDoc> {
    #[derive(Deserialize)]
    struct Snapshot {
        seq: u64,
        state: String,
    }
    #[derive(Deserialize)]
    struct Logged {
        seq: u64,
        data: String,
    }
    let mut response = db
        .query(
            "SELECT seq, state FROM type::record('doc_snapshot', $sid);
             SELECT seq, data FROM doc_update WHERE session_id = $sid ORDER BY seq;",
        )
        .bind(json!({ "sid": session }))
        .await?
        .check()?;
    let snapshot = take_rows::<Snapshot>(&mut response, 0)?.pop();
    let logged = take_rows::<Logged>(&mut response, 1)?;
    let mut doc = StoredDoc::default();
    if let Some(snapshot) = snapshot {
        doc.snapshot_seq = snapshot.seq;
        doc.last_seq = snapshot.seq;
        doc.snapshot = Some(BASE64.decode(snapshot.state)?);
    }
    for row in logged {
        doc.last_seq = doc.last_seq.max(row.seq);
        // Rows at or below the snapshot are already inside it (a trim that had not run yet).
        if row.seq > doc.snapshot_seq {
            doc.updates.push(BASE64.decode(row.data)?);
        }
    }
    Ok(doc)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Author {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: String,
    pub text: String,
    pub user: Author,
    pub created_at: String,
}

const CHAT_VIEW: &str = "record::id(id) AS id, text, created_at AS createdAt,
    (SELECT record::id(id) AS id, name FROM ONLY $parent.user) AS user";

/// Stores a chat message; returns it as everyone will see it.
pub async fn add_chat(db: &Db, session: &str, user_id: &str, text: &str) -> anyhow::Result<ChatMessage> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let mut response = db
        .query(format!(
            "CREATE type::record('chat_message', $id) CONTENT {{
                session_id: $sid, user: type::record('user', $user), text: $text, created_at: time::now()
            }} RETURN NONE;
            SELECT {CHAT_VIEW} FROM type::record('chat_message', $id);"
        ))
        .bind(json!({ "id": id, "sid": session, "user": user_id, "text": text }))
        .await?
        .check()?;
    take_rows::<ChatMessage>(&mut response, 1)?.pop().ok_or_else(|| anyhow::anyhow!("chat message was not stored"))
}

/// The latest `limit` messages of a session, oldest first.
pub async fn chat_history(db: &Db, session: &str, limit: u32) -> anyhow::Result<Vec<ChatMessage>> {
    let mut response = db
        .query(format!(
            "SELECT {CHAT_VIEW} FROM chat_message WHERE session_id = $sid ORDER BY createdAt DESC, id DESC LIMIT $limit"
        ))
        .bind(json!({ "sid": session, "limit": limit }))
        .await?
        .check()?;
    let mut messages = take_rows::<ChatMessage>(&mut response, 0)?;
    messages.reverse();
    Ok(messages)
}
