//! Each interviewer's private Markdown notes on a session (table `session_note`, one record per
//! session and author). A save is acknowledged once committed, and the embedded store syncs each
//! commit, so an acknowledged save survives a crash.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::{Db, take_rows};
use crate::realtime::store::Author;

/// Longest notes accepted, in characters.
pub const MAX_CHARS: usize = 100_000;

/// One interviewer's notes on a session.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notes {
    /// Empty until the first save.
    pub markdown: String,
    /// When they were last saved; `null` before the first save.
    pub updated_at: Option<String>,
}

/// Someone's notes, with who wrote them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthoredNotes {
    pub user: Author,
    pub markdown: String,
    pub updated_at: Option<String>,
}

pub async fn own(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<Notes> {
    let mut response = db
        .query("SELECT markdown, <string> updated_at AS updatedAt FROM type::record('session_note', [$sid, $user])")
        .bind(json!({ "sid": session_id, "user": user_id }))
        .await?
        .check()?;
    Ok(take_rows::<Notes>(&mut response, 0)?.pop().unwrap_or(Notes { markdown: String::new(), updated_at: None }))
}

pub async fn save(db: &Db, session_id: &str, user_id: &str, markdown: &str) -> anyhow::Result<Notes> {
    let mut response = db
        .query(
            "UPSERT type::record('session_note', [$sid, $user]) CONTENT {
                session_id: $sid, user: type::record('user', $user), markdown: $markdown, updated_at: time::now()
            } RETURN markdown, <string> updated_at AS updatedAt",
        )
        .bind(json!({ "sid": session_id, "user": user_id, "markdown": markdown }))
        .await?
        .check()?;
    take_rows::<Notes>(&mut response, 0)?.pop().ok_or_else(|| anyhow::anyhow!("the notes were not saved"))
}

/// Every interviewer's notes on a session, oldest first.
pub async fn all(db: &Db, session_id: &str) -> anyhow::Result<Vec<AuthoredNotes>> {
    let mut response = db
        .query(
            "SELECT markdown, <string> updated_at AS updatedAt,
                (SELECT record::id(id) AS id, name FROM ONLY $parent.user) AS user
             FROM session_note WHERE session_id = $sid ORDER BY updatedAt",
        )
        .bind(json!({ "sid": session_id }))
        .await?
        .check()?;
    take_rows(&mut response, 0)
}
