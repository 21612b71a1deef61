//! What rooms keep in SurrealDB: each shared document's update log and snapshot (the code in
//! `doc_update`/`doc_snapshot`, the whiteboard in `board_update`/`board_snapshot`), and chat
//! messages.
//!
//! The log is the interview's edit history: every update stays, stamped with when it was
//! applied and by whom, so that the record can rebuild the code at any past moment. The
//! snapshot only spares a room that opens again from replaying the whole log.
//!
//! Document writes go through one [`Persister`] task that drains everything queued and writes
//! it as a single transaction: with `sync=every` each commit costs an fsync (≈ 5 ms on the
//! reference machine), so batching across all rooms is what lets persistence keep up with
//! thousands of edits per second. Updates linger up to [`LINGER`]: the persister is not
//! woken per keystroke (the thread wake-ups cost more than the database work), each room's
//! updates of that time share one row (typing at ten keys a second costs a row per second
//! instead of one per key), and all rooms' rows go in one transaction. An update whose
//! sender asked to be told when it is on disk (`?ack=1`) is written at once, with everything
//! of its document before it, as is the starter code that opens a log; a room that loads or
//! snapshots a document first has its pending updates written.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::{Notify, mpsc, oneshot};

use crate::db::{Db, take_rows};
use crate::health::Condition;

/// Most writes taken from the queue at once.
const MAX_BATCH: usize = 512;
/// Longest an update waits for its document's next ones before it is written. The database's
/// cost is per row (≈ 0.1 ms each: the record, its index entry), so a room typing at ten
/// keys a second costs a tenth of that per key at one second. Nothing waits on it: an update
/// someone asked to be told about is written at once, and every client keeps the whole document
/// and sends what the server lacks when it reconnects.
const LINGER: Duration = Duration::from_secs(1);
/// Most updates, and bytes of them, in one log row; more are cut into further rows.
const MAX_ROW_UPDATES: usize = 256;
const MAX_ROW_BYTES: usize = 64 * 1024;
/// Writes waiting for the database before producers have to wait (back-pressure).
const QUEUE: usize = 8192;
/// Attempts at a write before it is set aside. With the back-off below (10 ms, doubling) they
/// span about 1.3 s: enough to ride out a transaction conflict or a database server that
/// restarts, short enough that a write the database refuses every time holds the other
/// rooms' saves up only briefly.
const ATTEMPTS: u32 = 8;

/// Called once a write is on disk.
pub type Done = Box<dyn FnOnce() + Send>;

/// Who made an update and when the server applied it.
#[derive(Clone, Debug)]
pub struct Edit {
    /// The author's user id; `None` for the starter code the server seeds.
    pub author: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
}

impl Edit {
    pub fn now(author: Option<String>) -> Self {
        Self { author, at_ms: crate::clock::now_ms() }
    }
}

/// Which of a room's shared documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// The code editor's document, whose log is the interview's edit history.
    Code,
    /// The whiteboard.
    Board,
}

impl DocKind {
    /// The tables holding this kind's update log and snapshots.
    fn tables(self) -> (&'static str, &'static str) {
        match self {
            Self::Code => ("doc_update", "doc_snapshot"),
            Self::Board => ("board_update", "board_snapshot"),
        }
    }
}

/// One shared document: a session's code or its whiteboard.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocKey {
    pub session: String,
    pub kind: DocKind,
}

impl DocKey {
    pub fn new(session: &str, kind: DocKind) -> Self {
        Self { session: session.to_string(), kind }
    }
}

pub enum Write {
    /// One client update, appended to the document's log.
    Update { doc: DocKey, seq: u64, update: Bytes, edit: Edit, done: Option<Done> },
    /// The whole document as of `seq`: replaces the snapshot (the log stays whole).
    Snapshot { doc: DocKey, seq: u64, state: Vec<u8>, done: Option<oneshot::Sender<()>> },
    /// Writes the document's lingering updates now; `done` is told once they are on disk.
    Flush { doc: DocKey, done: oneshot::Sender<()> },
}

impl Write {
    /// Written at once, with everything of its document before it: an update someone waits
    /// for, the starter code (the only update without an author), which opens the log, a
    /// snapshot and a flush.
    fn is_urgent(&self) -> bool {
        match self {
            Self::Update { edit, done, .. } => done.is_some() || edit.author.is_none(),
            Self::Snapshot { .. } | Self::Flush { .. } => true,
        }
    }
}

