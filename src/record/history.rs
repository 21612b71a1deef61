//! The edit history of a session, rebuilt from the room's update log: each logged update is
//! applied in order to a Yjs document, and what it changed in the code becomes a step of plain
//! text operations (UTF-16 indices, as a browser's strings count). The replay page applies the
//! steps itself; `code?at=` applies them here from the nearest checkpoint.
//!
//! Histories are cached and extended in place: a live session's history catches up by reading
//! only the rows logged since the last look. Rebuilding walks the text once per update (that is
//! how a Yjs text event finds its positions), so the steps are stored as they are built
//! (`doc_history`: the steps and the Yjs state they reach, at the end of a session and every
//! [`STORE_EVERY`] steps while it runs), and a history read later starts from there.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use yrs::types::Delta;
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, GetString, Map, MapRef, Observable, OffsetKind, Options, Out, ReadTxn, TextRef, Transact, Update};

use crate::cache::TtlCache;
use crate::db::{Db, take_rows};
use crate::realtime::collab::{DEFAULT_LANGUAGE, LANGUAGE, META, TEXT};
use crate::realtime::store::{self as room_store, LoggedEdit};

/// Rows read from the log per query while catching up.
const PAGE: u32 = 2000;
/// A full copy of the code is kept every this many steps, so that rebuilding any moment applies
/// at most this many steps' operations.
const CHECKPOINT_EVERY: usize = 200;
/// One insertion of at least this many characters by a person counts as a paste: typing and
/// the editor's own completions insert far fewer at once.
pub const PASTE_CHARS: usize = 30;
/// A live session's history is stored again once it has grown by this many logged updates.
const STORE_EVERY: u64 = 1000;

/// One text operation: at `index` (UTF-16 code units), remove `delete` units, then insert `insert`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Op(pub u32, pub u32, pub String);

