//! Session records. People are stored as record links to `user` and expanded to
//! `{id, name, image}` when read, so a renamed user shows up everywhere at once.

use serde::Deserialize;
use serde_json::json;

use super::{Seat, Session, Visibility};
use crate::db::{Db, retrying_conflicts, take_rows};
use crate::problems::ProblemRef;

/// The projection every read uses: ids as plain strings, people expanded, camelCase names.
pub const SESSION_VIEW: &str = "record::id(id) AS id, problem, difficulty, status, seats,
    interviewer_seats AS interviewerSeats, visibility,
    call_id AS callId, created_at AS createdAt, updated_at AS updatedAt, ended_at AS endedAt,
    started_at AS startedAt, time_box_minutes AS timeBoxMinutes,
    (SELECT record::id(id) AS id, name, image FROM ONLY $parent.host) AS host,
    (SELECT record::id(id) AS id, name, image FROM $parent.participants) AS participants,
    (SELECT record::id(id) AS id, name, image FROM $parent.interviewers) AS interviewers";

pub struct NewSession<'a> {
    pub id: &'a str,
    pub problem: &'a ProblemRef,
    pub host_id: &'a str,
    pub seats: u32,
    pub interviewer_seats: u32,
    pub visibility: Visibility,
    pub time_box_minutes: Option<u32>,
}

pub async fn create(db: &Db, session: NewSession<'_>) -> anyhow::Result<Session> {
    let mut response = db
        .query(format!(
            "CREATE type::record('session', $id) CONTENT {{
                problem: $problem, difficulty: $problem.difficulty, host: type::record('user', $host),
                participants: [], interviewers: [], seats: $seats, interviewer_seats: $interviewer_seats,
                visibility: $visibility, status: 'active', call_id: $call_id, time_box_minutes: $time_box,
                created_at: time::now(), updated_at: time::now(), ended_at: NONE
            }} RETURN NONE;
            SELECT {SESSION_VIEW} FROM type::record('session', $id);"
        ))
        .bind(json!({
            "id": session.id,
            "problem": session.problem,
            "host": session.host_id,
            "seats": session.seats,
            "interviewer_seats": session.interviewer_seats,
            "visibility": session.visibility,
            "time_box": session.time_box_minutes,
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
#[derive(Clone, Copy)]
pub enum Listing<'a> {
    /// Every live session (administrators).
    Active,
    /// The live sessions someone hosts or sits in.
    ActiveFor {
        user_id: &'a str,
    },
    CompletedFor {
        user_id: &'a str,
    },
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
        Listing::ActiveFor { user_id } => (
            format!(
                "LET $me = type::record('user', $user);
                 SELECT {SESSION_VIEW} FROM session WHERE status = 'active' {cursor}
                    AND (host = $me OR $me INSIDE participants OR $me INSIDE interviewers)
                    ORDER BY createdAt DESC LIMIT $limit;"
            ),
            Some(user_id),
            1,
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
/// `$me` in `change` and `condition` is the user `user_id`.
async fn update_if(db: &Db, session_id: &str, user_id: &str, change: &str, condition: &str) -> anyhow::Result<bool> {
    let change = format!("{change}, updated_at = time::now()");
    let prelude = "LET $me = type::record('user', $user);";
    write_if_after(db, prelude, "session", session_id, &change, condition, json!({ "user": user_id })).await
}

/// A conditional update of one record of `table`; `true` when the condition held and the change
/// was made. The condition and the change are one statement, so two racing callers cannot both
/// pass it. `bindings` (an object) adds parameters.
pub async fn write_if(
    db: &Db,
    table: &str,
    id: &str,
    change: &str,
    condition: &str,
    bindings: serde_json::Value,
) -> anyhow::Result<bool> {
    write_if_after(db, "", table, id, change, condition, bindings).await
}

async fn write_if_after(
    db: &Db,
    prelude: &str,
    table: &str,
    id: &str,
    change: &str,
    condition: &str,
    mut bindings: serde_json::Value,
) -> anyhow::Result<bool> {
    let statement = format!(
        "{prelude}
         UPDATE type::record($table, $id) SET {change} WHERE {condition} RETURN record::id(id) AS id;"
    );
    let at = if prelude.is_empty() { 0 } else { 1 };
    bindings["table"] = json!(table);
    bindings["id"] = json!(id);
    // The condition is evaluated again on each attempt, so the loser of a race sees the new
    // state.
    let mut response =
        retrying_conflicts(|| async { db.query(statement.as_str()).bind(bindings.clone()).await?.check() }).await?;
    Ok(!take_rows::<serde_json::Value>(&mut response, at)?.is_empty())
}

/// Seats someone when a seat of that kind is free; `false` when none is (or the session ended).
pub async fn try_join(db: &Db, session_id: &str, user_id: &str, seat: Seat) -> anyhow::Result<bool> {
    let not_seated = "status = 'active' AND host != $me AND $me NOTINSIDE participants AND $me NOTINSIDE interviewers";
    let (change, free) = match seat {
        Seat::Candidate => {
            ("participants += $me, started_at = started_at ?? time::now()", "array::len(participants) + 1 < seats")
        }
        Seat::Interviewer => ("interviewers += $me", "array::len(interviewers) < interviewer_seats"),
    };
    update_if(db, session_id, user_id, change, &format!("{not_seated} AND {free}")).await
}

/// Frees whichever seat someone holds; `false` when they held none.
pub async fn try_leave(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<bool> {
    update_if(
        db,
        session_id,
        user_id,
        "participants -= $me, interviewers -= $me",
        "status = 'active' AND ($me INSIDE participants OR $me INSIDE interviewers)",
    )
    .await
}

/// Sets (or clears) an active session's time box; `false` once it has ended.
pub async fn set_time_box(db: &Db, session_id: &str, minutes: Option<u32>) -> anyhow::Result<bool> {
    write_if(
        db,
        "session",
        session_id,
        "time_box_minutes = $minutes, updated_at = time::now()",
        "status = 'active'",
        json!({ "minutes": minutes }),
    )
    .await
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::write_if;
    use crate::db::Db;

    /// Racing conditional writes to one record make the optimistic transactions of some of them
    /// abort; each loser runs again and none reaches its caller as an error.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn racing_writes_to_one_record_all_land() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = surrealdb::engine::any::connect(format!("surrealkv://{}", dir.path().display()))
            .await
            .expect("an embedded database");
        db.use_ns("test").use_db("test").await.expect("a namespace and database");
        let db: Db = Arc::new(db);
        db.query("CREATE counter:one SET seen = []").await.and_then(|r| r.check()).expect("the record");

        let writers = (0..100).map(|writer| {
            let db = db.clone();
            tokio::spawn(async move {
                write_if(
                    &db,
                    "counter",
                    "one",
                    "seen += $writer",
                    "$writer NOTINSIDE seen",
                    json!({ "writer": writer }),
                )
                .await
            })
        });
        for writer in writers.collect::<Vec<_>>() {
            assert!(writer.await.expect("the writer ran").expect("the write landed"));
        }
        let mut response = db.query("SELECT VALUE array::len(seen) FROM ONLY counter:one").await.expect("a read");
        let seen: Option<usize> = response.take(0).expect("a count");
        assert_eq!(seen, Some(100));
    }
}