#[derive(Clone)]
pub struct Persister {
    queue: mpsc::Sender<Write>,
    /// Wakes a lingering persister: for a write that must go at once, or a filling queue.
    /// Other writes wake nobody; the persister collects them when their linger runs out.
    wake: Arc<Notify>,
    /// Writes the database refused every time, since start.
    set_aside: Arc<AtomicU64>,
}

impl Persister {
    /// Starts the persister on a thread of its own: the embedded store fsyncs inside its
    /// commit, and on a two-core machine a commit on a shared worker thread stalls every
    /// WebSocket scheduled behind it for the length of the fsync.
    pub fn start(db: Db) -> anyhow::Result<Self> {
        let (queue, receiver) = mpsc::channel(QUEUE);
        let set_aside = Arc::new(AtomicU64::new(0));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let wake = Arc::new(Notify::new());
        let writer = Writer { db, set_aside: set_aside.clone(), suspects: HashSet::new(), wake: wake.clone() };
        std::thread::Builder::new().name("room-persister".into()).spawn(move || {
            yield_to_sockets();
            runtime.block_on(writer.run(receiver));
        })?;
        Ok(Self { queue, wake, set_aside })
    }

    /// Queues a write; waits only when the database has fallen far behind.
    pub async fn write(&self, write: Write) {
        let urgent = write.is_urgent();
        if self.queue.send(write).await.is_err() {
            tracing::error!("document persister has stopped; an update was not saved");
        }
        if urgent || self.queue.capacity() < QUEUE / 4 {
            self.wake.notify_one();
        }
    }

    /// Waits until every update of `doc` queued so far is on disk (or set aside): before the
    /// document is read back from the database.
    pub async fn flush(&self, doc: &DocKey) {
        let (done, flushed) = oneshot::channel();
        self.write(Write::Flush { doc: doc.clone(), done }).await;
        let _ = flushed.await;
    }

    /// `/readyz`'s view: degraded once a write had to be set aside.
    /// Writes waiting for the persister.
    pub fn queued(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    /// Writes the database refused every time, since start.
    pub fn set_aside(&self) -> u64 {
        self.set_aside.load(Ordering::Relaxed)
    }

    pub fn health(&self) -> PersistenceHealth {
        match self.set_aside.load(Ordering::Relaxed) {
            0 => PersistenceHealth { status: Condition::Ok, set_aside: 0, message: None },
            count => PersistenceHealth {
                status: Condition::Degraded,
                set_aside: count,
                message: Some(format!(
                    "{count} document writes were refused by the database and set aside; see the log"
                )),
            },
        }
    }
}

/// The document writer as `/readyz` reports it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersistenceHealth {
    pub status: Condition,
    /// Writes the database refused, kept aside (see the log).
    pub set_aside: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub message: Option<String>,
}

/// Lowers this thread's scheduling priority (nice 10): a lingering batch is tens of
/// milliseconds of database work, and on a two-core machine it must not hold a core that a
/// WebSocket worker woken by an edit is waiting for. The persister still gets every idle
/// cycle, and when it falls behind, its full queue makes the workers wait for it.
fn yield_to_sockets() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take plain integers; on Linux a nice value belongs to
    // the thread named by its id.
    unsafe {
        let thread = libc::id_t::try_from(libc::gettid()).unwrap_or(0);
        if libc::setpriority(libc::PRIO_PROCESS, thread, 10) != 0 {
            tracing::debug!("cannot lower the document persister's priority");
        }
    }
}

type PendingUpdate = (u64, Bytes, Edit, Option<Done>);

struct Writer {
    db: Db,
    set_aside: Arc<AtomicU64>,
    /// Documents with a write set aside: their writes go apart from the group commit, tried
    /// once, so that a room whose writes keep failing cannot hold up the others' batches.
    /// A document leaves the set with its next successful write.
    suspects: HashSet<DocKey>,
    wake: Arc<Notify>,
}

/// A document's updates waiting to be written together.
#[derive(Default)]
struct Lingering {
    updates: Vec<PendingUpdate>,
    /// Someone waits for these to be on disk: write them with the next commit.
    urgent: bool,
}

