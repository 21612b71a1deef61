//! What happened in a session, in order: people joining and leaving, the candidate's tab losing
//! and regaining focus (both logged by the room's event channel into `session_event`), plus
//! what other tables already hold — language switches and large pastes (from the edit
//! history), runs and submits, chat messages, the end.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::history::History;
use crate::db::{Db, take_rows};
use crate::judge::store::Submission;
use crate::realtime::store::{Author, ChatMessage};
use crate::sessions::Session;

/// Events the room's channel logs.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Logged {
    Join,
    Leave,
    Focus,
}

/// Appends one event; failures are logged, never shown to the person whose action it was.
/// `at_ms` is when it happened (taken before any queueing, so that the order holds).
pub async fn log(db: &Db, session_id: &str, kind: Logged, user_id: &str, data: Value, at_ms: i64) {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let result = db
        .query(
            "CREATE type::record('session_event', $id) CONTENT {
                session_id: $sid, kind: $kind, user: type::record('user', $user), data: $data,
                at_ms: $at_ms
            } RETURN NONE",
        )
        .bind(json!({
            "id": id, "sid": session_id, "kind": kind, "user": user_id, "data": data,
            "at_ms": at_ms,
        }))
        .await
        .and_then(surrealdb::IndexedResults::check);
    if let Err(err) = result {
        tracing::warn!(session = session_id, error = %err, "cannot log a session event");
    }
}

/// One entry of the timeline: `at` is milliseconds since the session was created.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: i64,
    pub kind: &'static str,
    pub user: Option<Author>,
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl Event {
    fn new(at: i64, kind: &'static str, user: Option<Author>, details: Value) -> Self {
        let details = match details {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        Self { at: at.max(0), kind, user, details }
    }
}

#[derive(Deserialize)]
struct LoggedRow {
    kind: Logged,
    at_ms: i64,
    user: Option<Author>,
    #[serde(default)]
    data: Value,
}

async fn logged(db: &Db, session_id: &str) -> anyhow::Result<Vec<LoggedRow>> {
    let mut response = db
        .query(
            "SELECT kind, at_ms, data, (SELECT record::id(id) AS id, name FROM ONLY $parent.user) AS user
             FROM session_event WHERE session_id = $sid ORDER BY at_ms LIMIT 20000",
        )
        .bind(json!({ "sid": session_id }))
        .await?
        .check()?;
    take_rows(&mut response, 0)
}

/// What the timeline is assembled from, besides the logged events.
pub struct Sources<'a> {
    pub session: &'a Session,
    pub created_ms: i64,
    pub submissions: &'a [Submission],
    pub chat: &'a [ChatMessage],
}

/// Language switches and pastes, from the edit history; each author's name is left for the
/// caller to fill (one look-up for the whole timeline).
pub fn from_history(history: &History) -> Vec<Event> {
    let mut events = Vec::new();
    for step in &history.steps {
        let author = step
            .author
            .and_then(|index| history.authors.get(index))
            .map(|id| Author { id: id.clone(), name: String::new() });
        if let Some(language) = &step.language {
            events.push(Event::new(step.at, "language", author.clone(), json!({ "language": language })));
        }
        if let Some(chars) = step.pasted_chars() {
            events.push(Event::new(step.at, "paste", author, json!({ "chars": chars })));
        }
    }
    events
}

pub async fn assemble(db: &Db, sources: Sources<'_>, mut events: Vec<Event>) -> anyhow::Result<Vec<Event>> {
    let since = |text: &str| crate::clock::parse_ms(text).map_or(0, |ms| ms - sources.created_ms);
    for row in logged(db, &sources.session.id).await? {
        let kind = match row.kind {
            Logged::Join => "join",
            Logged::Leave => "leave",
            Logged::Focus => "focus",
        };
        events.push(Event::new(row.at_ms - sources.created_ms, kind, row.user, row.data));
    }
    for submission in sources.submissions {
        let kind = match submission.mode {
            crate::judge::Mode::Run => "run",
            crate::judge::Mode::Submit => "submit",
        };
        let user =
            submission.user.clone().map(|id| Author { id, name: submission.user_name.clone().unwrap_or_default() });
        let details = json!({
            "submissionId": submission.id,
            "language": submission.language,
            "verdict": submission.verdict,
            "passed": submission.passed,
            "total": submission.total,
            "timeMs": submission.time_ms,
            "message": submission.message,
            "tests": submission.tests,
            "hidden": submission.hidden,
        });
        events.push(Event::new(since(&submission.created_at), kind, user, details));
    }
    for message in sources.chat {
        let details = json!({ "text": message.text, "messageId": message.id });
        events.push(Event::new(since(&message.created_at), "chat", Some(message.user.clone()), details));
    }
    if let Some(ended) = &sources.session.ended_at {
        events.push(Event::new(since(ended), "ended", None, json!({})));
    }
    // Stable: events of one moment keep the order they were gathered in.
    events.sort_by_key(|event| event.at);
    Ok(events)
}