// Written by hand: the derive describes a tuple of mixed types as an array of objects, while
// an operation travels as the array `[index, delete, insert]`.
impl utoipa::PartialSchema for Op {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ArrayItems, KnownFormat, ObjectBuilder, SchemaFormat, Type};
        let count = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                .minimum(Some(0))
                .description(Some(description))
                .build()
        };
        let insert = ObjectBuilder::new().schema_type(Type::String).description(Some("The text to insert")).build();
        ArrayBuilder::new()
            .prefix_items([
                count("Where, in UTF-16 code units"),
                count("How many UTF-16 code units to remove there"),
                insert,
            ])
            .items(ArrayItems::False)
            .min_items(Some(3))
            .max_items(Some(3))
            .description(Some(
                "One text operation, `[index, delete, insert]`: at `index` remove `delete` units, then insert \
                 `insert`",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Op {
    fn name() -> std::borrow::Cow<'static, str> {
        "EditOp".into()
    }
}

/// One change to the code: the operations of one logged update, in order.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ReplayStep)]
pub struct Step {
    /// Milliseconds since the session was created.
    pub at: i64,
    /// Index into the replay's `authors`; `null` for the starter code.
    pub author: Option<usize>,
    pub ops: Vec<Op>,
    /// The language the editor switched to with this step, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub language: Option<String>,
}

/// What is stored of a session's history.
#[derive(Serialize, Deserialize)]
struct Stored {
    last_seq: u64,
    /// The Yjs document after `last_seq`, as one v1 update (base64), to go on from.
    state: String,
    initial_code: String,
    initial_language: String,
    authors: Vec<String>,
    steps: Vec<Step>,
}

impl Step {
    /// Characters this step inserted in one piece, when that makes it a paste.
    pub fn pasted_chars(&self) -> Option<usize> {
        if self.author.is_none() || self.language.is_some() {
            // The starter code, or a language switch that loads a new starter.
            return None;
        }
        let chars = self.ops.iter().map(|Op(_, _, insert)| insert.chars().count()).max()?;
        (chars >= PASTE_CHARS).then_some(chars)
    }
}

pub struct History {
    created_ms: i64,
    doc: Doc,
    text: TextRef,
    meta: MapRef,
    deltas: Arc<Mutex<Vec<Delta>>>,
    last_seq: u64,
    language: String,
    pub initial_code: String,
    pub initial_language: String,
    /// User ids, in order of first edit.
    pub authors: Vec<String>,
    pub steps: Vec<Step>,
    /// `(steps applied, code, language)` every [`CHECKPOINT_EVERY`] steps.
    checkpoints: Vec<(usize, String, String)>,
    started: bool,
    /// The sequence number `doc_history` holds for this session.
    stored_seq: u64,
}

impl History {
    fn new(created_ms: i64) -> Self {
        let doc = Doc::with_options(Options { offset_kind: OffsetKind::Utf16, ..Options::default() });
        let text = doc.get_or_insert_text(TEXT);
        let meta = doc.get_or_insert_map(META);
        let deltas = Arc::new(Mutex::new(Vec::new()));
        let sink = deltas.clone();
        text.observe("record", move |txn, event| {
            if let Ok(mut sink) = sink.lock() {
                sink.extend(event.delta(txn).iter().cloned());
            }
        });
        Self {
            created_ms,
            doc,
            text,
            meta,
            deltas,
            last_seq: 0,
            language: DEFAULT_LANGUAGE.to_string(),
            initial_code: String::new(),
            initial_language: DEFAULT_LANGUAGE.to_string(),
            authors: Vec::new(),
            steps: Vec::new(),
            checkpoints: Vec::new(),
            started: false,
            stored_seq: 0,
        }
    }

    fn from_stored(created_ms: i64, stored: Stored) -> anyhow::Result<Self> {
        let mut history = Self::new(created_ms);
        history.apply(&room_store::decode(&stored.state)?)?;
        history.take_ops();
        history.started = true;
        history.last_seq = stored.last_seq;
        history.stored_seq = stored.last_seq;
        history.initial_code = stored.initial_code;
        history.initial_language = stored.initial_language;
        history.authors = stored.authors;
        history.steps = stored.steps;
        // The checkpoints, from the steps themselves.
        let mut units: Vec<u16> = history.initial_code.encode_utf16().collect();
        let mut language = history.initial_language.clone();
        for (index, step) in history.steps.iter().enumerate() {
            apply_step(&mut units, &mut language, step);
            if (index + 1).is_multiple_of(CHECKPOINT_EVERY) {
                history.checkpoints.push((index + 1, String::from_utf16_lossy(&units), language.clone()));
            }
        }
        history.language = language;
        Ok(history)
    }

    async fn load_stored(db: &Db, session_id: &str, created_ms: i64) -> anyhow::Result<Option<Self>> {
        #[derive(Deserialize)]
        struct Row {
            packed: String,
        }
        let mut response = db
            .query("SELECT packed FROM type::record('doc_history', $sid)")
            .bind(json!({ "sid": session_id }))
            .await?
            .check()?;
        match take_rows::<Row>(&mut response, 0)?.pop() {
            Some(row) => Ok(Some(Self::from_stored(created_ms, crate::db::unpack(&row.packed)?)?)),
            None => Ok(None),
        }
    }

    fn stored(&self) -> Stored {
        use base64::Engine;
        let state = self.doc.transact().encode_state_as_update_v1(&yrs::StateVector::default());
        Stored {
            last_seq: self.last_seq,
            state: base64::engine::general_purpose::STANDARD.encode(state),
            initial_code: self.initial_code.clone(),
            initial_language: self.initial_language.clone(),
            authors: self.authors.clone(),
            steps: self.steps.clone(),
        }
    }

    /// Stores the steps when the session has ended or they grew enough since the last time.
    async fn store(&mut self, db: &Db, session_id: &str, ended: bool) -> anyhow::Result<()> {
        let grown = self.last_seq.saturating_sub(self.stored_seq);
        if grown == 0 || (!ended && grown < STORE_EVERY) {
            return Ok(());
        }
        let stored = self.stored();
        let packed = crate::db::pack(&stored)?;
        db.query(
            "UPSERT type::record('doc_history', $sid) CONTENT { session_id: $sid, seq: $seq, packed: $packed } RETURN NONE",
        )
        .bind(json!({ "sid": session_id, "seq": self.last_seq, "packed": packed }))
        .await?
        .check()?;
        self.stored_seq = self.last_seq;
        Ok(())
    }

    /// Reads what was logged since the last look, and the `look_back` updates before it again.
    async fn catch_up(&mut self, db: &Db, session_id: &str, look_back: u64) -> anyhow::Result<()> {
        let mut after = self.last_seq.saturating_sub(look_back);
        loop {
            let rows = room_store::edits_after(db, session_id, after, PAGE).await?;
            if !self.started {
                self.started = true;
                // Logs written before the history was kept were trimmed at each snapshot:
                // such a session's history starts from its snapshot.
                if rows.first().is_none_or(|row| row.seq > 1)
                    && let Some((_, state)) = room_store::snapshot_of(db, session_id).await?
                {
                    self.apply(&state)?;
                    self.take_ops();
                    let (code, language) = self.current();
                    self.language.clone_from(&language);
                    (self.initial_code, self.initial_language) = (code, language);
                }
            }
            let count = rows.len();
            for row in rows {
                after = after.max(row.seq);
                self.push(row)?;
            }
            if count < PAGE as usize {
                return Ok(());
            }
        }
    }

    fn apply(&self, update: &[u8]) -> anyhow::Result<()> {
        let update = Update::decode_v1(update)?;
        self.doc.transact_mut().apply_update(update)?;
        Ok(())
    }

    fn current(&self) -> (String, String) {
        let txn = self.doc.transact();
        let language = match self.meta.get(&txn, LANGUAGE) {
            Some(Out::Any(Any::String(language))) => language.to_string(),
            _ => DEFAULT_LANGUAGE.to_string(),
        };
        (self.text.get_string(&txn), language)
    }

    /// The observed changes of the last applied update, as text operations.
    fn take_ops(&self) -> Vec<Op> {
        let deltas = self.deltas.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default();
        let mut ops: Vec<Op> = Vec::new();
        let mut index = 0u32;
        for delta in deltas {
            match delta {
                Delta::Retain(len, _) => index += len,
                Delta::Deleted(len) => ops.push(Op(index, len, String::new())),
                Delta::Inserted(Out::Any(Any::String(inserted)), _) => {
                    let units = u32::try_from(inserted.encode_utf16().count()).unwrap_or(u32::MAX);
                    match ops.last_mut() {
                        // A replacement: the deletion just before, at the same place.
                        Some(Op(at, _, insert)) if *at == index && insert.is_empty() => {
                            insert.push_str(&inserted);
                        }
                        _ => ops.push(Op(index, 0, inserted.to_string())),
                    }
                    index += units;
                }
                Delta::Inserted(..) => {}
            }
        }
        ops
    }

    fn push(&mut self, row: LoggedEdit) -> anyhow::Result<()> {
        self.last_seq = self.last_seq.max(row.seq);
        self.apply(&room_store::decode(&row.data)?)?;
        let ops = self.take_ops();
        let language = {
            let txn = self.doc.transact();
            match self.meta.get(&txn, LANGUAGE) {
                Some(Out::Any(Any::String(language))) if *language != *self.language => Some(language.to_string()),
                _ => None,
            }
        };
        if ops.is_empty() && language.is_none() {
            // Cursor-free no-ops, or content the snapshot already held.
            return Ok(());
        }
        if let Some(language) = &language {
            self.language.clone_from(language);
        }
        let author = row.author.map(|id| match self.authors.iter().position(|known| *known == id) {
            Some(index) => index,
            None => {
                self.authors.push(id);
                self.authors.len() - 1
            }
        });
        let previous = self.steps.last().map_or(0, |step| step.at);
        let at = row.at_ms.map_or(previous, |ms| (ms - self.created_ms).max(0)).max(previous);
        self.steps.push(Step { at, author, ops, language });
        if self.steps.len().is_multiple_of(CHECKPOINT_EVERY) {
            let (code, language) = self.current();
            self.checkpoints.push((self.steps.len(), code, language));
        }
        Ok(())
    }

    /// The code and language as they were `at` milliseconds after the session was created.
    pub fn code_at(&self, at: i64) -> (String, String) {
        let applied = self.steps.partition_point(|step| step.at <= at);
        let checkpoint = self.checkpoints.iter().rev().find(|(steps, _, _)| *steps <= applied);
        let (start, code, language) = match checkpoint {
            Some((steps, code, language)) => (*steps, code.as_str(), language.as_str()),
            None => (0, self.initial_code.as_str(), self.initial_language.as_str()),
        };
        let mut units: Vec<u16> = code.encode_utf16().collect();
        let mut language = language.to_string();
        for step in &self.steps[start..applied] {
            apply_step(&mut units, &mut language, step);
        }
        (String::from_utf16_lossy(&units), language)
    }
}

/// Applies a step to code held as UTF-16 code units; indices out of range are clamped.
fn apply_step(units: &mut Vec<u16>, language: &mut String, step: &Step) {
    for Op(index, delete, insert) in &step.ops {
        let from = (*index as usize).min(units.len());
        let to = from.saturating_add(*delete as usize).min(units.len());
        units.splice(from..to, insert.encode_utf16());
    }
    if let Some(changed) = &step.language {
        language.clone_from(changed);
    }
}

/// Histories in memory, by session; each is extended when read again.
pub struct Histories {
    cache: TtlCache<String, Arc<tokio::sync::Mutex<History>>>,
    /// Updates before the last one read that each look reads again (see [`Histories::new`]).
    look_back: u64,
}

/// How many updates a look reads again when several instances write the log: another
/// instance's update may be committed after ones numbered above it (its row lingers a quarter
/// of a second, the numbers follow the edits, not the commits). Applying one twice changes
/// nothing; a quarter of a second of typing in every room is far fewer.
const SHARED_LOG_LOOK_BACK: u64 = 512;

impl Histories {
    /// `shared_log`: other instances write the same sessions' logs (a SurrealDB server).
    pub fn new(shared_log: bool) -> Self {
        Self {
            cache: TtlCache::new(Duration::from_secs(600), 64),
            look_back: if shared_log { SHARED_LOG_LOOK_BACK } else { 0 },
        }
    }

    /// The history of a session up to what is on disk now; `f` reads it under its lock. It
    /// starts from what was stored, and is stored again when the session has ended or it grew.
    pub async fn read<T>(
        &self,
        db: &Db,
        session: (&str, i64, bool),
        f: impl FnOnce(&History) -> T,
    ) -> anyhow::Result<T> {
        let (session_id, created_ms, ended) = session;
        let history = self
            .cache
            .get_or_load(&session_id.to_string(), || async {
                anyhow::Ok(Arc::new(tokio::sync::Mutex::new(History::new(created_ms))))
            })
            .await?;
        let mut history = history.lock().await;
        if !history.started
            && let Some(stored) = History::load_stored(db, session_id, created_ms).await?
        {
            *history = stored;
        }
        history.catch_up(db, session_id, self.look_back).await?;
        if let Err(err) = history.store(db, session_id, ended).await {
            // The replay works without it; the next reader rebuilds from the log.
            tracing::warn!(session = session_id, error = %err, "cannot store a session's history");
        }
        Ok(f(&history))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{StateVector, Text};

    type Change = dyn Fn(&TextRef, &mut yrs::TransactionMut);

    fn edit(doc: &Doc, f: impl FnOnce(&TextRef, &mut yrs::TransactionMut)) -> Vec<u8> {
        let text = doc.get_or_insert_text(TEXT);
        let before = doc.transact().state_vector();
        {
            let mut txn = doc.transact_mut();
            f(&text, &mut txn);
        }
        doc.transact().encode_state_as_update_v1(&before)
    }

    fn row(seq: u64, update: &[u8], at_ms: i64) -> LoggedEdit {
        use base64::Engine;
        LoggedEdit {
            seq,
            data: base64::engine::general_purpose::STANDARD.encode(update),
            author: Some(format!("user{}", seq % 2)),
            at_ms: Some(at_ms),
        }
    }

    #[test]
    fn every_recorded_moment_is_rebuilt_exactly() {
        let doc = Doc::with_options(Options { offset_kind: OffsetKind::Utf16, ..Options::default() });
        let mut history = History::new(1_000);
        history.started = true;
        let mut expected = Vec::new();
        let edits: Vec<Box<Change>> = vec![
            Box::new(|t, txn| t.insert(txn, 0, "fn main() {}\n")),
            Box::new(|t, txn| t.insert(txn, 11, "println!(\"héllo 🦀\");")),
            Box::new(|t, txn| t.remove_range(txn, 3, 4)),
            Box::new(|t, txn| {
                t.remove_range(txn, 0, 2);
                t.insert(txn, 0, "pub fn");
            }),
            Box::new(|t, txn| t.insert(txn, 25, &"x".repeat(40))),
        ];
        for (n, f) in edits.iter().enumerate() {
            let update = edit(&doc, f);
            let seq = n as u64 + 1;
            history.push(row(seq, &update, 1_000 + 100 * seq as i64)).expect("applies");
            expected.push(doc.get_or_insert_text(TEXT).get_string(&doc.transact()));
        }
        for (n, code) in expected.iter().enumerate() {
            let at = 100 * (n as i64 + 1);
            assert_eq!(&history.code_at(at).0, code, "at {at} ms");
        }
        assert_eq!(history.code_at(0).0, "");
        assert_eq!(history.steps[4].pasted_chars(), Some(40));
        assert_eq!(history.steps[1].pasted_chars(), None);
        assert_eq!(history.authors, vec!["user1".to_string(), "user0".to_string()]);
        // What is stored rebuilds every moment too.
        let packed = crate::db::pack(&history.stored()).expect("packs");
        let restored = History::from_stored(1_000, crate::db::unpack(&packed).expect("unpacks")).expect("restores");
        for (n, code) in expected.iter().enumerate() {
            assert_eq!(&restored.code_at(100 * (n as i64 + 1)).0, code);
        }
        let empty = doc.transact().encode_state_as_update_v1(&StateVector::default());
        assert!(!empty.is_empty());
    }

    #[test]
    fn a_stored_history_with_checkpoints_rebuilds_the_same_moments() {
        let doc = Doc::with_options(Options { offset_kind: OffsetKind::Utf16, ..Options::default() });
        let mut history = History::new(0);
        history.started = true;
        for seq in 1..=450u64 {
            let update = edit(&doc, |text, txn| {
                let len = text.len(txn);
                if seq % 7 == 0 && len > 3 {
                    text.remove_range(txn, len / 2, 2);
                } else {
                    text.insert(txn, (seq as u32 * 13) % (len + 1), if seq % 5 == 0 { "é\n" } else { "x" });
                }
            });
            history.push(row(seq, &update, seq as i64 * 10)).expect("applies");
        }
        assert_eq!(history.checkpoints.len(), 2);
        let mut restored = History::from_stored(0, history.stored()).expect("restores");
        assert_eq!(restored.checkpoints, history.checkpoints);
        // It goes on from there: later updates apply to the restored document.
        let update = edit(&doc, |text, txn| text.insert(txn, 0, "// more\n"));
        restored.push(row(451, &update, 4600)).expect("applies");
        assert_eq!(restored.code_at(4600).0, doc.get_or_insert_text(TEXT).get_string(&doc.transact()));
        for at in (0..=4600).step_by(37) {
            assert_eq!(restored.code_at(at), history.code_at(at), "at {at}");
        }
    }
}