impl Writer {
    async fn run(mut self, mut receiver: mpsc::Receiver<Write>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let mut lingering: BTreeMap<DocKey, Lingering> = BTreeMap::new();
        // When what lingers is written: the linger of the first update received after the
        // persister was idle. Every lingering document is written then, in one transaction
        // for all rooms, instead of one per room as each document's own linger runs out.
        let mut due_at: Option<tokio::time::Instant> = None;
        loop {
            // The queue closes when the server stops: everything left is written.
            let closing = match due_at {
                None => receiver.recv_many(&mut batch, MAX_BATCH).await == 0,
                Some(due) => {
                    // Not woken by each update (a thread wake-up per keystroke was most of
                    // what an edit cost the persister), only by urgent writes or the time.
                    tokio::select! {
                        () = tokio::time::sleep_until(due) => {}
                        () = self.wake.notified() => {}
                    }
                    drain(&mut receiver, &mut batch)
                }
            };
            let mut snapshots = Vec::new();
            let mut flushed = Vec::new();
            for write in batch.drain(..) {
                let urgent = write.is_urgent();
                match write {
                    Write::Update { doc, seq, update, edit, done } => {
                        let waiting = lingering.entry(doc).or_default();
                        waiting.urgent |= urgent;
                        waiting.updates.push((seq, update, edit, done));
                    }
                    Write::Snapshot { doc, seq, state, done } => {
                        mark_urgent(&mut lingering, &doc);
                        snapshots.push((doc, seq, state, done));
                    }
                    Write::Flush { doc, done } => {
                        mark_urgent(&mut lingering, &doc);
                        flushed.push(done);
                    }
                }
            }
            let now = tokio::time::Instant::now();
            if due_at.is_none() && !lingering.is_empty() {
                due_at = Some(now + LINGER);
            }
            // Everything goes when the linger runs out, and also when a queue's worth is waiting
            // (the queue filling up woke the persister): what lingers stays bounded.
            let waiting: usize = lingering.values().map(|doc| doc.updates.len()).sum();
            let everything = closing || due_at.is_some_and(|due| now >= due) || waiting >= QUEUE / 4;
            let due: Vec<DocKey> =
                lingering.iter().filter(|(_, doc)| everything || doc.urgent).map(|(key, _)| key.clone()).collect();
            let mut grouped: BTreeMap<DocKey, Vec<PendingUpdate>> = BTreeMap::new();
            let mut isolated: BTreeMap<DocKey, Vec<PendingUpdate>> = BTreeMap::new();
            for key in due {
                if let Some(doc) = lingering.remove(&key) {
                    let target = if self.suspects.contains(&key) { &mut isolated } else { &mut grouped };
                    target.insert(key, doc.updates);
                }
            }
            self.write_updates(grouped, isolated).await;
            // Every log row a snapshot covers was queued before it (see `Room::snapshot`), and
            // loading reads the rows after the snapshot's sequence, so the order of a snapshot
            // relative to updates of the same batch does not matter.
            for (doc, seq, state, done) in snapshots {
                if self.write_snapshot(doc, seq, &state).await
                    && let Some(done) = done
                {
                    let _ = done.send(());
                }
            }
            for done in flushed {
                let _ = done.send(());
            }
            if closing {
                return;
            }
            if lingering.is_empty() {
                due_at = None;
            }
        }
    }

    /// Writes due updates: all in one transaction, or, for documents whose writes failed
    /// before and when that transaction fails, each document apart.
    async fn write_updates(
        &mut self,
        mut grouped: BTreeMap<DocKey, Vec<PendingUpdate>>,
        mut isolated: BTreeMap<DocKey, Vec<PendingUpdate>>,
    ) {
        if !grouped.is_empty() {
            if self.append(&grouped, ATTEMPTS).await.is_ok() {
                grouped.into_values().flatten().for_each(acknowledge);
            } else {
                // Some session's rows are refused: find which by writing each apart.
                isolated.append(&mut grouped);
            }
        }
        for (doc, updates) in isolated {
            match self.append([(&doc, &updates)], 1).await {
                Ok(()) => {
                    self.suspects.remove(&doc);
                    updates.into_iter().for_each(acknowledge);
                }
                Err(err) => self.set_aside(doc, updates.len(), "document updates", &err),
            }
        }
    }

