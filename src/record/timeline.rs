//! What happened in a session, in order: people joining and leaving, the candidate's tab losing
//! and regaining focus (both logged by the room's event channel into `session_event`), plus
//! what other tables already hold — language switches and large pastes (from the edit
//! history), runs and submits, chat messages, the end.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::history::History;
use crate::db::{Db, take_rows};
use crate::judge::HiddenSummary;
use crate::judge::store::{Submission, TestVerdict};
use crate::language::Language;
use crate::realtime::store::{Author, ChatMessage};
use crate::sessions::Session;
use crate::verdict::Verdict;

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

/// One entry of the timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = TimelineEvent)]
pub struct Event {
    /// Milliseconds since the session was created.
    pub at: i64,
    /// Who did it; `null` for the end of the session, and when the account is gone.
    pub user: Option<Author>,
    #[serde(flatten)]
    pub what: What,
}

/// What happened, by `kind`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[schema(as = TimelineWhat)]
pub enum What {
    /// Someone opened the room (their first connection to it).
    Join {
        /// Their place in the room: `host`, `interviewer`, `participant` or `admin`.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        role: Option<String>,
    },
    /// Someone left the room (their last connection closed).
    Leave {
        /// Their place in the room: `host`, `interviewer`, `participant` or `admin`.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        role: Option<String>,
    },
    /// The candidate's interview tab was hidden or shown again.
    Focus {
        /// `true`: back on the interview tab; `false`: left it.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        visible: Option<bool>,
    },
    /// The editor's language was switched.
    Language { language: String },
    /// One insertion large enough to be a paste.
    Paste {
        /// Characters inserted.
        chars: usize,
    },
    /// A run: the visible tests, or a custom input.
    Run(Attempt),
    /// A submit: every test, visible and hidden.
    Submit(Attempt),
    /// A chat message.
    Chat {
        text: String,
        #[serde(rename = "messageId")]
        message_id: String,
    },
    /// The session ended.
    Ended,
}

impl What {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Join { .. } => "join",
            Self::Leave { .. } => "leave",
            Self::Focus { .. } => "focus",
            Self::Language { .. } => "language",
            Self::Paste { .. } => "paste",
            Self::Run(_) => "run",
            Self::Submit(_) => "submit",
            Self::Chat { .. } => "chat",
            Self::Ended => "ended",
        }
    }
}

/// A run or submit on the timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub submission_id: String,
    pub language: Language,
    pub verdict: Verdict,
    pub passed: usize,
    pub total: usize,
    pub time_ms: u64,
    pub message: Option<String>,
    pub tests: Vec<TestVerdict>,
    /// The hidden tests of a submit, as counts; `null` for a run.
    pub hidden: Option<HiddenSummary>,
}

impl Event {
    fn new(at: i64, user: Option<Author>, what: What) -> Self {
        Self { at: at.max(0), user, what }
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
            events.push(Event::new(step.at, author.clone(), What::Language { language: language.clone() }));
        }
        if let Some(chars) = step.pasted_chars() {
            events.push(Event::new(step.at, author, What::Paste { chars }));
        }
    }
    events
}

pub async fn assemble(db: &Db, sources: Sources<'_>, mut events: Vec<Event>) -> anyhow::Result<Vec<Event>> {
    let since = |text: &str| crate::clock::parse_ms(text).map_or(0, |ms| ms - sources.created_ms);
    for row in logged(db, &sources.session.id).await? {
        // The room logs `{"role": …}` with a join or leave and `{"visible": …}` with a focus change.
        let role = || row.data.get("role").and_then(Value::as_str).map(str::to_string);
        let what = match row.kind {
            Logged::Join => What::Join { role: role() },
            Logged::Leave => What::Leave { role: role() },
            Logged::Focus => What::Focus { visible: row.data.get("visible").and_then(Value::as_bool) },
        };
        events.push(Event::new(row.at_ms - sources.created_ms, row.user, what));
    }
    for submission in sources.submissions {
        let user =
            submission.user.clone().map(|id| Author { id, name: submission.user_name.clone().unwrap_or_default() });
        let attempt = Attempt {
            submission_id: submission.id.clone(),
            language: submission.language,
            verdict: submission.verdict,
            passed: submission.passed,
            total: submission.total,
            time_ms: submission.time_ms,
            message: submission.message.clone(),
            tests: submission.tests.clone(),
            hidden: submission.hidden.clone(),
        };
        let what = match submission.mode {
            crate::judge::Mode::Run => What::Run(attempt),
            crate::judge::Mode::Submit => What::Submit(attempt),
        };
        events.push(Event::new(since(&submission.created_at), user, what));
    }
    for message in sources.chat {
        let what = What::Chat { text: message.text.clone(), message_id: message.id.clone() };
        events.push(Event::new(since(&message.created_at), Some(message.user.clone()), what));
    }
    if let Some(ended) = &sources.session.ended_at {
        events.push(Event::new(since(ended), None, What::Ended));
    }
    // Stable: events of one moment keep the order they were gathered in.
    events.sort_by_key(|event| event.at);
    Ok(events)
}
