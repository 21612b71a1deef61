//! Session records. People are stored as record links to `user` and expanded to
//! `{id, name, image}` when read, so a renamed user shows up everywhere at once.

use serde::Deserialize;
use serde_json::json;

use super::Session;
use crate::db::{Db, take_rows};
use crate::problems::ProblemRef;

/// The projection every read uses: ids as plain strings, people expanded, camelCase names.
const SESSION_VIEW: &str = "record::id(id) AS id, problem, difficulty, status, seats,
    call_id AS callId, created_at AS createdAt, updated_at AS updatedAt, ended_at AS endedAt,
    (SELECT record::id(id) AS id, name, image FROM ONLY $parent.host) AS host,
    (SELECT record::id(id) AS id, name, image FROM $parent.participants) AS participants";

pub struct NewSession<'a> {
    pub id: &'a str,
    pub problem: &'a ProblemRef,
    pub host_id: &'a str,
    pub seats: u32,
}

pub async fn create(db: &Db, session: NewSession<'_>) -> anyhow::Result<Session> {
    let mut response = db
        .query(format!(
            "CREATE type::record('session', $id) CONTENT {{
                problem: $problem, difficulty: $problem.difficulty, host: type::record('user', $host),
                participants: [], seats: $seats, status: 'active', call_id: $call_id,
                created_at: time::now(), updated_at: time::now(), ended_at: NONE
            }} RETURN NONE;
            SELECT {SESSION_VIEW} FROM type::record('session', $id);"
        ))
        .bind(json!({
            "id": session.id,
            "problem": session.problem,
            "host": session.host_id,
            "seats": session.seats,
            "call_id": format!("session_{}", session.id),
        }))
        .await?
        .check()?;
    take_rows::<Session>(&mut response, 1)?.pop().ok_or_else(|| anyhow::anyhow!("session was not created"))
}

pub async fn find(db: &Db, id: &str) -> anyhow::Result<Option<Session>> {
    let mut response = db
        .query(format!("SELECT {SESSION_VIEW} FROM type::record('session', $id)"))
        .bind(json!({ "id": id }))
        .await?
        .check()?;
    Ok(take_rows(&mut response, 0)?.pop())
}

/// Which sessions a listing asks for.
pub enum Listing<'a> {
    Active,
    CompletedFor { user_id: &'a str },
}

pub async fn list(db: &Db, listing: Listing<'_>, limit: u32, before: Option<&str>) -> anyhow::Result<Vec<Session>> {
    let cursor = if before.is_some() { "AND created_at < <datetime>$before" } else { "" };
    let (statement, user, rows_at) = match listing {
        // Live sessions are few (each host may run only a handful), so one filtered read is enough.
        Listing::Active => (
            format!(
                "SELECT {SESSION_VIEW} FROM session WHERE status = 'active' {cursor} ORDER BY createdAt DESC LIMIT $limit"
            ),
            None,
            0,
        ),
        // The person's own history rows, newest first from the index, and only the page of
        // sessions they name is expanded.
        Listing::CompletedFor { user_id } => (
            format!(
                "LET $page = (SELECT VALUE session FROM session_history WHERE user = type::record('user', $user) {cursor}
                    ORDER BY created_at DESC LIMIT $limit);
                 SELECT {SESSION_VIEW} FROM $page ORDER BY createdAt DESC;"
            ),
            Some(user_id),
            1,
        ),
    };
    let mut response =
        db.query(statement).bind(json!({ "user": user, "before": before, "limit": limit })).await?.check()?;
    take_rows(&mut response, rows_at)
}

pub async fn count_active_hosted_by(db: &Db, user_id: &str) -> anyhow::Result<u64> {
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let mut response = db
        .query(
            "SELECT count() AS n FROM session WHERE host = type::record('user', $user) AND status = 'active' GROUP ALL",
        )
        .bind(json!({ "user": user_id }))
        .await?
        .check()?;
    Ok(take_rows::<Count>(&mut response, 0)?.first().map_or(0, |c| c.n))
}

/// A conditional update on one session; `true` when the condition held and the change was made.
/// The condition and the change are one statement, so two racing callers cannot both pass it.
async fn update_if(db: &Db, session_id: &str, user_id: &str, change: &str, condition: &str) -> anyhow::Result<bool> {
    let statement = format!(
        "LET $me = type::record('user', $user);
         UPDATE type::record('session', $id) SET {change}, updated_at = time::now() WHERE {condition} RETURN record::id(id) AS id;"
    );
    // Optimistic transactions may abort on a concurrent write to the same session; the
    // condition is re-evaluated on retry, so the loser of a race sees the new state.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = db.query(statement.as_str()).bind(json!({ "id": session_id, "user": user_id })).await;
        match result.and_then(|response| response.check()) {
            Ok(mut response) => return Ok(!take_rows::<serde_json::Value>(&mut response, 1)?.is_empty()),
            Err(err) if attempt < 20 && is_conflict(&err) => {
                tokio::time::sleep(std::time::Duration::from_millis(2 * attempt)).await;
            }
            Err(err) => return Err(err.into()),
        }
    }
}

fn is_conflict(err: &surrealdb::Error) -> bool {
    let text = err.to_string().to_lowercase();
    text.contains("conflict") || text.contains("retry")
}

pub async fn try_join(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<bool> {
    update_if(
        db,
        session_id,
        user_id,
        "participants += $me",
        "status = 'active' AND host != $me AND $me NOTINSIDE participants AND array::len(participants) + 1 < seats",
    )
    .await
}

pub async fn try_leave(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<bool> {
    update_if(db, session_id, user_id, "participants -= $me", "status = 'active' AND $me INSIDE participants").await
}

pub async fn try_end(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<bool> {
    update_if(
        db,
        session_id,
        user_id,
        "status = 'completed', ended_at = time::now()",
        "status = 'active' AND host = $me",
    )
    .await
}