    /// Whether the snapshot is on disk.
    async fn write_snapshot(&mut self, doc: DocKey, seq: u64, state: &[u8]) -> bool {
        let params =
            json!({ "sid": doc.session, "seq": seq, "state": BASE64.encode(state), "at_ms": crate::clock::now_ms() });
        let sql = format!(
            "UPSERT type::record('{}', $sid)
             CONTENT {{ session_id: $sid, seq: $seq, state: $state, at_ms: $at_ms, updated_at: time::now() }} RETURN NONE;",
            doc.kind.tables().1
        );
        let attempts = if self.suspects.contains(&doc) { 1 } else { ATTEMPTS };
        match attempt(&self.db, "write a document snapshot", &sql, params, attempts).await {
            Ok(()) => {
                self.suspects.remove(&doc);
                true
            }
            Err(err) => {
                self.set_aside(doc, 1, "a document snapshot", &err);
                false
            }
        }
    }

    /// Appends the updates of `docs` in one transaction: one `INSERT` per kind of document.
    async fn append<'a>(
        &self,
        docs: impl IntoIterator<Item = (&'a DocKey, &'a Vec<PendingUpdate>)>,
        attempts: u32,
    ) -> anyhow::Result<()> {
        let mut rows: BTreeMap<DocKind, Vec<serde_json::Value>> = BTreeMap::new();
        for (doc, updates) in docs {
            let kind_rows = rows.entry(doc.kind).or_default();
            kind_rows.extend(row_chunks(updates).into_iter().map(|chunk| log_row(&doc.session, chunk)));
        }
        // One statement is its own transaction; two need an explicit one.
        let several = rows.len() > 1;
        let mut sql = String::from(if several { "BEGIN;" } else { "" });
        let mut params = serde_json::Map::new();
        for (kind, kind_rows) in rows {
            let table = kind.tables().0;
            sql.push_str(&format!(" INSERT INTO {table} $rows_{table} RETURN NONE;"));
            params.insert(format!("rows_{table}"), serde_json::Value::Array(kind_rows));
        }
        if several {
            sql.push_str(" COMMIT;");
        }
        attempt(&self.db, "append document updates", &sql, serde_json::Value::Object(params), attempts).await
    }

    /// Gives up on writes the database keeps refusing, so that the rest keep flowing. Their
    /// content is not lost while the room is open: the room's next snapshot encodes the whole
    /// document, and every client replays its state when it reconnects.
    fn set_aside(&mut self, doc: DocKey, writes: usize, what: &str, err: &anyhow::Error) {
        tracing::error!(session = doc.session, document = ?doc.kind, writes, error = %brief(err), "the database refused {what}; set aside");
        self.set_aside.fetch_add(u64::try_from(writes).unwrap_or(u64::MAX), Ordering::Relaxed);
        self.suspects.insert(doc);
    }
}

/// An error's message cut short: the database quotes the refused value, which is a whole
/// document update (a candidate's code) that does not belong in the log.
fn brief(err: &dyn std::fmt::Display) -> String {
    const MAX: usize = 300;
    let text = err.to_string();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text,
    }
}

/// One row of a document's log: an update (`data`, `author`, `at_ms`), and in `more` those of
/// the same document that followed it within the linger. `seq` is the row's last update's
/// (what the log is indexed and read by); a row with `more` says its first update's in
/// `first_seq`. A row without `more` has the shape every update was logged in before rows
/// were shared.
fn log_row(session: &str, updates: &[PendingUpdate]) -> serde_json::Value {
    let Some(((first_seq, first, first_edit, _), followers)) = updates.split_first() else {
        return serde_json::Value::Null;
    };
    let last = updates.last().map_or(*first_seq, |(seq, ..)| *seq);
    let mut row = json!({
        "session_id": session, "seq": last, "data": BASE64.encode(first),
        "author": first_edit.author, "at_ms": first_edit.at_ms,
    });
    if !followers.is_empty() {
        row["first_seq"] = json!(first_seq);
        row["more"] = json!(BASE64.encode(pack_followers(followers)));
    }
    row
}

/// A document's updates cut into rows of at most [`MAX_ROW_UPDATES`] updates and
/// [`MAX_ROW_BYTES`] bytes (an update larger than that is a row of its own): however many
/// arrived within one linger, no row grows past what one update could be.
fn row_chunks(updates: &[PendingUpdate]) -> Vec<&[PendingUpdate]> {
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, (_, update, ..)) in updates.iter().enumerate() {
        let count = index - start;
        if count > 0 && (count >= MAX_ROW_UPDATES || bytes + update.len() > MAX_ROW_BYTES) {
            chunks.push(&updates[start..index]);
            (start, bytes) = (index, 0);
        }
        bytes += update.len();
    }
    if start < updates.len() {
        chunks.push(&updates[start..]);
    }
    chunks
}

