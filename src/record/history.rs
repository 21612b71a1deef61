//! The edit history of a session, rebuilt from the room's update log: each logged update is
//! applied in order to a Yjs document, and what it changed in the code becomes a step of plain
//! text operations (UTF-16 indices, as a browser's strings count). The replay page applies the
//! steps itself; `code?at=` applies them here from the nearest checkpoint.
//!
//! Histories are cached and extended in place: a live session's history catches up by reading
//! only the rows logged since the last look.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use yrs::types::Delta;
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, GetString, Map, MapRef, Observable, OffsetKind, Options, Out, TextRef, Transact, Update};

use crate::cache::TtlCache;
use crate::db::Db;
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

/// One text operation: at `index` (UTF-16 code units), remove `delete` units, then insert `insert`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Op(pub u32, pub u32, pub String);

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Milliseconds since the session was created.
    pub at: i64,
    /// Index into [`History::authors`]; `None` for the starter code.
    pub author: Option<usize>,
    pub ops: Vec<Op>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
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
        }
    }

    /// Reads what was logged since the last look.
    async fn catch_up(&mut self, db: &Db, session_id: &str) -> anyhow::Result<()> {
        loop {
            let rows = room_store::edits_after(db, session_id, self.last_seq, PAGE).await?;
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
            for Op(index, delete, insert) in &step.ops {
                let from = (*index as usize).min(units.len());
                let to = from.saturating_add(*delete as usize).min(units.len());
                units.splice(from..to, insert.encode_utf16());
            }
            if let Some(changed) = &step.language {
                language.clone_from(changed);
            }
        }
        (String::from_utf16_lossy(&units), language)
    }
}

/// Histories in memory, by session; each is extended when read again.
pub struct Histories {
    cache: TtlCache<String, Arc<tokio::sync::Mutex<History>>>,
}

impl Histories {
    pub fn new() -> Self {
        Self { cache: TtlCache::new(Duration::from_secs(600), 64) }
    }

    /// The history of a session up to what is on disk now; `f` reads it under its lock.
    pub async fn read<T>(
        &self,
        db: &Db,
        session_id: &str,
        created_ms: i64,
        f: impl FnOnce(&History) -> T,
    ) -> anyhow::Result<T> {
        let history = self
            .cache
            .get_or_load(&session_id.to_string(), || async {
                anyhow::Ok(Arc::new(tokio::sync::Mutex::new(History::new(created_ms))))
            })
            .await?;
        let mut history = history.lock().await;
        history.catch_up(db, session_id).await?;
        Ok(f(&history))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{ReadTxn, StateVector, Text};

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
        let empty = doc.transact().encode_state_as_update_v1(&StateVector::default());
        assert!(!empty.is_empty());
    }
}