/// The updates after a row's first, packed in one value: each as its sequence number, time,
/// author (a presence byte, then the id) and bytes, in lib0's variable-length encoding: a row
/// keeps the same few fields however many updates it holds, and is smaller than the same
/// updates as arrays of JSON values. (Measured: no CPU difference against such arrays; what a
/// row cost was the persister's wake-ups, see `docs/benchmarks.md`.)
fn pack_followers(followers: &[PendingUpdate]) -> Vec<u8> {
    use yrs::encoding::write::Write as _;
    let mut packed = Vec::with_capacity(followers.iter().map(|(_, update, ..)| update.len() + 48).sum());
    for (seq, update, edit, _) in followers {
        packed.write_var(*seq);
        packed.write_var(edit.at_ms);
        match &edit.author {
            Some(author) => {
                packed.write_u8(1);
                packed.write_string(author);
            }
            None => packed.write_u8(0),
        }
        packed.write_buf(update);
    }
    packed
}

fn unpack_followers(packed: &[u8]) -> anyhow::Result<Vec<LoggedEdit>> {
    use yrs::encoding::read::{Cursor, Read as _};
    let mut cursor = Cursor::new(packed);
    let mut edits = Vec::new();
    while cursor.has_content() {
        let seq: u64 = cursor.read_var()?;
        let at_ms: i64 = cursor.read_var()?;
        let author = match cursor.read_u8()? {
            0 => None,
            _ => Some(cursor.read_string()?.to_string()),
        };
        let data = BASE64.encode(cursor.read_buf()?);
        edits.push(LoggedEdit { seq, data, author, at_ms: Some(at_ms) });
    }
    Ok(edits)
}

/// A log row as read back.
#[derive(Deserialize)]
struct LogRow {
    seq: u64,
    data: String,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    at_ms: Option<i64>,
    #[serde(default)]
    first_seq: Option<u64>,
    #[serde(default)]
    more: Option<String>,
}

/// The updates of `rows` after sequence number `after`, in order.
fn edits_in(rows: Vec<LogRow>, after: u64) -> anyhow::Result<Vec<LoggedEdit>> {
    let mut edits = Vec::with_capacity(rows.len());
    for row in rows {
        let seq = row.first_seq.unwrap_or(row.seq);
        edits.push(LoggedEdit { seq, data: row.data, author: row.author, at_ms: row.at_ms });
        if let Some(more) = row.more {
            edits.extend(unpack_followers(&BASE64.decode(more)?)?);
        }
    }
    edits.retain(|edit| edit.seq > after);
    Ok(edits)
}

/// Takes what is queued without waiting, at most a queue's worth; true when the queue has
/// closed.
fn drain(receiver: &mut mpsc::Receiver<Write>, batch: &mut Vec<Write>) -> bool {
    for _ in 0..QUEUE {
        match receiver.try_recv() {
            Ok(write) => batch.push(write),
            Err(mpsc::error::TryRecvError::Empty) => return false,
            Err(mpsc::error::TryRecvError::Disconnected) => return true,
        }
    }
    false
}

fn mark_urgent(lingering: &mut BTreeMap<DocKey, Lingering>, doc: &DocKey) {
    if let Some(waiting) = lingering.get_mut(doc) {
        waiting.urgent = true;
    }
}

fn acknowledge((_, _, _, done): PendingUpdate) {
    if let Some(done) = done {
        done();
    }
}

/// Runs a write up to `attempts` times, backing off between them: an acknowledged edit must
/// not be dropped because the database hiccuped (a remote server restarting, a transaction
/// conflict).
async fn attempt(db: &Db, what: &str, sql: &str, params: serde_json::Value, attempts: u32) -> anyhow::Result<()> {
    let mut delay = Duration::from_millis(10);
    let mut tries = 0;
    loop {
        match db.query(sql).bind(params.clone()).await.and_then(surrealdb::IndexedResults::check) {
            Ok(_) => return Ok(()),
            Err(err) => {
                tries += 1;
                if tries >= attempts {
                    return Err(err.into());
                }
                tracing::warn!(error = %brief(&err), "cannot {what}; retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// A document as stored: the latest snapshot, then every logged update after it.
#[derive(Default)]
pub struct StoredDoc {
    pub snapshot: Option<Vec<u8>>,
    pub updates: Vec<Vec<u8>>,
    /// Highest sequence number seen; new updates continue after it.
    pub last_seq: u64,
    /// Sequence number the snapshot covers.
    pub snapshot_seq: u64,
}

/// How far before a snapshot a document shared by several instances is read again: another
/// instance's edit may be numbered within what a snapshot covers and still have been on its
/// way to the instance that wrote it (relays take milliseconds; a log row lingers up to a
/// second). Applying an edit twice changes nothing.
const SHARED_LOOK_BACK_MS: i64 = 60_000;

/// Reads a document back: its snapshot and the log after it. `shared`: other instances may
/// have written to the log too, so the minute before the snapshot is read as well.
pub async fn load_doc(db: &Db, doc_key: &DocKey, shared: bool) -> anyhow::Result<StoredDoc> {
    #[derive(Deserialize)]
    struct Snapshot {
        seq: u64,
        state: String,
    }
    let (updates, snapshots) = doc_key.kind.tables();
    let after = if shared { "(seq > $covered OR at_ms > $since)" } else { "seq > $covered" };
    let mut response = db
        .query(format!(
            "SELECT seq, state FROM type::record('{snapshots}', $sid);
             LET $covered = (type::record('{snapshots}', $sid)).seq ?? 0;
             LET $since = ((type::record('{snapshots}', $sid)).at_ms ?? 0) - $look_back;
             SELECT seq, data, first_seq, more FROM {updates} WHERE session_id = $sid AND {after} ORDER BY seq;"
        ))
        .bind(json!({ "sid": doc_key.session, "look_back": SHARED_LOOK_BACK_MS }))
        .await?
        .check()?;
    let snapshot = take_rows::<Snapshot>(&mut response, 0)?.pop();
    let logged = take_rows::<LogRow>(&mut response, 3)?;
    let mut doc = StoredDoc::default();
    if let Some(snapshot) = snapshot {
        doc.snapshot_seq = snapshot.seq;
        doc.last_seq = snapshot.seq;
        doc.snapshot = Some(BASE64.decode(snapshot.state)?);
    }
    let after = if shared { 0 } else { doc.snapshot_seq };
    for edit in edits_in(logged, after)? {
        doc.last_seq = doc.last_seq.max(edit.seq);
        doc.updates.push(BASE64.decode(edit.data)?);
    }
    Ok(doc)
}

/// One logged update as the record reads it back.
#[derive(Deserialize)]
pub struct LoggedEdit {
    pub seq: u64,
    pub data: String,
    /// Absent for the starter code, and for updates logged before authors were kept.
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub at_ms: Option<i64>,
}

/// A session's logged updates after sequence number `after`, in order, from at most `limit`
/// rows: fewer than `limit` updates means there are no more.
pub async fn edits_after(db: &Db, session: &str, after: u64, limit: u32) -> anyhow::Result<Vec<LoggedEdit>> {
    let mut response = db
        .query(
            "SELECT seq, data, author, at_ms, first_seq, more FROM doc_update WHERE session_id = $sid AND seq > $after
             ORDER BY seq LIMIT $limit",
        )
        .bind(json!({ "sid": session, "after": after, "limit": limit }))
        .await?
        .check()?;
    edits_in(take_rows(&mut response, 0)?, after)
}

/// The snapshot of a session's document: its sequence number and state.
pub async fn snapshot_of(db: &Db, session: &str) -> anyhow::Result<Option<(u64, Vec<u8>)>> {
    #[derive(Deserialize)]
    struct Snapshot {
        seq: u64,
        state: String,
    }
    let mut response = db
        .query("SELECT seq, state FROM type::record('doc_snapshot', $sid)")
        .bind(json!({ "sid": session }))
        .await?
        .check()?;
    match take_rows::<Snapshot>(&mut response, 0)?.pop() {
        Some(snapshot) => Ok(Some((snapshot.seq, BASE64.decode(snapshot.state)?))),
        None => Ok(None),
    }
}

pub fn decode(data: &str) -> anyhow::Result<Vec<u8>> {
    Ok(BASE64.decode(data)?)
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Author {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: String,
    pub text: String,
    pub user: Author,
    pub created_at: String,
}

const CHAT_VIEW: &str = "record::id(id) AS id, text, created_at AS createdAt,
    (SELECT record::id(id) AS id, name FROM ONLY $parent.user) AS user";

/// Stores a chat message if the session is still active; returns it as everyone will see it.
/// The check and the write are one statement, and so one transaction: a message cannot slip
/// in after the end, whichever instance ended the session.
pub async fn add_chat(db: &Db, session: &str, user_id: &str, text: &str) -> anyhow::Result<Option<ChatMessage>> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let mut response = db
        .query(format!(
            "IF (SELECT VALUE status FROM ONLY type::record('session', $sid)) = 'active' {{
                CREATE type::record('chat_message', $id) CONTENT {{
                    session_id: $sid, user: type::record('user', $user), text: $text, created_at: time::now()
                }} RETURN NONE;
            }};
            SELECT {CHAT_VIEW} FROM type::record('chat_message', $id);"
        ))
        .bind(json!({ "id": id, "sid": session, "user": user_id, "text": text }))
        .await?
        .check()?;
    Ok(take_rows::<ChatMessage>(&mut response, 1)?.pop())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn update(seq: u64, author: Option<&str>, bytes: &[u8]) -> PendingUpdate {
        (
            seq,
            Bytes::copy_from_slice(bytes),
            Edit { author: author.map(str::to_string), at_ms: 1_700_000_000_000 + seq as i64 },
            None,
        )
    }

    fn row(value: serde_json::Value) -> LogRow {
        serde_json::from_value(value).expect("a log row")
    }

    #[test]
    fn a_shared_row_gives_back_every_update_in_order_after_the_asked_one() {
        let updates = [update(7, None, b"seed"), update(8, Some("ada"), &[0, 1, 2]), update(9, Some("bo"), &[])];
        let shared = log_row("s1", &updates);
        assert_eq!(shared["seq"], 9, "indexed by its last update");
        let edits = edits_in(vec![row(shared.clone())], 0).expect("readable");
        let seen: Vec<_> =
            edits.iter().map(|edit| (edit.seq, edit.author.clone(), decode(&edit.data).unwrap())).collect();
        assert_eq!(
            seen,
            vec![(7, None, b"seed".to_vec()), (8, Some("ada".into()), vec![0, 1, 2]), (9, Some("bo".into()), vec![])]
        );
        assert_eq!(edits[1].at_ms, Some(1_700_000_000_008));
        let later: Vec<u64> = edits_in(vec![row(shared)], 7).expect("readable").iter().map(|edit| edit.seq).collect();
        assert_eq!(later, vec![8, 9]);
    }

    #[test]
    fn many_or_large_updates_are_cut_into_bounded_rows() {
        let small: Vec<PendingUpdate> = (1..=600).map(|seq| update(seq, Some("ada"), b"x")).collect();
        let sizes: Vec<usize> = row_chunks(&small).iter().map(|chunk| chunk.len()).collect();
        assert_eq!(sizes, vec![MAX_ROW_UPDATES, MAX_ROW_UPDATES, 600 - 2 * MAX_ROW_UPDATES]);
        let big = vec![0u8; MAX_ROW_BYTES + 1];
        let mixed = [update(1, None, b"a"), update(2, Some("ada"), &big), update(3, Some("ada"), b"b")];
        let seqs: Vec<Vec<u64>> =
            row_chunks(&mixed).iter().map(|chunk| chunk.iter().map(|(seq, ..)| *seq).collect()).collect();
        assert_eq!(seqs, vec![vec![1], vec![2], vec![3]], "a large update is a row of its own");
        assert!(row_chunks(&[]).is_empty());
    }

    #[test]
    fn a_single_update_keeps_the_old_row_shape_and_a_cut_row_is_an_error() {
        let single = log_row("s1", &[update(3, Some("ada"), b"x")]);
        assert!(single.get("more").is_none() && single.get("first_seq").is_none(), "{single}");
        assert_eq!(edits_in(vec![row(single)], 0).expect("readable")[0].seq, 3);
        let mut shared = log_row("s1", &[update(1, None, b"a"), update(2, Some("ada"), b"bcd")]);
        let packed = BASE64.decode(shared["more"].as_str().unwrap()).unwrap();
        shared["more"] = json!(BASE64.encode(&packed[..packed.len() - 1]));
        assert!(edits_in(vec![row(shared)], 0).is_err());
    }
}
